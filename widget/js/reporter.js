// The reporter's browser plumbing in one module (one snippet file for the bundle): resources,
// image decoding and encoding for the screenshot, and IndexedDB for the outbox.


// Marks the widget's own requests so the network capture leaves them out (widget/js/network.js).
const OWN = Symbol.for("bugcap.own");

function readAsDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// Each URL as a `data:` URL, or null where it cannot be read (cross-origin without CORS, failed,
// larger than `perMax` bytes, past `totalMax` bytes altogether, or not all there within
// `waitMs`: a server that never answers costs the screenshot that long, not the report).
// Fetched at once, from the HTTP cache where the page already loaded them.
export async function fetchDataUrls(urls, perMax, totalMax, waitMs) {
  let total = 0;
  const origin = location.origin;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), waitMs);
  try {
    return await Promise.all(
      urls.map(async (url) => {
        try {
          const sameOrigin = new URL(url).origin === origin;
          const response = await fetch(url, {
            mode: "cors",
            credentials: sameOrigin ? "same-origin" : "omit",
            cache: "force-cache",
            signal: abort.signal,
            [OWN]: true,
          });
          if (!response.ok) return null;
          const blob = await response.blob();
          if (blob.size > perMax || total + blob.size > totalMax) return null;
          total += blob.size;
          return await readAsDataUrl(blob);
        } catch (_) {
          return null;
        }
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}

// The SVG text decoded as an image of `width`×`height` CSS pixels. A `data:` URL, not a blob
// URL: drawing a foreignObject SVG from a blob URL taints the canvas in some browsers.
export async function decodeSvg(svg, width, height) {
  const image = new Image(width, height);
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  await image.decode();
  return image;
}

// Every property of a computed style as `name:value;` declarations, but `skip` (for the
// screenshot's copy of a shadow tree): one call from wasm per element.
export function computedDeclarations(style, skip) {
  let out = "";
  for (let i = 0; i < style.length; i++) {
    const name = style[i];
    if (name !== skip) out += name + ":" + style.getPropertyValue(name) + ";";
  }
  return out;
}

// Resolves in a later task (the screenshot is made in steps: see render.rs's next_task).
export function nextTask() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

export function shotClock() {
  return performance.now();
}

export function shotStep(name, start) {
  try {
    performance.measure("bugcap:screenshot:" + name, { start });
  } catch (_) {}
}

export function shotMeasure(start, written, pruned, bytes) {
  try {
    performance.measure("bugcap:screenshot", { start, detail: { written, pruned, bytes } });
  } catch (_) {}
}

// The screenshot's pruning (widget/src/screenshot/prune.rs says why, and what is kept).
// Elements whose whole subtree may be left out of the copy of a document are those whose box
// lies outside the viewport (with a margin), unless something on screen is inside them:
// `keptElements(document)` is the set of those, and their ancestors (across shadow roots). They
// are found two ways: the elements at the points of a coarse grid over the viewport (coarse,
// because each hit-test walks the page's boxes, which on a large page makes hundreds of them a
// long task), and floating UI by its role (open dialogs and popovers, menus, listboxes, tooltips),
// which is often small and placed far from its ancestors.
const PRUNE_GRID = 160;
const FLOATING = "dialog[open], :popover-open, [role=dialog], [role=alertdialog], [role=menu], [role=listbox], [role=tooltip], [aria-modal=true]";
export function keptElements(doc, width, height) {
  const kept = new Set();
  const keep = (e) => {
    while (e && !kept.has(e)) {
      kept.add(e);
      e = e.parentElement ?? e.getRootNode().host ?? null;
    }
  };
  const step = (size) => size / Math.max(1, Math.round(size / PRUNE_GRID));
  for (let y = step(height) / 2; y < height; y += step(height)) {
    for (let x = step(width) / 2; x < width; x += step(width)) {
      for (const e of doc.elementsFromPoint(x, y)) keep(e);
    }
  }
  let floating = [];
  try {
    floating = doc.querySelectorAll(FLOATING);
  } catch (_) {
    // A browser without `:popover-open`.
    floating = doc.querySelectorAll(FLOATING.replace(":popover-open, ", ""));
  }
  for (const e of floating) {
    const r = e.getBoundingClientRect();
    if ((r.width > 0 || r.height > 0) && r.right >= 0 && r.bottom >= 0 && r.left <= width && r.top <= height) keep(e);
  }
  return kept;
}

// Tags never emptied: they are drawn from attributes or text of their own, or hold what the
// rest of the document needs (styles, the head).
const PRUNE_NEVER = new Set(["HEAD", "STYLE", "SCRIPT", "TEMPLATE", "SLOT", "SELECT", "TEXTAREA", "OPTION", "OPTGROUP",
  "PICTURE", "VIDEO", "AUDIO", "OBJECT", "CANVAS", "IFRAME", "TITLE", "NOSCRIPT"]);
const FLOW = new Set(["block", "flow-root", "list-item"]);
const CLIPS = new Set(["hidden", "clip", "auto", "scroll"]);

// The fate of each element child of `parent`, five numbers each (a Float64Array after the four
// numbers of the clip for the children): [fate, width, height, margin-top, margin-bottom].
// fate 0: drawn. 1: drawn as an empty box of width×height, with these margins where they are
// not NaN (in block flow, so the boxes around it keep their places whatever collapsed into
// it). 2: display none, drawn without its children. 3: folded into the run the box before it
// stands for: drawn without children, not laid out. 4: drawn with its height set (a table row
// standing for a run of rows). `clip` is [left, top, right, bottom] in viewport pixels, what
// the children can show in: the viewport with its margin, narrowed by every clipping ancestor.
export function pruneChildren(parent, clip, kept, plans) {
  const plan = plans?.get(parent);
  if (plan && plan.count === parent.children.length && plan.clip.every((v, i) => v === clip[i])) return plan.fates;
  return childFates(parent, clip, kept);
}

// `pruneChildren` for every parent the copy will descend into from `root` (children drawn in
// full, and the rows that stand for runs), as a Map from parent to its plan: made in a task of
// its own before the copy is written, so neither task holds the page's main thread long. A
// parent whose children changed in between is planned again when it is written.
export function planPruning(root, clip, kept) {
  const plans = new Map();
  const visit = (parent, clip) => {
    const fates = childFates(parent, clip, kept);
    plans.set(parent, { clip, count: parent.children.length, fates });
    const inner = fates.subarray(0, 4);
    const children = parent.children;
    for (let i = 0; i < children.length; i++) {
      const fate = fates[4 + i * 5];
      const child = children[i];
      if ((fate === 0 || fate === 4) && child.firstElementChild && !(child instanceof SVGElement)) visit(child, inner);
    }
  };
  // `clip` is a view of the wasm module's memory, which moves as it grows: copied.
  visit(root, Array.from(clip));
  return plans;
}

function childFates(parent, clip, kept) {
  const kids = parent.children;
  const n = kids.length;
  const out = new Float64Array(4 + n * 5);
  let [left, top, right, bottom] = clip;
  const view = parent.ownerDocument?.defaultView ?? window;
  let flow = false;
  let rowGroup = false;
  if (parent.nodeType === 1) {
    const style = view.getComputedStyle(parent);
    if (CLIPS.has(style.overflowX) && CLIPS.has(style.overflowY) && style.position !== "fixed") {
      const r = parent.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        left = Math.max(left, r.left);
        top = Math.max(top, r.top);
        right = Math.min(right, r.right);
        bottom = Math.min(bottom, r.bottom);
      }
    }
    flow = FLOW.has(style.display);
    rowGroup = style.display === "table-row-group";
  }
  out.set([left, top, right, bottom]);
  let previous = null;
  const flowRects = new Array(n);
  const rowRects = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = kids[i];
    const at = 4 + i * 5;
    out[at + 3] = out[at + 4] = NaN;
    let inFlow = null;
    if (!(c instanceof SVGElement)) {
      const style = view.getComputedStyle(c);
      const display = style.display;
      const eligible = !PRUNE_NEVER.has(c.tagName) && c.firstChild && !kept.has(c);
      if (display === "none") {
        if (eligible) out[at] = 2;
        // Out of the flow: the gap between its neighbours is theirs.
        continue;
      }
      const position = style.position;
      if (display === "table-row" && rowGroup) {
        const r = c.getBoundingClientRect();
        if (eligible && style.transform === "none" && (r.bottom < top || r.top > bottom)) {
          out[at] = 4;
          out[at + 2] = r.height;
          rowRects[i] = r;
        }
      } else if (display !== "contents" && !display.startsWith("inline") && (display === "table-cell" || !display.startsWith("table-"))) {
        const r = c.getBoundingClientRect();
        const sized = r.width > 0 || r.height > 0;
        if (eligible && sized && position !== "fixed" && position !== "sticky" && style.transform === "none" &&
          (r.right < left || r.left > right || r.bottom < top || r.top > bottom)) {
          out[at] = 1;
          out[at + 1] = r.width;
          out[at + 2] = r.height;
        }
        if (position === "absolute" || position === "fixed" || style.float !== "none") continue;
        if (flow && position === "static") inFlow = r;
      }
    }
    // In block flow the gap between two boxes is their collapsed margins: an emptied box takes
    // the whole gap on its side, so nothing moves whatever margins collapsed through it.
    if (inFlow && previous) {
      if (out[at] === 1) out[at + 3] = inFlow.top - previous.rect.bottom;
      if (out[previous.at] === 1) out[previous.at + 4] = inFlow.top - previous.rect.bottom;
    }
    previous = inFlow ? { rect: inFlow, at } : null;
    if (inFlow) flowRects[i] = inFlow;
  }
  // The first and last boxes in the flow: what collapsed through them from their first or
  // last descendants would collapse on through the parent, and is lost with the descendants.
  if (flow) {
    const first = flowRects.findIndex((r) => r);
    const last = flowRects.findLastIndex((r) => r);
    if (first >= 0 && out[4 + first * 5] === 1) out[4 + first * 5 + 3] = collapsedMargin(kids[first], view, "Top");
    if (last >= 0 && out[4 + last * 5] === 1) out[4 + last * 5 + 4] = collapsedMargin(kids[last], view, "Bottom");
  }
  // A run of emptied boxes next to each other in block flow: the first stands for the whole
  // run; the rest stay (for `:nth-child` and `+`) but are not laid out.
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && flowRects[j] && out[4 + j * 5] === 1) j++;
    if (j - i > 1) {
      const head = 4 + i * 5;
      for (let k = i + 1; k < j; k++) {
        out[4 + k * 5] = 3;
        out[head + 1] = Math.max(out[head + 1], flowRects[k].width);
      }
      out[head + 2] = flowRects[j - 1].bottom - flowRects[i].top;
      out[head + 4] = out[4 + (j - 1) * 5 + 4];
    }
    i = Math.max(j, i + 1);
  }
  // Likewise rows of a table body above or below the viewport: the first of a run is drawn as
  // tall as the run, its cells emptied (and sized, so the columns keep their widths), the rest
  // folded.
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && rowRects[j] && out[4 + j * 5] === 4) j++;
    if (j > i) {
      for (let k = i + 1; k < j; k++) out[4 + k * 5] = 3;
      out[4 + i * 5 + 2] = rowRects[j - 1].bottom - rowRects[i].top;
    }
    i = Math.max(j, i + 1);
  }
  return out;
}

// The margin on `side` ("Top" or "Bottom") of `e` once its first (or last) descendants' margins
// have collapsed through it: through every box with no border or padding on that side that is
// no formatting context of its own. Positive margins only: the common case, kept simple.
function collapsedMargin(e, view, side) {
  let style = view.getComputedStyle(e);
  let margin = Math.max(0, parseFloat(style["margin" + side]) || 0);
  for (let depth = 0; depth < 32; depth++) {
    if (!FLOW.has(style.display) || style.overflowX !== "visible" || parseFloat(style["border" + side + "Width"]) ||
      parseFloat(style["padding" + side])) break;
    let child = side === "Top" ? e.firstElementChild : e.lastElementChild;
    let childStyle = null;
    while (child) {
      childStyle = view.getComputedStyle(child);
      if (childStyle.display !== "none" && childStyle.position !== "absolute" && childStyle.position !== "fixed" && childStyle.float === "none") break;
      child = side === "Top" ? child.nextElementSibling : child.previousElementSibling;
    }
    if (!child) break;
    e = child;
    style = childStyle;
    margin = Math.max(margin, parseFloat(style["margin" + side]) || 0);
  }
  return margin;
}

// The screenshot's top layer (widget/src/screenshot/markup.rs, `top_layer`).
export function topLayer(doc) {
  for (const selector of [":modal, :popover-open, :fullscreen", ":modal, :fullscreen"]) {
    try {
      return [...doc.querySelectorAll(selector)];
    } catch (_) {}
  }
  return [];
}

export function backdropDeclarations(el) {
  const style = (el.ownerDocument.defaultView ?? window).getComputedStyle(el, "::backdrop");
  return style && style.display !== "none" && style.length ? computedDeclarations(style) : "";
}

export function usesDarkScheme(doc) {
  const root = doc.documentElement;
  if (!root) return false;
  let scheme = (doc.defaultView ?? window).getComputedStyle(root).colorScheme || "normal";
  if (scheme === "normal") scheme = doc.querySelector("meta[name=color-scheme]")?.content ?? "";
  const words = scheme.split(/\s+/);
  if (!words.includes("dark")) return false;
  return !words.includes("light") || matchMedia("(prefers-color-scheme: dark)").matches;
}

// Whether a copy drawn as an image can be given a real scroll position through
// `scroll-initial-target` (Chromium 133 and later).
export function copiesScroll() {
  return typeof CSS !== "undefined" && CSS.supports("scroll-initial-target", "nearest");
}

// The pixels of the canvases and the current frames of the videos within `margin` of `doc`'s
// viewport, read in an animation frame (widget/src/screenshot/media.rs says why), or after
// 100 ms where no frame comes (a hidden tab): a Map from element to a data: URL, "" where they
// cannot be read or the element is off screen. Null where the document has neither.
export function mediaPixels(doc, width, height, margin) {
  const all = doc.querySelectorAll("canvas, video");
  if (!all.length) return Promise.resolve(null);
  return new Promise((resolve) => {
    let done = false;
    const read = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const pixels = new Map();
      // Settles whatever happens: the shot waits on it.
      try {
        for (const el of all) {
          const r = el.getBoundingClientRect();
          const near = r.width > 0 && r.height > 0 && r.right >= -margin && r.bottom >= -margin &&
            r.left <= width + margin && r.top <= height + margin;
          pixels.set(el, near ? pixelsOf(el, r) : "");
        }
      } finally {
        resolve(pixels);
      }
    };
    const timer = setTimeout(read, 100);
    (doc.defaultView ?? window).requestAnimationFrame(read);
  });
}

// A canvas's pixels as PNG; a video's current frame as JPEG (a photograph), no larger than its
// box on screen at up to 2 device pixels per CSS pixel. "" where the page may not read them.
function pixelsOf(el, rect) {
  try {
    if (el.tagName === "CANVAS") return el.width && el.height ? el.toDataURL() : "";
    const { videoWidth: w, videoHeight: h } = el;
    if (el.readyState < 2 || !w || !h) return "";
    const dpr = Math.min(2, devicePixelRatio || 1);
    const scale = Math.min(1, Math.max((rect.width * dpr) / w, (rect.height * dpr) / h));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(h * scale));
    canvas.getContext("2d").drawImage(el, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.92);
  } catch (_) {
    return "";
  }
}

export function mediaPixelsOf(pixels, el) {
  return pixels?.get(el);
}

// The canvas encoded as `type` (falling back to PNG where the browser cannot encode it; the
// Blob's own type says which it did).
export function encodeCanvas(canvas, type, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the browser could not encode the screenshot"))), type, quality);
  });
}

// This tab as the browser captures it (getDisplayMedia, offering this tab first), once a
// frame is showing: `{video, surface, stop}`. Null where the browser has no screen capture.
// The caller stops the stream as soon as it has drawn the frame.
export async function openTabCapture() {
  const devices = navigator.mediaDevices;
  if (!devices || typeof devices.getDisplayMedia !== "function") return null;
  const stream = await devices.getDisplayMedia({
    video: { displaySurface: "browser" },
    audio: false,
    preferCurrentTab: true,
    selfBrowserSurface: "include",
    surfaceSwitching: "exclude",
    monitorTypeSurfaces: "exclude",
  });
  const stop = () => stream.getTracks().forEach((track) => track.stop());
  try {
    const [track] = stream.getVideoTracks();
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    // A tab that does not repaint sends no new frame: the one `play` showed is then the picture.
    await nextVideoFrame(video, 500);
    return { video, surface: track?.getSettings().displaySurface ?? "", stop };
  } catch (e) {
    stop();
    throw e;
  }
}

// Resolves when `video` presents its next frame, or after `ms` where no frame comes (a tab
// that does not repaint sends none).
export function nextVideoFrame(video, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    video.requestVideoFrameCallback?.(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// The bytes of a Blob.
export async function blobBytes(blob) {
  return new Uint8Array(await blob.arrayBuffer());
}


const DB = "bugcap";
const STORE = "outbox";
// A count in localStorage lets the loader see at `init` whether anything waits, without
// opening IndexedDB or loading the reporter on every page view.
const FLAG = "bugcap.outbox";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("the outbox transaction was aborted"));
    });
  } finally {
    db.close();
  }
}

async function mark() {
  const count = await run("readonly", (store) => store.count());
  try {
    if (count > 0) localStorage.setItem(FLAG, String(count));
    else localStorage.removeItem(FLAG);
  } catch (_) {}
  return count;
}

export async function outboxPut(record) {
  await run("readwrite", (store) => store.put(record));
  return mark();
}

export async function outboxDelete(id) {
  await run("readwrite", (store) => store.delete(id));
  return mark();
}

export function outboxAll() {
  return run("readonly", (store) => store.getAll());
}

// The image the user may attach beside the screenshot: chosen with the file input, dropped
// anywhere on `area` (the dialog) or pasted into it; shown as a thumbnail with its name, its true
// size and a Remove button. Written here rather than in Rust: it is nothing but DOM work, which
// costs the reporter a fraction of the bytes in JavaScript that it costs through wasm imports.
// The report reads the chosen file's bytes when it is sent.
const ATTACH_TYPES = ["image/png", "image/jpeg", "image/webp"];
const ATTACH_MAX = 10 * 1024 * 1024;

// `75 B`, `340 KB`, `1.2 MB`: a size as it is, not rounded up to the next unit.
export function humanSize(n) {
  if (n >= 1048576) return `${(Math.round((n * 10) / 1048576) / 10).toFixed(1)} MB`;
  return n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`;
}

function element(tag, attributes, text) {
  const e = document.createElement(tag);
  for (const name in attributes) e.setAttribute(name, attributes[name]);
  if (text != null) e.textContent = text;
  return e;
}

export function attachmentPicker(area, attach, dropHint, remove, refused) {
  const root = element("div", { class: "attach" });
  const input = element("input", { type: "file", id: "bc-file", accept: ATTACH_TYPES.join(), "aria-describedby": "bc-drop-hint" });
  const pick = element("div", { class: "pick" });
  pick.append(input, element("span", { class: "hint", id: "bc-drop-hint" }, dropHint));
  const chosen = element("div", { class: "chosen", hidden: "" });
  const thumb = element("img", { alt: "" });
  const caption = element("span", { id: "bc-attachment" });
  const button = element("button", { type: "button", id: "bc-remove-attachment", "aria-label": `${remove}: ${attach}` }, remove);
  chosen.append(thumb, caption, button);
  const note = element("p", { class: "error", "aria-live": "polite", hidden: "" }, refused);
  root.append(element("label", { for: "bc-file" }, attach), pick, chosen, note);
  let file = null;
  let url = null;
  const clear = (focus) => {
    const had = file;
    file = null;
    input.value = "";
    chosen.hidden = note.hidden = true;
    thumb.removeAttribute("src");
    if (url) URL.revokeObjectURL(url);
    url = null;
    if (had && focus) input.focus();
  };
  const take = (f) => {
    clear(false);
    if (!ATTACH_TYPES.includes(f.type) || f.size > ATTACH_MAX) {
      note.hidden = false;
      return;
    }
    file = f;
    thumb.src = url = URL.createObjectURL(f);
    caption.textContent = `${f.name} · ${humanSize(f.size)}`;
    chosen.hidden = false;
  };
  const first = (list) => (list && list.length ? list[0] : null);
  input.addEventListener("change", () => {
    const f = first(input.files);
    if (f) take(f);
    else clear(false);
  });
  button.addEventListener("click", () => clear(true));
  // Without this the browser opens a dropped file in place of the page.
  area.addEventListener("dragover", (e) => {
    if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
  });
  area.addEventListener("drop", (e) => {
    const f = first(e.dataTransfer?.files);
    if (f) {
      e.preventDefault();
      take(f);
    }
  });
  // Text pasted into a field stays the field's; only a pasted file is taken.
  area.addEventListener("paste", (e) => {
    const f = first(e.clipboardData?.files);
    if (f) {
      e.preventDefault();
      take(f);
    }
  });
  return { root, file: () => file, dispose: () => clear(false) };
}

// Every event handler the widget adds to the page goes through `guard`: whatever the widget's
// code throws there, a WebAssembly trap included, is written to the console and never reaches
// the host page as an uncaught error (each module's snippet has its own copy).
export const guard = (handler) => (event) => {
  try { handler(event); } catch (error) { console.error("bugcap: internal error in the widget's UI (the page is not affected):", error); }
};
