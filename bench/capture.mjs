// What capture costs the host page, in headless Chromium, same page and run:
// - console hook overhead per call and fetch wrapper overhead per request (with vs without
//   the widget, interleaved rounds, median);
// - DOM snapshot time and size on generated pages of 1k, 10k and 50k nodes, beside
//   rrweb-snapshot's `snapshot()` (and its JSON.stringify, which sending it needs).
// Figures only: nothing here passes or fails on speed.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

import { withBenchPage } from "./page.mjs";

const require = createRequire(import.meta.url);
const RRWEB_SNAPSHOT = join(dirname(require.resolve("rrweb-snapshot")), "rrweb-snapshot.umd.min.cjs");
const KEY = "bc_pub_" + "b".repeat(32);

export function run() {
  return withBenchPage(async (page, www) => {
    await page.addScriptTag({ path: RRWEB_SNAPSHOT });
    const hooks = await page.evaluate(hookOverhead, { key: KEY, relay: www.url });
    console.log("\nCapture hooks in headless Chromium (median of interleaved rounds)");
    const row = (label, { base, hooked, added = hooked - base }, unit, digits) =>
      console.log(`  ${label.padEnd(58)}${base.toFixed(digits).padStart(9)} ${hooked.toFixed(digits).padStart(9)} ${("+" + added.toFixed(digits)).padStart(9)} ${unit}`);
    console.log(`  ${"".padEnd(58)}${"bare".padStart(9)} ${"hooked".padStart(9)} ${"added".padStart(9)}`);
    row("console.log, the call (target ≤ 1 µs added)", hooks.call, "µs/call", 2);
    row("console.log, 20k-call loop incl. deferred serialization", hooks.callSettled, "µs/call", 2);
    row("console.log, one call per task, each serialized", hooks.perTask, "µs/call", 2);
    row("fetch wrapper alone, URL only (target ≤ 50 µs added)", hooks.fetchWrapper, "µs/request", 1);
    row("fetch wrapper alone, headers + JSON body read (≤ 50 µs)", hooks.fetchWrapperDetailed, "µs/request", 1);
    row("real same-origin fetch over loopback, body recorded", hooks.fetchSameOrigin, "µs/request", 1);
    row("real data: URL fetch, URL only", hooks.fetchData, "µs/request", 1);
    console.log("  (the real-request rows are medians of paired 20-request batches; loopback noise is larger than the wrapper)");

    console.log("\nDOM snapshot vs rrweb-snapshot 2.2.2 snapshot() (median of runs; masking on in both)");
    console.log("  " + ["nodes", "bugcap ms", "rrweb ms", "rrweb+JSON ms", "ratio", "bugcap KB", "rrweb KB", "bugcap gz KB", "rrweb gz KB"].map((h, i) => (i ? h.padStart(15) : h.padEnd(8))).join(""));
    for (const target of [1_000, 10_000, 50_000]) {
      const r = await page.evaluate(snapshotRound, { target, key: KEY, relay: www.url });
      const gz = (s) => gzipSync(s).length / 1024;
      const cells = [
        String(r.nodes).padEnd(8),
        r.bugcap.toFixed(1),
        r.rrweb.toFixed(1),
        r.rrwebJson.toFixed(1),
        `${(r.bugcap / r.rrweb).toFixed(2)}x`,
        (r.bugcapText.length / 1024).toFixed(0),
        (r.rrwebText.length / 1024).toFixed(0),
        gz(r.bugcapText).toFixed(0),
        gz(r.rrwebText).toFixed(0),
      ];
      console.log("  " + cells.map((c, i) => (i ? c.padStart(15) : c)).join(""));
    }
    console.log("  ratio = bugcap time / rrweb snapshot() time (target ≤ 0.5x); bugcap's time includes writing the JSON text it sends");
  });
}

// Runs in the page.
async function hookOverhead({ key, relay }) {
  const bugcap = await import("/bugcap/index.js");
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const noop = () => {};
  // Console output itself is not what is measured: the original method is a no-op.
  const realLog = console.log;
  console.log = noop;
  // The call itself (the wrapper stores the arguments), then the same loop with the deferred
  // serialization it triggers included (it runs as a microtask, awaited here).
  const consoleRound = async (n, settle) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) console.log("row", i, { i });
    if (settle) await null;
    return ((performance.now() - t) * 1000) / n;
  };
  // One call per task: every call is serialized (the ring drops none).
  const consolePerTask = async () => {
    const n = 2000;
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      console.log("row", i, { i });
      await null;
    }
    return ((performance.now() - t) * 1000) / n;
  };
  // Batches of requests alternate between the page's own fetch and the wrapped one, so drift in
  // the server or the browser hits both alike; the figures are medians of the paired batches
  // (batches, because a page's timer is coarsened to 100 µs).
  const pairedFetch = async (url, n) => {
    const bare = window.fetch;
    const api = await bugcap.init({ key, relay });
    const hooked = window.fetch;
    const batch = 20;
    const time = async (f) => {
      const t = performance.now();
      for (let i = 0; i < batch; i++) await (await f(url)).text();
      return ((performance.now() - t) * 1000) / batch;
    };
    for (let i = 0; i < 3; i++) await time(bare), await time(hooked);
    const base = [], wrapped = [], added = [];
    for (let i = 0; i < n; i++) {
      const a = await time(bare);
      const b = await time(hooked);
      base.push(a), wrapped.push(b), added.push(b - a);
    }
    api.destroy();
    return { base: median(base), hooked: median(wrapped), added: median(added) };
  };
  // The wrapper alone: `fetch` is replaced by a stub answering at once before `init` wraps it,
  // so the difference is exactly what the wrapper adds per request (its synchronous work, the
  // entry handed to Rust, and for detailed URLs the bounded read of the cloned body).
  const isolatedFetch = async (detailed) => {
    const real = window.fetch;
    const body = JSON.stringify({ id: 7, items: [1, 2, 3], note: "ok" });
    const stub = function fetch() {
      return Promise.resolve(new Response(body, { headers: { "content-type": "application/json" } }));
    };
    window.fetch = stub;
    const api = await bugcap.init({ key, relay, networkDetailAllowUrls: detailed ? [location.origin + "/"] : [] });
    const hooked = window.fetch;
    const run = async (f) => {
      const n = 3000;
      const t = performance.now();
      for (let i = 0; i < n; i++) await (await f("/api/orders?page=2")).text();
      return ((performance.now() - t) * 1000) / n;
    };
    const base = [], wrapped = [];
    for (let r = 0; r < 7; r++) base.push(await run(stub)), wrapped.push(await run(hooked));
    api.destroy();
    window.fetch = real;
    return { base: median(base), hooked: median(wrapped) };
  };
  const dataUrl = "data:application/json," + encodeURIComponent(JSON.stringify({ ok: true, items: [1, 2, 3] }));
  const kinds = {
    call: () => consoleRound(20_000, false),
    callSettled: () => consoleRound(20_000, true),
    perTask: consolePerTask,
  };
  const rounds = Object.fromEntries(Object.keys(kinds).map((k) => [k, { base: [], hooked: [] }]));
  for (const f of Object.values(kinds)) await f();
  for (let r = 0; r < 9; r++) {
    for (const [k, f] of Object.entries(kinds)) rounds[k].base.push(await f());
    const api = await bugcap.init({ key, relay, consoleLimit: 100 });
    for (const [k, f] of Object.entries(kinds)) rounds[k].hooked.push(await f());
    api.destroy();
    await new Promise((r) => setTimeout(r, 50));
  }
  console.log = realLog;
  return {
    ...Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, { base: median(v.base), hooked: median(v.hooked) }])),
    fetchWrapper: await isolatedFetch(false),
    fetchWrapperDetailed: await isolatedFetch(true),
    fetchSameOrigin: await pairedFetch("/demo-config.json", 25),
    fetchData: await pairedFetch(dataUrl, 40),
  };
}

// Runs in the page: builds a page of about `target` nodes, then times both snapshots.
async function snapshotRound({ target, key, relay }) {
  const bugcap = await import("/bugcap/index.js");
  document.body.replaceChildren();
  document.head.querySelectorAll("style").forEach((s) => s.remove());
  const style = document.createElement("style");
  style.textContent = ".row { display: flex; gap: 4px } .row a { color: teal } .cell { padding: 2px }";
  document.head.append(style);
  const main = document.createElement("main");
  document.body.append(main);
  let nodes = 0;
  for (let i = 0; nodes < target; i++) {
    const row = document.createElement("div");
    row.className = "row";
    row.innerHTML =
      `<span class="cell">Order ${i}</span><a href="/orders/${i}?ref=list">open</a>` +
      `<input name="qty-${i}" value="${i % 9}"><img src="/img/${i % 50}.png" alt="item ${i}">` +
      `<button type="button">Remove</button>`;
    main.append(row);
    nodes += 9; // div, span+text, a+text, input, img, button+text
  }
  const countNodes = () => {
    const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    let n = 1;
    while (walker.nextNode()) n++;
    return n;
  };
  const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const time = (f) => {
    const t = performance.now();
    const out = f();
    return [performance.now() - t, out];
  };
  const runs = target >= 50_000 ? 5 : 9;
  const ours = [], theirs = [], theirsJson = [];
  let bugcapText = "", rrwebText = "";
  await bugcap.snapshot({ key, relay }); // loads the reporter
  for (let r = 0; r < runs; r++) {
    const [a, text] = await (async () => {
      const t = performance.now();
      const out = await bugcap.snapshot({ key, relay });
      return [performance.now() - t, out];
    })();
    ours.push(a);
    bugcapText = text;
    const [b, tree] = time(() => window.rrwebSnapshot.snapshot(document, { maskAllInputs: true }));
    theirs.push(b);
    const [c, json] = time(() => JSON.stringify(tree));
    theirsJson.push(b + c);
    rrwebText = json;
  }
  return {
    nodes: countNodes(),
    bugcap: median(ours),
    rrweb: median(theirs),
    rrwebJson: median(theirsJson),
    bugcapText,
    rrwebText,
  };
}
