// Secrets are removed in the page: the request body the browser sends already has them replaced,
// and the relay stores what arrived, with the counts per rule.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { localSite, openDemo, sendReport, startStack } from "../support/demo.mjs";

const GITHUB = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
const CARD = "4111 1111 1111 1111";

describe("redaction in the page", () => {
  let stack, relay, browser, token;

  before(async () => {
    stack = await startStack();
    ({ relay, browser, token } = stack);
  });

  after(() => stack?.close());

  test("secrets in console output, the page URL and the text never leave the page", async () => {
    const www = await localSite(stack, {
      redaction: { emails: true, extraPatterns: [{ name: "employee_id", pattern: "EMP-\\d{6}" }] },
    });
    try {
      const { page, posted } = await openDemo(browser, `${www.url}/?access_token=tok_live_998877&tab=2`);
      await page.evaluate(([gh, card]) => {
        console.log("deploying with", gh);
        console.warn(`payment failed for ${card}`);
        console.error({ user: "ada", password: "hunter2", contact: "ada@example.com" });
        console.info("employee EMP-123456 opened the page");
      }, [GITHUB, CARD]);
      const result = await sendReport(page, `my card ${CARD} was charged twice`);
      assert.ok(result.reportId, result.text);

      assert.equal(posted.length, 1);
      const sent = JSON.stringify(posted[0]);
      for (const secret of [GITHUB, CARD, "hunter2", "tok_live_998877", "ada@example.com", "EMP-123456"]) {
        assert.ok(!sent.includes(secret), `${secret} left the page: ${sent}`);
      }
      const report = posted[0];
      assert.equal(report.page.url, `${www.url}/?access_token=[REDACTED]&tab=2`);
      assert.equal(report.feedback.text, "my card [REDACTED:card_number] was charged twice");
      assert.ok(report.console.some((e) => e.message === "deploying with [REDACTED:github_token]"));
      assert.deepEqual(
        Object.keys(report.redactions).sort(),
        ["card_number", "email", "employee_id", "github_token", "secret_pair", "url_param"],
      );

      // The relay stored what arrived, counts included, without double counting.
      const stored = await (await fetch(`${relay.url}/v1/reports/${result.reportId}`, {
        headers: { authorization: `Bearer ${token}` },
      })).json();
      assert.deepEqual(stored.report.redactions, report.redactions);
      await page.close();
    } finally {
      await www.close();
    }
  });

  test("redact() lets a host check its rules, and a bad rule fails init with a clear error", async () => {
    const www = await localSite(stack);
    try {
      const { page } = await openDemo(browser, `${www.url}/`);
      const out = await page.evaluate(async () => {
        const bugcap = await import("/bugcap/index.js");
        const plain = await bugcap.redact("Authorization: Bearer abcdefghijklmnop1234");
        const custom = await bugcap.redact("ticket T-99", { extraPatterns: [{ name: "ticket", pattern: "T-\\d+" }] });
        const bad = await bugcap
          .init({ key: "bc_pub_" + "a".repeat(32), relay: "http://127.0.0.1:1", redaction: { extraPatterns: [{ name: "x", pattern: "(" }] } })
          .then(() => null, (e) => ({ code: e.code, message: e.message }));
        return { plain, custom, bad };
      });
      assert.equal(out.plain, "Authorization: Bearer [REDACTED:bearer]");
      assert.equal(out.custom, "ticket [REDACTED:ticket]");
      assert.equal(out.bad.code, "invalid_options");
      assert.match(out.bad.message, /not a valid regular expression/);
      await page.close();
    } finally {
      await www.close();
    }
  });
});
