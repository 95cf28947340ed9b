// The page: wires the sidebar (data, settings, export) to the engine worker and draws the views.
import './styles.css';
import { $, clear, h, plural } from './dom';
import { Engine } from './engine';
import type { DataInfo, FrameworkDoc, FrameworkInfo, Loaded, Profile, Ready, Results } from './protocol';
import { newState, type Actions } from './state';
import { profileView } from './ui/profile';
import { resultsView } from './ui/results';
import { compareView, methodView, privacyView, validationView } from './ui/other';
import { sisterView } from './ui/sister';
import { peersPanel } from './ui/peers';
import { previewView } from './ui/preview';

const engine = new Engine();
const st = newState(engine);
let doc: FrameworkDoc | null = null;

declare global {
  interface Window {
    /// Timings of the last data load, read by the benchmark: from the drop (or click) to the
    /// rendered table, and the part spent in the engine.
    nagarTimings?: { totalMs: number; engineMs: number; units: number };
    nagarWhatIf?: { totalMs: number; engineMs: number };
  }
}

// ---------------------------------------------------------------- status and progress

function status(message: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const el = $('#status');
  el.className = `status ${kind}`;
  el.textContent = message;
}

engine.onProgress = (p) => {
  const box = $('#progress');
  if (!p) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('#progress-label').textContent = p.total > 0 ? `${p.phase}: ${Math.round((p.loaded / p.total) * 100)}%` : `${p.phase}…`;
  const bar = $('#progress-bar') as HTMLProgressElement;
  if (p.total > 0) bar.value = p.loaded / p.total;
  else bar.removeAttribute('value');
};

engine.onRestart = () => {
  st.data = null;
  st.results = null;
  status('The engine stopped on this file and has been restarted. Please check the file and try again.', 'error');
  void init();
};

function failed(what: string, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  status(`${what}: ${msg}`, 'error');
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
    const bytes = await engine.call<Uint8Array>({ op: 'export', format });
    download(bytes, `nagar-scores-${stem()}.${format}`, MIME[format]);
    status(`Exported ${format.toUpperCase()}.`, 'ok');
  } catch (e) {
    failed('Export failed', e);
  }
}

async function template(format: 'csv' | 'xlsx'): Promise<void> {
  try {
    const bytes = await engine.call<Uint8Array>({ op: 'template', format });
    download(bytes, `nagar-template-${st.framework?.id ?? 'framework'}.${format}`, MIME[format]);
  } catch (e) {
    failed('Template failed', e);
  }
}

// ---------------------------------------------------------------- settings panel

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  return h('option', { value, selected }, label);
}

function fillSettings(): void {
  const fw = st.framework;
  if (!fw) return;
  const o = { ...fw.defaults, ...st.options };
  const fsel = $('#framework') as HTMLSelectElement;
  fsel.replaceChildren(
    ...st.frameworks.map((f) => option(f.id, `${f.name} (built-in)`, st.builtin === f.id)),
    ...(st.builtin ? [] : [option('', `${fw.name} (uploaded)`, true)]),
  );
  $('#framework-source').textContent = `${fw.indicators} indicators · ${fw.source}`;
  ($('#tiers') as HTMLSelectElement).replaceChildren(
    ...fw.tier_schemes.map((t) => option(t.id, t.name, o.tiers === t.id)),
    option('', 'No tiers', !o.tiers),
  );
  const cols = (st.data?.columns ?? []).map((c) => c.trim().toLowerCase());
  const groups: [string, string][] = [['all', 'All cities in the file']];
  if (fw.tier_schemes.length) groups.push(['tier', 'Cities of the same population tier']);
  for (const c of ['state', 'zone']) if (cols.includes(c)) groups.push([c, `Cities of the same ${c}`]);
  if (o.group && !groups.some(([v]) => v === o.group)) groups.push([o.group, `Cities of the same ${o.group}`]);
  ($('#group') as HTMLSelectElement).replaceChildren(...groups.map(([v, l]) => option(v, l, o.group === v)));
  ($('#missing') as HTMLSelectElement).value = o.missing ?? 'reweight';
  const cov = Math.round((o.min_coverage ?? 0) * 100);
  ($('#min-coverage') as HTMLInputElement).value = String(cov);
  $('#min-coverage-out').textContent = `${cov}%`;
  const weights = $('#weights');
  clear(weights);
  const total = fw.verticals.reduce((a, v) => a + v.weight, 0) || 1;
  // One scale for every slider, so their positions compare: 0 to three times the largest weight.
  const top = Math.max(...fw.verticals.map((v) => v.weight), 0.01);
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
    weights.append(h('div', { class: 'weight' }, h('label', { for: id }, v.name), input, out));
  }
  showShares(total);
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
    if (out) out.textContent = sum > 0 ? `${Math.round((vals[i] / sum) * 100)}%` : '–';
  });
}

function readOptions(): void {
  const tiers = ($('#tiers') as HTMLSelectElement).value;
  let group = ($('#group') as HTMLSelectElement).value;
  if (group === 'tier' && !tiers) group = 'all';
  st.options = {
    tiers,
    group,
    missing: ($('#missing') as HTMLSelectElement).value,
    min_coverage: Number(($('#min-coverage') as HTMLInputElement).value) / 100,
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
    status(`Recomputed in ${Math.round(performance.now() - t0)} ms.`, 'ok');
  } catch (e) {
    failed('These settings cannot be used', e);
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
    failed('Framework', e);
  }
}

async function uploadFramework(file: File): Promise<void> {
  try {
    const fw = await engine.call<FrameworkInfo>({ op: 'loadFramework', file });
    await frameworkChanged(fw, null);
    status(`Framework ${fw.name} loaded from ${file.name}.`, 'ok');
  } catch (e) {
    failed(`The framework ${file.name} cannot be used`, e);
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

function setResults(results: Results | null, error: string | null): void {
  st.results = results;
  st.scoreError = error;
  st.profiles.clear();
  st.compare = results ? st.compare.filter((id) => results.units.some((u) => u.id === id)) : [];
  for (const id of ['#export-csv', '#export-xlsx', '#export-json']) ($(id) as HTMLButtonElement).disabled = !results;
  render();
}

async function loaded(p: Promise<Loaded>, t0: number): Promise<void> {
  st.busy = true;
  status('Reading and scoring…');
  try {
    const r = await p;
    st.data = r.data;
    st.table = { ...st.table, search: '', tier: '', state: '', zone: '', page: 0 };
    st.issues.page = 0;
    fillSettings();
    setResults(r.results, r.error);
    if (!r.results) {
      status(`${r.data.file} was read but cannot be scored: ${r.error}`, 'error');
      go('#/validation');
    } else {
      const n = r.results.units.length;
      const errs = r.results.issues.filter((i) => i.severity === 'error').length;
      status(`${r.data.file}: ${plural(n, 'city', 'cities')} scored${errs ? `, ${plural(errs, 'data error')} (see Data check)` : ''}.`, errs ? 'info' : 'ok');
      if (!location.hash.startsWith('#/results')) go('#/results');
    }
    // The table is in the DOM; the time is taken when the frame that paints it starts.
    requestAnimationFrame(() => {
      window.nagarTimings = { totalMs: performance.now() - t0, engineMs: r.engineMs, units: r.results?.units.length ?? 0 };
      document.body.dataset.rendered = String(Date.now());
    });
  } catch (e) {
    failed('This file cannot be read', e);
  } finally {
    st.busy = false;
  }
}

function loadFile(file: File, t0: number): void {
  void loaded(engine.call<Loaded>({ op: 'loadData', file }), t0);
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
  downloadIssues() {
    engine
      .call<Uint8Array>({ op: 'issuesCsv' })
      .then((b) => download(b, `nagar-issues-${stem()}.csv`, MIME.csv))
      .catch((e) => failed('Download failed', e));
  },
};

function empty(): HTMLElement {
  return h(
    'div',
    { class: 'welcome' },
    h('h1', null, 'Score your cities'),
    h('p', { class: 'lead' }, 'Open a file of municipal data — one row per city or town — to see each one’s Municipal Performance Index, its rank, and why.'),
    h(
      'ol',
      { class: 'steps' },
      h('li', null, 'Download the blank template to see the columns the framework reads, or start from your own file: columns are matched by name.'),
      h('li', null, 'Drop the file on the page or choose it. Every problem in it is listed under Data check, with its row and column; scoring goes ahead.'),
      h('li', null, 'Explore the table, open a city to see every number behind its score, compare cities, and change the settings.'),
    ),
    h('p', null, 'No file at hand? Use ', h('strong', null, 'Try the synthetic demo data'), ' — 120 invented cities.'),
    h('p', { class: 'banner' }, h('strong', null, 'Private by design. '), 'Your file is processed on this device and never uploaded. ', h('a', { href: '#/privacy' }, 'How to check')),
  );
}

let renderSeq = 0;
function render(): void {
  const seq = ++renderSeq;
  const view = $('#view');
  const [, name = 'results', arg = ''] = /^#\/([a-z]+)\/?(.*)$/.exec(location.hash) ?? [];
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.tabs a')) {
    if (a.dataset.view === (name === 'city' ? 'results' : name)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const show = (el: HTMLElement) => {
    if (seq === renderSeq) view.replaceChildren(el);
  };
  const needResults = () => (st.results ? null : st.data ? validationView(st, actions) : empty());
  switch (name) {
    case 'validation':
      return show(validationView(st, actions));
    case 'method':
      if (doc) return show(methodView(doc));
      engine.call<FrameworkDoc>({ op: 'doc' }).then((d) => ((doc = d), show(methodView(d))), (e) => failed('Framework', e));
      return;
    case 'privacy':
      return show(privacyView());
    case 'compare': {
      const fallback = needResults();
      if (fallback) return show(fallback);
      Promise.all(st.compare.map((id) => actions.profile(id))).then((ps) => show(compareView(st, actions, ps)), (e) => failed('Compare', e));
      return;
    }
    case 'city': {
      const fallback = needResults();
      if (fallback) return show(fallback);
      actions.profile(decodeURIComponent(arg)).then((p) => {
        const el = profileView(st, actions, p);
        el.append(peersPanel(st, p));
        show(el);
      }, (e) => failed('City', e));
      return;
    }
    case 'sister':
      return show(needResults() ?? sisterView(st));
    case 'preview':
      return show(previewView(st));
    default: {
      const fallback = needResults();
      return show(fallback ?? resultsView(st, actions));
    }
  }
}

// ---------------------------------------------------------------- wiring

function wire(): void {
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
      .catch((err) => failed('Download failed', err));
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
  for (const id of ['#tiers', '#group', '#missing']) $(id).addEventListener('change', () => void recompute());
  $('#min-coverage').addEventListener('input', (e) => {
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
  window.addEventListener('hashchange', () => {
    render();
    $('#main').focus({ preventScroll: true });
  });
}

async function init(): Promise<void> {
  try {
    const ready = await engine.call<Ready>({ op: 'init' });
    st.version = ready.version;
    st.frameworks = ready.frameworks;
    st.framework = ready.framework;
    st.builtin = ready.frameworks[0]?.id ?? null;
    $('#version').textContent = `version ${ready.version}`;
    fillSettings();
    document.body.dataset.ready = 'true';
    render();
  } catch (e) {
    failed('The engine could not start', e);
  }
}

wire();
render();
void init();

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  navigator.serviceWorker.register('./sw.js').catch(() => {
    /* offline support is a bonus; the page works without it */
  });
}

export type { DataInfo };
