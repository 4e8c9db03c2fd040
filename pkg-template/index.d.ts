/** Options for {@link init}. */
export interface InitOptions {
  /** The public widget key, `bc_pub_…`, created with `bugcap-relay keys create`. */
  key: string;
  /** Base URL of your bugcap relay, e.g. `https://bugs.example.com`. */
  relay: string;
  /** How many recent console calls are kept (1–1000). Default 100. */
  consoleLimit?: number;
  /** Uncaught errors, failed resource loads and unhandled rejections kept (1–200); bursts fold into one entry. Default 50. */
  errorLimit?: number;
  /** fetch / XHR / sendBeacon requests kept (1–500). Default 50. */
  networkLimit?: number;
  /** Bytes kept of each text body (0–61440). Default 10240. */
  networkBodyLimit?: number;
  /** URL prefixes whose headers and text bodies are kept. Default: the page's own origin; `[]` for none. */
  networkDetailAllowUrls?: string[];
  /** Redaction beyond the defaults, applied in the page before a report is sent. */
  redaction?: RedactionOptions;
  /** Include a masked DOM snapshot (rrweb's serialized-node format) in reports. Default true. */
  domSnapshot?: boolean;
  /**
   * Mask input, textarea, select and contenteditable values in the snapshot (each character
   * becomes `*`). Default true. Password values are never read, whatever this says.
   */
  maskInputs?: boolean;
  /** Elements replaced by a same-size empty box, beside `[data-bugcap-block]` and `.bugcap-block`. */
  blockSelector?: string;
  /** Elements whose text is masked character for character, beside `[data-bugcap-mask]` and `.bugcap-mask`. */
  maskSelector?: string;
  /** The launcher button; `false` hides it (open the dialog from your own button with `open()`). Default bottom-right. */
  launcher?: false | { position?: "bottom-right" | "bottom-left" | "top-right" | "top-left"; label?: string };
  /** Colour scheme; `auto` follows `prefers-color-scheme`. Override colours with `--bugcap-*` CSS custom properties. Default `auto`. */
  theme?: "auto" | "light" | "dark";
  /** `en`, `de`, `fr`, `es` or `ja`. Default: `<html lang>`, then the browser's language, then English. */
  locale?: string;
  /** Replacements for any UI string, by key (see the README). */
  strings?: Partial<Record<StringKey, string>>;
  /** Keys that open the dialog, e.g. `"ctrl+shift+b"`: modifiers and one key; at least one of ctrl, alt, meta. */
  shortcut?: string;
  /** Choices for the dialog's category field; none: the field is not shown. */
  categories?: string[];
  /** Ask for a contact email when `identify` has not named the user. Default true. */
  askEmail?: boolean;
  /**
   * Offer a screenshot rendered from the DOM, without a permission prompt (`true`/`"dom"`,
   * default); real pixels from the browser's capture of this tab (`"display"`: the browser asks
   * the user each time, so call `open()`/`submit()` from a click; masked and blocked elements
   * are painted over from their rectangles; falls back to the DOM render where the browser has
   * no screen capture, and gives no screenshot when the user declines or shares anything but
   * this tab); or none (`false`; the user may still attach an image).
   */
  screenshot?: boolean | "dom" | "display";
  /** Longest side of the uploaded screenshot in pixels (320–8192). Default 2560. */
  maxScreenshotDimension?: number;
  /**
   * How the screenshot is encoded: `"webp"` (default; about a quarter of PNG's bytes, PNG where
   * the browser has no WebP encoder) or `"png"` (lossless, and several times faster to encode).
   */
  screenshotFormat?: "webp" | "png";
  /** Called when the dialog opens. */
  onOpen?: () => void;
  /** Called when the dialog closes (sent, cancelled or Escape). */
  onClose?: () => void;
  /** Sees every report before it is sent: return it (edited, or edit in place and return nothing) to send, `false` or `null` to drop it. May be async. */
  beforeSend?: (report: Record<string, unknown>) => unknown;
  /** Called with `{id, status}` after a send (status `received`, `awaiting_media`, `queued` or `dropped`). */
  onSubmitSuccess?: (result: SubmitResult) => void;
  /** Called with the error when a send fails. */
  onSubmitError?: (error: BugcapError) => void;
}

/** Keys of the `strings` option. */
export type StringKey =
  | "launcher" | "title" | "description" | "descriptionPlaceholder" | "descriptionRequired" | "category" | "severity"
  | "severityNone" | "severityLow" | "severityMedium" | "severityHigh" | "severityCritical" | "email" | "includeScreenshot"
  | "annotate" | "takingScreenshot" | "screenshotFailed" | "screenshotSize" | "attach" | "attachTooLarge" | "details"
  | "detailsConsole" | "detailsNetwork" | "detailsErrors" | "detailsPage" | "detailsPrivacy" | "cancel" | "send" | "close"
  | "sending" | "uploading" | "queued" | "sent" | "reportId" | "failed" | "toolRectangle" | "toolArrow" | "toolPen"
  | "toolText" | "toolHighlight" | "toolRedact" | "toolPixelate" | "color" | "undo" | "redo" | "clear" | "done"
  | "textPrompt" | "canvasLabel" | "originRefused" | "categoryPlaceholder" | "detailsBrowser" | "detailsIdentity"
  | "detailsMetadata" | "detailsSnapshot" | "detailsBodies" | "remove" | "dropHint" | "show";

/**
 * Redaction settings. The defaults (always on) remove credentials and secret shapes: JWTs,
 * bearer tokens, private keys, cloud and SaaS keys, card numbers, IBANs, password-like keys.
 */
export interface RedactionOptions {
  /** Also replace email addresses. Default false. */
  emails?: boolean;
  /** Also replace IPv4/IPv6 addresses. Default false. */
  ipAddresses?: boolean;
  /** Extra sensitive key names for JSON bodies, forms and URL parameters. */
  extraKeys?: string[];
  /** Extra patterns; each match becomes `[REDACTED:<name>]`. `name`: a-z, 0-9, _. */
  extraPatterns?: { name: string; pattern: string }[];
  /** Which request/response headers keep their values. Default: deny sensitive names. */
  headers?: { mode: "deny"; extra?: string[] } | { mode: "allow"; names: string[] };
}

/** What the user reports. */
export interface SubmitInput {
  /** What went wrong, in the user's words. Must not be empty. */
  text: string;
  category?: string;
  severity?: "low" | "medium" | "high" | "critical";
  /** Contact address, when the user gave one. */
  email?: string;
  /** Take a screenshot of the viewport (masks applied) and attach it. Default false. */
  screenshot?: boolean;
}

/** The relay's answer to an accepted report. */
export interface SubmitResult {
  /** The report id; `null` when `beforeSend` dropped it. */
  id: string | null;
  /** `received`; `queued` when offline or the relay was unreachable (kept on the device and sent later, once); `dropped` by `beforeSend`. */
  status: "received" | "awaiting_media" | "queued" | "dropped";
}

/** A report as it would be sent, from {@link capture}. */
export interface Captured {
  report: Record<string, unknown>;
  /** The screenshot, when `screenshot: true` was asked for. */
  screenshot: Blob | null;
}

/** Errors from bugcap carry a machine-readable `code` (the relay's error code when it answered). */
export interface BugcapError extends Error {
  code: string;
  /** HTTP status, when the relay answered. */
  status?: number;
}

/** Who files reports, as the host app knows them. Sent only with a report. */
export interface Identity {
  id?: string;
  email?: string;
  name?: string;
}

export type MetadataValue = string | number | boolean;

export interface Bugcap {
  /** Opens the report dialog (what the launcher does). */
  open(): Promise<void>;
  /** Starts loading the reporter so the dialog opens at once (for a host's own button, on hover or focus). */
  preload(): Promise<void>;
  /** Closes the dialog if it is open. */
  close(): Promise<void>;
  submit(input: SubmitInput): Promise<SubmitResult>;
  /** The report as it would be sent, without sending it. */
  capture(input?: Partial<SubmitInput>): Promise<Captured>;
  /** The screenshot alone, masked and encoded as a report would upload it; nothing is sent. */
  screenshot(): Promise<Blob>;
  identify(user: Identity | null): Promise<void>;
  setMetadata(values: Record<string, MetadataValue | null>): Promise<void>;
  /** The masked DOM snapshot as a report would carry it (JSON text); nothing is sent. */
  snapshot(): Promise<string>;
  destroy(): void;
  version: string;
}

/** Starts capture. Resolves once the widget is loaded and capturing. */
export function init(options: InitOptions): Promise<Bugcap>;
/** Opens the report dialog. */
export function open(): Promise<void>;
/** Starts loading the reporter so the dialog opens at once (for a host's own button, on hover or focus). */
export function preload(): Promise<void>;
/** Closes the report dialog if it is open. */
export function close(): Promise<void>;
/** The report exactly as `submit` would send it (redacted; `beforeSend` not run), with the screenshot as a Blob when asked for. Nothing is sent. */
export function capture(input?: Partial<SubmitInput>): Promise<Captured>;
/** The screenshot alone, masked and encoded as a report would upload it; nothing is sent. */
export function screenshot(): Promise<Blob>;
/** Sends a report. Rejects with a {@link BugcapError}. */
export function submit(input: SubmitInput): Promise<SubmitResult>;
/** Names the user; `null` forgets them. Rejects with code `invalid_input` or `not_initialised`. */
export function identify(user: Identity | null): Promise<void>;
/** Merges key/values into every later report; `null` removes a key. */
export function setMetadata(values: Record<string, MetadataValue | null>): Promise<void>;
/** Stops capture and restores everything the widget patched. */
export function destroy(): void;
/** The masked DOM snapshot of the page as JSON text (rrweb's serialized-node format); nothing is sent. */
export function snapshot(options?: InitOptions): Promise<string>;
/** Redacts text as reports are redacted; rejects on an invalid config. */
export function redact(text: string, config?: RedactionOptions): Promise<string>;
