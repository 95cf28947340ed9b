// Messages between the page and the engine worker.
import type { DataInfo, FrameworkDoc, FrameworkInfo, Options, Profile, Choice } from '../pkg/core/nagar_wasm';
import type { Results } from './results-unpack';

import type { CollisionChoice, FormRow, PairOptions, PeerOptions } from './analysis-types';
import type { RobustnessArrays, RobustnessSpec } from './robustness-types';

export type { DataInfo, FrameworkDoc, FrameworkInfo, Options, Profile, Results, Choice };

export interface Ready {
  version: string;
  frameworks: Choice[];
  framework: FrameworkInfo;
}

/// A loaded data file and its first scoring run. `results` is null when the file could be read
/// but not scored (no id column, no known columns): `error` says why.
/// (The worker sends the results packed, `Loaded<ResultsTransfer>`; the page's engine client
/// unpacks them: www/src/results-unpack.ts.)
export interface Loaded<R = Results> {
  data: DataInfo;
  results: R | null;
  error: string | null;
  /// Milliseconds spent in the engine (read + score), for the benchmark.
  engineMs: number;
  /// Milliseconds the worker spent reading the file before the engine (0 for the demo data).
  readMs?: number;
}

export type Request =
  | { op: 'init' }
  | { op: 'useBuiltin'; name: string }
  | { op: 'loadFramework'; file: File }
  | { op: 'loadData'; file: File }
  | { op: 'loadDemo' }
  | { op: 'setOptions'; options: Options }
  | { op: 'profile'; id: string }
  | { op: 'doc' }
  /// `lang`: the page's language; the exports are written in it as `nagar score --lang` writes
  /// them (labels, sheet names, the Dictionary sheet, the framework's names, tier names and flags;
  /// column ids and numbers unchanged), and the XLSX template as `nagar template --lang`. The CSV
  /// template is the header row of column ids, the same in every language.
  | { op: 'export'; format: 'csv' | 'json' | 'xlsx'; lang: string }
  | { op: 'template'; format: 'csv' | 'xlsx'; lang: string }
  /// Every issue of the last run, `{ run, json }`: `json` the `IssueView[]` as JSON text, `run`
  /// the run's number (`Results.run`). A run with many issues carries only their counts and
  /// those of no row (`Results.issues_complete` false); the page asks for the rest to show them.
  | { op: 'issues' }
  | { op: 'issuesCsv' }
  | { op: 'demoCsv' }
  | RobustnessRequest
  | AnalysisRequest;

/// The Robustness view (www/src/robustness-run.ts; handled in worker.ts): the state the
/// robustness workers replay, the plan of a specification, the summary and the CSV files of the
/// replications the workers computed, and the statistical audit.
export type RobustnessRequest =
  | { op: 'robustnessState' }
  | { op: 'robustnessPlan'; spec: RobustnessSpec }
  | { op: 'robustnessSummary'; spec: RobustnessSpec; output?: Float64Array; failures: { rep: number; message: string }[]; unitStats: Float64Array }
  | { op: 'robustnessCsv'; name: string; spec: RobustnessSpec; arrays: RobustnessArrays }
  | { op: 'audit' };

/// Sister cities, peers, preview and what-if (www/src/analysis-types.ts; handled in worker.ts).
export type AnalysisRequest =
  | { op: 'pair'; options: PairOptions }
  | { op: 'pairsCsv' }
  | { op: 'searchNodes' }
  | { op: 'peers'; ulb: string; node: string; options: PeerOptions }
  | { op: 'inputForm' }
  | { op: 'previewFile'; file: File; onCollision?: CollisionChoice }
  | { op: 'previewForm'; row: FormRow; onCollision?: CollisionChoice }
  | { op: 'previewBundle' }
  | { op: 'whatIfUnit'; id: string }
  | { op: 'whyUnit'; id: string }
  | { op: 'whatIfSet'; field: string; text: string }
  | { op: 'previewAnalyses' }
  | { op: 'whatIfCsv' }
  | { op: 'forgetPreview' };

export interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string };
}

export interface Progress {
  progress: { phase: string; loaded: number; total: number };
}

/// Demo: the synthetic file `nagar demo --ulbs 120 --seed 2019` writes.
export const DEMO_ULBS = 120;
export const DEMO_SEED = 2019;
/// Bigger files are refused with a message before they are read.
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
/// A CSV file of more cells (data rows × columns) than this is refused, by the engine as it reads
/// (nagar_io::DEFAULT_MAX_CELLS, the same in the command-line tool) and, estimated from its first
/// bytes, by the page before it reads the file at all (`estimateCsvCells`).
export const MAX_CELLS = 12_000_000;
/// How much of a CSV file the page looks at to estimate its cells.
export const CELL_SAMPLE_BYTES = 64 * 1024;

/// The number of cells of a CSV file of `fileSize` bytes whose first `sampleBytes` bytes are
/// `sample`: the columns of its first line times its lines, the lines estimated from the
/// sample's bytes per line (exact when the sample is the whole file, up to quoted line breaks).
export function estimateCsvCells(sample: string, sampleBytes: number, fileSize: number): number {
  const firstEnd = sample.indexOf('\n');
  const header = firstEnd < 0 ? sample : sample.slice(0, firstEnd);
  let columns = 1;
  let quoted = false;
  for (const c of header) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) columns++;
  }
  let lines = 0;
  for (let i = sample.indexOf('\n'); i >= 0; i = sample.indexOf('\n', i + 1)) lines++;
  if (sampleBytes >= fileSize) return columns * Math.max(lines, 1);
  // A sample with no line end: one line so far; estimate from its length.
  const bytesPerLine = sampleBytes / Math.max(lines, 1);
  return Math.round(columns * (fileSize / bytesPerLine));
}
