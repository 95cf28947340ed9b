// Browser tests of the analysis views (www/dist): sister cities, learn from peers, and the
// private preview with what-if, "why this score" and improvement priorities. Every number is
// compared with the command-line tool on the same data (`nagar pair`, `peers`, `score`,
// `explain`, `improve`). Run with the other browser tests: `node --test tests/e2e/`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST, ROOT, assertOnlyOwnStaticGets, launch, parseCsv, serve, tmp } from './lib.mjs';

const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const CLI =
  process.env.NAGAR_CLI ?? [join(ROOT, 'target/release/nagar'), join(ROOT, 'target/debug/nagar')].find((p) => existsSync(p)) ?? 'nagar';

let srv, browser, dir;
const files = {};
let header, demoRows;

function cli(...args) {
  return execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/// A CSV table as records keyed by the header.
function records(text) {
  const [cols, ...rows] = parseCsv(text).filter((r) => r.length > 1);
  return rows.map((r) => Object.fromEntries(cols.map((c, k) => [c, r[k]])));
}

const csvLine = (cells) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'www/dist is missing: run `npm run build` first');
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`cargo build -p nagar-cli\` first`);
  mkdirSync(SHOTS, { recursive: true });
  dir = tmp('nagar-e2e-analysis-');
  // The page's demo data is exactly this file (see www/src/protocol.ts: 120 ULBs, seed 2019).
  files.demo = join(dir, 'demo.csv');
  cli('demo', '--ulbs', '120', '--seed', '2019', '--out', files.demo);
  const rows = parseCsv(readFileSync(files.demo, 'utf8')).filter((r) => r.length > 1);
  [header, ...demoRows] = rows;
  // My ULB: a copy of a mid-table city's inputs under a new id and name, with one input changed.
  const mine = [...demoRows[17]];
  mine[header.indexOf('ulb_id')] = 'MY-1';
  mine[header.indexOf('ulb_name')] = 'My <b>Town</b>';
  files.mine = join(dir, 'mine.csv');
  writeFileSync(files.mine, `${csvLine(header)}\n${csvLine(mine)}\n`);
  files.mineRow = mine;
  files.combined = join(dir, 'combined.csv');
  writeFileSync(files.combined, [header, ...demoRows, mine].map(csvLine).join('\n') + '\n');
  // A row whose id is already published.
  const clash = [...demoRows[3]];
  files.clash = join(dir, 'clash.csv');
  writeFileSync(files.clash, `${csvLine(header)}\n${csvLine(clash)}\n`);
  srv = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Console errors include Content-Security-Policy violations.
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(srv.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.click('[data-testid=demo-data]');
  await page.waitForSelector('[data-testid=results-table] tbody tr', { timeout: 60_000 });
  return { page, errors };
}

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFile(await dl.path());
}

test('sister cities: the 20 pairs of `nagar pair`, explained, and the same CSV export', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, errors } = await open(context);
  await page.click('a[data-view=sister]');
  await page.waitForSelector('[data-testid=sister-view] [data-testid=pairs-table] > tbody > tr');
  const pairs = await page.$$eval('[data-testid=pairs-table] > tbody > tr', (rows) => rows.map((r) => `${r.dataset.mentor}>${r.dataset.mentee}`));
  assert.equal(pairs.length, 20);
  const cliCsv = cli('pair', '--framework', 'mpi-2019', '--data', files.demo);
  const want = records(cliCsv)
    .filter((r) => r.mentor_id && r.mentee_id)
    .map((r) => `${r.mentor_id}>${r.mentee_id}`);
  assert.equal(want.length, 20);
  assert.deepEqual([...pairs].sort(), [...want].sort());
  assert.equal(await page.textContent('[data-testid=pair-count]'), '20');
  assert.equal(await page.$$eval('svg.pair-picture line.pair-line', (l) => l.length), 20);
  // The export is the CLI's file, byte for byte.
  const exported = await download(page, '[data-testid=pairs-export]');
  assert.equal(exported.toString('utf8'), cliCsv);
  await page.screenshot({ path: join(SHOTS, 'sister.png'), fullPage: true });
  // An explanation opens; other settings give the CLI's pairs too.
  await page.click('[data-testid=pairs-table] > tbody > tr:first-child details summary');
  await page.locator('[data-testid=pairs-table] > tbody > tr:first-child details table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'sister-why.png') });
  await page.selectOption('#pair-within', 'tier');
  await page.fill('#pair-n', '5');
  await page.dispatchEvent('#pair-n', 'change');
  await page.fill('#pw-complement', '3');
  await page.dispatchEvent('#pw-complement', 'change');
  await page.click('[data-testid=pair-run]');
  const tierWant = records(cli('pair', '--framework', 'mpi-2019', '--data', files.demo, '--n', '5', '--within', 'tier', '--weights', 'complement=3'))
    .filter((r) => r.mentor_id && r.mentee_id)
    .map((r) => `${r.mentor_id}>${r.mentee_id}`)
    .sort();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=pairs-table] > tbody > tr').length === n, tierWant.length);
  const tierGot = await page.$$eval('[data-testid=pairs-table] > tbody > tr', (rows) => rows.map((r) => `${r.dataset.mentor}>${r.dataset.mentee}`));
  assert.deepEqual(tierGot.sort(), tierWant);
  await page.screenshot({ path: join(SHOTS, 'sister-tier.png'), fullPage: true });
  // Hard constraints: units that cannot be placed are listed with the reason, as by the CLI.
  await page.click('[data-testid=pair-defaults]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=pairs-table] > tbody > tr').length === 20);
  await page.check('[data-same=zone]');
  await page.check('[data-same=terrain]');
  await page.click('[data-testid=pair-run]');
  await page.waitForSelector('[data-testid=unplaced] li');
  const sameCsv = records(cli('pair', '--framework', 'mpi-2019', '--data', files.demo, '--same', 'zone,terrain'));
  const samePairs = sameCsv.filter((r) => r.mentor_id && r.mentee_id).map((r) => `${r.mentor_id}>${r.mentee_id}`).sort();
  const got = await page.$$eval('[data-testid=pairs-table] > tbody > tr', (rows) => rows.map((r) => `${r.dataset.mentor}>${r.dataset.mentee}`));
  assert.deepEqual(got.sort(), samePairs);
  const unplaced = await page.$$eval('[data-testid=unplaced] li', (l) => l.map((x) => x.textContent));
  assert.equal(unplaced.length, sameCsv.length - samePairs.length);
  assert.ok(unplaced.every((t) => /same zone|cannot|no mentor|no mentee|leaves/.test(t)), unplaced.join('\n'));
  await page.locator('[data-testid=unplaced]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'sister-unplaced.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('learn from peers: the panel in a city profile lists the peers of `nagar peers`', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, errors } = await open(context);
  // A low-ranked city: one of the mentees.
  const mentee = records(cli('pair', '--framework', 'mpi-2019', '--data', files.demo)).find((r) => r.mentee_id).mentee_id;
  await page.evaluate((id) => (location.hash = `#/city/${encodeURIComponent(id)}`), mentee);
  await page.waitForSelector('[data-testid=peers-panel] li.peer', { timeout: 30_000 });
  const node = await page.$eval('#peer-node', (s) => s.value);
  const got = await page.$$eval('[data-testid=peers-panel] li.peer', (l) => l.map((x) => x.dataset.peer));
  const want = records(cli('peers', '--framework', 'mpi-2019', '--data', files.demo, '--ulb', mentee, '--sector', node)).map((r) => r.peer_id ?? Object.values(r)[0]);
  assert.ok(got.length > 0);
  assert.deepEqual(got, want.slice(0, got.length));
  await page.locator('[data-testid=peers-panel]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'peers.png') });
  assert.deepEqual(errors, []);
  await context.close();
});


async function whyRows(page) {
  return page.$$eval('[data-testid=why-table] tbody tr', (rows) => rows.map((r) => [r.dataset.id, Number(r.dataset.contribution)]));
}

async function myIndex(page) {
  return Number(await page.$eval('[data-testid=my-index]', (e) => e.dataset.value));
}

test('preview my ULB: rank, why, improvements and what-if equal the CLI; nothing leaves the page or is stored', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const requests = [];
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData(), at: Date.now() }));
  const { page, errors } = await open(context);
  await page.waitForLoadState('networkidle');
  const loadedAt = Date.now();
  await page.click('a[data-view=preview]');
  await page.waitForSelector('[data-testid=preview-view]');
  await page.setInputFiles('[data-testid=my-file]', files.mine);
  await page.waitForSelector('[data-testid=my-index]', { timeout: 30_000 });

  // My index and rank: those of `nagar score` on the published data plus my row.
  const scored = records(cli('score', '--framework', 'mpi-2019', '--data', files.combined));
  const me = scored.find((r) => r.ulb_id === 'MY-1');
  const index = await myIndex(page);
  assert.ok(Math.abs(index - Number(me.index)) < 1e-9, `index ${index} vs CLI ${me.index}`);
  assert.equal(await page.$eval('[data-testid=my-rank]', (e) => e.dataset.value), me.rank);
  assert.match(await page.textContent('[data-testid=preview-view] h2'), /My <b>Town<\/b>/);
  assert.equal(await page.evaluate(() => document.querySelectorAll('main b').length), 0);

  // Why this score: the contributions add up to the index and are `nagar explain`'s.
  let rows = await whyRows(page);
  const sum = rows.reduce((a, [, c]) => a + c, 0);
  assert.ok(Math.abs(sum - index) < 1e-6, `contributions sum to ${sum}, index ${index}`);
  const explain = new Map(records(cli('explain', '--framework', 'mpi-2019', '--data', files.combined, '--ulb', 'MY-1')).map((r) => [r.id, Number(r.contribution)]));
  assert.equal(rows.length, explain.size);
  for (const [id, c] of rows) assert.ok(Math.abs(c - explain.get(id)) < 1e-9, `${id}: page ${c}, CLI ${explain.get(id)}`);

  // Improvement priorities: the first ten of `nagar improve`.
  const improve = records(cli('improve', '--framework', 'mpi-2019', '--data', files.combined, '--ulb', 'MY-1')).slice(0, 10);
  const items = await page.$$eval('[data-testid=improve-list] li', (l) =>
    l.map((x) => ({ id: x.dataset.id, gain: Number(x.dataset.gain), rank: x.dataset.newRank, text: x.textContent, lever: x.querySelector('.lever')?.dataset.lever ?? 'outcome' })),
  );
  assert.equal(items.length, improve.length);
  items.forEach((it, k) => {
    assert.equal(it.id, improve[k].id);
    assert.ok(Math.abs(it.gain - Number(improve[k].gain)) < 1e-9);
    assert.equal(it.rank, improve[k].new_rank);
    // Spending, size and what is decided elsewhere carry the framework's mark, as the CLI's
    // `lever` column says; outcomes carry none.
    assert.equal(it.lever, improve[k].lever, `${it.id}: mark ${it.lever}, CLI ${improve[k].lever}`);
    // The page words each priority itself (in the page's language and number formats), with
    // the new rank the engine gives.
    assert.match(it.text, new RegExp(`rank [\\d,]+ → ${it.rank}\\b`));
  });
  await page.screenshot({ path: join(SHOTS, 'preview.png'), fullPage: true });

  // What-if: change a number input; the index updates and equals re-scoring the edited file.
  const field = await page.$eval('[data-testid=whatif-field][type=text]', (e) => ({ id: e.dataset.field, value: e.value }));
  const changed = String(Math.round(Number(field.value || '10') * 1.5 + 1));
  const before = await page.evaluate(() => document.body.dataset.whatif ?? '');
  await page.fill(`[data-testid=whatif-field][data-field="${field.id}"]`, changed);
  await page.waitForFunction((b) => (document.body.dataset.whatif ?? '') !== b, before);
  const after = await myIndex(page);
  assert.notEqual(after, index, 'the index moved');
  const edited = [header, ...demoRows, files.mineRow.map((c, k) => (header[k] === field.id ? changed : c))];
  const editedFile = join(dir, 'edited.csv');
  writeFileSync(editedFile, edited.map(csvLine).join('\n') + '\n');
  const me2 = records(cli('score', '--framework', 'mpi-2019', '--data', editedFile)).find((r) => r.ulb_id === 'MY-1');
  assert.ok(Math.abs(after - Number(me2.index)) < 1e-9, `what-if ${after} vs re-scored ${me2.index}`);
  rows = await whyRows(page);
  const sum2 = rows.reduce((a, [, c]) => a + c, 0);
  assert.ok(Math.abs(sum2 - after) < 1e-6, `after the change, contributions sum to ${sum2}, index ${after}`);
  // An impossible value: an inline message, nothing changes.
  const before2 = await page.evaluate(() => document.body.dataset.whatif ?? '');
  await page.fill(`[data-testid=whatif-field][data-field="${field.id}"]`, 'lots');
  await page.waitForFunction((b) => (document.body.dataset.whatif ?? '') !== b, before2);
  assert.match(await page.textContent(`[id="wf-${field.id}-msg"]`), /\S/);
  assert.equal(await myIndex(page), after);
  // A Y/N toggle updates at once too.
  const toggle = await page.$('[data-testid=whatif-field][type=checkbox]');
  if (toggle) {
    await toggle.evaluate((el) => (el.closest('details').open = true));
    const before3 = await page.evaluate(() => document.body.dataset.whatif ?? '');
    await toggle.click();
    await page.waitForFunction((b) => (document.body.dataset.whatif ?? '') !== b, before3);
    const rows3 = await whyRows(page);
    assert.ok(Math.abs(rows3.reduce((a, [, c]) => a + c, 0) - (await myIndex(page))) < 1e-6);
  }
  await page.locator('[data-testid=why-table]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'preview-why.png') });
  await page.locator('[data-testid=improve-list]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'preview-improve.png') });

  // Nothing of my ULB was stored.
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.deepEqual(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)), []);
  // ... until I save a scenario; "Forget" deletes it.
  await page.click('[data-testid=save-scenario]');
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name === 'nagar-scenarios'));
  await page.waitForSelector('[data-testid=forget-scenarios]:not([disabled])');
  // Opening the saved scenario gives the same state (my file, my changes replayed).
  const current = await myIndex(page);
  const mark = await page.evaluate(() => document.body.dataset.preview ?? '');
  await page.click('.saved-list button');
  await page.waitForFunction((m) => (document.body.dataset.preview ?? '') !== m, mark);
  assert.equal(await myIndex(page), current);
  await page.click('[data-testid=forget-scenarios]');
  await page.waitForFunction(async () => (await indexedDB.databases()).length === 0);
  assert.equal(await page.evaluate(() => localStorage.length), 0);

  // No request left the origin; after the first load, only GETs of the app's own files.
  assertOnlyOwnStaticGets(requests, srv.url, loadedAt);
  for (const l of srv.log) assert.ok(l.method === 'GET' || l.method === 'HEAD', `${l.method} ${l.url}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('preview: an id that is already published asks replace or add as new', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, errors } = await open(context);
  await page.click('a[data-view=preview]');
  await page.setInputFiles('[data-testid=my-file]', files.clash);
  await page.waitForSelector('[data-testid=collision-add]');
  await page.screenshot({ path: join(SHOTS, 'preview-collision.png') });
  await page.click('[data-testid=collision-add]');
  await page.waitForSelector('[data-testid=my-index]');
  assert.match(await page.textContent('[data-testid=preview-view] h2'), /-mine/);
  // A file made for another framework: a clear message, the preview stays as it was.
  const other = join(dir, 'other.csv');
  writeFileSync(other, 'uCode,uName,pop,water_supply_lpcd\nX1,Somewhere,1000,135\n');
  await page.setInputFiles('[data-testid=my-file]', other);
  await page.waitForSelector('.preview-status .banner.error');
  assert.match(await page.textContent('.preview-status'), /another framework|id column/);
  assert.match(await page.textContent('[data-testid=preview-view] h2'), /-mine/);
  // A file of two rows: both are scored; the what-if switches between them.
  const two = join(dir, 'two.csv');
  const a = [...demoRows[30]], b = [...demoRows[60]];
  a[0] = 'MINE-A';
  b[0] = 'MINE-B';
  writeFileSync(two, [header, a, b].map(csvLine).join('\n') + '\n');
  const mark = await page.evaluate(() => document.body.dataset.preview ?? '');
  await page.setInputFiles('[data-testid=my-file]', two);
  await page.waitForFunction((m) => (document.body.dataset.preview ?? '') !== m, mark);
  assert.deepEqual(await page.$$eval('#pv-unit option', (o) => o.map((x) => x.value)), ['MINE-A', 'MINE-B']);
  const twoCombined = join(dir, 'two-combined.csv');
  writeFileSync(twoCombined, [header, ...demoRows, a, b].map(csvLine).join('\n') + '\n');
  const scored = records(cli('score', '--framework', 'mpi-2019', '--data', twoCombined));
  const idx = (id) => Number(scored.find((r) => r.ulb_id === id).index);
  assert.ok(Math.abs((await myIndex(page)) - idx('MINE-A')) < 1e-9);
  const before = await page.$eval('[data-testid=my-index]', (e) => e.dataset.value);
  await page.selectOption('#pv-unit', 'MINE-B');
  await page.waitForFunction((v) => document.querySelector('[data-testid=my-index]')?.dataset.value !== v, before);
  assert.ok(Math.abs((await myIndex(page)) - idx('MINE-B')) < 1e-9);
  await page.waitForSelector('[data-testid=why-table]');
  const sum = (await whyRows(page)).reduce((x, [, c]) => x + c, 0);
  assert.ok(Math.abs(sum - idx('MINE-B')) < 1e-6);
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no serious accessibility violation in the new views; no sideways scrolling on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
  const { page, errors } = await open(context);
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const found = [];
  const check = async (name) => {
    const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const x of res.violations) {
      if (x.impact === 'serious' || x.impact === 'critical') found.push(`${name}: ${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    }
  };
  await page.click('a[data-view=sister]');
  await page.waitForSelector('[data-testid=pairs-table] > tbody > tr');
  await check('sister');
  await page.click('[data-testid=pairs-table] > tbody > tr:first-child th a');
  await page.waitForSelector('[data-testid=peers-panel] li.peer, [data-testid=peers-panel] .peers-out p:not(.hint)');
  await check('profile with peers');
  await page.click('a[data-view=preview]');
  await page.setInputFiles('[data-testid=my-file]', files.mine);
  await page.waitForSelector('[data-testid=my-index]');
  await check('preview');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, 'preview-phone.png'), fullPage: false });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'preview: no sideways scrolling on a phone');
  await page.click('a[data-view=sister]');
  await page.waitForSelector('[data-testid=pairs-table] > tbody > tr');
  await page.screenshot({ path: join(SHOTS, 'sister-phone.png'), fullPage: false });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'sister cities: no sideways scrolling on a phone');
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('preview: my ULB typed in the form (inline message for an impossible value); my changes survive a settings change', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const { page, errors } = await open(context);
  await page.click('a[data-view=preview]');
  await page.click('text=Or type my ULB in a form');
  await page.waitForSelector('form.blank');
  // Every input of my row as text, in the form; one of them impossible.
  const values = Object.fromEntries(header.map((c, k) => [c, files.mineRow[k]]));
  await page.fill('#bf-id', 'MY-FORM');
  await page.fill('#bf-state', values.state ?? '');
  await page.fill('#bf-population', values.population ?? '');
  const fields = await page.$$eval('form.blank [data-field]', (l) => l.map((e) => ({ id: e.dataset.field, tag: e.tagName })));
  for (const f of fields) {
    const v = values[f.id] ?? '';
    if (v === '') continue;
    await page.$eval(`form.blank [data-field="${f.id}"]`, (el, v) => {
      if (el.tagName === 'SELECT') el.value = v;
      else el.value = v;
      el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
    }, v);
  }
  const bad = fields.find((f) => f.tag === 'INPUT').id;
  await page.fill(`form.blank [data-field="${bad}"]`, '-5');
  await page.click('form.blank button[type=submit]');
  await page.waitForSelector('[data-testid=my-index]');
  await page.waitForFunction((id) => /\S/.test(document.getElementById(`bf-${id}-msg`)?.textContent ?? ''), bad);
  // The same row with that value missing, scored by the CLI.
  const row = header.map((c) => (c === 'ulb_id' ? 'MY-FORM' : c === 'ulb_name' ? 'My ULB' : c === bad ? '' : values[c]));
  const formFile = join(dir, 'form-combined.csv');
  writeFileSync(formFile, [header, ...demoRows, row].map(csvLine).join('\n') + '\n');
  const cliMe = records(cli('score', '--framework', 'mpi-2019', '--data', formFile)).find((r) => r.ulb_id === 'MY-FORM');
  assert.ok(Math.abs((await myIndex(page)) - Number(cliMe.index)) < 1e-9, `form ${await myIndex(page)} vs CLI ${cliMe.index}`);

  // A what-if change, then another missing-data policy: the preview is re-scored with my change kept.
  const field = await page.$eval('[data-testid=whatif-field][type=text]', (e) => ({ id: e.dataset.field, value: e.value }));
  const changed = String(Math.round(Number(field.value || '10') * 2 + 3));
  let mark = await page.evaluate(() => document.body.dataset.whatif ?? '');
  await page.fill(`[data-testid=whatif-field][data-field="${field.id}"]`, changed);
  await page.waitForFunction((b) => (document.body.dataset.whatif ?? '') !== b, mark);
  mark = await page.evaluate(() => document.body.dataset.preview ?? '');
  await page.selectOption('#missing', 'mean');
  await page.waitForFunction((b) => (document.body.dataset.preview ?? '') !== b, mark, { timeout: 30_000 });
  await page.waitForSelector('[data-testid=my-index]');
  const row2 = header.map((c, k) => (c === field.id ? changed : row[k]));
  writeFileSync(formFile, [header, ...demoRows, row2].map(csvLine).join('\n') + '\n');
  // The page's settings as the CLI takes them (the vertical weights as the sliders hold them).
  const weights = await page.$$eval('#weights input', (l) => l.map((e) => `${e.dataset.vertical}=${e.value}`));
  const wargs = weights.flatMap((w) => ['--weight', w]);
  const cliMe2 = records(cli('score', '--framework', 'mpi-2019', '--data', formFile, '--missing', 'mean', ...wargs)).find((r) => r.ulb_id === 'MY-FORM');
  assert.ok(Math.abs((await myIndex(page)) - Number(cliMe2.index)) < 1e-9, `after the settings change ${await myIndex(page)} vs CLI ${cliMe2.index}`);
  assert.equal(await page.$eval(`[data-testid=whatif-field][data-field="${field.id}"]`, (e) => e.value), changed);
  assert.deepEqual(errors, []);
  await context.close();
});
