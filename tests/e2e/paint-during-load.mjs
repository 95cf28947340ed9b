// The page thread's paint while a load's progress bar animates (a tool, not a test): after a file
// is loaded, the indeterminate progress bar is shown for 1 s under a Chromium trace, three times
// per CSS variant (taking turns), and the top-level Paint events counted and summed.
//   FILE=mpi-5000.csv VARIANTS='{"none":"","x":"main{isolation:auto}"}' node tests/e2e/paint-during-load.mjs
// (NAGAR_DIST for another built site; the variants go in a <style>, so the context bypasses the
// page's Content-Security-Policy, which would drop it silently.)
import { launch, serve } from './lib.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmp } from './lib.mjs';
const dir = tmp('nagar-paint-');
const { url } = await serve();
const browser = await launch();
const page = await browser.newPage({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
await page.goto(url);
await page.waitForSelector('body[data-ready="true"]');
await page.setInputFiles('[data-testid=data-file]', process.env.FILE);
await page.waitForFunction(() => document.body.dataset.rendered);
await page.mouse.move(683, 450);
const variants = JSON.parse(process.env.VARIANTS ?? '{"as built":""}');
const names = Object.keys(variants);
const out = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < 3; round++) for (const n of names) {
  await page.evaluate((css) => { let s = document.getElementById('probe'); if (!s) { s = document.createElement('style'); s.id = 'probe'; document.head.append(s); } s.textContent = css; document.getElementById('progress').hidden = true; }, variants[n]);
  await page.waitForTimeout(200);
  await browser.startTracing(page, { path: join(dir, 'paint.json'), categories: ['devtools.timeline'] });
  await page.evaluate(() => { document.getElementById('progress').hidden = false; document.getElementById('progress-bar').removeAttribute('value'); document.getElementById('progress-label').textContent = 'Scoring…'; });
  await page.waitForTimeout(1000);
  await page.evaluate(() => { document.getElementById('progress').hidden = true; });
  await browser.stopTracing();
  const ev = JSON.parse(readFileSync(join(dir, 'paint.json'), 'utf8')).traceEvents.filter((e) => e.ph === 'X' && e.name === 'Paint' && e.dur);
  // top-level Paint events only (nested Paint have same name): take the sum of the longest per ts cluster
  const tops = ev.filter((e) => !ev.some((o) => o !== e && o.tid === e.tid && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur));
  out[n].push(`${tops.length} paints, ${(tops.reduce((a, e) => a + e.dur, 0) / 1000).toFixed(1)} ms`);
}
console.log(JSON.stringify(out, null, 1));
await browser.close(); process.exit(0);
