// The screenshot, in headless Chromium, same page and run, beside the DOM-to-image peers:
// - time to an encoded image of the viewport (bugcap's `screenshot()`, html-to-image `toBlob`,
//   modern-screenshot `domToBlob`, snapdom `toBlob`), on the demo page and on a 10k-node page;
//   bugcap twice: as it ships (WebP) and with `screenshotFormat: "png"`, the peers' format;
// - fidelity: each image against Chromium's own capture of the same viewport (CDP
//   `Page.captureScreenshot`), as the share of pixels that differ visibly;
// - time from pressing Send in the dialog to the relay's 201, and to the upload finished, with
//   a 1 MB screenshot, relay on loopback.
// Figures only: nothing here passes or fails on speed or fidelity.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { localSite, openDemo, startStack } from "../tests/support/demo.mjs";
import { root } from "../tests/support/relay.mjs";

const VIEWPORT = { width: 1280, height: 800 };
const RUNS = 5;

/** The peers as their UMD/IIFE builds, loaded into the page as classic scripts. */
export const PEERS = [
  ["html-to-image", "dist/html-to-image.js"],
  ["modern-screenshot", "dist/index.js"],
  ["@zumer/snapdom", "dist/snapdom.js"],
].map(([name, file]) => {
  const dir = join(root, "node_modules", name);
  const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return { name, version, script: readFileSync(join(dir, file), "utf8") };
});

export async function run() {
  // Limits raised: the bench sends more reports in a minute than the defaults allow one key.
  const stack = await startStack({ relayArgs: ["--rate-per-key", "10000", "--rate-key-burst", "1000", "--rate-per-ip", "10000", "--rate-ip-burst", "1000"] });
  const sites = [];
  try {
    const site = async (options) => {
      const www = await localSite(stack, { options });
      sites.push(www);
      return www;
    };
    // Inputs unmasked: fidelity compares like with like (see benchPage).
    const plain = await site({ launcher: false, maskInputs: false });
    const png = await site({ launcher: false, maskInputs: false, screenshotFormat: "png" });
    await renderers(stack.browser, { bugcap: plain.url, [PNG_ROW]: png.url });
    await sendTime(stack.browser, (await site({ launcher: false })).url);
  } finally {
    for (const s of sites) await s.close();
    await stack.close();
  }
}

async function newPage(browser, url, viewport = VIEWPORT) {
  return (await openDemo(browser, url, { viewport, deviceScaleFactor: 1 })).page;
}

/** bugcap with `screenshotFormat: "png"`: the same render, encoded as the peers encode. */
const PNG_ROW = "bugcap, PNG";

/** `urls`: the bench site for bugcap as it ships and for `PNG_ROW`; the peers use the first. */
async function renderers(browser, urls) {
  const versions = Object.fromEntries(PEERS.map((p) => [p.name, p.version]));
  console.log(`\nScreenshot of the viewport (${VIEWPORT.width}×${VIEWPORT.height}, DPR 1) in headless Chromium, to an encoded image`);
  console.log("  each renderer in its own fresh page (loading snapdom breaks html-to-image in the same page);");
  console.log("  first = the first screenshot of the page (what a report takes), median = of the next " + RUNS);
  console.log("  fidelity: pixels whose colour differs by more than 32 in any channel from Chromium's own capture");
  console.log("  (CDP Page.captureScreenshot) of the same viewport, and the mean absolute difference; lower is closer");
  for (const [label, prepare] of [["demo page", null], ["10k-node page", build10k]]) {
    const rows = [];
    let nodes = 0;
    let cdpTime = 0;
    for (const name of ["bugcap", PNG_ROW, ...PEERS.map((p) => p.name)]) {
      const page = await benchPage(browser, urls[name] ?? urls.bugcap, name, prepare);
      nodes = await page.evaluate(() => document.querySelectorAll("*").length);
      // Chromium's own pixels, the reference; timed too, as what the browser itself takes.
      const cdp = await page.context().newCDPSession(page);
      const times = [];
      let reference;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        reference = (await cdp.send("Page.captureScreenshot", { format: "png" })).data;
        times.push(performance.now() - t);
      }
      if (name === "bugcap") cdpTime = median(times);
      await page.evaluate((png) => window.__bench.setReference(png), reference);
      rows.push({ name, ...(await page.evaluate((args) => window.__bench.measure(args), { name, runs: RUNS })) });
      await page.close();
    }
    console.log(`\n  ${label} (${nodes} elements)`);
    console.log("  " + "renderer".padEnd(28) + ["first ms", "median ms", "vs bugcap", "bytes", "pixels off", "mean diff"].map((h) => h.padStart(11)).join(""));
    const ours = rows[0];
    for (const r of rows) {
      const title = r.name.startsWith("bugcap") ? (r.name === "bugcap" ? "bugcap (WebP, default)" : r.name) : `${r.name} ${versions[r.name]}`;
      if (r.error) {
        console.log(`  ${title.padEnd(28)}failed: ${r.error}`);
        continue;
      }
      console.log("  " + title.padEnd(28) + [
        r.first.toFixed(0), r.median.toFixed(0), `${(r.median / ours.median).toFixed(2)}x`, String(r.bytes),
        `${r.off.toFixed(2)} %`, `${r.mean.toFixed(2)} %`,
      ].map((c) => c.padStart(11)).join(""));
    }
    console.log("  " + "CDP Page.captureScreenshot".padEnd(28) + ["", cdpTime.toFixed(0)].map((c) => c.padStart(11)).join("") + "   (the browser's own, not available to a page)");
    const peers = rows.filter((r) => !r.name.startsWith("bugcap") && !r.error);
    const met = (ok) => (ok ? "met" : "not met");
    const row = (n) => rows.find((r) => r.name === n);
    const closer = ["html-to-image", "modern-screenshot"].every((n) => row(n).error || ours.off < row(n).off);
    const snap = row("@zumer/snapdom");
    console.log(`  targets: faster than all three, first shot: ${met(peers.every((r) => ours.first < r.first))}, repeated: ${met(peers.every((r) => ours.median < r.median))};` +
      ` closer than html-to-image and modern-screenshot: ${met(closer)}; within 2 points of snapdom: ${met(!snap.error && ours.off <= snap.off + 2)}`);
    const asPng = row(PNG_ROW);
    if (!asPng.error) {
      console.log(`  with PNG as the peers encode: first shot ${met(peers.every((r) => asPng.first < r.first))}, repeated ${met(peers.every((r) => asPng.median < r.median))}`);
    }
  }
}

/**
 * A fresh page of the bench site with only `renderer`'s script, the page's masks lifted (the
 * peers draw what is on screen; fidelity compares like with like) and `prepare` run.
 */
async function benchPage(browser, url, renderer, prepare) {
  const page = await newPage(browser, url);
  const peer = PEERS.find((p) => p.name === renderer);
  if (peer) await page.addScriptTag({ content: peer.script });
  // bugcap's reporter module is loaded before timing, as the peers' scripts are.
  else await page.evaluate(() => import("/bugcap/index.js").then((m) => m.redact("")));
  await page.evaluate(installHelpers);
  await page.evaluate(() => document.querySelectorAll("[data-bugcap-block], [data-bugcap-mask]").forEach((e) => {
    e.removeAttribute("data-bugcap-block");
    e.removeAttribute("data-bugcap-mask");
  }));
  if (prepare) await page.evaluate(prepare);
  return page;
}

/** In the page: the renderers, decoding and the pixel comparison, under `window.__bench`. */
function installHelpers() {
  const W = innerWidth;
  const H = innerHeight;
  const renderers = {
    bugcap: async () => (await import("/bugcap/index.js")).screenshot(),
    // The same call: this page's init options ask for PNG.
    "bugcap, PNG": async () => (await import("/bugcap/index.js")).screenshot(),
    "html-to-image": () => window.htmlToImage.toBlob(document.documentElement, { pixelRatio: 1, width: W, height: H }),
    "modern-screenshot": () => window.modernScreenshot.domToBlob(document.documentElement, { scale: 1, width: W, height: H }),
    "@zumer/snapdom": async () => (await window.snapdom(document.documentElement, { dpr: 1, scale: 1, clip: "viewport" })).toBlob({ format: "png" }),
  };
  // An image as RGBA at the viewport's size, over white (what a viewer shows), unscaled when it
  // is already at 1 image pixel per CSS pixel.
  const pixels = async (blob) => {
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(W, H);
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, W, H);
    const k = bitmap.width > W * 1.02 ? W / bitmap.width : 1;
    ctx.drawImage(bitmap, 0, 0, bitmap.width * k, bitmap.height * k);
    return ctx.getImageData(0, 0, W, H).data;
  };
  let reference = null;
  window.__bench = {
    async setReference(png) {
      reference = await pixels(await (await fetch(`data:image/png;base64,${png}`)).blob());
    },
    async measure({ name, runs }) {
      try {
        const times = [];
        let blob;
        for (let i = 0; i <= runs; i++) {
          const t = performance.now();
          blob = await renderers[name]();
          times.push(performance.now() - t);
        }
        const first = times.shift();
        const data = await pixels(blob);
        let off = 0;
        let sum = 0;
        for (let i = 0; i < data.length; i += 4) {
          const d = [0, 1, 2].map((c) => Math.abs(data[i + c] - reference[i + c]));
          if (Math.max(...d) > 32) off++;
          sum += (d[0] + d[1] + d[2]) / 3;
        }
        const n = data.length / 4;
        times.sort((a, b) => a - b);
        return { first, median: times[times.length >> 1], bytes: blob.size, off: (off / n) * 100, mean: (sum / n / 255) * 100 };
      } catch (e) {
        // Image loaders reject with a bare Event: name what failed to load.
        const what = e?.target?.src ? `an image failed to load (${e.target.src.slice(0, 80)}…)` : String(e?.message ?? e);
        return { error: what };
      }
    },
  };
}

/**
 * In the page: replaces the body with an app-like page of about 10k elements in a scrolling
 * main pane (the document itself is one viewport high, as in most single-page apps).
 */
function build10k() {
  const style = document.createElement("style");
  style.textContent = `
    body { margin: 0; max-width: none; }
    .shell { display: grid; grid-template-columns: 220px 1fr; height: 100vh; }
    nav { background: #1f2937; color: #e5e7eb; padding: 12px; overflow: hidden; }
    nav a { display: block; color: inherit; padding: 4px 8px; border-radius: 4px; text-decoration: none; }
    nav a.on { background: #374151; }
    .pane { overflow: auto; padding: 16px; background: #f9fafb; }
    .item { display: flex; align-items: center; gap: 8px; padding: 6px 10px; margin: 4px 0; background: #fff;
            border: 1px solid #e5e7eb; border-radius: 6px; box-shadow: 0 1px 2px #0001; }
    .item b { min-width: 90px; } .tag { font-size: 12px; padding: 1px 6px; border-radius: 9px; background: #dbeafe; color: #1e40af; }
    .item:nth-child(3n) .tag { background: #fee2e2; color: #991b1b; } .item i { color: #6b7280; margin-left: auto; }`;
  document.head.append(style);
  const shell = document.createElement("div");
  shell.className = "shell";
  const nav = document.createElement("nav");
  nav.innerHTML = Array.from({ length: 30 }, (_, i) => `<a href="#s${i}" class="${i === 2 ? "on" : ""}">Section ${i + 1}</a>`).join("");
  const pane = document.createElement("section");
  pane.className = "pane";
  const rows = [];
  for (let i = 0; i < 1640; i++) {
    rows.push(`<div class="item"><b>#${1000 + i}</b><span>Invoice for order ${i} <u>overdue</u></span><span class="tag">${["open", "paid", "late"][i % 3]}</span><i>${(i * 7.31).toFixed(2)} €</i></div>`);
  }
  pane.innerHTML = rows.join("");
  shell.append(nav, pane);
  document.body.replaceChildren(shell);
}

/**
 * Pressing Send in the dialog with a 1 MB screenshot: to the relay's 201 for the report, and to
 * the dialog's "sent" (screenshot uploaded, report completed). The relay is on loopback.
 */
async function sendTime(browser, url) {
  // A larger window than the others: noise over all of 1280×800 encodes to less than 1 MB.
  const viewport = { width: 1440, height: 960 };
  const page = await newPage(browser, url, viewport);
  // A full-width band of noise, which no encoder can shrink much, as high as makes about 1 MB.
  let height = 600;
  let shot;
  for (let i = 0; i < 3; i++) {
    shot = await page.evaluate(noiseShot, height);
    height = Math.min(viewport.height, Math.round(height * ((1024 * 1024) / shot.bytes)));
  }
  shot = await page.evaluate(noiseShot, height);
  const toCreated = [];
  const toSent = [];
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate(() => import("/bugcap/index.js").then((m) => m.open()));
    const ui = (s) => page.locator(`bugcap-widget >> ${s}`);
    await ui("#bc-annotate:not([disabled])").waitFor({ timeout: 30000 }).catch(async (e) => {
      await page.screenshot({ path: join(root, "target", "bench-send-failed.png") });
      throw e;
    });
    await ui("#bc-text").fill(`Bench report ${i}`);
    const r = await page.evaluate(pressSend);
    if (r.state !== "sent") throw new Error(`the bench report was not sent: ${r.state}`);
    toCreated.push(r.created);
    toSent.push(r.sent);
    await page.evaluate(() => import("/bugcap/index.js").then((m) => m.close()));
  }
  console.log(`\nSend with a ${(shot.bytes / 1024 / 1024).toFixed(2)} MB ${shot.type} screenshot, relay on loopback (median of ${RUNS})`);
  console.log(`  pressing Send → the relay's 201 for the report       ${median(toCreated).toFixed(0).padStart(6)} ms`);
  console.log(`  pressing Send → screenshot uploaded and completed     ${median(toSent).toFixed(0).padStart(6)} ms`);
  await page.close();
}

/** In the page: paints a full-width band of noise `height` high; the screenshot's size and type. */
async function noiseShot(height) {
  let canvas = document.getElementById("bench-noise");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.id = "bench-noise";
    canvas.style.cssText = "position: fixed; left: 0; top: 0; z-index: 1";
    document.body.append(canvas);
  }
  canvas.width = innerWidth;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(canvas.width, canvas.height);
  const words = new Uint32Array(image.data.buffer);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = (x >>> 0) | 0xff000000;
  }
  ctx.putImageData(image, 0, 0);
  const m = await import("/bugcap/index.js");
  const shot = await m.screenshot();
  return { bytes: shot.size, type: shot.type };
}

/** In the page: clicks Send and times the report's 201 and the dialog's final state. */
function pressSend() {
  const dialog = document.querySelector("bugcap-widget").shadowRoot.querySelector("dialog");
  const button = dialog.querySelector("button[type=submit]");
  performance.clearResourceTimings();
  return new Promise((resolve) => {
    const t0 = performance.now();
    const done = () => {
      const state = dialog.dataset.state;
      if (!state) return false;
      const sent = performance.now() - t0;
      const post = performance.getEntriesByType("resource").find((e) => /\/v1\/reports$/.test(e.name));
      resolve({ state, sent, created: post ? post.responseEnd - t0 : NaN });
      return true;
    };
    new MutationObserver((_, observer) => done() && observer.disconnect()).observe(dialog, { attributes: true });
    button.click();
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
