// What every page pays at `init`: the gzip bytes of the JS and wasm the package loads, beside
// the minified bundles of rrweb-snapshot and rrweb measured in the same run.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

const gz = (paths) => paths.reduce((sum, p) => sum + gzipSync(readFileSync(p), { level: 9 }).length, 0);
const raw = (paths) => paths.reduce((sum, p) => sum + statSync(p).size, 0);

export function run({ root }) {
  const pkg = join(root, "dist", "npm");
  const shipped = (dir) => files(join(pkg, "wasm", dir)).filter((f) => /\.(js|wasm)$/.test(f) && !f.endsWith(".d.ts"));
  // What `init` loads: the loader and the capture module. The reporter loads on first use.
  const atInit = [join(pkg, "index.js"), ...shipped("capture")];
  const reporter = shipped("reporter");
  const wasm = (paths) => paths.filter((f) => f.endsWith(".wasm"));
  // The packages' exports hide package.json: resolve the CJS entry, which lives in dist/.
  const peerFile = (name, file) => join(dirname(require.resolve(name)), file);
  const peers = [
    ["rrweb-snapshot 2.2.2 (umd.min)", peerFile("rrweb-snapshot", "rrweb-snapshot.umd.min.cjs")],
    ["rrweb 2.2.2 (umd.min)", peerFile("rrweb", "rrweb.umd.min.cjs")],
  ];
  const ours = gz(atInit);
  const rows = [
    ["bugcap at init (loader + capture module)", raw(atInit), ours],
    ["  of which wasm", raw(wasm(atInit)), gz(wasm(atInit))],
    ["bugcap reporter (loaded on first report)", raw(reporter), gz(reporter)],
    ["  of which wasm", raw(wasm(reporter)), gz(wasm(reporter))],
    ...peers.map(([label, file]) => [label, raw([file]), gz([file])]),
  ];
  console.log("\nBundle size: what a page downloads");
  console.log("  " + "what".padEnd(42) + "raw bytes".padStart(12) + "gzip bytes".padStart(12) + "  vs bugcap at init");
  for (const [label, r, g] of rows) {
    console.log("  " + label.padEnd(42) + String(r).padStart(12) + String(g).padStart(12) + ("  " + (g / ours).toFixed(2) + "x").padStart(11));
  }
  console.log(`  budget for issue 7: ≤ 60 KB gzip at init: ${ours <= 60 * 1024 ? "met" : "not met"} (${(ours / 1024).toFixed(1)} KB)`);
}
