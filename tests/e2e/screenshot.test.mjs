// The screenshot drawn from the DOM, beside Chromium's own capture of the same viewport, on the
// pages DOM-to-image renderers get wrong: huge pages (of which only the viewport is drawn), and
// the hard cases. Each comparison writes pictures of the difference to target/screenshot-diffs
// when it fails. Inputs are unmasked here unless a test says otherwise: masks differ by design.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";

import { decodeImage, openDemo, widgetFixture } from "../support/demo.mjs";
import { assertLooksLikeChromium, captureShot, lastShotStats } from "../support/fidelity.mjs";
import { appPage } from "../support/pages.mjs";

const VIEWPORT = { width: 1280, height: 800 };

const TILE = readFileSync(new URL("../../www/fixtures/tile.png", import.meta.url));
/** A font unlike the fallback face (Debian's fonts-dejavu-core; the bootstrap installs it). */
const FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf";

/**
 * Another origin's files: an image with CORS headers and one without, and a path that never
 * answers.
 */
function startAssets() {
  const held = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/cors.png") {
      res.writeHead(200, { "content-type": "image/png", "access-control-allow-origin": "*" });
      return res.end(TILE);
    }
    if (path === "/no-cors.png") {
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(TILE);
    }
    if (path === "/font.ttf") {
      res.writeHead(200, { "content-type": "font/ttf", "access-control-allow-origin": "*" });
      return res.end(readFileSync(FONT_FILE));
    }
    if (path === "/never.png") return held.push(res);
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      held.forEach((r) => r.destroy());
      return new Promise((r) => server.close(r));
    },
  })));
}

describe("the screenshot, beside Chromium's own capture", () => {
  const fx = widgetFixture();
  let assets;
  before(async () => (assets = await startAssets()));
  after(() => assets?.close());

  /** The rectangle of the element `selector` in CSS pixels, for `ignore`. */
  const rect = (page, selector) => page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });

  /** A fresh demo page without the launcher, inputs unmasked, `setup` run in it. */
  async function pageWith(setup, arg, options = {}) {
    const www = await fx.site({ launcher: false, maskInputs: false, ...options });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`, { viewport: VIEWPORT, deviceScaleFactor: 1 });
    if (setup) await page.evaluate(setup, arg);
    return page;
  }

  test("a page of 10k elements is drawn as on screen at its top, middle and end, its off-screen part emptied", async () => {
    const page = await pageWith(appPage, 10_000);
    for (const at of [0, 0.5, 1]) {
      await page.evaluate((at) => window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * at), at);
      await assertLooksLikeChromium(page, `app page scrolled to ${at * 100} %`);
      const stats = await lastShotStats(page);
      assert.ok(stats.pruned > 500 && stats.written < 2500, `most of the page was left out: ${JSON.stringify(stats)}`);
    }
    await page.close();
  });

  test("a scrolled pane of rows: the rows off the pane are emptied, the pane shows its scrolled-to rows", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; } .shell { display: grid; grid-template-columns: 200px 1fr; height: 100vh; }
        nav { background: #1f2937; } .pane { overflow: auto; padding: 16px; background: #f9fafb; }
        .item { display: flex; gap: 8px; padding: 6px 10px; margin: 4px 0; background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; }
        .item:nth-child(3n) { background: #fee2e2; } .item i { margin-left: auto; }</style>
        <div class="shell"><nav></nav><section class="pane">${Array.from({ length: 2000 }, (_, i) =>
          `<div class="item"><b>#${1000 + i}</b><span>Invoice ${i}</span><i>${(i * 7.31).toFixed(2)} €</i></div>`).join("")}</section></div>`;
      document.querySelector(".pane").scrollTop = 30000;
    });
    await assertLooksLikeChromium(page, "scrolled pane of rows");
    const stats = await lastShotStats(page);
    assert.ok(stats.pruned > 1500, `the rows off the pane were emptied: ${JSON.stringify(stats)}`);
    await page.close();
  });

  test("margins that collapse through emptied boxes keep what is visible in its place", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; font: 16px sans-serif; }
        section h2 { margin: 40px 0 12px; } section p { margin: 0 0 24px; } section { background: #eef; }
        section:nth-child(odd) { background: #fee; }</style>
        ${Array.from({ length: 200 }, (_, i) => `<section><h2>Chapter ${i}</h2><p>Text of chapter ${i}, long enough to be a paragraph.</p></section>`).join("")}`;
      window.scrollTo(0, 9000);
    });
    await assertLooksLikeChromium(page, "collapsing margins");
    assert.ok((await lastShotStats(page)).pruned > 100);
    await page.close();
  });

  test("what is on screen inside an off-screen box is drawn: a fixed dialog and an absolutely placed menu far from their ancestors", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; font: 16px sans-serif; } .row { height: 40px; border-bottom: 1px solid #ccc; }
        .modal { position: fixed; left: 340px; top: 200px; width: 600px; height: 300px; background: #1d4ed8; color: #fff; font-size: 24px; }
        .menu { position: absolute; left: 40px; top: 120px; width: 180px; height: 90px; background: #059669; }</style>
        ${Array.from({ length: 400 }, (_, i) => `<div class="row">Row ${i}</div>`).join("")}`;
      const rows = document.querySelectorAll(".row");
      // A dialog rendered inside a row far below the viewport, and a menu inside the last row
      // placed against the document (the row is not positioned).
      rows[300].insertAdjacentHTML("beforeend", `<div class="modal">Edit row 300</div>`);
      rows[399].insertAdjacentHTML("beforeend", `<div class="menu" role="menu"></div>`);
    });
    await assertLooksLikeChromium(page, "fixed and absolute inside off-screen rows");
    assert.ok((await lastShotStats(page)).pruned > 100);
    await page.close();
  });

  test("a shadow root's <style> applies inside that root only: the light DOM keeps its own look", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; font-family: sans-serif; } h2 { font-size: 26px; font-weight: bold; }</style>
        <h2>Light DOM heading</h2><div id="host"></div><h2>Another light heading</h2>`;
      const root = document.getElementById("host").attachShadow({ mode: "open" });
      root.innerHTML = `<style>h2 { font-size: 15px; font-weight: normal; color: #b91c1c; } p { color: #1d4ed8; }</style><h2>Shadow heading</h2><p>Shadow text</p>`;
      const sheet = new CSSStyleSheet();
      sheet.replaceSync("p { background: #fde68a; }");
      root.adoptedStyleSheets = [sheet];
    });
    await assertLooksLikeChromium(page, "shadow root styles");
    await page.close();
  });

  test("form controls are drawn in their state: checked boxes and radios, range, progress, meter, select", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; font: 16px sans-serif; } label { display: block; margin: 8px 0; }
        input[type=checkbox], input[type=radio] { width: 24px; height: 24px; } input[type=range], progress, meter { width: 300px; }</style>
        <label><input type="checkbox" id="a"> ticked</label><label><input type="checkbox"> not ticked</label>
        <label><input type="radio" name="r"> first</label><label><input type="radio" name="r" id="b"> second</label>
        <label><input type="range" id="c" min="0" max="100"></label><label><progress id="d" max="1"></progress></label>
        <label><meter id="e" min="0" max="10" low="3" high="7"></meter></label>
        <label><select id="f"><option>First</option><option>Second choice</option></select></label>`;
      document.getElementById("a").checked = true;
      document.getElementById("b").checked = true;
      document.getElementById("c").value = 85;
      document.getElementById("d").value = 0.7;
      document.getElementById("e").value = 8;
      document.getElementById("f").selectedIndex = 1;
    });
    await assertLooksLikeChromium(page, "form controls");
    await page.close();
  });

  test("masked values are drawn as masks of their length, number and date inputs too; the picture does not depend on what was typed", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; font: 20px sans-serif; } input { display: block; margin: 10px 0; width: 300px; font: 20px monospace; }</style>
        <input id="t" value="typed secret"><input id="n" type="number" value="12345678"><input id="d" type="date" value="2026-12-06">`;
    }, undefined, { maskInputs: true });
    const inks = async () => {
      const shot = await decodeImage(page, await captureShot(page));
      const boxes = await page.$$eval("input", (all) => all.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
      }));
      // Dark pixels inside each field (its border left out): what is written in it.
      return boxes.map((b) => {
        let ink = 0;
        for (let y = b.y + 3; y < b.y + b.height - 3; y++) {
          for (let x = b.x + 3; x < b.x + b.width - 3; x++) {
            const i = (y * shot.width + x) * 4;
            if (shot.data[i] + shot.data[i + 1] + shot.data[i + 2] < 300) ink++;
          }
        }
        return ink;
      });
    };
    const [text, number, date] = await inks();
    assert.ok(number > 50 && date > 50, `the masked number and date fields show their masks (ink ${number}, ${date})`);
    await page.evaluate(() => {
      document.getElementById("t").value = "other secret";
      document.getElementById("n").value = "87654321";
      document.getElementById("d").value = "1999-01-31";
    });
    assert.deepEqual(await inks(), [text, number, date], "values of the same length draw the same masks");
    await page.evaluate(() => (document.getElementById("n").value = "1"));
    const [, shorter] = await inks();
    assert.ok(shorter < number / 2, `a shorter value draws a shorter mask (${shorter} against ${number})`);
    await page.close();
  });

  test("a dark page is drawn dark: color-scheme on the root, and prefers-color-scheme", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>:root { color-scheme: dark; } body { margin: 20px; max-width: none; font: 18px sans-serif; }
        @media (prefers-color-scheme: dark) { .card { background: #1e3a8a; color: #dbeafe; } }
        .card { padding: 20px; border-radius: 8px; background: #eff6ff; }</style>
        <h1>Dark settings</h1><p>Plain text in the page's dark scheme.</p><div class="card">A card that follows the system</div>
        <input value="an input in the dark"> <button>A button</button>`;
      // The demo's stylesheet paints the page light; this page is dark.
      document.querySelectorAll("link[rel=stylesheet]").forEach((l) => l.remove());
    });
    await page.emulateMedia({ colorScheme: "dark" });
    await assertLooksLikeChromium(page, "dark page");
    await page.close();
  });

  test("images: CSS backgrounds, srcset and picture, lazy, inline and external SVG, cross-origin with CORS; without CORS a same-size box", async () => {
    const page = await pageWith((assets) => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; font: 16px sans-serif; } .bg { width: 200px; height: 120px; display: inline-block;
        background: url(/fixtures/tile.png) 0 0 / 64px 64px; } .bg2 { background-image: url(${assets}/cors.png); } img { width: 120px; height: 80px; margin: 4px; }</style>
        <div class="bg"></div> <div class="bg bg2"></div>
        <p><img src="/fixtures/shape.svg"> <img srcset="/fixtures/tile.png 1x, /fixtures/shape.svg 2x">
        <picture><source srcset="/fixtures/shape.svg" type="image/svg+xml"><img src="/fixtures/tile.png"></picture>
        <svg width="120" height="80"><rect width="120" height="80" fill="#10b981"/><text x="10" y="45" fill="#fff">inline</text></svg></p>
        <p><img src="${assets}/cors.png" crossorigin="anonymous"> <img id="opaque" src="${assets}/no-cors.png"> after the image</p>
        <p><img loading="lazy" src="/fixtures/tile.png?lazy" alt="lazy"> <img loading="lazy" decoding="async" srcset="/fixtures/shape.svg?lazy 1x"> lazy images on screen</p>`;
    }, assets.url);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    // Without CORS the pixels cannot be read: its box is left out of the comparison, but what
    // follows it must not move.
    await assertLooksLikeChromium(page, "images", { ignore: [await rect(page, "#opaque")] });
    await page.close();
  });

  test("canvases keep their content: 2D, WebGL with preserveDrawingBuffer, and WebGL without it that draws every frame", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; } canvas { margin: 8px; border: 1px solid #999; }</style>
        <canvas id="a" width="300" height="150"></canvas><canvas id="b" width="300" height="150"></canvas>
        <canvas id="c" width="300" height="150" style="width: 200px; height: 100px"></canvas>`;
      const g = document.getElementById("a").getContext("2d");
      g.fillStyle = "#f59e0b";
      g.fillRect(20, 20, 200, 100);
      g.fillStyle = "#1e40af";
      g.beginPath();
      g.arc(220, 75, 50, 0, 7);
      g.fill();
      const gl = document.getElementById("b").getContext("webgl", { preserveDrawingBuffer: true });
      gl.clearColor(0.9, 0.1, 0.4, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      // Its picture is gone once a frame is shown: readable only between its drawing and that.
      const live = document.getElementById("c").getContext("webgl");
      const draw = () => {
        live.clearColor(0.1, 0.6, 0.3, 1);
        live.clear(live.COLOR_BUFFER_BIT);
        live.enable(live.SCISSOR_TEST);
        live.scissor(20, 20, 100, 60);
        live.clearColor(1, 0.9, 0.2, 1);
        live.clear(live.COLOR_BUFFER_BIT);
        live.disable(live.SCISSOR_TEST);
        requestAnimationFrame(draw);
      };
      draw();
    });
    await assertLooksLikeChromium(page, "canvases");
    await page.close();
  });

  test("videos are drawn with their current frame, placed by object-fit; one without a frame as its box", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; } video { margin: 8px; background: #e5e7eb; }</style>
        <video id="a" muted style="width: 320px; height: 180px"></video><video id="b" muted style="width: 200px; height: 200px; object-fit: cover"></video>
        <video id="c" muted style="width: 240px; height: 100px; object-fit: contain; object-position: 0 50%"></video>
        <video id="empty" style="width: 160px; height: 90px"></video>`;
      // A stream of a still picture, drawn again each frame so the stream has frames to send:
      // each video shows it as its current frame.
      const source = document.createElement("canvas");
      source.width = 320;
      source.height = 180;
      const g = source.getContext("2d");
      const paint = () => {
        g.fillStyle = "#0ea5e9";
        g.fillRect(0, 0, 320, 180);
        g.fillStyle = "#be123c";
        g.fillRect(40, 30, 120, 120);
        g.fillStyle = "#fde047";
        g.fillRect(200, 60, 90, 60);
        requestAnimationFrame(paint);
      };
      paint();
      const stream = source.captureStream();
      for (const id of ["a", "b", "c"]) {
        const video = document.getElementById(id);
        video.srcObject = stream;
        video.play();
      }
    });
    await page.waitForFunction(() => ["a", "b", "c"].every((id) => document.getElementById(id).readyState >= 2));
    await assertLooksLikeChromium(page, "videos");
    await page.close();
  });

  test("frames: a same-origin iframe is drawn with its content, a cross-origin one as a box of its size", async () => {
    const page = await pageWith((assets) => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; font: 16px sans-serif; } iframe { width: 300px; height: 160px; border: 2px solid #555; }</style>
        <iframe id="same" srcdoc="<body style='background:#dcfce7;font:20px sans-serif'>Same-origin frame</body>"></iframe>
        <iframe id="cross" src="${assets}/cors.png"></iframe><p>Text after the frames</p>`;
    }, assets.url);
    await page.waitForFunction(() => document.getElementById("same").contentDocument?.body?.textContent);
    await page.waitForTimeout(200);
    await assertLooksLikeChromium(page, "frames", { ignore: [await rect(page, "#cross")] });
    await page.close();
  });

  test("the top layer: a modal dialog centred over its backdrop, and a popover, above fixed elements", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; font: 16px sans-serif; } .fixed { position: fixed; top: 0; left: 0; right: 0; height: 60px; background: #0f766e; z-index: 1000; }
        dialog::backdrop { background: rgb(0 0 0 / 0.5); } dialog { width: 400px; border: 0; border-radius: 8px; padding: 24px; }
        [popover] { width: 200px; height: 60px; border: 2px solid #7c3aed; inset: auto; left: 40px; top: 100px; margin: 0; }</style>
        <div class="fixed"></div>${Array.from({ length: 30 }, (_, i) => `<p>Paragraph ${i}</p>`).join("")}
        <div id="pop" popover>A popover<div style="height: 40px; background: #2563eb"></div></div><dialog id="dlg"><h2>Delete item?</h2><p>This cannot be undone.</p><div style="height: 120px; background: #dc2626"></div></dialog>`;
      document.getElementById("pop").showPopover();
      document.getElementById("dlg").showModal();
    });
    await assertLooksLikeChromium(page, "top layer");
    await page.close();
  });

  test("a resource that never answers: the screenshot gives up on it within seconds and is still taken", async () => {
    const page = await pageWith((assets) => {
      document.body.innerHTML = `<style>body { margin: 20px; max-width: none; } .bg { width: 300px; height: 100px; background: #dbeafe url(${assets}/never.png); }</style>
        <h1>Waiting on an image</h1><div class="bg"></div>`;
    }, assets.url);
    const took = await page.evaluate(async () => {
      const t = performance.now();
      const blob = await (await import("/bugcap/index.js")).screenshot();
      return { ms: performance.now() - t, size: blob.size };
    });
    assert.ok(took.size > 1000, "a picture was made");
    assert.ok(took.ms < 8000, `the screenshot took ${took.ms.toFixed(0)} ms`);
    await page.close();
  });

  // Not here: `backdrop-filter`, which Chromium does not apply inside a picture drawn from SVG
  // (the area behind is drawn unfiltered; docs/widget.md lists it).
  test("modern CSS: oklch, lab, color-mix, light-dark, variables, @layer, container queries, filters, blend modes, clip-path, masks, gradients, shadows", async () => {
    const page = await pageWith(() => {
      document.body.innerHTML = `<style>
        @layer base, theme; @layer theme { .layered { background: oklch(0.7 0.15 150); } } @layer base { .layered { background: red; } }
        :root { --accent: lab(55% 40 -60); color-scheme: light; } body { margin: 20px; max-width: none; font: 16px sans-serif; }
        .grid { display: flex; flex-wrap: wrap; gap: 12px; } .grid > div { width: 180px; height: 110px; border-radius: 8px; }
        .a { background: oklch(0.65 0.2 30); } .b { background: var(--accent); } .c { background: color-mix(in oklab, #2563eb 60%, #facc15); }
        .d { background: light-dark(#0ea5e9, #1e293b); } .e { background: linear-gradient(135deg, #f43f5e, #8b5cf6); box-shadow: 0 8px 20px rgb(0 0 0 / 0.35); }
        .f { background: radial-gradient(circle, #fde047, #ea580c); filter: saturate(2) hue-rotate(40deg); }
        .g { background: #22c55e; clip-path: polygon(50% 0, 100% 100%, 0 100%); } .h { background: #0f172a; mix-blend-mode: multiply; }
        .i { background: conic-gradient(#ef4444, #3b82f6, #ef4444); -webkit-mask: radial-gradient(circle, #000 50%, transparent 51%); mask: radial-gradient(circle, #000 50%, transparent 51%); }
        .wrap { container-type: inline-size; width: 380px; } @container (min-width: 300px) { .cq { background: #a855f7; } } .cq { height: 60px; background: #999; }
</style>
        <div class="grid"><div class="a"></div><div class="b"></div><div class="c"></div><div class="d"></div><div class="e"></div><div class="f"></div>
        <div class="g"></div><div class="h"></div><div class="i"></div><div class="layered"></div></div>
        <div class="wrap"><div class="cq"></div></div>`;
    });
    await assertLooksLikeChromium(page, "modern CSS");
    await page.close();
  });

  test("web fonts from @font-face are drawn in their face: cross-origin with CORS, same-origin, and as icons from ::before", async () => {
    const page = await pageWith(async (assets) => {
      // The same font as a same-origin (blob:) URL too.
      const bytes = await (await fetch(`${assets}/font.ttf`)).blob();
      const local = URL.createObjectURL(bytes);
      document.body.innerHTML = `<style>@font-face { font-family: "Probe Cross"; src: url(${assets}/font.ttf) format("truetype"); }
        @font-face { font-family: "Probe Same"; src: url(${local}) format("truetype"); }
        body { margin: 20px; max-width: none; } p { font-size: 40px; margin: 10px 0; }
        .cross { font-family: "Probe Cross", sans-serif; } .same { font-family: "Probe Same", sans-serif; }
        .icon::before { font-family: "Probe Cross"; font-size: 48px; margin-right: 12px; } .i-a::before { content: "\\0051"; } .i-b::before { content: "&"; }</style>
        <p class="cross">Cross-origin web font Qgj 123</p><p class="same">Same-origin web font Qgj 123</p><p style="font-family: sans-serif">Fallback face Qgj 123</p>
        <p style="font: 20px sans-serif"><i class="icon i-a"></i><i class="icon i-b"></i>icons drawn by ::before in a web font, as icon fonts are</p>`;
      await document.fonts.ready;
      // Both faces really loaded on screen, or the comparison would prove nothing.
      const loaded = [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family);
      if (loaded.length < 2) throw new Error(`the page's fonts did not load: ${loaded}`);
    }, assets.url);
    await assertLooksLikeChromium(page, "web fonts");
    await page.close();
  });
});
