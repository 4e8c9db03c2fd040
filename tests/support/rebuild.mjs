// Rebuilds a bugcap DOM snapshot with rrweb-snapshot's own `rebuild`, in a fresh Chromium page,
// the way a viewer would: same-origin iframe documents (which the snapshot carries under their
// <iframe>, as rrweb's recorder attaches them) are mounted into the rebuilt frames.
import { fileURLToPath } from "node:url";

const RRWEB_SNAPSHOT = fileURLToPath(
  new URL("../../node_modules/rrweb-snapshot/dist/rrweb-snapshot.umd.cjs", import.meta.url),
);

/**
 * Rebuilds `node` and returns `inspect(document)`'s result, where `inspect` runs in the page
 * against the rebuilt top document.
 */
export async function rebuildAndInspect(browser, node, inspect) {
  const page = await browser.newPage();
  try {
    await page.setContent("<!doctype html><body></body>");
    await page.addScriptTag({ path: RRWEB_SNAPSHOT });
    return await page.evaluate(
      ({ node, inspect }) => {
        const { rebuildIntoSandboxedIframe, buildNodeWithSN, Mirror, createCache } = window.rrwebSnapshot;
        const frames = [];
        const detach = (n) => {
          for (const c of n.childNodes ?? []) {
            if (c.type === 2 && c.tagName === "iframe" && c.childNodes?.length) {
              const doc = c.childNodes[0];
              c.childNodes = [];
              frames.push({ id: c.id, doc });
              detach(doc);
            } else detach(c);
          }
        };
        detach(node);
        const mirror = new Mirror();
        const cache = createCache();
        // rrweb's safe target: a frame sandboxed without scripts.
        const { iframe: view } = rebuildIntoSandboxedIframe(node, {
          root: document.body,
          iframeAttributes: { style: "width:1200px;height:1600px" },
          mirror,
          cache,
        });
        for (const frame of frames) {
          const el = mirror.getNode(frame.id);
          buildNodeWithSN(frame.doc, { doc: el.contentDocument, mirror, cache });
        }
        return (0, eval)(`(${inspect})`)(view.contentDocument);
      },
      { node, inspect: inspect.toString() },
    );
  } finally {
    await page.close();
  }
}
