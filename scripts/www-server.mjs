// A small static server for the demo host app (www/) and the built package (dist/npm, served
// at /bugcap/). It is the "host web site" in the demo and in end-to-end tests: it serves the
// page its config (key, relay, and where the team's inbox is).
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "..", "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
};

/** Maps a URL path under `base` onto a file under `dir`, refusing anything that escapes it. */
function fileFor(dir, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const full = normalize(join(dir, decoded));
  if (full !== dir && !full.startsWith(dir + sep)) return null;
  try {
    const stat = statSync(full);
    if (stat.isDirectory()) return fileFor(dir, join(decoded, "index.html"));
    return stat.isFile() ? full : null;
  } catch {
    return null;
  }
}

/**
 * Starts the host site.
 * `host` is the address bound; `publicHost` the name pages are opened under (it decides the
 * page's origin, e.g. `localhost` and `127.0.0.1` are different origins on the same socket).
 * @param {{host?: string, publicHost?: string, port?: number, config: {key: string, relay: string, inbox?: string}}} opts
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export function startWwwServer({ host = "127.0.0.1", publicHost = host, port = 0, config }) {
  const www = join(root, "www");
  const pkg = join(root, "dist", "npm");
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://host");
    const send = (status, type, body) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (url.pathname === "/demo-config.json") {
      return send(200, TYPES[".json"], JSON.stringify(config));
    }
    // The demo app's own API: a profile whose answer carries a secret (for redaction to remove)
    // and an endless event stream (which capture must not hold up or buffer).
    if (url.pathname === "/demo-api/profile") {
      return send(200, TYPES[".json"], JSON.stringify({ name: "Demo User", plan: "team", api_token: "sk_live_51H8demoDemoDemoDemoDemo0000" }));
    }
    if (url.pathname === "/demo-api/stream") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      let n = 0;
      const tick = setInterval(() => res.write(`data: tick ${n++}\n\n`), 100);
      req.on("close", () => clearInterval(tick));
      return;
    }
    const [dir, rest] = url.pathname.startsWith("/bugcap/")
      ? [pkg, url.pathname.slice("/bugcap".length)]
      : [www, url.pathname];
    const file = fileFor(dir, rest);
    if (!file) return send(404, "text/plain; charset=utf-8", "not found");
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolveStart, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const bound = server.address().port;
      resolveStart({
        port: bound,
        url: `http://${publicHost}:${bound}`,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            // Open streams (the demo's event stream) would otherwise hold the close forever.
            server.closeAllConnections();
          }),
      });
    });
  });
}
