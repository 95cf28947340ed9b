// CPU time (not wall time: the machine is shared) of the page's robustness engine, the full
// WebAssembly module as built for the page (www/pkg/full), under Node on one thread: MPI 2019,
// 5,000 synthetic ULBs, the Robustness view's default UA (N = 1,000: weights ±25% at vertical
// and sector level, three missing-data policies) and SA d = 4, N = 250 (1,500 replications),
// each as one range and split in two halves (what two workers each compute), the units'
// statistics of each half of the units from the two halves' columns, and the summary.
//   node tests/e2e/bench-robustness-cpu.mjs   (after `npm run build`; NAGAR_CLI=path/to/nagar)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tmp } from './lib.mjs';

const CLI = process.env.NAGAR_CLI ?? [join(ROOT, 'target/release/nagar'), join(ROOT, 'target/debug/nagar')].find((p) => existsSync(p));
const RUNS = Number(process.env.RUNS ?? 3);
const dir = tmp('nagar-bench-rbcpu-');
const big = join(dir, 'mpi-5000.csv');
execFileSync(CLI, ['demo', '--ulbs', '5000', '--out', big], { stdio: 'ignore' });
const fwToml = join(dir, 'mpi.json');

const full = await import(join(ROOT, 'www/pkg/full/nagar_full.js'));
await full.default({ module_or_path: readFileSync(join(ROOT, 'www/pkg/full/nagar_full_bg.wasm')) });
// The built-in framework, as the main module hands it over (read here from its TOML file).
const fwBytes = readFileSync(join(ROOT, 'frameworks/mpi-2019.toml'));
const ws = new full.Workspace();
ws.loadFrameworkValue(full.readFramework(fwBytes, 'mpi-2019.toml'), fwBytes, 'mpi-2019.toml');
ws.loadData(readFileSync(big), 'mpi-5000.csv');
ws.run();

const cpu = (f) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = f();
  const c = process.cpuUsage(c0);
  return { out, cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const specs = {
  'UA, N = 1,000': { type: 'ua', n: 1000, seed: 1, nboot: 0, top_n: 20, weights: [{ levels: [2, 3], noise: 0.25 }], missing: ['reweight', 'mean', 'worst'] },
  'SA, d = 4, N = 250': {
    type: 'sa', n: 250, seed: 1, nboot: 200, top_n: 20,
    weights: [{ levels: [3], noise: 0.25 }, { levels: [2], noise: 0.25 }], missing: ['reweight', 'mean', 'worst'], normalise: ['zscore', 'minmax:0,100'],
  },
};
console.log(`Node ${process.version}, one thread, CPU time (user + system), median of ${RUNS}; load average (1 min) ${(await import('node:os')).loadavg()[0].toFixed(1)}.\n`);
console.log('| analysis | replications | all in one range (with the columns of 2 unit ranges) | first half | second half | unit statistics, first half of the units | second half | summary |');
console.log('|---|---|---|---|---|---|---|---|');
const cat = (make, xs) => {
  const out = make(xs.reduce((a, x) => a + x.length, 0));
  let at = 0;
  for (const x of xs) {
    out.set(x, at);
    at += x.length;
  }
  return out;
};
for (const [name, spec] of Object.entries(specs)) {
  const plan = ws.robustnessPlan(spec);
  const reps = plan.reps;
  const half = Math.ceil(reps / 2);
  const hu = Math.ceil(plan.units / 2);
  const bounds = Uint32Array.from([0, hu, plan.units]);
  const one = [], a = [], b = [], ua = [], ub = [], sum = [];
  for (let i = 0; i < RUNS; i++) {
    one.push(cpu(() => ws.robustnessRun(spec, 0, reps, undefined, bounds)).cpu);
    const pa = cpu(() => ws.robustnessRun(spec, 0, half, undefined, bounds));
    const pb = cpu(() => ws.robustnessRun(spec, half, reps, undefined, bounds));
    a.push(pa.cpu);
    b.push(pb.cpu);
    const parts = [pa.out, pb.out];
    const failures = parts.flatMap((p) => p.failures);
    const sizes = cat((n) => new Uint32Array(n), parts.map((p) => p.groupSizes));
    const sa = cpu(() => ws.robustnessUnitStats(spec, parts.map((p) => p.columns[0]), sizes, failures, 0, hu));
    const sb = cpu(() => ws.robustnessUnitStats(spec, parts.map((p) => p.columns[1]), sizes, failures, hu, plan.units));
    ua.push(sa.cpu);
    ub.push(sb.cpu);
    const output = plan.kind === 'sa' ? cat((n) => new Float64Array(n), parts.map((p) => p.output)) : undefined;
    const stats = cat((n) => new Float64Array(n), [sa.out, sb.out]);
    sum.push(cpu(() => ws.robustnessSummary(spec, output, failures, stats)).cpu);
  }
  const f = (xs) => `${Math.round(median(xs))} ms`;
  console.log(`| ${name} | ${reps} | ${f(one)} | ${f(a)} | ${f(b)} | ${f(ua)} | ${f(ub)} | ${f(sum)} |`);
}
