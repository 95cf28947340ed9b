// The worker's warm-up and the main module's memory (a tool, not a test): the demo file made,
// then ROUNDS rounds of the warm-up (the demo loaded and scored 16 times on a throwaway
// Workspace, then freed: www/src/worker.ts, `warmUp`), then a data file on the user's
// Workspace; the module's memory after each. With ROUNDS=0: the same file with no warm-up.
//   node tools/page/warmup-memory.mjs www/pkg/core [data.csv]     (ROUNDS=5 by default)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [dir, file] = process.argv.slice(2);
const m = await import(resolve(dir, 'nagar_wasm.js'));
const wasm = m.initSync({ module: readFileSync(resolve(dir, 'nagar_wasm_bg.wasm')) });
const mem = () => `${(wasm.memory.buffer.byteLength / 1048576).toFixed(2)} MiB`;
const ws = new m.Workspace();
ws.useBuiltin('mpi-2019');
const demo = new TextEncoder().encode(ws.demoCsv(120, 2019));
console.log('after the start and the demo file:', mem());
for (let round = 0; round < Number(process.env.ROUNDS ?? 5); round++) {
  const w = new m.Workspace();
  w.useBuiltin('mpi-2019');
  for (let i = 0; i < 16; i++) {
    w.loadData(demo, 'demo.csv');
    w.score();
  }
  w.free();
  console.log(`after warm-up round ${round + 1}:`, mem());
}
if (file) {
  ws.loadData(new Uint8Array(readFileSync(file)), 'data.csv');
  ws.score();
  console.log('after the file on the user Workspace:', mem());
}
