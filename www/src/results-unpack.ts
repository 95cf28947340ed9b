// The results of a scoring run arrive packed (Rust: views::PackedResults, as JSON text): the
// units' text in columns and all their numbers in one Float64Array, which crosses from the
// worker without copying. Here the text is parsed (one string crosses from the worker as one
// copy; the parsed objects took a structured clone on both sides) and they become the
// `Results` the views use: one object per unit.
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

export function unpackResults(p: ResultsTransfer): Results {
  const { unit_text: t, ...rest } = JSON.parse(p.json) as PackedResults;
  const n = p.unit_numbers;
  const nv = rest.verticals.length;
  const ns = rest.sectors.length;
  const width = FIXED + nv + ns;
  if (n.length !== t.id.length * width) throw new Error(`packed results: ${n.length} numbers for ${t.id.length} units of ${width}`);
  // Plain loops: this runs for every unit of every scoring run (5,000 units in Chromium:
  // 21–29 ms with Array.from and callbacks, 4–13 ms with loops).
  const count = t.id.length;
  const units: UnitRow[] = new Array(count);
  for (let u = 0; u < count; u++) {
    const o = u * width;
    const verticals: (number | null)[] = new Array(nv);
    for (let k = 0; k < nv; k++) verticals[k] = orNull(n[o + FIXED + k]);
    const sectors: (number | null)[] = new Array(ns);
    for (let k = 0; k < ns; k++) sectors[k] = orNull(n[o + FIXED + nv + k]);
    units[u] = {
      id: t.id[u],
      name: t.name[u],
      state: t.state[u],
      zone: t.zone[u],
      tier: t.tier[u],
      population: orNull(n[o]),
      coverage: n[o + 1],
      index: orNull(n[o + 2]),
      rank: orNull(n[o + 3]),
      rank_in_tier: orNull(n[o + 4]),
      flag: t.flag[u],
      verticals,
      sectors,
    };
  }
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
