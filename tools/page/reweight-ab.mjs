// Interleaved A/B of two builds of the main wasm module under Node (a tool, not a test): a file
// loaded and scored once, then the vertical weights changed and the data scored again, as a
// weight slider's move does in the page (`setOptions` + `score`); 10 moves each first, then N
// each, taking turns. Prints the median and the fastest per build.
//   node tools/page/reweight-ab.mjs PKG_A PKG_B data.csv [N=30]
// PKG_*: as for engine-ab.mjs (a wasm-bindgen `--target web` output directory).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [a, b, file, n = 30] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file));
async function load(dir) {
  const m = await import(resolve(dir, 'nagar_wasm.js'));
  m.initSync({ module: readFileSync(resolve(dir, 'nagar_wasm_bg.wasm')) });
  const ws = new m.Workspace();
  const fw = ws.useBuiltin('mpi-2019');
  ws.loadData(bytes, 'data.csv');
  ws.score();
  return { ws, verticals: fw.verticals };
}
const builds = [await load(a), await load(b)];
let move = 0;
function run({ ws, verticals }) {
  const weights = Object.fromEntries(verticals.map((v, k) => [v.id, v.weight * (1 + ((move + k) % 5) / 10)]));
  move++;
  const t0 = performance.now();
  ws.setOptions({ weights });
  ws.score();
  return performance.now() - t0;
}
for (let i = 0; i < 10; i++) builds.forEach(run);
const times = [[], []];
for (let i = 0; i < Number(n); i++) {
  const order = i % 2 ? [0, 1] : [1, 0];
  for (const k of order) times[k].push(run(builds[k]));
}
for (const [k, name] of [a, b].entries()) {
  const s = times[k].sort((x, y) => x - y);
  console.log(`${name}: weights changed, setOptions + score: median ${s[s.length >> 1].toFixed(1)} ms, fastest ${s[0].toFixed(1)} ms (${s.length} moves)`);
}
