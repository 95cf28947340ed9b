// Browser benchmark (not a test): from file drop to rendered results table, in headless
// Chromium on this machine, and the sizes the page downloads. Prints a Markdown table.
//   npm run bench                       (builds what it needs: the site and the CLI)
//   NAGAR_CLI=path/to/nagar npm run bench   (use this CLI to make the data instead of building one)
//   SKIP_BUILD=1 npm run bench          (use www/dist as it is)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, ROOT, builtFiles, launch, serve, timedLoad, tmp } from './lib.mjs';

// The CLI only makes the 5,000-ULB file (`nagar demo`); a clean clone has none, so build it.
const CLI = process.env.NAGAR_CLI ?? join(ROOT, 'target/release/nagar');
if (!process.env.NAGAR_CLI) {
  execFileSync('cargo', ['build', '--release', '-p', 'nagar-cli'], { cwd: ROOT, stdio: 'inherit' });
}
if (!process.env.SKIP_BUILD || !existsSync(join(DIST, 'index.html'))) {
  execFileSync('bash', ['scripts/build.sh'], { cwd: ROOT, stdio: 'inherit' });
}
const RUNS = Number(process.env.RUNS ?? 7);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}


const gz = (p) => gzipSync(readFileSync(p), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

const dir = tmp('nagar-bench-');
const big = join(dir, 'mpi-5000.csv');
execFileSync(CLI, ['demo', '--ulbs', '5000', '--out', big], { stdio: 'ignore' });

const srv = await serve();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
await page.goto(srv.url);
await page.waitForSelector('body[data-ready="true"]');
// Timed once the service worker has cached the app (its install step fetches every built
// file, the lazy modules included): a person opening the page takes that long to pick a file.
await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
const swReadyMs = await page.evaluate(() => performance.now());

const once = (action) => timedLoad(page, action);

async function measure(name, action) {
  await once(action); // warm-up
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(action));
  const m = (k) => median(runs.map((r) => r[k]));
  // The messages between page and worker: the reply's time less the worker's read and engine.
  const messages = median(runs.map((r) => r.replyMs - r.readMs - r.engineMs));
  const frame = median(runs.map((r) => r.totalMs - r.replyMs - r.viewMs));
  return { name, total: m('totalMs'), engine: m('engineMs'), read: m('readMs'), messages, view: m('viewMs'), frame, painted: m('paintedMs'), units: runs[0].units };
}

const rows = [
  await measure('synthetic demo data (button)', () => page.click('[data-testid=demo-data]')),
  await measure(`5,000-ULB MPI CSV (${kb(statSync(big).size)})`, () => page.setInputFiles('[data-testid=data-file]', big)),
];

// A weight slider moved with the 5,000-ULB data loaded: the page's own "Recomputed in N ms" (the
// engine's re-score, from the aggregation on, and the results view updated).
const sliders = page.locator('#weights input[type=range]');
const reweigh = [];
for (let i = 0; i < RUNS + 1; i++) {
  // The status cleared first: two moves may well take the same whole number of milliseconds.
  await sliders.nth(i % (await sliders.count())).evaluate((el, v) => {
    document.querySelector('#status').textContent = '';
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, 10 + i * 7);
  await page.waitForFunction(() => /Recomputed in \d+ ms/.test(document.querySelector('#status')?.textContent ?? ''), null, {
    timeout: 60_000,
  });
  const recomputed = Number((await page.textContent('#status')).match(/Recomputed in (\d+) ms/)[1]);
  if (i > 0) reweigh.push(recomputed); // the first is a warm-up
}

// What-if on the 5,000-ULB data: my row (a copy of one published row under a new id) in the
// Preview view, then changes to one of its number fields. Each change is timed by the page from
// the engine call to my new scores and ranks on screen (window.nagarWhatIf); the explanation,
// the priorities and everyone's rank moves follow when the person pauses and are not part of it.
const lines = readFileSync(big, 'utf8').split('\n');
const mineRow = lines[18].split(',');
mineRow[0] = 'MY-BENCH';
const mine = join(dir, 'mine.csv');
writeFileSync(mine, `${lines[0]}\n${mineRow.join(',')}\n`);
await page.click('a[data-view=preview]');
await page.waitForSelector('[data-testid=preview-view]');
await page.setInputFiles('[data-testid=my-file]', mine);
await page.waitForSelector('[data-testid=my-index]', { timeout: 120_000 });
const field = await page.$eval('[data-testid=whatif-field][type=text]', (e) => e.dataset.field);
const whatIf = [];
for (let i = 0; i < RUNS + 1; i++) {
  const before = await page.evaluate(() => document.body.dataset.whatif ?? '');
  const changes = await page.evaluate(() => document.body.dataset.whatifChange ?? '0');
  await page.fill(`[data-testid=whatif-field][data-field="${field}"]`, String(100 + i * 7));
  await page.waitForFunction((c) => (document.body.dataset.whatifChange ?? '0') !== c, changes, { timeout: 60_000 });
  const t = await page.evaluate(() => window.nagarWhatIf);
  // Let the pause work (explanation, priorities, moves) finish before the next change.
  await page.waitForFunction((b) => (document.body.dataset.whatif ?? '') !== b, before, { timeout: 60_000 });
  if (i > 0) whatIf.push(t); // the first is a warm-up
}
// The engine's warm-up (www/src/worker.ts, `warmUp`): when it ended, from the page's navigation
// start (the worker's clock has another origin; both are given since the epoch here).
const engineWorker = page.workers().find((w) => /\/worker-/.test(w.url()) && !/robustness/.test(w.url()));
const warm = engineWorker ? await engineWorker.evaluate(() => self.nagarWarm ?? null) : null;
const origin = await page.evaluate(() => performance.timeOrigin);
await browser.close();
await srv.close();

const all = builtFiles();
const wasm = (pat) => all.find((f) => pat.test(f));
const siteGz = all.reduce((a, f) => a + gz(join(DIST, f)), 0);
const firstLoad = all.filter((f) => !/nagar_(sheets|full)/.test(f)).reduce((a, f) => a + gz(join(DIST, f)), 0);

console.log(`Chromium ${browser.version()}, ${RUNS} runs each (median), ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| data | cities | drop → rendered table | of which engine (read + score) | drop → painted |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.name} | ${r.units} | ${r.total.toFixed(0)} ms | ${r.engine.toFixed(0)} ms | ${r.painted.toFixed(0)} ms |`);
// Where the rest goes (each a median of its own, so they need not add up to the total exactly).
// "to the frame" ends where the total ends (the frame that paints the table starts); "painted"
// is the first task after that frame, its style, layout and paint done (see `once`).
console.log('\n| data | file read (worker) | engine | messages, copies, unpacking | page: state and results view | to the frame |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
const ms = (x) => (x === undefined || Number.isNaN(x) ? '–' : `${x.toFixed(1)} ms`);
for (const r of rows) console.log(`| ${r.name} | ${ms(r.read)} | ${ms(r.engine)} | ${ms(r.messages)} | ${ms(r.view)} | ${ms(r.frame)} |`);
console.log(`\n| weight slider moved (5,000 ULBs) | median | max |`);
console.log('| --- | ---: | ---: |');
console.log(`| page: "Recomputed in N ms" (engine re-score and results view) | ${median(reweigh)} ms | ${Math.max(...reweigh)} ms |`);
console.log(`\n| what-if change (5,000 ULBs + my row; field \`${field}\`) | median | max |`);
console.log('| --- | ---: | ---: |');
const col = (k) => whatIf.map((t) => t[k]);
console.log(`| engine (re-derive my row, re-normalise, re-aggregate, re-rank) | ${median(col('engineMs')).toFixed(1)} ms | ${Math.max(...col('engineMs')).toFixed(1)} ms |`);
console.log(`| page: call → my new scores and ranks rendered | ${median(col('totalMs')).toFixed(1)} ms | ${Math.max(...col('totalMs')).toFixed(1)} ms |`);
console.log(
  `\nService worker ready (timing starts) ${swReadyMs.toFixed(0)} ms after navigation; engine warm-up: ` +
    (warm?.doneAt
      ? `${warm.steps.length} steps (${warm.steps.map((s) => s.toFixed(0)).join(', ')} ms), done ${(warm.doneAt - origin).toFixed(0)} ms after navigation.`
      : warm
        ? `not done (${warm.steps.length} steps).`
        : 'none in this build.'),
);
console.log('\n| size (gzip -9) | bytes |');
console.log('| --- | ---: |');
console.log(`| main wasm module (scores a CSV) | ${kb(gz(join(DIST, wasm(/nagar_wasm_bg.*\.wasm$/))))} |`);
console.log(`| full module with the analyses (lazy) | ${kb(gz(join(DIST, wasm(/nagar_full_bg.*\.wasm$/))))} |`);
console.log(`| spreadsheet-reading module (lazy) | ${kb(gz(join(DIST, wasm(/nagar_sheets_read_bg.*\.wasm$/))))} |`);
console.log(`| spreadsheet-writing module (lazy) | ${kb(gz(join(DIST, wasm(/nagar_sheets_write_bg.*\.wasm$/))))} |`);
console.log(`| first load (without the lazy modules) | ${kb(firstLoad)} |`);
console.log(`| whole site (${all.length} files) | ${kb(siteGz)} |`);
