// The page's own share of a file drop, build by build (a tool, not a test): each build in a
// browser of its own, one after the other (taking turns in one browser, a build's garbage is
// collected during the other's run). After two warm-up drops, TRACES drops traced with
// Chromium's timeline (a person's first drops after opening the page), then RUNS drops timed:
// the medians of the stages `npm run bench` reports (window.nagarTimings; "messages" is the
// reply's time less the worker's read and engine). Traced, on the page's main thread: the task handling the worker's reply (HandlePostMessage: the
// results deserialised and unpacked, then the view drawn), its `onmessage` call, and the
// young-generation collections inside it.
//   node tools/page/drop-trace.mjs DIST_A [DIST_B ...]
//   FILE=path.csv RUNS=14 TRACES=3 (defaults: the 5,000-ULB file `nagar demo --ulbs 5000` writes,
//   made with NAGAR_CLI or target/release/nagar when FILE is not given)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, serve, timedLoad, tmp } from '../../tests/e2e/lib.mjs';

const builds = process.argv.slice(2);
if (builds.length === 0) throw new Error('usage: node tools/page/drop-trace.mjs DIST_A [DIST_B ...]');
const RUNS = Number(process.env.RUNS ?? 14);
const TRACES = Number(process.env.TRACES ?? 3);
let FILE = process.env.FILE;
if (!FILE) {
  FILE = join(tmp('nagar-drop-'), 'mpi-5000.csv');
  execFileSync(process.env.NAGAR_CLI ?? join(ROOT, 'target/release/nagar'), ['demo', '--ulbs', '5000', '--out', FILE], { stdio: 'ignore' });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/// The reply's task on the main thread in a trace: its length, its `onmessage` call and the
/// young-generation collections within it (ms).
function replyTask(path) {
  const t = JSON.parse(readFileSync(path, 'utf8'));
  const events = t.traceEvents ?? t;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const on = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const task = on.filter((e) => e.name === 'HandlePostMessage').sort((a, b) => b.dur - a.dur)[0];
  if (!task) return null;
  const inside = on.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
  const call = Math.max(0, ...inside.filter((e) => e.name === 'FunctionCall').map((e) => e.dur));
  const gc = inside.filter((e) => e.name === 'MinorGC').reduce((a, e) => a + e.dur, 0);
  return { task: task.dur / 1000, onmessage: call / 1000, minorGc: gc / 1000 };
}

const dir = tmp('nagar-trace-');
for (const build of builds) {
  const { url, close } = await serve(build);
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const drop = () => page.setInputFiles('[data-testid=data-file]', FILE);
  const lines = [];
  for (let i = 0; i < 2; i++) await timedLoad(page, drop);
  for (let i = 0; i < TRACES; i++) {
    const path = join(dir, `trace-${i}.json`);
    await browser.startTracing(page, { path, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'toplevel'] });
    const r = await timedLoad(page, drop);
    await browser.stopTracing();
    const x = replyTask(path);
    lines.push(
      `  drop ${i + 3} (traced): total ${r.totalMs.toFixed(1)} ms; reply's task ${x ? x.task.toFixed(1) : '–'} ms, ` +
        `onmessage ${x ? x.onmessage.toFixed(1) : '–'} ms, young-generation GC ${x ? x.minorGc.toFixed(1) : '–'} ms`,
    );
  }
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timedLoad(page, drop));
  const m = (f) => median(runs.map(f)).toFixed(1);
  console.log(
    `${build}: total ${m((r) => r.totalMs)}, engine ${m((r) => r.engineMs)}, file read ${m((r) => r.readMs)}, ` +
      `messages ${m((r) => r.replyMs - r.readMs - r.engineMs)}, view ${m((r) => r.viewMs)} ms (medians of ${RUNS})`,
  );
  for (const l of lines) console.log(l);
  await browser.close();
  await close();
}
