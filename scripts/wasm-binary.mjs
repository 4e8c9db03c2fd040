// Reading and rewriting the sections of a wasm module's binary, for the build's passes over
// the modules wasm-bindgen and wasm-opt wrote (scripts/wasm-names.mjs, scripts/wasm-layout.mjs).

/**
 * A copy of `wasm` in which section `id` is what `rewrite` makes of it: `rewrite` reads the
 * section's contents from the reader it is given, all of them, and returns the new ones.
 */
export function rewriteSection(wasm, id, rewrite) {
  if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  const r = reader(wasm);
  r.at = 8;
  const parts = [wasm.subarray(0, 8)];
  while (r.at < wasm.length) {
    const start = r.at;
    const sectionId = r.byte();
    const size = r.leb();
    const end = r.at + size;
    if (sectionId !== id) {
      parts.push(wasm.subarray(start, end));
      r.at = end;
      continue;
    }
    const section = rewrite(r);
    if (r.at !== end) throw new Error(`section ${id} did not read to its end`);
    parts.push(Buffer.from([id]), leb(section.length), section);
  }
  return Buffer.concat(parts);
}

export function skipDescriptor(r) {
  const kind = r.byte();
  switch (kind) {
    case 0: // function: its type
      r.leb();
      break;
    case 1: // table: element type, then limits
      r.byte();
      limits(r);
      break;
    case 2: // memory
      limits(r);
      break;
    case 3: // global: value type, mutability
      r.byte();
      r.byte();
      break;
    case 4: // tag: attribute, type
      r.byte();
      r.leb();
      break;
    default:
      throw new Error(`unknown import kind ${kind}`);
  }
}

function limits(r) {
  const flags = r.leb();
  r.leb();
  if (flags & 1) r.leb();
}

export function reader(buf) {
  const r = {
    at: 0,
    byte() {
      if (r.at >= buf.length) throw new Error("the wasm ends early");
      return buf[r.at++];
    },
    leb() {
      let value = 0;
      let shift = 0;
      for (;;) {
        const b = r.byte();
        value += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) return value;
      }
    },
    name() {
      const len = r.leb();
      const text = buf.subarray(r.at, r.at + len).toString("utf8");
      r.at += len;
      return text;
    },
  };
  return r;
}

export function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

export function nameBytes(text) {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([leb(bytes.length), bytes]);
}
