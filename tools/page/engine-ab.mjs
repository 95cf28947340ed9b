// Interleaved A/B of two builds of the main wasm module under Node (a tool, not a test): both in
// one process, each in its own instance; `loadData` + `score` + the page's `JSON.parse` of the
// results, 10 runs each first (so that V8 has optimised both), then N each, taking turns.
//   node tools/page/engine-ab.mjs PKG_A PKG_B data.csv [N=30]
// PKG_*: a wasm-bindgen `--target web` output directory with nagar_wasm.js and
// nagar_wasm_bg.wasm (www/pkg/core after scripts/build.sh; copy it aside to keep a build).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [a, b, file, n = 30] = process.argv.slice(2);
async function load(dir) {
  const m = await import(resolve(dir, 'nagar_wasm.js'));
  m.initSync({ module: readFileSync(resolve(dir, 'nagar_wasm_bg.wasm')) });
  const ws = new m.Workspace();
  ws.useBuiltin('mpi-2019');
  return ws;
}
const wa = await load(a);
const wb = await load(b);
const bytes = new Uint8Array(readFileSync(file));
function run(ws) {
  const t0 = performance.now();
  ws.loadData(bytes, 'data.csv');
  const t1 = performance.now();
  const r = ws.score();
  const t2 = performance.now();
  JSON.parse(r.json);
  const t3 = performance.now();
  return [t1 - t0, t2 - t1, t3 - t2, t3 - t0];
}
for (let i = 0; i < 10; i++) (run(wa), run(wb));
const A = [];
const B = [];
for (let i = 0; i < Number(n); i++) {
  if (i % 2) (A.push(run(wa)), B.push(run(wb)));
  else (B.push(run(wb)), A.push(run(wa)));
}
const med = (xs, k) => xs.map((x) => x[k]).sort((p, q) => p - q)[xs.length >> 1].toFixed(1);
for (const [name, X] of [[a, A], [b, B]]) {
  console.log(`${name}: loadData ${med(X, 0)}  score ${med(X, 1)}  JSON.parse ${med(X, 2)}  total ${med(X, 3)} ms (median of ${X.length})`);
}
