//! The visible page written as one SVG whose `<foreignObject>` holds the document as XHTML, for
//! the browser to rasterise. The page's own stylesheets travel as `<style>` text, so the browser
//! lays the copy out with the same cascade instead of us copying computed styles element by
//! element; only shadow trees, whose scoped styles cannot be written in a flat document, get
//! their computed styles inline.
//!
//! Privacy is applied here, in what is drawn: blocked elements become solid boxes of the same
//! size with nothing of their content, masked text and input values are written as `*`,
//! password values are never read, and the widget's own UI is left out.
//!
//! References to images, fonts and frames become tokens (`\u{1}N\u{2}`, characters no XML text
//! may hold, so the page cannot forge one) that [`super::resources`] replaces with `data:` URLs.

use std::fmt::Write;

use bugcap_protocol::map::Map;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Node};

use super::media::{self, Pixels};
use super::prune::{Clip, Fate, Pruner};
use super::scroll::{PageScroll, ScrollBox, SnapTarget};
use super::xml::{TOKEN_MARKS, escape, escape_css, is_xml_name};
use crate::css::{self, adopted_css, resolve, rules_text, sheet_of};
use crate::privacy::{self, InputKind};
use crate::text::number;

/// How the page is drawn.
pub struct Settings<'a> {
    pub mask_inputs: bool,
    pub block_selector: Option<&'a str>,
    pub mask_selector: Option<&'a str>,
    /// Most elements written; the rest of a huge page is left out of the picture.
    pub max_nodes: u32,
}

/// A resource the markup refers to by token, fetched and inlined before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// An image, font or other file at this absolute URL.
    Url(String),
    /// The same-origin iframe with this index in [`Markup::frames`], drawn as its own SVG.
    Frame(usize),
}

impl Resource {
    /// A text naming the resource: its URL, or for a frame a text no URL can be.
    fn key(&self) -> String {
        match self {
            Resource::Url(url) => url.clone(),
            Resource::Frame(index) => format!("\u{0}frame {index}"),
        }
    }
}

/// A same-origin iframe's document, rendered as a nested picture of its viewport.
pub struct Frame {
    pub document: Document,
    pub width: f64,
    pub height: f64,
}

/// The page as SVG text, with the resources its tokens stand for.
pub struct Markup {
    pub svg: String,
    pub resources: Vec<Resource>,
    pub frames: Vec<Frame>,
    /// Elements written.
    pub nodes: u32,
    /// Elements left out to stay within `max_nodes`.
    pub truncated: bool,
    /// Elements drawn as empty boxes, being off-screen (see [`super::prune`]).
    pub emptied: u32,
}

/// Where the copy is drawn from: the top-left corner and size of the visible area.
#[derive(Debug, Clone, Copy)]
pub struct View {
    pub scroll_x: f64,
    pub scroll_y: f64,
    /// The layout viewport (without scrollbars): the width the copy is laid out at.
    pub width: f64,
    pub height: f64,
    /// The picture: the whole viewport, scrollbar strips included (painted as background).
    pub image_width: f64,
    pub image_height: f64,
}

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The colour blocked elements are painted with.
use super::BLOCK_FILL;

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    /// Every property of a computed `style` as `name:value;` declarations, but `skip`. Read in
    /// JS: the ~400 properties of each element in a shadow tree were two calls from wasm each,
    /// with a string conversion per name and value, which a profile of a repeated shot showed
    /// as a large share of its time.
    #[wasm_bindgen(js_name = computedDeclarations)]
    fn computed_declarations(style: &web_sys::CssStyleDeclaration, skip: Option<&str>) -> String;
}

#[derive(Debug, Clone, Copy, Default)]
struct Context {
    mask: bool,
    svg: bool,
    /// Inside an open shadow tree: styles are copied from the computed style.
    shadow: bool,
    /// Inside a `<select>` whose choice is masked.
    masked_select: bool,
    /// The next element starts a new namespace (the root, or a `<foreignObject>`'s child).
    declare_ns: bool,
    /// The parent is a scroll container scrolled by this much: element children are moved.
    scrolled: Option<ScrollBox>,
    /// What the children must reach to be drawn in full; `None` where nothing is pruned.
    clip: Option<Clip>,
}

struct Writer<'a> {
    settings: &'a Settings<'a>,
    out: String,
    resources: Vec<Resource>,
    /// Each resource's index in `resources`, by [`Resource::key`].
    index: Map<usize>,
    frames: Vec<Frame>,
    base: String,
    nodes: u32,
    truncated: bool,
    window: Option<web_sys::Window>,
    /// Rules for pseudo-elements inside shadow trees and masked elements (see
    /// [`Writer::pseudo_elements`]), and how many elements have one.
    pseudo_css: String,
    pseudo_count: u32,
    /// Children that scrolled scrollers' copies snap to, not yet written.
    snap_targets: Vec<SnapTarget>,
    /// Some scroller snaps: [`SnapTarget::PAGE_RULE`] is written once the document is done.
    snaps: bool,
    /// A video was written: [`media::VIDEO_RULE`] is written once the document is done.
    videos: bool,
    pruner: Pruner,
    media: Pixels,
    emptied: u32,
    /// See [`Writer::top_layer`].
    top_layer: Vec<Element>,
}

const ELEMENT: u16 = 1;
const TEXT: u16 = 3;

/// Writes `document`'s visible area `view` as SVG markup.
pub fn write(
    document: &Document,
    view: View,
    settings: &Settings,
    pruner: Pruner,
    media: Pixels,
) -> Markup {
    let mut w = Writer {
        settings,
        out: String::with_capacity(256 * 1024),
        resources: Vec::new(),
        index: Map::new(),
        frames: Vec::new(),
        base: document.base_uri().ok().flatten().unwrap_or_default(),
        nodes: 0,
        truncated: false,
        window: document.default_view(),
        pseudo_css: String::new(),
        pseudo_count: 0,
        snap_targets: Vec::new(),
        snaps: false,
        videos: false,
        pruner,
        media,
        emptied: 0,
        top_layer: top_layer_of(document)
            .into_iter()
            .map(JsCast::unchecked_into)
            .collect(),
    };
    let background = canvas_background(document);
    let _ = write!(
        w.out,
        "<svg xmlns=\"{SVG_NS}\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"",
        number(view.image_width),
        number(view.image_height)
    );
    w.attr_text(&background);
    let _ = write!(
        w.out,
        "\"/><foreignObject x=\"0\" y=\"0\" width=\"{}\" height=\"{}\">",
        number(view.width),
        number(view.height)
    );
    let scroll = PageScroll::for_offset(view.scroll_x, view.scroll_y);
    scroll.open(&mut w.out, HTML_NS, view.width, view.height);
    if let Some(root) = document.document_element() {
        w.root(&root, document, view, scroll);
    }
    scroll.close(&mut w.out);
    w.out.push_str("</foreignObject></svg>");
    Markup {
        svg: w.out,
        resources: w.resources,
        frames: w.frames,
        nodes: w.nodes,
        truncated: w.truncated,
        emptied: w.emptied,
    }
}

/// The colour the page's canvas is painted: the root's background, else the body's (which the
/// browser propagates to the canvas), else the canvas colour of the page's colour scheme.
fn canvas_background(document: &Document) -> String {
    let window = document.default_view();
    let color = |el: Option<Element>| -> Option<String> {
        let style = window.as_ref()?.get_computed_style(&el?).ok()??;
        let value = style.get_property_value("background-color").ok()?;
        let transparent = value == "transparent" || value.ends_with(", 0)");
        (!transparent).then_some(value)
    };
    color(document.document_element())
        .or_else(|| color(document.body().map(Into::into)))
        .unwrap_or_else(|| {
            if is_dark(document) {
                DARK_CANVAS.into()
            } else {
                "#ffffff".into()
            }
        })
}

/// The z-index of the first element of the top layer: above any page's.
const TOP_LAYER_Z: u32 = 2_147_480_000;

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    /// Open modal dialogs, open popovers and fullscreen elements of `document`.
    #[wasm_bindgen(js_name = topLayer)]
    fn top_layer_of(document: &Document) -> Vec<JsValue>;
    /// The computed style of `el`'s `::backdrop` as declarations; empty where it has none.
    #[wasm_bindgen(js_name = backdropDeclarations)]
    fn backdrop_declarations(el: &Element) -> String;
    /// Whether `document` is drawn in a dark colour scheme: its root's `color-scheme` (or its
    /// `<meta name="color-scheme">`) allows dark, and light is not allowed or not preferred.
    #[wasm_bindgen(js_name = usesDarkScheme)]
    fn is_dark(document: &Document) -> bool;
}

/// Chromium's canvas colour in a dark colour scheme.
const DARK_CANVAS: &str = "#121212";

/// The root's computed text colour. In the copy `<html>` is no root (the SVG is), so the dark
/// scheme's light default text colour does not reach it by itself: a dark page's text came out
/// black on black.
fn root_color(document: &Document, root: &Element) -> Option<String> {
    let style = document.default_view()?.get_computed_style(root).ok()??;
    style.get_property_value("color").ok()
}

impl<'a> Writer<'a> {
    /// `<html>`, scrolled to the page's offset as `scroll` says (see [`PageScroll`]).
    fn root(&mut self, root: &Element, document: &Document, view: View, scroll: PageScroll) {
        let ctx = Context {
            declare_ns: true,
            ..Context::default()
        };
        let mut shift = String::new();
        scroll.root_style(&mut shift, view.height);
        self.nodes += 1;
        self.out.push_str("<html");
        self.namespace(&ctx);
        let mut style = None;
        for (name, value) in privacy::attributes(root) {
            if name == "style" {
                style = Some(value);
            } else {
                self.attribute(&name, &value);
            }
        }
        self.out.push_str(" style=\"");
        if let Some(color) = root_color(document, root) {
            self.out.push_str("color:");
            self.attr_text(&color);
            self.out.push(';');
        }
        if let Some(style) = style {
            let rewritten = self.css(&style, None);
            self.css_text(&rewritten, true);
            self.out.push(';');
        }
        self.out.push_str(&shift);
        self.out.push_str("\">");
        let inner = Context {
            clip: Some(self.pruner.root_clip),
            ..Context::default()
        };
        self.children(root.as_ref(), inner);
        self.top_layer();
        if let Some(css) = adopted_css(document.as_ref()) {
            self.style_element(&css, None);
        }
        if self.snaps {
            self.pseudo_css.push_str(SnapTarget::PAGE_RULE);
        }
        if self.videos {
            self.pseudo_css.push_str(media::VIDEO_RULE);
        }
        if !self.pseudo_css.is_empty() {
            let css = std::mem::take(&mut self.pseudo_css);
            self.style_element(&css, None);
        }
        self.out.push_str("</html>");
    }

    /// The elements in the browser's top layer (open modal dialogs, popovers, fullscreen
    /// elements), in document order, each over its `::backdrop`, above everything else. The copy
    /// has no top layer: written in place, a modal dialog was laid out in the page's flow
    /// without its backdrop and a popover was not drawn at all. Written at the end with their
    /// computed styles (as a shadow tree is), they keep their look wherever the page's rules
    /// placed them.
    fn top_layer(&mut self) {
        let layer = self.top_layer.clone();
        for (i, el) in layer.iter().enumerate() {
            let z = TOP_LAYER_Z + 2 * i as u32;
            let backdrop = backdrop_declarations(el);
            if !backdrop.is_empty() {
                let css = self.css(&backdrop, None);
                self.out.push_str("<bugcap-backdrop style=\"");
                self.css_text(&css, true);
                let _ = write!(self.out, "z-index:{z}!important\"/>");
            }
            let ctx = Context {
                shadow: true,
                ..Context::default()
            };
            self.element(el, &el.local_name(), ctx, Fate::TopLayer { z: z + 1 });
        }
    }

    /// `::before` and `::after` where the page's own rules would not draw them right:
    /// - inside a shadow tree (`shadow`), whose scoped rules do not travel with the copy, their
    ///   computed styles become a rule for this element alone;
    /// - inside a masked element (`masked`), generated content (`content: "…"`, `attr(…)`,
    ///   counters) is emptied, keeping the box: generated text is text too.
    ///
    /// The rules are written once the document is done.
    fn pseudo_elements(&mut self, el: &Element, shadow: bool, masked: bool) {
        let Some(window) = &self.window else {
            return;
        };
        let mut marked = false;
        for pseudo in ["::before", "::after"] {
            let Some(style) = window
                .get_computed_style_with_pseudo_elt(el, pseudo)
                .ok()
                .flatten()
            else {
                continue;
            };
            let content = style.get_property_value("content").unwrap_or_default();
            if matches!(content.as_str(), "" | "none" | "normal") || (!shadow && content == "\"\"")
            {
                continue;
            }
            if !marked {
                marked = true;
                self.pseudo_count += 1;
                let _ = write!(self.out, " data-bugcap-pseudo=\"{}\"", self.pseudo_count);
            }
            let _ = write!(
                self.pseudo_css,
                "[data-bugcap-pseudo=\"{}\"]{pseudo}{{",
                self.pseudo_count
            );
            if shadow {
                let skip = masked.then_some("content");
                self.pseudo_css
                    .push_str(&computed_declarations(&style, skip));
            }
            if masked {
                self.pseudo_css.push_str("content:\"\"!important;");
            }
            self.pseudo_css.push('}');
        }
    }

    fn namespace(&mut self, ctx: &Context) {
        if ctx.declare_ns {
            let ns = if ctx.svg { SVG_NS } else { HTML_NS };
            let _ = write!(self.out, " xmlns=\"{ns}\"");
            if ctx.svg {
                self.out
                    .push_str(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
            }
        }
    }

    fn children(&mut self, parent: &Node, ctx: Context) {
        // Element children's fates, and the clip their own children are held to.
        let plan = ctx
            .clip
            .filter(|_| !ctx.svg)
            .map(|clip| self.pruner.children(parent, clip));
        let ctx = Context {
            clip: plan.as_ref().map(|p| p.clip()),
            ..ctx
        };
        let mut index = 0;
        let mut child = parent.first_child();
        while let Some(node) = child {
            if self.nodes >= self.settings.max_nodes {
                self.truncated = true;
                return;
            }
            let fate = if node.node_type() == ELEMENT {
                index += 1;
                plan.as_ref().map_or(Fate::Drawn, |p| p.fate(index - 1))
            } else {
                Fate::Drawn
            };
            self.node(&node, ctx, fate);
            child = node.next_sibling();
        }
    }

    fn node(&mut self, node: &Node, ctx: Context, fate: Fate) {
        match node.node_type() {
            ELEMENT => {
                let el: &Element = node.unchecked_ref();
                let tag = el.local_name();
                if tag != crate::UI_TAG {
                    self.element(el, &tag, ctx, fate);
                }
            }
            TEXT => {
                let text = node.node_value().unwrap_or_default();
                let text = if ctx.mask || ctx.masked_select {
                    privacy::mask(&text)
                } else {
                    text
                };
                // Text straight inside a scrolled container moves with the scroll like its
                // element siblings: wrapped in an inline box offset by relative positioning,
                // which leaves the line layout as it is.
                let moved = ctx.scrolled.filter(|_| !ctx.svg && !text.trim().is_empty());
                if let Some(scroller) = moved {
                    self.out.push_str("<bugcap-text style=\"");
                    scroller.text_style(&mut self.out);
                    self.out.push_str("\">");
                    self.text(&text);
                    self.out.push_str("</bugcap-text>");
                } else {
                    self.text(&text);
                }
            }
            _ => {}
        }
    }

    fn element(&mut self, el: &Element, tag: &str, parent: Context, fate: Fate) {
        // The top layer is drawn last, above everything (see [`Writer::top_layer`]).
        if !matches!(fate, Fate::TopLayer { .. }) && self.top_layer.iter().any(|t| t == el) {
            return;
        }
        self.nodes += 1;
        // Declarations added to the element's inline style: the scroll fixes.
        let mut extra = String::new();
        if let Fate::TopLayer { z } = fate {
            let _ = write!(extra, ";z-index:{z}!important");
        }
        if let Some(scroller) = &parent.scrolled {
            scroller.child_style(el, self.window.as_ref(), &mut extra);
        }
        if let Some(i) = self.snap_targets.iter().position(|t| t.element == *el) {
            self.snap_targets.swap_remove(i).child_style(&mut extra);
        }
        // An emptied or folded box has no children to scroll.
        let mut scroll = if parent.svg || tag == "svg" || fate.childless() {
            None
        } else {
            ScrollBox::of(el, self.window.as_ref())
        };
        if let Some(scroll) = &mut scroll {
            if scroll.scrolled()
                && let Some(target) = self.window.as_ref().and_then(|w| SnapTarget::find(el, w))
            {
                scroll.snapped = true;
                self.snaps = true;
                self.snap_targets.push(target);
            }
            scroll.container_style(&mut extra);
        }
        let mut ctx = Context {
            svg: parent.svg || tag == "svg",
            declare_ns: parent.declare_ns || (!parent.svg && tag == "svg"),
            ..parent
        };
        let list = privacy::attributes(el);
        let marks = privacy::element_marks(
            el,
            &list,
            self.settings.block_selector,
            self.settings.mask_selector,
            self.settings.mask_inputs,
        );
        ctx.mask |= marks.mask;
        if marks.block {
            // Drawn as one solid box: no child is written to snap to.
            if scroll.is_some_and(|s| s.snapped) {
                self.snap_targets.pop();
            }
            self.blocked(el, tag, &list, &ctx, &extra);
            return;
        }
        if let Fate::Stretched { height } = fate {
            let _ = write!(extra, ";height:{}px!important", number(height));
        } else if fate.childless() {
            // (No scroll was read for it: no child is waiting to be snapped to.)
            self.emptied(el, tag, &list, &ctx, fate, &mut extra);
            return;
        }
        match tag {
            // Never drawn, and their text is code or markup.
            "script" | "noscript" | "template" => {
                self.open_tag(tag, &[], &ctx, false, "");
                self.out.push_str("/>");
                return;
            }
            // A shadow tree's own styles apply inside it only: its elements carry their
            // computed styles instead, and a page-wide copy would restyle the light DOM.
            "link" | "style" if ctx.shadow => {
                self.open_tag(tag, &[], &ctx, false, "");
                self.out.push_str("/>");
                return;
            }
            "link" => {
                if css::is_stylesheet_link(&list)
                    && let Some(sheet) = sheet_of(el)
                    && let Some(text) = rules_text(&sheet)
                {
                    let href = js_sys::Reflect::get(&sheet, &"href".into())
                        .ok()
                        .and_then(|h| h.as_string());
                    self.style_element(&text, href.as_deref());
                }
                return;
            }
            "style" => {
                let text = sheet_of(el).and_then(|sheet| rules_text(&sheet));
                let text = text.unwrap_or_else(|| el.text_content().unwrap_or_default());
                self.style_element(&text, None);
                return;
            }
            // Drawn from their pixels: see [`super::media`].
            "canvas" | "video" => {
                self.media
                    .declarations(el, self.window.as_ref(), &mut extra);
                self.videos |= tag == "video";
                let list: Vec<_> = list
                    .into_iter()
                    .filter(|(n, _)| !matches!(n.as_str(), "controls" | "poster"))
                    .collect();
                self.childless(el, tag, &list, &ctx, &extra);
                return;
            }
            "iframe" => {
                self.iframe(el, &list, &ctx, &extra);
                return;
            }
            _ => {}
        }

        let input_kind = InputKind::of_element(tag, &list);
        let shadow_root = el.shadow_root();
        // A mask (`*`s) in a field that takes only numbers or dates would be dropped by the
        // browser, leaving the field empty: such a field is written as a text field, with its
        // computed style so it still looks as on screen.
        let retyped = input_kind == Some(InputKind::Text)
            && (self.settings.mask_inputs || ctx.mask)
            && list
                .iter()
                .any(|(n, v)| n == "type" && privacy::drops_masks(v));
        let list = if retyped {
            list.into_iter()
                .map(|(n, v)| {
                    if n == "type" {
                        (n, "text".to_owned())
                    } else {
                        (n, v)
                    }
                })
                .collect()
        } else {
            list
        };
        let computed = ctx.shadow || shadow_root.is_some() || retyped;
        self.open_tag(tag, &list, &ctx, computed, &extra);
        let text_value = self.form_state(el, tag, input_kind, &mut ctx);
        if computed {
            self.computed_style(el, &extra);
        }
        if (ctx.shadow || ctx.mask) && !ctx.svg {
            self.pseudo_elements(el, ctx.shadow, ctx.mask);
        }
        if tag == "img" {
            let src: String = el
                .unchecked_ref::<web_sys::HtmlImageElement>()
                .current_src();
            if !src.is_empty() {
                self.out.push_str(" src=\"");
                self.url_token(&src);
                self.out.push('"');
            }
        }
        let child_ctx = Context {
            declare_ns: ctx.svg && tag == "foreignObject",
            svg: ctx.svg && tag != "foreignObject",
            scrolled: scroll.filter(ScrollBox::moves_children),
            ..ctx
        };
        let start = self.out.len();
        self.out.push('>');
        if let Some(value) = text_value {
            self.text(&value);
        } else if let Some(root) = &shadow_root {
            let shadow_ctx = Context {
                shadow: true,
                ..child_ctx
            };
            self.children(root.as_ref(), shadow_ctx);
        } else if tag == "slot" {
            self.slot(el, child_ctx);
        } else {
            self.children(el.as_ref(), child_ctx);
        }
        if self.out.len() == start + 1 {
            self.out.truncate(start);
            self.out.push_str("/>");
        } else {
            let _ = write!(self.out, "</{tag}>");
        }
    }

    /// `<tag` and the attributes that are drawn, without the live state (written by
    /// [`Writer::form_state`]), handlers, or references the copy must not load.
    /// `computed`: the style is copied from the computed style, so the attribute is left out.
    /// `extra`: declarations added to the inline style, merged into its one `style` attribute;
    /// when `computed`, the caller hands them to [`Writer::computed_style`] instead.
    fn open_tag(
        &mut self,
        tag: &str,
        list: &[(String, String)],
        ctx: &Context,
        computed: bool,
        extra: &str,
    ) {
        let _ = write!(self.out, "<{tag}");
        self.namespace(ctx);
        let mut extra = if computed { "" } else { extra };
        for (name, value) in list {
            if privacy::is_event_handler(name)
                || privacy::is_input_state_attribute(name)
                || (computed && name == "style")
                || matches!(
                    name.as_str(),
                    "srcset" | "sizes" | "src" | "loading" | "srcdoc" | "xmlns" | "xmlns:xlink"
                )
            {
                continue;
            }
            if (ctx.mask || ctx.masked_select) && privacy::is_text_attribute(name) {
                self.attribute(name, &privacy::mask(value));
            } else if name == "style" {
                let mut css = self.css(value, None);
                if !extra.is_empty() {
                    css.push(';');
                    css.push_str(extra);
                    extra = "";
                }
                self.out.push_str(" style=\"");
                self.css_text(&css, true);
                self.out.push('"');
            } else if ctx.svg && matches!(name.as_str(), "href" | "xlink:href") && tag == "image" {
                self.out.push(' ');
                self.out.push_str(name);
                self.out.push_str("=\"");
                let url = resolve(value, &self.base).unwrap_or_else(|| value.clone());
                self.url_token(&url);
                self.out.push('"');
            } else {
                self.attribute(name, value);
            }
        }
        if !extra.is_empty() {
            self.attribute("style", extra);
        }
    }

    /// The live value of a form control as attributes; masked unless the host turned input
    /// masking off; password values never read. A textarea's value is returned to be written
    /// as its text.
    fn form_state(
        &mut self,
        el: &Element,
        tag: &str,
        input: Option<InputKind>,
        ctx: &mut Context,
    ) -> Option<String> {
        let mask = self.settings.mask_inputs || ctx.mask;
        let masked = |v: String| if mask { privacy::mask(&v) } else { v };
        match (tag, input) {
            (_, Some(InputKind::Password)) => None,
            (_, Some(InputKind::Button)) => {
                let value = el.unchecked_ref::<web_sys::HtmlInputElement>().value();
                self.attribute("value", &value);
                None
            }
            (_, Some(InputKind::Choice)) => {
                if !mask && el.unchecked_ref::<web_sys::HtmlInputElement>().checked() {
                    self.attribute("checked", "checked");
                }
                None
            }
            (_, Some(InputKind::Text)) => {
                let value = el.unchecked_ref::<web_sys::HtmlInputElement>().value();
                self.attribute("value", &masked(value));
                None
            }
            ("textarea", _) => Some(masked(
                el.unchecked_ref::<web_sys::HtmlTextAreaElement>().value(),
            )),
            ("select", _) => {
                ctx.masked_select = mask;
                None
            }
            ("option", _) => {
                if !ctx.masked_select && el.unchecked_ref::<web_sys::HtmlOptionElement>().selected()
                {
                    self.attribute("selected", "selected");
                }
                None
            }
            _ => None,
        }
    }

    /// A same-size solid box in place of a blocked element: nothing inside is written.
    fn blocked(
        &mut self,
        el: &Element,
        tag: &str,
        list: &[(String, String)],
        ctx: &Context,
        extra: &str,
    ) {
        let rect = el.get_bounding_client_rect();
        let display = self
            .window
            .as_ref()
            .and_then(|w| w.get_computed_style(el).ok().flatten())
            .and_then(|s| s.get_property_value("display").ok())
            .unwrap_or_default();
        let display = if display == "inline" || display.is_empty() {
            "inline-block"
        } else {
            &display
        };
        // Replaced elements would draw their content whatever the style says.
        let tag = if ctx.svg {
            "rect"
        } else if matches!(
            tag,
            "img"
                | "video"
                | "canvas"
                | "iframe"
                | "input"
                | "textarea"
                | "select"
                | "svg"
                | "object"
                | "embed"
                | "picture"
                | "audio"
        ) {
            "div"
        } else {
            tag
        };
        let keep: Vec<(String, String)> = list
            .iter()
            .filter(|(n, _)| matches!(n.as_str(), "class" | "id"))
            .cloned()
            .collect();
        // The box's one style attribute is written here, `extra` included.
        self.open_tag(tag, &keep, ctx, false, "");
        let _ = write!(
            self.out,
            " data-bugcap-blocked=\"\" style=\"display:{display}!important;width:{w}px!important;\
             height:{h}px!important;min-width:0!important;min-height:0!important;\
             max-width:none!important;max-height:none!important;box-sizing:border-box!important;\
             padding:0!important;border:0!important;background:{BLOCK_FILL}!important;\
             color:transparent!important;overflow:hidden!important;{extra}\"/>",
            w = number(rect.width().max(0.0)),
            h = number(rect.height().max(0.0)),
        );
    }

    /// An element off-screen (see [`super::prune`]): its tag and attributes, as a box of its size
    /// on screen holding nothing (or nothing laid out, when folded into a run); a hidden one
    /// without its children.
    fn emptied(
        &mut self,
        el: &Element,
        tag: &str,
        list: &[(String, String)],
        ctx: &Context,
        fate: Fate,
        extra: &mut String,
    ) {
        if let Fate::Emptied {
            width,
            height,
            margin_top,
            margin_bottom,
        } = fate
        {
            let _ = write!(
                extra,
                ";width:{}px!important;height:{}px!important;min-width:0!important;\
                 min-height:0!important;max-width:none!important;max-height:none!important;\
                 box-sizing:border-box!important;flex:none!important",
                number(width),
                number(height)
            );
            for (side, margin) in [("top", margin_top), ("bottom", margin_bottom)] {
                if let Some(m) = margin {
                    let _ = write!(extra, ";margin-{side}:{}px!important", number(m));
                }
            }
            self.emptied += 1;
        } else if fate == Fate::Folded {
            extra.push_str(";display:none!important");
            self.emptied += 1;
        }
        self.childless(el, tag, list, ctx, extra);
    }

    /// `el` as its tag, attributes and style (computed inside a shadow tree or on a host),
    /// without children.
    fn childless(
        &mut self,
        el: &Element,
        tag: &str,
        list: &[(String, String)],
        ctx: &Context,
        extra: &str,
    ) {
        let computed = ctx.shadow || el.shadow_root().is_some();
        self.open_tag(tag, list, ctx, computed, extra);
        if computed {
            self.computed_style(el, extra);
        }
        self.out.push_str("/>");
    }

    /// A same-origin frame is drawn as a picture of its own viewport; a cross-origin one (which
    /// cannot be read) as its empty box.
    fn iframe(&mut self, el: &Element, list: &[(String, String)], ctx: &Context, extra: &str) {
        let frame = el.unchecked_ref::<web_sys::HtmlIFrameElement>();
        let document = frame.content_document();
        let Some(document) = document else {
            self.open_tag("iframe", list, ctx, false, extra);
            self.out.push_str("/>");
            return;
        };
        let (width, height) = (
            f64::from(frame.client_width()),
            f64::from(frame.client_height()),
        );
        let index = self.frames.len();
        self.frames.push(Frame {
            document,
            width,
            height,
        });
        self.open_tag("img", list, ctx, false, extra);
        let token = self.token(Resource::Frame(index));
        let _ = write!(self.out, " src=\"{token}\"/>");
    }

    /// A slot shows the nodes assigned to it, or its own children when none are.
    fn slot(&mut self, el: &Element, ctx: Context) {
        let assigned = js_sys::Reflect::get(el, &"assignedNodes".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.call0(el).ok())
            .map(|v| js_sys::Array::from(&v));
        match assigned {
            Some(nodes) if nodes.length() > 0 => {
                // Slotted light-DOM nodes are styled by the page's cascade, not inline.
                let light = Context {
                    shadow: false,
                    ..ctx
                };
                for node in nodes.iter() {
                    self.node(node.unchecked_ref(), light, Fate::Drawn);
                }
            }
            _ => self.children(el.as_ref(), ctx),
        }
    }

    /// Copies the computed style inline: the scoped rules of a shadow tree (and `:host` rules
    /// on its host) cannot be written as page-wide `<style>`.
    /// `extra`: declarations appended after the computed ones.
    fn computed_style(&mut self, el: &Element, extra: &str) {
        let Some(style) = self
            .window
            .as_ref()
            .and_then(|w| w.get_computed_style(el).ok().flatten())
        else {
            return;
        };
        let mut css = self.css(&computed_declarations(&style, None), None);
        css.push_str(extra);
        self.out.push_str(" style=\"");
        self.css_text(&css, true);
        self.out.push('"');
    }

    /// A `<style>` element holding `text`, its `url()`s resolved against `href` (else the
    /// document) and turned into resource tokens.
    fn style_element(&mut self, text: &str, href: Option<&str>) {
        let css = self.css(text, href);
        self.out.push_str("<style>");
        let css = bugcap_protocol::search::replace(&css, ":root", ":is(html)");
        self.css_text(&css, false);
        self.out.push_str("</style>");
    }

    /// `text` with its `url()`s turned into resource tokens; the page's own text can hold no
    /// token characters. Written with [`Writer::css_text`], which keeps the tokens.
    fn css(&mut self, text: &str, href: Option<&str>) -> String {
        let base = href.map(str::to_owned).unwrap_or_else(|| self.base.clone());
        let text = if text.contains(TOKEN_MARKS) {
            std::borrow::Cow::Owned(text.replace(TOKEN_MARKS, ""))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        css::rewrite_urls(&text, |url| {
            if url.starts_with('#')
                || url
                    .get(..5)
                    .is_some_and(|p| p.eq_ignore_ascii_case("data:"))
            {
                return None;
            }
            let absolute = resolve(url, &base).unwrap_or_else(|| url.to_owned());
            Some(self.token(Resource::Url(absolute)))
        })
        .into_owned()
    }

    fn url_token(&mut self, url: &str) {
        if url
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("data:"))
        {
            self.attr_text(url);
        } else {
            let token = self.token(Resource::Url(url.to_owned()));
            self.out.push_str(&token);
        }
    }

    fn token(&mut self, resource: Resource) -> String {
        let next = self.resources.len();
        let index = *self.index.get_or_insert_with(&resource.key(), || next);
        if index == next {
            self.resources.push(resource);
        }
        format!("\u{1}{index}\u{2}")
    }

    fn attribute(&mut self, name: &str, value: &str) {
        if !is_xml_name(name) {
            return;
        }
        let _ = write!(self.out, " {name}=\"");
        self.attr_text(value);
        self.out.push('"');
    }

    fn css_text(&mut self, css: &str, attribute: bool) {
        escape_css(&mut self.out, css, attribute);
    }

    fn attr_text(&mut self, value: &str) {
        escape(&mut self.out, value, true);
    }

    fn text(&mut self, value: &str) {
        escape(&mut self.out, value, false);
    }
}
