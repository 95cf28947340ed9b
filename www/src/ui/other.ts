// The comparison, data check, method and privacy views.
import { fmt, fmtDate, fmtFormula, fmtInt, fmtValue, h, pct, plural } from '../dom';
import type { FrameworkDoc, IssueView, Profile } from '../../pkg/core/nagar_wasm';
import type { Actions, AppState } from '../state';
import { groupedBars } from './charts';
import { datasetBanner } from './results';
import { BUILD_DATE, SOURCE_URL } from '../build-info';

export function compareView(st: AppState, act: Actions, profiles: Profile[]): HTMLElement {
  const r = st.results!;
  const picker = h('input', { id: 'compare-add', list: 'compare-names', placeholder: 'Type a city name', autocomplete: 'off' });
  const names = h('datalist', { id: 'compare-names' }, r.units.map((u) => h('option', { value: `${u.name} (${u.id})` })));
  const add = h('form', {
    class: 'filters',
    onsubmit: (e: Event) => {
      e.preventDefault();
      const v = (picker as HTMLInputElement).value;
      const m = /\(([^()]*)\)\s*$/.exec(v);
      const u = r.units.find((x) => x.id === m?.[1]) ?? r.units.find((x) => x.name.toLowerCase() === v.trim().toLowerCase());
      if (u && !st.compare.includes(u.id)) act.toggleCompare(u.id);
    },
  }, h('div', { class: 'field grow' }, h('label', { for: 'compare-add' }, 'Add a city'), picker, names), h('button', { type: 'submit', class: 'button', disabled: st.compare.length >= 4 }, 'Add'));

  const intro = h('p', { class: 'hint' }, 'Choose two to four cities: tick them in the results table, use “Add to comparison” on a city page, or type a name here.');
  if (profiles.length === 0) return h('div', null, h('h1', null, 'Compare cities'), intro, add);
  const cols = profiles.map((p) => p.unit);
  const rowsOf = (label: string, cells: (string | number)[], cls = '') =>
    h('tr', { class: cls }, h('th', { scope: 'row' }, label), cells.map((c) => h('td', { class: 'num' }, c)));
  const table = h(
    'table',
    { class: 'data compare' },
    h('caption', { class: 'visually-hidden' }, 'Side-by-side comparison'),
    h('colgroup', null, h('col', { class: 'label-col' }), cols.map(() => h('col'))),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), cols.map((u) => h('th', { scope: 'col' }, h('a', { href: `#/city/${encodeURIComponent(u.id)}` }, u.name || u.id), h('div', null, h('button', { type: 'button', class: 'linklike small', onclick: () => act.toggleCompare(u.id) }, 'remove')))))),
    h(
      'tbody',
      null,
      rowsOf('State', cols.map((u) => u.state || '–')),
      rowsOf('Tier', cols.map((u) => u.tier || '–')),
      rowsOf('Coverage', cols.map((u) => pct(u.coverage))),
      rowsOf('Index', cols.map((u) => fmt(u.index)), 'strong'),
      rowsOf('Rank', cols.map((u) => u.rank ?? '–')),
      r.verticals.map((v, i) => rowsOf(v.name, cols.map((u) => fmt(u.verticals[i])), 'vertical')),
      r.sectors.map((s, i) => rowsOf(`  ${s.name}`, cols.map((u) => fmt(u.sectors[i])), 'sector')),
    ),
  );
  return h(
    'div',
    null,
    h('h1', null, 'Compare cities'),
    datasetBanner(r.dataset_note),
    intro,
    add,
    groupedBars(r.verticals.map((v) => v.name), profiles.map((p) => ({ name: p.unit.name || p.unit.id, values: p.unit.verticals.map((x) => x ?? null) })), 'Vertical scores of the chosen cities'),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Comparison table' }, table),
  );
}

const ISSUE_PAGE = 100;

export function validationView(st: AppState, act: Actions): HTMLElement {
  const issues: IssueView[] = st.results?.issues ?? st.data?.issues ?? [];
  const f = st.issues;
  const counts = { error: 0, warning: 0, info: 0 } as Record<string, number>;
  for (const i of issues) counts[i.severity] = (counts[i.severity] ?? 0) + 1;
  const q = f.text.trim().toLowerCase();
  const shown = issues.filter(
    (i) => (!f.severity || i.severity === f.severity) && (!q || [i.message, i.column ?? '', i.value ?? '', String(i.row ?? '')].some((x) => x.toLowerCase().includes(q))),
  );
  const pages = Math.max(1, Math.ceil(shown.length / ISSUE_PAGE));
  f.page = Math.min(f.page, pages - 1);
  const page = shown.slice(f.page * ISSUE_PAGE, (f.page + 1) * ISSUE_PAGE);
  const filters = h(
    'div',
    { class: 'filters', role: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'issue-sev' }, 'Show'), h('select', { id: 'issue-sev', onchange: (e: Event) => ((f.severity = (e.target as HTMLSelectElement).value), (f.page = 0), act.render()) }, [['', 'Everything'], ['error', 'Errors'], ['warning', 'Warnings'], ['info', 'Notes']].map(([v, l]) => h('option', { value: v, selected: f.severity === v }, l)))),
    h('div', { class: 'field grow' }, h('label', { for: 'issue-q' }, 'Search the issues'), h('input', { id: 'issue-q', type: 'search', value: f.text, onchange: (e: Event) => ((f.text = (e.target as HTMLInputElement).value), (f.page = 0), act.render()) })),
    h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, ' '), h('button', { type: 'button', class: 'button', onclick: () => act.downloadIssues(), disabled: issues.length === 0 }, 'Download as CSV')),
  );
  const file = st.data?.file ?? '';
  // A file that cannot be scored at all is one error, whatever its cells say.
  if (st.scoreError || st.loadError) counts.error = (counts.error ?? 0) + 1;
  const body =
    issues.length === 0
      ? st.scoreError || st.loadError
        ? null
        : h('p', { class: 'ok' }, st.data ? `No problems found in ${file}.` : 'Load a file to check it.')
      : h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Issues' },
          h(
            'table',
            { class: 'data issues' },
            h('caption', { class: 'visually-hidden' }, `Issues found in ${file}`),
            h('thead', null, h('tr', null, ['Severity', 'Row', 'Column', 'Value', 'What is wrong'].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              null,
              page.map((i) =>
                h('tr', { class: `sev-${i.severity}` }, h('td', null, h('span', { class: `badge ${i.severity}` }, i.severity)), h('td', { class: 'num' }, fmtInt(i.row)), h('td', null, i.column ?? ''), h('td', { class: 'value' }, i.value ?? ''), h('td', null, i.message)),
              ),
            ),
          ),
        );
  // One line per kind of problem (severity, column, message) with its count: 105 blank yes/no
  // cells are one line, not 105; every cell stays one click away, below.
  const kinds = new Map<string, { i: IssueView; rows: number[] }>();
  for (const i of shown) {
    const key = `${i.severity}\u001f${i.column ?? ''}\u001f${i.message}`;
    const k = kinds.get(key);
    if (k) {
      if (i.row !== null && i.row !== undefined) k.rows.push(i.row);
    } else kinds.set(key, { i, rows: i.row !== null && i.row !== undefined ? [i.row] : [] });
  }
  const repeated = [...kinds.values()].some((k) => k.rows.length > 1);
  const rowList = (rows: number[]) => (rows.length <= 8 ? rows.map((r) => fmtInt(r)).join(', ') : `${rows.slice(0, 8).map((r) => fmtInt(r)).join(', ')} and ${fmtInt(rows.length - 8)} more`);
  const summaryTable = repeated
    ? h(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Issues by kind' },
        h(
          'table',
          { class: 'data issues summary', 'data-testid': 'issue-summary' },
          h('caption', null, `${plural(kinds.size, 'kind')} of problem`),
          h('thead', null, h('tr', null, ['Severity', 'Cells', 'Column', 'What is wrong', 'Rows'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            [...kinds.values()].map(({ i, rows }) =>
              h('tr', { class: `sev-${i.severity}` }, h('td', null, h('span', { class: `badge ${i.severity}` }, i.severity)), h('td', { class: 'num' }, fmtInt(Math.max(1, rows.length))), h('td', null, i.column ?? ''), h('td', null, i.message), h('td', null, rows.length ? rowList(rows) : '–')),
            ),
          ),
        ),
      )
    : null;
  const pager =
    pages > 1
      ? h('div', { class: 'pager' }, h('button', { type: 'button', class: 'button small', disabled: f.page === 0, onclick: () => (f.page--, act.render()) }, '‹ Previous'), h('span', null, `${f.page * ISSUE_PAGE + 1}–${Math.min(shown.length, (f.page + 1) * ISSUE_PAGE)} of ${shown.length}`), h('button', { type: 'button', class: 'button small', disabled: f.page >= pages - 1, onclick: () => (f.page++, act.render()) }, 'Next ›'))
      : null;
  return h(
    'section',
    { 'data-testid': 'validation-report', 'aria-labelledby': 'h-val' },
    h('h1', { id: 'h-val' }, 'Data check'),
    st.loadError ? h('p', { class: 'banner error', role: 'alert' }, h('strong', null, `${st.loadError.file} could not be read. `), st.loadError.message) : null,
    st.data
      ? h(
          'p',
          null,
          `File `,
          h('strong', null, file),
          ` (${st.data.format}, ${plural(st.data.rows, 'row')}, ${plural(st.data.columns.length, 'column')}). Rows are numbered as a spreadsheet shows them (the header is row 1).`,
          st.scoreError ? '' : ' Scoring goes ahead; problem values are left out and counted as missing.',
        )
      : null,
    st.scoreError ? h('p', { class: 'banner error', role: 'alert' }, h('strong', null, 'This file could not be scored. '), st.scoreError) : null,
    h('ul', { class: 'counts' }, h('li', { class: 'error' }, plural(counts.error ?? 0, 'error')), h('li', { class: 'warning' }, plural(counts.warning ?? 0, 'warning')), h('li', { class: 'info' }, plural(counts.info ?? 0, 'note'))),
    filters,
    summaryTable,
    summaryTable && body
      ? h('details', { class: 'issue-details', open: Boolean(f.text || f.severity || f.page > 0) }, h('summary', null, `Every issue, cell by cell (${fmtInt(shown.length)})`), body, pager)
      : [body, pager],
  );
}

const num = fmtValue;

/// Each node's share of its parent in the weights in force (the sliders' overrides applied),
/// and each indicator's share of its aggregate: what the engine will use.
function sharesInForce(doc: FrameworkDoc, weights: Record<string, number>): { node: Map<string, number>; changed: Set<string> } {
  const w = (id: string, d: number) => weights[id] ?? d;
  const node = new Map<string, number>();
  const changed = new Set<string>();
  // The tree is depth-first: a node's parent is the nearest earlier node one level up.
  const parentOf = new Map<number, number>();
  const stack: number[] = [];
  doc.tree.forEach((a, k) => {
    while (stack.length && doc.tree[stack[stack.length - 1]].depth >= a.depth) stack.pop();
    if (stack.length) parentOf.set(k, stack[stack.length - 1]);
    stack.push(k);
  });
  const sums = new Map<number, number>();
  doc.tree.forEach((a, k) => {
    const p = parentOf.get(k);
    if (p !== undefined) sums.set(p, (sums.get(p) ?? 0) + w(a.id, a.weight));
  });
  doc.tree.forEach((a, k) => {
    const p = parentOf.get(k);
    if (p !== undefined) node.set(a.id, w(a.id, a.weight) / (sums.get(p) || 1));
    if (weights[a.id] !== undefined && Math.abs(weights[a.id] - a.weight) > 1e-12) changed.add(a.id);
    const total = a.indicators.reduce((t, i) => t + w(i.id, i.weight), 0) || 1;
    for (const i of a.indicators) {
      node.set(i.id, w(i.id, i.weight) / total);
      if (weights[i.id] !== undefined && Math.abs(weights[i.id] - i.weight) > 1e-12) changed.add(i.id);
    }
  });
  return { node, changed };
}

export function methodView(doc: FrameworkDoc, st: AppState): HTMLElement {
  const root = doc.tree[0];
  const { node: share, changed } = sharesInForce(doc, st.options.weights ?? {});
  const shareText = (id: string) => `${pct(share.get(id))} of its parent${changed.has(id) ? ' (changed in Settings)' : ''}`;
  // The settings in force: those of the last run when there is one, else the framework's.
  const settings = st.results?.settings ?? doc.settings;
  return h(
    'article',
    { class: 'method' },
    h('h1', null, 'How scores are computed'),
    h('p', { class: 'lead' }, `${doc.name}${doc.version ? `, version ${doc.version}` : ''}. `, doc.description),
    doc.source ? h('p', { class: 'hint' }, 'Source: ', doc.source) : null,
    h('h2', null, 'The steps'),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, 'Each indicator is computed from the raw columns of your file (for example, a ratio per 1,000 residents). A value that cannot be computed is missing, never zero.'),
      h('li', null, 'Where the framework sets a cap or floor, values beyond it are held at that benchmark.'),
      h('li', null, 'Each indicator is standardised across the comparison group: by default a z-score, the distance from the group mean in standard deviations. For indicators where lower is better, the sign is flipped first, so higher is always better.'),
      h('li', null, 'Indicators are averaged (with their weights) into sectors, sectors into verticals and verticals into the index. Missing indicators are skipped and the remaining weights rescaled.'),
      h('li', null, 'Aggregates marked “rescaled” are stretched to a 0–100 range across the comparison group: 100 is the best city of the group, 0 the weakest.'),
      h('li', null, 'Cities are ranked by the index. A city with data for less than the minimum share of indicators keeps its scores but gets no rank.'),
    ),
    h('h2', null, st.results ? 'Settings in force' : 'Settings of this framework'),
    h('dl', { class: 'kv' }, settings.map((s) => [h('dt', null, s.id), h('dd', null, s.name)])),
    changed.size ? h('p', { class: 'banner warning' }, `Weights changed in Settings: ${plural(changed.size, 'weight')}. The shares below are those in force.`) : null,
    doc.tier_schemes.length
      ? [h('h2', null, 'Population tiers'), doc.tier_schemes.map((t) => h('div', null, h('h3', null, t.name, ' ', h('span', { class: 'hint' }, `(${t.id})`)), t.source ? h('p', { class: 'hint' }, t.source) : null, h('ul', null, t.tiers.map((x) => h('li', null, `${x.name}: `, x.below !== null && x.below !== undefined ? `population below ${fmtInt(x.below)}` : 'the rest')))))]
      : null,
    doc.zones.length ? [h('h2', null, 'Zones'), h('p', null, 'When the file has no zone column, the zone is derived from the state.'), h('ul', { class: 'zones' }, doc.zones.map((z) => h('li', null, h('strong', null, z.name), ': ', z.states.join(', '))))] : null,
    h('h2', null, 'The tree'),
    doc.provisional > 0 ? h('p', { class: 'banner' }, `${doc.provisional} indicators are marked `, h('span', { class: 'tag provisional' }, 'provisional'), ': the framework document gives only their name, so their definition was reconstructed.') : null,
    root ? h('p', null, `${root.name}: the ${root.method === 'amean' ? 'weighted arithmetic mean' : root.method} of its parts${root.rescale ? `, rescaled ${root.rescale[0]}–${root.rescale[1]}` : ''}.`) : null,
    doc.tree.slice(1).map((a) =>
      h(
        'section',
        { class: `node depth-${Math.min(a.depth, 3)}` },
        h(a.depth <= 1 ? 'h3' : 'h4', null, a.name, ' ', h('span', { class: 'hint' }, `${a.id} · weight ${shareText(a.id)}${a.rescale ? ` · rescaled ${a.rescale[0]}–${a.rescale[1]}` : ''}`)),
        a.note ? h('p', null, a.note) : null,
        a.indicators.length
          ? h(
              'ul',
              { class: 'ind-doc' },
              a.indicators.map((i) =>
                h(
                  'li',
                  null,
                  h('p', null, h('strong', null, i.name), ' ', h('span', { class: 'hint' }, i.id), i.unit ? ` (${i.unit})` : '', ' ', i.direction < 0 ? h('span', { class: 'tag' }, 'lower is better') : null, i.provisional ? h('span', { class: 'tag provisional' }, 'provisional') : null),
                  h('p', { class: 'derivation' }, '= ', fmtFormula(i.derivation), i.cap !== null && i.cap !== undefined ? `; capped at ${num(i.cap)}` : '', i.floor !== null && i.floor !== undefined ? `; floor ${num(i.floor)}` : '', `; weight ${shareText(i.id)}`),
                  i.choice ? h('p', null, h('em', null, 'Choice: '), i.choice) : null,
                  i.note ? h('p', null, i.note) : null,
                  i.source ? h('p', { class: 'hint' }, 'Source: ', i.source) : null,
                ),
              ),
            )
          : null,
      ),
    ),
  );
}

export function privacyView(): HTMLElement {
  return h(
    'article',
    { class: 'privacy' },
    h('h1', null, 'Your data stays here'),
    h('p', { class: 'lead' }, 'Files you open are read and scored inside this browser tab, by a WebAssembly engine that was downloaded with the page. Nothing you open is uploaded, stored on a server, or shared.'),
    h('h2', null, 'How to check it yourself'),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, 'Open the browser’s developer tools (F12, or Ctrl+Shift+I; on a Mac ⌥⌘I) and choose the ', h('strong', null, 'Network'), ' tab.'),
      h('li', null, 'Open or drop your file and change the settings. For a CSV or JSON file, no new request appears at all. The first time you open or save a spreadsheet (XLSX or ODS), upload a framework file or open an analysis (sister cities, peers, preview), the page fetches one of its own program files from this site: a plain download with no query and no body, which carries none of your data.'),
      h('li', null, 'You can also switch the network off (“Offline” in the Network tab, or unplug): after the first visit the whole app is cached on this device and keeps working.'),
    ),
    h('h2', null, 'What enforces it'),
    h(
      'ul',
      null,
      h('li', null, 'A Content-Security-Policy in the page forbids connections to any other site (', h('code', null, "connect-src 'self'"), ') and scripts from anywhere but this site. You can read it in the page source: right-click → View page source, first lines.'),
      h('li', null, 'There are no analytics, no fonts, no images and no scripts from other hosts.'),
      h('li', null, 'Exports (CSV, XLSX, JSON) are made in the browser and saved straight to your device.'),
      h('li', null, 'The code is open: the same engine runs in the command-line tool ', h('code', null, 'nagar'), ', which gives exactly the same numbers.'),
    ),
  );
}

/// Where official results are published (links open the Ministry's sites; the page itself
/// fetches nothing from them).
const OFFICIAL = [
  { name: 'Ease of Living and Municipal Performance Index portal (MoHUA)', url: 'https://eol.smartcities.gov.in/' },
  { name: 'Ministry of Housing and Urban Affairs', url: 'https://mohua.gov.in/' },
];

/// About: what this is and is not, where official results are, how to use a published table,
/// accessibility, version and build.
export function aboutView(st: AppState): HTMLElement {
  return h(
    'article',
    { class: 'about', 'data-testid': 'about-view' },
    h('h1', null, 'About nagar'),
    h('p', { class: 'banner warning', role: 'note' }, h('strong', null, 'Not an official Ministry product. '), 'nagar is an independent, open-source tool that applies the published Municipal Performance Index 2019 framework of the Ministry of Housing and Urban Affairs (MoHUA) to data you give it. Its scores are not the Ministry’s results.'),
    h('h2', null, 'Official results'),
    h('p', null, 'The Ministry publishes the official Municipal Performance Index and Ease of Living Index results, with reports and rankings, on its websites:'),
    h('ul', null, OFFICIAL.map((o) => h('li', null, h('a', { href: o.url, rel: 'noopener noreferrer', target: '_blank' }, o.name), ' — ', o.url))),
    h('h2', null, 'Using a published table'),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, 'Download the blank template (Data panel: “Blank template”, XLSX or CSV). Its first row names the columns this framework reads; its second sheet describes each.'),
      h('li', null, 'Copy the published values into it, one row per city: an id, the city’s name, its state and population, then the columns you have. Columns are matched by name; extra columns are ignored; a missing value is left empty, never written as 0.'),
      h('li', null, 'Open the file here. The Data check lists every value it could not use, with its row and column.'),
    ),
    h('h2', null, 'Accessibility'),
    h('p', null, 'This page aims to meet WCAG 2.1 level AA: it can be used with a keyboard alone (a “Skip to main content” link comes first), every chart has a text alternative and the same numbers in a table, colours have sufficient contrast, and every view works on a phone 360 pixels wide. Each release is checked with the axe-core accessibility engine at phone and laptop sizes. If something does not work for you, please report it in the project’s issue tracker with the view and the browser you used.'),
    h('h2', null, 'Version'),
    h(
      'dl',
      { class: 'kv' },
      h('dt', null, 'Engine'),
      h('dd', { 'data-testid': 'about-version' }, st.version ? `nagar ${st.version}` : 'loading…'),
      h('dt', null, 'Built'),
      h('dd', null, fmtDate(BUILD_DATE)),
      h('dt', null, 'Framework'),
      h('dd', null, st.framework ? `${st.framework.name}${st.framework.version ? `, version ${st.framework.version}` : ''}` : '–'),
    ),
    h('h2', null, 'Source code and method'),
    h('p', null, 'nagar is open source (MIT or Apache-2.0). The same engine runs as the command-line tool ', h('code', null, 'nagar'), ' and gives the same numbers. Every formula and choice, with its source, is written down in the methodology (docs/METHODOLOGY.md in the source code) and summarised under ', h('a', { href: '#/method' }, 'How scores are computed'), '.', SOURCE_URL ? [' Source code: ', h('a', { href: SOURCE_URL, rel: 'noopener noreferrer', target: '_blank' }, SOURCE_URL), '.'] : ''),
  );
}
