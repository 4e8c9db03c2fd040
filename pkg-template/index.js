// bugcap: the entry point a host page imports. `init` loads only the small capture module
// (console, error and network hooks with their ring buffers); the reporter (page context,
// report building, the redaction engine, the transport) is imported on first use. Nothing is
// captured before `init`, and nothing leaves the page before `submit`.
import loadCapture, * as capture from "./wasm/capture/bugcap_capture.js";

let captureLoading = null;
// The reporter modules loaded (or loading), by name.
const reporters = new Map();
let options = null;
// The `init` options as the capture module checked them, written down for the reporter, which
// does not check them again.
let checked = null;
// The shadow root the launcher lives in; the dialog is built there too.
let uiRoot = null;
let onOnline = null;
// Bumped by `destroy`, so an `init` still waiting for the wasm does not start capture after
// the host asked to stop.
let generation = 0;

// The package's own downloads (its wasm modules) are marked as the widget's own requests, the
// same mark the transport puts on requests to the relay: the network capture leaves them out
// of the page's requests, so no report lists the widget fetching itself.
const OWN = Symbol.for("bugcap.own");
const ownFetch = (url) => fetch(url, { [OWN]: true });

function loadCaptureModule() {
  captureLoading ??= loadCapture({
    module_or_path: ownFetch(new URL("./wasm/capture/bugcap_capture_bg.wasm", import.meta.url)),
  });
  return captureLoading;
}

// The reporter comes in two builds with one API: the plain one, and one that also compiles the
// host's own redaction patterns (a regular expression engine, which hosts without patterns
// do not download). Literal paths, so bundlers see both.
const REPORTER_BUILDS = {
  reporter: {
    load: () => import("./wasm/reporter/bugcap_reporter.js"),
    wasm: () => new URL("./wasm/reporter/bugcap_reporter_bg.wasm", import.meta.url),
  },
  reporter_patterns: {
    load: () => import("./wasm/reporter_patterns/bugcap_reporter_patterns.js"),
    wasm: () => new URL("./wasm/reporter_patterns/bugcap_reporter_patterns_bg.wasm", import.meta.url),
  },
};

// The dialog's strings in each bundled locale but English (which is in the reporter), loaded
// only by the pages that show that locale. Literal paths, so bundlers see them.
const LOCALES = {
  de: () => import("./locales/de.js"),
  fr: () => import("./locales/fr.js"),
  es: () => import("./locales/es.js"),
  ja: () => import("./locales/ja.js"),
};
const localesLoading = new Map();

/**
 * The strings of the locale this page shows (the `locale` option, else `<html lang>`, else the
 * browser's language), or `undefined` for English. A locale that cannot be loaded (offline)
 * shows in English this time and is tried again on the next open.
 */
function localeTexts() {
  const name = capture.uiLocale(options);
  const load = LOCALES[name];
  if (!load) return Promise.resolve(undefined);
  return loadOnce(localesLoading, name, () => load().then((m) => m.default)).catch(() => undefined);
}

/**
 * What `load` resolves to, loaded once per `name` and kept in `cache`; a failed load (offline)
 * is forgotten, so the next call tries again.
 */
function loadOnce(cache, name, load) {
  let loading = cache.get(name);
  if (!loading) {
    loading = load();
    cache.set(name, loading);
    loading.catch(() => cache.delete(name));
  }
  return loading;
}

/** True when a redaction config has patterns of the host's own. */
function hasPatterns(config) {
  const patterns = config?.extraPatterns ?? config?.extra_patterns;
  return Array.isArray(patterns) && patterns.length > 0;
}

/**
 * The reporter module, loaded once, on first use: the build with the pattern engine when the
 * `init` options have patterns, or when `config` (a redaction config one call is given) has
 * them. The dialog and sending always use the build the `init` options pick.
 */
function reporter(config) {
  const name = hasPatterns(options?.redaction) || hasPatterns(config) ? "reporter_patterns" : "reporter";
  const build = REPORTER_BUILDS[name];
  return loadOnce(reporters, name, () =>
    build.load().then(async (module) => {
      await module.default({ module_or_path: ownFetch(build.wasm()) });
      return module;
    }),
  );
}

/** Closes the dialog of every reporter module loaded; resolves when they are closed. */
function closeReporters() {
  return Promise.all([...reporters.values()].map((loading) => loading.then((r) => r.close(), () => {})));
}

/**
 * Starts capture and returns the widget's API.
 * @param {import("./index.d.ts").InitOptions} opts
 */
export async function init(opts) {
  const mine = ++generation;
  await loadCaptureModule();
  if (mine !== generation) throw Object.assign(new Error("bugcap: destroy() was called while init was loading"), { code: "destroyed" });
  // The options as checked, written down for the reporter (which does not check them again).
  const checkedNow = capture.init(opts);
  // Custom patterns can only be checked by the redaction engine: a host that has them loads the
  // reporter now, so a bad pattern fails `init` instead of the user's first report.
  if (hasPatterns(opts?.redaction)) {
    try {
      (await reporter(opts.redaction)).checkRedaction(opts.redaction);
    } catch (e) {
      capture.destroy();
      throw e;
    }
  }
  options = opts;
  checked = checkedNow;
  uiRoot = capture.mountUi(opts, () =>
    open().catch((e) => console.warn("bugcap: the report dialog could not be opened:", e?.message ?? e)),
  );
  // A pointer over the launcher, or focus on it, usually means a press is coming: the reporter
  // starts loading then, so the dialog opens sooner. Pages where nobody goes near the launcher
  // still download only the capture module.
  const warm = () => {
    reporter().catch(() => {});
    localeTexts();
  };
  for (const type of ["pointerover", "focusin"]) uiRoot?.addEventListener(type, warm, { once: true });
  // Reports saved while offline go out now, and whenever the browser is back online.
  onOnline = () => flushOutbox();
  addEventListener("online", onOnline);
  flushOutbox();
  return { open, preload, close, submit, capture: captureReport, screenshot, identify, setMetadata, snapshot, destroy, version: capture.version() };
}

/** Sends what the outbox holds, if anything; loads the reporter only when something waits. */
function flushOutbox() {
  let waiting = false;
  try {
    waiting = Number(localStorage.getItem("bugcap.outbox")) > 0;
  } catch (_) {}
  if (!waiting || !options || navigator.onLine === false) return;
  const [opts, c] = [options, checked];
  reporter()
    .then((r) => r.flush(c, opts))
    .catch(() => {});
}

function ensureInit() {
  if (!options) throw Object.assign(new Error("bugcap: call init({ key, relay }) first"), { code: "not_initialised" });
}

/**
 * Opens the report dialog (what the launcher button does). For hosts that hide the launcher
 * (`launcher: false`) and open it from their own button.
 */
export async function open() {
  ensureInit();
  const [r, texts] = await Promise.all([reporter(), localeTexts()]);
  await r.open(checked, options, uiRoot, () => capture.captured(), texts);
}

/**
 * Starts loading the reporter, so that a dialog opened soon after opens at once: for a host's
 * own button (`launcher: false`), on its `pointerover` or `focus`. The launcher does this by
 * itself. Resolves when the reporter is ready.
 */
export async function preload() {
  ensureInit();
  await Promise.all([reporter(), localeTexts()]);
}

/** Closes the report dialog if it is open. */
export async function close() {
  await closeReporters();
}

/**
 * Sends a report with the user's text and everything captured since `init`.
 * @param {import("./index.d.ts").SubmitInput} input
 * @returns {Promise<import("./index.d.ts").SubmitResult>}
 */
export async function submit(input) {
  ensureInit();
  await loadCaptureModule();
  // Taken before the reporter loads: the report shows the page as it was when the user sent.
  const captured = capture.captured();
  const r = await reporter();
  return r.submit(checked, options, input, captured);
}

/**
 * Names the user whose reports follow (`{id, email, name}`); `null` forgets them. Sent only with
 * a report.
 * @param {import("./index.d.ts").Identity | null} user
 */
export async function identify(user) {
  await loadCaptureModule();
  capture.identify(user);
}

/**
 * Adds key/values (strings, finite numbers, booleans) to every report from now on; a `null`
 * value removes its key.
 * @param {Record<string, string | number | boolean | null>} values
 */
export async function setMetadata(values) {
  await loadCaptureModule();
  capture.setMetadata(values);
}

/**
 * Redacts `text` as a report would be redacted (default rules, or `config` in the shape of the
 * `redaction` init option). For checking rules in the browser; loads the reporter.
 * @param {string} text
 * @param {import("./index.d.ts").RedactionOptions} [config]
 */
export async function redact(text, config) {
  const r = await reporter(config);
  return r.redact(text, config);
}

/**
 * The masked DOM snapshot of the page as JSON text, in rrweb's serialized-node format, exactly
 * as a report would carry it (masking and redaction applied). Nothing is sent. Loads the
 * reporter. `opts` defaults to the `init` options.
 * @param {import("./index.d.ts").InitOptions} [opts]
 * @returns {Promise<string>}
 */
export async function snapshot(opts = options) {
  await loadCaptureModule();
  // Options of the call's own are checked as `init` checks them.
  const c = opts === options && checked ? checked : capture.checkOptions(opts);
  const r = await reporter(opts?.redaction);
  return r.snapshot(c, opts);
}

/**
 * The report exactly as `submit` would send it (redacted; `beforeSend` not run), without sending
 * it: `{report, screenshot}`, the screenshot a Blob when `input.screenshot` is true.
 * @param {Partial<import("./index.d.ts").SubmitInput>} [input]
 */
export async function captureReport(input) {
  ensureInit();
  await loadCaptureModule();
  const captured = capture.captured();
  const r = await reporter();
  return r.capture(checked, options, input, captured);
}
export { captureReport as capture };

/**
 * The screenshot alone, as a report would upload it: the viewport rendered from the DOM, masks
 * painted in, encoded (WebP, else PNG) and downscaled. Nothing is sent. Loads the reporter.
 * @returns {Promise<Blob>}
 */
export async function screenshot() {
  ensureInit();
  const r = await reporter();
  return r.screenshot(checked, options);
}

/** Stops capture and restores everything the widget patched. */
export function destroy() {
  generation++;
  if (onOnline) removeEventListener("online", onOnline);
  onOnline = null;
  closeReporters();
  uiRoot = null;
  options = null;
  checked = null;
  if (captureLoading) captureLoading.then(() => capture.destroy(), () => {});
}
