// The build's reordering of wasm functions for gzip (scripts/wasm-layout.mjs): a module laid
// out anew must do exactly what it did, through every way a function is reached by index.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import binaryen from "binaryen";

import { reader } from "../../scripts/wasm-binary.mjs";
import { layoutForGzip } from "../../scripts/wasm-layout.mjs";

// Functions defined largest first, so that the layout (which starts from an order by size)
// moves every one of them. They are reached by direct call, through a table filled by an
// active and a passive element segment, through a `ref.func` in a global and in code, by
// export and from the start function.
const WAT = `
(module
  (import "env" "base" (func $base (result i32)))
  (type $unary (func (param i32) (result i32)))
  (table $t 4 funcref)
  (elem (table $t) (i32.const 0) func $double $square)
  (elem $later func $triple)
  (global $started (mut i32) (i32.const 0))
  (global $ref funcref (ref.func $triple))
  (start $init)
  (func $big (export "big") (param $x i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $again
      (local.set $sum (i32.add (local.get $sum)
        (call_indirect $t (type $unary) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $x))))
    (i32.add (i32.add (local.get $sum) (call $base)) (call $square (i32.const 3))))
  (func $indirect (export "indirect") (param $x i32) (result i32)
    (table.init $t $later (i32.const 2) (i32.const 0) (i32.const 1))
    (table.set $t (i32.const 3) (ref.func $double))
    (i32.add
      (call_indirect $t (type $unary) (local.get $x) (i32.const 2))
      (call_indirect $t (type $unary) (local.get $x) (i32.const 3))))
  (func $init (global.set $started (i32.add (call $double (i32.const 20)) (i32.const 2))))
  (func $started (export "started") (result i32) (global.get $started))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func $triple (type $unary) (i32.mul (local.get 0) (i32.const 3)))
  (func $double (type $unary) (i32.shl (local.get 0) (i32.const 1))))
`;

function compile() {
  const module = binaryen.parseText(WAT);
  module.setFeatures(binaryen.Features.ReferenceTypes | binaryen.Features.BulkMemory);
  assert.ok(module.validate(), "the test module is valid");
  const bytes = Buffer.from(module.emitBinary());
  module.dispose();
  return bytes;
}

async function run(bytes) {
  const { instance } = await WebAssembly.instantiate(bytes, { env: { base: () => 1000 } });
  const { big, indirect, started } = instance.exports;
  return { big: big(10), indirect: indirect(7), started: started() };
}

function bodySizes(bytes) {
  const r = reader(bytes);
  r.at = 8;
  while (r.at < bytes.length) {
    const id = r.byte();
    const end = r.leb() + r.at;
    if (id === 10) {
      const sizes = [];
      for (let n = r.leb(); n > 0; n--) {
        const length = r.leb();
        sizes.push(length);
        r.at += length;
      }
      return sizes;
    }
    r.at = end;
  }
  throw new Error("no code section");
}

test("a module laid out for gzip computes what it did, by every route to a function", async () => {
  const original = compile();
  const file = join(mkdtempSync(join(tmpdir(), "bugcap-layout-")), "m.wasm");
  writeFileSync(file, original);
  const { before, after } = layoutForGzip(file);
  const laidOut = readFileSync(file);
  assert.ok(after <= before, "the search keeps an order only when it deflates smaller");
  assert.notDeepEqual(bodySizes(laidOut), bodySizes(original), "the functions moved");
  assert.deepEqual(bodySizes(laidOut).toSorted((a, b) => a - b), bodySizes(original).toSorted((a, b) => a - b));
  const expected = await run(original);
  assert.deepEqual(expected, { big: 40 + 165 + 1000 + 9, indirect: 35, started: 42 });
  assert.deepEqual(await run(laidOut), expected);
});

test("a module that still has its names is refused rather than given wrong ones", () => {
  const module = binaryen.parseText(WAT);
  module.setFeatures(binaryen.Features.ReferenceTypes | binaryen.Features.BulkMemory);
  binaryen.setDebugInfo(true);
  const bytes = Buffer.from(module.emitBinary());
  binaryen.setDebugInfo(false);
  module.dispose();
  const file = join(mkdtempSync(join(tmpdir(), "bugcap-layout-")), "m.wasm");
  writeFileSync(file, bytes);
  assert.throws(() => layoutForGzip(file), /still has its names/);
});
