//! Scroll containers inside the page. A copy drawn as an image keeps no scroll positions, and
//! gives every inner scroller classic scrollbars even where the screen's overlay scrollbars take
//! no room. Without help the copy of a scroller shows its top instead of what the user scrolled
//! to, and its content is narrower than on screen (text reflows, right-aligned columns move).
//! The copy moves a scrolled container's children by its scroll offset instead: element
//! children with `translate`, text children in an inline box offset relatively.

use std::fmt::Write;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// What the copy of one scroll container needs to look as it does on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScrollBox {
    /// The scrollbars take no room on screen (overlay scrollbars, or `scrollbar-width: none`).
    /// The copy, drawn as an image, would get classic ones that narrow its content.
    pub overlay: bool,
    pub scroll_left: f64,
    pub scroll_top: f64,
}

impl ScrollBox {
    /// `None` for the usual element, whose content fits: that check is four size reads.
    pub fn of(el: &Element, window: Option<&web_sys::Window>) -> Option<ScrollBox> {
        if el.scroll_height() <= el.client_height() && el.scroll_width() <= el.client_width() {
            return None;
        }
        let html = el.dyn_ref::<HtmlElement>()?;
        let style = window?.get_computed_style(el).ok()??;
        let value = |name: &str| style.get_property_value(name).unwrap_or_default();
        let px = |name: &str| {
            value(name)
                .trim_end_matches("px")
                .parse::<f64>()
                .unwrap_or(0.0)
        };
        let scrolls = |name: &str| matches!(value(name).as_str(), "auto" | "scroll" | "hidden");
        if !scrolls("overflow-x") && !scrolls("overflow-y") {
            // Content overflowing visibly: drawn the same in the copy.
            return None;
        }
        // What the scrollbars take from the padding box on screen.
        let gutter_right = f64::from(html.offset_width())
            - px("border-left-width")
            - px("border-right-width")
            - f64::from(el.client_width());
        let gutter_bottom = f64::from(html.offset_height())
            - px("border-top-width")
            - px("border-bottom-width")
            - f64::from(el.client_height());
        Some(ScrollBox {
            overlay: gutter_right < 1.0 && gutter_bottom < 1.0,
            scroll_left: el.scroll_left().into(),
            scroll_top: el.scroll_top().into(),
        })
    }

    /// Whether the content is scrolled away from the top left.
    pub fn scrolled(&self) -> bool {
        self.scroll_left != 0.0 || self.scroll_top != 0.0
    }

    /// Inline declarations for the container: no scrollbars in the copy where the screen shows
    /// none taking room. Classic scrollbars on screen are drawn as classic ones in the copy.
    pub fn container_style(&self, out: &mut String) {
        if self.overlay {
            out.push_str("scrollbar-width:none!important;");
        }
    }

    /// Inline declarations for the inline box a text child is wrapped in: `translate` does not
    /// apply to inline boxes, relative offsets do, without changing where lines break.
    pub fn text_style(&self, out: &mut String) {
        let _ = write!(
            out,
            "position:relative!important;left:{}px!important;top:{}px!important;",
            -self.scroll_left, -self.scroll_top
        );
    }

    /// Inline declaration for each element child: moved by the scroll offset (the individual
    /// `translate` property, which composes with the child's own `transform`).
    pub fn child_style(&self, out: &mut String) {
        if self.scrolled() {
            let _ = write!(
                out,
                "translate:{}px {}px!important;",
                -self.scroll_left, -self.scroll_top
            );
        }
    }
}
