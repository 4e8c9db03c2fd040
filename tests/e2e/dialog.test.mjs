// The dialog and editor as a newcomer meets them, in headless Chromium against a real relay:
// Escape inside the editor, the dark theme, drafts, the screenshot's reserved place, icon
// toolbars on a laptop and a phone, labels typed where the user clicked, the attachment picker
// (file, drop, paste, remove, true sizes) and what will be sent (with switches that leave the
// snapshot and the bodies out). Every page is watched for errors the widget throws into it
// (tests/support/demo.mjs): closing a page fails when there was one.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { openDemo, widgetFixture } from "../support/demo.mjs";

/** A locator inside the widget's shadow root. */
const ui = (page, selector) => page.locator(`bugcap-widget >> ${selector}`);

/** A valid 1×1 PNG of 70 bytes: the picker must show its true size, not "1 KB". */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** The computed colours of the open dialog and of the launcher. */
function colours(page) {
  return page.evaluate(() => {
    const root = document.querySelector("bugcap-widget").shadowRoot;
    const dialog = root.querySelector("dialog");
    const launcher = root.querySelector(".launcher");
    const style = (e) => e && { background: getComputedStyle(e).backgroundColor, color: getComputedStyle(e).color };
    return { dialog: style(dialog), launcher: style(launcher) };
  });
}

/** Relative luminance (0 black … 1 white) of an `rgb(r, g, b)` string. */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe("the dialog and editor, tried as a new user would", () => {
  const fx = widgetFixture();
  const site = fx.site;

  async function stored(id) {
    const res = await fetch(`${fx.stack.relay.url}/v1/reports/${id}`, { headers: { authorization: `Bearer ${fx.stack.token}` } });
    assert.equal(res.status, 200, `report ${id}`);
    return (await res.json()).report;
  }

  async function waitSent(page) {
    await ui(page, "dialog[data-state]").waitFor({ timeout: 30000 });
    return page.evaluate(() => document.querySelector("bugcap-widget").shadowRoot.querySelector("dialog").dataset.reportId);
  }

  async function openDialog(page) {
    await ui(page, "button.launcher").click();
    await ui(page, "dialog[open]").waitFor();
  }

  async function openEditor(page) {
    await ui(page, "#bc-annotate:not([disabled])").waitFor({ timeout: 20000 });
    await ui(page, "#bc-annotate").click();
    await ui(page, "canvas").waitFor();
  }

  test("Escape in the editor leaves the editor and keeps the draft; the next Escape closes the dialog; nothing throws", async () => {
    const www = await site();
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    for (let round = 0; round < 2; round++) {
      await openDialog(page);
      await ui(page, "#bc-text").fill(`Escape round ${round}`);
      await openEditor(page);
      const box = await ui(page, "canvas").boundingBox();
      await page.mouse.move(box.x + 20, box.y + 20);
      await page.mouse.down();
      await page.mouse.move(box.x + 120, box.y + 90, { steps: 4 });
      await page.mouse.up();
      await page.keyboard.press("Escape");
      await ui(page, "canvas").waitFor({ state: "detached" });
      assert.equal(await ui(page, "dialog[open]").count(), 1, "the first Escape only leaves the editor");
      assert.equal(await ui(page, "#bc-text").inputValue(), `Escape round ${round}`, "the text typed before is still there");
      assert.equal(await ui(page, "#bc-annotate").evaluate((b) => b.matches(":focus")), true, "focus returns to the editor's button");
      await page.keyboard.press("Escape");
      await ui(page, "dialog").waitFor({ state: "detached" });
    }
    // The close button and Cancel work after all that.
    await openDialog(page);
    await ui(page, "header button").click();
    await ui(page, "dialog").waitFor({ state: "detached" });
    await openDialog(page);
    await ui(page, "footer button:not(.primary)").click();
    await ui(page, "dialog").waitFor({ state: "detached" });
    await page.close();
  });

  test("the dark theme applies: dark and auto on a dark page are dark, light stays light", async () => {
    const cases = [
      ["dark", "light", "dark"],
      ["auto", "dark", "dark"],
      ["auto", "light", "light"],
      ["light", "dark", "light"],
    ];
    for (const [theme, scheme, expected] of cases) {
      const www = await site({ theme });
      const { page } = await openDemo(fx.stack.browser, `${www.url}/`, { colorScheme: scheme });
      await openDialog(page);
      const { dialog, launcher } = await colours(page);
      const label = `theme ${theme} on a ${scheme} page`;
      if (expected === "dark") {
        assert.ok(luminance(dialog.background) < 0.3, `${label}: dialog background ${dialog.background}`);
        assert.ok(luminance(dialog.color) > 0.7, `${label}: dialog text ${dialog.color}`);
        assert.equal(launcher.background, "rgb(129, 140, 248)", `${label}: launcher`);
      } else {
        assert.ok(luminance(dialog.background) > 0.9, `${label}: dialog background ${dialog.background}`);
        assert.ok(luminance(dialog.color) < 0.3, `${label}: dialog text ${dialog.color}`);
        assert.equal(launcher.background, "rgb(79, 70, 229)", `${label}: launcher`);
      }
      await page.close();
    }
  });

  test("a draft survives closing the dialog and is gone once sent", async () => {
    const www = await site({ categories: ["Bug", "Idea"] });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await openDialog(page);
    // A real placeholder for the category.
    assert.equal(await ui(page, "#bc-category option[value='']").textContent(), "Choose a category");
    await ui(page, "#bc-text").fill("Half written");
    await ui(page, "#bc-category").selectOption("Idea");
    await ui(page, "#bc-severity").selectOption("high");
    await page.keyboard.press("Escape");
    await ui(page, "dialog").waitFor({ state: "detached" });
    await openDialog(page);
    assert.equal(await ui(page, "#bc-text").inputValue(), "Half written");
    assert.equal(await ui(page, "#bc-category").inputValue(), "Idea");
    assert.equal(await ui(page, "#bc-severity").inputValue(), "high");
    await ui(page, "button[type=submit]").click();
    const id = await waitSent(page);
    const report = await stored(id);
    assert.equal(report.feedback.category, "Idea");
    await ui(page, "footer button.primary").click();
    await openDialog(page);
    assert.equal(await ui(page, "#bc-text").inputValue(), "", "a sent report leaves no draft");
    await page.close();
  });

  test("the dialog keeps the screenshot's place: it does not move or grow when the picture arrives", async () => {
    const www = await site({ launcher: false });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    // The screenshot is taken after the dialog shows: the box is measured in the same task as
    // `open()` returns (long before the picture can be ready), then once it is shown. Layout
    // offsets, not the bounding box: the opening slide is a transform.
    const box = () => ui(page, "dialog").evaluate((d) => [d.offsetTop, d.offsetHeight]);
    const before = await page.evaluate(async () => {
      await (await import("/bugcap/index.js")).open();
      const root = document.querySelector("bugcap-widget").shadowRoot;
      const d = root.querySelector("dialog");
      return { box: [d.offsetTop, d.offsetHeight], pictureShown: !root.querySelector(".preview img").hidden };
    });
    assert.equal(before.pictureShown, false, "measured before the picture arrived");
    await ui(page, ".preview img:not([hidden])").waitFor({ timeout: 20000 });
    assert.deepEqual(await box(), before.box);
    await page.close();
  });

  test("the editor's toolbar: named icon buttons in one row on a laptop and on a phone, the picture as large as the screen allows", async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const www = await site();
      const { page } = await openDemo(fx.stack.browser, `${www.url}/`, { viewport, hasTouch: viewport.width < 500 });
      await openDialog(page);
      await openEditor(page);
      const buttons = await ui(page, ".toolbar button").evaluateAll((all) =>
        all.map((b) => ({ name: b.getAttribute("aria-label") ?? b.textContent.trim(), title: b.title, text: b.textContent.trim(), tool: b.dataset.tool })),
      );
      assert.ok(buttons.length >= 16, JSON.stringify(buttons));
      for (const b of buttons) assert.ok(b.name && (b.title || b.text), `a name and a tooltip or text: ${JSON.stringify(b)}`);
      for (const b of buttons.filter((b) => b.tool)) assert.equal(b.text, "", `tools are icons: ${JSON.stringify(b)}`);
      const layout = await page.evaluate(() => {
        const root = document.querySelector("bugcap-widget").shadowRoot;
        const bar = root.querySelector(".toolbar").getBoundingClientRect();
        const canvas = root.querySelector("canvas").getBoundingClientRect();
        const stage = root.querySelector(".stage").getBoundingClientRect();
        const done = root.querySelector("[data-action=done]").getBoundingClientRect();
        const rows = new Set([...root.querySelectorAll(".toolbar > button")].map((b) => {
          const r = b.getBoundingClientRect();
          return Math.round(r.top + r.height / 2);
        }));
        return {
          bar: bar.height,
          rows: rows.size,
          // The picture fits the stage: as wide or as high as it (less its padding).
          fits: canvas.width >= stage.width - 26 || canvas.height >= stage.height - 26,
          stage: stage.height / innerHeight,
          doneVisible: done.right <= innerWidth && done.left >= 0,
        };
      });
      const label = `${viewport.width}×${viewport.height}`;
      assert.equal(layout.rows, 1, `${label}: one row of buttons`);
      assert.ok(layout.bar < 60, `${label}: toolbar ${layout.bar}px high`);
      assert.ok(layout.doneVisible, `${label}: Done is in view`);
      assert.ok(layout.fits, `${label}: the picture fills the stage one way`);
      if (viewport.width < 500) assert.ok(layout.stage > 0.8, `${label}: the picture's stage is ${Math.round(layout.stage * 100)}% of the screen`);
      await page.close();
    }
  });

  test("a text label is typed where the user clicked, by pointer and by keyboard, and is sent with the picture", async () => {
    const www = await site();
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await openDialog(page);
    await ui(page, "#bc-text").fill("Labels");
    await openEditor(page);
    assert.equal(await ui(page, "#bc-label").isHidden(), true, "no label field before the Text tool is chosen");
    await ui(page, "[data-tool=text]").click();
    assert.equal(await ui(page, "#bc-label").isHidden(), true, "nor before the user clicks where the label goes");
    const canvas = ui(page, "canvas");
    const box = await canvas.boundingBox();
    const size = await canvas.evaluate((c) => [c.width, c.height]);
    const click = [box.x + box.width * 0.4, box.y + box.height * 0.3];
    await page.mouse.click(...click);
    const field = ui(page, "#bc-label");
    await field.waitFor();
    const fieldBox = await field.boundingBox();
    assert.ok(Math.abs(fieldBox.x - click[0]) <= 2, `the field starts at the click: ${fieldBox.x} vs ${click[0]}`);
    assert.ok(Math.abs(fieldBox.y + fieldBox.height / 2 - click[1]) <= 2, "and is centred on it");
    await page.keyboard.type("Total is wrong");
    await page.keyboard.press("Enter");
    assert.equal(await field.isHidden(), true);
    assert.equal(await ui(page, "dialog[open]").count(), 1, "Enter in the field does not send or close");

    // The keyboard: the canvas's cursor, Enter opens the field there, Escape drops it.
    await canvas.focus();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Enter");
    await field.waitFor();
    await page.keyboard.type("dropped");
    await page.keyboard.press("Escape");
    assert.equal(await field.isHidden(), true);
    assert.equal(await ui(page, "canvas").count(), 1, "Escape in the field keeps the editor open");
    await page.keyboard.press("Enter");
    await field.waitFor();
    await page.keyboard.type("by keyboard");
    await page.keyboard.press("Enter");
    await ui(page, "[data-action=done]").click();
    await ui(page, "button[type=submit]").click();
    const report = await stored(await waitSent(page));
    const labels = report.annotations.filter((a) => a.kind === "text");
    assert.deepEqual(labels.map((a) => a.text), ["Total is wrong", "by keyboard"]);
    const [x, y] = [labels[0].points?.[0]?.[0] ?? labels[0].x, labels[0].points?.[0]?.[1] ?? labels[0].y];
    const expected = [((click[0] - box.x) / box.width) * size[0], ((click[1] - box.y) / box.height) * size[1]];
    assert.ok(Math.abs(x - expected[0]) < 4 && Math.abs(y - expected[1]) < 4, `label at ${x},${y}, clicked at ${expected}`);
    await page.close();
  });

  test("attachments: chosen, dropped or pasted, shown with their true size, removable", async () => {
    const www = await site();
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await openDialog(page);
    await ui(page, "#bc-file").setInputFiles({ name: "tiny.png", mimeType: "image/png", buffer: PNG });
    await ui(page, ".chosen:not([hidden])").waitFor();
    assert.equal(await ui(page, "#bc-attachment").textContent(), `tiny.png · ${PNG.length} B`);
    assert.equal(await ui(page, ".chosen img").evaluate((i) => i.complete && i.naturalWidth), 1, "a preview of the image");
    await ui(page, "#bc-remove-attachment").click();
    await ui(page, ".chosen").waitFor({ state: "hidden" });
    assert.equal(await ui(page, "#bc-file").evaluate((i) => i.files.length), 0);

    const put = (kind) =>
      page.evaluate(
        ({ kind, bytes }) => {
          const data = new DataTransfer();
          data.items.add(new File([new Uint8Array(bytes)], `${kind}.png`, { type: "image/png" }));
          const root = document.querySelector("bugcap-widget").shadowRoot;
          const target = root.querySelector(kind === "paste" ? "#bc-text" : ".body");
          const event = kind === "paste"
            ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, composed: true, cancelable: true })
            : new DragEvent("drop", { dataTransfer: data, bubbles: true, composed: true, cancelable: true });
          target.dispatchEvent(event);
          return event.defaultPrevented;
        },
        { kind, bytes: [...PNG] },
      );
    assert.equal(await put("drop"), true, "the drop is taken, not opened by the browser");
    await ui(page, ".chosen:not([hidden])").waitFor();
    assert.match(await ui(page, "#bc-attachment").textContent(), /^drop\.png · /);
    assert.equal(await put("paste"), true);
    await page.waitForFunction(() => /^paste\.png/.test(document.querySelector("bugcap-widget").shadowRoot.querySelector("#bc-attachment").textContent));
    // Pasting text into the description is left alone.
    await ui(page, "#bc-text").fill("");
    await ui(page, "#bc-text").evaluate((t) => {
      const data = new DataTransfer();
      data.setData("text/plain", "pasted words");
      t.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, composed: true, cancelable: true }));
    });
    await ui(page, "#bc-text").fill("With a pasted image");
    await ui(page, "button[type=submit]").click();
    const report = await stored(await waitSent(page));
    const attached = report.attachments.find((a) => a.name.startsWith("attachment."));
    assert.deepEqual([attached.name, attached.size], ["attachment.png", PNG.length]);
    await page.close();
  });

  test("the form's variants: no screenshot area when screenshots are off, no e-mail field for an identified user, no category list without categories", async () => {
    // The demo app gives categories unless told otherwise.
    const www = await site({ screenshot: false, categories: [] });
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await page.evaluate(async () => (await import("/bugcap/index.js")).identify({ id: "u_7", email: "kim@example.com" }));
    await openDialog(page);
    for (const gone of [".preview", "#bc-annotate", "#bc-include", "#bc-email", "#bc-category"]) {
      assert.equal(await ui(page, gone).count(), 0, `${gone} is left out`);
    }
    // The attachment picker stays: with no screenshot, an image is the way to show the problem.
    assert.equal(await ui(page, ".shot input[type=file]").count(), 1);
    await ui(page, ".shot input[type=file]").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: PNG });
    await ui(page, "#bc-text").fill("Sent without a screenshot");
    await ui(page, "button[type=submit]").click();
    const report = await stored(await waitSent(page));
    assert.equal(report.feedback.text, "Sent without a screenshot");
    assert.equal(report.feedback.email, undefined, "no e-mail asked, none sent");
    assert.deepEqual(report.attachments.filter((a) => !a.name.startsWith("dom.")).map((a) => a.name), ["attachment.png"]);
    await page.close();
  });

  test("what will be sent lists browser, identity and metadata, shows the snapshot, and can leave the snapshot and bodies out", async () => {
    const www = await site();
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    await page.evaluate(async () => {
      const m = await import("/bugcap/index.js");
      await m.identify({ id: "u_42", email: "ana@example.com", name: "Ana" });
      await m.setMetadata({ plan: "pro", build: 4812 });
      await fetch("/demo-api/profile", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ hello: "world" }) });
    });
    await openDialog(page);
    await ui(page, "details.sent > summary").click();
    const items = await ui(page, "details.sent li").allTextContents();
    const find = (label) => items.find((i) => i.startsWith(label)) ?? "";
    assert.match(find("Browser"), /Chrom/);
    assert.equal(find("Your account"), "Your account: Ana · ana@example.com · u_42");
    assert.match(find("App details"), /^App details: .*\bplan=pro\b/);
    assert.match(find("App details"), /\bbuild=4812\b/);
    await ui(page, "details.peek > summary").click();
    await page.waitForFunction(() => document.querySelector("bugcap-widget").shadowRoot.querySelector("details.peek pre").textContent.length > 100);
    const shown = await ui(page, "details.peek pre").textContent();
    assert.match(shown, /"childNodes"/, "the snapshot as it will be sent");
    await ui(page, "#bc-send-dom").uncheck();
    await ui(page, "#bc-send-bodies").uncheck();
    await ui(page, "#bc-text").fill("Without the snapshot or bodies");
    await ui(page, "button[type=submit]").click();
    const report = await stored(await waitSent(page));
    assert.equal(report.dom, undefined, "no DOM snapshot");
    assert.ok(!report.attachments.some((a) => a.name === "dom.json"));
    assert.ok(report.network.length > 0);
    for (const n of report.network) assert.ok(!n.request_body && !n.response_body, JSON.stringify(n));
    await page.close();
  });

  test("redactions drawn one after another raise no canvas read-back warning on the host's console", async () => {
    const www = await site();
    const { page } = await openDemo(fx.stack.browser, `${www.url}/`);
    const warnings = [];
    page.on("console", (m) => /willReadFrequently|readback/i.test(m.text()) && warnings.push(m.text()));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Log.enable");
    cdp.on("Log.entryAdded", ({ entry }) => /willReadFrequently|readback/i.test(entry.text) && warnings.push(entry.text));
    await openDialog(page);
    await openEditor(page);
    await ui(page, "[data-tool=redact]").click();
    const box = await ui(page, "canvas").boundingBox();
    for (let i = 0; i < 4; i++) {
      await page.mouse.move(box.x + 20 + i * 60, box.y + 20);
      await page.mouse.down();
      await page.mouse.move(box.x + 60 + i * 60, box.y + 60, { steps: 3 });
      await page.mouse.up();
    }
    await ui(page, "[data-action=done]").click();
    await ui(page, ".preview img:not([hidden])").waitFor();
    await page.waitForTimeout(300);
    assert.deepEqual(warnings, []);
    await cdp.detach();
    await page.close();
  });
});
