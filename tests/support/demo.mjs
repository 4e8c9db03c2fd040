// Shared end-to-end fixtures: the demo site served under a chosen host name with a fresh key,
// and the demo page opened in Chromium with every report POST recorded as the browser sent it.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { startWwwServer } from "../../scripts/www-server.mjs";
import { launchBrowser } from "./browser.mjs";
import { createKey, createToken, startRelay, tempDataDir } from "./relay.mjs";

/**
 * Serves the demo under `publicHost` with a new key whose origins are `origins(port)`.
 * Extra `config` entries are passed to the page's `init`.
 */
export async function demoSite({ relay, dataDir, publicHost, origins, config = {} }) {
  const probe = await startWwwServer({ publicHost, config: {} });
  const port = probe.port;
  await probe.close();
  const key = createKey(dataDir, { origins: origins(port) }).key;
  return startWwwServer({ publicHost, port, config: { key, relay: relay.url, inbox: `${relay.url}/app`, ...config } });
}

/**
 * The demo served on `localhost` for a `startStack()` stack, with a new key that allows that
 * origin only. `config` goes to the page's `init`; `relay` replaces the stack's (a proxy).
 */
export function localSite(stack, config = {}, relay = stack.relay) {
  return demoSite({
    relay,
    dataDir: stack.dataDir,
    publicHost: "localhost",
    origins: (port) => [`http://localhost:${port}`],
    config,
  });
}

/** RGBA pixels of an encoded image (PNG, WebP), decoded by the browser in `page`. */
export async function decodeImage(page, bytes) {
  const image = await page.evaluate(async (b64) => {
    const blob = await (await fetch(`data:application/octet-stream;base64,${b64}`)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    // As base64 text: an array of millions of numbers takes tens of seconds to cross CDP.
    const url = await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.readAsDataURL(new Blob([pixels]));
    });
    return { width: bitmap.width, height: bitmap.height, rgba: url.slice(url.indexOf(",") + 1) };
  }, Buffer.from(bytes).toString("base64"));
  return { width: image.width, height: image.height, data: Buffer.from(image.rgba, "base64") };
}

/**
 * Nothing the widget does may throw into the host page. Records every uncaught error and
 * unhandled rejection that comes from the widget (its files, its wasm, a trap), and every
 * internal error its event-handler guard (`guard` in the widget's snippets) caught, and makes the page's
 * `close()` fail with them: every test that closes its page checks every UI path it drove.
 * `page.widgetErrors` is the list, for tests that check it themselves.
 */
export function watchWidgetErrors(page) {
  const errors = [];
  const fromWidget = (text) => /bugcap|wasm|RuntimeError|unreachable/i.test(text);
  page.on("pageerror", (error) => {
    const text = `${error.name}: ${error.message}\n${error.stack ?? ""}`;
    if (fromWidget(text)) errors.push(`uncaught in the page: ${text}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().startsWith("bugcap: internal error")) {
      errors.push(`caught by the widget's guard: ${message.text()}`);
    }
  });
  const close = page.close.bind(page);
  page.close = async (options) => {
    await close(options);
    assert.deepEqual(errors, [], "the widget threw into the host page");
  };
  page.widgetErrors = errors;
  return errors;
}

/**
 * Opens the demo page and waits for bugcap to start; `posted` collects report bodies sent,
 * `requested` every URL the page fetched. `pageOptions` go to `browser.newPage`.
 */
export async function openDemo(browser, url, pageOptions = {}) {
  const page = await browser.newPage(pageOptions);
  watchWidgetErrors(page);
  const posted = [];
  const requested = [];
  page.on("request", (req) => {
    requested.push(req.url());
    if (req.method() === "POST" && req.url().endsWith("/v1/reports")) posted.push(JSON.parse(req.postData()));
  });
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.bugcap);
  const state = await page.evaluate(() => document.documentElement.dataset.bugcap);
  assert.equal(state, "ready", await page.textContent("#report-status"));
  return { page, posted, requested };
}

/** Types `text` into the demo's report form, sends it and returns the outcome shown. */
export async function sendReport(page, text) {
  await page.fill("#report-text", text);
  await page.click("#send");
  await page.waitForFunction(() => {
    const s = document.getElementById("report-status");
    return s.dataset.reportId || s.dataset.errorCode || s.dataset.queuedId;
  });
  return page.$eval("#report-status", (s) => ({ ...s.dataset, text: s.textContent }));
}

/**
 * A real relay in a fresh data dir, an admin token for reading back and a Chromium: the stack
 * every browser test runs against. `relayArgs` are extra relay flags; `launch` starts the
 * browser (headless by default). Call `close()` when done.
 */
export async function startStack({ relayArgs = [], launch = launchBrowser } = {}) {
  const dataDir = tempDataDir();
  const relay = await startRelay(dataDir, { extraArgs: relayArgs });
  const token = createToken(dataDir).token;
  const browser = await launch();
  return {
    dataDir,
    relay,
    token,
    browser,
    close: async () => {
      await browser.close();
      await relay.stop();
    },
  };
}

/**
 * The fixture of a `describe` block that drives the widget: a stack (`fixture.stack`) started
 * before its tests and closed after them, and `fixture.site(options)`, the demo served on
 * localhost with those `init` options, closed after the tests too.
 */
export function widgetFixture() {
  const sites = [];
  const fixture = {
    stack: null,
    async site(options = {}) {
      const www = await localSite(fixture.stack, { options });
      sites.push(www);
      return www;
    },
  };
  before(async () => {
    fixture.stack = await startStack();
  });
  after(async () => {
    for (const s of sites) await s.close();
    await fixture.stack?.close();
  });
  return fixture;
}
