// Browser benchmark (not a test) of the Robustness view: MPI 2019 on 5,000 synthetic ULBs in
// headless Chromium on this machine, from the click on Run to the rank-interval chart on screen
// (window.nagarRobustness.clickToChartMs, taken by the page when the frame that paints the chart
// starts). Prints a Markdown table.
//   npm run bench:robustness   (builds the site when www/dist has none, and the CLI when
//                               target/ has none; NAGAR_CLI=path/to/nagar to use another)
// 1. UA: weights ±25% at vertical and sector level + the three missing-data policies, N = 1,000
//    (the view's defaults): the first run and warm runs. The first click comes READ_MS (default
//    3,000) after the view opens, as a person reads the settings first; the view gives the
//    workers the data when it opens (RobustnessRunner.prime), so that is when they read it.
// 2. SA d = 4 (vertical weights, sector weights, missing-data policy, normalisation), N = 250:
//    1,500 replications, 200 bootstrap resamples.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ROOT, launch, serve, tmp } from './lib.mjs';

// The CLI only makes the 5,000-ULB file (`nagar demo`): any build of it will do.
const built = () => [join(ROOT, 'target/release/nagar'), join(ROOT, 'target/debug/nagar')].find((p) => existsSync(p));
if (!process.env.NAGAR_CLI && !built()) {
  execFileSync('cargo', ['build', '--release', '-p', 'nagar-cli'], { cwd: ROOT, stdio: 'inherit' });
}
const CLI = process.env.NAGAR_CLI ?? built();
if (!existsSync(join(DIST, 'index.html'))) {
  execFileSync('bash', ['scripts/build.sh'], { cwd: ROOT, stdio: 'inherit' });
}
const RUNS = Number(process.env.RUNS ?? 5);
const load0 = (await import('node:os')).loadavg();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = tmp('nagar-bench-rb-');
const big = join(dir, 'mpi-5000.csv');
execFileSync(CLI, ['demo', '--ulbs', '5000', '--out', big], { stdio: 'ignore' });

const srv = await serve();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
await page.goto(srv.url);
await page.waitForSelector('body[data-ready="true"]');
await page.setInputFiles('[data-testid=data-file]', big);
await page.waitForSelector('[data-testid=results-table] tbody tr', { timeout: 120_000 });
await page.click('a[data-view=robustness]');
await page.waitForSelector('#rb-run:not([disabled])');
await new Promise((r) => setTimeout(r, Number(process.env.READ_MS ?? 3000)));
const cores = await page.evaluate(() => navigator.hardwareConcurrency);

async function once() {
  const prev = await page.evaluate(() => document.body.dataset.robustness ?? '');
  await page.click('#rb-run');
  await page.waitForFunction((p) => (document.body.dataset.robustness ?? '') !== p, prev, { timeout: 300_000 });
  const err = await page.$('[data-testid=rb-error]');
  if (err) throw new Error(await err.textContent());
  return page.evaluate(() => window.nagarRobustness);
}

async function series(name) {
  const first = await once();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once());
  return { name, first, runs };
}

const rows = [];
rows.push(await series('UA, N = 1,000 (weights ±25% at 2 levels, 3 missing-data policies)'));
await page.check('#rb-type-sa');
await page.check('#rb-norm');
await page.fill('#rb-n', '250');
await page.dispatchEvent('#rb-n', 'change');
rows.push(await series('SA, d = 4, N = 250 (1,500 replications, 200 bootstrap resamples)'));

console.log(`Chromium (headless), 5,000 ULBs, ${cores} cores reported; the first click ${Number(process.env.READ_MS ?? 3000)} ms after the view opens; ${RUNS} warm runs after the first.\n`);
console.log('| analysis | replications | workers | first run: click → chart | warm runs: click → chart, median (min–max) | warm, median: prepare / replications / unit statistics / summary / drawing |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const ms = r.runs.map((x) => x.clickToChartMs);
  const ph = (k) => Math.round(median(r.runs.map((x) => x.phases[k])));
  console.log(
    `| ${r.name} | ${r.first.reps} | ${r.first.workers} | ${Math.round(r.first.clickToChartMs)} ms | ${Math.round(median(ms))} ms (${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))}) | ${ph('prepare')} / ${ph('replications')} / ${ph('stats')} / ${ph('summary')} / ${Math.round(median(r.runs.map((x) => x.clickToChartMs - x.ms)))} ms |`,
  );
}
console.log(`\nLoad average (1, 5, 15 min) at the start: ${load0.map((x) => x.toFixed(1)).join(', ')}; at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(', ')}.`);
await browser.close();
await srv.close();
