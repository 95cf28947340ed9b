// The comparison and data check views (the method, privacy and about views: ui/docs.ts).
import { fmt, fmtInt, h, pct } from '../dom';
import { engineText, nm, t, tn } from '../i18n';
import type { IssueView, Profile } from '../../pkg/core/nagar_wasm';
import type { Actions, AppState } from '../state';
import { groupedBars } from './charts';
import { datasetBanner } from './results';

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

/// A severity as the badge shows it.
function severity(s: string): string {
  return s === 'error' ? t('check.sev.error') : s === 'warning' ? t('check.sev.warning') : s === 'info' ? t('check.sev.info') : s;
}
