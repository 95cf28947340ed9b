// The engine: runs the WebAssembly modules off the page's thread, so the page never freezes.
// The main module (CSV/JSON) loads at start; the spreadsheet module loads the first time a
// workbook is read or written. Nothing here touches the network except fetching those two
// modules from the app's own origin.
import init, { Workspace, engineVersion } from '../pkg/core/nagar_wasm.js';
import { DEMO_SEED, DEMO_ULBS, MAX_FILE_BYTES, type Loaded, type Reply, type Request } from './protocol';
import { handleAnalysis } from './worker-analysis';

type Sheets = typeof import('../pkg/sheets/nagar_sheets.js');

let ws: Workspace;
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
  }, 0);
}
let sheetsModule: Promise<Sheets> | null = null;

function sheets(): Promise<Sheets> {
  if (!sheetsModule) {
    progress('Loading spreadsheet and framework support', 0, 0);
    sheetsModule = import('../pkg/sheets/nagar_sheets.js').then(async (m) => {
      await m.default();
      return m;
    });
    sheetsModule.catch(() => (sheetsModule = null));
  }
  return sheetsModule;
}

function progress(phase: string, loaded: number, total: number): void {
  postMessage({ progress: { phase, loaded, total } });
}

async function readFile(file: File): Promise<Uint8Array> {
  if (file.size > MAX_FILE_BYTES) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    throw named(
      'DataError',
      `${file.name} is ${mb(file.size)}; this page reads files up to ${mb(MAX_FILE_BYTES)}. ` +
        'Split the file, or use the nagar command-line tool, which has no such limit.',
    );
  }
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

/// Score after loading data; a file that can be read but not scored still shows its issues.
function scoreLoaded(data: Loaded['data'], t0: number): Loaded {
  try {
    const results = ws.score();
    return { data, results, error: null, engineMs: performance.now() - t0 };
  } catch (e) {
    if (e instanceof Error && (e.name === 'DataError' || e.name === 'SettingsError' || e.name === 'FrameworkError')) {
      return { data, results: null, error: e.message, engineMs: performance.now() - t0 };
    }
    throw e;
  }
}

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case 'init': {
      await init();
      ws = new Workspace();
      const frameworks = Workspace.builtinFrameworks();
      const framework = ws.useBuiltin(frameworks[0]?.id ?? 'mpi-2019');
      prepareDemo();
      return { version: engineVersion(), frameworks, framework };
    }
    case 'useBuiltin': {
      const info = ws.useBuiltin(req.name);
      prepareDemo();
      return info;
    }
    case 'loadFramework': {
      // Framework files (TOML, JSON, iMeta tables) are parsed by the second module, which has
      // the TOML and spreadsheet readers; the main module stays small.
      const bytes = await readFile(req.file);
      const value = (await sheets()).readFramework(bytes, req.file.name);
      const info = ws.loadFrameworkValue(value, bytes, req.file.name);
      prepareDemo();
      return info;
    }
    case 'loadData': {
      const bytes = await readFile(req.file);
      progress('Scoring', 0, 0);
      const t0 = performance.now();
      let data;
      try {
        data = ws.loadData(bytes, req.file.name);
      } catch (e) {
        if (!isNeedsSpreadsheet(e)) throw e;
        const sh = await sheets();
        progress('Reading the workbook', 0, 0);
        data = ws.loadTable(sh.readSpreadsheet(bytes, req.file.name));
      }
      return scoreLoaded(data, t0);
    }
    case 'loadDemo': {
      const t0 = performance.now();
      const bytes = demoCsv ?? new TextEncoder().encode(ws.demoCsv(DEMO_ULBS, DEMO_SEED));
      return scoreLoaded(ws.loadData(bytes, DEMO_FILE), t0);
    }
    case 'setOptions':
      ws.setOptions(req.options);
      return ws.score();
    case 'profile':
      return ws.profile(req.id);
    case 'doc':
      return ws.frameworkDoc();
    case 'export':
      if (req.format === 'xlsx') return (await sheets()).writeXlsx(ws.exportSheets());
      return ws.export(req.format);
    case 'template':
      if (req.format === 'xlsx') return (await sheets()).templateXlsx(ws.frameworkValue());
      return new TextEncoder().encode(ws.templateCsv());
    case 'issuesCsv':
      return new TextEncoder().encode(ws.issuesCsv());
    case 'demoCsv':
      return new TextEncoder().encode(ws.demoCsv(DEMO_ULBS, DEMO_SEED));
    default:
      return handleAnalysis(ws, req, { readFile, sheets, progress });
  }
}

self.onmessage = async (ev: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = ev.data;
  let reply: Reply;
  try {
    reply = { id, ok: true, result: await handle(req) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id, ok: false, error: { name: err.name, message: err.message } };
  }
  const transfer = reply.result instanceof Uint8Array ? [reply.result.buffer] : [];
  postMessage(reply, { transfer });
};
