// The page in Hindi (issue 14): the language switch, ?lang=, the remembered choice, <html lang>,
// every view walked with the demo data looking for English UI text and empty labels, Hindi
// screenshots of every view at 1366×768 and 390×844, and the Hindi XLSX export holding the same
// numbers as the English one. Needs `npm run build` and the CLI (scripts/test.sh).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { DIST, ROOT, launch, parseCsv, serve, sheetsModule } from './lib.mjs';

const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const CLI = process.env.NAGAR_CLI ?? join(ROOT, 'target/release/nagar');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

let srv, browser, sheets, myFile, badFile;
/// Words of the demo data the page shows as data (ids, city names, states, terrain, tags).
const dataWords = new Set();

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'www/dist is missing: run `npm run build` first');
  assert.ok(existsSync(CLI), `${CLI} is missing`);
  mkdirSync(SHOTS, { recursive: true });
  // The page's demo file is what `nagar demo --ulbs 120 --seed 2019` writes.
  const csv = execFileSync(CLI, ['demo', '--ulbs', '120', '--seed', '2019'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const [cols, ...rows] = parseCsv(csv).filter((r) => r.length > 1);
  const keep = ['ulb_id', 'ulb_name', 'state', 'terrain', 'tags'].map((c) => cols.indexOf(c));
  for (const r of rows) for (const k of keep) for (const w of (r[k] ?? '').split(/[^A-Za-z]+/)) if (w) dataWords.add(w.toLowerCase());
  // My ULB for the preview: one synthetic row under an id of its own.
  const mine = execFileSync(CLI, ['demo', '--ulbs', '1', '--seed', '5'], { encoding: 'utf8' }).replace(/\nDEMO-001,/, '\nMY-1,');
  myFile = join(mkdtempSync(join(tmpdir(), 'nagar-hi-')), 'my-ulb.csv');
  writeFileSync(myFile, mine);
  // A file with problems: a duplicate id, a row without an id, a negative population, a word
  // where a number goes, a number grouped wrongly, a yes/no cell that is neither.
  {
    const demo = execFileSync(CLI, ['demo', '--ulbs', '4', '--seed', '9'], { encoding: 'utf8' });
    const [head, ...body] = parseCsv(demo).filter((r) => r.length > 1);
    const col = (c) => head.indexOf(c);
    body[1][col('ulb_id')] = body[0][col('ulb_id')];
    body[2][col('ulb_id')] = '';
    body[3][col('population')] = '-5';
    body[0][col('teachers_sanctioned')] = 'abc';
    body[0][col('area_sqkm')] = '12,3456';
    body[0][col('tax_revision_carried_out')] = 'maybe';
    const q = (x) => (/[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
    badFile = join(mkdtempSync(join(tmpdir(), 'nagar-hi-')), 'problems.csv');
    writeFileSync(badFile, [head, ...body].map((r) => r.map(q).join(',')).join('\n') + '\n');
    for (const w of ['abc', 'maybe']) dataWords.add(w);
  }
  // The impossible value the walk types into a what-if field is data too.
  dataWords.add('lots');
  sheets = await sheetsModule();
  srv = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.close();
});

/// Latin words allowed in Hindi UI text, each for a reason:
/// - product and file-format names, kept as written in Hindi government texts: nagar, CSV, XLSX,
///   ODS, JSON, TOML, iMeta, COINr, WebAssembly, JavaScript, MIT, Apache, WCAG, axe-core, URDPFI,
///   MPI, Mac, Ctrl, Shift, Network, Offline, View page source (the browser's own menu words,
///   which a Hindi reader sees in English in the browser);
/// - units and abbreviations the glossary keeps (docs/GLOSSARY-hi.md: GIS, LED, SLB, MLD, lpcd…):
///   they come from the framework's names, which are data;
/// - IndexedDB (the browser's storage, named as the browser names it);
/// - "English" (the language's own name), "AA" (the WCAG level), Content-Security-Policy (the
///   header's name) and file paths (docs/METHODOLOGY.md);
/// - column ids (snake_case, as the file and the template name them) are data;
/// - "ms" (milliseconds), "z" of z-स्कोर, "Y/N" (the values a cell takes).
const ALLOWED = new Set(
  'nagar csv xlsx ods json toml imeta coinr webassembly javascript mit apache wcag axe core urdpfi mpi mac ctrl english aa indexeddb shift network offline view page source ms z y n na gis led slb mld lpcd scada iccc u phc mohua sd sds'
    .split(' '),
);

/// Visible English UI text: every visible text node outside data (an element with lang="en" —
/// the framework's own English prose, which has no Hindi in the framework file —, an element
/// marked translate="no" — values as written in a file —, code — ids —, a URL)
/// whose Latin words are not data words or allowed. Also every button, link, label, heading or
/// table header with no text and no aria-label.
async function english(page) {
  return page.evaluate(
    ({ data, allowed }) => {
      const dataSet = new Set(data);
      const ok = new Set(allowed);
      const out = [];
      const visible = (el) => {
        if (!el || el.closest('[hidden], .visually-hidden')) return !el?.closest('[hidden]') && !!el;
        const s = getComputedStyle(el);
        return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
      };
      const check = (text, where) => {
        // A data word cut short to fit (a city's name in a chart, "Jammu and Kashm…") is data.
        const cut = (w) => text.includes(`${w}…`) && [...dataSet].some((d) => d.startsWith(w.toLowerCase()));
        const bad = (text.replace(/https?:\/\/\S+/g, '').replace(/[\w.-]+\/[\w./-]+/g, '').replace(/[\w.-]+\.(csv|xlsx|json|toml|ods|md)\b/gi, '').replace(/\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b/g, '').replace(/[\w.-]+\/[\w./-]+/g, '').replace(/Content-Security-Policy/g, '').match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !ok.has(w.toLowerCase()) && !dataSet.has(w.toLowerCase()) && !cut(w));
        if (bad.length) out.push(`${where}: "${text.trim().slice(0, 80)}" (${bad.slice(0, 4).join(' ')})`);
      };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!n.textContent.trim() || !el || el.closest('script, style, code, noscript, [lang="en"], [translate="no"], option:not(:checked)')) continue;
        if (!el.closest('.visually-hidden') && !visible(el)) continue;
        check(n.textContent, el.tagName.toLowerCase());
      }
      for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
        if (el.closest('[lang="en"]')) continue;
        for (const a of ['aria-label', 'title', 'placeholder']) if (el.hasAttribute(a)) check(el.getAttribute(a), `@${a}`);
      }
      check(document.title, 'title');
      for (const el of document.querySelectorAll('button, a, label, h1, h2, h3, th[scope=col], summary, legend')) {
        if (!visible(el)) continue;
        if (!(el.textContent ?? '').trim() && !el.getAttribute('aria-label') && !el.querySelector('svg, input, img')) out.push(`empty ${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`);
      }
      return out;
    },
    { data: [...dataWords], allowed: [...ALLOWED] },
  );
}

async function show(page, view) {
  if (view === 'city') {
    await page.evaluate(() => (location.hash = '#/results'));
    await page.waitForSelector('[data-testid=results-table] tbody tr');
    await page.click('[data-testid=results-table] tbody tr th a');
    await page.waitForSelector('.profile');
    await page.waitForSelector('[data-testid=profile-why]:not([aria-busy])', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=peers-panel] .peers-out[data-done]', { timeout: 60_000 });
  } else if (view === 'whatif') {
    // My ULB from a file, with one impossible what-if value (its message is shown in Hindi).
    await page.evaluate(() => (location.hash = '#/preview'));
    await page.waitForSelector('[data-testid=preview-view]');
    if (!(await page.$('[data-testid=my-index]'))) {
      await page.setInputFiles('[data-testid=my-file]', myFile);
      await page.waitForSelector('[data-testid=my-index]', { timeout: 60_000 });
      await page.waitForSelector('[data-testid=why-table]', { timeout: 60_000 });
      const field = await page.$eval('[data-testid=whatif-field][type=text]', (e) => e.dataset.field);
      await page.fill(`[data-testid=whatif-field][data-field="${field}"]`, 'lots');
      await page.waitForFunction((id) => /\S/.test(document.querySelector(`[data-testid=whatif-field][data-field="${id}"]`)?.parentElement?.querySelector('.field-msg')?.textContent ?? ''), field);
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    }
  } else if (view === 'robustness') {
    // The Robustness view with a small uncertainty analysis and the audit on show.
    await page.evaluate(() => (location.hash = '#/robustness'));
    await page.waitForSelector('[data-testid=robustness] #rb-run:not([disabled])', { timeout: 60_000 });
    if (!(await page.$('[data-testid=rb-results] svg.rank-intervals'))) {
      await page.fill('#rb-n', '60');
      await page.dispatchEvent('#rb-n', 'change');
      const before = await page.evaluate(() => document.body.dataset.robustness ?? '');
      await page.click('#rb-run');
      await page.waitForFunction((b) => (document.body.dataset.robustness ?? '') !== b, before, { timeout: 120_000 });
      await page.waitForSelector('[data-testid=rb-results] svg.rank-intervals');
    }
    if (!(await page.$('[data-testid=rb-audit] svg.heatmap'))) {
      await page.click('#rb-audit');
      await page.waitForSelector('[data-testid=rb-audit] svg.heatmap', { timeout: 60_000 });
    }
  } else if (view === 'settings') {
    await page.evaluate(() => (location.hash = '#/results'));
    await page.evaluate(() => (document.querySelector('#advanced').open = true));
    await page.evaluate(() => document.querySelector('#h-settings').scrollIntoView());
    return;
  } else {
    await page.evaluate((h) => (location.hash = h), `#/${view}`);
    const ready = {
      results: '[data-testid=results-table]',
      validation: '[data-testid=validation-report]',
      compare: 'table.compare',
      sister: '[data-testid=pair-count]',
      preview: 'main h1',
      method: '.method',
      privacy: '.privacy',
      about: '[data-testid=about-view]',
    }[view];
    await page.waitForSelector(ready, { timeout: 60_000 });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/// Every view of the page (a city's page includes its peers), and the settings panel with its
/// Advanced part open.
const VIEWS = ['results', 'city', 'validation', 'compare', 'sister', 'preview', 'whatif', 'robustness', 'method', 'privacy', 'about', 'settings'];
/// Views whose text is not yet in the catalogues (issue 14 is open for them): their English is
/// listed, not failed on; the test fails once one of them has no English left, so that it is
/// taken off this list.
const NOT_YET = new Set([]);

async function exportAs(page, format) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=export-${format}]`)]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}
const exportXlsx = (page) => exportAs(page, 'xlsx');

test('Hindi: ?lang=hi, the switch, the remembered choice, <html lang>, every view without English UI text or serious axe-core violations, screenshots, the same numbers in the Hindi export', async (t) => {
  // bypassCSP: only so that axe-core can be injected for the accessibility check.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));

  // ?lang=hi selects Hindi without a click.
  await page.goto(`${srv.url}?lang=hi`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForFunction(() => document.documentElement.lang === 'hi');
  assert.equal(await page.textContent('[data-view=results]'), 'परिणाम');
  assert.equal(await page.getAttribute('.lang[data-lang=hi]', 'aria-pressed'), 'true');

  // The English export first (switch to English, load the demo, export), then Hindi.
  await page.click('.lang[data-lang=en]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.textContent('[data-view=results]'), 'Results');
  await page.click('[data-testid=demo-data]');
  await page.waitForSelector('[data-testid=results-table] tbody tr');
  const boxes = page.locator('[data-testid=results-table] tbody input[type=checkbox]');
  for (let i = 0; i < 3; i++) await boxes.nth(i).check();
  const enX = await exportXlsx(page);
  const enCsv = parseCsv((await exportAs(page, 'csv')).bytes.toString('utf8')).filter((r) => r.length > 1);
  const firstEn = await page.$eval('[data-testid=results-table] tbody tr td.strong', (td) => td.textContent);

  // Switching keeps the data, the chosen cities and the view.
  await page.click('.lang[data-lang=hi]');
  await page.waitForFunction(() => document.documentElement.lang === 'hi');
  assert.equal(await page.$eval('[data-testid=results-table] tbody tr td.strong', (td) => td.textContent), firstEn);
  assert.match(await page.textContent('main h1'), /परिणाम/);
  assert.match(page.url(), /lang=hi/);
  const hiX = await exportXlsx(page);
  assert.match(hiX.name, /-hi\.xlsx$/);

  // Same numbers: every numeric cell of the Scores sheet equal, by position; the labels differ.
  const enS = sheets.readSpreadsheet(enX.bytes, enX.name, 'Scores');
  const hiS = sheets.readSpreadsheet(hiX.bytes, hiX.name, 'स्कोर');
  assert.deepEqual(hiS.table.columns, enS.table.columns, 'column ids are the same in both languages');
  assert.equal(hiS.table.rows.length, enS.table.rows.length);
  let numbers = 0;
  for (let r = 0; r < enS.table.rows.length; r++) {
    for (let c = 0; c < enS.table.columns.length; c++) {
      const a = enS.table.rows[r][c];
      const b = hiS.table.rows[r][c];
      if (typeof a === 'number' || (typeof a === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(a))) {
        assert.equal(Number(b), Number(a), `row ${r + 2}, ${enS.table.columns[c]}`);
        numbers++;
      }
    }
  }
  assert.ok(numbers > 1000, `${numbers} numbers compared`);

  // The blank template follows the page's language: column ids as in English, the Dictionary
  // sheet in Hindi with the framework's Hindi names.
  const [tdl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=template-xlsx]')]);
  const tpl = { name: tdl.suggestedFilename(), bytes: await readFile(await tdl.path()) };
  assert.match(tpl.name, /-hi\.xlsx$/);
  const data = sheets.readSpreadsheet(tpl.bytes, tpl.name, 'डेटा');
  assert.equal(data.table.columns[0], 'ulb_id');
  const dict = sheets.readSpreadsheet(tpl.bytes, tpl.name, 'शब्दकोश');
  assert.ok(JSON.stringify(dict.table.rows).includes('जनसंख्या'), 'the Dictionary sheet is in Hindi');

  // The CSV export in Hindi, as `nagar score --lang hi` writes it: the same column ids and
  // numbers, tier names and flags in Hindi.
  const hiCsvFile = await exportAs(page, 'csv');
  assert.match(hiCsvFile.name, /-hi\.csv$/);
  const hiCsv = parseCsv(hiCsvFile.bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.deepEqual(hiCsv[0], enCsv[0], 'the CSV header (column ids) is the same');
  assert.equal(hiCsv.length, enCsv.length);
  const tierCol = enCsv[0].indexOf('tier');
  let csvNumbers = 0;
  for (let r = 1; r < enCsv.length; r++) {
    for (let c = 0; c < enCsv[0].length; c++) {
      if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(enCsv[r][c])) {
        assert.equal(hiCsv[r][c], enCsv[r][c], `CSV row ${r + 1}, ${enCsv[0][c]}`);
        csvNumbers++;
      }
    }
    assert.match(hiCsv[r][tierCol], /[\u0900-\u097F]/, `CSV row ${r + 1}: tier ${hiCsv[r][tierCol]} in Hindi`);
  }
  assert.ok(csvNumbers > 1000, `${csvNumbers} CSV numbers compared`);

  // Every view, at a laptop's and a phone's size: no English UI text, no empty label; screenshots.
  const found = [];
  const notYet = new Map();
  await page.evaluate(readFileSync(AXE, 'utf8'));
  for (const [w, h] of [
    [1366, 768],
    [390, 844],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    for (const view of VIEWS) {
      await show(page, view);
      await page.screenshot({ path: join(SHOTS, `hi-${view}-${w}.png`) });
      // The long views whole, to look at what is below the first screen.
      if (['city', 'whatif', 'sister', 'validation', 'robustness'].includes(view)) await page.screenshot({ path: join(SHOTS, `hi-${view}-${w}-full.png`), fullPage: true });
      const where = `${view} at ${w} px`;
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${where}: the page scrolls sideways`);
      const bad = await english(page);
      const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      for (const x of axe.violations) {
        if (x.impact === 'serious' || x.impact === 'critical') bad.push(`axe ${x.id}: ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
      }
      if (NOT_YET.has(view)) notYet.set(view, [...(notYet.get(view) ?? []), ...bad]);
      else found.push(...bad.map((b) => `${where}: ${b}`));
    }
  }
  for (const [view, bad] of notYet) {
    t.diagnostic(`${view}: not yet translated, ${bad.length} English texts, e.g. ${bad.slice(0, 3).join(' | ')}`);
    assert.ok(bad.length > 0, `${view} has no English left: take it off NOT_YET`);
  }
  // One line per text (the same message in many rows is one finding).
  const distinct = [...new Set(found.map((f) => f.replace(/\d+/g, '#')))];
  assert.deepEqual(distinct, [], 'English UI text or empty labels in Hindi');

  // The engine's rarer messages in Hindi: a robustness run refused (N below 3, weight noise
  // outside [0, 1)), through the catalogue's engine.* entries.
  await page.setViewportSize({ width: 1366, height: 768 });
  await show(page, 'robustness');
  for (const [sel, bad, good, re] of [
    ['#rb-n', '2', '60', /N कम से कम 3 होना चाहिए \(2 दिया गया\)/],
    ['#rb-noise', '100', '25', /भार का उतार-चढ़ाव \[0, 1\) में होना चाहिए/],
  ]) {
    await page.fill(sel, bad);
    await page.dispatchEvent(sel, 'change');
    await page.click('#rb-run');
    await page.waitForSelector('[data-testid=rb-error]');
    assert.match(await page.textContent('[data-testid=rb-error]'), re);
    assert.deepEqual(await english(page), [], `English in the robustness view's message for ${sel} = ${bad}`);
    await page.fill(sel, good);
    await page.dispatchEvent(sel, 'change');
  }

  // The pairing's notes in Hindi: N = 500 is more than half of the 116 ranked cities, so it is
  // capped to 58 with a note (a subgroup note and an engine issue, both through the catalogue).
  await show(page, 'sister');
  await page.fill('#pair-n', '500');
  await page.click('[data-testid=pair-run]');
  await page.waitForFunction(() => document.querySelector('[data-testid=pair-count]')?.textContent === '58', null, { timeout: 60_000 });
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  assert.match(await page.textContent('main'), /N को 58 तक सीमित किया गया/);
  assert.deepEqual(await english(page), [], 'English in the sister cities view with N capped');

  // A file with problems, in Hindi: every data check message through the catalogue (ids and
  // values stay as data).
  const prev = await page.evaluate(() => document.body.dataset.rendered ?? '');
  await page.setInputFiles('[data-testid=data-file]', badFile);
  await page.waitForFunction((p) => document.body.dataset.rendered && document.body.dataset.rendered !== p, prev, { timeout: 60_000 });
  await show(page, 'validation');
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  await page.screenshot({ path: join(SHOTS, 'hi-validation-errors-1366.png'), fullPage: true });
  const messages = await page.$$eval('table.issues:not(.summary) tbody tr td:last-child', (tds) => tds.map((td) => td.textContent));
  assert.ok(messages.length >= 5, `${messages.length} issues`);
  const badEnglish = (await english(page)).map((b) => `bad file: ${b}`);
  assert.deepEqual(badEnglish, [], 'English in the data check of a file with problems');

  // Its "Download as CSV" in Hindi: headers, severities and messages translated; file, row,
  // column and value cells exactly the engine's English file's.
  const issuesCsv = async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=issues-download]')]);
    return { name: dl.suggestedFilename(), rows: parseCsv((await readFile(await dl.path())).toString('utf8')).filter((r) => r.length > 1) };
  };
  const hiIssues = await issuesCsv();
  await page.click('.lang[data-lang=en]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const enIssues = await issuesCsv();
  await page.click('.lang[data-lang=hi]');
  await page.waitForFunction(() => document.documentElement.lang === 'hi');
  assert.match(hiIssues.name, /-hi\.csv$/);
  assert.deepEqual(enIssues.rows[0], ['file', 'row', 'column', 'value', 'severity', 'message']);
  assert.deepEqual(hiIssues.rows[0], ['फ़ाइल', 'पंक्ति', 'कॉलम', 'मान', 'गंभीरता', 'क्या गलत है']);
  assert.equal(hiIssues.rows.length, enIssues.rows.length);
  assert.ok(enIssues.rows.length > 5, `${enIssues.rows.length - 1} issues`);
  for (let r = 1; r < enIssues.rows.length; r++) {
    assert.deepEqual(hiIssues.rows[r].slice(0, 4), enIssues.rows[r].slice(0, 4), `issue ${r}: file, row, column, value`);
    for (const c of [4, 5]) assert.match(hiIssues.rows[r][c], /[\u0900-\u097F]/, `issue ${r}: ${enIssues.rows[r][c]} in Hindi`);
  }

  // The choice is remembered on this device: a reload without ?lang= opens in Hindi.
  await page.goto(srv.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.waitForFunction(() => document.documentElement.lang === 'hi');
  assert.equal(await page.evaluate(() => localStorage.getItem('nagar.lang')), 'hi');
  // ?lang=en wins over the remembered choice.
  await page.goto(`${srv.url}?lang=en`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.textContent('[data-view=results]'), 'Results');
  assert.deepEqual(errors, []);
  await context.close();
});
