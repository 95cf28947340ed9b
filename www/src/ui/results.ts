// Results: summary, distribution of the index, and the sortable, filterable table.
import { fmt, h, pct, plural } from '../dom';
import type { UnitRow } from '../../pkg/core/nagar_wasm';
import type { Results } from '../results-unpack';
import type { Actions, AppState, SortKey } from '../state';
import { histogram } from './charts';

const PAGE = 50;

export function summary(r: Results, st: AppState): HTMLElement {
  const errors = r.issues.filter((i) => i.severity === 'error').length;
  const warnings = r.issues.filter((i) => i.severity === 'warning').length;
  return h(
    'div',
    { class: 'cards' },
    card('Cities scored', String(r.units.length)),
    card('Ranked', String(r.ranked), r.ranked < r.units.length ? `${r.units.length - r.ranked} below the coverage minimum or without score` : ''),
    card('Data check', plural(errors, 'error'), plural(warnings, 'warning'), '#/validation'),
    card('Framework', st.framework?.name ?? r.framework, st.framework?.version ? `version ${st.framework.version}` : '', '', true),
  );
}

function card(label: string, value: string, note = '', href = '', text = false): HTMLElement {
  const v = href ? h('a', { href }, value) : value;
  return h('div', { class: 'card' }, h('p', { class: 'card-label' }, label), h('p', { class: text ? 'card-value text' : 'card-value' }, v), note ? h('p', { class: 'card-note' }, note) : null);
}

export function datasetBanner(note: string | null | undefined): HTMLElement | null {
  if (!note) return null;
  return h(
    'p',
    { class: 'banner synthetic', role: 'note' },
    h('strong', null, 'Synthetic demo data'),
    ` — invented cities and values for trying the tool, not real ones. Every export is labelled “${note}”.`,
  );
}

function sortValue(u: UnitRow, key: SortKey): number | string | null {
  switch (key) {
    case 'rank':
      return u.rank ?? null;
    case 'rank_in_tier':
      return u.rank_in_tier ?? null;
    case 'name':
      return u.name.toLowerCase();
    case 'state':
      return u.state.toLowerCase();
    case 'zone':
      return u.zone.toLowerCase();
    case 'tier':
      return u.tier.toLowerCase();
    case 'coverage':
      return u.coverage;
    case 'index':
      return u.index ?? null;
    default:
      return u.verticals[Number(key.slice(1))] ?? null;
  }
}

export function filtered(r: Results, st: AppState): UnitRow[] {
  const t = st.table;
  const q = t.search.trim().toLowerCase();
  const rows = r.units.filter(
    (u) =>
      (!t.tier || u.tier === t.tier) &&
      (!t.state || u.state === t.state) &&
      (!t.zone || u.zone === t.zone) &&
      (!q || u.name.toLowerCase().includes(q) || u.id.toLowerCase().includes(q) || u.state.toLowerCase().includes(q)),
  );
  const dir = t.desc ? -1 : 1;
  return rows.sort((a, b) => {
    const x = sortValue(a, t.sort);
    const y = sortValue(b, t.sort);
    if (x === y) return (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.name.localeCompare(b.name);
    if (x === null) return 1; // missing values last, whatever the direction
    if (y === null) return -1;
    return (x < y ? -1 : 1) * dir;
  });
}

function distinct(values: string[]): string[] {
  return [...new Set(values.filter((v) => v))].sort((a, b) => a.localeCompare(b));
}

function select(id: string, label: string, values: string[], current: string, onChange: (v: string) => void): HTMLElement | null {
  if (values.length === 0) return null;
  const sel = h('select', { id, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) }, h('option', { value: '' }, 'All'), values.map((v) => h('option', { value: v, selected: v === current }, v)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
}

export function resultsView(st: AppState, act: Actions): HTMLElement {
  const r = st.results!;
  const t = st.table;
  const rows = filtered(r, st);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  t.page = Math.min(t.page, pages - 1);
  const pageRows = rows.slice(t.page * PAGE, (t.page + 1) * PAGE);
  const rerender = () => {
    t.page = 0;
    act.render();
  };

  const search = h('input', {
    id: 'search',
    type: 'search',
    value: t.search,
    placeholder: 'City, id or state',
    autocomplete: 'off',
    oninput: (e: Event) => {
      t.search = (e.target as HTMLInputElement).value;
      t.page = 0;
      refreshTable();
    },
  });
  const filters = h(
    'div',
    { class: 'filters', role: 'search' },
    h('div', { class: 'field grow' }, h('label', { for: 'search' }, 'Search'), search),
    r.has_tiers ? select('f-tier', 'Tier', distinct(r.units.map((u) => u.tier)), t.tier, (v) => ((t.tier = v), rerender())) : null,
    select('f-state', 'State', distinct(r.units.map((u) => u.state)), t.state, (v) => ((t.state = v), rerender())),
    select('f-zone', 'Zone', distinct(r.units.map((u) => u.zone)), t.zone, (v) => ((t.zone = v), rerender())),
  );

  const cols: { key: SortKey; label: string; num?: boolean; title?: string }[] = [
    { key: 'rank', label: 'Rank', num: true },
    { key: 'name', label: 'City' },
    { key: 'state', label: 'State' },
    { key: 'zone', label: 'Zone' },
    ...(r.has_tiers ? [{ key: 'tier' as SortKey, label: 'Tier' }] : []),
    { key: 'coverage', label: 'Coverage', num: true, title: 'Share of indicators with data' },
    { key: 'index', label: 'Index', num: true },
    ...(r.has_tiers ? [{ key: 'rank_in_tier' as SortKey, label: 'Rank in tier', num: true }] : []),
    ...r.verticals.map((v, i) => ({ key: `v${i}` as SortKey, label: v.name, num: true })),
  ];

  const head = h(
    'tr',
    null,
    cols.map((c) => {
      const active = t.sort === c.key;
      const btn = h(
        'button',
        {
          type: 'button',
          class: 'sort',
          title: c.title,
          onclick: () => {
            if (t.sort === c.key) t.desc = !t.desc;
            else {
              t.sort = c.key;
              t.desc = c.num === true && c.key !== 'rank' && c.key !== 'rank_in_tier';
            }
            t.page = 0;
            act.render();
          },
        },
        c.label,
        h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (t.desc ? ' ▼' : ' ▲') : ''),
      );
      return h('th', { scope: 'col', class: c.num ? 'num' : '', 'aria-sort': active ? (t.desc ? 'descending' : 'ascending') : null }, btn);
    }),
    h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Add to comparison'), h('span', { 'aria-hidden': 'true' }, 'Compare')),
  );

  const tbody = h('tbody');
  const caption = h('caption', { class: 'visually-hidden' });
  const table = h('table', { class: 'data results', 'data-testid': 'results-table' }, caption, h('thead', null, head), tbody);
  const pager = h('div', { class: 'pager' });

  function refreshTable(): void {
    const rows = filtered(r, st);
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    t.page = Math.min(t.page, pages - 1);
    const pageRows = rows.slice(t.page * PAGE, (t.page + 1) * PAGE);
    caption.textContent = `Scores of ${rows.length} cities, sorted by ${cols.find((c) => c.key === t.sort)?.label ?? t.sort}`;
    tbody.replaceChildren(...pageRows.map((u) => row(u)));
    pager.replaceChildren(...pagerParts(rows.length, pages));
  }

  function row(u: UnitRow): HTMLTableRowElement {
    const checked = st.compare.includes(u.id);
    return h(
      'tr',
      { class: u.rank === null || u.rank === undefined ? 'unranked' : '' },
      h('td', { class: 'num' }, u.rank ?? '–'),
      h('th', { scope: 'row' }, h('a', { href: `#/city/${encodeURIComponent(u.id)}` }, u.name || u.id), u.flag ? h('span', { class: 'flag' }, u.flag) : null),
      h('td', null, u.state),
      h('td', null, u.zone),
      r.has_tiers ? h('td', null, u.tier) : null,
      h('td', { class: 'num' }, pct(u.coverage)),
      h('td', { class: 'num strong' }, fmt(u.index)),
      r.has_tiers ? h('td', { class: 'num' }, u.rank_in_tier ?? '–') : null,
      u.verticals.map((v) => h('td', { class: 'num' }, fmt(v))),
      h(
        'td',
        { class: 'center' },
        h('input', {
          type: 'checkbox',
          'aria-label': `Compare ${u.name}`,
          checked,
          disabled: !checked && st.compare.length >= 4,
          onchange: () => act.toggleCompare(u.id),
        }),
      ),
    );
  }

  function pagerParts(n: number, pages: number): Node[] {
    const first = n === 0 ? 0 : t.page * PAGE + 1;
    const last = Math.min(n, (t.page + 1) * PAGE);
    return [
      h('button', { type: 'button', class: 'button small', disabled: t.page === 0, onclick: () => (t.page--, refreshTable()) }, '‹ Previous'),
      h('span', { 'aria-live': 'polite' }, n === 0 ? 'No city matches' : `${first}–${last} of ${n}`),
      h('button', { type: 'button', class: 'button small', disabled: t.page >= pages - 1, onclick: () => (t.page++, refreshTable()) }, 'Next ›'),
    ];
  }

  caption.textContent = `Scores of ${rows.length} cities`;
  tbody.replaceChildren(...pageRows.map((u) => row(u)));
  pager.replaceChildren(...pagerParts(rows.length, pages));

  const idx = r.units.map((u) => u.index ?? NaN);
  const compareBar =
    st.compare.length > 0
      ? h('p', { class: 'compare-bar' }, `${st.compare.length} of 4 cities chosen for comparison. `, h('a', { href: '#/compare' }, 'Compare them'))
      : h('p', { class: 'hint' }, 'Tick up to four cities to compare them side by side.');

  return h(
    'div',
    null,
    h('h1', null, 'Results'),
    datasetBanner(r.dataset_note),
    summary(r, st),
    h(
      'section',
      { 'aria-labelledby': 'h-dist' },
      h('h2', { id: 'h-dist' }, 'Distribution of the index'),
      histogram(idx, `Histogram of the index of ${idx.filter(Number.isFinite).length} cities`),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-table' },
      h('h2', { id: 'h-table' }, 'All cities'),
      filters,
      compareBar,
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Results table' }, table),
      pager,
    ),
  );
}
