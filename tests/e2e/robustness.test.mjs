// Browser tests of the Robustness view (www/dist): the page's uncertainty and sensitivity
// analyses on the demo data, run in Web Workers, export the very files `nagar robustness` writes
// with the same settings and seed (compared cell by cell), also replaying a design.csv with one
// city's rank as the output; Cancel keeps the previous results;
// bad settings give clear messages; the profile's sentence and the sister cities' certainty
// come from the same numbers; screenshots on a laptop and a phone.
// Run with the other browser tests: `node --test tests/e2e/`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIST, ROOT, launch, parseCsv, serve, tmp } from './lib.mjs';

const SHOTS = join(ROOT, 'tests/e2e/screenshots');
const CLI =
  process.env.NAGAR_CLI ?? [join(ROOT, 'target/release/nagar'), join(ROOT, 'target/debug/nagar')].find((p) => existsSync(p)) ?? 'nagar';

let srv, browser, dir, demo;

function cli(...args) {
  return execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/// The CLI run with the page's default settings (weights ±25% at sector and vertical level, the
/// three missing-data policies) and the given type, N, seed and bootstrap.
function cliRobustness(out, kind, n, seed, nboot = 0) {
  // The page's weights: one input in an uncertainty analysis; vertical (level 3) and sector
  // (level 2) weights as two inputs, in that order, in a sensitivity analysis.
  const weights = kind === 'sa' ? ['--vary-weights', '3:0.25', '--vary-weights', '2:0.25'] : ['--vary-weights', '2,3:0.25'];
  cli(
    'robustness', '--framework', 'mpi-2019', '--data', demo, '--type', kind, '--n', String(n), '--seed', String(seed),
    '--nboot', String(nboot), '--top-n', '20', ...weights,
    '--vary-missing', 'reweight', '--vary-missing', 'mean', '--vary-missing', 'worst', '--out', out,
  );
  return out;
}

/// Two CSV texts equal cell by cell (the failure names the first cell that differs).
function sameCsv(got, want, what) {
  const a = parseCsv(got).filter((r) => r.length > 1);
  const b = parseCsv(want).filter((r) => r.length > 1);
  assert.equal(a.length, b.length, `${what}: ${a.length} rows, the CLI ${b.length}`);
  assert.ok(a.length > 1, `${what}: no data rows`);
  for (let i = 0; i < b.length; i++) {
    assert.equal(a[i].length, b[i].length, `${what} row ${i + 1}: ${a[i].length} cells, the CLI ${b[i].length}`);
    for (let j = 0; j < b[i].length; j++) assert.equal(a[i][j], b[i][j], `${what} row ${i + 1} column ${b[0][j]}`);
  }
  // And byte for byte (line ends, quoting).
  assert.equal(got, want, `${what}: same cells, different text`);
}

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'www/dist is missing: run `npm run build` first');
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`cargo build -p nagar-cli\` first`);
  mkdirSync(SHOTS, { recursive: true });
  dir = tmp('nagar-e2e-robustness-');
  // The page's demo data is exactly this file (www/src/protocol.ts: 120 ULBs, seed 2019).
  demo = join(dir, 'demo.csv');
  cli('demo', '--ulbs', '120', '--seed', '2019', '--out', demo);
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
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(srv.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  await page.click('[data-testid=demo-data]');
  await page.waitForSelector('[data-testid=results-table] tbody tr', { timeout: 60_000 });
  await page.click('a[data-view=robustness]');
  await page.waitForSelector('[data-testid=robustness] #rb-run:not([disabled])');
  return { page, errors };
}

/// Brings an element into sight in one step in the page (a view drawn again in between, as
/// after a change of the window's size, does not leave the test holding a detached element).
async function scrollTo(page, sel) {
  await page.waitForSelector(sel);
  await page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: 'center' }), sel);
}

async function setNumber(page, sel, value) {
  await page.fill(sel, String(value));
  await page.dispatchEvent(sel, 'change');
}

/// Press Run and wait for the summary of a finished analysis (or an error).
async function runAnalysis(page) {
  const before = await page.evaluate(() => document.body.dataset.robustness ?? '');
  await page.click('#rb-run');
  await page.waitForFunction((b) => (document.body.dataset.robustness ?? '') !== b, before, { timeout: 120_000 });
}

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return (await readFile(await dl.path())).toString('utf8');
}

test('uncertainty analysis: the page exports the files of `nagar robustness` (same settings and seed), cell by cell', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, errors } = await open(context);
  // The defaults are MPI's: 1,000 replications, weights ±25% at both levels, the three policies.
  assert.equal(await page.inputValue('#rb-n'), '1000');
  assert.equal(await page.inputValue('#rb-noise'), '25');
  for (const id of ['#rb-lv-vertical', '#rb-lv-sector', '#rb-m-reweight', '#rb-m-mean', '#rb-m-worst']) assert.ok(await page.isChecked(id), id);
  assert.ok(!(await page.isChecked('#rb-norm')));
  await setNumber(page, '#rb-n', 300);
  await setNumber(page, '#rb-seed', 7);
  await runAnalysis(page);
  await page.waitForSelector('[data-testid=rb-results] svg.rank-intervals');
  // The results are in sight after the click.
  assert.ok(await page.locator('[data-testid=rb-summary]').isVisible());
  const summaryTop = await page.evaluate(() => document.querySelector("[data-testid=rb-summary]").getBoundingClientRect().top);
  assert.ok(summaryTop >= 0 && summaryTop < 768, `the summary is at ${summaryTop} px`);
  await page.screenshot({ path: join(SHOTS, 'robustness-1366-results.png') });
  const summary = await page.textContent('[data-testid=rb-summary]');
  assert.match(summary, /300 alternative calculations/);
  assert.match(summary, /seed 7/);
  // 300 replications ran on more than one worker where the machine has the cores.
  const run = await page.evaluate(() => window.nagarRobustness);
  assert.equal(run.reps, 300);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (cores >= 2) assert.ok(run.workers >= 2, `${run.workers} worker(s) on ${cores} cores`);

  const out = cliRobustness(join(dir, 'ua'), 'ua', 300, 7);
  for (const name of ['design.csv', 'rankstats.csv', 'ranks.csv', 'scores.csv']) {
    const got = await download(page, `[data-export="${name}"]`);
    sameCsv(got, readFileSync(join(out, name), 'utf8'), name);
  }
  // The chart: the top 20 by nominal rank, each with its interval; the table holds the CLI's numbers.
  const stats = Object.fromEntries(
    parseCsv(readFileSync(join(out, 'rankstats.csv'), 'utf8'))
      .filter((r) => r.length > 1)
      .slice(1)
      .map((r) => [r[0], r]),
  );
  const rows = await page.$$eval('.rb-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.unit, ...[...tr.cells].map((c) => c.textContent)]));
  assert.equal(rows.length, 20);
  assert.equal(await page.$$eval('svg.rank-intervals .interval-row', (g) => g.length), 20);
  for (const [id, rank, , interval] of rows) {
    const s = stats[id];
    assert.equal(rank, s[1], `${id} nominal rank`);
    assert.equal(interval, `${Math.round(Number(s[4]))}–${Math.round(Number(s[5]))}`, `${id} Q5–Q95`);
  }
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'robustness-1366.png'), fullPage: false });
  await scrollTo(page, 'svg.rank-intervals');
  await page.screenshot({ path: join(SHOTS, 'robustness-1366-chart.png') });
  // Bottom 20, filtered by tier: only cities of that tier, still by nominal rank.
  await page.selectOption('#rb-show', 'bottom');
  const tiers = await page.$$eval('#rb-f-tier option', (o) => o.map((x) => x.value).filter(Boolean));
  assert.ok(tiers.length >= 2, tiers.join());
  await page.selectOption('#rb-f-tier', tiers[0]);
  const shown = await page.$$eval('.rb-table tbody tr', (trs) => trs.map((tr) => Number(tr.cells[0].textContent)));
  assert.ok(shown.length > 0 && shown.length <= 20);
  assert.deepEqual(shown, [...shown].sort((a, b) => a - b));

  // The profile's sentence and the sister cities' certainty, from the same numbers.
  const top = rows[0][0];
  await page.goto(`${srv.url}#/city/${encodeURIComponent(top)}`);
  await page.waitForSelector('[data-testid=rank-sentence]');
  const sentence = await page.textContent('[data-testid=rank-sentence]');
  const ranked = Object.values(stats).filter((r) => r[1] !== '').length;
  const s = stats[top];
  assert.ok(
    sentence.startsWith(`Rank ${s[1]} of ${ranked}. In 90% of 300 alternative calculations it ranks between ${Math.round(Number(s[4]))} and ${Math.round(Number(s[5]))}.`),
    sentence,
  );
  await page.click('a[data-view=sister]');
  await page.waitForSelector('[data-testid=pairs-table] > tbody > tr .rb-membership');
  const notes = await page.$$eval('[data-testid=pairs-table] > tbody > tr:first-child .rb-membership', (l) => l.map((x) => x.textContent));
  assert.equal(notes.length, 2);
  assert.match(notes[0], /^in the top 20 in \d+% of the alternative calculations$/);
  assert.match(notes[1], /^in the bottom 20 in \d+% of the alternative calculations$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('sensitivity analysis: sensitivity.csv and rankstats.csv of `nagar robustness --type sa`, and the sentence saying which choice moves ranks most', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, errors } = await open(context);
  await page.check('#rb-type-sa');
  // The view is drawn again asynchronously (its module and words are awaited): wait for the
  // form to show the sensitivity analysis's default N, then check it.
  await page.waitForFunction(() => document.querySelector('#rb-n')?.value !== '1000', null, { timeout: 10_000 }).catch(() => {});
  assert.equal(await page.inputValue('#rb-n'), '250');
  // Three inputs: the vertical weights, the sector weights, the missing-data policy.
  await setNumber(page, '#rb-n', 30);
  await setNumber(page, '#rb-seed', 3);
  await setNumber(page, '#rb-nboot', 100);
  await runAnalysis(page);
  await page.waitForSelector('[data-testid=sa-sentence]');
  const out = cliRobustness(join(dir, 'sa'), 'sa', 30, 3, 100);
  for (const name of ['design.csv', 'sensitivity.csv', 'rankstats.csv', 'ranks.csv']) {
    const got = await download(page, `[data-export="${name}"]`);
    sameCsv(got, readFileSync(join(out, name), 'utf8'), name);
  }
  // The sentence names the input with the largest STi of the CLI's file.
  const sens = parseCsv(readFileSync(join(out, 'sensitivity.csv'), 'utf8')).filter((r) => r.length > 1).slice(1);
  const most = sens.reduce((a, b) => (Number(b[2]) > Number(a[2]) ? b : a));
  const words = { 'Weights level 3': 'The vertical weights', 'Weights level 2': 'The sector weights', Missing: 'The treatment of missing values' }[most[0]];
  const sentence = await page.textContent('[data-testid=sa-sentence]');
  assert.ok(sentence.startsWith(`${words} moves the ranks most: total sensitivity index STi = ${Number(most[2]).toFixed(2)}`), `${sentence} (CLI: ${most.join(',')})`);
  await page.locator('[data-testid=sa-sentence]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'robustness-sa-1366.png') });

  // Replaying the CLI's design (`--design`) with one city's rank as the output (`--unit`).
  const unitId = parseCsv(readFileSync(join(out, 'rankstats.csv'), 'utf8'))[5][0];
  await page.setInputFiles('[data-testid=rb-design]', join(out, 'design.csv'));
  await page.waitForSelector('[data-testid=rb-design-note]:has-text("Replaying design.csv")');
  await page.fill('#rb-unit', unitId);
  await page.dispatchEvent('#rb-unit', 'change');
  await runAnalysis(page);
  const replay = join(dir, 'sa-replay');
  cli('robustness', '--framework', 'mpi-2019', '--data', demo, '--design', join(out, 'design.csv'), '--unit', unitId, '--nboot', '100', '--seed', '3', '--top-n', '20', '--out', replay);
  for (const name of ['sensitivity.csv', 'rankstats.csv']) {
    sameCsv(await download(page, `[data-export="${name}"]`), readFileSync(join(replay, name), 'utf8'), `replayed ${name}`);
  }
  assert.notEqual(readFileSync(join(replay, 'sensitivity.csv'), 'utf8'), readFileSync(join(out, 'sensitivity.csv'), 'utf8'));
  assert.match(await page.textContent('[data-testid=sa-sentence]'), /moves the rank of .+ most/);
  // A design that does not fit the framework: the message names the column.
  const bad = join(dir, 'bad-design.csv');
  writeFileSync(bad, readFileSync(join(out, 'design.csv'), 'utf8').replace('weight:', 'weight:nowhere_'));
  await page.setInputFiles('[data-testid=rb-design]', bad);
  await page.waitForSelector('[data-testid=rb-design-note]:has-text("Replaying bad-design.csv")');
  await page.click('#rb-run');
  await page.waitForSelector('[data-testid=rb-error]');
  assert.match(await page.textContent('[data-testid=rb-error]'), /bad-design\.csv: column "weight:nowhere_[^"]+": "nowhere_[^"]+" is not an indicator or weighted aggregate of framework mpi-2019/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Cancel stops the analysis and keeps the previous results; bad settings are explained, never a crash', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const { page, errors } = await open(context);
  await setNumber(page, '#rb-n', 50);
  await runAnalysis(page);
  const previous = await page.textContent('[data-testid=rb-summary]');
  const previousRows = await page.$$eval('.rb-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  // A long run, cancelled once it has made progress.
  await setNumber(page, '#rb-n', 100000);
  await page.click('#rb-run');
  await page.waitForSelector('#rb-cancel');
  await page.waitForFunction(() => /\d+ of 1,00,000 calculations/.test(document.querySelector('.rb-count')?.textContent ?? ''), null, { timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'robustness-progress.png') });
  await page.click('#rb-cancel');
  await page.waitForSelector('[data-testid=rb-note]');
  assert.match(await page.textContent('[data-testid=rb-note]'), /Cancelled\. The previous results are still shown\./);
  assert.equal(await page.textContent('[data-testid=rb-summary]'), previous);
  assert.deepEqual(await page.$$eval('.rb-table tbody tr', (trs) => trs.map((tr) => tr.textContent)), previousRows);
  // The previous results still export (a new run of 50 after the cancel works too).
  const design = await download(page, '[data-export="design.csv"]');
  assert.equal(parseCsv(design).filter((r) => r.length > 1).length, 51);

  const expectError = async (re) => {
    await page.click('#rb-run');
    await page.waitForSelector('[data-testid=rb-error]');
    const text = await page.textContent('[data-testid=rb-error]');
    assert.match(text, re);
    // The previous results stay on show.
    assert.equal(await page.textContent('[data-testid=rb-summary]'), previous);
  };
  await setNumber(page, '#rb-n', 2);
  await expectError(/N must be at least 3 \(got 2\)/);
  await setNumber(page, '#rb-n', 50);
  await setNumber(page, '#rb-noise', 100);
  await expectError(/weight noise must be in \[0, 1\)/);
  await setNumber(page, '#rb-noise', 25);
  await page.check('#rb-type-sa');
  await page.uncheck('#rb-lv-vertical');
  await page.uncheck('#rb-lv-sector');
  await page.uncheck('#rb-m-mean');
  await page.uncheck('#rb-m-worst');
  await page.check('#rb-norm');
  await expectError(/at least two uncertain inputs/);
  await page.screenshot({ path: join(SHOTS, 'robustness-error.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Robustness view and the audit on a phone (390 px): no sideways scrolling, screenshots', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const { page, errors } = await open(context);
  await setNumber(page, '#rb-n', 200);
  await runAnalysis(page);
  await page.waitForSelector('svg.rank-intervals');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `the page is ${wide} px wide`);
  await page.screenshot({ path: join(SHOTS, 'robustness-390-results.png') });
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'robustness-390.png') });
  await scrollTo(page, 'svg.rank-intervals');
  await page.screenshot({ path: join(SHOTS, 'robustness-390-chart.png') });
  await page.click('#rb-audit');
  await page.waitForSelector('[data-testid=rb-audit] svg.heatmap');
  // The audit names the MPI's five verticals in the heatmap and has coherence and removal tables.
  assert.equal(await page.$$eval('svg.heatmap rect.heat', (r) => r.length), 25);
  assert.ok((await page.$$eval('[data-testid=rb-audit] table', (t) => t.length)) >= 3);
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
  await scrollTo(page, '[data-testid=rb-audit] svg.heatmap');
  await page.screenshot({ path: join(SHOTS, 'robustness-390-audit.png') });
  await page.setViewportSize({ width: 1366, height: 768 });
  await scrollTo(page, '[data-testid=rb-audit] svg.heatmap');
  await page.screenshot({ path: join(SHOTS, 'robustness-1366-audit.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe-core finds no serious violation in the Robustness view with results and the audit (1366 and 390 px)', async () => {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 768 } });
  const { page, errors } = await open(context);
  await setNumber(page, '#rb-n', 100);
  await runAnalysis(page);
  await page.click('#rb-audit');
  await page.waitForSelector('[data-testid=rb-audit] svg.heatmap');
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const found = [];
  for (const [w, h] of [
    [1366, 768],
    [390, 844],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    const res = await page.evaluate(() => window.axe.run(document.querySelector('[data-testid=robustness]'), { resultTypes: ['violations'] }));
    for (const x of res.violations) {
      if (x.impact === 'serious' || x.impact === 'critical') found.push(`${w}: ${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    }
  }
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
  await context.close();
});
