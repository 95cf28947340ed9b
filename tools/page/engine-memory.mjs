// Memory of the main wasm module's engine under Node (a tool, not a test): the size of its
// `WebAssembly.Memory` at start, after `loadData` and after `score` of a data file with the
// built-in MPI 2019 framework (docs/BENCHMARKS.md, seventh round of the engine).
//   node tools/page/engine-memory.mjs PKG data.csv
// PKG: a wasm-bindgen `--target web` output directory (www/pkg/core after scripts/build.sh).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
const [dir, file] = process.argv.slice(2);
const m = await import(resolve(dir, 'nagar_wasm.js'));
const ex = m.initSync({ module: readFileSync(resolve(dir, 'nagar_wasm_bg.wasm')) });
const ws = new m.Workspace();
ws.useBuiltin('mpi-2019');
const bytes = new Uint8Array(readFileSync(file));
const mb = () => (ex.memory.buffer.byteLength / 1048576).toFixed(1);
const a = mb();
ws.loadData(bytes, 'data.csv');
const b = mb();
ws.score();
console.log(`${dir}: memory ${a} MB at start, ${b} MB after loadData, ${mb()} MB after score`);
