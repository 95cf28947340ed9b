// Removes the debugging custom sections ("name", "producers") from .wasm files, in place.
// They only help debuggers; dropping them after wasm-bindgen (not with `strip = true`, which
// would also drop the `target_features` section wasm-bindgen reads) saves about a fifth.
import { readFileSync, writeFileSync } from 'node:fs';

function leb(b, i) {
  let r = 0, s = 0, x;
  do {
    x = b[i++];
    r |= (x & 0x7f) << s;
    s += 7;
  } while (x & 0x80);
  return [r >>> 0, i];
}

for (const file of process.argv.slice(2)) {
  const b = readFileSync(file);
  const keep = [b.subarray(0, 8)];
  let i = 8;
  while (i < b.length) {
    const start = i;
    const id = b[i++];
    const [size, body] = leb(b, i);
    i = body + size;
    if (id === 0) {
      const [len, at] = leb(b, body);
      const name = b.subarray(at, at + len).toString('utf8');
      if (name === 'name' || name === 'producers') continue;
    }
    keep.push(b.subarray(start, i));
  }
  writeFileSync(file, Buffer.concat(keep));
}
