// The little of the WebAssembly binary format the build's scripts read: unsigned LEB128 numbers
// and the module's sections (id, where its content starts and ends, and a custom section's name).

/// The unsigned LEB128 number at `i`, and where the next field starts.
export function leb(b, i) {
  let r = 0, s = 0, x;
  do {
    x = b[i++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return [r, i];
}

/// Every section of module `b`: `{ id, start, body, end, name }` (`start` at the id byte,
/// `body` at the content, `name` for custom sections, id 0).
export function* sections(b) {
  let i = 8;
  while (i < b.length) {
    const start = i;
    const id = b[i++];
    const [size, body] = leb(b, i);
    i = body + size;
    let name;
    if (id === 0) {
      const [len, at] = leb(b, body);
      name = Buffer.from(b.subarray(at, at + len)).toString('utf8');
    }
    yield { id, start, body, end: i, name };
  }
}
