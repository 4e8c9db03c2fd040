// Orders a wasm module's functions so that the module compresses smaller.
//
// gzip finds repeats only within the last 32 KB it has read (its window), and the reporter's
// code is several times that:
// two functions that share most of their bytes (the instances of one generic, two builders of
// the dialog) compress as one only when they lie close together. LLVM lays functions out in
// roughly source order, which leaves many such pairs apart. Here the module's function bodies
// are reordered, starting from an order by size and moving each function beside one of the
// functions most like it wherever that makes the deflated code smaller, then the module is
// rewritten in that order: its function and code sections, and every function index in its
// code, exports, element segments, globals and start. Nothing a function does changes, only
// where it lies and the index by which it is called. The order is found again on every build,
// from the bodies as they are, so there is no list to keep up to date; the search is
// deterministic, so the same module comes out each time.
import { readFileSync, writeFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";

import { leb, reader, skipDescriptor } from "./wasm-binary.mjs";

/** Sections by id. */
const IMPORT = 2;
const FUNCTION = 3;
const GLOBAL = 6;
const EXPORT = 7;
const START = 8;
const ELEMENT = 9;
const CODE = 10;

/**
 * Rewrites `wasmFile` with its functions in the order that deflates smallest among those the
 * search tries; returns the code section's deflated bytes before and after.
 */
export function layoutForGzip(wasmFile, { passes = 1 } = {}) {
  const wasm = readFileSync(wasmFile);
  const module = parse(wasm);
  const order = search(module.bodies, passes);
  const out = rewrite(wasm, module, order);
  if (!WebAssembly.validate(out)) throw new Error(`${wasmFile}: the reordered module does not validate`);
  const after = parse(out);
  const codeSize = (m) => deflated(m.bodies);
  const result = { before: codeSize(module), after: codeSize(after) };
  writeFileSync(wasmFile, out);
  return result;
}

const deflated = (bodies) => deflateRawSync(Buffer.concat(bodies), { level: 9, memLevel: 9 }).length;

/** The sections of `wasm` (id, where the contents start and end) and its function bodies. */
function parse(wasm) {
  if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  const r = reader(wasm);
  r.at = 8;
  const sections = [];
  let imported = 0;
  let bodies = null;
  while (r.at < wasm.length) {
    const start = r.at;
    const id = r.byte();
    const size = r.leb();
    const section = { id, start, from: r.at, end: r.at + size };
    sections.push(section);
    if (id === IMPORT) {
      const count = r.leb();
      for (let i = 0; i < count; i++) {
        r.name();
        r.name();
        if (wasm[r.at] === 0) imported++;
        skipDescriptor(r);
      }
    } else if (id === CODE) {
      const count = r.leb();
      bodies = [];
      for (let i = 0; i < count; i++) {
        const length = r.leb();
        bodies.push(wasm.subarray(r.at, r.at + length));
        r.at += length;
      }
    }
    r.at = section.end;
  }
  if (!bodies) throw new Error("the module has no code section");
  if (sections.some((s) => s.id === 0 && customName(wasm, s) === "name")) {
    throw new Error("the module still has its names: lay it out after stripping them");
  }
  return { sections, imported, bodies };
}

function customName(wasm, section) {
  const r = reader(wasm);
  r.at = section.from;
  return r.name();
}

/**
 * An order of `bodies` (a permutation of their indices). Start from the bodies sorted by size,
 * which puts the many small look-alike functions together (or from the compiler's order, if
 * that deflates smaller); then, `passes` times, try each function right after each of the
 * three bodies most like it (by shared 4-byte runs) and keep a move when the deflated whole
 * gets smaller.
 */
function search(bodies, passes) {
  const compilers = bodies.map((_, i) => i);
  const bySize = compilers.toSorted((a, b) => bodies[a].length - bodies[b].length || a - b);
  const size = (order) => deflated(order.map((i) => bodies[i]));
  const [sortedSize, compilersSize] = [size(bySize), size(compilers)];
  let order = sortedSize < compilersSize ? bySize : compilers;
  let best = Math.min(sortedSize, compilersSize);
  const neighbours = similar(bodies, 3);
  for (let pass = 0; pass < passes; pass++) {
    let moved = false;
    for (let f = 0; f < bodies.length; f++) {
      for (const next of neighbours[f]) {
        const without = order.filter((i) => i !== f);
        const candidate = without.toSpliced(without.indexOf(next) + 1, 0, f);
        const candidateSize = size(candidate);
        if (candidateSize < best) {
          best = candidateSize;
          order = candidate;
          moved = true;
          break;
        }
      }
    }
    if (!moved) break;
  }
  return order;
}

/** For each body, the `k` other bodies sharing the most of its 4-byte runs (a MinHash estimate). */
function similar(bodies, k) {
  const HASHES = 48;
  const signatures = bodies.map((body) => {
    const signature = new Uint32Array(HASHES).fill(0xffffffff);
    const grams = body.length < 4 ? [body.length] : Array.from({ length: body.length - 3 }, (_, i) => body.readUInt32LE(i));
    for (const gram of grams) {
      for (let h = 0; h < HASHES; h++) {
        const value = Math.imul(gram ^ Math.imul(h + 1, 0x9e3779b1), 0x85ebca6b) >>> 0;
        const mixed = Math.imul(value ^ (value >>> 13), 0xc2b2ae35) >>> 0;
        if (mixed < signature[h]) signature[h] = mixed;
      }
    }
    return signature;
  });
  return signatures.map((mine, f) => {
    const scored = [];
    signatures.forEach((theirs, g) => {
      if (g === f) return;
      let same = 0;
      for (let h = 0; h < HASHES; h++) if (mine[h] === theirs[h]) same++;
      scored.push([same, -Math.abs(bodies[g].length - bodies[f].length), -g, g]);
    });
    scored.sort((a, b) => b[0] - a[0] || b[1] - a[1] || b[2] - a[2]);
    return scored.slice(0, k).map((s) => s[3]);
  });
}

/** `wasm` with its defined functions in `order` (old positions, new first). */
function rewrite(wasm, module, order) {
  const { imported } = module;
  const newIndex = new Map();
  order.forEach((old, position) => newIndex.set(imported + old, imported + position));
  const remap = (index) => (index < imported ? index : newIndex.get(index));
  const parts = [wasm.subarray(0, 8)];
  for (const section of module.sections) {
    const contents = wasm.subarray(section.from, section.end);
    let rewritten = null;
    switch (section.id) {
      case FUNCTION: rewritten = functionSection(contents, order); break;
      case GLOBAL: rewritten = globalSection(contents, remap); break;
      case EXPORT: rewritten = exportSection(contents, remap); break;
      case START: rewritten = leb(remap(reader(contents).leb())); break;
      case ELEMENT: rewritten = elementSection(contents, remap); break;
      case CODE: rewritten = codeSection(module.bodies, order, remap); break;
    }
    if (rewritten === null) {
      parts.push(wasm.subarray(section.start, section.end));
    } else {
      parts.push(Buffer.from([section.id]), leb(rewritten.length), rewritten);
    }
  }
  return Buffer.concat(parts);
}

function functionSection(contents, order) {
  const r = reader(contents);
  const count = r.leb();
  const types = Array.from({ length: count }, () => r.leb());
  return Buffer.concat([leb(count), ...order.map((old) => leb(types[old]))]);
}

/** A section that is a vector of entries, each rewritten by `entry` from the reader. */
function vectorSection(contents, entry) {
  const r = reader(contents);
  const count = r.leb();
  const out = [leb(count)];
  for (let i = 0; i < count; i++) out.push(...entry(r));
  return Buffer.concat(out);
}

function exportSection(contents, remap) {
  return vectorSection(contents, (r) => {
    const from = r.at;
    r.name();
    const name = contents.subarray(from, r.at);
    const kind = r.byte();
    const index = r.leb();
    return [name, Buffer.from([kind]), leb(kind === 0 ? remap(index) : index)];
  });
}

function globalSection(contents, remap) {
  return vectorSection(contents, (r) => {
    const from = r.at;
    valueType(r);
    r.byte();
    return [contents.subarray(from, r.at), instructions(contents, r, remap)];
  });
}

function elementSection(contents, remap) {
  return vectorSection(contents, (r) => {
    const flags = r.leb();
    const out = [leb(flags)];
    if (flags > 7) throw new Error(`element segment kind ${flags} is unknown`);
    const passiveOrDeclared = flags & 1;
    const explicitTable = flags & 2;
    const expressions = flags & 4;
    if (!passiveOrDeclared) {
      if (explicitTable) out.push(leb(r.leb()));
      out.push(instructions(contents, r, remap));
    }
    if (passiveOrDeclared || explicitTable) {
      const from = r.at;
      if (expressions) valueType(r);
      else r.byte(); // element kind: funcref
      out.push(contents.subarray(from, r.at));
    }
    const items = r.leb();
    out.push(leb(items));
    for (let j = 0; j < items; j++) {
      out.push(expressions ? instructions(contents, r, remap) : leb(remap(r.leb())));
    }
    return out;
  });
}

function codeSection(bodies, order, remap) {
  const out = [leb(bodies.length)];
  for (const old of order) {
    const body = bodies[old];
    const r = reader(body);
    const locals = r.leb();
    for (let i = 0; i < locals; i++) {
      r.leb();
      valueType(r);
    }
    const code = Buffer.concat([body.subarray(0, r.at), instructions(body, r, remap)]);
    if (r.at !== body.length) throw new Error("a function body goes on after its end");
    out.push(leb(code.length), code);
  }
  return Buffer.concat(out);
}

function valueType(r) {
  const type = r.byte();
  // (ref null ht) and (ref ht) carry a heap type; the rest are one byte.
  if (type === 0x63 || type === 0x64) r.leb();
}

/**
 * The instructions from `r.at` to the `end` that closes them (a function body or a constant
 * expression), with every function index in them remapped.
 */
function instructions(buf, r, remap) {
  const out = [];
  let copiedTo = r.at;
  let depth = 1;
  const replaceIndex = () => {
    out.push(buf.subarray(copiedTo, r.at));
    out.push(leb(remap(r.leb())));
    copiedTo = r.at;
  };
  while (depth > 0) {
    const op = r.byte();
    switch (op) {
      case 0x02: case 0x03: case 0x04: // block, loop, if
        blockType(r);
        depth++;
        break;
      case 0x0b: depth--; break; // end
      case 0x0c: case 0x0d: r.leb(); break; // br, br_if
      case 0x0e: { // br_table
        const n = r.leb();
        for (let i = 0; i <= n; i++) r.leb();
        break;
      }
      case 0x10: case 0x12: replaceIndex(); break; // call, return_call
      case 0x11: case 0x13: r.leb(); r.leb(); break; // call_indirect, return_call_indirect
      case 0x1c: { // select with types
        const n = r.leb();
        for (let i = 0; i < n; i++) valueType(r);
        break;
      }
      case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: r.leb(); break;
      case 0x3f: case 0x40: r.leb(); break; // memory.size, memory.grow
      case 0x41: case 0x42: r.leb(); break; // i32.const, i64.const (LEBs: skipped the same)
      case 0x43: r.at += 4; break;
      case 0x44: r.at += 8; break;
      case 0xd0: heapType(r); break; // ref.null
      case 0xd2: replaceIndex(); break; // ref.func
      case 0xfc: prefixed(r); break;
      default:
        if (op >= 0x28 && op <= 0x3e) { // loads and stores: alignment (memory index), offset
          const align = r.leb();
          if (align & 0x40) r.leb();
          r.leb();
        } else if (op <= 0x01 || op === 0x05 || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1) {
          // no immediates
        } else {
          throw new Error(`opcode 0x${op.toString(16)} is not one the layout knows`);
        }
    }
  }
  out.push(buf.subarray(copiedTo, r.at));
  return Buffer.concat(out);
}

function blockType(r) {
  const b = r.byte();
  if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) return;
  if (b === 0x63 || b === 0x64) {
    r.leb();
    return;
  }
  // A type index, as a signed LEB whose first byte was `b`.
  if (b & 0x80) r.leb();
}

function heapType(r) {
  const b = r.byte();
  if (b & 0x80) r.leb();
}

/** The 0xFC instructions: saturating truncation, bulk memory and tables. */
function prefixed(r) {
  const op = r.leb();
  switch (op) {
    case 8: r.leb(); r.byte(); break; // memory.init: data, memory
    case 9: r.leb(); break; // data.drop
    case 10: r.byte(); r.byte(); break; // memory.copy
    case 11: r.byte(); break; // memory.fill
    case 12: case 14: r.leb(); r.leb(); break; // table.init, table.copy
    case 13: case 15: case 16: case 17: r.leb(); break; // elem.drop, table.grow/size/fill
    default:
      if (op > 7) throw new Error(`0xfc ${op} is not one the layout knows`);
  }
}
