// "Preview my ULB": score my own rows together with the published data, on this device only;
// see my index and ranks, how every other city moves, try changes live (what-if), read why the
// score is what it is, and which single improvements would move it most.
//
// Privacy: my file, my form and my changes live in this module's memory and the engine's. They
// are written to IndexedDB only when the person clicks "Save scenario", and "Forget saved
// scenarios" deletes that database. Nothing goes to localStorage. Every name and value is set
// as text (the dom helper never uses innerHTML).
import './analysis.css';
import { narrow } from './charts';
import { clear, fmt, fmtCell, fmtDateTime, fmtInt, fmtValue, h, pct, s } from '../dom';
import { engineText, nm, t, tn, type Key } from '../i18n';
import type {
  CollisionChoice,
  Explanation,
  FormField,
  FormRow,
  FormSection,
  Improvements,
  PreviewBundle,
  RankMove,
  UnitScores,
} from '../analysis-types';
import type { FrameworkDoc, Results } from '../protocol';
import type { AppState } from '../state';
import { bars } from './charts';
import { datasetBanner } from './results';

type Source = { kind: 'file'; file: File } | { kind: 'form'; row: FormRow };

/// The preview's state, in memory only.
const pv: {
  source: Source | null;
  collision: CollisionChoice | undefined;
  /// My changes (field, text), replayed when the published scores change (new settings).
  edits: Map<string, string>;
  bundle: PreviewBundle | null;
  form: FormSection[] | null;
  results: Results | null;
  error: string | null;
  askCollision: { message: string; source: Source } | null;
  /// The empty form, for the framework it was made for.
  blank: { framework: unknown; sections: FormSection[] } | null;
} = { source: null, collision: undefined, edits: new Map(), bundle: null, form: null, results: null, error: null, askCollision: null, blank: null };

// ---------------------------------------------------------------- engine calls

/// Score my rows (then replay my changes). On failure the previous preview stays (the engine
/// keeps it too) and the message says why; an id collision asks what to do with this source.
async function start(st: AppState, source: Source, collision: CollisionChoice | undefined, edits: Map<string, string>): Promise<void> {
  pv.askCollision = null;
  pv.error = null;
  try {
    let b =
      source.kind === 'file'
        ? await st.engine.call<PreviewBundle>({ op: 'previewFile', file: source.file, onCollision: collision })
        : await st.engine.call<PreviewBundle>({ op: 'previewForm', row: source.row, onCollision: collision });
    const kept = new Map<string, string>();
    for (const [field, text] of edits) {
      try {
        b = await st.engine.call<PreviewBundle>({ op: 'whatIfSet', field, text });
        kept.set(field, text);
      } catch {
        /* a change that no longer applies is dropped */
      }
    }
    if (kept.size) b = await st.engine.call<PreviewBundle>({ op: 'previewBundle' });
    pv.source = source;
    pv.collision = collision;
    pv.edits = kept;
    pv.bundle = b;
    pv.form = b.form;
    pv.results = st.results;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (err.name === 'IdCollision') pv.askCollision = { message: err.message, source };
    else pv.error = err.message;
    // A failed re-run after new published scores: what is shown is stale, say so once.
    if (pv.results !== st.results) {
      pv.bundle = null;
      pv.form = null;
      pv.results = st.results;
    }
  }
}

// ---------------------------------------------------------------- saved scenarios (IndexedDB)

const DB = 'nagar-scenarios';
interface Saved {
  id?: number;
  name: string;
  savedAt: string;
  source: { kind: 'file'; name: string; type: string; bytes: ArrayBuffer } | { kind: 'form'; row: FormRow };
  collision: CollisionChoice | null;
  edits: [string, string][];
}

async function dbExists(): Promise<boolean> {
  if (!('indexedDB' in self)) return false;
  const list = await indexedDB.databases?.();
  return !!list?.some((d) => d.name === DB);
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('scenarios', { keyPath: 'id', autoIncrement: true });
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
}

async function listSaved(): Promise<Saved[]> {
  if (!(await dbExists())) return [];
  const db = await openDb();
  try {
    return await new Promise<Saved[]>((ok, fail) => {
      const req = db.transaction('scenarios').objectStore('scenarios').getAll();
      req.onsuccess = () => ok(req.result as Saved[]);
      req.onerror = () => fail(req.error);
    });
  } finally {
    db.close();
  }
}

async function saveScenario(name: string): Promise<void> {
  const src = pv.source;
  if (!src) return;
  const rec: Saved = {
    name,
    savedAt: new Date().toISOString(),
    source: src.kind === 'file' ? { kind: 'file', name: src.file.name, type: src.file.type, bytes: await src.file.arrayBuffer() } : { kind: 'form', row: src.row },
    collision: pv.collision ?? null,
    edits: [...pv.edits],
  };
  const db = await openDb();
  try {
    await new Promise<void>((ok, fail) => {
      const tx = db.transaction('scenarios', 'readwrite');
      tx.objectStore('scenarios').add(rec);
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
    });
  } finally {
    db.close();
  }
}

function forgetSaved(): Promise<void> {
  return new Promise((ok, fail) => {
    const req = indexedDB.deleteDatabase(DB);
    req.onsuccess = () => ok();
    req.onblocked = () => ok();
    req.onerror = () => fail(req.error);
  });
}

// ---------------------------------------------------------------- pieces

const rankText = (u: UnitScores) => (u.rank ? t('profile.rank_of', { rank: u.rank, n: u.ranked_units }) : t('profile.not_ranked'));

function cards(u: UnitScores): HTMLElement {
  return h(
    'div',
    { class: 'cards' },
    h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('preview.my_index')), h('p', { class: 'card-value', 'data-testid': 'my-index', 'data-value': u.index === null ? '' : String(u.index) }, fmt(u.index, 2))),
    h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('results.col.rank')), h('p', { class: 'card-value', 'data-testid': 'my-rank', 'data-value': u.rank ?? '' }, rankText(u)), h('p', { class: 'card-note' }, engineText(u.flag))),
    h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('results.col.rank_in_tier')), h('p', { class: 'card-value' }, u.rank_in_tier ? String(u.rank_in_tier) : '–'), h('p', { class: 'card-note' }, u.tier ? t('peers.tier', { tier: nm(u.tier) }) : t('preview.no_tier'))),
    h('div', { class: 'card' }, h('p', { class: 'card-label' }, t('profile.coverage')), h('p', { class: 'card-value' }, pct(u.coverage))),
  );
}

function nodesTable(u: UnitScores): HTMLElement {
  const verticals = u.nodes.filter((n) => !u.nodes.some((m) => m.id === n.parent));
  const sectors = u.nodes.filter((n) => verticals.some((v) => v.id === n.parent));
  const who = u.name || u.id;
  return h(
    'div',
    { class: 'my-nodes' },
    h('section', null, h('h3', null, t('profile.verticals')), bars(verticals.map((v) => ({ label: nm(v.name), value: v.value })), t('preview.vertical_chart', { name: who }))),
    h('section', null, h('h3', null, t('profile.sectors')), bars(sectors.map((x) => ({ label: nm(x.name), value: x.value })), t('preview.sector_chart', { name: who }))),
  );
}

function movesView(moves: RankMove[], unchanged: number): HTMLElement {
  const moved = moves.filter((m) => m.change !== null && m.change !== 0).sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!) || (a.rank_after ?? 0) - (b.rank_after ?? 0));
  const down = moved.filter((m) => m.change! < 0).length;
  const up = moved.length - down;
  return h(
    'section',
    { 'data-testid': 'rank-moves', 'aria-labelledby': 'h-moves' },
    h('h2', { id: 'h-moves' }, t('preview.moves')),
    h('p', null, moved.length === 0 ? t('preview.no_moves') : t('preview.moves_text', { down: tn('n.published_city', down), up: fmtInt(up), same: fmtInt(unchanged) })),
    moved.length
      ? h(
          'div',
          { class: 'table-scroll tall', tabindex: '0', role: 'region', 'aria-label': t('preview.rank_changes') },
          h(
            'table',
            { class: 'data' },
            h('caption', { class: 'visually-hidden' }, t('preview.rank_changes_caption')),
            h('thead', null, h('tr', null, [t('results.col.city'), t('preview.col.rank_before'), t('preview.col.rank_after'), t('preview.col.change'), t('preview.col.index_before'), t('preview.col.index_after')].map((c, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, c)))),
            h(
              'tbody',
              null,
              moved.slice(0, 100).map((m) =>
                h(
                  'tr',
                  null,
                  h('th', { scope: 'row' }, h('a', { href: `#/city/${encodeURIComponent(m.id)}` }, m.name || m.id)),
                  h('td', { class: 'num' }, m.rank_before ?? '–'),
                  h('td', { class: 'num' }, m.rank_after ?? '–'),
                  h('td', { class: `num ${m.change! > 0 ? 'up' : 'down'}` }, m.change! > 0 ? `▲ ${m.change}` : `▼ ${-m.change!}`),
                  h('td', { class: 'num' }, fmt(m.index_before, 2)),
                  h('td', { class: 'num' }, fmt(m.index_after, 2)),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

/// Sorted bars of the largest contributions (positive right, negative left of zero).
function whyChart(e: Explanation): HTMLElement {
  const top = e.rows.filter((r) => r.contribution !== 0).slice(0, 15);
  const rest = e.rows.slice(top.length).reduce((a, r) => a + r.contribution, 0);
  const items = [...top.map((r) => ({ label: nm(r.name), value: r.contribution })), ...(e.rows.length > top.length ? [{ label: tn('n.other_indicator', e.rows.length - top.length), value: rest }] : [])];
  const m = Math.max(0.01, ...items.map((i) => Math.abs(i.value)));
  // On a phone each label sits above its bar (charts.ts `narrow`).
  const small = narrow();
  const rowH = small ? 36 : 22, L = small ? 6 : 250, R = 60, T = 6, W = small ? 360 : 700;
  const H = T + items.length * rowH + 8;
  const barTop = small ? 18 : 4;
  const mid = L + (W - L - R) / 2;
  const x = (v: number) => mid + (v / m) * ((W - L - R) / 2);
  const title = t('preview.why_chart', { name: e.unit_name });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart why-chart', role: 'img', 'aria-label': title });
  svg.append(s('title', null, title));
  svg.append(s('line', { x1: mid, x2: mid, y1: T, y2: H - 4, class: 'axis' }));
  items.forEach((it, i) => {
    const y = T + i * rowH;
    const label = it.label.length > (small ? 44 : 36) ? `${it.label.slice(0, small ? 43 : 35)}…` : it.label;
    const barH = rowH - barTop - 4, textY = y + barTop + barH / 2 + 4;
    if (small) svg.append(s('text', { x: L, y: y + 14, class: 'bar-label' }, label));
    else svg.append(s('text', { x: L - 8, y: textY, class: 'bar-label', 'text-anchor': 'end' }, label));
    const r = s('rect', { x: Math.min(mid, x(it.value)), y: y + barTop, width: Math.max(1, Math.abs(x(it.value) - mid)), height: barH, class: it.value >= 0 ? 'bar pos' : 'bar neg' });
    r.append(s('title', null, `${it.label}: ${t('peers.gap', { gap: `${it.value >= 0 ? '+' : ''}${fmt(it.value, 2)}` })}`));
    svg.append(r);
    svg.append(s('text', { x: W - R + 6, y: textY, class: 'value' }, `${it.value >= 0 ? '+' : ''}${fmt(it.value, 2)}`));
  });
  return h('figure', { class: 'chart-box' }, svg);
}

/// The raw inputs of a row: column ids and values as in the file are data (`translate="no"`).
function inputsText(r: Explanation['rows'][number]): (Node | string)[] {
  const out: (Node | string)[] = [];
  r.inputs.forEach((i, k) => {
    if (k) out.push('; ');
    out.push(h('span', { translate: 'no' }, i.id), ' = ');
    out.push(i.text !== null && i.text !== undefined ? h('span', { translate: 'no' }, fmtCell(i.text)) : i.value === null ? t('preview.missing') : fmtValue(i.value));
  });
  return out;
}

export function whyView(e: Explanation, sectors: Map<string, string>, who = t('preview.my_index_lower')): HTMLElement {
  const sum = e.baseline + e.rows.reduce((a, r) => a + r.contribution, 0);
  return h(
    'section',
    { class: 'why', 'aria-labelledby': 'h-why' },
    h('h2', { id: 'h-why' }, t('profile.why')),
    h(
      'p',
      null,
      t('preview.why_text', { index: fmt(e.index, 2), baseline: fmt(e.baseline, 2), sign: sum - e.baseline >= 0 ? '+' : '−', rest: fmt(Math.abs(sum - e.baseline), 2) }),
    ),
    whyChart(e),
    h(
      'div',
      { class: 'table-scroll tall', tabindex: '0', role: 'region', 'aria-label': t('preview.contributions') },
      h(
        'table',
        { class: 'data why-table', 'data-testid': 'why-table' },
        h('caption', { class: 'visually-hidden' }, t('preview.contribution_of', { who })),
        h('thead', null, h('tr', null, [t('profile.col.indicator'), t('profile.col.inputs'), t('preview.col.derived'), t('profile.col.mean'), t('profile.col.standardised'), t('preview.col.per_unit'), t('preview.col.points')].map((c, i) => h('th', { scope: 'col', class: i > 1 ? 'num' : '' }, c)))),
        h(
          'tbody',
          null,
          h('tr', { class: 'baseline', 'data-id': 'baseline', 'data-contribution': String(e.baseline) }, h('th', { scope: 'row' }, t('preview.baseline'), h('div', { class: 'hint' }, t('preview.baseline_hint'))), h('td', { colspan: 5 }, ''), h('td', { class: 'num strong' }, fmt(e.baseline, 3))),
          e.rows.map((r) =>
            h(
              'tr',
              { class: r.missing ? 'missing' : '', 'data-id': r.id, 'data-contribution': String(r.contribution) },
              h('th', { scope: 'row' }, nm(r.name), h('div', { class: 'hint' }, `${r.id} · ${sectors.get(r.parent) ?? r.parent}${r.direction < 0 ? ` · ${t('method.lower_better')}` : ''}`)),
              h('td', { class: 'inputs' }, inputsText(r)),
              h('td', { class: 'num' }, r.missing ? t('preview.missing') : fmtValue(r.derived)),
              h('td', { class: 'num' }, fmtValue(r.group_mean === null ? null : r.group_mean * r.direction)),
              h('td', { class: 'num' }, fmt(r.normalised, 3)),
              h('td', { class: 'num' }, fmt(r.points_per_unit, 3)),
              h('td', { class: `num strong ${r.contribution < 0 ? 'down' : ''}` }, fmt(r.contribution, 3)),
            ),
          ),
        ),
        h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, t('results.col.index')), h('td', { colspan: 5 }, ''), h('td', { class: 'num strong', 'data-testid': 'why-total', 'data-value': String(sum) }, fmt(sum, 3)))),
      ),
    ),
  );
}

/// What the page knows of an indicator to word a priority: its unit, and whether it is one
/// yes/no answer (a "points" indicator of a single input, 0 or 1).
export type IndicatorFacts = Map<string, { unit: string; yesNo: boolean }>;

/// A value with its unit: "4.9%", "1,00,815 ₹ per employee".
function withUnit(x: number, unit: string): string {
  return `${fmtValue(x)}${unit === '%' ? '%' : unit ? ` ${nm(unit)}` : ''}`;
}

/// A priority in the page's own words and number formats ("No → Yes" for a yes/no answer,
/// amounts with Indian grouping and their unit). Without facts, the engine's sentence.
function prioritySentence(r: Improvements['rows'][number], imp: Improvements, facts?: IndicatorFacts): string {
  // Without facts (units unknown yet), the same sentence without units.
  const f = facts?.get(r.id) ?? { unit: '', yesNo: false };
  const yesNo = f.yesNo && [0, 1].includes(r.current_value) && [0, 1].includes(r.target_value);
  const val = (x: number) => (yesNo ? (x === 1 ? t('preview.yes') : t('preview.no')) : withUnit(x, f.unit));
  const change = `${val(r.current_value)} → ${val(r.target_value)}`;
  const effect = r.gain >= 0 ? t('preview.adds', { n: fmt(r.gain, 2) }) : t('preview.costs', { n: fmt(-r.gain, 2) });
  const moves = imp.rank && r.new_rank ? (imp.rank === r.new_rank ? t('preview.rank_stays', { rank: fmtInt(imp.rank) }) : t('preview.rank_moves', { from: fmtInt(imp.rank), to: fmtInt(r.new_rank) })) : t('preview.not_ranked');
  return t('preview.priority', { name: nm(r.name), id: r.id, change, effect, moves });
}

/// The marks of indicators that are not outcomes: (label, explanation).
const LEVER: Record<'spending' | 'size' | 'external', [Key, Key]> = {
  spending: ['improve.lever.spending', 'improve.lever.spending_hint'],
  size: ['improve.lever.size', 'improve.lever.size_hint'],
  external: ['improve.lever.external', 'improve.lever.external_hint'],
};

export function improveView(imp: Improvements, who = t('preview.my_ulb'), facts?: IndicatorFacts): HTMLElement {
  const top = imp.rows.slice(0, 10);
  return h(
    'section',
    { class: 'improve', 'aria-labelledby': 'h-imp' },
    h('h2', { id: 'h-imp' }, t('profile.improve')),
    h('p', { class: 'hint' }, t('preview.improve_hint', { who, p: Math.round(imp.percentile * 100) })),
    top.some((r) => r.lever && r.lever !== 'outcome') ? h('p', { class: 'hint' }, t('improve.lever.note')) : null,
    top.length === 0
      ? h('p', null, t('preview.at_target', { who }))
      : h(
          'ol',
          { class: 'improve-list', 'data-testid': 'improve-list' },
          top.map((r) =>
            h(
              'li',
              { 'data-id': r.id, 'data-gain': String(r.gain), 'data-target': String(r.target_value), 'data-new-rank': r.new_rank ?? '' },
              // Spending, size and what is decided elsewhere, set apart from outcomes (the
              // framework's `lever` mark).
              r.lever && r.lever !== 'outcome'
                ? h('span', { class: `lever lever-${r.lever}`, title: t(LEVER[r.lever][1]), 'data-lever': r.lever }, t(LEVER[r.lever][0]))
                : null,
              h('span', { class: 'sentence' }, prioritySentence(r, imp, facts)),
              r.best_value !== null && r.best_gain !== null && !(facts?.get(r.id)?.yesNo ?? false)
                ? h('span', { class: 'hint' }, ` ${t('preview.best', { value: withUnit(r.best_value, facts?.get(r.id)?.unit ?? ''), n: fmt(r.best_gain, 2) })}`)
                : null,
            ),
          ),
        ),
  );
}

// ---------------------------------------------------------------- forms

function fieldLabel(f: FormField): string {
  const label = nm(f.label);
  return f.unit && f.unit !== '%' ? `${label} (${nm(f.unit)})` : f.kind === 'percent' || f.kind === 'signed_percent' || f.unit === '%' ? `${label} (%)` : label;
}

function valueText(f: FormField): string {
  if (f.text !== null && f.text !== undefined) return f.text;
  if (f.value === null || f.value === undefined) return '';
  return f.kind === 'yes_no' ? (f.value ? 'Y' : 'N') : String(f.value);
}

/// One input (number field, Y/N toggle or choice) with its inline message.
function fieldControl(f: FormField, idx: string, live: boolean, onValue: (text: string, msg: HTMLElement, input: HTMLElement) => void): HTMLElement {
  const id = `${idx}-${f.id}`;
  const msg = h('span', { class: 'field-msg', id: `${id}-msg`, role: 'alert' });
  const common = { id, 'data-field': f.id, 'aria-describedby': `${id}-msg`, 'data-testid': live ? 'whatif-field' : null } as const;
  let input: HTMLElement;
  if (f.kind === 'yes_no' && live) {
    const box = h('input', { ...common, type: 'checkbox', class: 'toggle', checked: f.value === 1 }) as HTMLInputElement;
    if (f.value === null || f.value === undefined) box.indeterminate = true;
    const state = h('span', { class: 'toggle-state', 'aria-hidden': 'true' }, f.value === null || f.value === undefined ? t('preview.missing') : f.value ? t('preview.yes') : t('preview.no'));
    box.addEventListener('change', () => {
      state.textContent = box.checked ? t('preview.yes') : t('preview.no');
      onValue(box.checked ? 'Y' : 'N', msg, box);
    });
    return h('div', { class: 'form-field yn' }, h('label', { for: id }, box, ' ', nm(f.label)), state, msg);
  }
  if (f.kind === 'yes_no' || f.allowed.length) {
    const options = f.kind === 'yes_no' ? ['Y', 'N'] : f.allowed;
    const cur = valueText(f);
    input = h('select', { ...common }, h('option', { value: '', selected: cur === '' }, t('preview.missing_option')), options.map((o) => h('option', { value: o, selected: o === cur }, o === 'Y' ? t('preview.yes') : o === 'N' ? t('preview.no') : o)));
    input.addEventListener('change', () => onValue((input as HTMLSelectElement).value, msg, input));
  } else {
    input = h('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: valueText(f) });
    let timer = 0;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = window.setTimeout(() => onValue((input as HTMLInputElement).value, msg, input), live ? 30 : 0);
    });
  }
  return h('div', { class: 'form-field' }, h('label', { for: id }, fieldLabel(f)), input, msg);
}

function sectionsView(sections: FormSection[], idx: string, live: boolean, onValue: (f: FormField, text: string, msg: HTMLElement, input: HTMLElement) => void): HTMLElement {
  return h(
    'div',
    { class: 'form-sections' },
    sections.map((sec, i) =>
      h(
        'details',
        { class: 'form-section', open: i === 0 },
        h('summary', null, sec.name ? nm(sec.name) : sec.id, h('span', { class: 'hint' }, ` · ${tn('n.input', sec.fields.length)}`)),
        h('div', { class: 'form-grid' }, sec.fields.map((f) => fieldControl(f, idx, live, (text, msg, input) => onValue(f, text, msg, input)))),
      ),
    ),
  );
}

// ---------------------------------------------------------------- the view

export function previewView(st: AppState): HTMLElement {
  const root = h('section', { class: 'preview', 'data-testid': 'preview-view', 'aria-labelledby': 'h-preview' });
  root.append(
    h('h1', { id: 'h-preview' }, t('nav.preview')),
    ...[datasetBanner(st.results?.dataset_note)].filter((x): x is HTMLElement => x !== null),
    h('p', { class: 'lead' }, t('preview.lead')),
  );
  if (!st.results) {
    root.append(h('p', { class: 'banner' }, t('preview.first')));
    return root;
  }
  const status = h('div', { class: 'preview-status', 'aria-live': 'polite' });
  const body = h('div', { class: 'preview-body' });
  const summaryBar = h('div', { class: 'whatif-summary', 'aria-live': 'polite' });
  const resultsBox = h('div');
  const whyBox = h('div');
  const improveBox = h('div');
  const movesBox = h('div');
  const formBox = h('div');
  const savedBox = h('div', { class: 'saved' });

// The indicators' units, to word the priorities (the framework explained, asked once).
  let units: Map<string, string> | null = null;
  st.engine.call<FrameworkDoc>({ op: 'doc' }).then(
    (d) => (units = new Map(d.tree.flatMap((a) => a.indicators.map((i) => [i.id, i.unit] as [string, string])))),
    () => undefined,
  );
  const facts = (b: PreviewBundle): IndicatorFacts | undefined =>
    units ? new Map([...units].map(([id, unit]) => [id, { unit, yesNo: unit === 'points' && (b.explain?.rows.find((r) => r.id === id)?.inputs.length ?? 0) === 1 }])) : undefined;
  const sectorNames = () => new Map((st.results?.sectors ?? []).map((x) => [x.id, nm(x.name)] as [string, string]));

  const showStatus = () => {
    clear(status);
    const ask = pv.askCollision;
    if (ask) {
      status.append(
        h(
          'div',
          { class: 'banner', role: 'alert' },
          h('p', null, h('strong', null, t('preview.collision')), ' ', t('preview.collision_ask')),
          h('p', { class: 'hint' }, engineText(ask.message)),
          h(
            'p',
            { class: 'button-row' },
            h('button', { type: 'button', class: 'button', 'data-testid': 'collision-replace', onclick: () => void run(ask.source, 'replace') }, t('preview.replace')),
            h('button', { type: 'button', class: 'button', 'data-testid': 'collision-add', onclick: () => void run(ask.source, 'add-as-new') }, t('preview.add_new')),
          ),
        ),
      );
    }
    if (pv.error) status.append(h('p', { class: 'banner error', role: 'alert' }, engineText(pv.error)));
  };

  /// Everything that depends on my current scores.
  const update = (b: PreviewBundle) => {
    const me = b.report.mine.find((m) => m.id === b.unit) ?? b.report.mine[0];
    clear(summaryBar);
    clear(resultsBox);
    // After a what-if change the moves follow when the person pauses: keep the previous ones.
    movesBox.classList.toggle('stale', b.report.moves_pending);
    if (!b.report.moves_pending) clear(movesBox);
    if (!b.pending) {
      clear(whyBox);
      clear(improveBox);
    }
    if (!me) return;
    summaryBar.append(h('span', null, h('strong', null, me.name || me.id), ` · ${t('preview.summary', { index: fmt(me.index, 2), rank: rankText(me) })}`, b.result?.full_rescore ? h('span', { class: 'hint' }, ` ${t('preview.full_rescore')}`) : null));
    const warnings = [...b.report.warnings, ...(b.result?.warnings ?? [])];
    resultsBox.append(h(
      'div',
      null,
      h('h2', null, me.name || me.id, ' ', h('span', { class: 'hint', translate: 'no' }, me.original_id ? t('preview.my_id', { id: me.id, original: me.original_id }) : me.id)),
      b.report.mine.length > 1
        ? h(
            'div',
            { class: 'field' },
            h('label', { for: 'pv-unit' }, t('preview.my_row')),
            h(
              'select',
              {
                id: 'pv-unit',
                onchange: (e: Event) => {
                  const id = (e.target as HTMLSelectElement).value;
                  st.engine.call<PreviewBundle>({ op: 'whatIfUnit', id }).then((nb) => {
                    pv.edits.clear();
                    pv.bundle = nb;
                    pv.form = nb.form;
                    draw();
                  }, (err) => ((pv.error = String(err instanceof Error ? err.message : err)), showStatus()));
                },
              },
              b.report.mine.map((m) => h('option', { value: m.id, selected: m.id === me.id }, m.name || m.id)),
            ),
          )
        : null,
      cards(me),
      h('p', { class: 'hint' }, b.report.replaced.length ? t('preview.among_replaced', { ranked: fmtInt(b.report.ranked_after), published: fmtInt(b.report.published_units), replaced: b.report.replaced.join(', ') }) : t('preview.among', { ranked: fmtInt(b.report.ranked_after), published: fmtInt(b.report.published_units) })),
      warnings.length ? h('ul', { class: 'banner' }, warnings.map((w) => h('li', null, engineText(w)))) : null,
      b.report.my_issues.length
        ? h('details', { class: 'my-issues' }, h('summary', null, t('preview.my_issues', { n: fmtInt(b.report.my_issues.length) })), h('ul', null, b.report.my_issues.map((i) => h('li', null, i.column ? `${i.column}: ` : '', engineText(i.message)))))
        : null,
      nodesTable(me),
    ));
    if (!b.report.moves_pending) movesBox.append(movesView(b.report.moves, b.report.unchanged));
    if (b.pending) {
      whyBox.classList.add('stale');
      improveBox.classList.add('stale');
      return;
    }
    whyBox.classList.remove('stale');
    improveBox.classList.remove('stale');
    if (b.explain) whyBox.append(whyView(b.explain, sectorNames()));
    if (b.improve) improveBox.append(improveView(b.improve, undefined, facts(b)));
    if (!b.explain || !b.improve) whyBox.append(h('p', { class: 'banner' }, b.analysisError ? engineText(b.analysisError) : t('preview.no_explanation')));
  };

  // What-if: one change at a time; the latest value of a field wins.
  let busy = false;
  /// Ends the pause before the explanation early: a new change came.
  let wake: (() => void) | null = null;
  const queue = new Map<string, { text: string; msg: HTMLElement; input: HTMLElement }>();
  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.size) {
      const [field, job] = queue.entries().next().value as [string, { text: string; msg: HTMLElement; input: HTMLElement }];
      queue.delete(field);
      try {
        const t0 = performance.now();
        const b = await st.engine.call<PreviewBundle>({ op: 'whatIfSet', field, text: job.text });
        job.msg.textContent = b.result?.warnings.length ? b.result.warnings.map(engineText).join(' ') : '';
        job.input.removeAttribute('aria-invalid');
        pv.edits.set(field, job.text);
        pv.bundle = b;
        update(b);
        // For the benchmark (tests/e2e/bench.mjs): one change, from the call to my new scores shown.
        window.nagarWhatIf = { totalMs: performance.now() - t0, engineMs: b.engineMs ?? NaN };
        document.body.dataset.whatifChange = String(Number(document.body.dataset.whatifChange ?? 0) + 1);
      } catch (e) {
        job.msg.textContent = engineText(e instanceof Error ? e.message : String(e));
        job.input.setAttribute('aria-invalid', 'true');
      }
    }
    document.body.dataset.whatifScores = String(Date.now());
    // Then the explanation and the priorities (the priorities re-score every indicator: ~0.1 s
    // for 5,000 cities), once the person pauses, for the latest state.
    if (pv.bundle?.pending) {
      await new Promise<void>((ok) => {
        wake = ok;
        setTimeout(ok, 150);
      });
      wake = null;
    }
    if (pv.bundle?.pending && !queue.size) {
      try {
        const a = await st.engine.call<Pick<PreviewBundle, 'explain' | 'improve' | 'analysisError' | 'report'>>({ op: 'previewAnalyses' });
        if (!queue.size && pv.bundle) {
          pv.bundle = { ...pv.bundle, ...a, pending: false };
          update(pv.bundle);
        }
      } catch {
        /* shown on the next change */
      }
    }
    busy = false;
    if (queue.size) return void pump();
    document.body.dataset.whatif = String(Date.now());
  };
  const onWhatIf = (f: FormField, text: string, msg: HTMLElement, input: HTMLElement) => {
    queue.set(f.id, { text, msg, input });
    wake?.();
    void pump();
  };

  const drawSaved = () => {
    clear(savedBox);
    const nameInput = h('input', { id: 'scenario-name', type: 'text', value: pv.bundle?.report.mine[0]?.name ? t('preview.scenario_of', { name: pv.bundle.report.mine[0].name }) : t('preview.my_scenario') }) as HTMLInputElement;
    const note = h('span', { class: 'hint', 'aria-live': 'polite' });
    savedBox.append(h(
      'div',
      null,
      h('h2', null, t('preview.scenarios')),
      h('p', { class: 'hint' }, t('preview.scenarios_hint')),
      pv.bundle
        ? h(
            'div',
            { class: 'filters' },
            h('div', { class: 'field grow' }, h('label', { for: 'scenario-name' }, t('preview.scenario_name')), nameInput),
            h(
              'button',
              {
                type: 'button',
                class: 'button',
                'data-testid': 'save-scenario',
                onclick: () => {
                  saveScenario(nameInput.value.trim() || t('preview.my_scenario')).then(
                    () => drawSaved(),
                    (e) => (note.textContent = t('preview.not_saved', { reason: String(e instanceof Error ? e.message : e) })),
                  );
                },
              },
              t('preview.save'),
            ),
            note,
          )
        : null,
    ));
    const list = h('ul', { class: 'saved-list' });
    const forget = h(
      'button',
      {
        type: 'button',
        class: 'button',
        'data-testid': 'forget-scenarios',
        onclick: () => void forgetSaved().then(drawSaved),
      },
      t('preview.forget'),
    ) as HTMLButtonElement;
    savedBox.append(list, h('p', null, forget));
    listSaved().then(
      (items) => {
        forget.disabled = items.length === 0;
        if (!items.length) list.append(h('li', { class: 'hint' }, t('preview.none_saved')));
        for (const it of items) {
          list.append(
            h(
              'li',
              null,
              h('strong', null, it.name),
              h('span', { class: 'hint' }, ` ${t('preview.saved_at', { when: fmtDateTime(Date.parse(it.savedAt)), changes: tn('n.change', it.edits.length) })} `),
              h(
                'button',
                {
                  type: 'button',
                  class: 'button small',
                  onclick: () => {
                    const src: Source = it.source.kind === 'file' ? { kind: 'file', file: new File([it.source.bytes], it.source.name, { type: it.source.type }) } : { kind: 'form', row: it.source.row };
                    void run(src, it.collision ?? undefined, new Map(it.edits));
                  },
                },
                t('preview.open'),
              ),
            ),
          );
        }
      },
      () => (forget.disabled = false),
    );
  };

  const draw = () => {
    showStatus();
    clear(formBox);
    if (pv.bundle) {
      update(pv.bundle);
      if (pv.form) {
        formBox.append(
          h('h2', { id: 'h-whatif' }, t('preview.try')),
          h('p', { class: 'hint' }, t('preview.try_hint')),
          summaryBar,
          sectionsView(pv.form, 'wf', true, onWhatIf),
          h('p', { class: 'button-row' }, h('button', { type: 'button', class: 'button small', onclick: () => void run(pv.source!, pv.collision, new Map()) }, t('preview.undo')), h('button', { type: 'button', class: 'button small', onclick: () => void downloadCombined(st) }, t('preview.download'))),
        );
      }
    }
    body.hidden = !pv.bundle;
    drawSaved();
  };

  const run = async (source: Source, collision?: CollisionChoice, edits: Map<string, string> = new Map()) => {
    clear(status);
    status.append(h('p', { class: 'hint' }, t('preview.scoring')));
    await start(st, source, collision, edits);
    draw();
    document.body.dataset.preview = String(Date.now());
  };

  // Source: my file, or the form.
  const file = h('input', { id: 'my-file', type: 'file', class: 'visually-hidden', 'data-testid': 'my-file', accept: '.csv,.tsv,.txt,.json,.xlsx,.xlsm,.xls,.xlsb,.ods' }) as HTMLInputElement;
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    file.value = '';
    if (f) void run({ kind: 'file', file: f });
  });
  const blankBox = h('div', { class: 'blank-form' });
  const openBlank = async () => {
    clear(blankBox);
    try {
      if (pv.blank?.framework !== st.framework) pv.blank = { framework: st.framework, sections: await st.engine.call<FormSection[]>({ op: 'inputForm' }) };
    } catch (e) {
      blankBox.append(h('p', { class: 'banner error' }, engineText(e instanceof Error ? e.message : String(e))));
      return;
    }
    const values: Record<string, string> = {};
    const ctx = { id: 'MY-ULB', name: t('preview.my_ulb_name'), state: '', population: '' };
    const text = (key: keyof typeof ctx, label: string) =>
      h('div', { class: 'form-field' }, h('label', { for: `bf-${key}` }, label), h('input', { id: `bf-${key}`, type: 'text', value: ctx[key], oninput: (e: Event) => (ctx[key] = (e.target as HTMLInputElement).value) }));
    const msgs = new Map<string, HTMLElement>();
    const form = h(
      'form',
      {
        class: 'blank',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void run({ kind: 'form', row: { ...ctx, values: { ...values } } }).then(() => {
            for (const m of msgs.values()) m.textContent = '';
            for (const i of pv.bundle?.report.my_issues ?? []) {
              const m = i.column ? msgs.get(i.column) : undefined;
              if (m) m.textContent = engineText(i.message);
            }
          });
        },
      },
      h('div', { class: 'form-grid' }, text('id', t('preview.form_id')), text('name', t('preview.form_name')), text('state', t('results.col.state')), text('population', t('profile.population'))),
      sectionsView(pv.blank.sections, 'bf', false, (f, typed, msg) => {
        values[f.id] = typed;
        msgs.set(f.id, msg);
      }),
      h('p', null, h('button', { type: 'submit', class: 'button primary' }, t('preview.score_mine'))),
    );
    blankBox.append(form);
  };

  root.append(
    h(
      'div',
      { class: 'preview-source' },
      h('div', { class: 'button-row' }, h('label', { class: 'button primary', for: 'my-file' }, t('preview.upload')), file, h('button', { type: 'button', class: 'button', onclick: () => void openBlank() }, t('preview.form'))),
      h('p', { class: 'hint' }, t('preview.file_hint')),
      blankBox,
    ),
    status,
    body,
    savedBox,
  );
  body.append(resultsBox, formBox, whyBox, improveBox, movesBox);
  if (pv.source && pv.results !== st.results) void run(pv.source, pv.collision, pv.edits);
  else draw();
  return root;
}

async function downloadCombined(st: AppState): Promise<void> {
  const bytes = await st.engine.call<Uint8Array>({ op: 'whatIfCsv' });
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: 'nagar-preview-data.csv', hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
