// Network capture on the demo page: what reaches the relay (and what never does), and that the
// page's own fetch and XHR behave the same with and without the widget.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { localSite, openDemo, sendReport, startStack } from "../support/demo.mjs";

// The same set of exchanges, run in the page; returns what the page observed.
async function conformance(page) {
  return page.evaluate(async () => {
    const out = {};
    const summary = async (res) => ({
      ok: res.ok,
      status: res.status,
      type: res.type,
      isResponse: res instanceof Response,
      contentType: res.headers.get("content-type"),
      body: await res.text(),
    });
    out.json = await summary(await fetch("/demo-api/profile"));
    out.missing = await summary(await fetch("/api/notes"));
    out.request = await summary(await fetch(new Request("/demo-api/profile", { method: "GET" })));
    out.post = await summary(await fetch("/api/notes", { method: "POST", body: new URLSearchParams({ a: "1" }) }));
    try {
      await fetch("http://127.0.0.1:9/unreachable");
    } catch (e) {
      out.unreachable = `${e.name}: ${e instanceof TypeError}`;
    }
    const c = new AbortController();
    const pending = fetch("/demo-api/stream", { signal: c.signal });
    c.abort();
    try {
      await pending;
    } catch (e) {
      out.aborted = e.name;
    }
    // A stream the page reads itself: it gets its first events at once, whatever capture does.
    const t0 = performance.now();
    const stream = await fetch("/demo-api/stream");
    const reader = stream.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    out.streamFirst = first.startsWith("data: tick 0");
    out.streamFast = performance.now() - t0 < 1000;
    await reader.cancel();
    out.xhr = await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open("GET", "/demo-api/profile");
      x.responseType = "json";
      x.onload = () => resolve({ status: x.status, name: x.response.name, thisIsXhr: x instanceof XMLHttpRequest });
      x.send();
    });
    out.xhrError = await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open("GET", "http://127.0.0.1:9/unreachable");
      x.onerror = () => resolve(`error ${x.status} ${x.readyState}`);
      x.send();
    });
    out.fetchIdentity = typeof fetch === "function" && fetch.name;
    return out;
  });
}

describe("network capture", () => {
  let stack, www;

  before(async () => {
    stack = await startStack();
    www = await localSite(stack);
  });

  after(async () => {
    await www?.close();
    await stack?.close();
  });

  test("requests reach the report redacted, the widget's own do not, streams stay live", async () => {
    const { relay, token, browser } = stack;
    const { page } = await openDemo(browser, `${www.url}/`);
    await page.click("#profile");
    await page.click("#load");
    await page.waitForFunction(() => /Could not load notes/.test(document.getElementById("app-status").textContent));
    // A live stream the page keeps open: capture reads at most a bounded head, then lets go.
    await page.evaluate(() => {
      window.keepStream = fetch("/demo-api/stream").then((r) => r.body.getReader());
    });
    await page.waitForTimeout(3500);
    // The reporter's wasm is downloaded now, after capture started (as the launcher does when a
    // pointer goes over it): the package's own download must not be among the page's requests.
    await page.evaluate(async () => (await import("/bugcap/index.js")).preload());
    const result = await sendReport(page, "Profile and notes");
    assert.ok(result.reportId, result.text);
    const res = await fetch(`${relay.url}/v1/reports/${result.reportId}`, { headers: { authorization: `Bearer ${token}` } });
    const { report } = await res.json();
    const byPath = (p) => report.network.filter((e) => new URL(e.url).pathname === p);

    const [profile] = byPath("/demo-api/profile");
    assert.equal(profile.kind, "fetch");
    assert.equal(profile.status, 200);
    assert.equal(profile.request_headers.authorization, "[REDACTED]", JSON.stringify(profile.request_headers));
    assert.match(profile.response_body.text, /"name":"Demo User"/);
    assert.doesNotMatch(JSON.stringify(report), /sk_live_51H8demo|demo-session-7f3a9c/);

    const [notes] = byPath("/api/notes");
    assert.equal(notes.status, 404);

    const [stream] = byPath("/demo-api/stream");
    assert.equal(stream.status, 200);
    assert.ok(stream.response_body.truncated, JSON.stringify(stream.response_body));
    assert.match(stream.response_body.text, /^data: tick 0/);

    assert.equal(report.network.filter((e) => e.url.startsWith(relay.url)).length, 0, "the relay POST is not captured");
    const own = report.network.filter((e) => new URL(e.url).pathname.startsWith("/bugcap/")).map((e) => e.url);
    assert.deepEqual(own, [], "the package's own downloads are not captured");
    await page.close();
  });

  test("fetch and XHR answer the page exactly as they do without the widget", async () => {
    const { page } = await openDemo(stack.browser, `${www.url}/`);
    const withWidget = await conformance(page);
    await page.evaluate(async () => (await import("/bugcap/index.js")).destroy());
    await page.waitForFunction(() => !String(window.fetch).includes("Reflect.apply"));
    const without = await conformance(page);
    assert.deepEqual(withWidget, without);
    assert.equal(without.streamFirst, true);
    assert.equal(without.aborted, "AbortError");
    assert.equal(without.xhr.name, "Demo User");
    await page.close();
  });
});
