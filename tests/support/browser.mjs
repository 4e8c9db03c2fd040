// Headless Chromium from Debian, driven by playwright-core (no browser download).
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A headed Chromium on its own Xvfb display, for what headless Chromium cannot do (it has no
 * screen capture). `extraArgs` are added to the usual ones. Closing the browser stops the display.
 */
export async function launchHeadedBrowser(extraArgs = []) {
  const { spawn } = await import("node:child_process");
  // -displayfd: Xvfb picks a free display number and writes it to fd 3 once it is listening.
  const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x900x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  xvfb.stderr.on("data", (d) => (stderr += d));
  const display = await new Promise((resolve, reject) => {
    let out = "";
    xvfb.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(`:${out.trim()}`);
    });
    xvfb.on("error", (e) => reject(new Error(`Xvfb could not start (scripts/bootstrap.sh installs it): ${e.message}`)));
    xvfb.on("exit", (code) => reject(new Error(`Xvfb exited with ${code}: ${stderr}`)));
  });
  try {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: false,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      env: { ...process.env, DISPLAY: display },
    });
    const close = browser.close.bind(browser);
    browser.close = async () => {
      try {
        await close();
      } finally {
        xvfb.kill();
      }
    };
    return browser;
  } catch (e) {
    xvfb.kill();
    throw e;
  }
}
