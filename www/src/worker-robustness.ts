// A robustness worker: runs a range of the replications of an uncertainty or sensitivity
// analysis (nagar_core::robustness) in its own copy of the full module, so that several can run
// at once on several cores, and so that Cancel can stop them at once (the page terminates them;
// its previous results are held by the page, not here). The framework, data and options are
// replayed from the main worker's state (robustness-run.ts); each replication depends only on
// the seed and its index, so the split changes no number.
import type { Workspace } from '../pkg/full/nagar_full.js';
import type { RobustnessPart, RobustnessPlan, RobustnessPrimeRequest, RobustnessSpec, RobustnessState, RobustnessWorkerReply, RobustnessWorkerRequest } from './robustness-types';

type Full = typeof import('../pkg/full/nagar_full.js');

let full: Promise<Full> | null = null;
let ws: Workspace | null = null;
let version = -1;

async function workspace(state: RobustnessState | null): Promise<Workspace> {
  if (!full) {
    full = import('../pkg/full/nagar_full.js').then(async (m) => {
      await m.default();
      return m;
    });
  }
  const m = await full;
  if (state && state.version !== version) {
    const w = new m.Workspace();
    const f = state.framework;
    w.loadFrameworkValue(f.value, f.bytes, f.name);
    const d = state.data;
    if ('table' in d) w.loadTable(d.table);
    else w.loadData(d.bytes, d.name);
    if (state.options) w.setOptions(state.options);
    w.run();
    ws?.free();
    ws = w;
    version = state.version;
  }
  if (!ws) throw new Error('the robustness worker has no data');
  return ws;
}

/// Replications to warm up with.
const WARM_N = 20;

/// A short run of the analysis the form shows (N = 20, or the first 20 replications of a
/// replayed design), and its statistics, while the person reads the settings. The engine keeps
/// the stages it computed (normalised columns, the nominal plan), and V8 compiles the hot
/// functions with its optimising tier: wasm code starts in the baseline compiler and is
/// recompiled only once it has run a while, which made the first click about 0.3 s slower than
/// the next ones (docs/BENCHMARKS.md). Nothing of it is kept: every replication depends only on
/// the seed and its index. A failure is left to the real run, which reports it.
function warmUp(w: Workspace, spec: RobustnessSpec): void {
  try {
    const s: RobustnessSpec = spec.design ? spec : { ...spec, n: Math.min(spec.n, WARM_N) };
    const plan = w.robustnessPlan(s) as RobustnessPlan;
    const to = Math.min(plan.reps, spec.design ? WARM_N : plan.reps);
    const part = w.robustnessRun(s, 0, to, undefined, spec.design ? undefined : Uint32Array.of(0, plan.units)) as RobustnessPart;
    const c = part.columns?.[0];
    if (c) w.robustnessUnitStats(s, [c], part.groupSizes, part.failures, 0, plan.units);
  } catch {
    // Settings the run will refuse, with its message.
  }
}

self.onmessage = async (ev: MessageEvent<RobustnessWorkerRequest | RobustnessPrimeRequest>) => {
  const req = ev.data;
  let reply: RobustnessWorkerReply;
  try {
    if ('prime' in req) {
      const w = await workspace(req.state);
      if (req.spec) warmUp(w, req.spec);
      postMessage({ id: req.id, primed: req.state.version } satisfies RobustnessWorkerReply);
      return;
    }
    const w = await workspace(req.state);
    if (req.stats) {
      const x = req.stats;
      const stats = w.robustnessUnitStats(req.spec, x.columns, x.groupSizes, x.failures, req.from, req.to);
      postMessage({ id: req.id, stats } satisfies RobustnessWorkerReply, { transfer: [stats.buffer as ArrayBuffer] });
      return;
    }
    const part = w.robustnessRun(
      req.spec,
      req.from,
      req.to,
      (done: number) => {
        postMessage({ id: req.id, progress: done } satisfies RobustnessWorkerReply);
      },
      req.unitRanges,
    ) as RobustnessPart;
    reply = { id: req.id, part };
    // Every array handed over, not copied.
    const buffers = [part.scores, part.ranks, part.groupSizes, part.output, ...(part.columns ?? []).flatMap((c) => [c.ranks, c.scores])];
    postMessage(reply, { transfer: buffers.filter((b) => b !== undefined).map((b) => b.buffer as ArrayBuffer) });
    return;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { id: req.id, error: { name: err.name, message: err.message } };
  }
  postMessage(reply);
};
