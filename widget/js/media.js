// I/O plumbing for the screenshot that is only callbacks and promises in the browser: fetching
// resources as `data:` URLs, decoding an SVG into an image, encoding a canvas. What to fetch, how
// to draw and what to mask is decided in Rust.

// Marks the widget's own requests so the network capture leaves them out (widget/js/network.js).
const OWN = Symbol.for("bugcap.own");

function readAsDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// Each URL as a `data:` URL, or null where it cannot be read (cross-origin without CORS, failed,
// larger than `perMax` bytes, or past `totalMax` bytes altogether). Fetched at once, from the
// HTTP cache where the page already loaded them.
export async function fetchDataUrls(urls, perMax, totalMax) {
  let total = 0;
  const origin = location.origin;
  return Promise.all(
    urls.map(async (url) => {
      try {
        const sameOrigin = new URL(url).origin === origin;
        const response = await fetch(url, {
          mode: "cors",
          credentials: sameOrigin ? "same-origin" : "omit",
          cache: "force-cache",
          [OWN]: true,
        });
        if (!response.ok) return null;
        const blob = await response.blob();
        if (blob.size > perMax || total + blob.size > totalMax) return null;
        total += blob.size;
        return await readAsDataUrl(blob);
      } catch (_) {
        return null;
      }
    }),
  );
}

// The SVG text decoded as an image of `width`×`height` CSS pixels. A `data:` URL, not a blob
// URL: drawing a foreignObject SVG from a blob URL taints the canvas in some browsers.
export async function decodeSvg(svg, width, height) {
  const image = new Image(width, height);
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  await image.decode();
  return image;
}

// The canvas encoded as `type` (falling back to PNG where the browser cannot encode it; the
// Blob's own type says which it did).
export function encodeCanvas(canvas, type, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the browser could not encode the screenshot"))), type, quality);
  });
}

// The bytes of a Blob.
export async function blobBytes(blob) {
  return new Uint8Array(await blob.arrayBuffer());
}
