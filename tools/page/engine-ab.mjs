// Interleaved A/B of two builds of the main wasm module under Node (a tool, not a test): both in
// one process, each in its own instance; 10 runs each first (so that V8 has optimised both), then
// N each, taking turns.
//   node tools/page/engine-ab.mjs PKG_A PKG_B data.csv [N=30]
//     `loadData` + `score` + the page's `JSON.parse` of the results.
//   node tools/page/engine-ab.mjs --reweight PKG_A PKG_B data.csv [N=30]
//     the file loaded and scored once, then the vertical weights changed and the data scored
//     again, as a weight slider's move does in the page (`setOptions` + `score`).
// PKG_*: a wasm-bindgen `--target web` output directory with nagar_wasm.js and
// nagar_wasm_bg.wasm (www/pkg/core after scripts/build.sh; copy it aside to keep a build).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const reweight = args[0] === '--reweight';
const [a, b, file, n = 30] = reweight ? args.slice(1) : args;
const bytes = new Uint8Array(readFileSync(file));
async function load(dir) {
  const m = await import(resolve(dir, 'nagar_wasm.js'));
  m.initSync({ module: readFileSync(resolve(dir, 'nagar_wasm_bg.wasm')) });
  const ws = new m.Workspace();
  const fw = ws.useBuiltin('mpi-2019');
  if (reweight) {
    ws.loadData(bytes, 'data.csv');
    ws.score();
  }
  return { ws, verticals: fw.verticals };
}

// One run: its times in ms (the last is the total).
function scoreRun({ ws }) {
  const t0 = performance.now();
  ws.loadData(bytes, 'data.csv');
  const t1 = performance.now();
  const r = ws.score();
  const t2 = performance.now();
  JSON.parse(r.json);
  const t3 = performance.now();
  return [t1 - t0, t2 - t1, t3 - t2, t3 - t0];
}
let move = 0;
function reweightRun({ ws, verticals }) {
  const weights = Object.fromEntries(verticals.map((v, k) => [v.id, v.weight * (1 + ((move + k) % 5) / 10)]));
  move++;
  const t0 = performance.now();
  ws.setOptions({ weights });
  ws.score();
  return [performance.now() - t0];
}
const run = reweight ? reweightRun : scoreRun;

const builds = [await load(a), await load(b)];
for (let i = 0; i < 10; i++) builds.forEach(run);
const times = [[], []];
for (let i = 0; i < Number(n); i++) {
  for (const k of i % 2 ? [0, 1] : [1, 0]) times[k].push(run(builds[k]));
}
const med = (xs, k) => xs.map((x) => x[k]).sort((p, q) => p - q)[xs.length >> 1].toFixed(1);
const min = (xs, k) => Math.min(...xs.map((x) => x[k])).toFixed(1);
for (const [k, name] of [a, b].entries()) {
  const X = times[k];
  if (reweight) {
    console.log(`${name}: weights changed, setOptions + score: median ${med(X, 0)} ms, fastest ${min(X, 0)} ms (${X.length} moves)`);
  } else {
    console.log(`${name}: loadData ${med(X, 0)}  score ${med(X, 1)}  JSON.parse ${med(X, 2)}  total ${med(X, 3)} ms (median of ${X.length})`);
  }
}
