// Results: summary, distribution of the index, and the sortable, filterable table.
import { fmt, fmtInt, h, pct } from '../dom';
import { engineText, nm, t, tn } from '../i18n';
import type { UnitRow } from '../../pkg/core/nagar_wasm';
import type { Results } from '../results-unpack';
import type { Actions, AppState, SortKey } from '../state';
import { histogram } from './charts';

const PAGE = 50;

export function summary(r: Results, st: AppState): HTMLElement {
  const errors = r.issue_counts.error;
  const warnings = r.issue_counts.warning;
  return h(
    'div',
    { class: 'cards' },
    card(t('results.cities_scored'), fmtInt(r.units.length)),
    card(t('results.ranked'), fmtInt(r.ranked), r.ranked < r.units.length ? t('results.not_ranked', { n: fmtInt(r.units.length - r.ranked) }) : ''),
    card(t('nav.validation'), tn('n.error', errors), tn('n.warning', warnings), '#/validation'),
    card(t('settings.framework'), nm(st.framework?.name ?? r.framework), st.framework?.version ? t('results.version', { version: st.framework.version }) : '', '', true),
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
    h('p', null, h('strong', null, tn('n.small_group', small.length)), ' ', t('results.small_groups_text', { cities: tn('n.city', cities) })),
    h('details', null, h('summary', null, t('results.which_groups')), h('ul', null, small.map((m) => h('li', null, engineText(m))))),
  );
}

export function datasetBanner(note: string | null | undefined): HTMLElement | null {
  if (!note) return null;
  return h(
    'p',
    { class: 'banner synthetic', role: 'note' },
    h('strong', null, t('results.synthetic')),
    ' ',
    t('results.synthetic_text'),
    ' “',
    h('span', { lang: 'en' }, note),
    '”.',
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
  const tb = st.table;
  const q = tb.search.trim().toLowerCase();
  const rows = r.units.filter(
    (u) =>
      (!tb.tier || u.tier === tb.tier) &&
      (!tb.state || nameKey(u.state) === nameKey(tb.state)) &&
      (!tb.zone || nameKey(u.zone) === nameKey(tb.zone)) &&
      (!q || u.name.toLowerCase().includes(q) || u.id.toLowerCase().includes(q) || u.state.toLowerCase().includes(q)),
  );
  const dir = tb.desc ? -1 : 1;
  // Each row's value once, not twice per comparison (5,000 rows: ~60,000 comparisons); the
  // positions are sorted (stably, as the rows were) and the rows put in their order.
  const keys = rows.map((u) => sortValue(u, tb.sort, st.baseline));
  const order = rows.map((_, i) => i);
  order.sort((i, j) => {
    const x = keys[i];
    const y = keys[j];
    if (x === y) {
      const a = rows[i];
      const b = rows[j];
      return (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.name.localeCompare(b.name);
    }
    if (x === null) return 1; // missing values last, whatever the direction
    if (y === null) return -1;
    return (x < y ? -1 : 1) * dir;
  });
  return order.map((i) => rows[i]);
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
  // Each different text once (in the order first written): 5,000 cities name a few dozen
  // states, and nameKey's regular expressions took 8-10 ms over them all.
  for (const v of new Set(values)) {
    const k = nameKey(v);
    if (k && !seen.has(k)) seen.set(k, v.trim());
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/// Comparison groups too small to be ranked, from the engine's warnings.
export function smallGroups(r: Results): string[] {
  return r.issues.filter((i) => i.severity === 'warning' && /^comparison group .* fewer than the minimum/.test(i.message)).map((i) => i.message);
}

function select(id: string, text: string, values: string[], current: string, onChange: (v: string) => void, label: (v: string) => string = (v) => v): HTMLElement | null {
  if (values.length === 0) return null;
  const sel = h('select', { id, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) }, h('option', { value: '' }, t('results.all')), values.map((v) => h('option', { value: v, selected: v === current }, label(v))));
  return h('div', { class: 'field' }, h('label', { for: id }, text), sel);
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
  if (m === 'new') return t('results.move_new');
  if (m === null) return '–';
  return m > 0 ? `▲ ${fmtInt(m)}` : m < 0 ? `▼ ${fmtInt(-m)}` : '=';
}

/// The settings of a run in one line, to label a baseline.
function settingsLabel(r: Results, st: AppState): string {
  const w = Object.entries(st.options.weights ?? {});
  return [...r.settings.filter((s) => ['group', 'missing', 'min_coverage', 'tiers'].includes(s.id)).map((s) => `${s.id} ${s.name}`), w.length ? t('results.weights_changed', { list: w.map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ') }) : t('results.framework_weights')].join(' · ');
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
    base ? t('results.keep_instead') : t('results.keep'),
  );
  if (!base) return h('div', { class: 'baseline' }, h('p', { class: 'hint' }, t('results.baseline_hint'), ' '), keep);
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
    h('p', null, h('strong', null, t('results.compared')), ' ', t('results.moves', { up: tn('n.city', up), down: fmtInt(down), same: fmtInt(same) }), other ? t('results.moves_other', { n: fmtInt(other) }) : '', t('results.stop')),
    h('p', { class: 'hint' }, t('results.baseline_now', { then: base.label, now: settingsLabel(r, st) })),
    h(
      'p',
      { class: 'button-row' },
      h('button', { type: 'button', class: 'button small', 'data-testid': 'baseline-export', onclick: () => act.download(baselineCsv(r, base, settingsLabel(r, st)), 'nagar-rank-moves.csv') }, t('results.export_moves')),
      keep,
      h('button', { type: 'button', class: 'button small', onclick: () => ((st.baseline = null), act.render()) }, t('results.clear_baseline')),
    ),
  );
}

/// The results view's frame and table, kept from one drawing to the next: a new file, a sort or
/// a filter changes the text of the table's rows in place (`fill`), so the browser restyles and
/// lays out only what changed instead of ~1,000 new elements, and no elements are made
/// (docs/BENCHMARKS.md, "seventh round"). The parts around the table (cards, chart, filters,
/// pager) and its head are made anew each time, as before.
interface Kept {
  root: HTMLElement;
  section: HTMLElement;
  scroll: HTMLElement;
  caption: HTMLElement;
  thead: HTMLElement;
  tbody: HTMLElement;
  /// The columns the rows have (tiers, baseline, verticals): other columns, rows made anew.
  shape: string;
  act?: Actions;
}
let kept: Kept | null = null;

function keep(): Kept {
  const caption = h('caption', { class: 'visually-hidden' });
  const thead = h('thead');
  // The tick-boxes' one listener: each says which city it is (`data-id`).
  const tbody = h('tbody', {
    onchange: (e: Event) => {
      const id = (e.target as HTMLElement).dataset.id;
      if (id !== undefined) kept?.act?.toggleCompare(id);
    },
  });
  const scroll = h('div', { class: 'table-scroll', tabindex: '0', role: 'region' }, h('table', { class: 'data results', 'data-testid': 'results-table' }, caption, thead, tbody));
  const section = h('section', { 'aria-labelledby': 'h-table' }, scroll);
  return { root: h('div', null, section), section, scroll, caption, thead, tbody, shape: '' };
}

/// `el`'s text made `text` (its one text node changed when it has one).
function text(el: Element, text: string): void {
  const n = el.firstChild;
  if (n instanceof Text && n === el.lastChild) {
    if (n.data !== text) n.data = text;
  } else el.textContent = text;
}

function attr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/// `el`'s children made `before`, `keep`, `after`, with `keep` (a child of `el`) never taken out.
function around(el: HTMLElement, keep: HTMLElement, before: (Node | null)[], after: (Node | null)[]): void {
  for (const c of [...el.childNodes]) if (c !== keep) c.remove();
  keep.before(...before.filter((x): x is Node => x !== null));
  keep.after(...after.filter((x): x is Node => x !== null));
}

export function resultsView(st: AppState, act: Actions): HTMLElement {
  const r = st.results!;
  const base = st.baseline;
  const tb = st.table;
  const rows = filtered(r, st);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  tb.page = Math.min(tb.page, pages - 1);
  const pageRows = rows.slice(tb.page * PAGE, (tb.page + 1) * PAGE);
  const rerender = () => {
    tb.page = 0;
    act.render();
  };

  const search = h('input', {
    id: 'search',
    type: 'search',
    value: tb.search,
    placeholder: t('results.search_placeholder'),
    autocomplete: 'off',
    oninput: (e: Event) => {
      tb.search = (e.target as HTMLInputElement).value;
      tb.page = 0;
      refreshTable();
    },
  });
  const filters = h(
    'div',
    { class: 'filters', role: 'search' },
    h('div', { class: 'field grow' }, h('label', { for: 'search' }, t('results.search')), search),
    r.has_tiers ? select('f-tier', t('results.col.tier'), distinct(r.units.map((u) => u.tier)), tb.tier, (v) => ((tb.tier = v), rerender()), nm) : null,
    select('f-state', t('results.col.state'), distinct(r.units.map((u) => u.state)), tb.state, (v) => ((tb.state = v), rerender())),
    select('f-zone', t('results.col.zone'), distinct(r.units.map((u) => u.zone)), tb.zone, (v) => ((tb.zone = v), rerender()), nm),
  );

  // `opt`: left out on a phone (the city's page has them), so the index stays on screen.
  const cols: { key: SortKey; label: string; num?: boolean; title?: string; opt?: boolean }[] = [
    { key: 'rank', label: t('results.col.rank'), num: true },
    { key: 'name', label: t('results.col.city') },
    { key: 'state', label: t('results.col.state'), opt: true },
    { key: 'zone', label: t('results.col.zone'), opt: true },
    ...(r.has_tiers ? [{ key: 'tier' as SortKey, label: t('results.col.tier'), opt: true }] : []),
    { key: 'coverage', label: t('results.col.coverage'), num: true, title: t('results.col.coverage_title'), opt: true },
    { key: 'index', label: t('results.col.index'), num: true },
    ...(r.has_tiers ? [{ key: 'rank_in_tier' as SortKey, label: t('results.col.rank_in_tier'), num: true, opt: true }] : []),
    ...(base ? [{ key: 'move' as SortKey, label: t('results.col.move'), num: true, title: t('results.col.move_title') }] : []),
    ...r.verticals.map((v, i) => ({ key: `v${i}` as SortKey, label: nm(v.name), num: true })),
  ];

  // The compare tick-box comes right after the city's name, in sight at any width.
  const compareTh = h('th', { scope: 'col', class: 'center' }, h('span', { class: 'visually-hidden' }, t('results.add_to_comparison')), h('span', { class: 'cmp-label', 'aria-hidden': 'true' }, t('nav.compare')));
  const headCells = cols.map((c) => {
      const active = tb.sort === c.key;
      const btn = h(
        'button',
        {
          type: 'button',
          class: 'sort',
          title: c.title,
          'data-key': c.key,
          onclick: () => {
            if (tb.sort === c.key) tb.desc = !tb.desc;
            else {
              tb.sort = c.key;
              tb.desc = c.num === true && c.key !== 'rank' && c.key !== 'rank_in_tier';
            }
            tb.page = 0;
            act.render();
            // The view is drawn anew: keep the keyboard on the same button.
            document.querySelector<HTMLElement>(`button.sort[data-key="${c.key}"]`)?.focus();
          },
        },
        c.label,
        h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (tb.desc ? ' ▼' : ' ▲') : ''),
      );
      return h('th', { scope: 'col', class: [c.num ? 'num' : '', c.opt ? 'opt' : ''].join(' ').trim(), 'aria-sort': active ? (tb.desc ? 'descending' : 'ascending') : null }, btn);
  });
  const head = h('tr', null, headCells.slice(0, 2), compareTh, headCells.slice(2));

  const k = (kept ??= keep());
  k.act = act;
  const { caption, tbody } = k;
  k.thead.replaceChildren(head);
  const pager = h('div', { class: 'pager' });

  function refreshTable(): void {
    const rows = filtered(r, st);
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    tb.page = Math.min(tb.page, pages - 1);
    const pageRows = rows.slice(tb.page * PAGE, (tb.page + 1) * PAGE);
    caption.textContent = t('results.caption_sorted', { cities: tn('n.city', rows.length), by: cols.find((c) => c.key === tb.sort)?.label ?? tb.sort });
    setRows(pageRows);
    pager.replaceChildren(...pagerParts(rows.length, pages));
  }

  /// The table's rows made those of `units`: the rows there filled in place, extra ones made or
  /// taken away; all made anew when the columns changed.
  function setRows(units: UnitRow[]): void {
    const shape = `${r.has_tiers}|${!!base}|${r.verticals.length}`;
    if (k.shape !== shape) {
      k.shape = shape;
      tbody.replaceChildren();
    }
    const old = tbody.children;
    for (let i = 0; i < units.length && i < old.length; i++) fill(old[i] as HTMLTableRowElement, units[i]);
    while (old.length > units.length) old[old.length - 1].remove();
    if (old.length < units.length) tbody.append(...units.slice(old.length).map(row));
  }

  /// A row made by `row` made that of `u`, as `row(u)` would make it.
  function fill(tr: HTMLTableRowElement, u: UnitRow): void {
    const checked = st.compare.includes(u.id);
    const c = tr.cells;
    attr(tr, 'class', u.rank === null || u.rank === undefined ? 'unranked' : '');
    text(c[0], fmtInt(u.rank));
    const a = c[1].firstElementChild as HTMLAnchorElement;
    attr(a, 'href', `#/city/${encodeURIComponent(u.id)}`);
    text(a, u.name || u.id);
    const flag = a.nextElementSibling;
    if (!u.flag) flag?.remove();
    else if (flag) text(flag, engineText(u.flag));
    else c[1].append(h('span', { class: 'flag' }, engineText(u.flag)));
    const box = c[2].firstElementChild as HTMLInputElement;
    attr(box, 'aria-label', t('results.compare_city', { name: u.name }));
    attr(box, 'data-id', u.id);
    box.defaultChecked = checked;
    box.checked = checked;
    box.disabled = !checked && st.compare.length >= 4;
    let i = 3;
    text(c[i++], u.state);
    text(c[i++], nm(u.zone));
    if (r.has_tiers) text(c[i++], nm(u.tier));
    text(c[i++], pct(u.coverage));
    text(c[i++], fmt(u.index));
    if (r.has_tiers) text(c[i++], String(u.rank_in_tier ?? '–'));
    if (base) text(c[i++], moveText(moveOf(base, u)));
    for (const v of u.verticals) text(c[i++], fmt(v));
  }

  function row(u: UnitRow): HTMLTableRowElement {
    const checked = st.compare.includes(u.id);
    return h(
      'tr',
      { class: u.rank === null || u.rank === undefined ? 'unranked' : '' },
      h('td', { class: 'num' }, fmtInt(u.rank)),
      h('th', { scope: 'row' }, h('a', { href: `#/city/${encodeURIComponent(u.id)}` }, u.name || u.id), u.flag ? h('span', { class: 'flag' }, engineText(u.flag)) : null),
      h(
        'td',
        { class: 'center' },
        h('input', {
          type: 'checkbox',
          'aria-label': t('results.compare_city', { name: u.name }),
          'data-id': u.id,
          checked,
          disabled: !checked && st.compare.length >= 4,
        }),
      ),
      h('td', { class: 'opt' }, u.state),
      h('td', { class: 'opt' }, nm(u.zone)),
      r.has_tiers ? h('td', { class: 'opt' }, nm(u.tier)) : null,
      h('td', { class: 'num opt' }, pct(u.coverage)),
      h('td', { class: 'num strong' }, fmt(u.index)),
      r.has_tiers ? h('td', { class: 'num opt' }, u.rank_in_tier ?? '–') : null,
      base ? h('td', { class: 'num move' }, moveText(moveOf(base, u))) : null,
      u.verticals.map((v) => h('td', { class: 'num' }, fmt(v))),
    );
  }

  function pagerParts(n: number, pages: number): Node[] {
    const first = n === 0 ? 0 : tb.page * PAGE + 1;
    const last = Math.min(n, (tb.page + 1) * PAGE);
    return [
      h('button', { type: 'button', class: 'button small', disabled: tb.page === 0, onclick: () => (tb.page--, refreshTable()) }, t('pager.previous')),
      h('span', { 'aria-live': 'polite' }, n === 0 ? t('results.no_match') : t('pager.range', { first, last, n })),
      h('button', { type: 'button', class: 'button small', disabled: tb.page >= pages - 1, onclick: () => (tb.page++, refreshTable()) }, t('pager.next')),
    ];
  }

  caption.textContent = t('results.caption', { cities: tn('n.city', rows.length) });
  setRows(pageRows);
  pager.replaceChildren(...pagerParts(rows.length, pages));

  const idx = r.units.map((u) => u.index ?? NaN);
  const compareBar =
    st.compare.length > 0
      ? h('p', { class: 'compare-bar' }, t('results.chosen', { n: st.compare.length }), ' ', h('a', { href: '#/compare' }, t('results.compare_them')))
      : h('p', { class: 'hint' }, t('results.tick_hint'));

  k.scroll.setAttribute('aria-label', t('results.table'));
  around(k.section, k.scroll, [h('h2', { id: 'h-table' }, t('results.all_cities')), filters, baselinePanel(st, act), compareBar], [pager]);
  around(
    k.root,
    k.section,
    [
      h('h1', null, t('nav.results')),
      datasetBanner(r.dataset_note),
      smallGroupBanner(r),
      summary(r, st),
      h(
        'section',
        { 'aria-labelledby': 'h-dist' },
        h('h2', { id: 'h-dist' }, t('results.distribution')),
        histogram(idx, t('results.histogram', { cities: tn('n.city', idx.filter(Number.isFinite).length) })),
      ),
    ],
    [],
  );
  return k.root;
}
