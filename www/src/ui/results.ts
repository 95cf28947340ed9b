// Results: summary, distribution of the index, and the sortable, filterable table.
import { fmt, fmtInt, h, pct, plural } from '../dom';
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
    card('Cities scored', fmtInt(r.units.length)),
    card('Ranked', fmtInt(r.ranked), r.ranked < r.units.length ? `${fmtInt(r.units.length - r.ranked)} not ranked: too little data, too small a group, or no score` : ''),
    card('Data check', plural(errors, 'error'), plural(warnings, 'warning'), '#/validation'),
    card('Framework', st.framework?.name ?? r.framework, st.framework?.version ? `version ${st.framework.version}` : '', '', true),
  );
}

function card(label: string, value: string, note = '', href = '', text = false): HTMLElement {
  const v = href ? h('a', { href }, value) : value;
  return h('div', { class: 'card' }, h('p', { class: 'card-label' }, label), h('p', { class: text ? 'card-value text' : 'card-value' }, v), note ? h('p', { class: 'card-note' }, note) : null);
}

function smallGroupBanner(r: Results): HTMLElement | null {
  const small = smallGroups(r);
  if (small.length === 0) return null;
  const cities = r.units.filter((u) => /^group too small/.test(u.flag)).length;
  return h(
    'div',
    { class: 'banner warning', role: 'note', 'data-testid': 'small-groups' },
    h('p', null, h('strong', null, `${plural(small.length, 'comparison group')} ${small.length === 1 ? 'is' : 'are'} too small to rank. `), `${plural(cities, 'city', 'cities')} keep their scores, which compare them only with the few cities of their group, but get no rank. Compare with all cities, or change the smallest group that is ranked, in Settings.`),
    h('details', null, h('summary', null, 'Which groups'), h('ul', null, small.map((m) => h('li', null, m)))),
  );
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

function sortValue(u: UnitRow, key: SortKey, base: AppState['baseline']): number | string | null {
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
    case 'move':
      return base ? (typeof moveOf(base, u) === 'number' ? (moveOf(base, u) as number) : null) : null;
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
      (!t.state || nameKey(u.state) === nameKey(t.state)) &&
      (!t.zone || nameKey(u.zone) === nameKey(t.zone)) &&
      (!q || u.name.toLowerCase().includes(q) || u.id.toLowerCase().includes(q) || u.state.toLowerCase().includes(q)),
  );
  const dir = t.desc ? -1 : 1;
  return rows.sort((a, b) => {
    const x = sortValue(a, t.sort, st.baseline);
    const y = sortValue(b, t.sort, st.baseline);
    if (x === y) return (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.name.localeCompare(b.name);
    if (x === null) return 1; // missing values last, whatever the direction
    if (y === null) return -1;
    return (x < y ? -1 : 1) * dir;
  });
}

/// The key that groups names as the engine does (nagar_core::inputs::state_key): case, spaces,
/// punctuation and "&"/"and"/"the" ignored, so "  maharashtra " and "Maharashtra" are one state.
export function nameKey(s: string): string {
  return s
    .toLowerCase()
    .replace(/&/g, ' and ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && w !== 'and' && w !== 'the')
    .join('');
}

/// The distinct names of a column, one per key (labelled as first written), sorted.
function distinct(values: string[]): string[] {
  const seen = new Map<string, string>();
  for (const v of values) {
    const k = nameKey(v);
    if (k && !seen.has(k)) seen.set(k, v.trim());
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/// Comparison groups too small to be ranked, from the engine's warnings.
export function smallGroups(r: Results): string[] {
  return r.issues.filter((i) => i.severity === 'warning' && /^comparison group .* fewer than the minimum/.test(i.message)).map((i) => i.message);
}

function select(id: string, label: string, values: string[], current: string, onChange: (v: string) => void): HTMLElement | null {
  if (values.length === 0) return null;
  const sel = h('select', { id, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) }, h('option', { value: '' }, 'All'), values.map((v) => h('option', { value: v, selected: v === current }, v)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
}

/// A city's rank move since the baseline: places gained (positive) or lost; null when it is
/// ranked in only one of the two, `new` when it was not in the baseline's file.
function moveOf(base: NonNullable<AppState['baseline']>, u: UnitRow): number | null | 'new' {
  if (!base.rank.has(u.id)) return 'new';
  const then = base.rank.get(u.id);
  const now = u.rank ?? null;
  return then === null || then === undefined || now === null ? null : then - now;
}

function moveText(m: number | null | 'new'): string {
  if (m === 'new') return 'new';
  if (m === null) return '–';
  return m > 0 ? `▲ ${fmtInt(m)}` : m < 0 ? `▼ ${fmtInt(-m)}` : '=';
}

/// The settings of a run in one line, to label a baseline.
function settingsLabel(r: Results, st: AppState): string {
  const w = Object.entries(st.options.weights ?? {});
  return [...r.settings.filter((s) => ['group', 'missing', 'min_coverage', 'tiers'].includes(s.id)).map((s) => `${s.id} ${s.name}`), w.length ? `weights changed: ${w.map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')}` : 'framework weights'].join(' · ');
}

function baselineCsv(r: Results, base: NonNullable<AppState['baseline']>, now: string): string {
  const q = (t: string) => (/[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
  const n = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '' : String(x));
  const lines = [['ulb_id', 'ulb_name', 'baseline_rank', 'rank', 'move', 'baseline_index', 'index', 'baseline_settings', 'settings'].join(',')];
  for (const u of r.units) {
    const m = moveOf(base, u);
    lines.push([q(u.id), q(u.name), n(base.rank.get(u.id)), n(u.rank), m === 'new' ? 'new' : n(m), n(base.index.get(u.id)), n(u.index), q(base.label), q(now)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function baselinePanel(st: AppState, act: Actions): HTMLElement {
  const r = st.results!;
  const base = st.baseline;
  const keep = h(
    'button',
    {
      type: 'button',
      class: 'button small',
      'data-testid': 'baseline-keep',
      onclick: () => {
        st.baseline = { label: settingsLabel(r, st), rank: new Map(r.units.map((u) => [u.id, u.rank ?? null])), index: new Map(r.units.map((u) => [u.id, u.index ?? null])) };
        act.render();
      },
    },
    base ? 'Keep these results as the baseline instead' : 'Keep these results as a baseline',
  );
  if (!base) return h('div', { class: 'baseline' }, h('p', { class: 'hint' }, 'To compare two choices of settings: keep these results as a baseline, change a setting, and see each city’s rank move. '), keep);
  let up = 0, down = 0, same = 0, other = 0;
  for (const u of r.units) {
    const m = moveOf(base, u);
    if (typeof m !== 'number') other++;
    else if (m > 0) up++;
    else if (m < 0) down++;
    else same++;
  }
  return h(
    'div',
    { class: 'baseline banner', 'data-testid': 'baseline' },
    h('p', null, h('strong', null, 'Compared with the baseline: '), `${plural(up, 'city', 'cities')} up, ${fmtInt(down)} down, ${fmtInt(same)} unchanged`, other ? `, ${fmtInt(other)} ranked in only one of the two` : '', '.'),
    h('p', { class: 'hint' }, `Baseline: ${base.label}. Now: ${settingsLabel(r, st)}.`),
    h(
      'p',
      { class: 'button-row' },
      h('button', { type: 'button', class: 'button small', 'data-testid': 'baseline-export', onclick: () => act.download(baselineCsv(r, base, settingsLabel(r, st)), 'nagar-rank-moves.csv') }, 'Export the moves (CSV)'),
      keep,
      h('button', { type: 'button', class: 'button small', onclick: () => ((st.baseline = null), act.render()) }, 'Clear the baseline'),
    ),
  );
}

export function resultsView(st: AppState, act: Actions): HTMLElement {
  const r = st.results!;
  const base = st.baseline;
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

  // `opt`: left out on a phone (the city's page has them), so the index stays on screen.
  const cols: { key: SortKey; label: string; num?: boolean; title?: string; opt?: boolean }[] = [
    { key: 'rank', label: 'Rank', num: true },
    { key: 'name', label: 'City' },
    { key: 'state', label: 'State', opt: true },
    { key: 'zone', label: 'Zone', opt: true },
    ...(r.has_tiers ? [{ key: 'tier' as SortKey, label: 'Tier', opt: true }] : []),
    { key: 'coverage', label: 'Coverage', num: true, title: 'Share of indicators with data', opt: true },
    { key: 'index', label: 'Index', num: true },
    ...(r.has_tiers ? [{ key: 'rank_in_tier' as SortKey, label: 'Rank in tier', num: true, opt: true }] : []),
    ...(base ? [{ key: 'move' as SortKey, label: 'Rank move', num: true, title: 'Places gained (+) or lost (−) since the baseline' }] : []),
    ...r.verticals.map((v, i) => ({ key: `v${i}` as SortKey, label: v.name, num: true })),
  ];

  // The compare tick-box comes right after the city's name, in sight at any width.
  const compareTh = h('th', { scope: 'col', class: 'center' }, h('span', { class: 'visually-hidden' }, 'Add to comparison'), h('span', { class: 'cmp-label', 'aria-hidden': 'true' }, 'Compare'));
  const headCells = cols.map((c) => {
      const active = t.sort === c.key;
      const btn = h(
        'button',
        {
          type: 'button',
          class: 'sort',
          title: c.title,
          'data-key': c.key,
          onclick: () => {
            if (t.sort === c.key) t.desc = !t.desc;
            else {
              t.sort = c.key;
              t.desc = c.num === true && c.key !== 'rank' && c.key !== 'rank_in_tier';
            }
            t.page = 0;
            act.render();
            // The view is drawn anew: keep the keyboard on the same button.
            document.querySelector<HTMLElement>(`button.sort[data-key="${c.key}"]`)?.focus();
          },
        },
        c.label,
        h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (t.desc ? ' ▼' : ' ▲') : ''),
      );
      return h('th', { scope: 'col', class: [c.num ? 'num' : '', c.opt ? 'opt' : ''].join(' ').trim(), 'aria-sort': active ? (t.desc ? 'descending' : 'ascending') : null }, btn);
  });
  const head = h('tr', null, headCells.slice(0, 2), compareTh, headCells.slice(2));

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
      h('td', { class: 'num' }, fmtInt(u.rank)),
      h('th', { scope: 'row' }, h('a', { href: `#/city/${encodeURIComponent(u.id)}` }, u.name || u.id), u.flag ? h('span', { class: 'flag' }, u.flag) : null),
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
      h('td', { class: 'opt' }, u.state),
      h('td', { class: 'opt' }, u.zone),
      r.has_tiers ? h('td', { class: 'opt' }, u.tier) : null,
      h('td', { class: 'num opt' }, pct(u.coverage)),
      h('td', { class: 'num strong' }, fmt(u.index)),
      r.has_tiers ? h('td', { class: 'num opt' }, u.rank_in_tier ?? '–') : null,
      base ? h('td', { class: 'num move' }, moveText(moveOf(base, u))) : null,
      u.verticals.map((v) => h('td', { class: 'num' }, fmt(v))),
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
    smallGroupBanner(r),
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
      baselinePanel(st, act),
      compareBar,
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Results table' }, table),
      pager,
    ),
  );
}
