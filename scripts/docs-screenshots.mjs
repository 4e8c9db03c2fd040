#!/usr/bin/env node
// Pictures of the dialog and the editor for the docs (docs/images/), taken from the built package
// on the demo page against a real relay: desktop light, desktop dark and a phone; and beside
// them Sentry's feedback widget (`@sentry/browser`'s feedback integration, installed into a
// temporary folder at the version below and run locally: its form needs no server to open) on
// the same page, for comparison; and the team's inbox and report page, with reports filed from
// the demo. Run after `npm run build`: node scripts/docs-screenshots.mjs [--only=widget|inbox]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { localSite, openDemo, startStack } from "../tests/support/demo.mjs";
import { relayCli, root } from "../tests/support/relay.mjs";

const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);

const out = join(root, "docs", "images");
mkdirSync(out, { recursive: true });

const SHOTS = [
  { name: "desktop-light", viewport: { width: 1280, height: 800 }, colorScheme: "light" },
  { name: "desktop-dark", viewport: { width: 1280, height: 800 }, colorScheme: "dark" },
  { name: "phone", viewport: { width: 390, height: 844 }, colorScheme: "light", isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
];

const SENTRY_VERSION = "11.17.0";

/** `@sentry/browser` with its feedback integration, bundled for the page by esbuild. */
function sentryBundle() {
  const dir = mkdtempSync(join(tmpdir(), "bugcap-sentry-"));
  writeFileSync(join(dir, "package.json"), '{"private":true}');
  execFileSync("npm", ["install", "--no-audit", "--no-fund", `@sentry/browser@${SENTRY_VERSION}`], { cwd: dir, stdio: "inherit" });
  const entry = join(dir, "entry.js");
  writeFileSync(
    entry,
    `import * as Sentry from "@sentry/browser";
     Sentry.init({ dsn: "https://public@127.0.0.1/1", integrations: [Sentry.feedbackIntegration({ colorScheme: "system", showName: true, showEmail: true })] });`,
  );
  const esbuild = createRequire(import.meta.url)("esbuild");
  return esbuild.buildSync({ entryPoints: [entry], bundle: true, write: false, format: "iife", nodePaths: [join(dir, "node_modules")] }).outputFiles[0].text;
}

/** The inbox with a few reports from the demo page, and one report page, light and dark. */
async function inboxShots(stack) {
  const www = await localSite(stack, { options: { categories: ["Bug", "Idea", "Question"] } });
  const { page } = await openDemo(stack.browser, `${www.url}/`);
  const texts = [
    ["Checkout total is wrong after applying a coupon", "load"],
    ["Saving my display name does nothing", "save"],
    ["Notes never load on the dashboard", "load"],
  ];
  let last;
  for (const [text, button] of texts) {
    await page.click(`#${button}`);
    await page.waitForTimeout(200);
    last = await page.evaluate(async (t) => (await (await import("/bugcap/index.js")).submit({ text: t, screenshot: true })).id, text);
  }
  await page.waitForTimeout(1500);
  await page.close();
  await www.close();
  const password = relayCli(stack.dataDir, ["users", "create", "ana", "--generate-password"]).password;
  for (const colorScheme of ["light", "dark"]) {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
    const app = await context.newPage();
    await app.goto(`${stack.relay.url}/app/sign-in`);
    await app.getByLabel("Name").fill("ana");
    await app.getByLabel("Password").fill(password);
    await app.getByRole("button", { name: "Sign in", exact: true }).click();
    await app.waitForURL(`${stack.relay.url}/app/`);
    await app.waitForTimeout(500);
    await app.screenshot({ path: join(out, `inbox-${colorScheme}.jpg`), type: "jpeg", quality: 82 });
    await app.goto(`${stack.relay.url}/app/reports/${last}`);
    await app.locator(".network li.failed details").first().evaluate((d) => (d.open = true)).catch(() => {});
    // The snapshot's frame loads lazily: scroll it in first.
    await app.locator("iframe.dom").scrollIntoViewIfNeeded();
    await app.frameLocator("iframe.dom").locator("text=Save settings").waitFor();
    // A viewport as tall as the page (a full-page shot leaves out-of-view frames blank).
    const height = await app.evaluate(() => document.documentElement.scrollHeight);
    await app.setViewportSize({ width: 1280, height });
    await app.waitForTimeout(500);
    await app.screenshot({ path: join(out, `report-${colorScheme}.jpg`), type: "jpeg", quality: 82 });
    await context.close();
    console.log(`docs/images/inbox-${colorScheme}.jpg, docs/images/report-${colorScheme}.jpg`);
  }
}

const stack = await startStack();
try {
  if (only !== "widget") await inboxShots(stack);
  if (only !== "inbox") await widgetShots(stack);
} finally {
  await stack.close();
}

/** The dialog and the editor, then Sentry's form on the same page. */
async function widgetShots(stack) {
  const www = await localSite(stack, { options: { categories: ["Bug", "Idea", "Question"] } });
  for (const { name, ...pageOptions } of SHOTS) {
    const { page } = await openDemo(stack.browser, `${www.url}/`, pageOptions);
    const ui = (selector) => page.locator(`bugcap-widget >> ${selector}`);
    await page.click("#save").catch(() => {});
    await ui("button.launcher").click();
    await ui("#bc-text").fill("Saving my display name does nothing: the button spins, then the old name comes back.");
    await ui("#bc-annotate:not([disabled])").waitFor({ timeout: 20000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, `dialog-${name}.jpg`), type: "jpeg", quality: 82 });

    await ui("#bc-annotate").click();
    const canvas = ui("canvas");
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    const at = (x, y) => [box.x + box.width * x, box.y + box.height * y];
    await page.mouse.move(...at(0.25, 0.18));
    await page.mouse.down();
    await page.mouse.move(...at(0.7, 0.3), { steps: 5 });
    await page.mouse.up();
    await ui("[data-tool=text]").click();
    await page.mouse.click(...at(0.3, 0.36));
    await page.keyboard.type("Spins, then reverts");
    await page.keyboard.press("Enter");
    await ui("[data-tool=arrow]").click();
    await page.mouse.move(...at(0.55, 0.45));
    await page.mouse.down();
    await page.mouse.move(...at(0.45, 0.32), { steps: 5 });
    await page.mouse.up();
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, `editor-${name}.jpg`), type: "jpeg", quality: 82 });
    await page.close();
    console.log(`docs/images/dialog-${name}.jpg, docs/images/editor-${name}.jpg`);
  }
  await www.close();

  // Sentry's feedback form on the same page, our launcher hidden.
  const sentry = sentryBundle();
  const plain = await localSite(stack, { options: { launcher: false } });
  for (const { name, ...pageOptions } of SHOTS) {
    const { page } = await openDemo(stack.browser, `${plain.url}/`, pageOptions);
    await page.addScriptTag({ content: sentry });
    const button = page.locator("#sentry-feedback >> button").first();
    await button.waitFor({ timeout: 10000 });
    await button.click();
    await page.locator("#sentry-feedback >> textarea").fill("Saving my display name does nothing: the button spins, then the old name comes back.");
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(out, `sentry-${name}.jpg`), type: "jpeg", quality: 82 });
    await page.close();
    console.log(`docs/images/sentry-${name}.jpg`);
  }
  await plain.close();
}
