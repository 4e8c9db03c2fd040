//! The finished picture as a file: downscaled to the longest side allowed, then in the host's
//! format ([`ImageFormat`]): WebP by default where the browser encodes it (smaller for
//! screenshots at the same legibility), PNG where it does not or when the host asks for it.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlCanvasElement};

use crate::config::ImageFormat;
use crate::error::WidgetError;

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = encodeCanvas)]
    fn encode_canvas(canvas: &HtmlCanvasElement, kind: &str, quality: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = blobBytes)]
    fn blob_bytes(blob: &Blob) -> js_sys::Promise;
}

/// WebP quality: text stays crisp at a fraction of PNG's size. (PNG's encoder ignores it.)
const WEBP_QUALITY: f64 = 0.92;

/// An encoded screenshot.
#[derive(Clone)]
pub struct Encoded {
    pub blob: Blob,
    pub bytes: Vec<u8>,
    /// `image/webp` or `image/png`: what the browser actually produced.
    pub content_type: String,
    pub width: u32,
    pub height: u32,
}

impl Encoded {
    /// The attachment name for this picture.
    pub fn file_name(&self, stem: &str) -> String {
        let extension = if self.content_type == "image/webp" {
            "webp"
        } else {
            "png"
        };
        format!("{stem}.{extension}")
    }
}

/// `canvas` no larger than `max_dimension` on its longest side, encoded as `format` (or PNG,
/// where the browser has no encoder for it).
pub async fn encode(
    canvas: &HtmlCanvasElement,
    max_dimension: u32,
    format: ImageFormat,
) -> Result<Encoded, WidgetError> {
    let (w, h) = (canvas.width(), canvas.height());
    let factor = (f64::from(max_dimension) / f64::from(w.max(h).max(1))).min(1.0);
    let scaled;
    let source = if factor < 1.0 {
        let (sw, sh) = (
            ((f64::from(w) * factor).round() as u32).max(1),
            ((f64::from(h) * factor).round() as u32).max(1),
        );
        let (target, context) = super::canvas(sw, sh)?;
        context
            .draw_image_with_html_canvas_element_and_dw_and_dh(
                canvas,
                0.0,
                0.0,
                sw.into(),
                sh.into(),
            )
            .map_err(|_| WidgetError::Screenshot("scaling the screenshot failed".into()))?;
        scaled = target;
        &scaled
    } else {
        canvas
    };
    let blob: Blob = JsFuture::from(encode_canvas(source, format.mime(), WEBP_QUALITY))
        .await
        .map_err(|_| WidgetError::Screenshot("the browser could not encode the screenshot".into()))?
        .unchecked_into();
    let content_type = if blob.type_() == "image/webp" {
        "image/webp"
    } else {
        "image/png"
    };
    let bytes = JsFuture::from(blob_bytes(&blob))
        .await
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .map_err(|_| WidgetError::Screenshot("reading the encoded screenshot failed".into()))?;
    Ok(Encoded {
        blob,
        bytes,
        content_type: content_type.into(),
        width: source.width(),
        height: source.height(),
    })
}
