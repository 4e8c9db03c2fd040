// The real-pixels screenshot (`screenshot: "display"`): the browser's capture of the tab, with
// the masks painted over it. Headless Chromium has no screen capture, so this runs a headed
// Chromium on Xvfb that accepts the "share this tab" prompt by itself, against a real relay.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { launchHeadedBrowser } from "../support/browser.mjs";
import { decodeImage as decode, localSite, openDemo, startStack } from "../support/demo.mjs";

const ui = (page, selector) => page.locator(`bugcap-widget >> ${selector}`);

/** The share of pixels inside `rect` (CSS pixels, scaled by `k`) within `tolerance` of `rgb`. */
function share(image, rect, k, rgb, tolerance) {
  let near = 0;
  let all = 0;
  // A margin inside the rectangle: edges are where scaling and compression blend colours.
  for (let y = Math.ceil((rect.y + 4) * k); y < Math.floor((rect.y + rect.height - 4) * k); y++) {
    for (let x = Math.ceil((rect.x + 4) * k); x < Math.floor((rect.x + rect.width - 4) * k); x++) {
      const i = (y * image.width + x) * 4;
      all++;
      if ([0, 1, 2].every((c) => Math.abs(image.data[i + c] - rgb[c]) <= tolerance)) near++;
    }
  }
  assert.ok(all > 500, `the region ${JSON.stringify(rect)} is large enough to mean something`);
  return near / all;
}

describe("the real-pixels screenshot", () => {
  let stack;
  let www;

  before(async () => {
    stack = await startStack({ launch: () => launchHeadedBrowser(["--auto-accept-this-tab-capture"]) });
    www = await localSite(stack, { options: { screenshot: "display" } });
  });

  after(async () => {
    await www?.close();
    await stack?.close();
  });

  test("the tab's own pixels are sent, with blocked elements and masked inputs painted over and no widget UI", async () => {
    // The window's own size: an emulated viewport is not what the capture sees, and the widget
    // rightly refuses a picture that is not the shape of the page.
    const { page } = await openDemo(stack.browser, `${www.url}/`, { viewport: null });
    const rects = await page.evaluate(() => {
      const fixed = (html, left, top) => {
        const holder = document.createElement("div");
        holder.style.cssText = `position:fixed;left:${left}px;top:${top}px;z-index:10`;
        holder.innerHTML = html;
        document.body.append(holder);
        return holder.firstElementChild;
      };
      // A cross-origin (data:) frame: a render from the DOM can only draw its empty box, the
      // browser's capture shows its magenta page.
      const frame = fixed(`<iframe style="display:block;width:220px;height:120px;border:0" src="data:text/html,<body style='margin:0;background:%23ff00ff'></body>"></iframe>`, 40, 60);
      const secret = fixed(`<div data-bugcap-block style="width:220px;height:120px;background:#00d000;color:#fff;font:700 28px sans-serif">TOP SECRET</div>`, 300, 60);
      const input = fixed(`<input value="WWWW MMMM 8888" style="width:220px;height:60px;font:700 28px monospace;background:#ffff00;color:#000;border:0">`, 560, 60);
      // A checkbox's state is the user's answer: masked like a typed value.
      const choice = fixed(`<input type="checkbox" checked style="display:block;margin:0;width:48px;height:48px;accent-color:#00a0ff">`, 820, 60);
      const box = (el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const launcher = document.querySelector("bugcap-widget").shadowRoot.querySelector("button.launcher");
      return { frame: box(frame), secret: box(secret), input: box(input), choice: box(choice), launcher: box(launcher), viewport: innerWidth };
    });
    // The frame paints asynchronously; give it a moment before the launcher is pressed.
    await page.waitForTimeout(300);
    await ui(page, "button.launcher").click();
    const logs = [];
    page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
    await ui(page, "#bc-annotate:not([disabled])")
      .waitFor({ timeout: 30000 })
      .catch(async (e) => {
        const note = await page.evaluate(() => [...document.querySelector("bugcap-widget").shadowRoot.querySelectorAll("p.hint")].map((p) => p.textContent).join(" | "));
        throw new Error(`${e.message}\nthe dialog says: ${note}\nthe page logged:\n${logs.join("\n")}`);
      });
    await ui(page, "#bc-text").fill("Real pixels");
    await ui(page, "button[type=submit]").click();
    await ui(page, "dialog[data-state=sent]").waitFor({ timeout: 30000 });
    const id = await page.evaluate(() => document.querySelector("bugcap-widget").shadowRoot.querySelector("dialog").dataset.reportId);

    const auth = { headers: { authorization: `Bearer ${stack.token}` } };
    const report = await (await fetch(`${stack.relay.url}/v1/reports/${id}`, auth)).json();
    const shot = report.report.attachments.find((a) => a.name.startsWith("screenshot"));
    assert.ok(shot, "the report carries a screenshot");
    const res = await fetch(`${stack.relay.url}/v1/reports/${id}/media/${shot.name}`, auth);
    assert.equal(res.status, 200);
    const image = await decode(page, new Uint8Array(await res.arrayBuffer()));
    const k = image.width / rects.viewport;

    const magenta = share(image, rects.frame, k, [255, 0, 255], 48);
    assert.ok(magenta > 0.9, `the cross-origin frame shows its own pixels (${(magenta * 100).toFixed(1)} % magenta): this is the browser's capture, not a DOM render`);
    const fill = [0x1f, 0x29, 0x37];
    const blocked = share(image, rects.secret, k, fill, 16);
    assert.ok(blocked > 0.99, `the blocked element is painted over (${(blocked * 100).toFixed(1)} % block colour)`);
    const masked = share(image, rects.input, k, fill, 16);
    assert.ok(masked > 0.99, `the input's value is painted over (${(masked * 100).toFixed(1)} % block colour)`);
    const checked = share(image, rects.choice, k, fill, 16);
    assert.ok(checked > 0.99, `the checkbox's state is painted over (${(checked * 100).toFixed(1)} % block colour)`);
    // The launcher sat over the page's background: in the picture that spot is the page, not
    // the launcher's own colour.
    const launcherColour = await page.evaluate(() => {
      const b = document.querySelector("bugcap-widget").shadowRoot.querySelector("button.launcher");
      return getComputedStyle(b).backgroundColor.match(/\d+/g).slice(0, 3).map(Number);
    });
    const launcher = share(image, rects.launcher, k, launcherColour, 24);
    assert.ok(launcher < 0.05, `the widget's launcher is not in the picture (${(launcher * 100).toFixed(1)} % of its colour)`);
    await page.close();
  });
});
