// The comparison, data check, method and privacy views.
import { fmt, h, pct, plural } from '../dom';
import type { FrameworkDoc, IssueView, Profile } from '../../pkg/core/nagar_wasm';
import type { Actions, AppState } from '../state';
import { groupedBars } from './charts';
import { datasetBanner } from './results';

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
  const body =
    issues.length === 0
      ? h('p', { class: 'ok' }, st.data ? `No problems found in ${file}.` : 'Load a file to check it.')
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
                h('tr', { class: `sev-${i.severity}` }, h('td', null, h('span', { class: `badge ${i.severity}` }, i.severity)), h('td', { class: 'num' }, i.row ?? '–'), h('td', null, i.column ?? ''), h('td', { class: 'value' }, i.value ?? ''), h('td', null, i.message)),
              ),
            ),
          ),
        );
  const pager =
    pages > 1
      ? h('div', { class: 'pager' }, h('button', { type: 'button', class: 'button small', disabled: f.page === 0, onclick: () => (f.page--, act.render()) }, '‹ Previous'), h('span', null, `${f.page * ISSUE_PAGE + 1}–${Math.min(shown.length, (f.page + 1) * ISSUE_PAGE)} of ${shown.length}`), h('button', { type: 'button', class: 'button small', disabled: f.page >= pages - 1, onclick: () => (f.page++, act.render()) }, 'Next ›'))
      : null;
  return h(
    'section',
    { 'data-testid': 'validation-report', 'aria-labelledby': 'h-val' },
    h('h1', { id: 'h-val' }, 'Data check'),
    st.data ? h('p', null, `File `, h('strong', null, file), ` (${st.data.format}, ${st.data.rows} rows, ${st.data.columns.length} columns). Rows are numbered as a spreadsheet shows them (the header is row 1). Scoring goes ahead; problem values are left out and counted as missing.`) : null,
    st.scoreError ? h('p', { class: 'banner error', role: 'alert' }, h('strong', null, 'This file could not be scored. '), st.scoreError) : null,
    h('ul', { class: 'counts' }, h('li', { class: 'error' }, plural(counts.error ?? 0, 'error')), h('li', { class: 'warning' }, plural(counts.warning ?? 0, 'warning')), h('li', { class: 'info' }, plural(counts.info ?? 0, 'note'))),
    filters,
    body,
    pager,
  );
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1e4) / 1e4);
}

export function methodView(doc: FrameworkDoc): HTMLElement {
  const root = doc.tree[0];
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
    h('h2', null, 'Settings of this framework'),
    h('dl', { class: 'kv' }, doc.settings.map((s) => [h('dt', null, s.id), h('dd', null, s.name)])),
    doc.tier_schemes.length
      ? [h('h2', null, 'Population tiers'), doc.tier_schemes.map((t) => h('div', null, h('h3', null, t.name, ' ', h('span', { class: 'hint' }, `(${t.id})`)), t.source ? h('p', { class: 'hint' }, t.source) : null, h('ul', null, t.tiers.map((x) => h('li', null, `${x.name}: `, x.below !== null && x.below !== undefined ? `population below ${x.below.toLocaleString('en-IN')}` : 'the rest')))))]
      : null,
    doc.zones.length ? [h('h2', null, 'Zones'), h('p', null, 'When the file has no zone column, the zone is derived from the state.'), h('ul', { class: 'zones' }, doc.zones.map((z) => h('li', null, h('strong', null, z.name), ': ', z.states.join(', '))))] : null,
    h('h2', null, 'The tree'),
    doc.provisional > 0 ? h('p', { class: 'banner' }, `${doc.provisional} indicators are marked `, h('span', { class: 'tag provisional' }, 'provisional'), ': the framework document gives only their name, so their definition was reconstructed.') : null,
    root ? h('p', null, `${root.name}: the ${root.method === 'amean' ? 'weighted arithmetic mean' : root.method} of its parts${root.rescale ? `, rescaled ${root.rescale[0]}–${root.rescale[1]}` : ''}.`) : null,
    doc.tree.slice(1).map((a) =>
      h(
        'section',
        { class: `node depth-${Math.min(a.depth, 3)}` },
        h(a.depth <= 1 ? 'h3' : 'h4', null, a.name, ' ', h('span', { class: 'hint' }, `${a.id} · weight ${num(a.weight)}${a.rescale ? ` · rescaled ${a.rescale[0]}–${a.rescale[1]}` : ''}`)),
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
                  h('p', { class: 'derivation' }, '= ', i.derivation, i.cap !== null && i.cap !== undefined ? `; capped at ${num(i.cap)}` : '', i.floor !== null && i.floor !== undefined ? `; floor ${num(i.floor)}` : '', i.weight !== 1 ? `; weight ${num(i.weight)}` : ''),
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
