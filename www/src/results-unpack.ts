// The results of a scoring run arrive packed (Rust: views::PackedResults, as JSON text): the
// units' text in columns and all their numbers in one Float64Array, which crosses from the
// worker without copying. Here the text is parsed (one string crosses from the worker as one
// copy; the parsed objects took a structured clone on both sides) and they become the
// `Results` the views use: one object per unit, its numbers read from the packed array.
import type { PackedResults, UnitRow } from '../pkg/core/nagar_wasm';

/// Everything the results view shows after one scoring run: `PackedResults` with one object per
/// unit instead of the packed columns.
/// `run` numbers the worker's scoring runs (the reply to `issues` carries the same).
export type Results = Omit<PackedResults, 'unit_text'> & { units: UnitRow[]; run: number };

/// What the worker sends for a scoring run (`Workspace.score`): `PackedResults` as JSON text.
export type ResultsTransfer = { json: string; unit_numbers: Float64Array; run: number };

/// Numbers of a unit before its verticals and sectors (views::UNIT_NUMBER_FIELDS):
/// population, coverage, index, rank, rank in tier.
const FIXED = 5;

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

export function isResultsTransfer(v: unknown): v is ResultsTransfer {
  return (
    typeof v === 'object' &&
    v !== null &&
    'unit_numbers' in v &&
    (v as ResultsTransfer).unit_numbers instanceof Float64Array &&
    typeof (v as ResultsTransfer).json === 'string'
  );
}

/// One unit of a scoring run's results, read from the packed columns. Its text is its own; its
/// numbers are read from the run's Float64Array when asked for, and its verticals' and sectors'
/// scores are made into arrays the first time they are read (the table shows 50 units at a
/// time, so most never are). Made for every unit at once, those arrays and the boxed number of
/// each score took young-generation collections of 7–9 ms a load in a person's first loads of a
/// 5,000-unit file, 3–6 ms now (docs/BENCHMARKS.md, tenth round).
class PackedUnit implements UnitRow {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly zone: string;
  readonly tier: string;
  readonly flag: string;
  /// The run's numbers and their layout, one object for all its units.
  readonly #run: PackedRun;
  /// Where this unit's numbers start in the run's numbers.
  readonly #at: number;
  #verticals: (number | null)[] | undefined;
  #sectors: (number | null)[] | undefined;

  constructor(t: PackedResults['unit_text'], u: number, run: PackedRun) {
    this.id = t.id[u];
    this.name = t.name[u];
    this.state = t.state[u];
    this.zone = t.zone[u];
    this.tier = t.tier[u];
    this.flag = t.flag[u];
    this.#run = run;
    this.#at = u * run.width;
  }
  get population(): number | null {
    return orNull(this.#run.n[this.#at]);
  }
  get coverage(): number {
    return this.#run.n[this.#at + 1];
  }
  get index(): number | null {
    return orNull(this.#run.n[this.#at + 2]);
  }
  get rank(): number | null {
    return orNull(this.#run.n[this.#at + 3]);
  }
  get rank_in_tier(): number | null {
    return orNull(this.#run.n[this.#at + 4]);
  }
  get verticals(): (number | null)[] {
    return (this.#verticals ??= this.#scores(FIXED, this.#run.nv));
  }
  get sectors(): (number | null)[] {
    return (this.#sectors ??= this.#scores(FIXED + this.#run.nv, this.#run.ns));
  }
  #scores(from: number, count: number): (number | null)[] {
    const out: (number | null)[] = new Array(count);
    for (let k = 0; k < count; k++) out[k] = orNull(this.#run.n[this.#at + from + k]);
    return out;
  }
}

/// A run's numbers, `width` a unit (FIXED, then `nv` verticals and `ns` sectors).
type PackedRun = { n: Float64Array; nv: number; ns: number; width: number };

export function unpackResults(p: ResultsTransfer): Results {
  const { unit_text: t, ...rest } = JSON.parse(p.json) as PackedResults;
  const n = p.unit_numbers;
  const nv = rest.verticals.length;
  const ns = rest.sectors.length;
  const run: PackedRun = { n, nv, ns, width: FIXED + nv + ns };
  if (n.length !== t.id.length * run.width) throw new Error(`packed results: ${n.length} numbers for ${t.id.length} units of ${run.width}`);
  // A plain loop: this runs for every unit of every scoring run.
  const count = t.id.length;
  const units: UnitRow[] = new Array(count);
  for (let u = 0; u < count; u++) units[u] = new PackedUnit(t, u, run);
  return { ...rest, units, run: p.run };
}

/// The packed results a worker reply carries: the reply itself, or its `results` field.
function packedIn(v: unknown): ResultsTransfer | null {
  if (isResultsTransfer(v)) return v;
  const r = typeof v === 'object' && v !== null && 'results' in v ? (v as { results: unknown }).results : null;
  return isResultsTransfer(r) ? r : null;
}

/// A worker reply with its packed results unpacked.
export function unpackReply(v: unknown): unknown {
  const p = packedIn(v);
  if (!p) return v;
  return p === v ? unpackResults(p) : { ...(v as object), results: unpackResults(p) };
}

/// The buffers a reply can hand over instead of copying.
export function transferables(v: unknown): Transferable[] {
  if (v instanceof Uint8Array) return [v.buffer as ArrayBuffer];
  const p = packedIn(v);
  return p ? [p.unit_numbers.buffer as ArrayBuffer] : [];
}
