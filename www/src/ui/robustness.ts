// Robustness: how firm each rank is. An uncertainty analysis (the index recomputed 1,000 times
// with other reasonable weights and missing-data policies: each city's rank interval), a
// sensitivity analysis (which assumption moves the ranks most: Si and STi with bootstrap
// intervals), and the statistical audit (correlations, Cronbach's alpha, PCA, removal impact,
// effective against nominal weights, flags). Computed by nagar_core::robustness and ::audit in
// Web Workers (www/src/robustness-run.ts), exactly as `nagar robustness` and `nagar audit`;
// the exports are the files `nagar robustness` writes. Every text through t('robustness.…').
import './robustness.css';
import { fmt, fmtInt, h, pct } from '../dom';
import { currentRobustness, lastRobustness, setRobustness } from './robustness-result';
import { engineText, nm as nameIn, t, type Key } from '../i18n';
import type { AppState } from '../state';
import type { RobustnessSpec, RobustnessSummary } from '../robustness-types';
import { Cancelled, RobustnessRunner, workerCount, type RunResult } from '../robustness-run';
import { heatmap, intervalBars, rankIntervals, type RankInterval } from './charts';

/// The settings of the form (MPI defaults), kept while the page is open.
interface Form {
  type: 'ua' | 'sa';
  n: number;
  seed: number;
  noise: number;
  levels: { vertical: boolean; sector: boolean };
  missing: { reweight: boolean; mean: boolean; worst: boolean };
  normalise: boolean;
  topN: number;
  nboot: number;
  /// Sensitivity output: one city's rank (its id or name) instead of the mean rank change.
  unit: string;
  /// A design.csv to replay (as `nagar robustness --design`).
  design: { name: string; text: string } | null;
}

const DEFAULT_FORM: Form = {
  type: 'ua',
  n: 1000,
  seed: 1,
  noise: 25,
  levels: { vertical: true, sector: true },
  missing: { reweight: true, mean: true, worst: true },
  normalise: false,
  topN: 20,
  nboot: 200,
  unit: '',
  design: null,
};

type Show = 'top' | 'bottom' | 'all';

const view: {
  form: Form;
  runner: RobustnessRunner | null;
  /// The scoring run whose data the workers were last given ahead of a click.
  primedFor: unknown;
  /// The last completed analysis and the results (scoring run) it belongs to.
  progress: { done: number; total: number } | null;
  error: string | null;
  note: string | null;
  filter: { tier: string; state: string; zone: string; show: Show; page: number };
  audit: Audit | null;
  auditFor: unknown;
  auditError: string | null;
} = {
  form: structuredClone(DEFAULT_FORM),
  runner: null,
  primedFor: null,
  progress: null,
  error: null,
  note: null,
  filter: { tier: '', state: '', zone: '', show: 'top', page: 0 },
  audit: null,
  auditFor: null,
  auditError: null,
};

let redraw: () => void = () => {};

// ---------------------------------------------------------------- the specification

/// Levels as COINr numbers them (1 = indicators): sectors 2, verticals 3 in a framework with
/// sectors; verticals 2 in one without.
function levels(st: AppState): { vertical: number; sector: number | null } {
  const hasSectors = (st.framework?.sectors.length ?? 0) > 0;
  return hasSectors ? { vertical: 3, sector: 2 } : { vertical: 2, sector: null };
}

function specOf(st: AppState, f: Form): RobustnessSpec {
  const lv = levels(st);
  const weightLevels = [f.levels.sector && lv.sector !== null ? lv.sector : null, f.levels.vertical ? lv.vertical : null].filter((x): x is number => x !== null);
  const missing = (['reweight', 'mean', 'worst'] as const).filter((m) => f.missing[m]);
  // The city by its id, or by its name when that is not an id (the engine names one it cannot find).
  const typed = f.unit.trim();
  const units = st.results?.units ?? [];
  const unit = typed && (f.type === 'sa' || f.design) ? (units.find((u) => u.id === typed) ?? units.find((u) => u.name.toLowerCase() === typed.toLowerCase()))?.id ?? typed : undefined;
  return {
    ...(unit ? { unit } : {}),
    ...(f.design ? { design: f.design } : {}),
    type: f.type,
    n: f.n,
    seed: f.seed,
    nboot: f.type === 'sa' ? f.nboot : 0,
    top_n: f.topN,
    // One input in an uncertainty analysis; in a sensitivity analysis the vertical and the
    // sector weights are two inputs, so that it can say which of them moves the ranks more.
    weights:
      !weightLevels.length || f.noise <= 0
        ? []
        : f.type === 'sa'
          ? [...weightLevels].reverse().map((l) => ({ levels: [l], noise: f.noise / 100 }))
          : [{ levels: weightLevels, noise: f.noise / 100 }],
    // One policy alone is the nominal run: nothing varies.
    missing: missing.length >= 2 ? [...missing] : [],
    normalise: f.normalise ? ['zscore', 'minmax:0,100'] : [],
    aggregate: [],
    impute: [],
  };
}

// ---------------------------------------------------------------- running

async function run(st: AppState): Promise<void> {
  const runner = (view.runner ??= new RobustnessRunner(st.engine));
  if (runner.running) return;
  const results = st.results;
  const t0 = performance.now();
  let ok = false;
  view.error = null;
  view.note = null;
  view.progress = { done: 0, total: 0 };
  redraw();
  try {
    const r = await runner.run(specOf(st, view.form), (done, total) => {
      view.progress = { done, total };
      drawProgress();
    });
    if (st.results !== results) {
      view.note = t('robustness.stale');
    } else {
      setRobustness(r, results);
      view.filter.page = 0;
      // The benchmark (tests/e2e/bench.mjs) reads the time from click to chart.
      window.nagarRobustness = { ms: r.ms, reps: r.plan.reps, units: r.plan.units, workers: r.workers, clickToChartMs: 0, phases: r.phases };
      ok = true;
    }
  } catch (e) {
    if (e instanceof Cancelled) view.note = lastRobustness() ? t('robustness.cancelled_kept') : t('robustness.cancelled');
    else view.error = e instanceof Error ? e.message : String(e);
  } finally {
    view.progress = null;
  }
  redraw();
  // What the click gave, in sight: the results, or the message (the page's content above the
  // data panel changed height, and the browser's scroll anchoring would otherwise keep the
  // panel, not the view, in place).
  document.querySelector(ok ? '[data-testid=rb-summary]' : '[data-testid=rb-error], [data-testid=rb-note]')?.scrollIntoView({ block: ok ? 'start' : 'nearest' });
  // The chart is in the DOM; the time is taken when the frame that paints it starts.
  requestAnimationFrame(() => {
    if (ok && window.nagarRobustness) window.nagarRobustness.clickToChartMs = performance.now() - t0;
    document.body.dataset.robustness = String(Date.now());
  });
}

declare global {
  interface Window {
    /// The last robustness run, for the benchmark and the browser tests.
    nagarRobustness?: { ms: number; reps: number; units: number; workers: number; clickToChartMs: number; phases: RunResult['phases'] };
  }
}

function drawProgress(): void {
  const box = document.getElementById('rb-progress');
  const p = view.progress;
  if (!box || !p) return;
  const bar = box.querySelector('progress');
  const label = box.querySelector('.rb-count');
  if (bar) {
    if (p.total > 0) {
      bar.max = p.total;
      bar.value = p.done;
    } else bar.removeAttribute('value');
  }
  if (label) label.textContent = p.total > 0 ? t('robustness.progress', { done: fmtInt(p.done), total: fmtInt(p.total) }) : t('robustness.preparing');
}

async function exportCsv(st: AppState, name: string): Promise<void> {
  const r = currentRobustness(st);
  if (!r) return;
  try {
    const bytes = await st.engine.call<Uint8Array>({ op: 'robustnessCsv', name, spec: r.spec, arrays: r.arrays() });
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: `nagar-robustness-${name}`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) {
    view.error = e instanceof Error ? e.message : String(e);
    redraw();
  }
}

// ---------------------------------------------------------------- the form

function settingsForm(st: AppState): HTMLElement {
  const f = view.form;
  // Running from the click (the runner starts a moment later) until the results are in.
  const running = view.progress !== null;
  const lv = levels(st);
  const number = (id: string, label: string, value: number, attrs: Record<string, number>, set: (x: number) => void, hint?: string) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h('input', {
        id,
        type: 'number',
        value,
        inputmode: 'numeric',
        ...attrs,
        onchange: (e: Event) => {
          const x = Number((e.target as HTMLInputElement).value);
          if (Number.isFinite(x)) set(x);
        },
      }),
      hint ? h('span', { class: 'hint' }, hint) : null,
    );
  const check = (id: string, label: string, on: boolean, set: (x: boolean) => void) =>
    h('label', null, h('input', { id, type: 'checkbox', checked: on, onchange: (e: Event) => set((e.target as HTMLInputElement).checked) }), ` ${label}`);
  const kind = h(
    'fieldset',
    { class: 'checks' },
    h('legend', null, t('robustness.kind')),
    (['ua', 'sa'] as const).map((k) =>
      h(
        'label',
        null,
        h('input', {
          type: 'radio',
          name: 'rb-type',
          id: `rb-type-${k}`,
          value: k,
          checked: f.type === k,
          onchange: () => {
            f.type = k;
            f.n = k === 'sa' ? 250 : 1000;
            redraw();
          },
        }),
        ` ${t(k === 'ua' ? 'robustness.kind_ua' : 'robustness.kind_sa')}`,
      ),
    ),
  );
  return h(
    'form',
    {
      class: 'rb-form panel-like',
      id: 'rb-form',
      // The engine's messages say what is wrong and why (N below 3, noise outside [0, 1)…),
      // not the browser's generic ones.
      novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        void run(st);
      },
    },
    h('h2', { id: 'h-rb-settings' }, t('robustness.settings')),
    kind,
    h(
      'div',
      { class: 'filters' },
      number('rb-n', f.type === 'sa' ? t('robustness.n_sa') : t('robustness.n_ua'), f.n, { min: 3, max: 100000, step: 1 }, (x) => (f.n = Math.round(x)), f.type === 'sa' ? t('robustness.n_sa_hint') : undefined),
      number('rb-seed', t('robustness.seed'), f.seed, { min: 0, step: 1 }, (x) => (f.seed = Math.max(0, Math.round(x)))),
      number('rb-top', t('robustness.top_n'), f.topN, { min: 1, step: 1 }, (x) => (f.topN = Math.round(x))),
      f.type === 'sa' ? number('rb-nboot', t('robustness.nboot'), f.nboot, { min: 0, step: 1 }, (x) => (f.nboot = Math.round(x))) : null,
    ),
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', null, t('robustness.weights')),
      number('rb-noise', t('robustness.noise'), f.noise, { min: 0, max: 99, step: 1 }, (x) => (f.noise = x)),
      check('rb-lv-vertical', t('robustness.level_vertical'), f.levels.vertical, (x) => (f.levels.vertical = x)),
      lv.sector !== null ? check('rb-lv-sector', t('robustness.level_sector'), f.levels.sector, (x) => (f.levels.sector = x)) : null,
    ),
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', null, t('robustness.missing')),
      check('rb-m-reweight', t('robustness.missing_reweight'), f.missing.reweight, (x) => (f.missing.reweight = x)),
      check('rb-m-mean', t('robustness.missing_mean'), f.missing.mean, (x) => (f.missing.mean = x)),
      check('rb-m-worst', t('robustness.missing_worst'), f.missing.worst, (x) => (f.missing.worst = x)),
    ),
    h('fieldset', { class: 'checks' }, h('legend', null, t('robustness.normalise')), check('rb-norm', t('robustness.normalise_both'), f.normalise, (x) => (f.normalise = x))),
    f.type === 'sa' || f.design
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: 'rb-unit' }, t('robustness.unit')),
          h('input', {
            id: 'rb-unit',
            type: 'text',
            value: f.unit,
            autocomplete: 'off',
            onchange: (e: Event) => (f.unit = (e.target as HTMLInputElement).value),
          }),
          h('span', { class: 'hint' }, t('robustness.unit_hint')),
        )
      : null,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'rb-design' }, t('robustness.design')),
      h('input', {
        id: 'rb-design',
        type: 'file',
        accept: '.csv,text/csv',
        'data-testid': 'rb-design',
        'aria-describedby': 'rb-design-hint',
        onchange: async (e: Event) => {
          const input = e.target as HTMLInputElement;
          const file = input.files?.[0];
          if (!file) return;
          f.design = { name: file.name, text: await file.text() };
          redraw();
        },
      }),
      h('span', { class: 'hint', id: 'rb-design-hint', 'data-testid': 'rb-design-note' }, f.design ? t('robustness.design_loaded', { name: f.design.name }) : designHint()),
      f.design
        ? h(
            'button',
            {
              type: 'button',
              class: 'button small',
              id: 'rb-design-clear',
              disabled: running,
              onclick: () => {
                f.design = null;
                redraw();
              },
            },
            t('robustness.design_clear'),
          )
        : null,
    ),
    h(
      'p',
      { class: 'button-row' },
      h('button', { type: 'submit', class: 'button primary', id: 'rb-run', disabled: running || !st.results }, t('robustness.run')),
      running ? h('button', { type: 'button', class: 'button', id: 'rb-cancel', onclick: () => view.runner?.cancel() }, t('robustness.cancel')) : null,
      h(
        'button',
        {
          type: 'button',
          class: 'button small linklike',
          disabled: running,
          onclick: () => {
            view.form = structuredClone(DEFAULT_FORM);
            redraw();
          },
        },
        t('robustness.defaults'),
      ),
    ),
    view.progress
      ? h(
          'div',
          { id: 'rb-progress', class: 'rb-progress', role: 'status', 'aria-live': 'polite' },
          h('progress', { max: 1 }),
          h('span', { class: 'rb-count' }, t('robustness.preparing')),
        )
      : null,
  );
}

// ---------------------------------------------------------------- results

function unitFilter(st: AppState, r: RunResult): HTMLElement {
  const units = st.results?.units ?? [];
  const f = view.filter;
  const distinct = (key: 'tier' | 'state' | 'zone') => [...new Set(units.map((u) => u[key]).filter((x): x is string => !!x))].sort((a, b) => a.localeCompare(b));
  const select = (key: 'tier' | 'state' | 'zone', label: string) => {
    const values = distinct(key);
    if (!values.length) return null;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: `rb-f-${key}` }, label),
      h(
        'select',
        {
          id: `rb-f-${key}`,
          onchange: (e: Event) => {
            f[key] = (e.target as HTMLSelectElement).value;
            f.page = 0;
            redraw();
          },
        },
        h('option', { value: '' }, t('robustness.filter_all')),
        values.map((v) => h('option', { value: v, selected: f[key] === v }, v)),
      ),
    );
  };
  const n = r.summary.plan.top_n;
  return h(
    'div',
    { class: 'filters' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'rb-show' }, t('robustness.show')),
      h(
        'select',
        {
          id: 'rb-show',
          onchange: (e: Event) => {
            f.show = (e.target as HTMLSelectElement).value as Show;
            f.page = 0;
            redraw();
          },
        },
        h('option', { value: 'top', selected: f.show === 'top' }, t('robustness.show_top', { n })),
        h('option', { value: 'bottom', selected: f.show === 'bottom' }, t('robustness.show_bottom', { n })),
        h('option', { value: 'all', selected: f.show === 'all' }, t('robustness.show_all')),
      ),
    ),
    select('tier', t('robustness.filter_tier')),
    select('state', t('robustness.filter_state')),
    select('zone', t('robustness.filter_zone')),
  );
}

const PAGE = 50;

function intervalsSection(st: AppState, r: RunResult): HTMLElement {
  const s = r.summary;
  const f = view.filter;
  const byId = new Map((st.results?.units ?? []).map((u) => [u.id, u]));
  let order = s.ids
    .map((_, i) => i)
    .filter((i) => s.nominal_rank[i] !== null)
    .filter((i) => {
      const u = byId.get(s.ids[i]);
      return (!f.tier || u?.tier === f.tier) && (!f.state || u?.state === f.state) && (!f.zone || u?.zone === f.zone);
    })
    .sort((a, b) => (s.nominal_rank[a] as number) - (s.nominal_rank[b] as number));
  const total = order.length;
  const n = s.plan.top_n;
  let pager: HTMLElement | null = null;
  if (f.show === 'top') order = order.slice(0, n);
  else if (f.show === 'bottom') order = order.slice(Math.max(0, order.length - n));
  else {
    const pages = Math.max(1, Math.ceil(order.length / PAGE));
    f.page = Math.min(f.page, pages - 1);
    order = order.slice(f.page * PAGE, (f.page + 1) * PAGE);
    const go = (d: number) => () => {
      f.page += d;
      redraw();
    };
    pager = h(
      'p',
      { class: 'pager' },
      h('button', { type: 'button', class: 'button small', disabled: f.page === 0, onclick: go(-1) }, t('robustness.prev')),
      ` ${t('robustness.page', { page: f.page + 1, pages })} `,
      h('button', { type: 'button', class: 'button small', disabled: f.page >= pages - 1, onclick: go(1) }, t('robustness.next')),
    );
  }
  const rows: RankInterval[] = order.map((i) => {
    const u = byId.get(s.ids[i]);
    const name = u?.name || s.ids[i];
    return {
      label: `${fmtInt(s.nominal_rank[i])}. ${name}`,
      nominal: s.nominal_rank[i],
      median: s.rank_median[i],
      q5: s.rank_q5[i],
      q95: s.rank_q95[i],
      note: t('robustness.row_note', { name, rank: fmtInt(s.nominal_rank[i]), median: fmt(s.rank_median[i], 1), lo: fmt(s.rank_q5[i], 1), hi: fmt(s.rank_q95[i], 1), top: pct(s.p_top[i]), bottom: pct(s.p_bottom[i]), n }),
    };
  });
  const title = t('robustness.chart_title', { reps: fmtInt(s.plan.stats_reps) });
  // The same numbers as a table (the chart's text alternative, and what a phone reads best).
  const table = h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('robustness.table_label') },
    h(
      'table',
      { class: 'data rb-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', class: 'num' }, t('robustness.col_rank')),
          h('th', { scope: 'col' }, t('robustness.col_city')),
          h('th', { scope: 'col', class: 'num' }, t('robustness.col_interval')),
          h('th', { scope: 'col', class: 'num' }, t('robustness.col_median')),
          h('th', { scope: 'col', class: 'num' }, t('robustness.col_top', { n })),
          h('th', { scope: 'col', class: 'num' }, t('robustness.col_bottom', { n })),
        ),
      ),
      h(
        'tbody',
        null,
        order.map((i) =>
          h(
            'tr',
            { 'data-unit': s.ids[i] },
            h('td', { class: 'num' }, fmtInt(s.nominal_rank[i])),
            h('th', { scope: 'row' }, h('a', { href: `#/city/${encodeURIComponent(s.ids[i])}` }, byId.get(s.ids[i])?.name || s.ids[i])),
            h('td', { class: 'num' }, `${fmtInt(s.rank_q5[i])}–${fmtInt(s.rank_q95[i])}`),
            h('td', { class: 'num' }, fmt(s.rank_median[i], 1)),
            h('td', { class: 'num' }, pct(s.p_top[i])),
            h('td', { class: 'num' }, pct(s.p_bottom[i])),
          ),
        ),
      ),
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': 'h-rb-intervals' },
    h('h2', { id: 'h-rb-intervals' }, t('robustness.intervals')),
    h('p', null, t('robustness.intervals_intro', { reps: fmtInt(s.plan.stats_reps), n })),
    unitFilter(st, r),
    h('p', { class: 'hint' }, t('robustness.shown', { shown: fmtInt(order.length), total: fmtInt(total) })),
    rows.length
      ? rankIntervals(rows, title, { axis: t('robustness.axis_rank'), nominal: t('robustness.legend_nominal'), median: t('robustness.legend_median'), interval: t('robustness.legend_interval') })
      : h('p', null, t('robustness.none_shown')),
    pager,
    rows.length ? table : null,
  );
}

/// The input's name in words (the engine's names: `Weights`, `Weights level 3`, `Missing`, …).
function inputName(name: string, st: AppState): string {
  const lv = levels(st);
  switch (name) {
    case 'Weights':
      return t('robustness.input_weights');
    case `Weights level ${lv.vertical}`:
      return t('robustness.input_weights_vertical');
    case `Weights level ${lv.sector}`:
      return t('robustness.input_weights_sector');
    case 'Missing':
      return t('robustness.input_missing');
    case 'Normalisation':
      return t('robustness.input_normalise');
    case 'Aggregation':
      return t('robustness.input_aggregate');
    case 'Imputation':
      return t('robustness.input_impute');
    default:
      return name;
  }
}

function sensitivitySection(st: AppState, s: RobustnessSummary, spec: RobustnessSpec): HTMLElement | null {
  const sens = s.sensitivity;
  if (!sens) return null;
  const ranked = [...sens].filter((x) => x.sti !== null).sort((a, b) => (b.sti ?? 0) - (a.sti ?? 0));
  const top = ranked[0];
  // One city's rank as the output (`--unit`), or the mean rank change over all cities.
  const city = spec.unit ? (st.results?.units.find((u) => u.id === spec.unit)?.name ?? spec.unit) : null;
  const sentence = !top
    ? t('robustness.sa_undefined')
    : city
      ? t('robustness.sa_sentence_unit', { input: inputName(top.input, st), city, sti: fmt(top.sti, 2), si: fmt(top.si, 2) })
      : t('robustness.sa_sentence', { input: inputName(top.input, st), sti: fmt(top.sti, 2), si: fmt(top.si, 2) });
  // Indices are shares of a variance (0 to 1); estimates outside that are sampling error.
  const noisy = sens.some((x) => (x.si !== null && (x.si < -0.05 || x.si > 1.05)) || (x.sti !== null && x.sti > 1.05));
  const items = sens.map((x) => ({
    label: inputName(x.input, st),
    values: [
      { value: x.si, lo: x.boot?.[0] ?? null, hi: x.boot?.[1] ?? null },
      { value: x.sti, lo: x.boot?.[2] ?? null, hi: x.boot?.[3] ?? null },
    ],
  }));
  return h(
    'section',
    { 'aria-labelledby': 'h-rb-sa' },
    h('h2', { id: 'h-rb-sa' }, t('robustness.sa')),
    h('p', { class: 'lead', 'data-testid': 'sa-sentence' }, sentence),
    noisy ? h('p', { class: 'banner warning', role: 'note', 'data-testid': 'sa-noisy' }, t('robustness.sa_noisy', { n: fmtInt(s.plan.n) })) : null,
    intervalBars(items, [t('robustness.si'), t('robustness.sti')], t('robustness.sa_title'), city ? t('robustness.sa_axis_unit', { city }) : t('robustness.sa_axis')),
    h('p', { class: 'hint' }, city ? t('robustness.sa_hint_unit', { city }) : t('robustness.sa_hint')),
  );
}

function resultsSection(st: AppState, r: RunResult): HTMLElement {
  const s = r.summary;
  const failed = s.failures.length;
  const reasons = [...new Set(s.failures.map((f) => engineText(f.message)))];
  return h(
    'div',
    { class: 'rb-results', 'data-testid': 'rb-results' },
    h(
      'p',
      { class: 'banner', 'data-testid': 'rb-summary' },
      t(s.plan.kind === 'sa' ? 'robustness.done_sa' : 'robustness.done_ua', {
        reps: fmtInt(s.plan.reps),
        units: fmtInt(s.ranked),
        seed: s.plan.seed,
        secs: fmt(r.ms / 1000, 2),
        workers: r.workers,
      }),
    ),
    failed
      ? h('p', { class: 'banner warning', role: 'note' }, t('robustness.failed', { failed: fmtInt(failed), reps: fmtInt(s.plan.reps) }), h('ul', null, reasons.slice(0, 5).map((m) => h('li', null, m))))
      : null,
    sensitivitySection(st, s, r.spec),
    intervalsSection(st, r),
    h(
      'section',
      { 'aria-labelledby': 'h-rb-export' },
      h('h2', { id: 'h-rb-export' }, t('robustness.exports')),
      h('p', { class: 'hint' }, withCommand(t('robustness.exports_hint', { cmd: '{cmd}' }), 'nagar robustness')),
      h(
        'p',
        { class: 'button-row' },
        ['design.csv', 'rankstats.csv', 'ranks.csv', 'scores.csv', ...(s.sensitivity ? ['sensitivity.csv'] : [])].map((name) =>
          h('button', { type: 'button', class: 'button small', 'data-export': name, onclick: () => void exportCsv(st, name) }, name),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- audit

interface Audit {
  elements: { id: string; name: string; level: number; parent: string | null; indicator: boolean }[];
  stats_raw: { id: string; min: number | null; max: number | null; mean: number | null; std: number | null; skew: number | null; kurt: number | null; frc_avail: number | null; flag_avail: string | null; flag_nonzero: string | null; flag_unique: string | null; flag_skew_kurt: string | null }[];
  corr_children: { element: string; with: string; level: number; aggregate: string; r: number | null }[];
  coherence: { aggregate: string; level: number; children: string[]; alpha: number | null; alpha_note: string; n_complete: number; pc1_variance_share: number | null; pca_note: string }[];
  removal: { element: string; level: number; mean_abs_rank_change: number | null; max_abs_rank_change: number | null; n: number; note: string }[];
  shares: { aggregate: string; child: string; level: number; weight_share: number | null; r: number | null; r2_share: number | null }[];
  flags: AuditFlag[];
  levels: number[];
}

interface AuditFlag {
  element: string;
  level: number;
  kind: string;
  /// The number behind the flag (r, alpha, skewness or a share of units); null when none.
  value: number | null;
  message: string;
}

/// A flag in the page's words, from its kind and number (the CLI's flags.csv has the engine's
/// sentence, with the thresholds).
const FLAG: Record<string, Key> = {
  negative_with_parent: 'robustness.flag.negative_with_parent',
  redundant: 'robustness.flag.redundant',
  low_alpha: 'robustness.flag.low_alpha',
  outliers: 'robustness.flag.outliers',
  low_availability: 'robustness.flag.low_availability',
  mostly_zero: 'robustness.flag.mostly_zero',
  few_unique: 'robustness.flag.few_unique',
  undefined: 'robustness.flag.undefined',
};

function flagText(f: AuditFlag): string {
  const key = FLAG[f.kind] ?? 'robustness.flag.undefined';
  const v = f.value;
  const value = v === null || !Number.isFinite(v) ? '–' : ['low_availability', 'mostly_zero', 'few_unique'].includes(f.kind) ? pct(v) : fmt(v, 2);
  return t(key, { value });
}

/// A text with a command shown as code in it (`{cmd}` in the catalogue).
function withCommand(text: string, cmd: string): (string | HTMLElement)[] {
  const [before, after = ''] = text.split('{cmd}');
  return [before, h('code', null, cmd), after];
}

async function runAudit(st: AppState): Promise<void> {
  view.auditError = null;
  try {
    view.audit = await st.engine.call<Audit>({ op: 'audit' });
    view.auditFor = st.results;
  } catch (e) {
    view.auditError = e instanceof Error ? e.message : String(e);
  }
  redraw();
}

function scroll(label: string, table: HTMLElement): HTMLElement {
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label }, table);
}

function auditSection(st: AppState): HTMLElement {
  if (view.audit && view.auditFor !== st.results) view.audit = null;
  const a = view.audit;
  const head = [
    h('h2', { id: 'h-rb-audit' }, t('robustness.audit')),
    h('p', null, t('robustness.audit_intro')),
  ];
  if (!a)
    return h(
      'section',
      { 'aria-labelledby': 'h-rb-audit' },
      ...head,
      view.auditError ? h('p', { class: 'status error' }, engineText(view.auditError)) : null,
      h('p', null, h('button', { type: 'button', class: 'button', id: 'rb-audit', disabled: !st.results, onclick: () => void runAudit(st) }, t('robustness.audit_run'))),
    );
  const name = new Map(a.elements.map((e) => [e.id, e.name || e.id]));
  // An element's name in the page's language (the framework's names are data).
  const nm = (id: string) => nameIn(name.get(id) ?? id);
  const top = Math.max(...a.elements.map((e) => e.level));
  const index = a.elements.find((e) => e.level === top)?.id ?? '';
  // The heatmap: the children of the index (verticals), with one another.
  const kids = a.elements.filter((e) => e.parent === index).map((e) => e.id);
  const r = (x: string, y: string) => (x === y ? 1 : (a.corr_children.find((c) => c.aggregate === index && ((c.element === x && c.with === y) || (c.element === y && c.with === x)))?.r ?? null));
  const matrix = kids.map((x) => kids.map((y) => r(x, y)));
  const th = (text: string, num = false) => h('th', { scope: 'col', class: num ? 'num' : '' }, text);
  const coherence = h(
    'table',
    { class: 'data' },
    h('thead', null, h('tr', null, th(t('robustness.audit_aggregate')), th(t('robustness.audit_children'), true), th(t('robustness.audit_alpha'), true), th(t('robustness.audit_pc1'), true))),
    h(
      'tbody',
      null,
      a.coherence
        .filter((c) => c.level > 1 || a.coherence.length < 40)
        .map((c) =>
          h(
            'tr',
            { class: c.alpha !== null && c.alpha < 0.7 ? 'flagged' : '' },
            h('th', { scope: 'row' }, nm(c.aggregate)),
            h('td', { class: 'num' }, String(c.children.length)),
            h('td', { class: 'num', title: c.alpha_note || null }, c.alpha === null ? '–' : fmt(c.alpha, 2)),
            h('td', { class: 'num', title: c.pca_note || null }, pct(c.pc1_variance_share)),
          ),
        ),
    ),
  );
  const removal = h(
    'table',
    { class: 'data' },
    h('thead', null, h('tr', null, th(t('robustness.audit_element')), th(t('robustness.audit_mean_change'), true), th(t('robustness.audit_max_change'), true))),
    h(
      'tbody',
      null,
      [...a.removal]
        .filter((x) => x.level === top - 1 || x.level === top - 2)
        .sort((x, y) => (y.mean_abs_rank_change ?? 0) - (x.mean_abs_rank_change ?? 0))
        .map((x) => h('tr', null, h('th', { scope: 'row' }, nm(x.element)), h('td', { class: 'num' }, fmt(x.mean_abs_rank_change, 1)), h('td', { class: 'num' }, fmtInt(x.max_abs_rank_change)))),
    ),
  );
  const shares = h(
    'table',
    { class: 'data' },
    h('thead', null, h('tr', null, th(t('robustness.audit_element')), th(t('robustness.audit_parent')), th(t('robustness.audit_weight_share'), true), th(t('robustness.audit_r2_share'), true), th(t('robustness.audit_r'), true))),
    h(
      'tbody',
      null,
      a.shares
        .filter((x) => x.level >= top - 2)
        .map((x) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, nm(x.child)),
            h('td', null, nm(x.aggregate)),
            h('td', { class: 'num' }, pct(x.weight_share)),
            h('td', { class: 'num' }, pct(x.r2_share)),
            h('td', { class: 'num' }, fmt(x.r, 2)),
          ),
        ),
    ),
  );
  const flagged = a.stats_raw.filter((x) => x.flag_avail || x.flag_nonzero || x.flag_unique || x.flag_skew_kurt);
  const stats = h(
    'table',
    { class: 'data' },
    h('thead', null, h('tr', null, th(t('robustness.audit_indicator')), th(t('robustness.audit_mean'), true), th(t('robustness.audit_sd'), true), th(t('robustness.audit_skew'), true), th(t('robustness.audit_kurt'), true), th(t('robustness.audit_avail'), true), th(t('robustness.audit_flags')))),
    h(
      'tbody',
      null,
      a.stats_raw.map((x) =>
        h(
          'tr',
          { class: flagged.includes(x) ? 'flagged' : '' },
          h('th', { scope: 'row' }, nm(x.id)),
          h('td', { class: 'num' }, fmt(x.mean, 2)),
          h('td', { class: 'num' }, fmt(x.std, 2)),
          h('td', { class: 'num' }, fmt(x.skew, 2)),
          h('td', { class: 'num' }, fmt(x.kurt, 2)),
          h('td', { class: 'num' }, pct(x.frc_avail)),
          // COINr's flag columns (ok / LOW / OUT) in the page's words: only what is flagged.
          h('td', null, [x.flag_avail === 'LOW' ? t('robustness.stat.low_availability') : null, x.flag_nonzero === 'LOW' ? t('robustness.stat.mostly_zero') : null, x.flag_unique === 'LOW' ? t('robustness.stat.few_unique') : null, x.flag_skew_kurt === 'OUT' ? t('robustness.stat.outliers') : null].filter(Boolean).join(', ') || '–'),
        ),
      ),
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': 'h-rb-audit', 'data-testid': 'rb-audit' },
    ...head,
    h('h3', null, t('robustness.audit_flags_title', { n: fmtInt(a.flags.length) })),
    a.flags.length ? h('ul', { class: 'rb-flags' }, a.flags.slice(0, 30).map((f) => h('li', { 'data-kind': f.kind }, h('strong', null, nm(f.element)), ': ', flagText(f)))) : h('p', null, t('robustness.audit_no_flags')),
    a.flags.length > 30 ? h('p', { class: 'hint' }, withCommand(t('robustness.audit_more_flags', { n: fmtInt(a.flags.length - 30), cmd: '{cmd}' }), 'nagar audit')) : null,
    kids.length > 1 ? [h('h3', null, t('robustness.audit_heatmap')), heatmap(kids.map(nm), matrix, t('robustness.audit_heatmap'))] : null,
    h('h3', null, t('robustness.audit_coherence')),
    h('p', { class: 'hint' }, t('robustness.audit_coherence_hint')),
    scroll(t('robustness.audit_coherence'), coherence),
    h('h3', null, t('robustness.audit_removal')),
    h('p', { class: 'hint' }, t('robustness.audit_removal_hint')),
    scroll(t('robustness.audit_removal'), removal),
    h('h3', null, t('robustness.audit_shares')),
    h('p', { class: 'hint' }, t('robustness.audit_shares_hint')),
    scroll(t('robustness.audit_shares'), shares),
    h('details', null, h('summary', null, t('robustness.audit_stats', { flagged: fmtInt(flagged.length), total: fmtInt(a.stats_raw.length) })), scroll(t('robustness.audit_stats_label'), stats)),
  );
}

/// The design file's hint, the command and the column names as code (ids), in the page's language.
function designHint(): (string | HTMLElement)[] {
  const code: Record<string, string> = { '\u0001': 'nagar robustness', '\u0002': 'rep, block, normalise, aggregate, missing, weight:<id> …' };
  return t('robustness.design_hint', { command: '\u0001', columns: '\u0002' })
    .split(/([\u0001\u0002])/)
    .map((part) => (part in code ? h('code', null, code[part]) : part));
}

// ---------------------------------------------------------------- the view

export function robustnessView(st: AppState, render: () => void): HTMLElement {
  redraw = render;
  const r = currentRobustness(st);
  const k = workerCount(view.form.type === 'sa' ? view.form.n * 4 : view.form.n);
  // Workers made and given the data while the person reads the form (once per scoring run): the
  // click then only runs the replications.
  if (st.results && view.primedFor !== st.results) {
    view.primedFor = st.results;
    void (view.runner ??= new RobustnessRunner(st.engine)).prime(k, specOf(st, view.form));
  }
  const el = h(
    'article',
    { class: 'robustness', 'data-testid': 'robustness' },
    h('h1', null, t('robustness.title')),
    h('p', { class: 'lead' }, t('robustness.intro')),
    settingsForm(st),
    // The engine's own message (it names the setting and the reason) after the page's words, in
    // the page's language through the catalogue's engine.* entries.
    view.error ? h('p', { class: 'status error', role: 'alert', 'data-testid': 'rb-error' }, t('robustness.error', { message: engineText(view.error) })) : null,
    view.note ? h('p', { class: 'status info', role: 'status', 'data-testid': 'rb-note' }, view.note) : null,
    r ? resultsSection(st, r) : h('p', { class: 'hint' }, t('robustness.not_run')),
    auditSection(st),
  );
  if (view.progress) queueMicrotask(drawProgress);
  return el;
}
