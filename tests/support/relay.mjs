// Runs the real relay binary for tests and the demo: CLI commands for keys and tokens, and
// `serve` on a free port, read back from the line it prints on stdout.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(fileURLToPath(import.meta.url), "..", "..", "..");

export function relayBinary() {
  const bin = process.env.BUGCAP_RELAY_BIN ?? join(root, "target", "debug", "bugcap-relay");
  if (!existsSync(bin)) {
    execFileSync("cargo", ["build", "-p", "bugcap-relay"], { cwd: root, stdio: "inherit" });
  }
  return bin;
}

export function tempDataDir() {
  return mkdtempSync(join(tmpdir(), "bugcap-test-"));
}

/** Runs a relay CLI command with --json and returns the parsed answer. */
export function relayCli(dataDir, args) {
  const out = execFileSync(relayBinary(), ["--data-dir", dataDir, ...args, "--json"], { encoding: "utf8" });
  return JSON.parse(out);
}

export function createKey(dataDir, { project = "demo", env = "local", origins }) {
  return relayCli(dataDir, ["keys", "create", "--project", project, "--env", env, ...origins.flatMap((o) => ["--origin", o])]);
}

export function createToken(dataDir, scopes = ["reports:read"]) {
  return relayCli(dataDir, ["tokens", "create", ...scopes.flatMap((s) => ["--scope", s])]);
}

/**
 * Starts `bugcap-relay serve`. Resolves with its base URL once it is listening.
 * @returns {Promise<{url: string, process: import("node:child_process").ChildProcess, stop: () => Promise<void>, stderr: () => string}>}
 */
export function startRelay(dataDir, { listen = "127.0.0.1:0", extraArgs = [], env = {} } = {}) {
  const child = spawn(relayBinary(), ["--data-dir", dataDir, "serve", "--listen", listen, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BUGCAP_LOG: process.env.BUGCAP_LOG ?? "warn", ...env },
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const stop = () =>
    new Promise((r) => {
      if (child.exitCode !== null || child.signalCode !== null) return r();
      child.once("exit", () => r());
      child.kill("SIGTERM");
    });
  return new Promise((resolveStart, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${stderr}`)), 15000);
    child.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveStart({ url: m[1], process: child, stop, stderr: () => stderr });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}:\n${stderr}`));
    });
  });
}
