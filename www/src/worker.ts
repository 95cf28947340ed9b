// The engine: runs the WebAssembly modules off the page's thread, so the page never freezes.
// The main module (CSV/JSON: score, results, exports) loads at start. Three more load the first
// time they are needed: the spreadsheet-reading module (an XLSX/ODS file read), the
// spreadsheet-writing module (an XLSX file written) and the full module (the analyses: sister
// cities, peers, preview, what-if; and framework files uploaded). The full module keeps a
// second Workspace; the main module's framework, data and options are replayed into it before
// an analysis whenever they changed. Nothing here touches the network except fetching those
// modules from the app's own origin.
import init, { Workspace, engineVersion, type Options } from '../pkg/core/nagar_wasm.js';
import type { Workspace as FullWorkspace } from '../pkg/full/nagar_full.js';
import {
  CELL_SAMPLE_BYTES,
  DEMO_SEED,
  DEMO_ULBS,
  MAX_CELLS,
  MAX_FILE_BYTES,
  estimateCsvCells,
  type Loaded,
  type Ready,
  type Reply,
  type Request,
} from './protocol';
import { handleAnalysis } from './worker-analysis';
import { transferables, type ResultsTransfer } from './results-unpack';
import type { RobustnessState } from './robustness-types';

type SheetsReader = typeof import('../pkg/sheets-read/nagar_sheets_read.js');
type SheetsWriter = typeof import('../pkg/sheets-write/nagar_sheets_write.js');
type Full = typeof import('../pkg/full/nagar_full.js');

/// The main module's Workspace: everything but the analyses.
let ws: Workspace;

/// What the main Workspace holds, to replay into the analyses' Workspace, and what changed
/// since the last replay. Changed only through `remember`, which keeps the two together.
interface Replay {
  framework: { builtin: string } | { value: unknown; bytes: Uint8Array; name: string };
  data: { bytes: Uint8Array; name: string } | { table: unknown } | null;
  options: Options | null;
  changed: { framework: boolean; data: boolean; options: boolean };
}
const replay: Replay = {
  framework: { builtin: 'mpi-2019' },
  data: null,
  options: null,
  changed: { framework: true, data: true, options: true },
};

/// Counts every change of the replayed state: a robustness worker holding this version needs no
/// new copy (www/src/worker-robustness.ts).
let replayVersion = 0;

const remember = {
  /// A new framework: the Workspace resets its options to the framework's (data stays).
  framework(f: Replay['framework']): void {
    replayVersion++;
    replay.framework = f;
    replay.options = null;
    replay.changed.framework = true;
  },
  data(d: NonNullable<Replay['data']>): void {
    replayVersion++;
    replay.data = d;
    replay.changed.data = true;
  },
  options(o: Options): void {
    replayVersion++;
    replay.options = o;
    replay.changed.options = true;
  },
};

/// A lazily loaded module: imported and initialised once, the first time it is asked for (a
/// failed load is tried again next time).
function lazy<M extends { default: () => Promise<unknown> }>(phase: string, load: () => Promise<M>): () => Promise<M> {
  let module: Promise<M> | null = null;
  return () => {
    if (!module) {
      progress(phase, 0, 0);
      module = load().then(async (m) => {
        await m.default();
        return m;
      });
      module.catch(() => (module = null));
    }
    return module;
  };
}

const full = lazy<Full>('Loading the analyses', () => import('../pkg/full/nagar_full.js'));
const sheetsReader = lazy<SheetsReader>('Loading spreadsheet support', () => import('../pkg/sheets-read/nagar_sheets_read.js'));
const sheetsWriter = lazy<SheetsWriter>('Loading spreadsheet support', () => import('../pkg/sheets-write/nagar_sheets_write.js'));

let analysisWs: FullWorkspace | null = null;

/// The analyses' Workspace, up to date with the main one (the full module is loaded the first
/// time). Its own state (my preview rows, the what-if session) is kept while only the options
/// change, as in the main Workspace; a new framework or new data starts it afresh.
async function analysisWorkspace(): Promise<FullWorkspace> {
  const m = await full();
  if (!analysisWs) {
    analysisWs = new m.Workspace();
    replay.changed = { framework: true, data: true, options: true };
  }
  const a = analysisWs;
  const c = replay.changed;
  if (!c.framework && !c.data && !c.options) return a;
  if (c.framework) {
    const f = replay.framework;
    if ('builtin' in f) {
      a.loadFrameworkValue(ws.frameworkValue(), new Uint8Array(0), f.builtin);
      // The exports made here name the built-in framework and its hash as the main module does.
      const [source, sha256] = ws.frameworkSource();
      a.setFrameworkSource(source ?? '', sha256 ?? '');
    } else a.loadFrameworkValue(f.value, f.bytes, f.name);
  }
  const d = replay.data;
  if (d && (c.framework || c.data)) {
    if ('table' in d) a.loadTable(d.table);
    else a.loadData(d.bytes, d.name);
  }
  if (replay.options !== null && (c.framework || c.options)) a.setOptions(replay.options);
  replay.changed = { framework: false, data: false, options: false };
  if (d) {
    try {
      a.run();
    } catch {
      // The error the main module showed; the analyses say so again when asked.
    }
  }
  return a;
}

/// The page's framework names per language (English name → name; scripts/lib/framework-names.py
/// writes them from frameworks/*.toml at build time, in two parts: main and detail), loaded the
/// first time a download in that language asks.
const nameFiles = import.meta.glob<Record<string, string>>('./i18n/names/*/*.json', { import: 'default' });

/// The loaded framework with its names in `lang`, for the XLSX export and template in that
/// language. The main module's copy of a built-in framework carries no names (its size budget):
/// they are put back from the names file, on exactly the nodes that carry names in a framework
/// file (the framework itself, tier schemes, tiers, zones, input fields, aggregates, indicators)
/// and in `unit_names`. An uploaded framework keeps its own names; ones it lacks are not added.
async function namedFramework(lang: string): Promise<unknown> {
  const f = replay.framework;
  if (!('builtin' in f)) return f.value;
  const fw = ws.frameworkValue() as Record<string, unknown>;
  const path = `./i18n/names/${lang}/main.json`;
  if (!(path in nameFiles)) return fw;
  const detail = `./i18n/names/${lang}/detail.json`;
  const map = { ...(detail in nameFiles ? await nameFiles[detail]() : {}), ...(await nameFiles[path]()) };
  type Node = { name?: string; label?: string; unit?: string; names?: Record<string, string>; tiers?: Node[] };
  const name = (n: Node) => {
    const en = n.name ?? n.label;
    if (en && map[en]) n.names = { ...(n.names ?? {}), [lang]: map[en] };
  };
  name(fw as Node);
  for (const key of ['tier_schemes', 'zones', 'inputs', 'aggregates', 'indicators']) {
    for (const n of (fw[key] as Node[] | undefined) ?? []) {
      name(n);
      for (const t of n.tiers ?? []) name(t);
    }
  }
  const units = ((fw.unit_names ??= {}) as Record<string, Record<string, string>>);
  for (const key of ['inputs', 'indicators']) {
    for (const n of (fw[key] as Node[] | undefined) ?? []) if (n.unit && map[n.unit]) units[n.unit] = { ...(units[n.unit] ?? {}), [lang]: map[n.unit] };
  }
  return fw;
}

/// The synthetic demo file, made once the engine is idle, so "Try the demo data" only reads it.
let demoCsv: Uint8Array | null = null;
const DEMO_FILE = `synthetic-demo-${DEMO_ULBS}-ulbs.csv`;

function prepareDemo(): void {
  demoCsv = null;
  setTimeout(() => {
    try {
      demoCsv = new TextEncoder().encode(ws.demoCsv(DEMO_ULBS, DEMO_SEED));
    } catch {
      demoCsv = null; // made on demand instead
    }
    const f = replay.framework;
    if (!warm && demoCsv && 'builtin' in f) warmUp(f.builtin, demoCsv);
  }, 0);
}

/// Requests being handled (`onmessage` below): the warm-up runs no step while there is one.
let busy = 0;

/// The warm-up's step times (ms) and when it ended (ms since the epoch, `performance.timeOrigin`
/// based, so the benchmark can compare it with the page's load); also `self.nagarWarm`.
let warm: { steps: number[]; doneAt: number | null } | null = null;

/// V8 runs a WebAssembly function first as its baseline compiler (Liftoff) made it, and
/// optimises it (TurboFan, in the background) only once it has run for a while: the first
/// scorings of a page ran mostly unoptimised code (the demo's engine time 2-3 times its time
/// once optimised: docs/BENCHMARKS.md, "The page, sixth round"). So, once the engine is idle
/// after its start, the demo data is loaded and scored `WARM_STEPS` times on a throwaway
/// Workspace of the same module instance (the user's Workspace is never touched), one step per
/// task: a request arriving waits for at most the step under way, and no step starts while a
/// request is being handled. Then the Workspace is freed (its memory goes back to the module's
/// allocator for the next load).
const WARM_STEPS = 16;
function warmUp(name: string, bytes: Uint8Array): void {
  const w = new Workspace();
  const steps: number[] = [];
  warm = { steps, doneAt: null };
  (self as { nagarWarm?: typeof warm }).nagarWarm = warm;
  const done = () => {
    try {
      w.free();
    } catch {
      // A Workspace a trap left behind; nothing more to free.
    }
    warm!.doneAt = performance.timeOrigin + performance.now();
  };
  const step = () => {
    if (busy > 0) {
      setTimeout(step, 50);
      return;
    }
    const t0 = performance.now();
    try {
      if (steps.length === 0) w.useBuiltin(name);
      w.loadData(bytes, DEMO_FILE);
      w.score();
    } catch {
      done();
      return;
    }
    steps.push(performance.now() - t0);
    if (steps.length < WARM_STEPS) setTimeout(step, 0);
    else done();
  };
  setTimeout(step, 0);
}
function progress(phase: string, loaded: number, total: number): void {
  postMessage({ progress: { phase, loaded, total } });
}

/// Files above this size are read in chunks, reporting progress.
const STREAM_ABOVE_BYTES = 16 * 1024 * 1024;

async function readFile(file: File): Promise<Uint8Array> {
  if (file.size > MAX_FILE_BYTES) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    throw named(
      'DataError',
      `${file.name} is ${mb(file.size)}; this page reads files up to ${mb(MAX_FILE_BYTES)}. ` +
        'Split the file, or use the nagar command-line tool.',
    );
  }
  // A file that reads in well under a second is read in one call (the 5,000-ULB CSV, 4.9 MB:
  // 10-12 ms, where the chunked stream below took 20-50 ms), and its cells are estimated from
  // its first bytes as read, not from a read of them of their own first (drop → engine start
  // 18-31 ms with the two reads, 12 ms with one: docs/BENCHMARKS.md); a larger one is read in
  // chunks, with progress, once the estimate from a first read of its first bytes lets it in.
  const whole = file.size <= STREAM_ABOVE_BYTES ? new Uint8Array(await file.arrayBuffer()) : null;
  // A CSV file of short cells can hold more cells than the engine takes (and than the tab has
  // memory for) well within the byte limit: estimated from its first bytes, refused before the
  // engine reads it (and a large file before it is read at all).
  if (/\.csv$/i.test(file.name) && file.size > CELL_SAMPLE_BYTES) {
    const sample = whole ? whole.subarray(0, CELL_SAMPLE_BYTES) : new Uint8Array(await file.slice(0, CELL_SAMPLE_BYTES).arrayBuffer());
    const cells = estimateCsvCells(new TextDecoder().decode(sample), sample.length, file.size);
    // 5% of slack for the estimate: the engine's own count refuses exactly at the limit.
    if (cells > MAX_CELLS * 1.05) {
      const millions = (n: number) => `${Math.round(n / 1e6)} million`;
      throw named(
        'DataError',
        `${file.name} has about ${millions(cells)} cells (rows × columns); this page reads files of up to ` +
          `${millions(MAX_CELLS)} cells. Split the file.`,
      );
    }
  }
  if (whole) return whole;
  const out = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let loaded = 0;
  let last = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, loaded);
    loaded += value.length;
    if (loaded - last > 4 * 1024 * 1024) {
      progress('Reading', loaded, file.size);
      last = loaded;
    }
  }
  return loaded === out.length ? out : out.subarray(0, loaded);
}

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

function isNeedsSpreadsheet(e: unknown): boolean {
  return e instanceof Error && e.name === 'NeedsSpreadsheet';
}

/// Counts the scoring runs: a run's results carry its number, and so does the reply to `issues`,
/// so the page never puts one run's issues on another's results.
let runs = 0;

/// Score the data (`Workspace.score`), the results numbered.
function score(): ResultsTransfer {
  const r = ws.score() as ResultsTransfer;
  r.run = ++runs;
  return r;
}

/// Score after loading data; a file that can be read but not scored still shows its issues.
function scoreLoaded(data: Loaded['data'], t0: number): Loaded<ResultsTransfer> {
  try {
    const results = score();
    return { data, results, error: null, engineMs: performance.now() - t0 };
  } catch (e) {
    if (e instanceof Error && (e.name === 'DataError' || e.name === 'SettingsError' || e.name === 'FrameworkError')) {
      return { data, results: null, error: e.message, engineMs: performance.now() - t0 };
    }
    throw e;
  }
}

/// The main module, started as soon as the worker is: every request waits for it, so a click
/// made while the module is still downloading is answered once it is ready (not with an error).
/// A failed start is tried again by the next request.
let started: Promise<Ready> | null = null;
function ready(): Promise<Ready> {
  if (!started) {
    started = (async () => {
      await init();
      ws = new Workspace();
      const frameworks = Workspace.builtinFrameworks();
      const name = frameworks[0]?.id ?? 'mpi-2019';
      const framework = ws.useBuiltin(name);
      remember.framework({ builtin: name });
      prepareDemo();
      return { version: engineVersion(), frameworks, framework };
    })();
    started.catch(() => (started = null));
  }
  return started;
}
void ready().catch(() => undefined);

async function handle(req: Request): Promise<unknown> {
  const first = await ready();
  switch (req.op) {
    case 'init':
      return first;
    case 'useBuiltin': {
      const info = ws.useBuiltin(req.name);
      remember.framework({ builtin: req.name });
      prepareDemo();
      return info;
    }
    case 'loadFramework': {
      // Framework files are read by the full module, which has the TOML reader; an iMeta
      // workbook is first read as a table by the spreadsheet-reading module. The main module
      // stays small.
      const bytes = await readFile(req.file);
      const f = await full();
      let value: unknown;
      try {
        value = f.readFramework(bytes, req.file.name);
      } catch (e) {
        if (!isNeedsSpreadsheet(e)) throw e;
        const table: unknown = (await sheetsReader()).readSpreadsheet(bytes, req.file.name);
        value = f.frameworkFromTable(table, req.file.name);
      }
      const info = ws.loadFrameworkValue(value, bytes, req.file.name);
      remember.framework({ value, bytes, name: req.file.name });
      prepareDemo();
      return info;
    }
    case 'loadData': {
      const tRead = performance.now();
      const bytes = await readFile(req.file);
      progress('Scoring', 0, 0);
      const t0 = performance.now();
      let data;
      try {
        data = ws.loadData(bytes, req.file.name);
        remember.data({ bytes, name: req.file.name });
      } catch (e) {
        if (!isNeedsSpreadsheet(e)) throw e;
        const sh = await sheetsReader();
        progress('Reading the workbook', 0, 0);
        const table: unknown = sh.readSpreadsheet(bytes, req.file.name);
        data = ws.loadTable(table);
        remember.data({ table });
      }
      return { ...scoreLoaded(data, t0), readMs: t0 - tRead };
    }
    case 'loadDemo': {
      const t0 = performance.now();
      const bytes = demoCsv ?? new TextEncoder().encode(ws.demoCsv(DEMO_ULBS, DEMO_SEED));
      const data = ws.loadData(bytes, DEMO_FILE);
      remember.data({ bytes, name: DEMO_FILE });
      return scoreLoaded(data, t0);
    }
    case 'setOptions':
      ws.setOptions(req.options);
      remember.options(req.options);
      return score();
    case 'issues':
      // Every issue of the last run (its results carried only their counts): JSON text, parsed
      // by the page, as the results are.
      return { run: runs, json: ws.issues() };
    case 'profile':
      return ws.profile(req.id);
    case 'doc':
      return ws.frameworkDoc();
    case 'export':
      // The XLSX sheets and the CSV template are made by the full module (the main module's
      // size budget, docs/BENCHMARKS.md), replayed up to date first.
      if (req.format === 'xlsx') {
        const a = await analysisWorkspace();
        const sheets: unknown = req.lang === 'en' ? a.exportSheets() : a.exportSheetsIn(req.lang, await namedFramework(req.lang));
        return (await sheetsWriter()).writeXlsx(sheets);
      }
      // CSV and JSON in another language (tier names, flags, the demo note) come from the full
      // module too; in English from the main module.
      if (req.lang !== 'en') return (await analysisWorkspace()).exportIn(req.format, req.lang, await namedFramework(req.lang));
      return ws.export(req.format);
    case 'template':
      if (req.format === 'xlsx') {
        // The full module lays the template out (translated, with the framework's names in the
        // language; one without any gets the English template), the writing module writes it.
        const [a, sh] = await Promise.all([analysisWorkspace(), sheetsWriter()]);
        let spec: unknown = null;
        if (req.lang !== 'en') {
          try {
            spec = a.templateSpec(req.lang, await namedFramework(req.lang));
          } catch {
            // English, below.
          }
        }
        return sh.templateXlsx(spec ?? a.templateSpec('en', null));
      }
      return new TextEncoder().encode((await analysisWorkspace()).templateCsv());
    case 'issuesCsv':
      return new TextEncoder().encode(ws.issuesCsv());
    case 'demoCsv':
      return new TextEncoder().encode(ws.demoCsv(DEMO_ULBS, DEMO_SEED));
    case 'robustnessState': {
      const d = replay.data;
      if (!d) throw named('InputError', 'load data first');
      const f = replay.framework;
      const framework = 'builtin' in f ? { value: ws.frameworkValue(), bytes: new Uint8Array(0), name: f.builtin } : f;
      return { version: replayVersion, framework, data: d, options: replay.options } satisfies RobustnessState;
    }
    case 'robustnessPlan':
      return (await analysisWorkspace()).robustnessPlan(req.spec);
    case 'robustnessSummary':
      return (await analysisWorkspace()).robustnessSummary(req.spec, req.output, req.failures, req.unitStats);
    case 'robustnessCsv': {
      const a = req.arrays;
      return (await analysisWorkspace()).robustnessCsv(req.name, req.spec, a.scores, a.ranks, a.groupSizes, a.failures);
    }
    case 'audit':
      return (await analysisWorkspace()).audit(undefined);
    default:
      return handleAnalysis(await analysisWorkspace(), req, { readFile, sheetsReader, progress });
  }
}

self.onmessage = async (ev: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = ev.data;
  let reply: Reply;
  busy++;
  try {
    reply = { id, ok: true, result: await handle(req) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id, ok: false, error: { name: err.name, message: err.message } };
  } finally {
    busy--;
  }
  postMessage(reply, { transfer: transferables(reply.result) });
};
