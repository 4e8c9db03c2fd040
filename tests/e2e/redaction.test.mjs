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
      const { page, posted, requested } = await openDemo(browser, `${www.url}/?access_token=tok_live_998877&tab=2`);
      await page.evaluate(([gh, card]) => {
        console.log("deploying with", gh);
        console.warn(`payment failed for ${card}`);
        console.error({ user: "ada", password: "hunter2", contact: "ada@example.com" });
        console.info("employee EMP-123456 opened the page");
      }, [GITHUB, CARD]);
      const result = await sendReport(page, `my card ${CARD} was charged twice`);
      assert.ok(result.reportId, result.text);

      assert.equal(posted.length, 1);
      // The host gave a pattern: the reporter with the pattern engine is the one loaded.
      assert.ok(requested.some((u) => u.endsWith("/bugcap_reporter_patterns_bg.wasm")), requested.join("\n"));
      assert.ok(!requested.some((u) => u.endsWith("/wasm/reporter/bugcap_reporter_bg.wasm")), requested.join("\n"));
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
  test("what beforeSend returns is redacted again, its id kept, and a report it drops or breaks is not filed", async () => {
    const www = await localSite(stack);
    try {
      const { page, posted } = await openDemo(browser, `${www.url}/`);
      const out = await page.evaluate(async (gh) => {
        const bugcap = await import("/bugcap/index.js");
        const config = await (await fetch("/demo-config.json")).json();
        let mode = "edit";
        bugcap.destroy();
        await bugcap.init({
          key: config.key,
          relay: config.relay,
          launcher: false,
          beforeSend: async (report) => {
            if (mode === "drop") return false;
            if (mode === "break") return { ...report, debug: { token: gh } };
            report.id = "11111111-2222-4333-8444-555555555555";
            report.feedback.text += ` (token ${gh})`;
            report.console.push({ level: "warn", message: `retrying with ${gh}`, timestamp: Date.now() });
            report.network.push({
              kind: "fetch", method: "POST", url: "https://api.test/login?password=hunter2", start_time: Date.now(),
              request_headers: { Authorization: "Bearer abcdefghijklmnop1234", accept: "*/*" },
              request_body: { content_type: "application/json", text: '{"user":"ada","password":"hunter2"}' },
            });
            report.attachments = report.attachments.filter((a) => a.name !== "screenshot.webp" && a.name !== "screenshot.png");
            return report;
          },
        });
        const sent = await bugcap.submit({ text: "edited by the host", screenshot: true });
        mode = "drop";
        const dropped = await bugcap.submit({ text: "dropped by the host" });
        mode = "break";
        const broken = await bugcap.submit({ text: "broken by the host" }).then(
          (r) => ({ resolved: r }),
          (e) => ({ code: e.code, message: e.message }),
        );
        return { sent, dropped, broken };
      }, GITHUB);

      assert.notEqual(out.sent.id, "11111111-2222-4333-8444-555555555555", "the host's id must not replace the widget's");
      assert.equal(out.sent.status, "received", JSON.stringify(out.sent));
      assert.equal(out.dropped.status, "dropped", JSON.stringify(out.dropped));
      // A field the schema does not have would travel unredacted: it is refused in the page.
      assert.equal(out.broken.code, "invalid_input", JSON.stringify(out.broken));
      assert.match(out.broken.message, /`debug` is not a field of a report/, out.broken.message);

      // Only the edited report went out; the dropped and the broken one never did.
      assert.deepEqual(posted.map((r) => r.feedback.text.split(" (")[0]), ["edited by the host"]);
      const sent = JSON.stringify(posted[0]);
      for (const secret of [GITHUB, "hunter2", "abcdefghijklmnop1234"]) {
        assert.ok(!sent.includes(secret), `${secret} left the page: ${sent}`);
      }
      assert.equal(posted[0].id, out.sent.id);
      assert.deepEqual(posted[0].attachments, [], "the screenshot the host removed is not declared");
      assert.ok(posted[0].redactions.github_token >= 2, JSON.stringify(posted[0].redactions));
      const login = posted[0].network.at(-1);
      assert.equal(login.request_headers.Authorization, "[REDACTED]");
      assert.equal(login.url, "https://api.test/login?password=[REDACTED]");

      const stored = await (await fetch(`${relay.url}/v1/reports/${out.sent.id}`, {
        headers: { authorization: `Bearer ${token}` },
      })).json();
      assert.equal(stored.report.feedback.text, "edited by the host (token [REDACTED:github_token])");
      assert.deepEqual(stored.report.attachments, []);
      await page.close();
    } finally {
      await www.close();
    }
  });
});
