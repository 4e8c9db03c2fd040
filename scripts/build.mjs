#!/usr/bin/env node
// Builds the npm package into dist/npm: the widget's two wasm modules compiled by wasm-pack,
// wrapped with the loader, types, README and package.json from pkg-template/.
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { layoutForGzip } from "./wasm-layout.mjs";
import { shortenImportNames } from "./wasm-names.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "npm");
const wasmOut = join(root, "target", "wasm-pkg");

export function workspaceVersion() {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const match = toml.match(/\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/);
  if (!match) throw new Error("no version in [workspace.package] of Cargo.toml");
  return match[1];
}

// Debian's binaryen (108) predates the reference-types tables that current rustc and
// wasm-bindgen emit, and its output fails to instantiate; binaryen from npm is pinned instead.
// After the first -Oz, `--flatten --rereloop` rebuilds each function's control flow from scratch
// and the second -Oz cleans up after it: the blocks LLVM's lowering of `async` state machines
// and `match` left behind come out simpler, and the reporter smaller.
const WASM_OPT_FLAGS = [
  "-Oz",
  "--flatten",
  "--rereloop",
  "-Oz",
  "--enable-reference-types",
  "--enable-bulk-memory",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-multivalue",
];

// esbuild is a dev dependency, installed by scripts/bootstrap.sh: it is loaded when first used,
// after the bootstrap has run, never at import time, so `npm run demo` and `npm run build` work
// as the first command on a machine with no node_modules (tests/build/front-door.test.mjs).
const require = createRequire(import.meta.url);
const esbuild = () => require("esbuild");

function optimise(wasm) {
  console.log("optimising the wasm for size (wasm-opt -Oz)…");
  execFileSync(join(root, "node_modules", ".bin", "wasm-opt"), [...WASM_OPT_FLAGS, wasm, "-o", wasm], { stdio: "inherit" });
}

// The package ships wasm modules from the widget crate: `capture`, which every page loads at
// init, and the reporter, which the loader imports on first use. The reporter comes twice:
// `reporter` for hosts that give no redaction patterns of their own, and
// `reporter_patterns`, the same with a regular expression engine (regex-lite),
// for hosts that do. Each is built with its Cargo profile and features.
const MODULES = [
  { name: "capture", profile: "capture", features: "capture" },
  { name: "reporter", profile: "reporter", features: "reporter" },
  { name: "reporter_patterns", profile: "reporter", features: "custom-patterns" },
];

/**
 * The standard library rebuilt for each module, small: panics abort at once, without the
 * message formatting and location strings a panic would otherwise carry, and std's own
 * `optimize_for_size` variants. On wasm32-unknown-unknown a panic's message goes nowhere (no
 * panic hook is installed: the host sees `RuntimeError: unreachable` either way), so those
 * bytes bought nothing (docs/notes/widget-cost.md has what each saved). Both flags are unstable, which a stable toolchain allows only
 * with RUSTC_BOOTSTRAP; that is set for these builds alone, and the toolchain is the exact
 * release rust-toolchain.toml pins (which the bootstrap installs), so a new stable release
 * cannot rename a flag under us. `-Cpanic=immediate-abort` is for the wasm target only: with `--target`
 * given, cargo leaves build scripts and proc-macros out of RUSTFLAGS.
 * `-Zlocation-detail=none` drops the file, line and column that `RefCell`, slice indexing and
 * `thread_local!` still pass to their (aborting) panic paths: the source paths of std, js-sys
 * and our own files were data in every module.
 */
const SIZE_CARGO_ARGS = ["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size"];
const SIZE_RUSTFLAGS = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none";

/** Where rustup keeps the standard library's source, which `-Zbuild-std` compiles. */
function checkRustSource() {
  const sysroot = execFileSync("rustc", ["--print", "sysroot"], { encoding: "utf8" }).trim();
  if (!existsSync(join(sysroot, "lib", "rustlib", "src", "rust", "library"))) {
    throw new Error(
      "the standard library's source is missing (the wasm modules rebuild it for size): " +
        "run scripts/bootstrap.sh, or `rustup component add rust-src`",
    );
  }
}

function buildModule({ name, profile, features }) {
  const dir = join(wasmOut, name);
  const outName = `bugcap_${name}`;
  console.log(`building the ${name} module (wasm-pack, release, std rebuilt for size)…`);
  // wasm-pack leaves files of an earlier build in its out dir (a snippet since removed, say),
  // which would otherwise be shipped and counted.
  rmSync(dir, { recursive: true, force: true });
  const rustflags = [process.env.RUSTFLAGS, SIZE_RUSTFLAGS].filter(Boolean).join(" ");
  execFileSync(
    "wasm-pack",
    ["build", "widget", "--target", "web", "--profile", `wasm-${profile}`,
      "--no-pack", "--no-opt", "--out-dir", dir, "--out-name", outName,
      "--", "--no-default-features", "--features", features, ...SIZE_CARGO_ARGS],
    { cwd: root, stdio: "inherit", env: { ...process.env, RUSTC_BOOTSTRAP: "1", RUSTFLAGS: rustflags } },
  );
  optimise(join(dir, `${outName}_bg.wasm`));
  console.log(`ordering the ${name} module's functions for gzip…`);
  const layout = layoutForGzip(join(dir, `${outName}_bg.wasm`), { passes: 3 });
  console.log(`its code deflates to ${layout.after} bytes, from ${layout.before} in the compiler's order`);
  const renamed = shortenImportNames(join(dir, `${outName}_bg.wasm`), join(dir, `${outName}.js`), `./${outName}_bg.js`, join(dir, `${outName}_bg.wasm.d.ts`));
  console.log(`${renamed.imports} imports and ${renamed.exports} closure exports renamed short in the wasm and its glue`);
  const target = join(out, "wasm", name);
  mkdirSync(target, { recursive: true });
  for (const file of [`${outName}.js`, `${outName}.d.ts`, `${outName}_bg.wasm`, `${outName}_bg.wasm.d.ts`]) {
    cpSync(join(dir, file), join(target, file));
  }
  if (existsSync(join(dir, "snippets"))) cpSync(join(dir, "snippets"), join(target, "snippets"), { recursive: true });
  minifyScripts(target);
}

/**
 * Minifies the generated glue and the snippets in place: wasm-bindgen's glue is written for
 * reading, and at about half the reporter's JavaScript bytes it is what every page would
 * download. Each file stays its own ES module with its imports and exports, so the package's
 * layout (and a host bundler's view of it) is unchanged.
 */
function minifyScripts(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const file = join(entry.parentPath, entry.name);
    // The snippets' wrappers of fetch, XHR and console must keep their functions' names: a page
    // that reads `fetch.name` sees what it would see without the widget.
    minifyFile(file, { minify: true, keepNames: file.includes("snippets") });
  }
}

function minifyFile(file, how) {
  const { code } = esbuild().transformSync(readFileSync(file, "utf8"), {
    loader: "js",
    ...how,
    charset: "utf8",
    legalComments: "none",
    target: "es2022",
  });
  writeFileSync(file, code);
}

/**
 * Gives every JavaScript file of the package an identity source map that lists it in
 * `x_google_ignoreList`, so devtools skip the widget's wrapper frames: a `console.log` or a
 * `fetch` made by the host points at the host's own line, not at bugcap's wrapper.
 */
export function ignoreListPackage(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const file = join(entry.parentPath, entry.name);
    const lines = readFileSync(file, "utf8").split("\n").length;
    const map = {
      version: 3,
      file: entry.name,
      sources: [entry.name],
      names: [],
      // Line i of the file is line i of its source, column 0 to column 0.
      mappings: ["AAAA", ...Array(lines - 1).fill("AACA")].join(";"),
      x_google_ignoreList: [0],
    };
    writeFileSync(`${file}.map`, JSON.stringify(map) + "\n");
    appendFileSync(file, `\n//# sourceMappingURL=${basename(file)}.map\n`);
  }
}

/**
 * The dialog's strings in each bundled locale but English, from widget/locales/*.json, as one
 * small ES module each (`export default {…}`): the loader imports the one a page shows when
 * its dialog opens, so no page downloads the others. Modules rather than JSON, which not every
 * bundler and browser import yet.
 */
function writeLocales() {
  const source = join(root, "widget", "locales");
  mkdirSync(join(out, "locales"), { recursive: true });
  for (const file of readdirSync(source).filter((f) => f.endsWith(".json"))) {
    const strings = JSON.parse(readFileSync(join(source, file), "utf8"));
    writeFileSync(join(out, "locales", file.replace(/\.json$/, ".js")), `export default ${JSON.stringify(strings)};\n`);
  }
}

/**
 * Builds the package into dist/npm. `only` (a list of module names, `--only=reporter` on the
 * command line) rebuilds just those modules over an existing build, for a quicker loop while
 * working on one of them; every other file of the package is written anew.
 */
export function build({ skipBootstrap = false, only = null } = {}) {
  if (!skipBootstrap) execFileSync("bash", [join(root, "scripts", "bootstrap.sh")], { stdio: "inherit" });
  checkRustSource();
  if (!only) rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "wasm"), { recursive: true });
  for (const module of MODULES.filter((m) => !only || only.includes(m.name))) buildModule(module);
  for (const file of ["index.js", "index.d.ts", "README.md"]) {
    cpSync(join(root, "pkg-template", file), join(out, file));
  }
  writeLocales();
  // The loader loses its comments and spaces (the docs are in index.d.ts) but keeps its names,
  // so a stack trace or a pretty-printed view of it still reads.
  minifyFile(join(out, "index.js"), { minifyWhitespace: true, minifySyntax: true });
  const pkg = JSON.parse(readFileSync(join(root, "pkg-template", "package.json"), "utf8"));
  pkg.version = workspaceVersion();
  writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  ignoreListPackage(out);
  console.log(`npm package written to ${out} (bugcap@${pkg.version})`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
  build({ skipBootstrap: process.argv.includes("--skip-bootstrap"), only });
}
