//! Scrolling in the copy. A copy drawn as an image keeps no scroll positions, and gives every
//! inner scroller classic scrollbars even where the screen's overlay scrollbars take no room.
//! Without help it shows the top of the page and of each scroller instead of what the user
//! scrolled to, and a scroller's content is narrower than on screen (text reflows,
//! right-aligned columns move).
//!
//! The page's own scroll becomes a real scroll position where the browser can
//! ([`PageScroll`]). So does an inner scroller's, through scroll snapping ([`SnapTarget`]):
//! sticky table headers stick and text scrolls as on screen. Where that cannot be had, the
//! scroller's children are moved by the offset instead: element children with `translate`,
//! text children in an inline box offset relatively ([`ScrollBox`]).

use std::fmt::Write;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::text::number;

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = copiesScroll)]
    fn copies_scroll() -> bool;
}

thread_local! {
    /// Asked once: the answer is the browser's.
    static COPIES_SCROLL: bool = copies_scroll();
}

/// The page's own scroll, given to the copy as a real scroll position where the browser can:
/// the document is drawn inside a viewport-sized scroll container holding an invisible
/// `scroll-initial-target` at the scroll offset, so the copy opens scrolled there, and what is
/// laid out against the initial viewport (an absolutely placed element with no positioned
/// ancestor, `bottom: 0` or `height: 100%`) lands as on screen. Elsewhere the document is moved
/// by the offset instead ([`PageScroll::Moved`]): fixed and sticky elements still land right,
/// but such elements are placed against the whole document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PageScroll {
    /// Drawn inside a scroll container opened at the offset.
    Scrolled { x: f64, y: f64 },
    /// `<html>` moved up and left by the offset.
    Moved { x: f64, y: f64 },
}

impl PageScroll {
    /// How the copy of a document scrolled to `(x, y)` shows it. A right-to-left page scrolled
    /// sideways (negative `x`) is moved: the target's alignment would differ there.
    pub fn for_offset(x: f64, y: f64) -> PageScroll {
        if x >= 0.0 && COPIES_SCROLL.with(|c| *c) {
            PageScroll::Scrolled { x, y }
        } else {
            PageScroll::Moved { x, y }
        }
    }

    /// Opens the scroll container of `width`×`height` CSS pixels (nothing when moved). Its
    /// own element name and `!important` inline declarations keep the page's rules off it.
    pub fn open(&self, out: &mut String, ns: &str, width: f64, height: f64) {
        if let PageScroll::Scrolled { .. } = self {
            let (width, height) = (number(width), number(height));
            let _ = write!(
                out,
                "<bugcap-view xmlns=\"{ns}\" style=\"display:block!important;\
                 position:relative!important;overflow:hidden!important;\
                 width:{width}px!important;height:{height}px!important;margin:0!important;\
                 padding:0!important;border:0!important;transform:none!important\">"
            );
        }
    }

    /// Closes the container with the target the copy opens scrolled to.
    pub fn close(&self, out: &mut String) {
        if let PageScroll::Scrolled { x, y } = self {
            let (x, y) = (number(*x), number(*y));
            let _ = write!(
                out,
                "<bugcap-view style=\"display:block!important;position:absolute!important;\
                 left:{x}px!important;top:{y}px!important;width:1px!important;\
                 height:1px!important;margin:0!important;scroll-initial-target:nearest!important\"/>\
                 </bugcap-view>"
            );
        }
    }

    /// Inline declarations for `<html>`: moved by the offset when the copy cannot scroll;
    /// `height` keeps its box over the viewport so its background reaches the bottom.
    pub fn root_style(&self, out: &mut String, height: f64) {
        if let PageScroll::Moved { x, y } = self {
            moved_by(out, *x, *y);
            let _ = write!(out, "min-height:{}px;", number(height + y));
        }
    }
}

/// Declarations that draw a box moved up and left by a scroll offset of `(x, y)`, by relative
/// positioning: where it is laid out does not change.
fn moved_by(out: &mut String, x: f64, y: f64) {
    let _ = write!(
        out,
        "position:relative!important;left:{}px!important;top:{}px!important;",
        number(-x),
        number(-y)
    );
}

/// What the copy of one scroll container needs to look as it does on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScrollBox {
    /// The scrollbars take no room on screen (overlay scrollbars, or `scrollbar-width: none`).
    /// The copy, drawn as an image, would get classic ones that narrow its content.
    pub overlay: bool,
    pub scroll_left: f64,
    pub scroll_top: f64,
    /// The copy scrolls itself to the offset by snapping to a [`SnapTarget`]: the children
    /// are not moved.
    pub snapped: bool,
}

/// The child an inner scroller's copy snaps to, so that the copy opens at the scroller's real
/// scroll offset: the scroller snaps mandatorily, and the child's snap area is stretched by a
/// `scroll-margin` that puts its start edge exactly at the offset. A copy drawn as an image
/// keeps no scroll position, but it does lay out snapping (Chromium, checked with a sticky
/// table header: it sticks). `scroll-initial-target`, which the page's own scroll uses, would
/// need an element added to the scroller (a `:last-child` rule would then miss its real last
/// child) and ignores `scroll-margin`; the page's own snap areas are switched off in the copy
/// ([`SnapTarget::PAGE_RULE`]) so that only this one counts.
pub struct SnapTarget {
    pub element: Element,
    /// Where the child's border box starts on screen, from the scroller's padding box.
    top: f64,
    left: f64,
}

impl SnapTarget {
    /// Element children looked at for one with a box the snap can be measured from.
    const MAX_CHILDREN: u32 = 8;

    /// The rule written once into a copy that has snap targets: the page's own snap areas
    /// would compete with them. A target's own inline declaration outranks it.
    pub const PAGE_RULE: &str = "*{scroll-snap-align:none!important}";

    /// The child `scroller`'s copy can snap to, for a scroller scrolled left to right and top
    /// to bottom: the first element child laid out in flow (not positioned, not transformed:
    /// its on-screen box is then where its snap area is). `None` where the copy cannot scroll
    /// (no `scroll-initial-target` support is taken as no snapping in images either), for
    /// right-to-left or vertical writing, for shadow hosts (their children are not the light
    /// DOM's) and for scrollers of text alone.
    pub fn find(scroller: &Element, window: &web_sys::Window) -> Option<SnapTarget> {
        if !COPIES_SCROLL.with(|c| *c) || scroller.shadow_root().is_some() {
            return None;
        }
        let style = window.get_computed_style(scroller).ok()??;
        let value = |style: &web_sys::CssStyleDeclaration, name: &str| {
            style.get_property_value(name).unwrap_or_default()
        };
        if value(&style, "direction") != "ltr" || value(&style, "writing-mode") != "horizontal-tb" {
            return None;
        }
        let frame = scroller.get_bounding_client_rect();
        let origin = (
            frame.top() + f64::from(scroller.client_top()),
            frame.left() + f64::from(scroller.client_left()),
        );
        let mut child = scroller.first_element_child();
        for _ in 0..Self::MAX_CHILDREN {
            let c = child?;
            if let Some(style) = window.get_computed_style(&c).ok().flatten() {
                // Inline boxes are no snap areas (Chromium snaps to boxes only): a `<code>`
                // inside a `<pre>` is moved instead.
                let in_flow = !matches!(
                    value(&style, "display").as_str(),
                    "none" | "contents" | "inline"
                ) && value(&style, "position") == "static"
                    && ["transform", "translate", "rotate", "scale"]
                        .iter()
                        .all(|p| value(&style, p) == "none");
                if in_flow {
                    let r = c.get_bounding_client_rect();
                    return Some(SnapTarget {
                        element: c,
                        top: r.top() - origin.0,
                        left: r.left() - origin.1,
                    });
                }
            }
            child = c.next_element_sibling();
        }
        None
    }

    /// Inline declarations for the scroller: it snaps, with no padding of its own moving
    /// where.
    pub fn scroller_style(out: &mut String) {
        out.push_str("scroll-snap-type:both mandatory!important;scroll-padding:0!important;");
    }

    /// Inline declarations for the child: its snap area starts at the scroll offset.
    pub fn child_style(&self, out: &mut String) {
        let _ = write!(
            out,
            "scroll-snap-align:start!important;scroll-margin:{}px 0 0 {}px!important;",
            number(self.top),
            number(self.left)
        );
    }
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
        // The browser's own number parser: Rust's `f64` parsing would bring its power-of-five
        // tables into the module for these few border widths. It stops at the unit.
        let px = |name: &str| {
            let n = js_sys::parse_float(&value(name));
            if n.is_finite() { n } else { 0.0 }
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
            snapped: false,
        })
    }

    /// Whether the content is scrolled away from the top left.
    pub fn scrolled(&self) -> bool {
        self.scroll_left != 0.0 || self.scroll_top != 0.0
    }

    /// Whether the copy shows the scroll by moving the children (no [`SnapTarget`]).
    pub fn moves_children(&self) -> bool {
        self.scrolled() && !self.snapped
    }

    /// Inline declarations for the container: no scrollbars in the copy where the screen shows
    /// none taking room (classic scrollbars on screen are drawn as classic ones in the copy),
    /// and the snapping that scrolls it.
    pub fn container_style(&self, out: &mut String) {
        if self.overlay {
            out.push_str("scrollbar-width:none!important;");
        }
        if self.snapped {
            SnapTarget::scroller_style(out);
        }
    }

    /// Inline declarations for the inline box a text child is wrapped in: `translate` does not
    /// apply to inline boxes, relative offsets do, without changing where lines break.
    pub fn text_style(&self, out: &mut String) {
        moved_by(out, self.scroll_left, self.scroll_top);
    }

    /// Inline declaration for each element child `el`: moved by the scroll offset, with the
    /// individual `translate` property (which composes with the child's own `transform`), or
    /// for an inline box, which `translate` does not move, by relative positioning as text is.
    pub fn child_style(&self, el: &Element, window: Option<&web_sys::Window>, out: &mut String) {
        if !self.moves_children() {
            return;
        }
        let style = window.and_then(|w| w.get_computed_style(el).ok().flatten());
        let value = |name: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .unwrap_or_default()
        };
        if value("display") == "inline" && value("position") == "static" {
            self.text_style(out);
        } else {
            let _ = write!(
                out,
                "translate:{}px {}px!important;",
                number(-self.scroll_left),
                number(-self.scroll_top)
            );
        }
    }
}
