// What every page pays at `init`: the gzip bytes of the JS and wasm the package loads, beside
// the minified bundles of rrweb-snapshot and rrweb measured in the same run.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

const gz = (paths) => paths.reduce((sum, p) => sum + gzipSync(readFileSync(p), { level: 9 }).length, 0);
// Brotli at its highest quality, as a CDN serves static assets it compressed ahead of time.
const br = (paths) =>
  paths.reduce((sum, p) => sum + brotliCompressSync(readFileSync(p), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length, 0);
const raw = (paths) => paths.reduce((sum, p) => sum + statSync(p).size, 0);

/**
 * Gzip bytes the budgets hold: 160 KB for the whole widget, 42 KB for what `init` loads.
 * `wholeCeiling` is what the whole widget may not grow past while it is over its budget (it
 * is, see docs/notes/size.md): a test holds it, so a stray dependency fails `npm test` rather
 * than pass unnoticed. It comes down as the widget does, and goes once the budget is met.
 */
export const BUDGETS = { whole: 160 * 1024, atInit: 42 * 1024, wholeCeiling: 176 * 1024 };

/** The package's files by what loads them. */
function parts(root) {
  const pkg = join(root, "dist", "npm");
  const shipped = (dir) => files(join(pkg, "wasm", dir)).filter((f) => /\.(js|wasm)$/.test(f) && !f.endsWith(".d.ts"));
  return {
    pkg,
    // What `init` loads: the loader and the capture module. The reporter loads on first use.
    atInit: [join(pkg, "index.js"), ...shipped("capture")],
    reporter: shipped("reporter"),
    // Loaded instead of `reporter` by hosts that give redaction patterns of their own.
    withPatterns: shipped("reporter_patterns"),
  };
}

/**
 * The gzip bytes (level 9) of the built package in dist/npm, measured as the bench prints
 * them: what `init` loads, and the whole widget (loader, capture module, reporter).
 */
export function measure(root) {
  const { atInit, reporter, withPatterns } = parts(root);
  return {
    atInit: gz(atInit),
    whole: gz([...atInit, ...reporter]),
    wholeWithPatterns: gz([...atInit, ...withPatterns]),
  };
}

export function run({ root }) {
  const { pkg, atInit, reporter, withPatterns } = parts(root);
  const wasm = (paths) => paths.filter((f) => f.endsWith(".wasm"));
  // The packages' exports hide package.json: resolve the CJS entry, which lives in dist/.
  const peerFile = (name, file) => join(dirname(require.resolve(name)), file);
  const version = (name) => JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
  const rrweb = peerFile("rrweb", "rrweb.umd.min.cjs");
  const html2canvas = join(root, "node_modules", "html2canvas", "dist", "html2canvas.min.js");
  const peers = [
    [`rrweb-snapshot ${version("rrweb-snapshot")} (umd.min)`, peerFile("rrweb-snapshot", "rrweb-snapshot.umd.min.cjs")],
    [`rrweb ${version("rrweb")} (umd.min)`, rrweb],
    [`html2canvas ${version("html2canvas")} (min)`, html2canvas],
    [`html-to-image ${version("html-to-image")}`, join(root, "node_modules", "html-to-image", "dist", "html-to-image.js")],
    [`modern-screenshot ${version("modern-screenshot")}`, join(root, "node_modules", "modern-screenshot", "dist", "index.js")],
    [`@zumer/snapdom ${version("@zumer/snapdom")}`, join(root, "node_modules", "@zumer", "snapdom", "dist", "snapdom.js")],
  ];
  const ours = gz(atInit);
  const row = (label, paths) => [label, raw(paths), gz(paths), br(paths)];
  const rows = [
    row("bugcap at init (loader + capture module)", atInit),
    row("  of which wasm", wasm(atInit)),
    row("bugcap reporter (loaded on first report)", reporter),
    row("  of which wasm", wasm(reporter)),
    row("  instead, with the host's own patterns", withPatterns),
    row("bugcap whole widget (init + reporter)", [...atInit, ...reporter]),
    ...peers.map(([label, file]) => row(label, [file])),
  ];
  console.log("\nBundle size: what a page downloads");
  console.log("  " + "what".padEnd(42) + "raw bytes".padStart(12) + "gzip bytes".padStart(12) + "brotli bytes".padStart(14) + "  gzip vs bugcap at init");
  for (const [label, r, g, b] of rows) {
    console.log("  " + label.padEnd(42) + String(r).padStart(12) + String(g).padStart(12) + String(b).padStart(14) + ("  " + (g / ours).toFixed(2) + "x").padStart(11));
  }
  console.log(`  budget (a test in npm test): ≤ 42 KB gzip at init: ${ours <= BUDGETS.atInit ? "met" : "not met"} (${(ours / 1024).toFixed(1)} KB, ${BUDGETS.atInit - ours} bytes to spare)`);
  // The whole widget once someone files a report, against what a page would load for the same
  // job from the peers: rrweb for the page state plus html2canvas for the picture.
  const whole = gz([...atInit, ...reporter]);
  const wholeWithPatterns = gz([...atInit, ...withPatterns]);
  const theirs = gz([rrweb, html2canvas]);
  console.log(`  whole widget (loader + capture + reporter): ${(whole / 1024).toFixed(1)} KB gzip (${(wholeWithPatterns / 1024).toFixed(1)} KB with the host's own patterns); rrweb + html2canvas: ${(theirs / 1024).toFixed(1)} KB`);
  // A page in a bundled language other than English also loads that language's strings when
  // the dialog opens (one small module; an English page loads none).
  const localeFiles = files(join(pkg, "locales")).filter((f) => f.endsWith(".js"));
  const largest = Math.max(...localeFiles.map((f) => gz([f])));
  console.log(`  a page in ${localeFiles.map((f) => f.split("/").pop().replace(".js", "")).join(", ")} adds its locale's strings: at most ${(largest / 1024).toFixed(1)} KB gzip`);
  // The issue words its budget twice: "≤ 160 KB gzip" and "less than rrweb alone plus
  // html2canvas". Measured, that pair is smaller than 160 KB of gzip (though larger raw), so
  // the two are printed apart rather than one hiding the other.
  const rawWhole = raw([...atInit, ...reporter]);
  const rawTheirs = raw([rrweb, html2canvas]);
  console.log(`  budget: whole widget ≤ 160 KB gzip: ${whole <= BUDGETS.whole ? "met" : "not met"} (${(whole / 1024).toFixed(1)} KB, ${BUDGETS.whole - whole} bytes to spare); until it is, a test holds it under ${(BUDGETS.wholeCeiling / 1024).toFixed(0)} KB`);
  console.log(`  less than rrweb + html2canvas: gzip ${whole < theirs ? "yes" : "no"} (${(whole / 1024).toFixed(1)} against ${(theirs / 1024).toFixed(1)} KB); raw ${rawWhole < rawTheirs ? "yes" : "no"} (${(rawWhole / 1024).toFixed(1)} against ${(rawTheirs / 1024).toFixed(1)} KB)`);
}
