// The values of the analysis bindings (crates/nagar-wasm/src/analysis.rs), as serde writes
// nagar-core's types: `nagar_core::pairing` (sister cities, peers) and `nagar_core::analysis`
// (preview, what-if, explain, improve). Missing numbers are null.

type Num = number | null;

export interface IssueJson {
  file: string;
  row: number | null;
  column: string | null;
  value: string | null;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

// ---------------------------------------------------------------- pairing

export type Within = 'all' | 'tier' | 'zone' | 'terrain';
export type Attr = 'zone' | 'terrain' | 'tier';
export const TERMS = ['zone', 'terrain', 'tier', 'population', 'tags', 'complement'] as const;
export type Term = (typeof TERMS)[number];
export type CostWeights = Record<Term, number>;
export type Terms = Record<Term, number>;

export interface PairOptions {
  n?: number;
  within?: Within;
  same?: Attr[];
  weights?: Partial<CostWeights>;
  unknown?: number;
  weakest?: number;
}

export interface UnitRef {
  id: string;
  name: string;
  rank: number | null;
  rank_in_tier: number | null;
  index: Num;
  zone: string;
  terrain: string;
  tier: string;
  population: Num;
  tags: string[];
}

export interface Shared {
  zone: string | null;
  terrain: string | null;
  tier: string | null;
  tags: string[];
}

export interface SectorScores {
  id: string;
  name: string;
  mentee: Num;
  mentor: Num;
}

export interface Pair {
  subgroup: string;
  mentor: UnitRef;
  mentee: UnitRef;
  cost: number;
  terms: Terms;
  weighted: Terms;
  shared: Shared;
  weakest: SectorScores[];
  unknown: string[];
}

export interface Unplaced {
  subgroup: string;
  role: 'mentor' | 'mentee';
  unit: UnitRef;
  reason: string;
}

export interface Subgroup {
  label: string;
  ranked: number;
  n: number;
  mentors: string[];
  mentees: string[];
  pairs: number;
  cost: number;
  note: string;
}

export interface Pairing {
  options: Required<Omit<PairOptions, 'weights'>> & { weights: CostWeights; unknown_population: number };
  sectors: string[];
  subgroups: Subgroup[];
  pairs: Pair[];
  unplaced: Unplaced[];
  total_cost: number;
  issues: IssueJson[];
}

export interface PeerOptions {
  k?: number;
  min_gap?: number;
  weights?: Partial<CostWeights>;
  drivers?: number;
}

export interface SearchNode {
  id: string;
  name: string;
  level: 'sector' | 'vertical' | 'index' | 'aggregate';
}

export interface Driver {
  id: string;
  name: string;
  weight: number;
  unit_value: Num;
  peer_value: Num;
  unit_normalised: Num;
  peer_normalised: Num;
  contribution: number;
  higher_is_better: boolean;
}

export interface Peer {
  unit: UnitRef;
  score: number;
  gap: number;
  distance: number;
  similarity: number;
  terms: Terms;
  shared: Shared;
  unknown: string[];
  drivers: Driver[];
  missing_at_unit: string[];
}

export interface PeerSearch {
  unit: UnitRef;
  node: SearchNode;
  score: number;
  clearly_better: number;
  peers: Peer[];
  issues: IssueJson[];
}

// ---------------------------------------------------------------- preview and what-if

export interface NodeScore {
  id: string;
  name: string;
  parent: string | null;
  value: Num;
}

export interface UnitScores {
  id: string;
  name: string;
  original_id?: string;
  tier: string;
  coverage: number;
  index: Num;
  rank: number | null;
  rank_in_tier: number | null;
  ranked_units: number;
  flag: string;
  nodes: NodeScore[];
}

export interface RankMove {
  id: string;
  name: string;
  rank_before: number | null;
  rank_after: number | null;
  change: number | null;
  rank_in_tier_before: number | null;
  rank_in_tier_after: number | null;
  index_before: Num;
  index_after: Num;
}

export interface PreviewReport {
  framework: string;
  published_units: number;
  ranked_before: number;
  ranked_after: number;
  mine: UnitScores[];
  /// Only the published units whose rank changes (the bindings leave out the others).
  moves: RankMove[];
  /// Published units whose rank does not change.
  unchanged: number;
  /// After a what-if change: `moves` and `unchanged` are not computed yet (they follow when the
  /// person pauses); the page keeps showing the previous ones, marked as updating.
  moves_pending: boolean;
  replaced: string[];
  renamed: [string, string][];
  my_issues: IssueJson[];
  warnings: string[];
}

export type InputKind = 'number' | 'count' | 'amount' | 'quantity' | 'population' | 'percent' | 'signed_percent' | 'yes_no' | 'text';

export interface FormField {
  id: string;
  label: string;
  kind: InputKind;
  unit: string;
  allowed: string[];
  value: Num;
  text: string | null;
  indicators: string[];
}

export interface FormSection {
  id: string;
  name: string;
  parent: string | null;
  fields: FormField[];
}

export interface WhatIfResult {
  scores: UnitScores;
  changed: { id: string; derived: Num; normalised: Num }[];
  warnings: string[];
  full_rescore: boolean;
}

export interface InputValue {
  id: string;
  value: Num;
  text?: string;
}

export interface Contribution {
  id: string;
  name: string;
  parent: string;
  direction: number;
  inputs: InputValue[];
  derived: Num;
  processed: Num;
  group_mean: Num;
  group_sd: Num;
  normalised: Num;
  weight: number;
  points_per_unit: number;
  contribution: number;
  missing: boolean;
}

export interface NodeContribution {
  id: string;
  name: string;
  parent: string | null;
  value: Num;
  contribution: number;
  baseline: number;
}

export interface Explanation {
  unit_id: string;
  unit_name: string;
  index: number;
  rank: number | null;
  rank_in_tier: number | null;
  baseline: number;
  total: number;
  rows: Contribution[];
  nodes: NodeContribution[];
}

export interface Improvement {
  id: string;
  name: string;
  direction: number;
  /// What the ULB can do about it: the framework's mark (outcome unless marked).
  lever: 'outcome' | 'spending' | 'size' | 'external';
  current_value: number;
  current_processed: number;
  target_value: number;
  gain: number;
  new_index: number;
  new_rank: number | null;
  new_rank_in_tier: number | null;
  best_value: Num;
  best_gain: Num;
  best_new_index: Num;
  best_new_rank: number | null;
  sentence: string;
}

export interface Improvements {
  unit_id: string;
  unit_name: string;
  index: number;
  rank: number | null;
  rank_in_tier: number | null;
  percentile: number;
  rows: Improvement[];
  skipped: { id: string; reason: string }[];
}

/// A unit typed into the preview form.
export interface FormRow {
  id: string;
  name: string;
  state?: string;
  population?: string;
  zone?: string;
  terrain?: string;
  tags?: string;
  values: Record<string, string>;
}

export type CollisionChoice = 'replace' | 'add-as-new';

/// Everything the preview view shows, in one reply of the worker.
export interface PreviewBundle {
  report: PreviewReport;
  /// My unit in the what-if session.
  unit: string;
  /// The what-if form (only when the session starts or changes unit).
  form: FormSection[] | null;
  explain: Explanation | null;
  improve: Improvements | null;
  /// Why explain/improve could not be computed (e.g. my unit has no index).
  analysisError: string | null;
  result: WhatIfResult | null;
  /// The explanation and priorities are not computed yet (a what-if change: ask `previewAnalyses`).
  pending?: boolean;
  /// Milliseconds the engine spent on a what-if change (for the benchmark).
  engineMs?: number;
}
