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
// larger than `perMax` bytes, or past `totalMax` bytes altogether). Fetched at once, from the
// HTTP cache where the page already loaded them.
export async function fetchDataUrls(urls, perMax, totalMax) {
  let total = 0;
  const origin = location.origin;
  return Promise.all(
    urls.map(async (url) => {
      try {
        const sameOrigin = new URL(url).origin === origin;
        const response = await fetch(url, {
          mode: "cors",
          credentials: sameOrigin ? "same-origin" : "omit",
          cache: "force-cache",
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

// Whether a copy drawn as an image can be given a real scroll position through
// `scroll-initial-target` (Chromium 133 and later).
export function copiesScroll() {
  return typeof CSS !== "undefined" && CSS.supports("scroll-initial-target", "nearest");
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
