// Runs a robustness analysis off the page's thread, on several Web Workers
// (worker-robustness.ts; one per core the browser reports, at most 4, kept warm between runs):
// 1. each worker computes a contiguous range of the replications and hands back, for each
//    worker's range of units, those units' values over its replications unit-major (transferred
//    ArrayBuffers, no copies), and for a sensitivity analysis each replication's output;
// 2. each worker computes the statistics of its range of units from every worker's columns of
//    that range (no array of every replication is ever made, none is copied to a worker);
// 3. the main worker's full module makes the summary from the units' statistics and the outputs.
// Cancel terminates the workers at once (the next run starts fresh ones). Each replication
// depends only on the seed and its index, and the statistics of a unit only on its values in
// replication order, so the split changes no number (nagar_core::robustness::Engine::run_range,
// unit_stats_of_columns; tested). The parts' whole arrays (for the exports) are joined only
// when an export asks for them.
import type { Engine } from './engine';
import type { RobustnessArrays, RobustnessColumns, RobustnessPart, RobustnessPlan, RobustnessSpec, RobustnessState, RobustnessSummary, RobustnessWorkerReply } from './robustness-types';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

interface Slot {
  worker: Worker;
  version: number;
}

/// Fewer replications than this per worker are not worth another copy of the data.
const MIN_PER_WORKER = 100;

export function workerCount(reps: number): number {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  return Math.max(1, Math.min(4, cores, Math.floor(reps / MIN_PER_WORKER)));
}

export interface RunResult {
  spec: RobustnessSpec;
  plan: RobustnessPlan;
  /// Every replication's arrays (the exports), the parts joined on first use.
  arrays: () => RobustnessArrays;
  summary: RobustnessSummary;
  ms: number;
  workers: number;
  /// Where the time went (ms): the plan and the state, the workers' replications (the slowest
  /// worker, data replay and handing the columns over included), the units' statistics in the
  /// workers, the summary in the main worker.
  phases: { prepare: number; replications: number; stats: number; summary: number };
}

export class RobustnessRunner {
  private slots: Slot[] = [];
  private abort: (() => void) | null = null;
  private nextId = 1;
  private priming = false;

  constructor(private engine: Engine) {}

  get running(): boolean {
    return this.abort !== null;
  }

  cancel(): void {
    const a = this.abort;
    this.abort = null;
    for (const s of this.slots) s.worker.terminate();
    this.slots = [];
    this.priming = false;
    a?.();
  }

  /// Workers made ahead of a run (the view calls this when it opens), so a click only replays data.
  warm(n: number): void {
    while (this.slots.length < n) this.slots.push({ worker: new Worker(new URL('./worker-robustness.ts', import.meta.url), { type: 'module' }), version: -1 });
  }

  /// Workers made and given the data ahead of a run (the view calls this when it opens, while
  /// the person reads the form): each loads the full module, reads the data and scores it once,
  /// then runs a short version of `spec` (N = 20) to warm up, so that a click only runs the
  /// replications, in code the browser has already optimised. A run that starts before a worker is ready
  /// sends it the data again (the worker reads it once); a failure here is left to the run.
  /// The main worker's copy of the full module (plan and summary) is readied too, by planning
  /// `spec`.
  async prime(n: number, spec: RobustnessSpec): Promise<void> {
    this.warm(n);
    if (this.priming || this.abort) return;
    this.priming = true;
    try {
      const state = await this.engine.call<RobustnessState>({ op: 'robustnessState' });
      const plan = this.engine.call<RobustnessPlan>({ op: 'robustnessPlan', spec }).catch(() => undefined);
      const slots = this.slots.slice(0, n).filter((s) => s.version !== state.version);
      await Promise.all(
        slots.map(
          (slot) =>
            new Promise<void>((resolve) => {
              const id = this.nextId++;
              const listen = (ev: MessageEvent<RobustnessWorkerReply>) => {
                if (ev.data.id !== id) return;
                slot.worker.removeEventListener('message', listen);
                if ('primed' in ev.data) slot.version = ev.data.primed;
                resolve();
              };
              slot.worker.addEventListener('message', listen);
              slot.worker.postMessage({ id, prime: true, state, spec });
            }),
        ),
      );
      await plan;
    } catch {
      // No data yet, or a worker that failed: the run reports it.
    } finally {
      this.priming = false;
    }
  }

  async run(spec: RobustnessSpec, onProgress: (done: number, total: number) => void, workers?: number): Promise<RunResult> {
    if (this.abort) throw new Error('an analysis is already running');
    const t0 = performance.now();
    let cancelled = false;
    const stop = new Promise<never>((_, reject) => {
      this.abort = () => {
        cancelled = true;
        reject(new Cancelled());
      };
    });
    stop.catch(() => undefined);
    try {
      const plan = await Promise.race([this.engine.call<RobustnessPlan>({ op: 'robustnessPlan', spec }), stop]);
      const state = await Promise.race([this.engine.call<RobustnessState>({ op: 'robustnessState' }), stop]);
      const k = Math.min(workers ?? workerCount(plan.reps), Math.max(1, plan.reps));
      this.warm(k);
      const per = Math.ceil(plan.reps / k);
      const perUnit = Math.ceil(plan.units / k);
      const bounds = Uint32Array.from({ length: k + 1 }, (_, j) => Math.min(plan.units, j * perUnit));
      const done = new Array<number>(k).fill(0);
      onProgress(0, plan.reps);
      const jobs = Array.from({ length: k }, (_, i) => {
        const from = Math.min(plan.reps, i * per);
        const to = Math.min(plan.reps, from + per);
        return this.part(this.slots[i], state, spec, from, to, bounds, (d) => {
          done[i] = d;
          if (!cancelled) onProgress(done.reduce((a, b) => a + b, 0), plan.reps);
        });
      });
      const t1 = performance.now();
      const parts = (await Promise.race([Promise.all(jobs), stop])).sort((a, b) => a.first - b.first);
      const covered = parts.reduce((a, p) => a + p.count, 0);
      if (covered !== plan.reps) throw new Error(`the workers computed ${covered} of ${plan.reps} replications`);
      const t2 = performance.now();
      const failures = parts.flatMap((p) => p.failures);
      const groupSizes = cat((n) => new Uint32Array(n), parts.map((p) => p.groupSizes));
      const output = plan.kind === 'sa' ? cat((n) => new Float64Array(n), parts.map((p) => p.output ?? new Float64Array(0))) : undefined;
      // The units' statistics: worker j takes units bounds[j]..bounds[j+1], from every part's
      // columns of them.
      const stats = await Promise.race([
        Promise.all(
          this.slots.slice(0, k).map((slot, j) => {
            const columns = parts.map((p) => {
              const c = p.columns?.[j];
              if (!c) throw new Error('a robustness worker sent no columns');
              return c;
            });
            return this.stats(slot, spec, columns, groupSizes, failures, bounds[j], bounds[j + 1]);
          }),
        ),
        stop,
      ]);
      const unitStats = cat((n) => new Float64Array(n), stats);
      for (const p of parts) delete p.columns;
      const t3 = performance.now();
      const summary = await Promise.race([this.engine.call<RobustnessSummary>({ op: 'robustnessSummary', spec, output, failures, unitStats }), stop]);
      const t4 = performance.now();
      let joined: RobustnessArrays | null = null;
      const arrays = () => (joined ??= join(parts, plan));
      return { spec, plan, arrays, summary, ms: t4 - t0, workers: k, phases: { prepare: t1 - t0, replications: t2 - t1, stats: t3 - t2, summary: t4 - t3 } };
    } catch (e) {
      // A worker that failed (a trap leaves its module unusable) is not used again.
      if (!(e instanceof Cancelled) && !(e instanceof Error && e.name === 'SettingsError')) {
        for (const s of this.slots) s.worker.terminate();
        this.slots = [];
      }
      throw e;
    } finally {
      this.abort = null;
    }
  }

  /// The statistics of units `from..to` in a worker (it holds the data already), from every
  /// part's columns of those units (handed over, not copied).
  private stats(slot: Slot, spec: RobustnessSpec, columns: RobustnessColumns[], groupSizes: Uint32Array, failures: { rep: number; message: string }[], from: number, to: number): Promise<Float64Array> {
    const transfer = columns.flatMap((c) => [c.ranks.buffer as ArrayBuffer, c.scores.buffer as ArrayBuffer]);
    return this.ask(slot, { state: null, spec, from, to, stats: { columns, groupSizes, failures } }, transfer, (m) => ('stats' in m ? m.stats : undefined));
  }

  private part(slot: Slot, state: RobustnessState, spec: RobustnessSpec, from: number, to: number, unitRanges: Uint32Array, progress: (done: number) => void): Promise<RobustnessPart> {
    const message = { state: slot.version === state.version ? null : state, spec, from, to, unitRanges };
    return this.ask(slot, message, [], (m) => {
      if ('progress' in m) progress(m.progress);
      else if ('part' in m) {
        slot.version = state.version;
        progress(to - from);
        return m.part;
      }
      return undefined;
    });
  }

  /// One request to a worker: `pick` turns a reply to it into the result (undefined: not yet, as
  /// for progress); an error reply, or the worker failing, rejects (and the worker is then
  /// given the data again before its next request).
  private ask<T>(slot: Slot, message: object, transfer: Transferable[], pick: (m: RobustnessWorkerReply) => T | undefined): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.worker.onmessage = (ev: MessageEvent<RobustnessWorkerReply>) => {
        const m = ev.data;
        if (m.id !== id) return;
        if ('error' in m) {
          const e = new Error(m.error.message);
          e.name = m.error.name;
          reject(e);
          return;
        }
        const r = pick(m);
        if (r !== undefined) resolve(r);
      };
      slot.worker.onerror = (ev) => {
        ev.preventDefault();
        slot.version = -1;
        reject(new Error(ev.message || 'a robustness worker stopped'));
      };
      slot.worker.postMessage({ id, ...message }, { transfer });
    });
  }
}

/// Arrays joined end to end.
function cat<T extends Float64Array | Uint32Array>(make: (n: number) => T, xs: T[]): T {
  const out = make(xs.reduce((a, x) => a + x.length, 0));
  let at = 0;
  for (const x of xs) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/// The parts' arrays (in replication order) joined.
function join(parts: RobustnessPart[], plan: RobustnessPlan): RobustnessArrays {
  const covered = parts.reduce((a, p) => a + p.count, 0);
  if (covered !== plan.reps) throw new Error(`the workers computed ${covered} of ${plan.reps} replications`);
  return {
    scores: cat((n) => new Float64Array(n), parts.map((p) => p.scores)),
    ranks: cat((n) => new Uint32Array(n), parts.map((p) => p.ranks)),
    groupSizes: cat((n) => new Uint32Array(n), parts.map((p) => p.groupSizes)),
    failures: parts.flatMap((p) => p.failures),
  };
}
