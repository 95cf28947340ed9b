// Browser tests of the web app (www/dist), in Debian's Chromium via playwright-core, run by
// node's test runner: `node --test tests/e2e/`. Needs `npm run build` and the release CLI
// (`cargo build -p nagar-cli --release`); scripts/test.sh does both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { DIST, ROOT, assertOnlyOwnStaticGets, launch, parseCsv, serve, sheetsModule, tmp } from './lib.mjs';

const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const CLI = process.env.NAGAR_CLI ?? join(ROOT, 'target/release/nagar');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

let srv, browser, dir, sheets;
const files = {};

function cli(...args) {
  return execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/// Cells of a CSV from `nagar demo` as typed values: numbers where the text is a number that
/// round-trips exactly, text otherwise (so the XLSX and JSON copies hold real numbers).
function typed(s) {
  if (s === '') return null;
  const x = Number(s);
  return /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(s) && String(x) === s ? x : s;
}

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'www/dist is missing: run `npm run build` first');
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`cargo build -p nagar-cli --release\` first`);
  mkdirSync(SHOTS, { recursive: true });
  dir = tmp();
  sheets = await sheetsModule();
  // One synthetic data set, as CSV (from the CLI), XLSX and JSON (same values).
  files.csv = join(dir, 'cities.csv');
  cli('demo', '--ulbs', '60', '--seed', '7', '--out', files.csv);
  const [columns, ...rows] = parseCsv(readFileSync(files.csv, 'utf8')).filter((r) => r.length > 1);
  const cells = rows.map((r) => r.map(typed));
  files.xlsx = join(dir, 'cities.xlsx');
  writeFileSync(files.xlsx, sheets.writeXlsx([{ name: 'Data', columns, rows: cells }]));
  files.json = join(dir, 'cities.json');
  writeFileSync(files.json, JSON.stringify(cells.map((r) => Object.fromEntries(columns.map((c, k) => [c, r[k]])))));
  srv = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Console errors include Content-Security-Policy violations.
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(srv.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { context, page, errors };
}

async function waitScored(page, previous) {
  await page.waitForFunction((prev) => document.body.dataset.rendered && document.body.dataset.rendered !== prev, previous ?? '', {
    timeout: 60_000,
  });
}

async function upload(page, file) {
  const prev = await page.evaluate(() => document.body.dataset.rendered ?? '');
  await page.setInputFiles('[data-testid=data-file]', file);
  await waitScored(page, prev);
}

async function download(page, testid) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

async function firstIndex(page) {
  return page.$eval('[data-testid=results-table] tbody tr td.strong', (td) => td.textContent);
}

test('demo data scores and shows the table, a city profile and the data check', async () => {
  const { context, page, errors } = await open();
  await page.screenshot({ path: join(SHOTS, 'start.png') });
  await page.click('[data-testid=demo-data]');
  await page.waitForSelector('[data-testid=results-table] tbody tr');
  const rows = await page.$$eval('[data-testid=results-table] tbody tr', (r) => r.length);
  assert.ok(rows >= 20, `expected a page of rows, got ${rows}`);
  assert.match(await page.textContent('main'), /Synthetic demo data/);
  assert.match(await page.textContent('.pager'), /of 120/);
  await page.screenshot({ path: join(SHOTS, 'results.png'), fullPage: true });
  await page.click('[data-testid=results-table] tbody tr th a');
  await page.waitForSelector('.profile table.indicators');
  assert.match(await page.textContent('.profile'), /Strongest/);
  await page.screenshot({ path: join(SHOTS, 'profile.png') });
  await page.locator('.profile table.indicators').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'profile-indicators.png') });
  await page.click('a[data-view=validation]');
  await page.waitForSelector('[data-testid=validation-report]');
  await page.screenshot({ path: join(SHOTS, 'validation.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('a[data-view=results]');
  await page.waitForSelector('[data-testid=results-table]');
  await page.screenshot({ path: join(SHOTS, 'phone.png'), fullPage: true });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling on a phone');
  assert.deepEqual(errors, []);
  await context.close();
});

test('CSV, XLSX and JSON uploads give exactly the scores of `nagar score`', async () => {
  const { context, page, errors } = await open();
  for (const kind of ['csv', 'xlsx', 'json']) {
    const cliOut = join(dir, `cli-${kind}.csv`);
    cli('score', '--framework', 'mpi-2019', '--data', files[kind], '--out', cliOut);
    await upload(page, files[kind]);
    const { bytes } = await download(page, 'export-csv');
    const web = parseCsv(bytes.toString('utf8'));
    const want = parseCsv(readFileSync(cliOut, 'utf8'));
    assert.equal(web.length, want.length, `${kind}: row count`);
    assert.ok(want.length > 50);
    for (let r = 0; r < want.length; r++) {
      assert.equal(web[r].length, want[r].length, `${kind}: width of row ${r + 1}`);
      for (let c = 0; c < want[r].length; c++) {
        if (web[r][c] !== want[r][c]) {
          assert.fail(`${kind}: row ${r + 1}, column ${want[0][c]}: page ${web[r][c]} ≠ CLI ${want[r][c]}`);
        }
      }
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a large file (over 16 MB) shows its reading progress, then scores', async () => {
  const { context, page, errors } = await open();
  // The 60 synthetic cities, repeated under new ids until the file is over 16 MB.
  const [header, ...rows] = readFileSync(files.csv, 'utf8').split('\n').filter((l) => l.length > 0);
  const lines = [header];
  let size = header.length;
  for (let k = 1; size <= 17 * 1024 * 1024; k++) {
    for (const r of rows) {
      const line = r.replace(/^[^,]*/, (id) => `${id}-${k}`);
      lines.push(line);
      size += line.length + 1;
    }
  }
  const big = join(dir, 'large.csv');
  writeFileSync(big, `${lines.join('\n')}\n`);
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver(() => window.__progress.push(document.querySelector('#progress-label').textContent)).observe(
      document.querySelector('#progress-label'),
      { childList: true, characterData: true, subtree: true },
    );
  });
  await upload(page, big);
  const seen = await page.evaluate(() => window.__progress);
  assert.ok(seen.some((t) => /^Reading: \d+%$/.test(t)), `progress shown: ${JSON.stringify(seen)}`);
  assert.match(await page.textContent('#status'), new RegExp(`large\\.csv: ${(lines.length - 1).toLocaleString('en-IN')} cities scored`));
  assert.ok(await page.isHidden('#progress'), 'the progress bar is gone once scored');
  assert.deepEqual(errors, []);
  await context.close();
});

/// COINr's ASEM example (../shared/data/coinr-asem), as the Rust conformance tests find it.
function asemFile(name) {
  const dirs = [join(ROOT, '..', 'shared'), process.env.NAGAR_SHARED, '/work/shared'].filter(Boolean);
  const found = dirs.map((d) => join(d, 'data', 'coinr-asem', name)).find((p) => existsSync(p));
  assert.ok(found, `${name} not found under ${dirs.join(', ')} (set NAGAR_SHARED)`);
  return found;
}

test('framework files (TOML, and a COINr iMeta table as CSV and as XLSX) score like `nagar score --framework`', async () => {
  const { context, page, errors } = await open();
  const imetaCsv = asemFile('ASEM_iMeta.csv');
  const [columns, ...rows] = parseCsv(readFileSync(imetaCsv, 'utf8')).filter((r) => r.length > 1);
  const imetaXlsx = join(dir, 'ASEM_iMeta.xlsx');
  writeFileSync(imetaXlsx, sheets.writeXlsx([{ name: 'iMeta', columns, rows: rows.map((r) => r.map(typed)) }]));
  const cases = [
    [join(ROOT, 'frameworks', 'mpi-2019.toml'), files.csv],
    [imetaCsv, asemFile('ASEM_iData.csv')],
    [imetaXlsx, asemFile('ASEM_iData.csv')],
  ];
  for (const [framework, data] of cases) {
    const name = basename(framework);
    const cliOut = join(dir, `cli-${name}.csv`);
    cli('score', '--framework', framework, '--data', data, '--out', cliOut);
    await page.setInputFiles('[data-testid=framework-file]', framework);
    await page.waitForFunction((n) => (document.querySelector('#status')?.textContent ?? '').includes(`loaded from ${n}`), name, {
      timeout: 30_000,
    });
    await upload(page, data);
    const web = parseCsv((await download(page, 'export-csv')).bytes.toString('utf8'));
    const want = parseCsv(readFileSync(cliOut, 'utf8'));
    assert.ok(want.length > 40, `${name}: ${want.length} rows`);
    assert.deepEqual(web, want, `${name}: the page's export differs from the CLI's`);
  }
  // ASEM's z-score aggregates: values that round to zero show as 0.0, never -0.0.
  const cells = await page.$$eval('[data-testid=results-table] tbody td', (tds) => tds.map((td) => td.textContent.trim()));
  assert.ok(cells.includes('0.0'), 'some value rounds to zero');
  assert.ok(!cells.includes('-0.0'), 'no negative zero');
  assert.deepEqual(errors, []);
  await context.close();
});

test('malformed files show their issues, names are shown as text, and the app keeps working', async () => {
  const { context, page, errors } = await open();
  const bad = (name, bytes) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  // A binary file renamed .csv: a message, nothing scored.
  await page.setInputFiles('[data-testid=data-file]', bad('binary.csv', Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0x89, 0x50, 0x4e, 0x47, 0, 0, 0])));
  await page.waitForSelector('#status.error');
  // JSON that is not an array of records.
  await page.setInputFiles('[data-testid=data-file]', bad('not-records.json', '{"cities": 12}'));
  await page.waitForFunction(() => /not-records\.json/.test(document.querySelector('#status')?.textContent ?? ''));
  assert.match(await page.textContent('#status'), /not-records\.json/);
  // A 200 MB file (sparse: no disk used): refused with a message before it is read.
  const huge = bad('huge.csv', '');
  truncateSync(huge, 200 * 1024 * 1024);
  await page.setInputFiles('[data-testid=data-file]', huge);
  await page.waitForFunction(() => /huge\.csv is 200 MB/.test(document.querySelector('#status')?.textContent ?? ''));
  // A workbook with no data.
  await page.setInputFiles('[data-testid=data-file]', bad('empty.xlsx', sheets.writeXlsx([{ name: 'Data', columns: [], rows: [] }])));
  await page.waitForFunction(() => /empty\.xlsx/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.match(await page.getAttribute('#status', 'class'), /error/);
  // A CSV with HTML in a name and bad values: scored, every issue listed with row and column.
  const csv = readFileSync(files.csv, 'utf8').split('\n');
  const header = parseCsv(csv[0])[0];
  const name = header.indexOf('ulb_name');
  const third = header.findIndex((c, k) => k > 5 && c !== 'population');
  const row1 = parseCsv(csv[1])[0];
  row1[name] = '<script>window.__pwned = 1</script><b>Bold</b>';
  row1[third] = 'not a number';
  csv[1] = row1.map((c) => (/[",\n<]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
  await upload(page, bad('messy.csv', csv.join('\n')));
  const scripts = await page.evaluate(() => document.querySelectorAll('script').length);
  await page.fill('#search', '<script>');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=results-table] tbody tr').length === 1);
  assert.equal(await page.textContent('[data-testid=results-table] tbody tr th a'), '<script>window.__pwned = 1</script><b>Bold</b>');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.evaluate(() => document.querySelectorAll('main b').length), 0);
  assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), scripts);
  await page.click('a[data-view=validation]');
  await page.waitForSelector('[data-testid=validation-report] table.issues');
  const report = await page.textContent('[data-testid=validation-report]');
  assert.match(report, /not a number/);
  assert.match(report, new RegExp(header[third]));
  await page.screenshot({ path: join(SHOTS, 'validation-errors.png') });
  // A framework file with errors: a message, the built-in framework stays in use.
  await page.setInputFiles('[data-testid=framework-file]', bad('broken.toml', 'id = "x"\nname = "Broken"\n[[aggregates]]\nid = "index"\nname = "Index"\n'));
  await page.waitForFunction(() => /broken\.toml/.test(document.querySelector('#status')?.textContent ?? ''));
  // Still works.
  const prev = await page.evaluate(() => document.body.dataset.rendered ?? '');
  await page.click('[data-testid=demo-data]');
  await waitScored(page, prev);
  await page.click('a[data-view=results]');
  await page.waitForSelector('[data-testid=results-table] tbody tr');
  assert.deepEqual(errors, []);
  await context.close();
});

test('changing a vertical weight recomputes the scores', async () => {
  const { context, page } = await open();
  await page.click('[data-testid=demo-data]');
  await page.waitForSelector('[data-testid=results-table] tbody tr');
  const before = await page.$$eval('[data-testid=results-table] tbody tr td.strong', (t) => t.map((x) => x.textContent).join());
  const slider = await page.$('#weights input[type=range]');
  await slider.evaluate((el) => {
    el.value = '0';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction((b) => {
    const now = [...document.querySelectorAll('[data-testid=results-table] tbody tr td.strong')].map((x) => x.textContent).join();
    return now && now !== b;
  }, before);
  assert.match(await page.textContent('#status'), /Recomputed/);
  await context.close();
});

test('every export downloads and re-parses', async () => {
  const { context, page } = await open();
  await page.click('[data-testid=demo-data]');
  await page.waitForSelector('[data-testid=results-table] tbody tr');
  const csv = await download(page, 'export-csv');
  const rows = parseCsv(csv.bytes.toString('utf8'));
  assert.equal(rows.length, 121);
  assert.equal(rows[0][0], 'ulb_id');
  const json = await download(page, 'export-json');
  const parsed = JSON.parse(json.bytes.toString('utf8'));
  assert.ok(Array.isArray(parsed) ? parsed.length === 120 : JSON.stringify(parsed).includes('DEMO-'));
  const xlsx = await download(page, 'export-xlsx');
  assert.match(xlsx.name, /\.xlsx$/);
  const back = sheets.readSpreadsheet(xlsx.bytes, xlsx.name, 'Scores');
  assert.equal(back.table.rows.length, 120);
  const tpl = await download(page, 'template-xlsx');
  const t = sheets.readSpreadsheet(tpl.bytes, tpl.name, undefined);
  assert.ok(t.table.columns.includes('ulb_id'));
  const tcsv = await download(page, 'template-csv');
  assert.ok(parseCsv(tcsv.bytes.toString('utf8'))[0].includes('ulb_id'));
  await context.close();
});

test('no request leaves the origin; after load only GETs of static files; scoring a CSV makes none', async () => {
  const context = await browser.newContext();
  const requests = [];
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData(), at: Date.now() }));
  const page = await context.newPage();
  await page.goto(srv.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => navigator.serviceWorker?.ready);
  await page.waitForLoadState('networkidle'); // the favicon, the service worker's precache
  await page.waitForTimeout(300);
  const loadedAt = Date.now();
  const beforeCsv = requests.length;
  await upload(page, files.csv);
  await page.click('[data-testid=export-csv]');
  await page.waitForTimeout(300);
  assert.deepEqual(requests.slice(beforeCsv).map((r) => r.url), [], 'scoring a CSV made requests');
  await upload(page, files.xlsx);
  await page.click('a[data-view=method]');
  await page.waitForSelector('.method');
  assertOnlyOwnStaticGets(requests, srv.url, loadedAt);
  for (const l of srv.log) assert.equal(l.method === 'GET' || l.method === 'HEAD', true, `${l.method} ${l.url}`);
  await context.close();
});


test('after the first visit the app reloads and scores CSV and XLSX offline', async () => {
  const { context, page, errors } = await open();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await upload(page, files.csv);
  assert.match(await page.textContent('.pager'), /of 60/);
  await upload(page, files.xlsx);
  assert.match(await page.textContent('#status'), /cities\.xlsx: 60 cities scored/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no serious accessibility violation', async () => {
  const { context, page } = await open({ bypassCSP: true });
  await page.click('[data-testid=demo-data]');
  await page.waitForSelector('[data-testid=results-table] tbody tr');
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const views = ['#/results', null, '#/validation', '#/compare', '#/method', '#/privacy'];
  const found = [];
  for (const v of views) {
    if (v === null) {
      await page.click('[data-testid=results-table] tbody tr th a');
      await page.waitForSelector('.profile');
    } else {
      await page.evaluate((h) => (location.hash = h), v);
      await page.waitForTimeout(300);
    }
    const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const x of res.violations) {
      if (x.impact === 'serious' || x.impact === 'critical') found.push(`${v ?? 'profile'}: ${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    }
  }
  assert.deepEqual(found, []);
  await context.close();
});
