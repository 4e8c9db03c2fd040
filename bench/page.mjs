// The page every browser benchmark runs in: the built package served by the demo's static
// server, opened in headless Chromium. Any page of the site will do, since the benchmarks
// import the package from the same origin.
import { launchBrowser } from "../tests/support/browser.mjs";
import { startWwwServer } from "../scripts/www-server.mjs";

/** Runs `body(page, www)` on a fresh page of the site, then shuts the browser and server down. */
export async function withBenchPage(body) {
  const www = await startWwwServer({ config: {} });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${www.url}/bugcap/package.json`);
    return await body(page, www);
  } finally {
    await browser.close();
    await www.close();
  }
}
