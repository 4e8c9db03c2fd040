//! Canvases and videos in the copy. A copy drawn as an image runs no script and loads no media,
//! so a `<canvas>` there would show its (empty) fallback content and a `<video>` nothing: each is
//! written childless at its size on screen, with its pixels — the canvas's, or the video's
//! current frame — as its background. The page's own rules for the tag (margins, borders) still
//! apply.
//!
//! The pixels are read in an animation frame, before the copy is written ([`read`]): a WebGL
//! canvas made without `preserveDrawingBuffer` holds its picture only between the page drawing
//! it and the frame being shown, and a frame callback of ours runs after the page's own. A
//! canvas that drew once and never again, without `preserveDrawingBuffer`, cannot be read by
//! anyone, nor can a tainted canvas or a cross-origin video without CORS: those are drawn as
//! their empty box. Only those on screen are read (encoding a canvas costs time).

use std::fmt::Write;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element};

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = mediaPixels)]
    fn media_pixels(document: &Document, width: f64, height: f64, margin: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = mediaPixelsOf)]
    fn media_pixels_of(pixels: &JsValue, el: &Element) -> Option<String>;
}

/// A document drawn as an image runs no script, and where script is off a browser shows every
/// video's controls: hidden in the copy, whose videos show the frame that was on screen.
pub const VIDEO_RULE: &str = "video::-webkit-media-controls{display:none!important}";

/// The pixels of `document`'s canvases and videos, read in an animation frame.
pub struct Pixels(JsValue);

/// Reads the pixels of the canvases and videos within `margin` of `document`'s viewport of
/// `width`×`height` CSS pixels.
pub async fn read(document: &Document, width: f64, height: f64, margin: f64) -> Pixels {
    let pixels = JsFuture::from(media_pixels(document, width, height, margin))
        .await
        .unwrap_or(JsValue::NULL);
    Pixels(pixels)
}

impl Pixels {
    /// `el`'s pixels as a `data:` URL, if they could be read. An element the frame did not see
    /// (inside a shadow tree, or added since) is read now.
    fn of(&self, el: &Element) -> Option<String> {
        match media_pixels_of(&self.0, el) {
            Some(url) => (!url.is_empty()).then_some(url),
            None if el.local_name() == "canvas" => {
                let canvas: &web_sys::HtmlCanvasElement = el.unchecked_ref();
                (canvas.width() > 0 && canvas.height() > 0)
                    .then(|| canvas.to_data_url().ok())
                    .flatten()
            }
            None => None,
        }
    }

    /// The declarations that draw the canvas or video `el` in the copy: its box as on screen,
    /// and its pixels as the background, placed as `object-fit` and `object-position` place
    /// them (a canvas's fill its box unless the page says otherwise).
    pub fn declarations(&self, el: &Element, window: Option<&web_sys::Window>, out: &mut String) {
        let Some(style) = window.and_then(|w| w.get_computed_style(el).ok().flatten()) else {
            return;
        };
        let get = |name: &str| style.get_property_value(name).unwrap_or_default();
        let display = get("display");
        let display = if display == "inline" || display.is_empty() {
            "inline-block"
        } else {
            &display
        };
        let _ = write!(
            out,
            ";display:{display}!important;width:{}!important;height:{}!important",
            get("width"),
            get("height")
        );
        if let Some(url) = self.of(el) {
            let size = match get("object-fit").as_str() {
                "contain" | "scale-down" => "contain",
                "cover" => "cover",
                "none" => "auto",
                _ => "100% 100%",
            };
            let _ = write!(
                out,
                ";background:url(\"{url}\") {}/{size} no-repeat content-box!important",
                get("object-position")
            );
        }
    }
}
