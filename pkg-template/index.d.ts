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
}

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
}

/** The relay's answer to an accepted report. */
export interface SubmitResult {
  id: string;
  /** `received`, or `awaiting_media` while declared attachments are still uploading. */
  status: string;
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
  submit(input: SubmitInput): Promise<SubmitResult>;
  identify(user: Identity | null): Promise<void>;
  setMetadata(values: Record<string, MetadataValue | null>): Promise<void>;
  /** The masked DOM snapshot as a report would carry it (JSON text); nothing is sent. */
  snapshot(): Promise<string>;
  destroy(): void;
  version: string;
}

/** Starts capture. Resolves once the widget is loaded and capturing. */
export function init(options: InitOptions): Promise<Bugcap>;
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
