// The comparison, data check, method and privacy views.
import { fmt, fmtDate, fmtFormula, fmtInt, fmtValue, h, pct } from '../dom';
import { engineText, nm, t, tn } from '../i18n';
import type { FrameworkDoc, IssueView, Profile } from '../../pkg/core/nagar_wasm';
import type { Actions, AppState } from '../state';
import { groupedBars } from './charts';
import { datasetBanner } from './results';
import { BUILD_DATE, SOURCE_URL } from '../build-info';

export function compareView(st: AppState, act: Actions, profiles: Profile[]): HTMLElement {
  const r = st.results!;
  const picker = h('input', { id: 'compare-add', list: 'compare-names', placeholder: t('compare.placeholder'), autocomplete: 'off' });
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
  }, h('div', { class: 'field grow' }, h('label', { for: 'compare-add' }, t('compare.add_city')), picker, names), h('button', { type: 'submit', class: 'button', disabled: st.compare.length >= 4 }, t('compare.add')));

  const intro = h('p', { class: 'hint' }, t('compare.intro'));
  if (profiles.length === 0) return h('div', null, h('h1', null, t('compare.title')), intro, add);
  const cols = profiles.map((p) => p.unit);
  const rowsOf = (label: string, cells: (string | number)[], cls = '') =>
    h('tr', { class: cls }, h('th', { scope: 'row' }, label), cells.map((c) => h('td', { class: 'num' }, c)));
  const table = h(
    'table',
    { class: 'data compare' },
    h('caption', { class: 'visually-hidden' }, t('compare.caption')),
    h('colgroup', null, h('col', { class: 'label-col' }), cols.map(() => h('col'))),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('compare.measure'))), cols.map((u) => h('th', { scope: 'col' }, h('a', { href: `#/city/${encodeURIComponent(u.id)}` }, u.name || u.id), h('div', null, h('button', { type: 'button', class: 'linklike small', onclick: () => act.toggleCompare(u.id) }, t('compare.remove'))))))),
    h(
      'tbody',
      null,
      rowsOf(t('results.col.state'), cols.map((u) => u.state || '–')),
      rowsOf(t('results.col.tier'), cols.map((u) => (u.tier ? nm(u.tier) : '–'))),
      rowsOf(t('results.col.coverage'), cols.map((u) => pct(u.coverage))),
      rowsOf(t('results.col.index'), cols.map((u) => fmt(u.index)), 'strong'),
      rowsOf(t('results.col.rank'), cols.map((u) => u.rank ?? '–')),
      r.verticals.map((v, i) => rowsOf(nm(v.name), cols.map((u) => fmt(u.verticals[i])), 'vertical')),
      r.sectors.map((s, i) => rowsOf(`  ${nm(s.name)}`, cols.map((u) => fmt(u.sectors[i])), 'sector')),
    ),
  );
  return h(
    'div',
    null,
    h('h1', null, t('compare.title')),
    datasetBanner(r.dataset_note),
    intro,
    add,
    groupedBars(r.verticals.map((v) => nm(v.name)), profiles.map((p) => ({ name: p.unit.name || p.unit.id, values: p.unit.verticals.map((x) => x ?? null) })), t('compare.chart')),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('compare.table') }, table),
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
    (i) => (!f.severity || i.severity === f.severity) && (!q || [i.message, engineText(i.message), i.column ?? '', i.value ?? '', String(i.row ?? '')].some((x) => x.toLowerCase().includes(q))),
  );
  const pages = Math.max(1, Math.ceil(shown.length / ISSUE_PAGE));
  f.page = Math.min(f.page, pages - 1);
  const page = shown.slice(f.page * ISSUE_PAGE, (f.page + 1) * ISSUE_PAGE);
  const filters = h(
    'div',
    { class: 'filters', role: 'search' },
    h('div', { class: 'field' }, h('label', { for: 'issue-sev' }, t('check.show')), h('select', { id: 'issue-sev', onchange: (e: Event) => ((f.severity = (e.target as HTMLSelectElement).value), (f.page = 0), act.render()) }, [['', t('check.everything')], ['error', t('check.errors')], ['warning', t('check.warnings')], ['info', t('check.notes')]].map(([v, l]) => h('option', { value: v, selected: f.severity === v }, l)))),
    h('div', { class: 'field grow' }, h('label', { for: 'issue-q' }, t('check.search')), h('input', { id: 'issue-q', type: 'search', value: f.text, onchange: (e: Event) => ((f.text = (e.target as HTMLInputElement).value), (f.page = 0), act.render()) })),
    h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, ' '), h('button', { type: 'button', class: 'button', 'data-testid': 'issues-download', onclick: () => act.downloadIssues(), disabled: issues.length === 0 }, t('check.download'))),
  );
  const file = st.data?.file ?? '';
  // A file that cannot be scored at all is one error, whatever its cells say.
  if (st.scoreError || st.loadError) counts.error = (counts.error ?? 0) + 1;
  const body =
    issues.length === 0
      ? st.scoreError || st.loadError
        ? null
        : h('p', { class: 'ok' }, st.data ? t('check.no_problems', { file }) : t('check.load_a_file'))
      : h(
          'div',
          { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('check.issues') },
          h(
            'table',
            { class: 'data issues' },
            h('caption', { class: 'visually-hidden' }, t('check.issues_in', { file })),
            h('thead', null, h('tr', null, [t('check.col.severity'), t('check.col.row'), t('check.col.column'), t('check.col.value'), t('check.col.what')].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              null,
              page.map((i) =>
                h('tr', { class: `sev-${i.severity}` }, h('td', null, h('span', { class: `badge ${i.severity}` }, severity(i.severity))), h('td', { class: 'num' }, fmtInt(i.row)), h('td', { translate: 'no' }, i.column ?? ''), h('td', { class: 'value', translate: 'no' }, i.value ?? ''), h('td', null, engineText(i.message))),
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
  const rowList = (rows: number[]) => (rows.length <= 8 ? rows.map((r) => fmtInt(r)).join(', ') : t('check.and_more', { rows: rows.slice(0, 8).map((r) => fmtInt(r)).join(', '), n: fmtInt(rows.length - 8) }));
  const summaryTable = repeated
    ? h(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('check.by_kind') },
        h(
          'table',
          { class: 'data issues summary', 'data-testid': 'issue-summary' },
          h('caption', null, tn('n.kind', kinds.size)),
          h('thead', null, h('tr', null, [t('check.col.severity'), t('check.col.cells'), t('check.col.column'), t('check.col.what'), t('check.col.rows')].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            [...kinds.values()].map(({ i, rows }) =>
              h('tr', { class: `sev-${i.severity}` }, h('td', null, h('span', { class: `badge ${i.severity}` }, severity(i.severity))), h('td', { class: 'num' }, fmtInt(Math.max(1, rows.length))), h('td', { translate: 'no' }, i.column ?? ''), h('td', null, engineText(i.message)), h('td', null, rows.length ? rowList(rows) : '–')),
            ),
          ),
        ),
      )
    : null;
  const pager =
    pages > 1
      ? h('div', { class: 'pager' }, h('button', { type: 'button', class: 'button small', disabled: f.page === 0, onclick: () => (f.page--, act.render()) }, t('pager.previous')), h('span', null, t('pager.range', { first: fmtInt(f.page * ISSUE_PAGE + 1), last: fmtInt(Math.min(shown.length, (f.page + 1) * ISSUE_PAGE)), n: fmtInt(shown.length) })), h('button', { type: 'button', class: 'button small', disabled: f.page >= pages - 1, onclick: () => (f.page++, act.render()) }, t('pager.next')))
      : null;
  return h(
    'section',
    { 'data-testid': 'validation-report', 'aria-labelledby': 'h-val' },
    h('h1', { id: 'h-val' }, t('nav.validation')),
    st.loadError ? h('p', { class: 'banner error', role: 'alert' }, h('strong', null, t('check.not_read', { file: st.loadError.file })), ' ', engineText(st.loadError.message)) : null,
    st.data
      ? h(
          'p',
          null,
          t('check.file'),
          ' ',
          h('strong', null, file),
          ' ',
          t('check.file_facts', { format: st.data.format, rows: tn('n.row', st.data.rows), columns: tn('n.column', st.data.columns.length) }),
          st.scoreError ? '' : ` ${t('check.goes_ahead')}`,
        )
      : null,
    st.scoreError ? h('p', { class: 'banner error', role: 'alert' }, h('strong', null, t('check.not_scored')), ' ', engineText(st.scoreError)) : null,
    h('ul', { class: 'counts' }, h('li', { class: 'error' }, tn('n.error', counts.error ?? 0)), h('li', { class: 'warning' }, tn('n.warning', counts.warning ?? 0)), h('li', { class: 'info' }, tn('n.note', counts.info ?? 0))),
    filters,
    summaryTable,
    summaryTable && body
      ? h('details', { class: 'issue-details', open: Boolean(f.text || f.severity || f.page > 0) }, h('summary', null, t('check.every_issue', { n: fmtInt(shown.length) })), body, pager)
      : [body, pager],
  );
}

const num = fmtValue;

/// A severity as the badge shows it.
/// The data check's issues as CSV in the page's language: the headers, severities and messages
/// translated (messages through the engine's catalogue entries, as the view shows them), file,
/// row, column and value as the engine gives them. Written as the engine's CSV writer writes
/// (nagar-io write.rs): a field is quoted when it holds a quote, comma, semicolon, tab or line
/// break or starts or ends with a space, and a text starting with = + - @ is prefixed with ' (no
/// spreadsheet runs it as a formula). The English file is the engine's own (`issuesCsv`).
export function issuesCsv(issues: IssueView[]): string {
  const safe = (s: string) => (/^[=+\-@\t\r]/.test(s) && !/^[+-]?[\d.,]+(?:[eE][+-]?\d+)?%?$/.test(s) ? `'${s}` : s);
  const field = (s: string) => {
    const f = safe(s);
    return /[",;\t\r\n]/.test(f) || /^ | $/.test(f) ? `"${f.replace(/"/g, '""')}"` : f;
  };
  const head = [t('check.col.file'), t('check.col.row'), t('check.col.column'), t('check.col.value'), t('check.col.severity'), t('check.col.what')];
  const lines = [head, ...issues.map((i) => [i.file, i.row === null || i.row === undefined ? '' : String(i.row), i.column ?? '', i.value ?? '', severity(i.severity), engineText(i.message)])];
  return lines.map((r) => `${r.map(field).join(',')}\n`).join('');
}

function severity(s: string): string {
  return s === 'error' ? t('check.sev.error') : s === 'warning' ? t('check.sev.warning') : s === 'info' ? t('check.sev.info') : s;
}

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
  const shareText = (id: string) => t(changed.has(id) ? 'method.share_changed' : 'method.share', { pct: pct(share.get(id)) });
  // The settings in force: those of the last run when there is one, else the framework's.
  const settings = st.results?.settings ?? doc.settings;
  return h(
    'article',
    { class: 'method' },
    h('h1', null, t('nav.method')),
    h('p', { class: 'lead' }, `${nm(doc.name)}${doc.version ? `, ${t('results.version', { version: doc.version })}` : ''}. `, h('span', { lang: 'en' }, doc.description)),
    doc.source ? h('p', { class: 'hint' }, t('method.source'), ' ', h('span', { lang: 'en' }, doc.source)) : null,
    h('h2', null, t('method.steps')),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, t('method.step1')),
      h('li', null, t('method.step2')),
      h('li', null, t('method.step3')),
      h('li', null, t('method.step4')),
      h('li', null, t('method.step5')),
      h('li', null, t('method.step6')),
    ),
    h('h2', null, st.results ? t('method.settings_in_force') : t('method.settings_of_framework')),
    h('dl', { class: 'kv' }, settings.map((s) => [h('dt', null, h('code', null, s.id)), h('dd', { lang: 'en' }, s.name)])),
    changed.size ? h('p', { class: 'banner warning' }, t('method.weights_changed', { weights: tn('n.weight', changed.size) })) : null,
    doc.tier_schemes.length
      ? [h('h2', null, t('settings.tiers')), doc.tier_schemes.map((ts) => h('div', null, h('h3', null, nm(ts.name), ' ', h('span', { class: 'hint' }, `(${ts.id})`)), ts.source ? h('p', { class: 'hint', lang: 'en' }, ts.source) : null, h('ul', null, ts.tiers.map((x) => h('li', null, `${nm(x.name)}: `, x.below !== null && x.below !== undefined ? t('method.below', { n: fmtInt(x.below) }) : t('method.the_rest'))))))]
      : null,
    doc.zones.length ? [h('h2', null, t('method.zones')), h('p', null, t('method.zones_text')), h('ul', { class: 'zones' }, doc.zones.map((z) => h('li', null, h('strong', null, nm(z.name)), ': ', h('span', { lang: 'en' }, z.states.join(', ')))))] : null,
    h('h2', null, t('method.tree')),
    doc.provisional > 0 ? h('p', { class: 'banner' }, t('method.provisional_count', { n: doc.provisional }), ' ', h('span', { class: 'tag provisional' }, t('method.provisional')), t('method.provisional_text')) : null,
    root ? h('p', null, t(root.rescale ? 'method.root_rescaled' : 'method.root', { name: nm(root.name), method: root.method === 'amean' ? t('settings.aggregate.amean') : root.method, lo: root.rescale?.[0] ?? '', hi: root.rescale?.[1] ?? '' })) : null,
    doc.tree.slice(1).map((a) =>
      h(
        'section',
        { class: `node depth-${Math.min(a.depth, 3)}` },
        h(a.depth <= 1 ? 'h3' : 'h4', null, nm(a.name), ' ', h('span', { class: 'hint' }, h('code', null, a.id), ` · ${t('method.weight', { share: shareText(a.id) })}${a.rescale ? ` · ${t('method.rescaled', { lo: a.rescale[0], hi: a.rescale[1] })}` : ''}`)),
        a.note ? h('p', { lang: 'en' }, a.note) : null,
        a.indicators.length
          ? h(
              'ul',
              { class: 'ind-doc' },
              a.indicators.map((i) =>
                h(
                  'li',
                  null,
                  h('p', null, h('strong', null, nm(i.name)), ' ', h('span', { class: 'hint' }, i.id), i.unit ? ` (${nm(i.unit)})` : '', ' ', i.direction < 0 ? h('span', { class: 'tag' }, t('method.lower_better')) : null, i.provisional ? h('span', { class: 'tag provisional' }, t('method.provisional')) : null),
                  h('p', { class: 'derivation' }, '= ', h('span', { lang: 'en' }, fmtFormula(i.derivation)), i.cap !== null && i.cap !== undefined ? `; ${t('method.cap', { n: num(i.cap) })}` : '', i.floor !== null && i.floor !== undefined ? `; ${t('method.floor', { n: num(i.floor) })}` : '', `; ${t('method.weight', { share: shareText(i.id) })}`),
                  i.choice ? h('p', null, h('em', null, t('method.choice')), ' ', h('span', { lang: 'en' }, i.choice)) : null,
                  i.note ? h('p', { lang: 'en' }, i.note) : null,
                  i.source ? h('p', { class: 'hint' }, t('method.source'), ' ', h('span', { lang: 'en' }, i.source)) : null,
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
    h('h1', null, t('nav.privacy')),
    h('p', { class: 'lead' }, t('privacy.lead')),
    h('h2', null, t('privacy.check')),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, t('privacy.step1'), ' ', h('strong', { lang: 'en' }, 'Network'), ' ', t('privacy.step1_end')),
      h('li', null, t('privacy.step2')),
      h('li', null, t('privacy.step3')),
    ),
    h('h2', null, t('privacy.enforces')),
    h(
      'ul',
      null,
      h('li', null, t('privacy.csp'), ' (', h('code', null, "connect-src 'self'"), '). ', t('privacy.csp_read')),
      h('li', null, t('privacy.no_third')),
      h('li', null, t('privacy.exports')),
      h('li', null, t('privacy.open'), ' ', h('code', null, 'nagar'), t('privacy.open_end')),
      h('li', null, t('privacy.language')),
    ),
  );
}

/// Where official results are published (links open the Ministry's sites; the page itself
/// fetches nothing from them).
const OFFICIAL: { name: 'about.portal' | 'about.mohua'; url: string }[] = [
  { name: 'about.portal', url: 'https://eol.smartcities.gov.in/' },
  { name: 'about.mohua', url: 'https://mohua.gov.in/' },
];

/// About: what this is and is not, where official results are, how to use a published table,
/// accessibility, version and build.
export function aboutView(st: AppState): HTMLElement {
  return h(
    'article',
    { class: 'about', 'data-testid': 'about-view' },
    h('h1', null, t('about.title')),
    h('p', { class: 'banner warning', role: 'note' }, h('strong', null, t('about.not_official')), ' ', t('about.not_official_text')),
    h('h2', null, t('about.official')),
    h('p', null, t('about.official_text')),
    h('ul', null, OFFICIAL.map((o) => h('li', null, h('a', { href: o.url, rel: 'noopener noreferrer', target: '_blank' }, t(o.name)), ' — ', o.url))),
    h('h2', null, t('about.published')),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, t('about.step1')),
      h('li', null, t('about.step2')),
      h('li', null, t('about.step3')),
    ),
    h('h2', null, t('about.accessibility')),
    h('p', null, t('about.accessibility_text')),
    h('h2', null, t('about.version')),
    h(
      'dl',
      { class: 'kv' },
      h('dt', null, t('about.engine')),
      h('dd', { 'data-testid': 'about-version' }, st.version ? `nagar ${st.version}` : t('about.loading')),
      h('dt', null, t('about.built')),
      h('dd', null, fmtDate(BUILD_DATE)),
      h('dt', null, t('settings.framework')),
      h('dd', null, st.framework ? `${nm(st.framework.name)}${st.framework.version ? `, ${t('results.version', { version: st.framework.version })}` : ''}` : '–'),
    ),
    h('h2', null, t('about.source')),
    h('p', null, t('about.open_source'), ' ', h('code', null, 'nagar'), ' ', t('about.open_source_2'), ' ', h('a', { href: '#/method' }, t('nav.method')), t('results.stop'), SOURCE_URL ? [' ', t('about.source_code'), ' ', h('a', { href: SOURCE_URL, rel: 'noopener noreferrer', target: '_blank' }, SOURCE_URL), '.'] : ''),
  );
}
