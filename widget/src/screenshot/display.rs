//! Real pixels, for hosts that choose `screenshot: "display"`: the browser's own capture of this
//! tab (`getDisplayMedia`, offering this tab first), one frame, then the stream is stopped. The
//! browser asks the user each time. The frame shows what the screen showed, so privacy cannot be
//! applied in the drawing as the DOM render does: the same masks are painted over the frame from
//! the elements' rectangles, read while the stream is live (sharing may resize the viewport).
//! The widget's own UI is hidden while the frame is taken.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, Document, Element, HtmlCanvasElement, HtmlElement};

use super::{MAX_FRAME_DEPTH, render};
use crate::error::WidgetError;
use crate::privacy::{self, InputKind};
use crate::snapshot::Masking;

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = openTabCapture)]
    fn open_tab_capture() -> js_sys::Promise;
    #[wasm_bindgen(js_name = nextVideoFrame)]
    fn next_video_frame(video: &JsValue, ms: u32) -> js_sys::Promise;
}

/// Frames looked at before giving up on one of this page's shape: starting to share shows the
/// browser's "sharing this tab" bar, which shrinks the viewport, and the first frames can show
/// the tab from before (seen in Chromium under load: a 1050×792 frame of a 1050×737 viewport).
const MAX_FRAMES: u32 = 30;
/// Longest wait for the next frame, in milliseconds.
const FRAME_WAIT_MS: u32 = 100;

/// Elements looked at for masks; past this the whole frame is covered rather than risk a miss.
const MAX_ELEMENTS: u32 = 200_000;

/// One frame of this tab with the masks painted over it; `None` where the browser has no screen
/// capture (the caller renders from the DOM instead). Declining the browser's prompt, or
/// sharing something other than a tab the size of this page, is an error: no picture is taken.
pub async fn take(masking: &Masking) -> Result<Option<HtmlCanvasElement>, WidgetError> {
    let document = crate::ui::dom::document()?;
    let _hidden = HiddenUi::hide(&document);
    let capture = match JsFuture::from(open_tab_capture()).await {
        Ok(c) if c.is_null() => return Ok(None),
        Ok(c) => Capture(c),
        Err(e) => return Err(refused(&e)),
    };
    let frame = capture.matching_frame(&document, masking).await;
    capture.stop();
    Ok(Some(frame?))
}

fn refused(e: &JsValue) -> WidgetError {
    let name = js_sys::Reflect::get(e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    let message = match name.as_str() {
        "NotAllowedError" => "sharing this tab was declined".to_owned(),
        _ => crate::error::js_message(e).unwrap_or_else(|| "the tab could not be captured".into()),
    };
    WidgetError::Screenshot(message)
}

/// The live capture: `{video, surface, stop}` from `openTabCapture`.
struct Capture(JsValue);

impl Capture {
    fn get(&self, name: &str) -> JsValue {
        js_sys::Reflect::get(&self.0, &name.into()).unwrap_or(JsValue::UNDEFINED)
    }

    fn stop(&self) {
        if let Ok(stop) = self.get("stop").dyn_into::<js_sys::Function>() {
            let _ = stop.call0(&JsValue::NULL);
        }
    }

    /// The first frame that shows this tab at its present size and is not blank, with the
    /// masks painted; the last frame's error when none does within [`MAX_FRAMES`].
    async fn matching_frame(
        &self,
        document: &Document,
        masking: &Masking,
    ) -> Result<HtmlCanvasElement, WidgetError> {
        let video: web_sys::HtmlVideoElement = self
            .get("video")
            .dyn_into()
            .map_err(|_| WidgetError::Screenshot("the capture gave no video".into()))?;
        let mut last = WidgetError::ScreenshotBlank;
        for _ in 0..MAX_FRAMES {
            match self.frame(&video, document, masking) {
                Ok(canvas) if !render::is_blank(&canvas)? => return Ok(canvas),
                Ok(_) => last = WidgetError::ScreenshotBlank,
                Err(e @ WidgetError::Screenshot(_)) if self.is_tab() => last = e,
                Err(e) => return Err(e),
            }
            let _ = JsFuture::from(next_video_frame(&video, FRAME_WAIT_MS)).await;
        }
        Err(last)
    }

    /// Whether the user shared a browser tab (which one is told by its shape).
    fn is_tab(&self) -> bool {
        self.get("surface").as_string().as_deref() == Some("browser")
    }

    /// The current frame with the masks painted, checked to be this tab.
    fn frame(
        &self,
        video: &web_sys::HtmlVideoElement,
        document: &Document,
        masking: &Masking,
    ) -> Result<HtmlCanvasElement, WidgetError> {
        let (width, height) = (video.video_width(), video.video_height());
        let window =
            web_sys::window().ok_or_else(|| WidgetError::Environment("no window".into()))?;
        let (css_width, css_height) = crate::page::viewport(&window);
        if !self.is_tab() || !same_shape(width, height, css_width, css_height) {
            // A window or a whole screen (or another tab) would show what the masks cannot reach.
            return Err(WidgetError::Screenshot(format!(
                "share this tab, not a window or the screen (the shared picture is {width}×{height} \
                 pixels, this page's viewport {}×{})",
                crate::text::number(css_width),
                crate::text::number(css_height)
            )));
        }
        let (canvas, context) = render::canvas(width, height)?;
        context
            .draw_image_with_html_video_element(video, 0.0, 0.0)
            .map_err(|_| WidgetError::Screenshot("the captured frame could not be drawn".into()))?;
        let mut masks = Masks {
            context,
            masking,
            scale: (f64::from(width) / css_width, f64::from(height) / css_height),
            seen: 0,
        };
        masks.context.set_fill_style_str(super::BLOCK_FILL);
        let whole = Rect {
            left: 0.0,
            top: 0.0,
            right: css_width,
            bottom: css_height,
        };
        if let Some(root) = document.document_element() {
            masks.subtree(&root, (0.0, 0.0), whole, 0);
        }
        if masks.seen > MAX_ELEMENTS {
            masks.fill(whole);
        }
        Ok(canvas)
    }
}

/// Whether a `width`×`height` frame shows a viewport of `css_width`×`css_height` (any pixel
/// ratio), within a few pixels of rounding.
fn same_shape(width: u32, height: u32, css_width: f64, css_height: f64) -> bool {
    if width == 0 || height == 0 || css_width < 1.0 || css_height < 1.0 {
        return false;
    }
    let scale = f64::from(width) / css_width;
    (f64::from(height) - css_height * scale).abs() <= 2.0 + scale
}

/// A rectangle in CSS pixels of the top document's viewport.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Rect {
    fn of(r: &web_sys::DomRect, (dx, dy): (f64, f64)) -> Rect {
        Rect {
            left: r.left() + dx,
            top: r.top() + dy,
            right: r.right() + dx,
            bottom: r.bottom() + dy,
        }
    }

    fn intersect(self, o: Rect) -> Rect {
        Rect {
            left: self.left.max(o.left),
            top: self.top.max(o.top),
            right: self.right.min(o.right),
            bottom: self.bottom.min(o.bottom),
        }
    }

    fn is_empty(self) -> bool {
        self.right <= self.left || self.bottom <= self.top
    }
}

struct Masks<'a> {
    context: CanvasRenderingContext2d,
    masking: &'a Masking,
    scale: (f64, f64),
    seen: u32,
}

impl Masks<'_> {
    /// Paints `el` and its descendants' masks; `offset` places a frame's content in the top
    /// viewport, `clip` is what of it can show.
    fn subtree(&mut self, el: &Element, offset: (f64, f64), clip: Rect, depth: u32) {
        self.seen += 1;
        if self.seen > MAX_ELEMENTS || el.local_name() == crate::UI_TAG {
            return;
        }
        if self.covered(el) {
            self.cover(el, offset, clip);
            return;
        }
        if let Some(frame) = el.dyn_ref::<web_sys::HtmlIFrameElement>()
            && depth < MAX_FRAME_DEPTH
            && let Some(inner) = frame.content_document().and_then(|d| d.document_element())
        {
            let r = el.get_bounding_client_rect();
            let inner_offset = (
                offset.0 + r.left() + f64::from(el.client_left()),
                offset.1 + r.top() + f64::from(el.client_top()),
            );
            let inner_clip = clip.intersect(Rect::of(&r, offset));
            self.subtree(&inner, inner_offset, inner_clip, depth + 1);
        }
        let shadow = el.shadow_root().and_then(|s| s.first_element_child());
        for first in [shadow, el.first_element_child()] {
            let mut child = first;
            while let Some(c) = child {
                self.subtree(&c, offset, clip, depth);
                child = c.next_element_sibling();
            }
        }
    }

    /// Whether the DOM render would hide what `el` shows: blocked or masked, or a form control
    /// whose entered value is withheld.
    fn covered(&self, el: &Element) -> bool {
        let list = privacy::attributes(el);
        let m = self.masking;
        let marks = privacy::element_marks(
            el,
            &list,
            m.block_selector.as_deref(),
            m.mask_selector.as_deref(),
            m.mask_inputs,
        );
        let tag = el.local_name();
        marks.block
            || marks.mask
            || privacy::value_hidden(&tag, InputKind::of_element(&tag, &list), m.mask_inputs)
    }

    /// Paints over `el`'s box and everything inside it that overflows the box, as far as its
    /// scrolling and clipping ancestors let it show.
    fn cover(&mut self, el: &Element, offset: (f64, f64), clip: Rect) {
        let clip = clip.intersect(ancestors_clip(el, offset));
        self.fill(Rect::of(&el.get_bounding_client_rect(), offset).intersect(clip));
        let Ok(range) = el
            .owner_document()
            .map_or(Err(JsValue::NULL), |d| d.create_range())
        else {
            return;
        };
        if range.select_node_contents(el).is_err() {
            return;
        }
        if let Some(rects) = range.get_client_rects() {
            for i in 0..rects.length() {
                if let Some(r) = rects.item(i) {
                    self.fill(Rect::of(&r, offset).intersect(clip));
                }
            }
        }
    }

    fn fill(&self, r: Rect) {
        if r.is_empty() {
            return;
        }
        let (sx, sy) = self.scale;
        // Whole device pixels, rounded outwards: no half-covered edge lets a glyph through.
        let (left, top) = ((r.left * sx).floor(), (r.top * sy).floor());
        let (right, bottom) = ((r.right * sx).ceil(), (r.bottom * sy).ceil());
        self.context
            .fill_rect(left, top, right - left, bottom - top);
    }
}

/// The part of the viewport `el` can show in, given the ancestors that clip their overflow
/// (scrolling panes, `overflow: hidden`), shadow hosts included.
fn ancestors_clip(el: &Element, offset: (f64, f64)) -> Rect {
    let mut clip = Rect {
        left: f64::NEG_INFINITY,
        top: f64::NEG_INFINITY,
        right: f64::INFINITY,
        bottom: f64::INFINITY,
    };
    let window = el.owner_document().and_then(|d| d.default_view());
    let mut current = parent(el);
    while let Some(ancestor) = current {
        let clips = window
            .as_ref()
            .and_then(|w| w.get_computed_style(&ancestor).ok().flatten())
            .is_some_and(|style| {
                ["overflow-x", "overflow-y"].iter().any(|p| {
                    style
                        .get_property_value(p)
                        .is_ok_and(|v| v != "visible" && !v.is_empty())
                })
            });
        if clips && ancestor.local_name() != "html" && ancestor.local_name() != "body" {
            clip = clip.intersect(Rect::of(&ancestor.get_bounding_client_rect(), offset));
        }
        current = parent(&ancestor);
    }
    clip
}

/// The parent element, or the host of the shadow root `el` sits in.
fn parent(el: &Element) -> Option<Element> {
    el.parent_element().or_else(|| {
        el.parent_node()
            .and_then(|p| p.dyn_into::<web_sys::ShadowRoot>().ok())
            .map(|root| root.host())
    })
}

/// The widget's UI (launcher, dialog) made invisible while the frame is taken, and shown again
/// when dropped. Each element at the top of the widget's shadow root is hidden by its own style:
/// the host's `:host { all: initial !important }` outranks anything set on the host from outside.
struct HiddenUi(Vec<(HtmlElement, String)>);

impl HiddenUi {
    fn hide(document: &Document) -> HiddenUi {
        let mut hidden = Vec::new();
        let root = document
            .query_selector(crate::UI_TAG)
            .ok()
            .flatten()
            .and_then(|host| host.shadow_root());
        let mut child = root.and_then(|r| r.first_element_child());
        while let Some(el) = child {
            child = el.next_element_sibling();
            if let Ok(el) = el.dyn_into::<HtmlElement>() {
                let style = el.style();
                let before = style.get_property_value("visibility").unwrap_or_default();
                let _ = style.set_property_with_priority("visibility", "hidden", "important");
                hidden.push((el, before));
            }
        }
        HiddenUi(hidden)
    }
}

impl Drop for HiddenUi {
    fn drop(&mut self) {
        for (el, before) in &self.0 {
            let style = el.style();
            if before.is_empty() {
                let _ = style.remove_property("visibility");
            } else {
                let _ = style.set_property("visibility", before);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::same_shape;

    #[test]
    fn a_frame_of_this_viewport_at_any_pixel_ratio() {
        assert!(same_shape(1280, 800, 1280.0, 800.0));
        assert!(same_shape(2560, 1600, 1280.0, 800.0));
        assert!(same_shape(1281, 799, 1280.0, 800.0));
        // A screen or a window has another shape than the page's viewport.
        assert!(!same_shape(1920, 1080, 1280.0, 800.0));
        assert!(!same_shape(1280, 900, 1280.0, 800.0));
        assert!(!same_shape(0, 0, 1280.0, 800.0));
    }
}
