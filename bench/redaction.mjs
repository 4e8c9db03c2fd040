// Redaction throughput in headless Chromium: the widget's engine (wasm, through the package's
// `redact()`) beside a naive baseline of one JS regex per rule, on the same generated 1 MiB
// documents, in the same page and run. Figures only.
import { withBenchPage } from "./page.mjs";

export function run() {
  return withBenchPage(async (page) => {
    const rows = await page.evaluate(async () => {
      const bugcap = await import("/bugcap/index.js");
      const MIB = 1024 * 1024;
      let seed = 0x9e3779b9;
      const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
      const pick = (a) => a[Math.floor(rnd() * a.length)];
      const alnum = (n) => Array.from({ length: n }, () => pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")).join("");
      const words = ["request", "failed", "user", "clicked", "checkout", "order", "total", "render", "cache", "miss", "the", "with", "price"];
      let clean = "";
      for (let n = 0; clean.length < MIB; n++) {
        clean += `2026-11-22T10:${String(n % 60).padStart(2, "0")}:00.${n % 1000}Z INFO [app] ${Array.from({ length: 8 }, () => pick(words)).join(" ")} id=${Math.floor(rnd() * 2 ** 32).toString(16)}-4aa1-9f3c took ${n % 900}ms GET https://shop.example.com/api/orders/${n}?page=${n % 20} total=$${n % 10000}.99\n`;
      }
      const secrets = [
        () => "ghp_" + alnum(36),
        () => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        () => "4111 1111 1111 1111",
        () => "Bearer " + alnum(32),
        () => "AKIAIOSFODNN7EXAMPLE",
        () => "sk_live_" + alnum(24),
      ];
      const orders = [];
      let size = 0;
      for (let k = 0; size < MIB; k++) {
        let note = `${pick(words)} ${pick(words)} ${pick(words)}`;
        if (k % 25 === 24) note += " " + pick(secrets)();
        const item = { id: Math.floor(rnd() * 2 ** 48).toString(16), sku: `SKU-${k}`, price: k % 1000 / 10, qty: k % 9, note, updated_at: "2026-11-22T10:15:30.123Z" };
        size += JSON.stringify(item).length + 1;
        orders.push(item);
      }
      const mixed = JSON.stringify({ orders });

      const naiveRules = [
        ["jwt", /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g],
        ["bearer", /bearer\s+[A-Za-z0-9._~+/-]{16,}=*/gi],
        ["private_key", /-----BEGIN [A-Z ]*PRIVATE KEY[^-]*-----[\s\S]*?-----END [A-Z ]*-----/g],
        ["aws_access_key_id", /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}\b/g],
        ["github_token", /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{70,})\b/g],
        ["gitlab_token", /\bgl(?:pat|ptt|rt|dt|oas)-[A-Za-z0-9_-]{20,}/g],
        ["slack_token", /\bx(?:ox[abposr]|app)-[A-Za-z0-9-]{10,}/g],
        ["stripe_key", /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g],
        ["google_api_key", /\bAIza[A-Za-z0-9_-]{35}\b/g],
        ["openai_key", /\bsk-[A-Za-z0-9_-]{32,}/g],
        ["npm_token", /\bnpm_[A-Za-z0-9]{36}\b/g],
        ["sendgrid_key", /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g],
        ["twilio_key", /\bSK[0-9a-fA-F]{32}\b/g],
        ["card_number", /\b(?:\d[ -]?){12,18}\d\b/g],
        ["iban", /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g],
        ["secret_pair", /(?:password|passwd|pwd|secret|token|api_?key)["']?\s*[:=]\s*["']?[^\s"'&,;]+/gi],
      ];
      const naive = (text) => naiveRules.reduce((s, [name, re]) => s.replace(re, `[REDACTED:${name}]`), text);

      const best = async (f, text) => {
        await f(text);
        const times = [];
        const until = performance.now() + 2000;
        while (performance.now() < until || times.length < 5) {
          const t = performance.now();
          await f(text);
          times.push(performance.now() - t);
        }
        return text.length / (Math.min(...times) / 1000) / 1e6;
      };
      const engine = (t) => bugcap.redact(t);
      const naiveAsync = async (t) => naive(t);
      const cleanOut = await bugcap.redact(clean);
      return {
        clean_unchanged: cleanOut === clean,
        rows: [
          ["clean text, engine (wasm)", await best(engine, clean)],
          ["clean text, naive JS regex per rule", await best(naiveAsync, clean)],
          ["mixed document as text, engine (wasm)", await best(engine, mixed)],
          ["mixed document as text, naive JS regex per rule", await best(naiveAsync, mixed)],
        ],
      };
    });
    console.log("\nRedaction throughput in headless Chromium (best of repeated runs, 1 MiB each)");
    console.log("  " + "what".padEnd(50) + "MB/s".padStart(10));
    for (const [label, mbps] of rows.rows) console.log("  " + label.padEnd(50) + mbps.toFixed(0).padStart(10));
    console.log(
      `  engine vs naive: clean ${(rows.rows[0][1] / rows.rows[1][1]).toFixed(1)}x, mixed ${(rows.rows[2][1] / rows.rows[3][1]).toFixed(1)}x` +
        ` (target: >= 100 MB/s in Chromium; includes copying each string into wasm and back)` +
        (rows.clean_unchanged ? "" : "  WARNING: the clean document was changed"),
    );
  });
}
