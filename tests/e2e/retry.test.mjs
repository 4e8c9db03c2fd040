// The send pipeline under a flaky relay: a proxy in front of the real relay answers the first
// report POST with a chosen status. A transient failure (500) is retried and the report is
// stored exactly once; a refusal (422) is not retried.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";

import { localSite, openDemo, sendReport, startStack } from "../support/demo.mjs";

/** Forwards everything to `target`, except that the first `failures` report POSTs get `status`. */
async function flakyProxy(target, { status, failures }) {
  const posts = [];
  let failed = 0;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const origin = req.headers.origin;
    if (req.method === "POST" && req.url === "/v1/reports") {
      posts.push(JSON.parse(body.toString()).id);
      if (failed < failures) {
        failed++;
        res.writeHead(status, {
          "content-type": "application/json",
          ...(origin ? { "access-control-allow-origin": origin } : {}),
        });
        res.end(JSON.stringify({ error: { code: status >= 500 ? "internal" : "invalid_report", message: "injected by the test" } }));
        return;
      }
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k)),
    );
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: ["GET", "HEAD", "OPTIONS"].includes(req.method) ? undefined : body,
    });
    const out = {};
    answer.headers.forEach((v, k) => {
      if (!["content-encoding", "transfer-encoding", "connection", "content-length"].includes(k)) out[k] = v;
    });
    res.writeHead(answer.status, out);
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    posts,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe("sending through a flaky relay", () => {
  let stack;

  before(async () => {
    stack = await startStack();
  });

  after(() => stack?.close());

  const through = async (proxyOptions, run) => {
    const proxy = await flakyProxy(stack.relay.url, proxyOptions);
    const www = await localSite(stack, { domSnapshot: false }, { url: proxy.url });
    try {
      const { page } = await openDemo(stack.browser, `${www.url}/`);
      await run(page, proxy);
      await page.close();
    } finally {
      await www.close();
      await proxy.close();
    }
  };

  test("a 500 is retried with the same id, and the report is stored once", async () => {
    await through({ status: 500, failures: 2 }, async (page, proxy) => {
      const result = await sendReport(page, "Sent through a flaky relay");
      assert.ok(result.reportId, result.text);
      assert.equal(proxy.posts.length, 3, "two failures, then the 201");
      assert.ok(proxy.posts.every((id) => id === result.reportId), "every try carries the same id");
      const res = await fetch(`${stack.relay.url}/v1/reports/${result.reportId}`, {
        headers: { authorization: `Bearer ${stack.token}` },
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).report.feedback.text, "Sent through a flaky relay");
    });
  });

  test("a refusal is not retried", async () => {
    await through({ status: 422, failures: 1 }, async (page, proxy) => {
      const result = await sendReport(page, "Refused once");
      assert.equal(result.errorCode, "invalid_report", result.text);
      assert.equal(proxy.posts.length, 1);
    });
  });
});
