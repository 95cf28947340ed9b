// Removes the debugging custom sections ("name", "producers") from .wasm files, in place.
// They only help debuggers; dropping them after wasm-bindgen (not with `strip = true`, which
// would also drop the `target_features` section wasm-bindgen reads) saves about a fifth.
import { readFileSync, writeFileSync } from 'node:fs';
import { sections } from './wasm-sections.mjs';

for (const file of process.argv.slice(2)) {
  const b = readFileSync(file);
  const keep = [b.subarray(0, 8)];
  for (const sec of sections(b)) {
    if (sec.name === 'name' || sec.name === 'producers') continue;
    keep.push(b.subarray(sec.start, sec.end));
  }
  writeFileSync(file, Buffer.concat(keep));
}
