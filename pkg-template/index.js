// bugcap: the entry point a host page imports. It loads the WebAssembly widget once and forwards
// to it. Nothing is captured before `init`, and nothing leaves the page before `submit`.
import loadWasm, * as widget from "./wasm/bugcap_widget.js";

let loading = null;
// Bumped by `destroy`, so an `init` still waiting for the wasm does not start capture after
// the host asked to stop.
let generation = 0;

function load() {
  loading ??= loadWasm({
    module_or_path: new URL("./wasm/bugcap_widget_bg.wasm", import.meta.url),
  });
  return loading;
}

/**
 * Starts capture and returns the widget's API.
 * @param {import("./index.d.ts").InitOptions} options
 */
export async function init(options) {
  const mine = ++generation;
  await load();
  if (mine !== generation) throw Object.assign(new Error("bugcap: destroy() was called while init was loading"), { code: "destroyed" });
  widget.init(options);
  return { submit, identify, setMetadata, destroy, version: widget.version() };
}

/**
 * Sends a report with the user's text and everything captured since `init`.
 * @param {import("./index.d.ts").SubmitInput} input
 * @returns {Promise<import("./index.d.ts").SubmitResult>}
 */
export async function submit(input) {
  await load();
  return widget.submit(input);
}

/**
 * Redacts `text` as a report would be redacted (default rules, or `config` in the shape of the
 * `redaction` init option). For checking rules in the browser.
 * @param {string} text
 * @param {import("./index.d.ts").RedactionOptions} [config]
 */
export async function redact(text, config) {
  await load();
  return widget.redact(text, config);
}

/**
 * Names the user whose reports follow (`{id, email, name}`); `null` forgets them. Sent only with
 * a report.
 * @param {import("./index.d.ts").Identity | null} user
 */
export async function identify(user) {
  await load();
  widget.identify(user);
}

/**
 * Adds key/values (strings, finite numbers, booleans) to every report from now on; a `null`
 * value removes its key.
 * @param {Record<string, string | number | boolean | null>} values
 */
export async function setMetadata(values) {
  await load();
  widget.setMetadata(values);
}

/** Stops capture and restores everything the widget patched. */
export function destroy() {
  generation++;
  if (loading) loading.then(() => widget.destroy(), () => {});
}
