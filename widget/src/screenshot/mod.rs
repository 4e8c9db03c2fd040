//! The screenshot, taken from the DOM without a permission prompt: the visible viewport written
//! as XHTML inside an SVG `<foreignObject>` (with the page's stylesheets, and images, fonts and
//! same-origin frames inlined), rasterised by the browser onto a canvas. Privacy is applied in
//! what is drawn (see [`markup`]); the widget's own UI is not in the shot. Hosts that want real
//! pixels get the browser's capture of the tab instead, with the masks painted over it
//! ([`display`]).

mod display;
pub mod encode;
mod markup;
mod media;
mod prune;
mod render;
mod resources;
mod scroll;
mod xml;

use std::future::Future;
use std::pin::Pin;

use web_sys::{Document, HtmlCanvasElement};

use crate::config::ScreenshotMode;
use crate::error::WidgetError;
use crate::snapshot::Masking;

pub use render::{canvas, context_2d};

/// Limits on the picture's size.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Device pixels per CSS pixel, at most (the page's `devicePixelRatio` up to this).
    pub max_scale: f64,
    /// Longest side, in device pixels.
    pub max_edge: u32,
    /// Most pixels altogether.
    pub max_pixels: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_scale: 2.0,
            max_edge: 4096,
            max_pixels: 16 * 1024 * 1024,
        }
    }
}

/// A rendered screenshot of the viewport.
pub struct Screenshot {
    pub canvas: HtmlCanvasElement,
    /// The viewport's size in CSS pixels.
    pub css_width: u32,
    pub css_height: u32,
    /// Device pixels per CSS pixel in `canvas`.
    pub scale: f64,
    /// Elements drawn; the page was cut short when `truncated`.
    pub nodes: u32,
    pub truncated: bool,
}

/// The colour blocked elements are painted in, in both modes.
const BLOCK_FILL: &str = "#1f2937";

/// The screenshot `mode` asks for: real pixels for [`ScreenshotMode::Display`] where the browser
/// can capture the tab (rendered from the DOM where it has no screen capture), else rendered
/// from the DOM.
pub async fn capture(
    mode: ScreenshotMode,
    masking: &Masking,
) -> Result<HtmlCanvasElement, WidgetError> {
    if mode == ScreenshotMode::Display
        && let Some(canvas) = display::take(masking).await?
    {
        return Ok(canvas);
    }
    Ok(take(masking, Limits::default()).await?.canvas)
}

/// Most elements drawn: past this a page is cut rather than stalling the tab.
const MAX_NODES: u32 = 100_000;
/// Nested same-origin frames followed.
const MAX_FRAME_DEPTH: u32 = 3;

/// Renders the visible part of the page with `masking` applied in the pixels.
pub async fn take(masking: &Masking, limits: Limits) -> Result<Screenshot, WidgetError> {
    let window = web_sys::window().ok_or_else(|| WidgetError::Environment("no window".into()))?;
    let document = window
        .document()
        .ok_or_else(|| WidgetError::Environment("no document".into()))?;
    let (css_width, css_height) = crate::page::viewport(&window);
    let (css_width, css_height) = (css_width.round() as u32, css_height.round() as u32);
    if css_width == 0 || css_height == 0 {
        return Err(WidgetError::Screenshot(
            "the page has no visible area".into(),
        ));
    }
    let scale = scale_for(css_width, css_height, window.device_pixel_ratio(), limits);
    let settings = markup::Settings {
        mask_inputs: masking.mask_inputs,
        block_selector: masking.block_selector.as_deref(),
        mask_selector: masking.mask_selector.as_deref(),
        max_nodes: MAX_NODES,
    };
    let started = render::now();
    let mut nodes = 0;
    let mut truncated = false;
    let mut emptied = 0;
    let mut bytes = 0;
    let svg = document_svg(
        &document,
        css_width.into(),
        css_height.into(),
        &settings,
        0,
        &mut |m| {
            nodes += m.nodes;
            truncated |= m.truncated;
            emptied += m.emptied;
            bytes += m.svg.len();
        },
    )
    .await;
    let canvas = render::rasterise(&svg, css_width, css_height, scale).await?;
    if render::is_blank(&canvas)? {
        return Err(WidgetError::ScreenshotBlank);
    }
    render::measure(started, nodes, emptied, bytes);
    Ok(Screenshot {
        canvas,
        css_width,
        css_height,
        scale,
        nodes,
        truncated,
    })
}

/// The page's `devicePixelRatio`, capped, and lowered until the picture fits the edge and pixel
/// limits.
pub fn scale_for(width: u32, height: u32, device_pixel_ratio: f64, limits: Limits) -> f64 {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let mut scale = device_pixel_ratio.clamp(0.1, limits.max_scale);
    scale = scale.min(f64::from(limits.max_edge) / w.max(h));
    scale = scale.min((f64::from(limits.max_pixels) / (w * h)).sqrt());
    scale
}

type Stats<'a> = dyn FnMut(&markup::Markup) + 'a;

/// `document`'s viewport of `width`×`height` as SVG text with every resource inlined; frames
/// recurse into pictures of their own.
fn document_svg<'a>(
    document: &'a Document,
    width: f64,
    height: f64,
    settings: &'a markup::Settings<'a>,
    depth: u32,
    stats: &'a mut Stats<'_>,
) -> Pin<Box<dyn Future<Output = String> + 'a>> {
    Box::pin(async move {
        let (scroll_x, scroll_y, layout_w, layout_h) = view_of(document, width, height);
        // The SVG is as large as the viewport; the document lays out without the scrollbars.
        let view = markup::View {
            scroll_x,
            scroll_y,
            width: layout_w,
            height: layout_h,
            image_width: width,
            image_height: height,
        };
        // Steps, each a task of its own so that none holds the page's main thread for long on
        // a big page (as one task they were the page's longest task; `npm run bench` measures
        // it): the canvases' and videos' pixels (in an animation frame), the hit-tests that
        // find what is on screen, the geometry reads that decide what is left out, and the
        // writing.
        let at = render::now();
        let media = media::read(document, view.image_width, view.image_height, prune::MARGIN).await;
        render::step("media", at);
        let at = render::now();
        let mut pruner = prune::Pruner::new(document, view.image_width, view.image_height);
        render::step("hit-tests", at);
        render::next_task().await;
        let at = render::now();
        if let Some(root) = document.document_element() {
            pruner.plan(&root);
        }
        render::step("pruning", at);
        render::next_task().await;
        let at = render::now();
        let markup = markup::write(document, view, settings, pruner, media);
        render::step("writing", at);
        render::next_task().await;
        stats(&markup);
        let at = render::now();
        let mut values = resources::fetch(&markup.resources).await;
        render::step("resources", at);
        for (slot, resource) in values.iter_mut().zip(&markup.resources) {
            if let markup::Resource::Frame(i) = resource
                && depth < MAX_FRAME_DEPTH
                && let Some(frame) = markup.frames.get(*i)
            {
                let inner = document_svg(
                    &frame.document,
                    frame.width,
                    frame.height,
                    settings,
                    depth + 1,
                    stats,
                )
                .await;
                let url = format!(
                    "data:image/svg+xml;charset=utf-8,{}",
                    js_sys::encode_uri_component(&inner)
                );
                *slot = Some(url.into());
            }
        }
        resources::substitute(&markup.svg, &values)
    })
}

/// Scroll offset and layout size (without scrollbars) of `document`'s viewport.
fn view_of(document: &Document, width: f64, height: f64) -> (f64, f64, f64, f64) {
    let window = document.default_view();
    let scroll = |f: fn(&web_sys::Window) -> Result<f64, wasm_bindgen::JsValue>| {
        window.as_ref().and_then(|w| f(w).ok()).unwrap_or(0.0)
    };
    let root = document.document_element();
    let client = |f: fn(&web_sys::Element) -> i32, fallback: f64| {
        root.as_ref()
            .map(|r| f(r) as f64)
            .filter(|v| *v > 0.0)
            .unwrap_or(fallback)
    };
    (
        scroll(web_sys::Window::scroll_x),
        scroll(web_sys::Window::scroll_y),
        client(web_sys::Element::client_width, width),
        client(web_sys::Element::client_height, height),
    )
}

/// The canvas's pixels as RGBA bytes.
pub fn pixels(canvas: &HtmlCanvasElement) -> Result<Vec<u8>, WidgetError> {
    render::context_2d(canvas)?
        .get_image_data(0.0, 0.0, canvas.width().into(), canvas.height().into())
        .map(|d| d.data().0)
        .map_err(|_| WidgetError::Screenshot("the screenshot cannot be read back".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_honours_the_cap_and_the_limits() {
        let limits = Limits::default();
        assert_eq!(scale_for(1280, 720, 1.0, limits), 1.0);
        assert_eq!(scale_for(1280, 720, 3.0, limits), 2.0);
        // 3000 CSS px wide at 2× would be 6000 device px: held to the 4096 edge.
        assert!((scale_for(3000, 1000, 2.0, limits) - 4096.0 / 3000.0).abs() < 1e-9);
        let s = scale_for(
            4000,
            4000,
            2.0,
            Limits {
                max_edge: 100_000,
                ..limits
            },
        );
        assert!(4000.0 * 4000.0 * s * s <= f64::from(limits.max_pixels) + 1.0);
    }
}
