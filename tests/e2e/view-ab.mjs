// Two built sites, the same steps, the results view compared (a tool, not a test): after each step
// (a load, sorts, ticks, a search, a page, a baseline, a filter, a language) the view's HTML and
// its tick-boxes' states must be the same in both, e.g. a view drawn anew against one changed in
// place (docs/BENCHMARKS.md, "seventh round"). `data-id` (the tick-boxes' city) is left out.
//   node tests/e2e/view-ab.mjs DIST_A DIST_B
//   FILE=mpi-5000.csv (a file loaded as a step too)  W=360 (the width; 1366 by default)
import { launch } from './lib.mjs';
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json' };
function serve(dir) {
  const server = createServer((req, res) => {
    let f = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    try { if (statSync(f).isDirectory()) f = join(f, 'index.html'); res.writeHead(200, { 'content-type': TYPES[extname(f)] ?? 'application/octet-stream' }).end(readFileSync(f)); } catch { res.writeHead(404).end(); }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${server.address().port}/`)));
}
const browser = await launch();
const W = Number(process.env.W ?? 1366);
const pages = [];
for (const d of process.argv.slice(2)) {
  const p = await browser.newPage({ viewport: { width: W, height: 900 } });
  await p.goto(await serve(d));
  await p.waitForSelector('body[data-ready="true"]');
  pages.push(p);
}
const snap = (p) => p.evaluate(() => {
  const v = document.querySelector('#view').cloneNode(true);
  for (const i of v.querySelectorAll('input[data-id]')) i.removeAttribute('data-id');
  const boxes = [...document.querySelectorAll('#view tbody input')].map((i) => `${i.checked ? 1 : 0}${i.disabled ? 1 : 0}`).join('');
  return v.innerHTML.replace(/ class=""/g, '') + boxes;
});
async function step(name, f) {
  for (const p of pages) {
    const prev = await p.evaluate(() => document.body.dataset.rendered ?? '');
    await f(p, prev);
    await p.waitForTimeout(300);
  }
  const [a, b] = await Promise.all(pages.map(snap));
  console.log(a === b ? 'same' : 'DIFFERENT', name, `(${a.length} characters)`);
  if (a !== b) process.exitCode = 1;
  if (a !== b) { let i = 0; while (a[i] === b[i]) i++; console.log(a.slice(i - 200, i + 200)); console.log('---'); console.log(b.slice(i - 200, i + 200)); }
}
// The demo button clicked from the page: a phone folds the data panel away once data is loaded.
const load = async (p, prev, f) => {
  if (f) await p.setInputFiles('[data-testid=data-file]', f);
  else await p.evaluate(() => document.querySelector('[data-testid=demo-data]').click());
  await p.waitForFunction((x) => document.body.dataset.rendered && document.body.dataset.rendered !== x, prev);
};
await step('demo', (p, prev) => load(p, prev));
await step('sort name', (p) => p.click('button.sort[data-key=name]'));
await step('sort index', (p) => p.click('button.sort[data-key=index]'));
await step('sort index again', (p) => p.click('button.sort[data-key=index]'));
await step('tick 4', async (p) => { for (let i = 0; i < 4; i++) await p.locator('#view tbody input').nth(i * 2).click(); });
await step('untick 1', (p) => p.locator('#view tbody input').nth(2).click());
await step('search', (p) => p.fill('#search', 'pur'));
await step('search clear', (p) => p.fill('#search', ''));
await step('next page', (p) => p.click('.pager button:last-child'));
await step('baseline keep', (p) => p.click('[data-testid=baseline-keep]'));
await step('sort move', (p) => p.click('button.sort[data-key=move]'));
if (process.env.FILE) await step('file', (p, prev) => load(p, prev, process.env.FILE));
await step('sort by the last vertical', (p) => p.locator('button.sort[data-key^=v]').last().click());
await step('filter state', (p) => p.selectOption('#f-state', { index: 2 }));
await step('hindi', (p) => p.click('.lang-switch .lang[data-lang=hi]'));
await step('demo again', (p, prev) => load(p, prev));
await step('english', (p) => p.click('.lang-switch .lang[data-lang=en]'));
await browser.close();
process.exit(process.exitCode ?? 0);
