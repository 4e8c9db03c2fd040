// Media uploads from a real page: the browser asks the relay for an upload URL, PUTs the bytes
// cross-origin to the relay's local store (preflighted, with the signed checksum header), and
// confirms. Then the admin download serves the same bytes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { localSite, openDemo, startStack } from "../support/demo.mjs";

describe("media uploads from the page", () => {
  let stack;

  before(async () => {
    stack = await startStack();
  });

  after(() => stack?.close());

  test("a screenshot uploads through a presigned URL and reads back unchanged", async () => {
    const { relay, token, browser } = stack;
    const www = await localSite(stack);
    try {
      const { page } = await openDemo(browser, `${www.url}/`);
      const outcome = await page.evaluate(async () => {
        const { key, relay } = await (await fetch("/demo-config.json")).json();
        const canvas = Object.assign(document.createElement("canvas"), { width: 64, height: 32 });
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#c0392b";
        ctx.fillRect(8, 8, 48, 16);
        const blob = await new Promise((r) => canvas.toBlob(r, "image/png"));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
        const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
        const attachment = { name: "screenshot.png", content_type: "image/png", size: bytes.length, sha256 };
        const post = (path, body) =>
          fetch(`${relay}${path}`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-bugcap-key": key },
            body: JSON.stringify(body),
          });
        const id = crypto.randomUUID();
        const report = {
          id,
          schema_version: 1,
          created_at: new Date().toISOString(),
          feedback: { text: "see the screenshot" },
          page: {
            url: location.href,
            title: document.title,
            viewport: { width: innerWidth, height: innerHeight },
            device_pixel_ratio: devicePixelRatio,
            user_agent: navigator.userAgent,
            language: navigator.language,
            time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          },
          client: { name: "e2e", version: "0" },
          attachments: [attachment],
        };
        const created = await post("/v1/reports", report);
        const grantRes = await post(`/v1/reports/${id}/media/upload-url`, attachment);
        const grant = await grantRes.json();
        if (!grant.url) return { statuses: [created.status, grantRes.status], grant };
        const put = await fetch(grant.url, { method: grant.method, headers: grant.headers, body: blob });
        const done = await post(`/v1/reports/${id}/media/complete`, { name: "screenshot.png" });
        return {
          id,
          hex: [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(""),
          statuses: [created.status, grantRes.status, put.status, done.status],
          done: await done.json(),
        };
      });
      assert.deepEqual(outcome.statuses, [201, 200, 200, 200], JSON.stringify(outcome));
      assert.equal(outcome.done.status, "complete");

      const redirect = await fetch(`${relay.url}/v1/reports/${outcome.id}/media/screenshot.png`, {
        headers: { authorization: `Bearer ${token}` },
        redirect: "manual",
      });
      assert.equal(redirect.status, 302);
      const image = await fetch(redirect.headers.get("location"));
      assert.equal(image.status, 200);
      assert.equal(image.headers.get("content-type"), "image/png");
      assert.equal(Buffer.from(await image.arrayBuffer()).toString("hex"), outcome.hex);
      await page.close();
    } finally {
      await www.close();
    }
  });
});
