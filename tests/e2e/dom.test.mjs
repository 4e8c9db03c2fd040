// The masked DOM snapshot, the whole way: values typed into the demo page (light DOM, an open
// shadow root, a same-origin iframe) never reach the relay, and what does arrive rebuilds with
// rrweb-snapshot. A page too large to inline travels as a `dom.json` attachment.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { localSite, openDemo, sendReport, startStack } from "../support/demo.mjs";
import { rebuildAndInspect } from "../support/rebuild.mjs";

const TYPED = {
  "#display-name": "Ada Zyxwvut",
  "#card-holder": "Holder Quokkaberry",
};
const SHADOW_TYPED = "Shadow Kinkajou message";
const FRAME_TYPED = "FRAME-OCELOT-77";
// Shown on the page, but inside blocked and masked elements.
const PAGE_PRIVATE = ["Visa", "Grace Hopper", "ext. 2210"];

describe("the DOM snapshot of a filed report", () => {
  let stack, www;

  before(async () => {
    stack = await startStack();
    www = await localSite(stack);
  });

  after(async () => {
    await www?.close();
    await stack?.close();
  });

  const admin = (path, init = {}) =>
    fetch(`${stack.relay.url}${path}`, { ...init, headers: { authorization: `Bearer ${stack.token}` } });

  const typeEverywhere = async (page) => {
    for (const [selector, value] of Object.entries(TYPED)) await page.fill(selector, value);
    // Playwright's CSS engine pierces open shadow roots.
    await page.fill("acme-support #support-message", SHADOW_TYPED);
    await page.frameLocator("#help-frame").locator("#coupon").fill(FRAME_TYPED);
  };

  test("typed values and private text never leave the page, and the snapshot rebuilds", async () => {
    const { page, posted } = await openDemo(stack.browser, `${www.url}/`);
    await page.frameLocator("#help-frame").locator("#coupon").waitFor();
    await typeEverywhere(page);
    const result = await sendReport(page, "The billing card looks broken");
    assert.ok(result.reportId, result.text);

    const stored = await (await admin(`/v1/reports/${result.reportId}`)).json();
    const everything = JSON.stringify(stored) + JSON.stringify(posted);
    for (const secret of [...Object.values(TYPED), SHADOW_TYPED, FRAME_TYPED, ...PAGE_PRIVATE]) {
      assert.ok(!everything.includes(secret), `"${secret}" reached the relay`);
    }
    // The control: those strings really were on the page when it was captured.
    const onPage = await page.evaluate(() => [
      document.getElementById("display-name").value,
      document.querySelector("acme-support").shadowRoot.getElementById("support-message").value,
      document.getElementById("help-frame").contentDocument.getElementById("coupon").value,
      document.body.innerText,
    ]);
    assert.deepEqual(onPage.slice(0, 3), [TYPED["#display-name"], SHADOW_TYPED, FRAME_TYPED]);
    assert.ok(onPage[3].includes("Grace Hopper") && onPage[3].includes("Visa"));

    const dom = stored.report.dom;
    assert.equal(dom.format, "rrweb-snapshot");
    assert.ok(dom.node, "a demo-sized page is inlined");
    assert.ok(dom.nodes > 50, JSON.stringify(dom.nodes));

    const seen = await rebuildAndInspect(stack.browser, dom.node, (doc) => {
      const host = doc.querySelector("acme-support");
      const frame = doc.getElementById("help-frame");
      const payment = doc.querySelector(".payment");
      return {
        title: doc.querySelector("h1")?.textContent,
        name: doc.getElementById("display-name")?.value,
        shadowInput: host?.shadowRoot?.getElementById("support-message")?.value,
        adopted: !!host?.shadowRoot?.querySelector("style[data-bugcap-adopted]"),
        frameInput: frame?.contentDocument?.getElementById("coupon")?.value,
        paymentText: payment?.textContent,
        paymentWidth: payment?.style.width,
        note: doc.getElementById("account-note")?.textContent ?? doc.querySelector("[data-bugcap-mask]")?.textContent,
        styled: getComputedStyle(doc.querySelector(".card")).borderRadius,
      };
    });
    assert.equal(seen.title, "Acme Notes");
    assert.equal(seen.name, "*** *******");
    assert.equal(seen.shadowInput, "****** ******** *******");
    assert.ok(seen.adopted, "the shadow root's constructed stylesheet is rebuilt");
    assert.equal(seen.frameInput, "***************");
    assert.equal(seen.paymentText, "", "the blocked card is an empty box");
    assert.match(seen.paymentWidth, /^[1-9][0-9.]*px$/);
    assert.equal(seen.note, "******* ******** ***** ******* **** ****");
    assert.equal(seen.styled, "8px", "the page's stylesheet is inlined");
    await page.close();
  });

  test("a page too large to inline travels as a dom.json attachment and rebuilds", async () => {
    const { page } = await openDemo(stack.browser, `${www.url}/`);
    await typeEverywhere(page);
    await page.evaluate(() => {
      const list = document.createElement("ul");
      list.id = "big-list";
      for (let i = 0; i < 6000; i++) {
        const li = document.createElement("li");
        li.textContent = `Row ${i} of the big list`;
        list.append(li);
      }
      document.querySelector("main").append(list);
    });
    const result = await sendReport(page, "The big list is slow");
    assert.ok(result.reportId, result.text);
    const stored = await (await admin(`/v1/reports/${result.reportId}`)).json();
    assert.equal(stored.report.dom.attachment, "dom.json");
    assert.equal(stored.report.dom.node, undefined);
    const declared = stored.report.attachments.find((a) => a.name === "dom.json");
    assert.equal(declared.content_type, "application/json");

    const redirect = await admin(`/v1/reports/${result.reportId}/media/dom.json`, { redirect: "manual" });
    assert.equal(redirect.status, 302, "the attachment was uploaded and completed");
    const text = await (await fetch(redirect.headers.get("location"))).text();
    assert.equal(Buffer.byteLength(text), declared.size);
    for (const secret of [...Object.values(TYPED), SHADOW_TYPED, FRAME_TYPED, ...PAGE_PRIVATE]) {
      assert.ok(!text.includes(secret), `"${secret}" is in dom.json`);
    }
    const rows = await rebuildAndInspect(stack.browser, JSON.parse(text), (doc) => ({
      count: doc.querySelectorAll("#big-list li").length,
      last: doc.querySelector("#big-list li:last-child")?.textContent,
    }));
    assert.deepEqual(rows, { count: 6000, last: "Row 5999 of the big list" });
    await page.close();
  });
});
