// The screenshot drawn from the DOM, beside Chromium's own capture of the same viewport, on the
// pages DOM-to-image renderers get wrong: huge pages (of which only the viewport is drawn), and
// the hard cases. Each comparison writes pictures of the difference to target/screenshot-diffs
// when it fails. Inputs are unmasked here unless a test says otherwise: masks differ by design.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { openDemo, widgetFixture } from "../support/demo.mjs";
import { assertLooksLikeChromium, lastShotStats } from "../support/fidelity.mjs";
import { appPage } from "../support/pages.mjs";

const VIEWPORT = { width: 1280, height: 800 };

describe("the screenshot, beside Chromium's own capture", () => {
  const fx = widgetFixture();

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
});
