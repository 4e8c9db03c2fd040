// The README's first command works on a machine with nothing installed: `npm run demo` (and
// `npm run build`) must reach scripts/bootstrap.sh, which installs the npm dev dependencies,
// before anything imports one of them. A static import of a package anywhere in the entry's
// import graph is resolved by Node before the first line runs, and fails with
// ERR_MODULE_NOT_FOUND on a fresh clone.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The specifiers of a module's static imports and re-exports (not `import()`). */
function staticImports(source) {
  const specifiers = [];
  // `import x from "…"`, `import {a} from "…"`, `export {a} from "…"`, `import "…"`.
  const pattern = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1]);
  return specifiers;
}

/** Every module a file reaches through static imports, with the bare (package) specifiers met. */
function importGraph(entry) {
  const seen = new Set();
  const packages = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith("node:")) continue;
      if (specifier.startsWith(".") || specifier.startsWith("/")) {
        visit(resolve(dirname(file), specifier));
      } else {
        packages.push(`${relative(root, file)} imports "${specifier}"`);
      }
    }
  };
  visit(entry);
  return { modules: [...seen], packages };
}

test("the import scanner sees every form of static import (so the check below can fail)", () => {
  const found = staticImports(`import { a } from "esbuild";\nimport b from './b.mjs';\nexport { c } from "node:fs";\nimport "side-effect";\nconst d = await import("lazy");`);
  assert.deepEqual(found, ["esbuild", "./b.mjs", "node:fs", "side-effect"]);
});

for (const entry of ["scripts/demo.mjs", "scripts/build.mjs"]) {
  test(`${entry} imports no npm package before the bootstrap has installed it`, () => {
    const { modules, packages } = importGraph(join(root, entry));
    assert.ok(modules.length > 1, "the graph was followed");
    assert.deepEqual(packages, [], "every static import must be node:… or a file of the repo");
  });
}

test("scripts/build.mjs loads in a clone with no node_modules", () => {
  // A copy of the scripts with no node_modules anywhere above it: importing build.mjs (which
  // demo.mjs does first) must not need one.
  const clone = mkdtempSync(join(tmpdir(), "bugcap-front-door-"));
  for (const dir of ["scripts", join("tests", "support")]) cpSync(join(root, dir), join(clone, dir), { recursive: true });
  const out = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", `const m = await import(${JSON.stringify(join(clone, "scripts", "build.mjs"))}); console.log(typeof m.build);`],
    { cwd: clone, encoding: "utf8" },
  );
  assert.equal(out.trim(), "function");
});
