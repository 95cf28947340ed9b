// Interleaved A/B of built sites (a tool, not a test): on a shared, noisy machine two builds are
// compared fairly only when they run in the same minutes, taking turns. Each trial opens a fresh
// browser context on each build in turn, waits for the service worker as `npm run bench` does
// (plus WAIT ms), then repeats the action ACTIONS times; prints per build the median of the first
// action (what a person's first click gets) and of the later ones (what the bench times), and of
// the later ones' stages as `npm run bench` names them (the page's view, to the frame, painted).
//   node tests/e2e/bench-ab.mjs DIST_A DIST_B [...]         (the demo button)
//   FILE=path.csv node tests/e2e/bench-ab.mjs DIST_A DIST_B (a file dropped)
//   TRIALS=6 ACTIONS=8 WAIT=0 (defaults); POINTER=1: the pointer put over the page first, as
//   `npm run bench` leaves it after its demo clicks (Chromium then updates the hover state, with
//   the new view's style and layout, before the animation-frame callback: "to the frame")
// Keep a build to compare with: `cp -a www/dist /tmp/dist-before` before changing anything.
import { launch, serve, timedLoad } from './lib.mjs';

const builds = process.argv.slice(2);
if (builds.length === 0) throw new Error('usage: node tests/e2e/bench-ab.mjs DIST_A DIST_B ...');
const TRIALS = Number(process.env.TRIALS ?? 6);
const ACTIONS = Number(process.env.ACTIONS ?? 8);
const WAIT = Number(process.env.WAIT ?? 0);
const FILE = process.env.FILE;
const servers = await Promise.all(builds.map((b) => serve(b)));
const browser = await launch();
const res = builds.map(() => ({ first: [], firstEngine: [], later: [], laterEngine: [], view: [], frame: [], painted: [] }));
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (let t = 0; t < TRIALS; t++) {
  for (let b = 0; b < builds.length; b++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await page.goto(servers[b].url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await new Promise((r) => setTimeout(r, WAIT));
    if (process.env.POINTER) await page.mouse.move(683, 450);
    for (let i = 0; i < ACTIONS; i++) {
      const x = await timedLoad(page, () =>
        FILE ? page.setInputFiles('[data-testid=data-file]', FILE) : page.click('[data-testid=demo-data]'),
      );
      const r = res[b];
      if (i === 0) (r.first.push(x.totalMs), r.firstEngine.push(x.engineMs));
      else {
        r.later.push(x.totalMs);
        r.laterEngine.push(x.engineMs);
        r.view.push(x.viewMs);
        r.frame.push(x.totalMs - x.replyMs - x.viewMs);
        r.painted.push(x.paintedMs);
      }
    }
    await context.close();
  }
}
await browser.close();
for (const s of servers) await s.close();
console.log(`${FILE ?? 'demo button'}, ${TRIALS} trials × ${ACTIONS} actions, ${WAIT} ms after the service worker; medians, ms: total (engine)\n`);
console.log('| build | first action | later actions | later: page view | later: to the frame | later: drop → painted |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (let b = 0; b < builds.length; b++) {
  const r = res[b];
  const later = r.later.length ? `${median(r.later).toFixed(1)} (${median(r.laterEngine).toFixed(1)})` : '–';
  const m = (a) => (a.length ? median(a).toFixed(1) : '–');
  console.log(`| ${builds[b]} | ${median(r.first).toFixed(1)} (${median(r.firstEngine).toFixed(1)}) | ${later} | ${m(r.view)} | ${m(r.frame)} | ${m(r.painted)} |`);
}
