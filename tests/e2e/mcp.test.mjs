// The MCP server (`POST /mcp`) driven by an independent client: the official TypeScript SDK
// (`@modelcontextprotocol/sdk`), as Claude Code, Cursor and VS Code use it. A report is filed
// from the demo page in Chromium (screenshot, DOM snapshot, a failing request), then an agent
// with a read token lists it, reads it, sees its screenshot and queries its snapshot, and a
// write token changes its status while the read token is refused.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import { localSite, openDemo, startStack } from "../support/demo.mjs";
import { createToken, relayCli } from "../support/relay.mjs";

let stack;
let www;
let reader;
let writer;
let reportId;

/** A connected SDK client with `token`. */
async function connect(token) {
  const client = new Client({ name: "bugcap-e2e", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.relay.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

function textOf(result) {
  return result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");
}

before(async () => {
  stack = await startStack();
  www = await localSite(stack);
  reader = createToken(stack.dataDir, ["reports:read"]).token;
  writer = createToken(stack.dataDir, ["reports:write"]).token;
  const { page } = await openDemo(stack.browser, `${www.url}/`);
  await page.click("#load");
  await page.waitForFunction(() => document.getElementById("app-status").textContent.includes("404"));
  reportId = await page.evaluate(async () => {
    const m = await import("/bugcap/index.js");
    return (await m.submit({ text: "Notes do not load\nThe list stays empty", screenshot: true })).id;
  });
  await page.close();
  // Until the screenshot and the snapshot have arrived.
  for (let i = 0; ; i++) {
    const res = await fetch(`${stack.relay.url}/v1/reports/${reportId}`, { headers: { authorization: `Bearer ${reader}` } });
    const body = await res.json();
    if (body.media?.length && body.media.every((m) => m.status === "complete")) break;
    if (i > 100) throw new Error("the report's media never arrived");
    await new Promise((r) => setTimeout(r, 100));
  }
});
after(async () => {
  await www?.close();
  await stack?.close();
});

test("an agent with a read token lists, reads and sees a report filed from the page", async () => {
  const client = await connect(reader);
  try {
    assert.equal(client.getServerVersion().name, "bugcap-relay");
    assert.match(client.getInstructions(), /list_reports/);

    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["list_reports", "get_report", "get_screenshot", "get_dom_snapshot"]);
    for (const t of tools) {
      assert.equal(t.annotations.readOnlyHint, true, t.name);
      assert.equal(t.inputSchema.type, "object", t.name);
    }

    const list = await client.callTool({ name: "list_reports", arguments: { search: "notes", has_errors: false } });
    assert.ok(!list.isError, textOf(list));
    const rows = JSON.parse(textOf(list)).reports;
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, reportId);
    assert.equal(rows[0].title, "Notes do not load");
    assert.equal(rows[0].failed_requests, 1);

    const report = await client.callTool({ name: "get_report", arguments: { id: reportId } });
    assert.ok(!report.isError, textOf(report));
    const text = textOf(report);
    assert.match(text, /The list stays empty/);
    assert.match(text, /\*\*Failed requests \(1\)\*\*/);
    assert.match(text, /`GET` `\S*\/api\/notes\S*` → `404` in \d+ ms/);
    assert.match(text, /\*\*Console errors and warnings \(1\)\*\*\n\n```text\n\[warn\] Loading notes returned 404/);
    const json = JSON.parse(text.split("```json\n")[1].split("\n```")[0]);
    assert.equal(json.id, reportId);
    assert.ok(json.report.network.some((n) => n.status === 404));

    const shot = await client.callTool({ name: "get_screenshot", arguments: { id: reportId } });
    assert.ok(!shot.isError, textOf(shot));
    const image = shot.content.find((c) => c.type === "image");
    assert.ok(image, "the screenshot comes as image content");
    // The same bytes the admin API serves, and an image Chromium decodes at the page's size.
    const stored = await fetch(`${stack.relay.url}/v1/reports/${reportId}/media/${json.media.find((m) => m.name.startsWith("screenshot.")).name}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(stored.status, 200);
    assert.equal(Buffer.from(image.data, "base64").compare(Buffer.from(await stored.arrayBuffer())), 0);
    const page = await stack.browser.newPage();
    const size = await page.evaluate(async ({ data, mimeType }) => {
      const img = new Image();
      img.src = `data:${mimeType};base64,${data}`;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, image);
    await page.close();
    const { viewport, device_pixel_ratio: dpr } = json.report.page;
    assert.deepEqual(size, [Math.round(viewport.width * dpr), Math.round(viewport.height * dpr)]);
    assert.match(textOf(shot), new RegExp(`${size[0]}×${size[1]} px`));

    const dom = await client.callTool({ name: "get_dom_snapshot", arguments: { id: reportId, selector: "#load" } });
    assert.ok(!dom.isError, textOf(dom));
    assert.match(textOf(dom), /^1 element matches/);
    assert.match(textOf(dom), /<button/);
    const whole = await client.callTool({ name: "get_dom_snapshot", arguments: { id: reportId } });
    assert.match(textOf(whole), /<html/i);
    assert.doesNotMatch(textOf(whole), /<script/i, "the snapshot comes without scripts");

    // Read-only: the write tools are refused even when called by name.
    await assert.rejects(
      client.callTool({ name: "update_report_status", arguments: { id: reportId, status: "resolved" } }),
      /reports:write/,
    );
  } finally {
    await client.close();
  }
});

test("a write token changes the status and comments; the audit log names the calls", async () => {
  const client = await connect(writer);
  try {
    const { tools } = await client.listTools();
    const update = tools.find((t) => t.name === "update_report_status");
    assert.deepEqual(
      [update.annotations.readOnlyHint, update.annotations.destructiveHint, update.annotations.idempotentHint],
      [false, false, true],
    );
    const res = await client.callTool({ name: "update_report_status", arguments: { id: reportId, status: "resolved" } });
    assert.deepEqual(JSON.parse(textOf(res)), { id: reportId, status: "resolved", changed: true });
    const comment = await client.callTool({ name: "add_comment", arguments: { id: reportId, text: "The notes API 404s on an empty list; fixed." } });
    assert.ok(!comment.isError, textOf(comment));
    const list = await client.callTool({ name: "list_reports", arguments: { status: ["resolved"] } });
    assert.deepEqual(JSON.parse(textOf(list)).reports.map((r) => r.id), [reportId]);
  } finally {
    await client.close();
  }
  const audit = relayCli(stack.dataDir, ["audit", "--limit", "3"]);
  assert.deepEqual(audit.map((e) => [e.action, e.subject, e.detail]), [
    ["mcp.list_reports", writer.slice(0, 12), ""],
    ["mcp.add_comment", writer.slice(0, 12), reportId],
    ["mcp.update_report_status", writer.slice(0, 12), reportId],
  ]);
  assert.doesNotMatch(JSON.stringify(audit), /fixed|Notes do not load/);
});

test("a revoked token is refused on its next call", async () => {
  const token = createToken(stack.dataDir, ["reports:read"]).token;
  const client = await connect(token);
  try {
    await client.listTools();
    relayCli(stack.dataDir, ["tokens", "revoke", token.slice(0, 12)]);
    await assert.rejects(client.listTools(), /401|Unauthorized|invalid_token/i);
  } finally {
    await client.close().catch(() => {});
  }
});
