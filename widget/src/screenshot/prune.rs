//! Leaving out what cannot be seen, so a screenshot costs the viewport rather than the page. A
//! table of ten thousand rows or a long feed is mostly outside the 800 pixels drawn; writing it
//! all made an 8 MB SVG at 10k elements for the browser to parse and lay out.
//!
//! Off-screen elements are not removed but emptied: each stays, with its attributes, as a box
//! of its size on screen holding nothing. The page's own rules still match it (`:nth-child`
//! stripes, `+` neighbours, grid placement), and what is visible keeps its place: in block flow
//! the emptied box also takes the margins around it as laid out, so whatever collapsed through
//! it is kept. A run of such boxes one after another is drawn as one box the height of the run;
//! the others stay, childless, for the page's selectors, but are not laid out. `display: none`
//! elements keep no children.
//!
//! An element is emptied when its box lies wholly outside the viewport, widened by
//! [`MARGIN`] for shadows and overflowing text, and narrowed by every ancestor that clips its
//! content (a scrolled pane's rows off the pane are emptied too). Never emptied: fixed and
//! sticky elements, transformed ones, inline boxes, table rows and groups (a run of rows
//! off-screen is drawn as its first row, as tall as the run, with its cells emptied but sized so
//! the columns keep their widths), elements without a box of their own (`display: contents`, or
//! zero-sized ones whose content overflows them), and any element with something on screen
//! inside it: a grid of hit-tests over the viewport finds absolutely placed or fixed elements
//! that sit far from their ancestors, and so does a query for floating UI by its role (open
//! dialogs and popovers, menus, listboxes, tooltips); their ancestors are kept. Something small
//! placed far from its ancestors, between the grid's points and with no such role, can be lost. Tags drawn from their own
//! content (`<select>`, `<textarea>`, media) and those the document needs (`<head>`, styles)
//! are never emptied. The decisions are made in JavaScript, one call per parent: they are
//! style and geometry reads, which cost a fraction there of what they cost through wasm imports.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Node};

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = keptElements)]
    fn kept_elements(document: &Document, width: f64, height: f64) -> JsValue;
    #[wasm_bindgen(js_name = pruneChildren)]
    fn prune_children(parent: &Node, clip: &[f64], kept: &JsValue, plans: &JsValue) -> Vec<f64>;
    #[wasm_bindgen(js_name = planPruning)]
    fn plan_pruning(root: &Element, clip: &[f64], kept: &JsValue) -> JsValue;
}

/// Pixels around the viewport in which boxes are still drawn: box shadows, outlines and text
/// that overflows its box reach this far into the picture.
pub const MARGIN: f64 = 200.0;

/// The area, in viewport pixels, that an element's box must reach to be drawn:
/// `[left, top, right, bottom]`.
pub type Clip = [f64; 4];

/// What is drawn of an element child.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fate {
    /// Drawn in full.
    Drawn,
    /// Drawn as an empty box of this size, with these margins (in block flow).
    Emptied {
        width: f64,
        height: f64,
        margin_top: Option<f64>,
        margin_bottom: Option<f64>,
    },
    /// `display: none`: drawn without its children.
    Hidden,
    /// In the top layer: drawn in full at the end of the document, at this z-index.
    TopLayer { z: u32 },
    /// A table row standing for a run of rows off-screen: drawn as tall as the run (its cells,
    /// off-screen too, are emptied), the other rows of the run folded.
    Stretched { height: f64 },
    /// One of a run of emptied boxes next to each other in block flow, which the run's first
    /// box stands for: kept without children for the page's selectors (`:nth-child`, `+`), but
    /// not laid out.
    Folded,
}

/// The elements of one document that must be drawn whatever their box says.
pub struct Pruner {
    kept: JsValue,
    /// Children's fates worked out ahead ([`Pruner::plan`]), by parent.
    plans: JsValue,
    /// The viewport with its margin: what the root's children must reach.
    pub root_clip: Clip,
}

impl Fate {
    /// Whether the element is written without its children: off-screen (emptied or folded
    /// into a run) or `display: none`. Drawn, stretched rows and the top layer keep theirs.
    pub fn childless(self) -> bool {
        matches!(self, Fate::Emptied { .. } | Fate::Folded | Fate::Hidden)
    }
}

impl Pruner {
    /// For `document`'s viewport of `width`×`height` CSS pixels.
    pub fn new(document: &Document, width: f64, height: f64) -> Pruner {
        Pruner {
            kept: kept_elements(document, width, height),
            plans: JsValue::UNDEFINED,
            root_clip: [-MARGIN, -MARGIN, width + MARGIN, height + MARGIN],
        }
    }

    /// Works out the fates of the children of every parent that will be written under `root`
    /// now, so that the style and geometry reads and the writing are tasks of their own.
    pub fn plan(&mut self, root: &Element) {
        self.plans = plan_pruning(root, &self.root_clip, &self.kept);
    }

    /// The fate of each element child of `parent` (in order), and the clip its children's
    /// children are held to: as planned, or worked out now where `parent` was not planned or
    /// has changed since.
    pub fn children(&self, parent: &Node, clip: Clip) -> Plan {
        Plan {
            numbers: prune_children(parent, &clip, &self.kept, &self.plans),
        }
    }
}

/// [`Pruner::children`]'s answer.
pub struct Plan {
    numbers: Vec<f64>,
}

impl Plan {
    /// What the children's children are held to.
    pub fn clip(&self) -> Clip {
        let n = &self.numbers;
        match n.get(..4) {
            Some(&[a, b, c, d]) => [a, b, c, d],
            _ => [
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::INFINITY,
            ],
        }
    }

    /// The fate of the `index`th element child; drawn when the plan does not say.
    pub fn fate(&self, index: usize) -> Fate {
        let at = 4 + index * 5;
        let Some(&[kind, width, height, top, bottom]) = self.numbers.get(at..at + 5) else {
            return Fate::Drawn;
        };
        let finite = |v: f64| v.is_finite().then_some(v);
        match kind as u8 {
            1 if width.is_finite() && height.is_finite() => Fate::Emptied {
                width,
                height,
                margin_top: finite(top),
                margin_bottom: finite(bottom),
            },
            2 => Fate::Hidden,
            3 => Fate::Folded,
            4 if height.is_finite() => Fate::Stretched { height },
            _ => Fate::Drawn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_each_childs_fate_and_defaults_to_drawn() {
        let plan = Plan {
            numbers: vec![
                0.0,
                1.0,
                2.0,
                3.0, //
                0.0,
                0.0,
                0.0,
                f64::NAN,
                f64::NAN, //
                1.0,
                10.5,
                20.0,
                4.0,
                f64::NAN, //
                2.0,
                0.0,
                0.0,
                f64::NAN,
                f64::NAN, //
                3.0,
                0.0,
                0.0,
                f64::NAN,
                f64::NAN,
            ],
        };
        assert_eq!(plan.clip(), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(plan.fate(0), Fate::Drawn);
        assert_eq!(
            plan.fate(1),
            Fate::Emptied {
                width: 10.5,
                height: 20.0,
                margin_top: Some(4.0),
                margin_bottom: None
            }
        );
        assert_eq!(plan.fate(2), Fate::Hidden);
        assert_eq!(plan.fate(3), Fate::Folded);
        assert_eq!(plan.fate(4), Fate::Drawn, "past the end");
        let empty = Plan { numbers: vec![] };
        assert_eq!(empty.fate(0), Fate::Drawn);
        assert!(empty.clip()[0].is_infinite());
    }
}
