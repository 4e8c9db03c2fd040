//! Turning the SVG into pixels: decoded by the browser as an image, drawn onto a canvas at the
//! chosen scale, then checked, so a render that came out empty is reported instead of sent.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};

use crate::error::WidgetError;

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = decodeSvg)]
    fn decode_svg(svg: &str, width: u32, height: u32) -> js_sys::Promise;
    /// `performance.now()`.
    #[wasm_bindgen(js_name = shotClock)]
    pub fn now() -> f64;
    /// Records the shot as a `bugcap:screenshot` performance measure, with what was drawn in
    /// its `detail`: a host sees the screenshot in its performance tools, the bench reads it.
    #[wasm_bindgen(js_name = shotMeasure)]
    pub fn measure(started: f64, written: u32, emptied: u32, bytes: usize);
    /// Records one step of the shot, from `start` to now, as a `bugcap:screenshot:<name>`
    /// measure: which step grows with a host's page shows in its performance tools.
    #[wasm_bindgen(js_name = shotStep)]
    pub fn step(name: &str, start: f64);
    #[wasm_bindgen(js_name = nextTask)]
    fn next_task_promise() -> js_sys::Promise;
}

/// Resolves in a later task: the shot is made in steps, each short enough not to hold the
/// page's main thread (input, animation) for long, instead of one task as long as all of them.
pub async fn next_task() {
    let _ = JsFuture::from(next_task_promise()).await;
}

/// A new canvas of `width`×`height` device pixels and its 2D context.
pub fn canvas(
    width: u32,
    height: u32,
) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), WidgetError> {
    let canvas: HtmlCanvasElement =
        crate::ui::dom::el(&crate::ui::dom::document()?, "canvas", &[]).unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context = context_2d(&canvas)?;
    Ok((canvas, context))
}

/// The 2D context of `canvas`.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, WidgetError> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .map(JsCast::unchecked_into)
        .ok_or_else(|| WidgetError::Screenshot("the browser gave no 2D canvas".into()))
}

/// The SVG of `width`×`height` CSS pixels drawn at `scale` device pixels per CSS pixel.
pub async fn rasterise(
    svg: &str,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<HtmlCanvasElement, WidgetError> {
    let at = now();
    let image: HtmlImageElement = JsFuture::from(decode_svg(svg, width, height))
        .await
        .map_err(|_| {
            WidgetError::Screenshot("the browser could not draw the page's markup".into())
        })?
        .unchecked_into();
    step("decoding", at);
    next_task().await;
    let at = now();
    let (w, h) = (
        (f64::from(width) * scale).round() as u32,
        (f64::from(height) * scale).round() as u32,
    );
    let (canvas, context) = canvas(w, h)?;
    context
        .draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, w.into(), h.into())
        .map_err(|_| WidgetError::Screenshot("drawing the page failed".into()))?;
    step("drawing", at);
    next_task().await;
    Ok(canvas)
}

/// Side of the grid sampled to tell a blank render.
const SAMPLE: u32 = 48;

/// Whether every sampled pixel of `canvas` is the same colour: what a render that failed
/// quietly (nothing laid out, everything clipped) looks like. A page that really is one flat
/// colour gives nothing worth sending either.
pub fn is_blank(canvas: &HtmlCanvasElement) -> Result<bool, WidgetError> {
    let (_sample, context) = self::canvas(SAMPLE, SAMPLE)?;
    context
        .draw_image_with_html_canvas_element_and_dw_and_dh(
            canvas,
            0.0,
            0.0,
            SAMPLE.into(),
            SAMPLE.into(),
        )
        .map_err(|_| WidgetError::Screenshot("reading the render back failed".into()))?;
    let pixels = context
        .get_image_data(0.0, 0.0, SAMPLE.into(), SAMPLE.into())
        .map_err(|_| WidgetError::Screenshot("the render cannot be read back (tainted)".into()))?
        .data();
    let first = pixels.get(..4).unwrap_or_default();
    Ok(pixels.chunks_exact(4).all(|p| p == first))
}
