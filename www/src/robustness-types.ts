// The robustness analysis as the page holds it: the specification (the `[robustness]` table of
// `nagar robustness`, nagar_core::robustness::Spec), the parts the workers compute, and the
// summary the views draw (crates/nagar-wasm/src/robustness.rs).
import type { Options } from '../pkg/core/nagar_wasm';

export interface RobustnessSpec {
  type: 'ua' | 'sa';
  n: number;
  seed: number;
  nboot: number;
  top_n: number;
  weights: { levels: number[]; noise: number; name?: string }[];
  normalise: string[];
  aggregate: string[];
  missing: string[];
  impute: string[];
  /// Sensitivity output: this unit's rank (by id) instead of the mean absolute rank change.
  unit?: string;
  /// A design.csv to replay (`nagar robustness --design`): its rows set the type, N and inputs.
  design?: { name: string; text: string };
}

export interface RobustnessPlan {
  kind: 'ua' | 'sa';
  n: number;
  reps: number;
  stats_reps: number;
  inputs: string[];
  units: number;
  seed: number;
  top_n: number;
}

export interface RobustnessPart {
  first: number;
  count: number;
  scores: Float64Array;
  ranks: Uint32Array;
  groupSizes: Uint32Array;
  failures: { rep: number; message: string }[];
  /// For each range of units asked for, its values over this part's replications that the rank
  /// statistics use, unit-major (nagar_core::robustness::Columns).
  columns?: RobustnessColumns[];
  /// Sensitivity analysis: each replication's output.
  output?: Float64Array;
}

export interface RobustnessColumns {
  first: number;
  count: number;
  from: number;
  to: number;
  ranks: Uint32Array;
  scores: Float64Array;
}

/// Every replication's arrays, the parts joined in order.
export interface RobustnessArrays {
  scores: Float64Array;
  ranks: Uint32Array;
  groupSizes: Uint32Array;
  failures: { rep: number; message: string }[];
}

export interface RobustnessSummary {
  plan: RobustnessPlan;
  ids: string[];
  nominal_rank: (number | null)[];
  nominal_score: (number | null)[];
  rank_mean: (number | null)[];
  rank_median: (number | null)[];
  rank_q5: (number | null)[];
  rank_q95: (number | null)[];
  score_median: (number | null)[];
  score_q5: (number | null)[];
  score_q95: (number | null)[];
  p_top: (number | null)[];
  p_bottom: (number | null)[];
  ranked: number;
  sensitivity: { input: string; si: number | null; sti: number | null; boot: (number | null)[] | null }[] | null;
  failures: { rep: number; message: string }[];
}

/// What a robustness worker needs to hold the main worker's framework, data and options.
export interface RobustnessState {
  version: number;
  framework: { value: unknown; bytes: Uint8Array; name: string };
  data: { bytes: Uint8Array; name: string } | { table: unknown };
  options: Options | null;
}

export interface RobustnessWorkerRequest {
  id: number;
  /// Null when the worker already holds this version.
  state: RobustnessState | null;
  spec: RobustnessSpec;
  /// Replications `from..to`; with `stats`, the statistics of units `from..to` instead.
  from: number;
  to: number;
  /// The boundaries of the ranges of units whose columns the part hands back.
  unitRanges?: Uint32Array;
  stats?: { columns: RobustnessColumns[]; groupSizes: Uint32Array; failures: { rep: number; message: string }[] };
}

/// Load the full module and this version of the data ahead of a run, and warm up on `spec`.
export interface RobustnessPrimeRequest {
  id: number;
  prime: true;
  state: RobustnessState;
  /// The analysis the form shows: run briefly to warm the worker up (worker-robustness.ts).
  spec?: RobustnessSpec;
}

export type RobustnessWorkerReply =
  | { id: number; progress: number }
  | { id: number; part: RobustnessPart }
  | { id: number; stats: Float64Array }
  | { id: number; primed: number }
  | { id: number; error: { name: string; message: string } };
