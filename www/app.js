// The demo host app. It uses bugcap exactly as a customer would: import, init, submit.
import { init } from "/bugcap/index.js";

const $ = (id) => document.getElementById(id);

// A third-party-style support widget in an open shadow root: its input is masked in reports too.
customElements.define(
  "acme-support",
  class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const shadow = this.attachShadow({ mode: "open" });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(":host { display: block; margin-top: 0.75rem; } input { width: 100%; box-sizing: border-box; font: inherit; padding: 0.4rem; }");
      shadow.adoptedStyleSheets = [sheet];
      shadow.innerHTML = '<label>Message support <input id="support-message" autocomplete="off"></label>';
    }
  },
);
const config = await (await fetch("/demo-config.json")).json();

let bugcap;
try {
  // The demo's launcher, dialog and editor use the defaults; `options` lets the tests vary them.
  const options = { key: config.key, relay: config.relay, categories: ["Bug", "Idea", "Question"], ...config.options };
  if (config.redaction) options.redaction = config.redaction;
  bugcap = await init(options);
  // What a signed-in app knows about its user and build; sent only with a report.
  await bugcap.identify({ id: "demo-user-42", name: "Demo User" });
  await bugcap.setMetadata({ plan: "team", build: 1207, beta: true });
  document.documentElement.dataset.bugcap = "ready";
} catch (e) {
  $("report-status").textContent = `bugcap failed to start: ${e.message}`;
  document.documentElement.dataset.bugcap = "failed";
}

// Bug 1: the settings object lost its save method in a refactor.
$("save").addEventListener("click", () => {
  const settings = { name: $("display-name").value };
  try {
    settings.save();
  } catch (e) {
    console.error("Saving settings failed:", e);
    $("app-status").textContent = "Something went wrong.";
  }
});

$("log").addEventListener("click", () => {
  console.log("demo: button clicked at", new Date().toISOString(), { clicks: ++clicks });
});
let clicks = 0;

// Works, but its request and answer carry secrets: the report shows them redacted.
$("profile").addEventListener("click", async () => {
  const res = await fetch("/demo-api/profile", { headers: { authorization: "Bearer demo-session-7f3a9c" } });
  const profile = await res.json();
  $("app-status").textContent = `Signed in as ${profile.name} (${profile.plan}).`;
});

// Bug 2: the notes endpoint does not exist.
$("load").addEventListener("click", async () => {
  const res = await fetch("/api/notes");
  console.warn("Loading notes returned", res.status);
  $("app-status").textContent = res.ok ? "Loaded." : `Could not load notes (${res.status}).`;
});

$("report-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = $("report-status");
  const text = $("report-text").value;
  status.textContent = "Sending…";
  $("send").disabled = true;
  try {
    const { id, status: state } = await bugcap.submit({ text });
    if (state === "queued") {
      // Offline, or the relay could not be reached: kept on this device and sent later.
      status.textContent = `Saved on this device: report ${id} will be sent when the relay can be reached.`;
      status.dataset.queuedId = id;
      return;
    }
    // The team reads it in the relay's inbox (the demo prints how to sign in).
    status.replaceChildren("Thanks! Report ", Object.assign(document.createElement("a"), {
      href: `${config.inbox}/reports/${encodeURIComponent(id)}`,
      textContent: id,
      id: "report-link",
    }), " was sent.");
    status.dataset.reportId = id;
    $("report-text").value = "";
  } catch (e) {
    status.textContent = `Could not send the report: ${e.message}`;
    status.dataset.errorCode = e.code ?? "unknown";
  } finally {
    $("send").disabled = false;
  }
});
