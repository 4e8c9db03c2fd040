// Short names for the functions a wasm module imports from its wasm-bindgen glue.
//
// wasm-bindgen names every import after the method and a 16-digit hash
// (`__wbg_setAttribute_0fa8e1f2c3d4b5a6`), and the name is written twice: in the wasm's import
// section and as a key of the glue's import object. For the reporter's hundreds of imports that
// was kilobytes of gzip in the wasm and more in the glue, hashes being what compresses worst. Here each import of the glue's module gets a short name (`a0`, `a1`, …)
// in the wasm, and the same name replaces the old one in the glue. The module's own name
// (`./bugcap_reporter_bg.js`, written before each of those imports) becomes `a` in both: 0.35
// KB of gzip over the two modules.
//
// The same goes for the exports through which the glue calls the module's closures: their
// names spell out the closure's whole Rust type (up to 300 characters, in the wasm and in the
// glue). The module's API exports (`open`, `submit`, …) and wasm-bindgen's own
// (`__wbindgen_malloc`, …) keep their names.
//
// The build fails rather than ship a module whose glue and wasm disagree: every new name
// must end up in the glue and no old one may remain.
import { readFileSync, writeFileSync } from "node:fs";

import { leb, nameBytes, rewriteSection, skipDescriptor } from "./wasm-binary.mjs";

/**
 * Renames the imports `wasmFile` takes from `glueModule`, in it and in the glue `jsFile`, and
 * its closure exports, also in the typings `dtsFile` that describe its exports.
 */
export function shortenImportNames(wasmFile, jsFile, glueModule, dtsFile) {
  const wasm = readFileSync(wasmFile);
  const imports = renameImports(wasm, glueModule);
  const exports = renameClosureExports(imports.bytes);
  let js = readFileSync(jsFile, "utf8");
  const moduleKey = JSON.stringify(glueModule);
  if (js.split(moduleKey).length !== 2) throw new Error(`${jsFile}: the glue names ${glueModule} other than once`);
  js = js.replace(moduleKey, JSON.stringify(GLUE_MODULE));
  const identifier = (name) => new RegExp(`(?<![\\w$])${name.replaceAll("$", "\\$")}(?![\\w$])`, "g");
  for (const [old, name] of exports.renamed) {
    if (!js.includes(`wasm.${old}(`)) throw new Error(`${jsFile}: the glue never calls the export ${old}`);
    js = js.replace(identifier(old), name);
  }
  for (const [old, name] of imports.renamed) {
    if (js.includes(`wasm.${old}`)) throw new Error(`${jsFile}: ${old} is also an export`);
    if (!/^[A-Za-z_$][\w$]*$/.test(old)) throw new Error(`${jsFile}: import ${old} is not a JS identifier`);
    const pattern = identifier(old);
    const found = js.match(pattern)?.length ?? 0;
    if (found === 0) throw new Error(`${jsFile}: the glue has no import named ${old}`);
    js = js.replace(pattern, name);
  }
  if (dtsFile) {
    let dts = readFileSync(dtsFile, "utf8");
    for (const [old, name] of exports.renamed) dts = dts.replace(identifier(old), name);
    writeFileSync(dtsFile, dts);
  }
  writeFileSync(wasmFile, exports.bytes);
  writeFileSync(jsFile, js);
  return { imports: imports.renamed.size, exports: exports.renamed.size };
}

/** Exports that call a closure from JS, named after the closure's whole type. */
const CLOSURE_EXPORT = /^wasm_bindgen_[0-9a-f]{16}___convert__closures_____invoke___/;

/** A copy of `wasm` with its closure exports renamed `c0`, `c1`, …; the old and new names. */
export function renameClosureExports(wasm) {
  const renamed = new Map();
  const bytes = rewriteSection(wasm, 7, (r) => {
    const count = r.leb();
    const body = [leb(count)];
    const names = [];
    for (let i = 0; i < count; i++) {
      let field = r.name();
      names.push(field);
      const from = r.at;
      r.byte();
      r.leb();
      const descriptor = wasm.subarray(from, r.at);
      if (CLOSURE_EXPORT.test(field)) {
        const name = `c${renamed.size.toString(36)}`;
        renamed.set(field, name);
        field = name;
      }
      body.push(nameBytes(field), descriptor);
    }
    const kept = new Set(names);
    for (const name of renamed.values()) if (kept.has(name)) throw new Error(`an export is already named ${name}`);
    return Buffer.concat(body);
  });
  return { bytes, renamed };
}

/** What the imports from the glue's module name that module, in the wasm and the glue. */
const GLUE_MODULE = "a";

/**
 * A copy of `wasm` with the imports from `glueModule` renamed, and that module renamed
 * [`GLUE_MODULE`]; the old and new names of the imports.
 */
export function renameImports(wasm, glueModule) {
  const renamed = new Map();
  const bytes = rewriteSection(wasm, 2, (r) => {
    const count = r.leb();
    const body = [leb(count)];
    for (let i = 0; i < count; i++) {
      const module = r.name();
      let field = r.name();
      const from = r.at;
      skipDescriptor(r);
      const descriptor = wasm.subarray(from, r.at);
      if (module === GLUE_MODULE) throw new Error(`the wasm already imports from a module named ${GLUE_MODULE}`);
      if (module === glueModule) {
        const name = `a${renamed.size.toString(36)}`;
        if (renamed.has(field)) throw new Error(`import ${field} is there twice`);
        renamed.set(field, name);
        field = name;
      }
      body.push(nameBytes(module === glueModule ? GLUE_MODULE : module), nameBytes(field), descriptor);
    }
    return Buffer.concat(body);
  });
  return { bytes, renamed };
}
