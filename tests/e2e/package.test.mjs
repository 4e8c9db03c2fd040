// dist/npm is a real, installable package: `npm pack` it, install the tarball into an empty
// project, and check that what a bundler resolves is there and self-consistent.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { root } from "../support/relay.mjs";

test("the built package packs, installs and exposes init/submit/destroy with types", () => {
  const work = mkdtempSync(join(tmpdir(), "bugcap-pack-"));
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", join(root, "dist", "npm"), "--json", "--pack-destination", work], { encoding: "utf8" }),
  );
  const files = packed.files.map((f) => f.path);
  const modules = ["wasm/capture/bugcap_capture", "wasm/reporter/bugcap_reporter", "wasm/reporter_patterns/bugcap_reporter_patterns"];
  for (const f of ["package.json", "index.js", "index.d.ts", "README.md", ...modules.flatMap((m) => [`${m}.js`, `${m}_bg.wasm`])]) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(", ")}`);
  }
  for (const snippet of ["hooks.js", "network.js"]) {
    assert.ok(files.some((f) => f.startsWith("wasm/capture/snippets/") && f.endsWith(snippet)), `the ${snippet} snippet must ship`);
  }

  // Every script of the package maps to itself and is on devtools' ignore list, so the host's
  // console calls and requests point at the host's own lines, not at bugcap's wrappers.
  const scripts = files.filter((f) => f.endsWith(".js"));
  assert.ok(scripts.length >= 5, scripts.join(", "));
  for (const script of scripts) {
    const text = readFileSync(join(root, "dist", "npm", script), "utf8");
    const name = script.split("/").pop();
    assert.ok(text.trimEnd().endsWith(`//# sourceMappingURL=${name}.map`), `${script} names its map`);
    assert.ok(files.includes(`${script}.map`), `${script}.map ships`);
    const map = JSON.parse(readFileSync(join(root, "dist", "npm", `${script}.map`), "utf8"));
    assert.deepEqual(map.sources, [name]);
    assert.deepEqual(map.x_google_ignoreList, [0], `${script} is ignore-listed`);
    const mapped = map.mappings.split(";").length;
    const lines = text.split("\n").length;
    assert.ok(mapped >= lines - 3 && mapped <= lines, `${script}: ${mapped} mapped lines of ${lines}`);
  }

  const app = join(work, "app");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "host-app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(work, packed.filename)], { cwd: app, stdio: "pipe" });

  const installed = join(app, "node_modules", "bugcap");
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  const cargoVersion = readFileSync(join(root, "Cargo.toml"), "utf8").match(/\nversion = "([^"]+)"/)[1];
  assert.equal(pkg.version, cargoVersion);
  assert.equal(pkg.exports["."].import, "./index.js");
  assert.ok(existsSync(join(installed, pkg.exports["."].types)));

  const entry = readFileSync(join(installed, "index.js"), "utf8");
  for (const name of ["init", "submit", "destroy"]) {
    assert.match(entry, new RegExp(`export (async )?function ${name}\\(`));
    assert.match(readFileSync(join(installed, "index.d.ts"), "utf8"), new RegExp(`export function ${name}\\(`));
  }
  // The loader's static import (capture) and lazy imports (the two reporter builds) resolve
  // inside the package.
  const imports = [...entry.matchAll(/(?:from\s*|import\()"\.\/(wasm\/[^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(imports, ["wasm/capture/bugcap_capture.js", "wasm/reporter/bugcap_reporter.js", "wasm/reporter_patterns/bugcap_reporter_patterns.js"]);
  for (const glue of imports) assert.ok(existsSync(join(installed, glue)), glue);
  // So do the locale files the loader imports when a dialog opens on a page in that language:
  // each has every one of the dialog's strings.
  const locales = [...entry.matchAll(/import\("\.\/(locales\/[^"]+)"\)/g)].map((m) => m[1]);
  assert.deepEqual(locales, ["locales/de.js", "locales/fr.js", "locales/es.js", "locales/ja.js"]);
  const keys = Object.keys(JSON.parse(readFileSync(join(root, "widget", "locales", "de.json"), "utf8")));
  for (const locale of locales) {
    const text = readFileSync(join(installed, locale), "utf8");
    const strings = JSON.parse(text.match(/^export default (\{.*\});\n/s)[1]);
    assert.deepEqual(Object.keys(strings), keys, `${locale} has every string`);
  }
  for (const m of modules) {
    const wasm = readFileSync(join(installed, `${m}_bg.wasm`));
    assert.deepEqual([...wasm.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], `${m}: a WebAssembly module`);
    assert.ok(WebAssembly.validate(wasm), `${m}: the optimised module validates`);
  }
});
