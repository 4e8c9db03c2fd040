// The screenshot beside Chromium's own capture of the same viewport: what the fidelity tests
// compare, with a picture of the difference written where a comparison fails.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { decodeImage } from "./demo.mjs";
import { root } from "./relay.mjs";

/** Where pictures of failed comparisons go (ours, Chromium's, and the difference in red). */
export const DIFF_DIR = join(root, "target", "screenshot-diffs");

/** A channel further apart than this counts the pixel as different. */
const CHANNEL = 32;

/** The bytes of the screenshot `capture()` takes of the page right now (what a report sends). */
export async function captureShot(page) {
  const b64 = await page.evaluate(async () => {
    const m = await import("/bugcap/index.js");
    const { screenshot } = await m.capture({ screenshot: true });
    const b = new Uint8Array(await screenshot.arrayBuffer());
    let s = "";
    for (const x of b) s += String.fromCharCode(x);
    return btoa(s);
  });
  return Buffer.from(b64, "base64");
}

/**
 * Our screenshot of the page as it is now beside Chromium's own capture (CDP), with the share of
 * pixels that differ by more than 32 in a channel. `ignore`: rectangles in CSS pixels left out
 * of the comparison (masked fields, which differ by design).
 */
export async function besideChromium(page, { ignore = [] } = {}) {
  // Chromium's capture is of the last frame the compositor drew. Right after a change (a
  // scroll, new content) that frame can still be the old one, or have sticky elements where
  // they were before the scroll, on a loaded machine; our shot reads the layout as it is now.
  // Two frames later both show the page as it is.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const cdp = await page.context().newCDPSession(page);
  const reference = Buffer.from((await cdp.send("Page.captureScreenshot", { format: "png" })).data, "base64");
  await cdp.detach();
  const ours = await decodeImage(page, await captureShot(page));
  const theirs = await decodeImage(page, reference);
  if (ours.width !== theirs.width || ours.height !== theirs.height) {
    throw new Error(`our picture is ${ours.width}×${ours.height}, Chromium's ${theirs.width}×${theirs.height}`);
  }
  const skip = (x, y) => ignore.some((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
  let off = 0;
  let counted = 0;
  const diff = Buffer.alloc(ours.data.length);
  for (let y = 0; y < ours.height; y++) {
    for (let x = 0; x < ours.width; x++) {
      const i = (y * ours.width + x) * 4;
      const differs = [0, 1, 2].some((c) => Math.abs(ours.data[i + c] - theirs.data[i + c]) > CHANNEL);
      const ignored = skip(x, y);
      if (!ignored) {
        counted++;
        if (differs) off++;
      }
      // The difference: ours faded, different pixels red, ignored ones blue.
      const grey = Math.round(255 - (255 - (ours.data[i] + ours.data[i + 1] + ours.data[i + 2]) / 3) * 0.3);
      const [r, g, b] = ignored ? [160, 190, 255] : differs ? [255, 0, 0] : [grey, grey, grey];
      diff[i] = r;
      diff[i + 1] = g;
      diff[i + 2] = b;
      diff[i + 3] = 255;
    }
  }
  return { ours, theirs, diff, reference, share: off / Math.max(1, counted) };
}

/**
 * Fails, with the three pictures written to `DIFF_DIR/<name>-*.png`, unless at most `threshold`
 * of the pixels differ from Chromium's capture. Returns the share.
 */
export async function assertLooksLikeChromium(page, name, { threshold = 0.01, ignore = [] } = {}) {
  const result = await besideChromium(page, { ignore });
  if (result.share > threshold) {
    mkdirSync(DIFF_DIR, { recursive: true });
    const slug = name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
    writeFileSync(join(DIFF_DIR, `${slug}-chromium.png`), result.reference);
    writeFileSync(join(DIFF_DIR, `${slug}-ours.png`), await encodePng(page, result.ours));
    writeFileSync(join(DIFF_DIR, `${slug}-diff.png`), await encodePng(page, { ...result.ours, data: result.diff }));
    throw new Error(`${name}: ${(result.share * 100).toFixed(2)} % of the pixels differ from Chromium's own capture ` +
      `(at most ${(threshold * 100).toFixed(2)} %); pictures in ${DIFF_DIR}/${slug}-*.png`);
  }
  return result.share;
}

/** RGBA pixels as PNG bytes, encoded by the browser in `page`. */
async function encodePng(page, image) {
  const b64 = await page.evaluate(async ({ width, height, rgba }) => {
    const bytes = Uint8ClampedArray.from(atob(rgba), (c) => c.charCodeAt(0));
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext("2d").putImageData(new ImageData(bytes, width, height), 0, 0);
    const blob = await canvas.convertToBlob({ type: "image/png" });
    const url = await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.readAsDataURL(blob);
    });
    return url.slice(url.indexOf(",") + 1);
  }, { width: image.width, height: image.height, rgba: Buffer.from(image.data).toString("base64") });
  return Buffer.from(b64, "base64");
}

/** The `bugcap:screenshot` measure of the last shot: elements written and emptied. */
export function lastShotStats(page) {
  return page.evaluate(() => performance.getEntriesByName("bugcap:screenshot").at(-1)?.detail ?? null);
}
