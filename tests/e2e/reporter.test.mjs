// The reporter as a person uses it, in headless Chromium against a real relay: the launcher and
// dialog by keyboard and pointer, the screenshot editor (with redaction checked in the uploaded
// pixels), masking in the screenshot's pixels, the offline outbox, isolation from host CSS and
// an axe-core scan of the open dialog.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { decodeImage as decode, openDemo, watchWidgetErrors, widgetFixture } from "../support/demo.mjs";
import { assertLooksLikeChromium, besideChromium, captureShot } from "../support/fidelity.mjs";

const AXE = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/** A locator inside the widget's shadow root. */
const ui = (page, selector) => page.locator(`bugcap-widget >> ${selector}`);

/** What has focus, looking into the widget's shadow root. */
function focused(page) {
  return page.evaluate(() => {
    const host = document.querySelector("bugcap-widget");
    const inner = host?.shadowRoot?.activeElement;
    if (document.activeElement === host && inner) {
      return { inWidget: true, inDialog: !!inner.closest("dialog"), id: inner.id, text: inner.textContent.trim(), tag: inner.tagName };
    }
    return { inWidget: false, id: document.activeElement?.id ?? "" };
  });
}

/** The pixels of `image` inside the rectangle, as [r, g, b] triples. */
function region(image, x0, y0, x1, y1) {
  const out = [];
  for (let y = Math.ceil(y0); y < Math.floor(y1); y++) {
    for (let x = Math.ceil(x0); x < Math.floor(x1); x++) {
      const i = (y * image.width + x) * 4;
      out.push([image.data[i], image.data[i + 1], image.data[i + 2]]);
    }
  }
  return out;
}

describe("the reporter UI", () => {
  const fx = widgetFixture();
  const site = fx.site;

  /** The share of pixels that differ from Chromium's own capture, once `setup` (run in the
   * demo page, without the launcher) has built and scrolled what is to be drawn. */
  async function differsFromChromium(setup) {
    const www = await site({ launcher: false });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    try {
      await page.evaluate(setup);
      return (await besideChromium(page)).share;
    } finally {
      await page.close();
    }
  }

  async function stored(id) {
    const res = await fetch(`${fx.stack.relay.url}/v1/reports/${id}`, { headers: { authorization: `Bearer ${fx.stack.token}` } });
    return { status: res.status, body: res.status === 200 ? await res.json() : null };
  }

  async function media(id, name) {
    const res = await fetch(`${fx.stack.relay.url}/v1/reports/${id}/media/${name}`, { headers: { authorization: `Bearer ${fx.stack.token}` } });
    assert.equal(res.status, 200, `media ${name} of ${id}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  async function waitSent(page) {
    await ui(page, "dialog[data-state]").waitFor({ timeout: 30000 });
    return page.evaluate(() => {
      const d = document.querySelector("bugcap-widget").shadowRoot.querySelector("dialog");
      return { state: d.dataset.state, id: d.dataset.reportId };
    });
  }

  test("keyboard only: shortcut opens, Tab stays in the dialog, Escape closes and returns focus, the launcher sends", async () => {
    const www = await site({ shortcut: "ctrl+shift+b" });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await page.focus("#display-name");
    await page.keyboard.press("Control+Shift+B");
    await ui(page, "dialog[open]").waitFor();
    assert.deepEqual(await focused(page).then((f) => [f.inDialog, f.id]), [true, "bc-text"]);
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press(i % 3 === 2 ? "Shift+Tab" : "Tab");
      const f = await focused(page);
      assert.ok(f.inDialog, `focus left the dialog after ${i + 1} presses: ${JSON.stringify(f)}`);
    }
    await page.keyboard.press("Escape");
    await ui(page, "dialog").waitFor({ state: "detached" });
    assert.equal((await focused(page)).id, "display-name", "focus returns to where it was");

    // The launcher is a real button: focus it and press Enter.
    await ui(page, "button.launcher").focus();
    await page.keyboard.press("Enter");
    await ui(page, "dialog[open]").waitFor();
    await page.keyboard.type("Typed with the keyboard only");
    // From the text field: back to the close button, then around to the last control, Send.
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    assert.equal((await focused(page)).text, "Send report");
    await page.keyboard.press("Enter");
    const { state, id } = await waitSent(page);
    assert.equal(state, "sent");
    const { body } = await stored(id);
    assert.equal(body.report.feedback.text, "Typed with the keyboard only");
    assert.match(body.report.attachments[0].name, /^screenshot\.(webp|png)$/);
    await page.close();
  });

  test("Send pressed while the screenshot is still being taken waits for it: the report carries the picture", async () => {
    const www = await site({});
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    // An image that never answers holds the screenshot for its resource wait (seconds).
    await page.route("**/never-answers.png", () => {});
    await page.evaluate(() => {
      const slow = document.createElement("div");
      slow.style.cssText = "width: 40px; height: 40px; background: url(/never-answers.png)";
      document.body.prepend(slow);
    });
    await ui(page, "button.launcher").click();
    await ui(page, "dialog[open]").waitFor();
    await page.keyboard.type("Sent before the screenshot was ready");
    const note = await ui(page, "dialog .preview + p.hint").textContent();
    assert.match(note, /^Taking/, "Send is pressed while the screenshot is being taken");
    await ui(page, "dialog button.primary").click();
    const { state, id } = await waitSent(page);
    assert.equal(state, "sent");
    const { body } = await stored(id);
    assert.ok(body.report.attachments.some((a) => a.name.startsWith("screenshot.")),
      `the report went without its screenshot (the note said ${JSON.stringify(note)} when Send was pressed)`);
    await page.close();
  });

  test("screenshotFormat: WebP by default, PNG when asked, in screenshot() and in the upload; ids are v4 UUIDs", async () => {
    const formats = {};
    const ids = [];
    for (const [label, options] of [["default", {}], ["png", { screenshotFormat: "png" }]]) {
      const www = await site({ launcher: false, ...options });
      const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
      const { type, id } = await page.evaluate(async () => {
        const m = await import("/bugcap/index.js");
        const blob = await m.screenshot();
        const sent = await m.submit({ text: "format check", screenshot: true });
        return { type: blob.type, id: sent.id };
      });
      ids.push(id);
      const { body } = await stored(id);
      const shot = body.report.attachments.find((a) => a.name.startsWith("screenshot."));
      // The bytes uploaded are in the declared format: PNG's and WebP's signatures.
      const bytes = await media(id, shot.name);
      const magic = Buffer.from(bytes.slice(0, 16)).toString("latin1");
      formats[label] = { type, name: shot.name, content_type: shot.content_type, png: magic.startsWith("\x89PNG"), webp: magic.slice(8, 12) === "WEBP" };
      await page.close();
    }
    assert.deepEqual(formats.default, { type: "image/webp", name: "screenshot.webp", content_type: "image/webp", png: false, webp: true });
    assert.deepEqual(formats.png, { type: "image/png", name: "screenshot.png", content_type: "image/png", png: true, webp: false });
    // Report ids are random (version 4) UUIDs, drawn from the browser's CSPRNG.
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(ids[0], ids[1]);
  });

  test("a pointer over the launcher starts loading the reporter before it is pressed", async () => {
    const www = await site();
    const { page, requested } = await openDemo(fx.stack.browser, `${www.url}/`);
    const reporterWasm = () => requested.some((u) => u.endsWith("bugcap_reporter_bg.wasm"));
    await page.mouse.move(5, 5);
    await page.waitForTimeout(200);
    assert.ok(!reporterWasm(), "nothing but the capture module loads while the pointer is elsewhere");
    await ui(page, "button.launcher").hover();
    await page
      .waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("bugcap_reporter_bg.wasm")), null, { timeout: 10000 })
      .catch(() => {});
    assert.ok(reporterWasm(), "the reporter is requested on hover");
    assert.equal(await ui(page, "dialog[open]").count(), 0, "hovering does not open the dialog");
    await page.close();
  });

  test("preload() loads the reporter for a host's own button, without opening anything", async () => {
    const www = await site({ launcher: false });
    const { page, requested } = await openDemo(fx.stack.browser, `${www.url}/`);
    const reporterWasm = () => requested.some((u) => u.endsWith("bugcap_reporter_bg.wasm"));
    assert.ok(!reporterWasm(), "not loaded at init");
    await page.evaluate(async () => (await import("/bugcap/index.js")).preload());
    assert.ok(reporterWasm(), "preload() fetched the reporter");
    assert.equal(await ui(page, "dialog[open]").count(), 0, "no dialog opened");
    await page.close();
  });

  test("the dialog shows the page's language, and a page downloads no locale file but its own", async () => {
    const www = await site({ launcher: false });
    const { page, requested } = await openDemo(fx.stack.browser, `${www.url}/`);
    const localeFiles = () => requested.filter((u) => u.includes("/locales/")).map((u) => u.split("/").pop());
    const openedTitle = async () => {
      await page.evaluate(async () => (await import("/bugcap/index.js")).open());
      await ui(page, "dialog[open]").waitFor();
      const title = await ui(page, "#bc-title").textContent();
      const send = await ui(page, "button[type=submit]").textContent();
      await page.evaluate(async () => (await import("/bugcap/index.js")).close());
      return [title, send];
    };
    assert.deepEqual(await openedTitle(), ["Report a bug", "Send report"]);
    assert.deepEqual(localeFiles(), [], "an English page loads no locale file");
    await page.evaluate(() => (document.documentElement.lang = "de-AT"));
    assert.deepEqual(await openedTitle(), ["Fehler melden", "Bericht senden"]);
    assert.deepEqual(localeFiles(), ["de.js"], "a German page loads the German strings only");
    await page.close();

    // The `locale` option wins over <html lang>, and the host's `strings` over the locale file.
    const fr = await site({ launcher: false, locale: "fr", strings: { title: "Un souci ?" } });
    const other = await openDemo(fx.stack.browser, `${fr.url}/`);
    await other.page.evaluate(async () => (await import("/bugcap/index.js")).open());
    await ui(other.page, "dialog[open]").waitFor();
    assert.equal(await ui(other.page, "#bc-title").textContent(), "Un souci ?");
    assert.equal(await ui(other.page, "button[type=submit]").textContent(), "Envoyer");
    assert.deepEqual(other.requested.filter((u) => u.includes("/locales/")).map((u) => u.split("/").pop()), ["fr.js"]);
    await other.page.close();
  });

  test("close() then open() at once shows a fresh dialog, and the host's own button can reopen it after sending", async () => {
    const www = await site({ launcher: false });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    const reopen = () => page.evaluate(async () => {
      const m = await import("/bugcap/index.js");
      await m.close();
      await m.open();
    });
    await page.evaluate(() => import("/bugcap/index.js").then((m) => m.open()));
    await ui(page, "#bc-text").fill("first");
    await ui(page, "dialog").evaluate((d) => (d.dataset.first = "yes"));
    await reopen();
    await ui(page, "dialog[open]").waitFor();
    // Two animation frames: a close event still pending from the first dialog has fired by then.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await ui(page, "dialog[open]").count(), 1, "one open dialog after close() + open()");
    assert.equal(await ui(page, "dialog[data-first]").count(), 0, "it is a new dialog, not the old one");
    assert.equal(await ui(page, "#bc-text").inputValue(), "first", "with the draft the first one was closed with");
    await ui(page, "#bc-text").fill("Sent, then reopened");
    await ui(page, "button[type=submit]").click();
    assert.equal((await waitSent(page)).state, "sent");
    await reopen();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await ui(page, "dialog[open]:not([data-state])").count(), 1, "a fresh dialog after the sent one");
    await page.close();
  });

  test("pointer annotation: a redacted region is solid in the uploaded pixels, shapes are sent as data", async () => {
    const www = await site();
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await ui(page, "button.launcher").click();
    await ui(page, "#bc-annotate:not([disabled])").waitFor({ timeout: 20000 });
    await ui(page, "#bc-annotate").click();
    const canvas = ui(page, "canvas");
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    const size = await canvas.evaluate((c) => [c.width, c.height]);
    const toImage = (x, y) => [((x - box.x) / box.width) * size[0], ((y - box.y) / box.height) * size[1]];
    const drag = async (from, to) => {
      await page.mouse.move(from[0], from[1]);
      await page.mouse.down();
      await page.mouse.move(to[0], to[1], { steps: 6 });
      await page.mouse.up();
    };
    // A rectangle around the heading, then a redaction over the intro text.
    await drag([box.x + box.width * 0.3, box.y + box.height * 0.05], [box.x + box.width * 0.5, box.y + box.height * 0.12]);
    await ui(page, "[data-tool=redact]").click();
    const r0 = [box.x + box.width * 0.3, box.y + box.height * 0.13];
    const r1 = [box.x + box.width * 0.65, box.y + box.height * 0.2];
    await drag(r0, r1);
    await ui(page, "[data-action=done]").click();
    await ui(page, "#bc-text").fill("Pointer annotated");
    await ui(page, "button[type=submit]").click();
    const { id } = await waitSent(page);
    const { body } = await stored(id);
    const kinds = body.report.annotations.map((a) => a.kind);
    assert.deepEqual(kinds, ["rectangle", "redact"]);
    const shot = body.report.attachments.find((a) => a.name.startsWith("screenshot"));
    const image = await decode(page, await media(id, shot.name));
    // The uploaded picture may be downscaled from the editor's: scale the region with it.
    const k = image.width / size[0];
    const [ax, ay] = toImage(...r0).map((v) => v * k);
    const [bx, by] = toImage(...r1).map((v) => v * k);
    const inside = region(image, ax + 4, ay + 4, bx - 4, by - 4);
    assert.ok(inside.length > 1000, "the region is large enough to mean something");
    const dark = inside.filter(([r, g, b]) => Math.max(Math.abs(r - 17), Math.abs(g - 17), Math.abs(b - 17)) <= 12).length;
    assert.equal(dark, inside.length, "every pixel of the redacted region is the redaction colour");
    // The control: the same region of the page, unredacted, is not a flat dark box.
    const plain = await decode(page, await captureShot(page));
    const k2 = plain.width / size[0];
    const same = region(plain, ...toImage(...r0).map((v) => v * k2 + 4), ...toImage(...r1).map((v) => v * k2 - 4));
    const plainDark = same.filter(([r, g, b]) => r < 40 && g < 40 && b < 40).length;
    assert.ok(plainDark < same.length * 0.5, "without the redaction the region shows the page");
    await page.close();
  });

  test("a scrolled inner pane is drawn as on screen: scrolled-to rows, no scrollbar gutter the screen lacks", async () => {
    const www = await site({ launcher: false });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await page.evaluate(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; } .pane { height: 100vh; overflow: auto; }
        .row { display: flex; padding: 4px 8px; border-bottom: 1px solid #ccc; } .row i { margin-left: auto; }</style>
        <div class="pane">${Array.from({ length: 300 }, (_, i) => `<div class="row"><b>Row ${i}</b><i>${i * 3} units</i></div>`).join("")}</div>`;
      document.querySelector(".pane").scrollTop = 1500;
    });
    const { share } = await besideChromium(page);
    assert.ok(share < 0.01, `${(share * 100).toFixed(2)} % of the pixels differ from Chromium's own capture`);
    // A blocked element that is itself a scroller, inside the scrolled pane: still one solid box.
    const box = await page.evaluate(() => {
      const blocked = document.createElement("div");
      blocked.dataset.bugcapBlock = "";
      blocked.style.cssText = "height: 120px; overflow: auto; background: #fff";
      blocked.innerHTML = "<p style='height: 600px'>Private chat history</p>";
      const rows = [...document.querySelector(".pane").children];
      rows.find((row) => row.getBoundingClientRect().top > 100).before(blocked);
      blocked.scrollTop = 50;
      const r = blocked.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    const shot = await decode(page, await captureShot(page));
    const [x, y] = [Math.round(box.x), Math.round(box.y)];
    const pixel = region(shot, x, y, x + 1, y + 1)[0];
    const fill = [0x1f, 0x29, 0x37];
    assert.ok(pixel.every((v, i) => Math.abs(v - fill[i]) <= 6), `the blocked box is solid, not ${pixel} at ${x},${y} of ${shot.width}x${shot.height}`);
    await page.close();
  });

  test("a sticky table header inside a scrolled pane stays at the pane's top, as on screen", async () => {
    const share = await differsFromChromium(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; }
        .pane { height: 60vh; margin: 40px; overflow: auto; border: 2px solid #334; }
        table { border-collapse: collapse; width: 100%; font: 14px/20px sans-serif; }
        th { position: sticky; top: 0; background: #1d4ed8; color: #fff; text-align: left; padding: 6px; }
        td { padding: 4px 6px; border-bottom: 1px solid #ccd; } tr:last-child td { border-bottom: 0; }</style>
        <div class="pane"><table><thead><tr><th>Order</th><th>Customer</th><th>Total</th></tr></thead>
        <tbody>${Array.from({ length: 200 }, (_, i) => `<tr><td>#${1000 + i}</td><td>Customer ${i}</td><td>${(i * 7.5).toFixed(2)}</td></tr>`).join("")}</tbody></table></div>`;
      document.querySelector(".pane").scrollTop = 1234;
    });
    // With the rows moved instead of the pane scrolled, the header scrolls away with them.
    assert.ok(share < 0.01, `${(share * 100).toFixed(2)} % of the pixels differ from Chromium's own capture`);
  });

  test("highlighted code in a scrolled <pre> (an inline <code> child) is drawn at the scrolled-to lines", async () => {
    const share = await differsFromChromium(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; }
        pre { margin: 0; height: 100vh; overflow: auto; font: 16px/20px monospace; } .k { color: #b00; }</style>
        <pre><code>${Array.from({ length: 400 }, (_, i) => `<span class="k">line</span> ${i} ${"#".repeat(i % 40)}`).join("\n")}</code></pre>`;
      document.querySelector("pre").scrollTop = 3000;
    });
    // An inline box is no snap area, and `translate` does not move it: drawn from the top, or
    // snapped to nothing, about 5 % of the pixels differ.
    assert.ok(share < 0.01, `${(share * 100).toFixed(2)} % of the pixels differ from Chromium's own capture`);
  });

  test("a pane scrolled both ways keeps its sticky header row and sticky first column", async () => {
    const share = await differsFromChromium(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; }
        .pane { height: 70vh; width: 70vw; margin: 20px; overflow: auto; }
        table { border-collapse: collapse; font: 14px/20px sans-serif; }
        td, th { padding: 4px 10px; border: 1px solid #ccd; white-space: nowrap; }
        th { position: sticky; top: 0; background: #1d4ed8; color: #fff; }
        td:first-child { position: sticky; left: 0; background: #fde68a; }</style>
        <div class="pane"><table><thead><tr>${Array.from({ length: 30 }, (_, c) => `<th>Column ${c}</th>`).join("")}</tr></thead>
        <tbody>${Array.from({ length: 100 }, (_, r) => `<tr>${Array.from({ length: 30 }, (_, c) => `<td>r${r} c${c}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
      const pane = document.querySelector(".pane");
      pane.scrollTop = 700;
      pane.scrollLeft = 900;
    });
    assert.ok(share < 0.01, `${(share * 100).toFixed(2)} % of the pixels differ from Chromium's own capture`);
  });

  test("real pixels: a tab capture whose first frames are taller than the page (the sharing bar not yet shown) still gives the page's picture", async () => {
    const www = await site({ screenshot: "display" });
    // The browser's capture stood in for by a canvas stream (headless Chromium has no screen
    // capture): its first frames are 55 px taller than the viewport, as Chromium's are before
    // its "sharing this tab" bar shrinks the page, then the page's size.
    const context = await fx.stack.browser.newContext();
    await context.addInitScript(() => {
      navigator.mediaDevices.getDisplayMedia = async () => {
        const canvas = document.createElement("canvas");
        canvas.width = innerWidth;
        canvas.height = innerHeight + 55;
        const g = canvas.getContext("2d");
        const paint = () => {
          g.fillStyle = "#00c080";
          g.fillRect(0, 0, canvas.width, canvas.height);
          g.fillStyle = "#2040ff";
          g.fillRect(0, 0, canvas.width / 2, canvas.height);
        };
        paint();
        const stream = canvas.captureStream(30);
        const [track] = stream.getVideoTracks();
        track.getSettings = () => ({ ...MediaStreamTrack.prototype.getSettings.call(track), displaySurface: "browser" });
        setTimeout(() => {
          canvas.height = innerHeight;
          paint();
        }, 400);
        // A canvas stream sends a frame only when the canvas is drawn.
        const frames = setInterval(paint, 30);
        setTimeout(() => clearInterval(frames), 10000);
        return stream;
      };
    });
    const { page } = await openDemo(context, `${www.url}/`);
    const warnings = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    await ui(page, "button.launcher").click();
    const taken = await ui(page, "#bc-annotate:not([disabled])")
      .waitFor({ timeout: 10000 })
      .then(() => true, () => false);
    assert.ok(taken, `the screenshot was taken (${warnings.join("; ") || "no warning"})`);
    // The picture is the capture's (blue left, green right), at the page's size: not a render
    // from the DOM.
    const picture = await page.evaluate(async () => {
      const blob = await (await import("/bugcap/index.js")).screenshot();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = canvas.getContext("2d");
      g.drawImage(bitmap, 0, 0);
      const at = (x, y) => [...g.getImageData(x, y, 1, 1).data.slice(0, 3)];
      return { width: bitmap.width, height: bitmap.height, viewport: [innerWidth, innerHeight], left: at(8, 8), right: at(bitmap.width - 8, 8) };
    });
    assert.deepEqual([picture.width, picture.height], picture.viewport);
    const near = (rgb, want) => rgb.every((v, i) => Math.abs(v - want[i]) <= 24);
    assert.ok(near(picture.left, [0x20, 0x40, 0xff]) && near(picture.right, [0x00, 0xc0, 0x80]), JSON.stringify(picture));
    await context.close();
  });

  test("text straight inside a scrolled pane is drawn at the scrolled-to lines", async () => {
    const share = await differsFromChromium(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; }
        pre { margin: 0; height: 100vh; overflow: auto; font: 16px/20px monospace; }</style>
        <pre>${Array.from({ length: 400 }, (_, i) => `line ${i} ${"#".repeat(i % 40)}`).join("\n")}</pre>`;
      document.querySelector("pre").scrollTop = 3000;
    });
    // Drawn from the top instead, about a tenth of the pixels differ.
    assert.ok(share < 0.01, `${(share * 100).toFixed(2)} % of the pixels differ from Chromium's own capture`);
  });

  test("a scrolled page is drawn as on screen: sticky header, fixed badge, a bar placed on the initial viewport", async () => {
    const www = await site({ launcher: false });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await page.evaluate(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; width: 2400px; }
        header { position: sticky; top: 0; height: 48px; background: #0a7d3b; color: #fff; font: 20px sans-serif; }
        .badge { position: fixed; right: 12px; bottom: 12px; width: 60px; height: 60px; background: #c2185b; }
        .bar { position: absolute; left: 0; bottom: 0; width: 100%; height: 40px; background: #1565c0; }
        .row { height: 30px; border-bottom: 1px solid #999; font: 16px monospace; }</style>
        <div style="height: 200px">intro</div><header>Sticky header</header>
        ${Array.from({ length: 300 }, (_, i) => `<div class="row">row ${i} ${"=".repeat(i % 50)}</div>`).join("")}
        <div class="badge"></div><div class="bar"></div>`;
    });
    // Scrolled sideways and a little down: the bar sits at the bottom of the initial viewport
    // (its containing block), moved up by the scroll; then far down, under the sticky header.
    for (const [x, y] of [[300, 100], [300, 2500]]) {
      await page.evaluate(([x, y]) => window.scrollTo(x, y), [x, y]);
      await assertLooksLikeChromium(page, `scrolled page at ${x},${y}`);
    }
    await page.close();
  });

  test("pseudo-elements inside a shadow tree are drawn; a masked one's generated text is not", async () => {
    const www = await site({ launcher: false });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    const box = await page.evaluate(() => {
      document.body.innerHTML = `<style>body { margin: 0; max-width: none; }
          .amount { display: block; height: 50px; margin: 20px; }
          .amount::after { content: attr(data-amount); font: bold 30px sans-serif; color: #000; }</style>
        <x-card id="card"></x-card><x-card id="secret" data-bugcap-mask></x-card>
        <span class="amount" data-bugcap-mask data-amount="4200 EUR OWED"></span>`;
      // The component's styles are a constructed sheet adopted by its shadow root, as Lit and
      // most web component libraries do: no <style> element carries them into the copy.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(`
        .tile { position: relative; width: 240px; height: 120px; margin: 20px; }
        .tile::before { content: ""; position: absolute; inset: 0 120px 0 0; background: #ff00ff; }
        .tile::after { content: "SECRET WORD"; position: absolute; left: 130px; top: 40px; font: bold 30px sans-serif; color: #000; }`);
      for (const id of ["card", "secret"]) {
        const root = document.getElementById(id).attachShadow({ mode: "open" });
        root.adoptedStyleSheets = [sheet];
        root.innerHTML = `<div class="tile"></div>`;
      }
      const rect = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, bottom: r.bottom }; };
      return {
        ...rect(document.getElementById("card").shadowRoot.querySelector(".tile")),
        secret: rect(document.getElementById("secret").shadowRoot.querySelector(".tile")),
        amount: rect(document.querySelector(".amount")),
      };
    });
    const { ours, theirs } = await besideChromium(page);
    const magenta = region(ours, box.x + 10, box.y + 10, box.x + 110, box.y + 110)
      .filter(([r, g, b]) => r > 230 && g < 30 && b > 230);
    assert.ok(magenta.length > 9000, `the ::before block is drawn (${magenta.length} of 10000 pixels)`);
    // The first card's ::after text is drawn as on screen; the masked card's is not drawn.
    const dark = (image, y0) => region(image, box.x + 130, y0 + 30, box.x + 240, y0 + 80)
      .filter(([r, g, b]) => r < 80 && g < 80 && b < 80).length;
    assert.ok(dark(ours, box.y) > dark(theirs, box.y) * 0.8, "the ::after text is drawn");
    const secretY = box.secret.y;
    assert.ok(dark(theirs, secretY) > 200, "control: the page shows the masked card's text");
    assert.equal(dark(ours, secretY), 0, "the masked card's generated text is not in the picture");
    // In the page's own DOM too: generated text from an attribute of a masked element.
    const amount = (image) => region(image, 20, box.amount.y, 320, box.amount.bottom)
      .filter(([r, g, b]) => r < 80 && g < 80 && b < 80).length;
    assert.ok(amount(theirs) > 200, "control: the page shows the masked amount");
    assert.equal(amount(ours), 0, "the masked amount's generated text is not in the picture");
    await page.close();
  });

  test("masked input values are not in the screenshot's pixels", async () => {
    const shoot = async (page, value) => {
      await page.fill("#display-name", value);
      return (await decode(page, await captureShot(page))).data;
    };
    const differs = (a, b) => a.length !== b.length || a.some((v, i) => v !== b[i]);
    // Two distinctive high-contrast values of the same length.
    const one = "WWWW MMMM 8888 ####";
    const two = "iiii llll 1111 ....";

    const masked = await openDemo(fx.stack.browser, `${(await site()).url}/`);
    const m1 = await shoot(masked.page, one);
    const m2 = await shoot(masked.page, two);
    assert.ok(!differs(m1, m2), "with masking, the picture does not depend on what was typed");

    const open = await openDemo(fx.stack.browser, `${(await site({ maskInputs: false })).url}/`);
    const u1 = await shoot(open.page, one);
    const u2 = await shoot(open.page, two);
    assert.ok(differs(u1, u2), "control: without masking, the typed value is drawn");
    await masked.page.close();
    await open.page.close();
  });

  test("offline: the report is queued on the device, then delivered exactly once when back online", async () => {
    const www = await site();
    const context = await fx.stack.browser.newContext();
    const { page } = await openDemo(context, `${www.url}/`);
    // The user opens the dialog, then the connection drops before they send.
    await ui(page, "button.launcher").click();
    await ui(page, "#bc-annotate:not([disabled])").waitFor({ timeout: 20000 });
    await context.setOffline(true);
    await ui(page, "#bc-text").fill("Filed while offline");
    await ui(page, "button[type=submit]").click();
    const { state, id } = await waitSent(page);
    assert.equal(state, "queued");
    assert.equal((await stored(id)).status, 404, "nothing reached the relay while offline");
    assert.equal(await page.evaluate(() => localStorage.getItem("bugcap.outbox")), "1");
    await ui(page, "dialog button.primary").click();

    const posts = [];
    page.on("requestfinished", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/v1/reports")) posts.push(JSON.parse(r.postData()).id);
    });
    await context.setOffline(false);
    let found;
    for (let i = 0; i < 60 && !(found = await stored(id)).body; i++) await new Promise((r) => setTimeout(r, 250));
    assert.equal(found.status, 200, "delivered after the online event");
    assert.equal(found.body.report.feedback.text, "Filed while offline");
    assert.ok(found.body.media.every((m) => m.status === "complete"), JSON.stringify(found.body.media));
    await page.waitForFunction(() => localStorage.getItem("bugcap.outbox") === null);
    // A reload flushes again at init: there is nothing left, and the relay still has one report.
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.bugcap === "ready");
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(posts, [id], "one POST reached the relay, from the online flush; none after the reload");
    assert.equal((await stored(id)).body.report.feedback.text, "Filed while offline");
    await context.close();
  });

  test("under a strict Content-Security-Policy (no inline styles) the widget is styled, screenshots and raises no violation", async () => {
    const www = await site();
    const page = await fx.stack.browser.newPage();
    watchWidgetErrors(page);
    const csp = [
      "default-src 'self'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "connect-src 'self' http://127.0.0.1:*",
    ].join("; ");
    await page.route(`${www.url}/`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": csp } });
    });
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`), true);
    });
    await page.goto(`${www.url}/`);
    await page.waitForFunction(() => document.documentElement.dataset.bugcap === "ready");
    assert.equal(await ui(page, "button.launcher").evaluate((b) => getComputedStyle(b).position), "fixed", "the launcher has its styles");
    await ui(page, "button.launcher").click();
    await ui(page, "dialog[open]").waitFor();
    await ui(page, "#bc-annotate:not([disabled])").waitFor({ timeout: 20000 });
    await ui(page, "#bc-annotate").click();
    await ui(page, ".editor canvas").waitFor();
    const swatches = await ui(page, ".swatch").evaluateAll((all) => all.map((b) => getComputedStyle(b).backgroundColor));
    const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
    assert.deepEqual(swatches, ["#e11d48", "#f59e0b", "#16a34a", "#2563eb", "#111827"].map(rgb), "each colour button shows its colour");
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    await page.close();
  });

  test("the host page's CSS does not change the dialog or the launcher", async () => {
    const www = await site({ screenshot: false });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    const look = async () => {
      await ui(page, "button.launcher").click();
      await ui(page, "dialog[open]").waitFor();
      // Its opening animation finished, so both pictures show the dialog at rest.
      const dialog = await ui(page, "dialog").screenshot({ animations: "disabled" });
      const launcher = await ui(page, "button.launcher").boundingBox();
      await page.keyboard.press("Escape");
      await ui(page, "dialog").waitFor({ state: "detached" });
      return { dialog, launcher };
    };
    const before = await look();
    await page.addStyleTag({
      content: `* { all: unset !important; } *, *::before { font: 30px serif !important; color: red !important; }
        bugcap-widget, dialog, button { display: none !important; background: lime !important; }
        :root { --bc-bg: red; }`,
    });
    const after = await look();
    assert.deepEqual(after.launcher, before.launcher);
    // Inside its rounded corners (where the page behind the backdrop shows through, and the
    // page did change), the dialog is the same, pixel for pixel.
    const [a, b] = [await decode(page, before.dialog), await decode(page, after.dialog)];
    assert.deepEqual([a.width, a.height], [b.width, b.height]);
    const inset = (img) => region(img, 12, 12, img.width - 12, img.height - 12).flat();
    assert.deepEqual(inset(a), inset(b), "the dialog looks the same, pixel for pixel");
    await page.close();
  });

  test("axe-core finds no serious or critical violations in the open dialog and editor", async () => {
    const www = await site();
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await page.addScriptTag({ content: AXE });
    const scan = () =>
      page.evaluate(async () => {
        const result = await window.axe.run(document.querySelector("bugcap-widget"), { resultTypes: ["violations"] });
        return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
      });
    await ui(page, "button.launcher").click();
    await ui(page, "#bc-annotate:not([disabled])").waitFor({ timeout: 20000 });
    await ui(page, "details.sent > summary").click();
    await ui(page, "details.peek > summary").click();
    assert.deepEqual(await scan(), []);
    await ui(page, "#bc-annotate").click();
    await ui(page, "canvas").waitFor();
    assert.deepEqual(await scan(), []);
    await page.close();
  });
});
