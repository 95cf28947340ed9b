// Runs a robustness analysis off the page's thread: the replications split in contiguous ranges
// over several Web Workers (worker-robustness.ts; as many as the machine has cores, at most 4),
// each reporting progress; the parts joined in order; the units' statistics split over the same
// workers by units; the summary made by the main worker's full module. Cancel terminates the workers at once (the next run starts fresh ones). Each
// replication depends only on the seed and its index, so the split changes no number
// (nagar_core::robustness::Engine::run_range, tested).
import type { Engine } from './engine';
import type { RobustnessArrays, RobustnessPart, RobustnessPlan, RobustnessSpec, RobustnessState, RobustnessSummary, RobustnessWorkerReply } from './robustness-types';

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
  arrays: RobustnessArrays;
  summary: RobustnessSummary;
  ms: number;
  workers: number;
  /// Where the time went (ms): the plan and the state, the workers' replications (the slowest
  /// worker, data replay included), joining the parts, the summary.
  phases: { prepare: number; replications: number; join: number; summary: number };
}

export class RobustnessRunner {
  private slots: Slot[] = [];
  private abort: (() => void) | null = null;
  private nextId = 1;

  constructor(private engine: Engine) {}

  get running(): boolean {
    return this.abort !== null;
  }

  cancel(): void {
    const a = this.abort;
    this.abort = null;
    for (const s of this.slots) s.worker.terminate();
    this.slots = [];
    a?.();
  }

  /// Workers made ahead of a run (the view calls this when it opens), so a click only replays data.
  warm(n: number): void {
    while (this.slots.length < n) this.slots.push({ worker: new Worker(new URL('./worker-robustness.ts', import.meta.url), { type: 'module' }), version: -1 });
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
      const done = new Array<number>(k).fill(0);
      onProgress(0, plan.reps);
      const jobs = Array.from({ length: k }, (_, i) => {
        const from = Math.min(plan.reps, i * per);
        const to = Math.min(plan.reps, from + per);
        return this.part(this.slots[i], state, spec, from, to, (d) => {
          done[i] = d;
          if (!cancelled) onProgress(done.reduce((a, b) => a + b, 0), plan.reps);
        });
      });
      const t1 = performance.now();
      const parts = await Promise.race([Promise.all(jobs), stop]);
      const t2 = performance.now();
      const arrays = join(parts, plan);
      const t3 = performance.now();
      // The units' statistics (most of the summary's time) split over the workers by units.
      let unitStats: Float64Array | undefined;
      if (k > 1) {
        const perUnit = Math.ceil(plan.units / k);
        const stats = await Promise.race([
          Promise.all(this.slots.slice(0, k).map((slot, i) => this.stats(slot, spec, arrays, Math.min(plan.units, i * perUnit), Math.min(plan.units, (i + 1) * perUnit)))),
          stop,
        ]);
        unitStats = new Float64Array(stats.reduce((a, x) => a + x.length, 0));
        let at = 0;
        for (const x of stats) {
          unitStats.set(x, at);
          at += x.length;
        }
      }
      const summary = await Promise.race([this.engine.call<RobustnessSummary>({ op: 'robustnessSummary', spec, arrays, unitStats }), stop]);
      const t4 = performance.now();
      return { spec, plan, arrays, summary, ms: t4 - t0, workers: k, phases: { prepare: t1 - t0, replications: t2 - t1, join: t3 - t2, summary: t4 - t3 } };
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

  /// The statistics of units `from..to` in a worker (it holds the data already).
  private stats(slot: Slot, spec: RobustnessSpec, arrays: RobustnessArrays, from: number, to: number): Promise<Float64Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.worker.onmessage = (ev: MessageEvent<RobustnessWorkerReply>) => {
        const m = ev.data;
        if (m.id !== id) return;
        if ('stats' in m) resolve(m.stats);
        else if ('error' in m) {
          const e = new Error(m.error.message);
          e.name = m.error.name;
          reject(e);
        }
      };
      slot.worker.onerror = (ev) => {
        ev.preventDefault();
        slot.version = -1;
        reject(new Error(ev.message || 'a robustness worker stopped'));
      };
      slot.worker.postMessage({ id, state: null, spec, from, to, arrays });
    });
  }

  private part(slot: Slot, state: RobustnessState, spec: RobustnessSpec, from: number, to: number, progress: (done: number) => void): Promise<RobustnessPart> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.worker.onmessage = (ev: MessageEvent<RobustnessWorkerReply>) => {
        const m = ev.data;
        if (m.id !== id) return;
        if ('progress' in m) progress(m.progress);
        else if ('part' in m) {
          slot.version = state.version;
          progress(to - from);
          resolve(m.part);
        } else if ('error' in m) {
          const e = new Error(m.error.message);
          e.name = m.error.name;
          reject(e);
        }
      };
      slot.worker.onerror = (ev) => {
        ev.preventDefault();
        slot.version = -1;
        reject(new Error(ev.message || 'a robustness worker stopped'));
      };
      slot.worker.postMessage({ id, state: slot.version === state.version ? null : state, spec, from, to });
    });
  }
}

/// The parts' arrays joined in replication order.
function join(parts: RobustnessPart[], plan: RobustnessPlan): RobustnessArrays {
  const sorted = [...parts].sort((a, b) => a.first - b.first);
  const cat = <T extends Float64Array | Uint32Array>(make: (n: number) => T, get: (p: RobustnessPart) => T): T => {
    const out = make(sorted.reduce((a, p) => a + get(p).length, 0));
    let at = 0;
    for (const p of sorted) {
      out.set(get(p), at);
      at += get(p).length;
    }
    return out;
  };
  const covered = sorted.reduce((a, p) => a + p.count, 0);
  if (covered !== plan.reps) throw new Error(`the workers computed ${covered} of ${plan.reps} replications`);
  return {
    scores: cat((n) => new Float64Array(n), (p) => p.scores),
    ranks: cat((n) => new Uint32Array(n), (p) => p.ranks),
    groupSizes: cat((n) => new Uint32Array(n), (p) => p.groupSizes),
    failures: sorted.flatMap((p) => p.failures),
  };
}
