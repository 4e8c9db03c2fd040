// One report, the whole way: a real relay, the built npm package in a real page in headless
// Chromium, read back through the admin API.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { createKey, relayCli } from "../support/relay.mjs";
import { demoSite, openDemo as open, sendReport, startStack } from "../support/demo.mjs";

describe("a report filed from the demo page", () => {
  let stack, dataDir, relay, browser, token;

  before(async () => {
    stack = await startStack();
    ({ dataDir, relay, browser, token } = stack);
  });

  after(() => stack?.close());

  const readReport = async (id) => {
    const res = await fetch(`${relay.url}/v1/reports/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  };

  const site = (publicHost, origins) =>
    demoSite({ relay, dataDir, publicHost, origins });

  test("the text and the console line reach the relay and read back", async () => {
    const www = await site("localhost", (port) => [`http://localhost:${port}`]);
    try {
      const { page, requested } = await open(browser, `${www.url}/`);
      // init loads only the capture module; the reporter comes with the first report.
      const reporterLoaded = () => requested.some((u) => u.includes("bugcap_reporter"));
      assert.ok(requested.some((u) => u.endsWith("bugcap_capture_bg.wasm")), requested.join("\n"));
      assert.ok(!reporterLoaded(), "the reporter must not load at init");
      await page.evaluate(() => console.log("checkout total mismatch", { cart: 3, total: 42.5 }));
      await page.click("#save"); // logs a console.error with a TypeError
      // An uncaught error and an unhandled rejection, from the page's own code.
      await page.evaluate(
        () =>
          new Promise((resolve) => {
            setTimeout(() => {
              throw new RangeError("cart index out of range");
            });
            Promise.reject(new Error("sync failed"));
            setTimeout(resolve, 100);
          }),
      );
      const result = await sendReport(page, "Totals are wrong after saving");
      assert.ok(result.reportId, `no report id: ${result.text}`);
      assert.ok(reporterLoaded(), "sending loads the reporter");
      // A host without patterns of its own gets the reporter without the pattern engine.
      assert.ok(requested.some((u) => u.endsWith("/wasm/reporter/bugcap_reporter_bg.wasm")), requested.join("\n"));
      assert.ok(!requested.some((u) => u.includes("reporter_patterns")), requested.join("\n"));

      const { status, body } = await readReport(result.reportId);
      assert.equal(status, 200);
      assert.equal(body.report.feedback.text, "Totals are wrong after saving");
      assert.equal(body.project, "demo");
      assert.equal(body.environment, "local");
      const messages = body.report.console.map((e) => `${e.level}: ${e.message}`);
      assert.ok(messages.includes('log: checkout total mismatch {"cart": 3, "total": 42.5}'), messages.join("\n"));
      assert.ok(messages.some((m) => m.startsWith("error: Saving settings failed: TypeError")), messages.join("\n"));
      const errors = body.report.errors.map((e) => `${e.kind}: ${e.message}`);
      assert.ok(errors.includes("error: Uncaught RangeError: cart index out of range"), errors.join("\n"));
      assert.ok(errors.includes("unhandled_rejection: Error: sync failed"), errors.join("\n"));
      const uncaught = body.report.errors.find((e) => e.kind === "error");
      assert.ok(uncaught.stack?.includes("cart index out of range"), JSON.stringify(uncaught));
      assert.deepEqual(body.report.identity, { id: "demo-user-42", name: "Demo User" });
      assert.deepEqual(body.report.metadata, { beta: true, build: 1207, plan: "team" });
      assert.equal(body.report.page.url, `${www.url}/`);
      assert.equal(body.report.page.title, "Acme Notes — bugcap demo");
      // Page context beyond the basics: local wall time with its offset, when the page became
      // visible, Client Hints and the connection estimate (Chromium offers both).
      const ctx = body.report.page;
      assert.match(ctx.local_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
      assert.ok(Date.parse(ctx.visible_since) <= Date.parse(body.report.created_at), ctx.visible_since);
      assert.ok(ctx.client_hints.brands.some((b) => /Chromium\/\d+/.test(b)), JSON.stringify(ctx.client_hints));
      assert.equal(typeof ctx.client_hints.mobile, "boolean");
      assert.ok(ctx.connection && typeof ctx.connection.effective_type === "string", JSON.stringify(ctx.connection));

      // The confirmation links to the report in the team's inbox: a sign-in first (the link
      // crosses from the site to the relay), then the report itself.
      const password = relayCli(dataDir, ["users", "create", "dev", "--generate-password"]).password;
      await page.click("#report-link");
      await page.waitForURL(/\/app\/sign-in\?next=/);
      await page.getByLabel("Name").fill("dev");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL(`${relay.url}/app/reports/${result.reportId}`);
      assert.equal(await page.textContent("h1"), "Totals are wrong after saving");
      await page.close();
    } finally {
      await www.close();
    }
  });

  test("from an origin no key allows: refused at once, the developer told the fix, nothing kept or stored", async () => {
    // The key allows localhost, but the page is opened as 127.0.0.1: another origin.
    const www = await site("127.0.0.1", (port) => [`http://localhost:${port}`]);
    try {
      const { page, posted } = await open(browser, `${www.url}/`);
      const consoleErrors = [];
      page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
      const result = await sendReport(page, "this must not be stored");
      // The browser refuses to send after the preflight is refused, which to the page looks
      // like being offline: the widget asks the relay, learns the origin is not allowed, and
      // says so instead of promising a send that can never happen.
      assert.equal(result.errorCode, "origin_not_allowed", result.text);
      assert.equal(result.queuedId, undefined, "nothing is kept for later");
      const help = consoleErrors.find((t) => t.startsWith("bugcap: reports from"));
      assert.ok(help, `a console error for the developer: ${JSON.stringify(consoleErrors)}`);
      assert.ok(help.includes(www.url) && help.includes("keys create --origin"), help);
      const outbox = await page.evaluate(() => localStorage.getItem("bugcap.outbox"));
      assert.ok(!(Number(outbox) > 0), `the outbox is empty (${outbox})`);
      for (const report of posted) assert.equal((await readReport(report.id)).status, 404);

      // The same exchange without a browser: preflight and POST are both refused with 403.
      const preflight = await fetch(`${relay.url}/v1/reports`, {
        method: "OPTIONS",
        headers: { origin: www.url, "access-control-request-method": "POST" },
      });
      assert.equal(preflight.status, 403);
      assert.equal(preflight.headers.get("access-control-allow-origin"), null);

      const { key } = await (await fetch(`${www.url}/demo-config.json`)).json();
      const body = JSON.parse(readFileSync(new URL("../../protocol/examples/minimal-report.json", import.meta.url), "utf8"));
      body.id = randomUUID();
      const direct = await fetch(`${relay.url}/v1/reports`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-bugcap-key": key, origin: www.url },
        body: JSON.stringify(body),
      });
      assert.equal(direct.status, 403);
      assert.equal((await direct.json()).error.code, "origin_not_allowed");
      assert.equal((await readReport(body.id)).status, 404);
      await page.close();
    } finally {
      await www.close();
    }
  });

  test("a report queued offline on an origin no key allows is dropped when back online, not retried forever", async () => {
    const www = await site("127.0.0.1", (port) => [`http://localhost:${port}`]);
    const context = await browser.newContext();
    try {
      const { page } = await open(context, `${www.url}/`);
      const consoleErrors = [];
      page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
      // Offline, the page cannot tell anything: the report waits on the device. (The reporter
      // is loaded first: a page offline before its first report cannot load it.)
      await page.evaluate(async () => (await import("/bugcap/index.js")).preload());
      await context.setOffline(true);
      const result = await sendReport(page, "queued on a refused origin");
      assert.ok(result.queuedId, result.text);
      assert.equal(await page.evaluate(() => localStorage.getItem("bugcap.outbox")), "1");
      // Back online, the outbox's send learns the origin is refused and lets the report go.
      await context.setOffline(false);
      await page.waitForFunction(() => localStorage.getItem("bugcap.outbox") === null, null, { timeout: 20000 });
      assert.ok(consoleErrors.some((t) => t.startsWith("bugcap: reports from")), JSON.stringify(consoleErrors));
      assert.equal((await readReport(result.queuedId)).status, 404);
      await page.close();
    } finally {
      await context.close();
      await www.close();
    }
  });

  test("when another key allows the origin, this key's POST gets 403 origin_not_allowed and nothing is stored", async () => {
    const www = await site("127.0.0.1", (port) => [`http://localhost:${port}`]);
    // A second key, for another project, does allow the page's origin: preflight passes.
    createKey(dataDir, { project: "other", origins: [www.url] });
    try {
      const { page, posted } = await open(browser, `${www.url}/`);
      const result = await sendReport(page, "this must not be stored either");
      assert.equal(result.errorCode, "origin_not_allowed", result.text);
      assert.equal(posted.length, 1);
      const { status } = await readReport(posted[0].id);
      assert.equal(status, 404, "a refused report must not be stored");
      await page.close();
    } finally {
      await www.close();
    }
  });
});
