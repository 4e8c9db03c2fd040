// bugcap inbox: what the server-rendered pages cannot do alone. Everything works without it;
// this adds keyboard navigation, the console filter, the waterfall's bars, zoom, copying and
// local times. Report content is only ever set as text (textContent, value), never as HTML.

const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function typing(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

// Times in the reader's own zone.
for (const el of $$("time[datetime]")) {
  const at = new Date(el.dateTime);
  if (!Number.isNaN(at.getTime())) {
    el.title = el.textContent;
    el.textContent = at.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
}

// Inbox: j/k move, Enter opens, x selects, / searches.
const rows = $$(".report-row");
let current = -1;
function move(to) {
  if (!rows.length) return;
  current = Math.max(0, Math.min(rows.length - 1, to));
  rows.forEach((row, i) => row.classList.toggle("current", i === current));
  const link = rows[current].querySelector(".row-title");
  if (link) link.focus();
}
for (const [i, row] of rows.entries()) {
  row.addEventListener("focusin", () => {
    current = i;
    rows.forEach((r, k) => r.classList.toggle("current", k === i));
  });
}
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (event.key === "/") {
    const search = document.getElementById("search");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  } else if (rows.length && (event.key === "j" || event.key === "k")) {
    event.preventDefault();
    move(current + (event.key === "j" ? 1 : -1));
  } else if (rows.length && event.key === "x" && current >= 0) {
    const box = rows[current].querySelector("input[type=checkbox]");
    if (box) box.checked = !box.checked;
  } else if (rows.length && event.key === "Enter" && current >= 0 && document.activeElement === document.body) {
    window.location.href = rows[current].dataset.href;
  }
});
const all = document.getElementById("select-all");
if (all) {
  all.addEventListener("change", () => {
    for (const box of $$("#reports input[name=id]")) box.checked = all.checked;
  });
}

// Console: filter by level.
const levels = document.querySelector(".levels");
if (levels) {
  levels.hidden = false;
  levels.addEventListener("change", () => {
    const shown = new Set($$("input:checked", levels).map((box) => box.value));
    for (const line of $$(".console > li")) line.hidden = !shown.has(line.dataset.level);
  });
}

// Network: the waterfall's bars (percentages computed by the server).
for (const bar of $$(".bar > span")) {
  const left = Number(bar.dataset.left);
  const width = Number(bar.dataset.width);
  if (Number.isFinite(left) && Number.isFinite(width)) {
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.min(width, 100 - left)}%`;
  }
}

// Screenshot: click to zoom (a modified click still opens it full size).
for (const shot of $$(".shot")) {
  shot.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    shot.classList.toggle("zoomed");
  });
}

// Copying: a report as Markdown or JSON, a share link.
function say(text) {
  const status = document.querySelector(".copied");
  if (status) status.textContent = text;
}
async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    say("Copied.");
  } catch {
    say("Copying was not allowed here; use the download links.");
  }
}
for (const button of $$("button[data-copy]")) {
  button.addEventListener("click", async () => {
    try {
      const res = await fetch(button.dataset.copy, { credentials: "same-origin" });
      if (!res.ok) throw new Error(String(res.status));
      await copy(await res.text());
    } catch {
      say("Could not read the report; reload the page.");
    }
  });
}
for (const button of $$("button.copy-value")) {
  button.addEventListener("click", () => {
    const input = button.parentElement && button.parentElement.querySelector("input");
    if (input) copy(input.value);
  });
}

// Filters: empty fields stay out of the URL, so a view's address is short enough to share.
for (const filters of $$("form.filters")) {
  filters.addEventListener("submit", () => {
    for (const input of $$("input, select", filters)) {
      if (input.name && input.value === "") input.disabled = true;
    }
  });
}
