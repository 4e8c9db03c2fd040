// A minimal report viewer. It reads through the demo server, which holds the admin token; the
// browser never sees the token. Everything is rendered as text, never as HTML.
const el = (tag, text, attrs = {}) => Object.assign(document.createElement(tag), { textContent: text ?? "" }, attrs);
const root = document.getElementById("report");
const id = new URLSearchParams(location.search).get("id") ?? "";

const res = await fetch(`/demo-api/reports/${encodeURIComponent(id)}`);
const body = await res.json();
if (!res.ok) {
  root.textContent = `Could not load report ${id}: ${body.error?.message ?? res.status}`;
} else {
  const r = body.report;
  const facts = el("table");
  for (const [k, v] of [
    ["id", body.id],
    ["status", body.status],
    ["project", `${body.project} (${body.environment})`],
    ["received", new Date(body.received_at).toISOString()],
    ["page", r.page.url],
    ["title", r.page.title],
    ["viewport", `${r.page.viewport.width}×${r.page.viewport.height} @${r.page.device_pixel_ratio}x`],
    ["browser", r.page.user_agent],
    ["language / zone", `${r.page.language ?? "?"} / ${r.page.time_zone ?? "?"}`],
  ]) {
    const row = el("tr");
    row.append(el("th", k), el("td", v));
    facts.append(row);
  }
  const consoleTable = el("table", "", { id: "console" });
  for (const entry of r.console) {
    const row = el("tr", "", { className: `level-${entry.level}` });
    row.append(
      el("td", new Date(entry.timestamp).toLocaleTimeString()),
      el("td", entry.level),
    );
    const message = el("td");
    message.append(el("pre", entry.stack ? `${entry.message}\n${entry.stack}` : entry.message));
    row.append(message);
    consoleTable.append(row);
  }
  root.replaceChildren(
    el("h2", "What the user wrote"),
    el("blockquote", r.feedback.text, { id: "feedback" }),
    el("h2", "Context"),
    facts,
    el("h2", `Console (${r.console.length})`),
    r.console.length ? consoleTable : el("p", "No console output was captured."),
  );
}
