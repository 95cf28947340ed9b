// The page: wires the sidebar (data, settings, export) to the engine worker and draws the views.
import './styles.css';
import { $, clear, fmtDate, h } from './dom';
import { LANGS, engineText, initialLang, lang, need, nm, setLang, t, tn, type Key, type Lang } from './i18n';
import { BUILD_DATE } from './build-info';
import { Engine } from './engine';
import type { DataInfo, FrameworkDoc, FrameworkInfo, Loaded, Profile, Ready, Results } from './protocol';
import { newState, type Actions } from './state';
import { resultsView } from './ui/results';
import { compareView, issuesCsv, validationView } from './ui/other';

const engine = new Engine();
const st = newState(engine);
let doc: FrameworkDoc | null = null;

declare global {
  interface Window {
    /// Timings of the last data load, read by the benchmark: from the drop (or click) to the
    /// rendered table, and the part spent in the engine.
    /// The stages: `readMs` the worker's file read, `replyMs` from the drop to the results
    /// unpacked in the page (the read, the engine and the messages between), `viewMs` the page's
    /// own work after that (state, settings, the results view's DOM); the rest of `totalMs` is
    /// the browser's work up to the frame.
    nagarTimings?: { totalMs: number; engineMs: number; units: number; readMs: number; replyMs: number; viewMs: number };
    nagarWhatIf?: { totalMs: number; engineMs: number };
  }
}

// ---------------------------------------------------------------- status and progress

/// The status line: its text is made again when the language changes.
let lastStatus: { text: () => string; kind: string } = { text: () => '', kind: 'info' };
function status(message: () => string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const el = $('#status');
  lastStatus = { text: message, kind };
  el.className = `status ${kind}`;
  el.textContent = message();
}

/// A phase of the engine's work as the worker names it, in the page's language.
const PHASES: Record<string, Key> = {
  Reading: 'progress.reading',
  Scoring: 'progress.scoring',
  'Reading the workbook': 'progress.workbook',
  'Loading the analyses': 'progress.analyses',
  'Loading spreadsheet support': 'progress.spreadsheet',
};
function phase(p: string): string {
  return p in PHASES ? t(PHASES[p]) : engineText(p);
}

engine.onProgress = (p) => {
  const box = $('#progress');
  if (!p) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('#progress-label').textContent = p.total > 0 ? t('progress.percent', { phase: phase(p.phase), pct: Math.round((p.loaded / p.total) * 100) }) : t('progress.busy', { phase: phase(p.phase) });
  const bar = $('#progress-bar') as HTMLProgressElement;
  if (p.total > 0) bar.value = p.loaded / p.total;
  else bar.removeAttribute('value');
};

engine.onRestart = () => {
  st.data = null;
  st.results = null;
  status(() => t('status.restarted'), 'error');
  void init();
};

function failed(what: () => string, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  status(() => t('status.failed', { what: what(), message: engineText(msg) }), 'error');
}

// ---------------------------------------------------------------- downloads

function download(bytes: Uint8Array | string, name: string, type: string): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function stem(): string {
  const f = st.data?.file ?? 'data';
  return f.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'data';
}

const MIME = {
  csv: 'text/csv;charset=utf-8',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

async function exportAs(format: 'csv' | 'json' | 'xlsx'): Promise<void> {
  try {
    const bytes = await engine.call<Uint8Array>({ op: 'export', format, lang: lang() });
    download(bytes, `nagar-scores-${stem()}${lang() === 'en' ? '' : `-${lang()}`}.${format}`, MIME[format]);
    status(() => t('status.exported', { format: format.toUpperCase() }), 'ok');
  } catch (e) {
    failed(() => t('status.export_failed'), e);
  }
}

async function template(format: 'csv' | 'xlsx'): Promise<void> {
  try {
    const bytes = await engine.call<Uint8Array>({ op: 'template', format, lang: lang() });
    download(bytes, `nagar-template-${st.framework?.id ?? 'framework'}${lang() === 'en' || format === 'csv' ? '' : `-${lang()}`}.${format}`, MIME[format]);
  } catch (e) {
    failed(() => t('status.template_failed'), e);
  }
}

// ---------------------------------------------------------------- settings panel

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  return h('option', { value, selected }, label);
}

/// The settings panel drawn from the framework and the options in force. It is drawn again after
/// every data load, language switch and framework change, so only what differs is touched: a
/// control whose options, value or text are already those is left alone (a rebuilt panel made the
/// browser style and lay out the page again, which was half the time from the demo button to its
/// table: docs/BENCHMARKS.md, "Where the page's time goes").
function fillSettings(): void {
  const fw = st.framework;
  if (!fw) return;
  const o = { ...fw.defaults, ...st.options };
  const fsel = $('#framework') as HTMLSelectElement;
  setOptions(fsel, [
    ...st.frameworks.map((f) => option(f.id, t('settings.builtin', { name: nm(f.name) }), st.builtin === f.id)),
    ...(st.builtin ? [] : [option('', t('settings.uploaded', { name: nm(fw.name) }), true)]),
  ]);
  const builtin = /^built-in (.+)$/.exec(fw.source);
  setText($('#framework-source'), `${tn('n.indicator', fw.indicators)} · ${builtin ? t('settings.source_builtin', { id: builtin[1] }) : fw.source}`);
  setOptions($('#tiers') as HTMLSelectElement, [...fw.tier_schemes.map((s) => option(s.id, nm(s.name), o.tiers === s.id)), option('', t('settings.no_tiers'), !o.tiers)]);
  const cols = (st.data?.columns ?? []).map((c) => c.trim().toLowerCase());
  const groups: [string, string][] = [['all', t('settings.group.all')]];
  if (fw.tier_schemes.length) groups.push(['tier', t('settings.group.tier')]);
  if (cols.includes('state')) groups.push(['state', t('settings.group.state')]);
  if (cols.includes('zone')) groups.push(['zone', t('settings.group.zone')]);
  if (o.group && !groups.some(([v]) => v === o.group)) groups.push([o.group, t('settings.group.column', { column: o.group })]);
  setOptions($('#group') as HTMLSelectElement, groups.map(([v, l]) => option(v, l, o.group === v)));
  setValue($('#missing') as HTMLSelectElement, o.missing ?? 'reweight');
  setValue($('#min-group') as HTMLInputElement, String(o.min_group_size ?? 5));
  for (const [id, value] of [
    ['#normalise', o.normalise],
    ['#aggregate', o.aggregate],
    ['#impute', o.impute],
    ['#treat', o.treat],
  ] as const) {
    const sel = $(id) as HTMLSelectElement;
    // A framework's own method that the list lacks (goalposts, minmax:1,10…) is offered as is.
    if (value && ![...sel.options].some((x) => x.value === value)) sel.append(option(value, t('settings.framework_method', { method: value }), true));
    setValue(sel, value ?? sel.options[0].value);
  }
  coverageMoved = false;
  const cov = Math.round((o.min_coverage ?? 0) * 100);
  setValue($('#min-coverage') as HTMLInputElement, String(cov));
  setText($('#min-coverage-out'), `${cov}%`);
  const weights = $('#weights');
  const total = fw.verticals.reduce((a, v) => a + v.weight, 0) || 1;
  // One scale for every slider, so their positions compare: 0 to three times the largest weight.
  const top = Math.max(...fw.verticals.map((v) => v.weight), 0.01);
  // The sliders are made again only for another framework or language; otherwise each is set
  // to its weight (its value and its `value` attribute, as a new one would have them).
  const drawn = JSON.stringify([fw.verticals.map((v) => [v.id, nm(v.name)]), top]);
  if (drawn !== weightsDrawn || weights.children.length !== fw.verticals.length) {
    weightsDrawn = drawn;
    clear(weights);
    for (const v of fw.verticals) {
      const w = st.options.weights?.[v.id] ?? v.weight;
      const id = `w-${v.id}`;
      const out = h('output', { for: id, class: 'share' });
      const input = h('input', {
        id,
        type: 'range',
        min: 0,
        max: top * 3,
        // Hundredths: the framework weights (0.30, 0.20, 0.15) sit exactly on the steps.
        step: 0.01,
        value: w,
        'data-vertical': v.id,
        'aria-describedby': `${id}-share`,
      }) as HTMLInputElement;
      out.id = `${id}-share`;
      weights.append(h('div', { class: 'weight' }, h('label', { for: id }, nm(v.name)), input, out));
    }
  } else {
    for (const v of fw.verticals) {
      const input = document.getElementById(`w-${v.id}`) as HTMLInputElement;
      const w = String(st.options.weights?.[v.id] ?? v.weight);
      if (input.getAttribute('value') !== w) input.setAttribute('value', w);
      setValue(input, w);
    }
  }
  showShares(total);
}

/// What the weight sliders were last made for (see `fillSettings`).
let weightsDrawn = '';

/// A select's options replaced by `opts` unless it already has the same ones (value, text, which
/// is the default) with the one `opts` would select selected.
function setOptions(sel: HTMLSelectElement, opts: HTMLOptionElement[]): void {
  const cur = sel.options;
  // Of new options, the last one marked selected is selected, else the first.
  const want = opts.reduce((a, o, i) => (o.defaultSelected ? i : a), 0);
  const same =
    cur.length === opts.length &&
    sel.selectedIndex === want &&
    opts.every((o, i) => cur[i].value === o.value && cur[i].textContent === o.textContent && cur[i].defaultSelected === o.defaultSelected);
  if (!same) sel.replaceChildren(...opts);
}

function setValue(el: HTMLInputElement | HTMLSelectElement, value: string): void {
  if (el.value !== value) el.value = value;
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function currentWeights(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of st.framework?.verticals ?? []) {
    const el = document.getElementById(`w-${v.id}`) as HTMLInputElement | null;
    if (el && Math.abs(Number(el.value) - v.weight) > 1e-9 * Math.max(1, v.weight)) out[v.id] = Number(el.value);
  }
  return out;
}

function showShares(_total?: number): void {
  const fw = st.framework;
  if (!fw) return;
  const vals = fw.verticals.map((v) => Number((document.getElementById(`w-${v.id}`) as HTMLInputElement | null)?.value ?? v.weight));
  const sum = vals.reduce((a, b) => a + b, 0);
  fw.verticals.forEach((v, i) => {
    const out = document.getElementById(`w-${v.id}-share`);
    if (out) setText(out, sum > 0 ? `${Math.round((vals[i] / sum) * 100)}%` : '–');
  });
}

/// The smallest ranked group as typed; a value that is not a whole number ≥ 1 keeps the one in force.
function minGroup(): number | undefined {
  const el = $('#min-group') as HTMLInputElement;
  const x = Number(el.value);
  const ok = el.value.trim() !== '' && Number.isInteger(x) && x >= 1;
  el.setAttribute('aria-invalid', String(!ok));
  return ok ? x : (st.options.min_group_size ?? st.framework?.defaults.min_group_size ?? undefined);
}

function method(sel: string, key: 'normalise' | 'aggregate' | 'impute' | 'treat'): string | undefined {
  const v = ($(sel) as HTMLSelectElement).value;
  return v === st.framework?.defaults[key] ? undefined : v;
}

/// Whether the person moved the coverage slider since the settings were last drawn.
let coverageMoved = false;

function readOptions(): void {
  const tiers = ($('#tiers') as HTMLSelectElement).value;
  let group = ($('#group') as HTMLSelectElement).value;
  if (group === 'tier' && !tiers) group = 'all';
  st.options = {
    tiers,
    group,
    missing: ($('#missing') as HTMLSelectElement).value,
    min_group_size: minGroup(),
    // The methods are sent only when they differ from the framework's, so its own parameters
    // (winsorising thresholds, goalposts) stay exactly as the framework file has them.
    normalise: method('#normalise', 'normalise'),
    aggregate: method('#aggregate', 'aggregate'),
    impute: method('#impute', 'impute'),
    treat: method('#treat', 'treat'),
    // The slider moves in whole percents; until it is moved, the value in force stays exactly
    // the framework's (or the last chosen), not the slider's rounding of it.
    min_coverage: coverageMoved ? Number(($('#min-coverage') as HTMLInputElement).value) / 100 : (st.options.min_coverage ?? st.framework?.defaults.min_coverage ?? 0),
    weights: currentWeights(),
  };
}

// Recompute as settings change; while one run is in flight, only the latest request follows it.
let inFlight = false;
let again = false;
async function recompute(): Promise<void> {
  readOptions();
  if (!st.data) return;
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  try {
    const t0 = performance.now();
    const results = await engine.call<Results>({ op: 'setOptions', options: st.options });
    setResults(results, null);
    const ms = Math.round(performance.now() - t0);
    status(() => t('status.recomputed', { ms }), 'ok');
  } catch (e) {
    failed(() => t('status.bad_settings'), e);
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      void recompute();
    }
  }
}

async function useFramework(id: string): Promise<void> {
  try {
    const fw = await engine.call<FrameworkInfo>({ op: 'useBuiltin', name: id });
    await frameworkChanged(fw, id);
  } catch (e) {
    failed(() => t('status.framework'), e);
  }
}

async function uploadFramework(file: File): Promise<void> {
  try {
    const fw = await engine.call<FrameworkInfo>({ op: 'loadFramework', file });
    await frameworkChanged(fw, null);
    status(() => t('status.framework_loaded', { name: nm(fw.name), file: file.name }), 'ok');
  } catch (e) {
    failed(() => t('status.framework_bad', { file: file.name }), e);
    fillSettings();
  }
}

async function frameworkChanged(fw: FrameworkInfo, builtin: string | null): Promise<void> {
  st.framework = fw;
  st.builtin = builtin;
  st.options = {};
  doc = null;
  fillSettings();
  if (st.data) {
    // The data stays loaded in the engine: score it with the new framework.
    await recompute();
  } else render();
}

// ---------------------------------------------------------------- data

/// The one line a phone shows about the loaded data (the panel itself folds away).
function dataSummary(): void {
  const box = $('#data-summary');
  if (st.data) {
    document.body.dataset.loaded = 'true';
    box.hidden = false;
    const n = st.results?.units.length;
    $('#data-summary-text').textContent = `${st.data.file}${n !== undefined ? ` · ${tn('n.city', n)}` : ''}`;
  } else {
    delete document.body.dataset.loaded;
    box.hidden = true;
  }
  $('#data-body').classList.remove('open');
  $('#data-toggle').setAttribute('aria-expanded', 'false');
}

function setResults(results: Results | null, error: string | null): void {
  st.results = results;
  st.scoreError = error;
  st.profiles.clear();
  st.compare = results ? st.compare.filter((id) => results.units.some((u) => u.id === id)) : [];
  for (const id of ['#export-csv', '#export-xlsx', '#export-json']) ($(id) as HTMLButtonElement).disabled = !results;
  dataSummary();
  render();
}

async function loaded(p: Promise<Loaded>, t0: number, file?: string): Promise<void> {
  st.busy = true;
  status(() => t('status.reading'));
  try {
    const r = await p;
    const tReply = performance.now();
    st.loadError = null;
    st.baseline = null;
    st.data = r.data;
    st.table = { ...st.table, search: '', tier: '', state: '', zone: '', page: 0 };
    st.issues.page = 0;
    fillSettings();
    setResults(r.results, r.error);
    if (!r.results) {
      const error = r.error ?? '';
      status(() => t('status.not_scored', { file: r.data.file, reason: engineText(error) }), 'error');
      go('#/validation');
    } else {
      const n = r.results.units.length;
      const errs = r.results.issue_counts.error;
      status(() => (errs ? t('status.scored_errors', { file: r.data.file, cities: tn('n.city', n), errors: tn('n.data_error', errs) }) : t('status.scored', { file: r.data.file, cities: tn('n.city', n) })), errs ? 'info' : 'ok');
      if (!location.hash.startsWith('#/results')) go('#/results');
    }
    // The table is in the DOM; the time is taken when the frame that paints it starts.
    const tView = performance.now();
    requestAnimationFrame(() => {
      const units = r.results?.units.length ?? 0;
      window.nagarTimings = { totalMs: performance.now() - t0, engineMs: r.engineMs, units, readMs: r.readMs ?? 0, replyMs: tReply - t0, viewMs: tView - tReply };
      document.body.dataset.rendered = String(Date.now());
    });
  } catch (e) {
    failed(() => t('status.cannot_read', { file: file ?? t('status.demo_data') }), e);
    // Nothing of the previous file stays on show as if it were this one's.
    st.loadError = { file: file ?? t('status.demo_data'), message: e instanceof Error ? e.message : String(e) };
    st.data = null;
    st.table = { ...st.table, search: '', tier: '', state: '', zone: '', page: 0 };
    setResults(null, null);
  } finally {
    st.busy = false;
  }
}

function loadFile(file: File, t0: number): void {
  void loaded(engine.call<Loaded>({ op: 'loadData', file }), t0, file.name);
}

// ---------------------------------------------------------------- views

function go(hash: string): void {
  if (location.hash === hash) render();
  else location.hash = hash;
}

const actions: Actions = {
  render,
  go,
  toggleCompare(id: string) {
    const i = st.compare.indexOf(id);
    if (i >= 0) st.compare.splice(i, 1);
    else if (st.compare.length < 4) st.compare.push(id);
    render();
  },
  async profile(id: string): Promise<Profile> {
    let p = st.profiles.get(id);
    if (!p) {
      p = await engine.call<Profile>({ op: 'profile', id });
      st.profiles.set(id, p);
    }
    return p;
  },
  download(text: string, name: string) {
    download(text, name, MIME.csv);
  },
  downloadIssues() {
    // In another language the page writes the file (the messages are translated here); in
    // English it is the engine's, as `nagar validate` reports them.
    if (lang() !== 'en') {
      allIssues(st.results)
        .then(() => download(issuesCsv(st.results?.issues ?? st.data?.issues ?? []), `nagar-issues-${stem()}-${lang()}.csv`, MIME.csv))
        .catch((e) => failed(() => t('status.download_failed'), e));
      return;
    }
    engine
      .call<Uint8Array>({ op: 'issuesCsv' })
      .then((b) => download(b, `nagar-issues-${stem()}.csv`, MIME.csv))
      .catch((e) => failed(() => t('status.download_failed'), e));
  },
};

function empty(): HTMLElement {
  return h(
    'div',
    { class: 'welcome' },
    h('h1', null, t('welcome.title')),
    h('p', { class: 'lead' }, t('welcome.lead')),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, t('welcome.step1')),
      h('li', null, t('welcome.step2')),
      h('li', null, t('welcome.step3')),
    ),
    h('p', null, t('welcome.no_file'), ' ', h('strong', null, t('data.demo')), ' ', t('welcome.demo_note')),
    h('p', { class: 'banner' }, h('strong', null, t('welcome.private')), ' ', t('welcome.private_text'), ' ', h('a', { href: '#/privacy' }, t('footer.how_to_check'))),
  );
}

/// A run's issues in full: one with many carries only their counts and its issues of no row
/// (`Results.issues_complete` false; www/src/protocol.ts, `issues`), the rest asked for the
/// first time they are shown. The reply of a later run (its number differs) is not put on it.
async function allIssues(r: Results | null): Promise<void> {
  if (!r || r.issues_complete) return;
  const reply = await engine.call<{ run: number; json: string }>({ op: 'issues' });
  if (reply.run === r.run && !r.issues_complete) {
    r.issues = JSON.parse(reply.json) as Results['issues'];
    r.issues_complete = true;
  }
}

let renderSeq = 0;
/// The tab last brought into sight, and in which language.
let tabShown = '';
function render(): void {
  const seq = ++renderSeq;
  const view = $('#view');
  const [, name = 'results', arg = ''] = /^#\/([a-z]+)\/?(.*)$/.exec(location.hash) ?? [];
  const tabs = $('.tabs');
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.tabs a')) {
    if (a.dataset.view === (name === 'city' ? 'results' : name)) {
      a.setAttribute('aria-current', 'page');
      // The current tab in sight in the scrolling row of tabs (a phone shows three or four), when
      // it becomes the current one or the language changes the tabs' widths: measuring forces a
      // layout of everything changed so far, which a new file's results need not wait for.
      const shown = `${a.dataset.view} ${lang()}`;
      if (shown !== tabShown) {
        tabShown = shown;
        if (a.offsetLeft < tabs.scrollLeft || a.offsetLeft + a.offsetWidth > tabs.scrollLeft + tabs.clientWidth) {
          tabs.scrollLeft = a.offsetLeft - (tabs.clientWidth - a.offsetWidth) / 2;
        }
      }
      document.title = `${name === 'city' ? t('title.city') : a.textContent} · nagar`;
    } else a.removeAttribute('aria-current');
  }
  // The results view comes back as the same element, changed in place (ui/results.ts): taken
  // out and put back, it would be styled and laid out anew.
  const show = (el: HTMLElement) => {
    if (seq === renderSeq && !(view.firstChild === el && view.childNodes.length === 1)) view.replaceChildren(el);
  };
  const needResults = () => (st.results ? null : st.data || st.loadError ? validationView(st, actions) : empty());
  switch (name) {
    case 'validation': {
      const r = st.results;
      if (r && !r.issues_complete) {
        allIssues(r).then(() => {
          if (st.results === r && r.issues_complete) show(validationView(st, actions));
        }, (e) => failed(() => t('nav.validation'), e));
        return;
      }
      return show(validationView(st, actions));
    }
    case 'method':
      // The view (its code and text) and the indicators' and input fields' names load when it
      // is first opened.
      Promise.all([doc ?? engine.call<FrameworkDoc>({ op: 'doc' }), import('./ui/docs'), need('docs', 'names')]).then(([d, m]) => ((doc = d), show(m.methodView(d, st))), (e) => failed(() => t('status.framework'), e));
      return;
    case 'privacy':
      Promise.all([import('./ui/docs'), need('docs')]).then(([m]) => show(m.privacyView()), (e) => failed(() => t('nav.privacy'), e));
      return;
    case 'about':
      Promise.all([import('./ui/docs'), need('docs')]).then(([m]) => show(m.aboutView(st)), (e) => failed(() => t('nav.about'), e));
      return;
    case 'compare': {
      const fallback = needResults();
      if (fallback) return show(fallback);
      Promise.all(st.compare.map((id) => actions.profile(id))).then((ps) => show(compareView(st, actions, ps)), (e) => failed(() => t('nav.compare'), e));
      return;
    }
    case 'city': {
      const fallback = needResults();
      if (fallback) return show(fallback);
      // The profile and its peers (their code and text) are loaded with the first city opened
      // (not before the first score).
      Promise.all([actions.profile(decodeURIComponent(arg)), import('./ui/profile'), import('./ui/peers'), need('city', 'preview', 'names')]).then(([p, profile, peers]) => {
        if (seq === renderSeq) document.title = `${p.unit.name || p.unit.id} · nagar`;
        const el = profile.profileView(st, actions, p);
        el.append(peers.peersPanel(st, p));
        show(el);
      }, (e) => failed(() => t('title.city'), e));
      return;
    }
    case 'sister': {
      const fallback = needResults();
      if (fallback) return show(fallback);
      // Loaded the first time it is opened, like the Robustness view.
      Promise.all([import('./ui/sister'), need('sister', 'names')]).then(([m]) => show(m.sisterView(st)), (e) => failed(() => t('nav.sister'), e));
      return;
    }
    case 'preview':
      Promise.all([import('./ui/preview'), need('preview', 'names')]).then(([m]) => show(m.previewView(st)), (e) => failed(() => t('nav.preview'), e));
      return;
    case 'robustness': {
      const fallback = needResults();
      if (fallback) return show(fallback);
      // Loaded the first time it is opened: it is not needed for the first score.
      Promise.all([import('./ui/robustness'), need('robustness', 'names')]).then(([m]) => show(m.robustnessView(st, render)), (e) => failed(() => t('robustness.tab'), e));
      return;
    }
    default: {
      const fallback = needResults();
      return show(fallback ?? resultsView(st, actions));
    }
  }
}

// ---------------------------------------------------------------- language

function versionText(): void {
  if (st.version) $('#version').textContent = t('footer.version', { version: st.version, date: fmtDate(BUILD_DATE) });
}

/// The page's own text (index.html): a `data-i18n` attribute names the key of an element's
/// text, `data-i18n-attr` (`attr:key;attr:key`) those of its attributes.
function applyStatic(): void {
  document.title = `nagar · ${t('app.title')}`;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as Key);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (el.dataset.i18nAttr ?? '').split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr, t(key as Key));
    }
  }
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch .lang')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang()));
}

/// Everything drawn again in the chosen language; the data, settings and view stay as they are.
async function switchLang(l: Lang, remember: boolean): Promise<void> {
  await setLang(l, remember);
  applyStatic();
  versionText();
  const el = $('#status');
  el.textContent = lastStatus.text();
  fillSettings();
  // fillSettings draws the sliders from the options in force: the person's weights stay.
  showShares();
  dataSummary();
  render();
}

// ---------------------------------------------------------------- wiring

function wire(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch .lang')) {
    b.addEventListener('click', () => {
      const l = LANGS.find((x) => x.id === b.dataset.lang)?.id;
      if (l && l !== lang()) void switchLang(l, true);
    });
  }
  const input = $('#data-file') as HTMLInputElement;
  input.addEventListener('change', () => {
    const t0 = performance.now();
    const f = input.files?.[0];
    if (f) loadFile(f, t0);
    input.value = '';
  });
  const zone = $('#dropzone');
  const over = (e: DragEvent) => {
    e.preventDefault();
    zone.classList.add('over');
  };
  window.addEventListener('dragover', over);
  window.addEventListener('dragleave', () => zone.classList.remove('over'));
  window.addEventListener('drop', (e) => {
    const t0 = performance.now();
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer?.files?.[0];
    if (f) loadFile(f, t0);
  });
  $('#demo-data').addEventListener('click', () => {
    const t0 = performance.now();
    void loaded(engine.call<Loaded>({ op: 'loadDemo' }), t0);
  });
  $('#demo-download').addEventListener('click', (e) => {
    e.preventDefault();
    engine
      .call<Uint8Array>({ op: 'demoCsv' })
      .then((b) => download(b, 'nagar-synthetic-demo-data.csv', MIME.csv))
      .catch((err) => failed(() => t('status.download_failed'), err));
  });
  $('#export-csv').addEventListener('click', () => void exportAs('csv'));
  $('#export-xlsx').addEventListener('click', () => void exportAs('xlsx'));
  $('#export-json').addEventListener('click', () => void exportAs('json'));
  $('#template-xlsx').addEventListener('click', () => void template('xlsx'));
  $('#template-csv').addEventListener('click', () => void template('csv'));
  $('#framework').addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    if (v) void useFramework(v);
  });
  const fwFile = $('#framework-file') as HTMLInputElement;
  fwFile.addEventListener('change', () => {
    const f = fwFile.files?.[0];
    if (f) void uploadFramework(f);
    fwFile.value = '';
  });
  for (const id of ['#tiers', '#group', '#missing', '#min-group', '#normalise', '#aggregate', '#impute', '#treat']) $(id).addEventListener('change', () => void recompute());
  $('#min-coverage').addEventListener('input', (e) => {
    coverageMoved = true;
    $('#min-coverage-out').textContent = `${(e.target as HTMLInputElement).value}%`;
    void recompute();
  });
  $('#weights').addEventListener('input', () => {
    showShares();
    void recompute();
  });
  $('#weights-reset').addEventListener('click', () => {
    st.options.weights = {};
    for (const v of st.framework?.verticals ?? []) {
      const el = document.getElementById(`w-${v.id}`) as HTMLInputElement | null;
      if (el) el.value = String(v.weight);
    }
    showShares();
    void recompute();
  });
  $('#settings').addEventListener('submit', (e) => e.preventDefault());
  // On a phone the settings come after the view: one tap takes you there.
  $('#to-settings').addEventListener('click', () => {
    $('#h-settings').scrollIntoView({ block: 'start' });
    ($('#framework') as HTMLSelectElement).focus({ preventScroll: true });
  });
  $('#data-toggle').addEventListener('click', () => {
    const open = $('#data-body').classList.toggle('open');
    $('#data-toggle').setAttribute('aria-expanded', String(open));
  });
  // Charts are drawn for the screen's width: draw the view again when it crosses a phone's.
  window.matchMedia('(max-width: 600px)').addEventListener('change', () => render());
  window.addEventListener('hashchange', () => {
    render();
    $('#main').focus({ preventScroll: true });
  });
}

const LOADING = (): string => t('status.loading');

async function init(): Promise<void> {
  document.body.dataset.engine = 'loading';
  if (!st.busy) status(LOADING);
  try {
    const ready = await engine.call<Ready>({ op: 'init' });
    document.body.dataset.engine = 'ready';
    if (lastStatus.text === LOADING) status(() => '');
    st.version = ready.version;
    st.frameworks = ready.frameworks;
    st.framework = ready.framework;
    st.builtin = ready.frameworks[0]?.id ?? null;
    versionText();
    fillSettings();
    document.body.dataset.ready = 'true';
    render();
  } catch (e) {
    failed(() => t('status.no_engine'), e);
  }
}

/// Offline support: the service worker stores the whole site (the lazily loaded modules too),
/// so it is registered only once the engine is ready and the page is idle: before the first
/// score only the page and the main module load.
function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  const go = () =>
    navigator.serviceWorker.register('./sw.js').catch(() => {
      /* offline support is a bonus; the page works without it */
    });
  if ('requestIdleCallback' in window) requestIdleCallback(() => void go(), { timeout: 5000 });
  else setTimeout(() => void go(), 1000);
}

wire();
applyStatic();
const startLang = initialLang();
if (startLang !== 'en') void switchLang(startLang, false);
render();
void init().then(registerServiceWorker);

export type { DataInfo };
