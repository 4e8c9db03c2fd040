// Network hooks: the wrappers that must be JavaScript to keep fetch, XMLHttpRequest and
// sendBeacon exactly as they were (same return values, same `this`, same errors, same promise
// object). Each finished exchange is handed to Rust as one entry in the report's shape; the ring
// buffer, limits and redaction live in Rust. Nothing here ever throws into the host.

const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql|[\w.+-]*\+(json|xml)))/i;
const BODY_TIMEOUT_MS = 3000;
// The widget's own requests (reports, uploads, screenshot resources) carry this key in their
// init: they are not part of the page's story.
const OWN = Symbol.for("bugcap.own");

function absolute(url) {
  try {
    return new URL(String(url), location.href).href;
  } catch (_) {
    return String(url);
  }
}

function headerMap(headers, limit) {
  const out = {};
  let n = 0;
  try {
    for (const [k, v] of new Headers(headers ?? undefined)) {
      if (n++ >= limit) break;
      out[k] = v;
    }
  } catch (_) {}
  return out;
}

function parseRawHeaders(raw, limit) {
  const out = {};
  let n = 0;
  for (const line of (raw || "").trim().split(/[\r\n]+/)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    if (n++ >= limit) break;
    out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function clipText(text, cap) {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= cap) return { text, size: bytes.length, truncated: false };
  return { text: new TextDecoder().decode(bytes.subarray(0, cap)).replace(/\uFFFD$/, ""), size: bytes.length, truncated: true };
}

// What a request body is, without consuming it: text is kept (capped), FormData becomes field
// names and sizes, binary and streams only a flag and a size.
function describeBody(body, contentType, cap, detailed) {
  if (body == null) return undefined;
  const out = {};
  if (contentType) out.content_type = contentType;
  try {
    if (typeof body === "string") {
      const c = clipText(body, cap);
      out.size = c.size;
      if (detailed) Object.assign(out, { text: c.text, truncated: c.truncated });
    } else if (body instanceof URLSearchParams) {
      const c = clipText(body.toString(), cap);
      out.content_type ??= "application/x-www-form-urlencoded";
      out.size = c.size;
      if (detailed) Object.assign(out, { text: c.text, truncated: c.truncated });
    } else if (typeof FormData !== "undefined" && body instanceof FormData) {
      const fields = [];
      for (const [name, value] of body) {
        fields.push(typeof value === "string" ? `${name}: ${value.length} chars` : `${name}: file, ${value.size} bytes`);
      }
      out.content_type ??= "multipart/form-data";
      if (detailed) out.text = clipText(fields.join("\n"), cap).text;
    } else if (body instanceof Blob) {
      out.size = body.size;
      out.binary = true;
    } else if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      out.size = body.byteLength;
      out.binary = true;
    } else {
      // A ReadableStream or something exotic: never read.
      out.binary = true;
    }
  } catch (_) {}
  return out;
}

// Reads at most `cap` bytes of a cloned response in the background, then cancels the clone, so
// a streaming or endless body neither grows memory nor delays the host.
async function readHead(response, cap) {
  const out = { content_type: response.headers.get("content-type") ?? undefined };
  const length = Number(response.headers.get("content-length"));
  if (Number.isFinite(length) && length > 0) out.size = length;
  if (response.type === "opaque" || response.type === "opaqueredirect") {
    out.opaque = true;
    return out;
  }
  if (!TEXT_TYPE.test(out.content_type ?? "")) {
    if (out.content_type || out.size) out.binary = true;
    return out;
  }
  let clone;
  try {
    clone = response.clone();
  } catch (_) {
    return out; // the host already consumed the body
  }
  if (!clone.body) return out;
  const reader = clone.body.getReader();
  const chunks = [];
  let got = 0;
  let finished = false;
  let timedOut = false;
  const timer = setTimeout(() => {
    // Cancelling ends the pending read as if the stream were done: remember it was not.
    timedOut = true;
    reader.cancel().catch(() => {});
  }, BODY_TIMEOUT_MS);
  try {
    while (got < cap) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      chunks.push(value);
      got += value.byteLength;
    }
  } catch (_) {
    // cancelled by the timeout, or the stream failed: keep what arrived
  } finally {
    clearTimeout(timer);
    if (!finished) reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(got, cap));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.byteLength, all.length - at);
    all.set(c.subarray(0, take), at);
    at += take;
    if (at >= all.length) break;
  }
  out.text = new TextDecoder().decode(all).replace(/\uFFFD$/, "");
  out.truncated = timedOut || !finished || got > cap;
  return out;
}

export function installNetworkHooks(record, options) {
  const { bodyLimit, headerLimit, allowUrls, ignoreUrls } = options;
  const detailed = (url) => allowUrls.some((p) => url.startsWith(p));
  const ignored = (url) => ignoreUrls.some((p) => url.startsWith(p));
  const emit = (entry) => {
    try {
      record(entry);
    } catch (_) {}
  };
  const restore = [];

  // fetch
  const originalFetch = globalThis.fetch;
  if (typeof originalFetch === "function") {
    const wrappedFetch = function fetch(input, init) {
      const promise = Reflect.apply(originalFetch, this, arguments);
      if (init?.[OWN]) return promise;
      try {
        const isRequest = typeof Request !== "undefined" && input instanceof Request;
        const url = absolute(isRequest ? input.url : input);
        if (ignored(url)) return promise;
        const detail = detailed(url);
        const method = String(init?.method ?? (isRequest ? input.method : "GET")).toUpperCase();
        const requestHeaders = init?.headers ?? (isRequest ? input.headers : undefined);
        const entry = { kind: "fetch", method, url, start_time: Date.now() };
        const t0 = performance.now();
        if (detail) entry.request_headers = headerMap(requestHeaders, headerLimit);
        const body = init && "body" in init ? init.body : undefined;
        const type = new Headers(requestHeaders ?? undefined).get("content-type") ?? undefined;
        entry.request_body = describeBody(body, type, bodyLimit, detail);
        if (isRequest && body === undefined && input.body) entry.request_body = { content_type: type, binary: true };
        promise.then(
          (response) => {
            entry.status = response.status;
            entry.duration_ms = performance.now() - t0;
            if (detail) entry.response_headers = headerMap(response.headers, headerLimit);
            const head = detail ? readHead(response, bodyLimit) : Promise.resolve(undefined);
            head.then(
              (b) => {
                if (b) entry.response_body = b;
                emit(entry);
              },
              () => emit(entry),
            );
          },
          (error) => {
            entry.duration_ms = performance.now() - t0;
            if (error?.name === "AbortError") entry.aborted = true;
            else entry.error = String(error?.message ?? error);
            emit(entry);
          },
        );
      } catch (_) {}
      return promise;
    };
    globalThis.fetch = wrappedFetch;
    restore.push(() => {
      if (globalThis.fetch === wrappedFetch) globalThis.fetch = originalFetch;
    });
  }

  // XMLHttpRequest: the prototype's open/send/setRequestHeader, so every instance is covered
  // without replacing the constructor.
  const XHR = globalThis.XMLHttpRequest;
  if (XHR) {
    const proto = XHR.prototype;
    const state = new WeakMap();
    const { open, send, setRequestHeader } = proto;
    // Emits a send's entry once, however it ends: at loadend, or when the host reuses the
    // object (calls open again) before loadend came.
    const finish = (pending) => {
      if (pending.done) return;
      pending.done = true;
      pending.listening.abort();
      emit(pending.entry);
    };
    const wrappedOpen = function (method, url) {
      try {
        const previous = state.get(this)?.pending;
        if (previous) finish(previous);
        const abs = absolute(url);
        state.set(this, ignored(abs) ? null : { method: String(method).toUpperCase(), url: abs, headers: {} });
      } catch (_) {}
      return Reflect.apply(open, this, arguments);
    };
    const wrappedSetRequestHeader = function (name, value) {
      try {
        const s = state.get(this);
        if (s && Object.keys(s.headers).length < headerLimit) s.headers[String(name).toLowerCase()] = String(value);
      } catch (_) {}
      return Reflect.apply(setRequestHeader, this, arguments);
    };
    // The response as it is when the request is DONE (before load handlers can reset it).
    const snapshot = (xhr, entry, detail) => {
      if (xhr.status) entry.status = xhr.status;
      if (!detail || !xhr.status) return;
      entry.response_headers = parseRawHeaders(xhr.getAllResponseHeaders(), headerLimit);
      const contentType = xhr.getResponseHeader("content-type") ?? undefined;
      const rt = xhr.responseType;
      if ((rt === "" || rt === "text") && TEXT_TYPE.test(contentType ?? "")) {
        entry.response_body = { content_type: contentType, ...clipText(xhr.responseText, bodyLimit) };
      } else if (rt === "json" && xhr.response != null) {
        entry.response_body = { content_type: contentType, ...clipText(JSON.stringify(xhr.response), bodyLimit) };
      } else if (contentType) {
        entry.response_body = { content_type: contentType, binary: true };
      }
    };
    const wrappedSend = function (body) {
      try {
        const s = state.get(this);
        if (s) {
          const xhr = this;
          const detail = detailed(s.url);
          const entry = { kind: "xhr", method: s.method, url: s.url, start_time: Date.now() };
          const t0 = performance.now();
          if (detail) entry.request_headers = { ...s.headers };
          entry.request_body = describeBody(body, s.headers["content-type"], bodyLimit, detail);
          const pending = { entry, listening: new AbortController(), done: false };
          s.pending = pending;
          const on = (type, fn) => xhr.addEventListener(type, fn, { signal: pending.listening.signal });
          on("readystatechange", () => {
            if (xhr.readyState !== 4) return;
            entry.duration_ms = performance.now() - t0;
            try {
              snapshot(xhr, entry, detail);
            } catch (_) {}
          });
          on("error", () => (entry.error = "network error"));
          on("timeout", () => (entry.error = "timeout"));
          on("abort", () => (entry.aborted = true));
          on("loadend", () => {
            // A host that reuses the object from a load handler gets the previous send's
            // loadend after its new send: that one is not ours.
            if (xhr.readyState !== 4) return;
            entry.duration_ms ??= performance.now() - t0;
            finish(pending);
          });
        }
      } catch (_) {}
      return Reflect.apply(send, this, arguments);
    };
    proto.open = wrappedOpen;
    proto.setRequestHeader = wrappedSetRequestHeader;
    proto.send = wrappedSend;
    restore.push(() => {
      if (proto.open === wrappedOpen) proto.open = open;
      if (proto.setRequestHeader === wrappedSetRequestHeader) proto.setRequestHeader = setRequestHeader;
      if (proto.send === wrappedSend) proto.send = send;
    });
  }

  // sendBeacon: recorded as a flag (no answer ever comes back).
  const nav = globalThis.navigator;
  if (nav && typeof nav.sendBeacon === "function") {
    const originalBeacon = nav.sendBeacon;
    const ownBefore = Object.prototype.hasOwnProperty.call(nav, "sendBeacon");
    const wrappedBeacon = function sendBeacon(url, data) {
      const queued = Reflect.apply(originalBeacon, this, arguments);
      try {
        const abs = absolute(url);
        if (!ignored(abs)) {
          const entry = { kind: "beacon", method: "POST", url: abs, start_time: Date.now() };
          entry.request_body = describeBody(data, undefined, bodyLimit, detailed(abs));
          if (!queued) entry.error = "the browser refused to queue the beacon";
          emit(entry);
        }
      } catch (_) {}
      return queued;
    };
    nav.sendBeacon = wrappedBeacon;
    restore.push(() => {
      if (nav.sendBeacon !== wrappedBeacon) return;
      if (ownBefore) nav.sendBeacon = originalBeacon;
      else delete nav.sendBeacon;
    });
  }

  return () => restore.forEach((undo) => undo());
}
