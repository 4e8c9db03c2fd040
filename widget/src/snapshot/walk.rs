//! Walking a document into rrweb's serialized-node JSON, written straight into one string (no
//! intermediate tree): ids from 1 in document order, blocked elements as `rr_width`/`rr_height`
//! boxes, open shadow roots inlined with `isShadow`, same-origin iframe documents inlined under
//! their `<iframe>` with `rootId`, readable stylesheets as `_cssText`.
//!
//! Privacy is decided here, at the one place every node passes: values of inputs are written
//! masked (password values are never read), masked subtrees have their text replaced character
//! for character, scripts lose their contents and every inline handler is dropped, and all other
//! text goes through the redaction engine: attribute values by their name first (so
//! `data-api-key="…"` and `<meta name="csrf-token" content="…">` lose their values whatever they
//! look like), then by the secret patterns.

use std::borrow::Cow;
use std::fmt::Write;

use bugcap_protocol::redact::body::meta_name;
use bugcap_protocol::redact::{Counts, Redactor};
use js_sys::Reflect;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

use crate::css::{self, adopted_css, resolve, rules_text, sheet_of};
use crate::privacy::{self, InputKind};
use crate::text::{json_quote, number};
use bugcap_protocol::json::write_uint;

/// How the walk treats the page, and how much of it it may write.
pub struct Settings<'a> {
    pub mask_inputs: bool,
    pub block_selector: Option<&'a str>,
    pub mask_selector: Option<&'a str>,
    pub redactor: &'a Redactor,
    pub max_nodes: u32,
    pub max_bytes: usize,
    pub max_depth: usize,
}

/// What the walk produced besides the JSON: enough for the reporter to decide between inlining
/// the snapshot in the report and uploading it as an attachment.
#[derive(Debug, Default)]
pub struct Stats {
    pub nodes: u32,
    /// Deepest JSON nesting written.
    pub json_depth: usize,
    /// Longest string written, in bytes.
    pub longest_string: usize,
    /// Nodes were left out to stay within the limits.
    pub truncated: bool,
}

pub struct Walker<'a> {
    settings: Settings<'a>,
    out: String,
    next_id: u32,
    counts: Counts,
    stats: Stats,
    /// Base URL of the document being walked, for making references absolute.
    base: String,
    /// Id of the iframe document being walked; `None` in the top document.
    root_id: Option<u32>,
    /// The document's constructed stylesheets, written at the end of its `<head>`.
    pending_adopted: Option<String>,
}

/// What the ancestors decided for a subtree.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    mask: bool,
    svg: bool,
    /// Inside a `<select>` whose choice is masked.
    masked_select: bool,
    depth: usize,
}

const TEXT: u16 = 3;
const ELEMENT: u16 = 1;
const DOCTYPE: u16 = 10;

impl<'a> Walker<'a> {
    pub fn new(settings: Settings<'a>) -> Walker<'a> {
        Walker {
            settings,
            out: String::with_capacity(64 * 1024),
            next_id: 1,
            counts: Counts::default(),
            stats: Stats::default(),
            base: String::new(),
            root_id: None,
            pending_adopted: None,
        }
    }

    pub fn finish(self) -> (String, Stats, Counts) {
        (self.out, self.stats, self.counts)
    }

    fn id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        self.stats.nodes += 1;
        id
    }

    fn full(&self) -> bool {
        self.stats.nodes >= self.settings.max_nodes || self.out.len() >= self.settings.max_bytes
    }

    fn string(&mut self, s: &str) {
        self.stats.longest_string = self.stats.longest_string.max(s.len());
        json_quote(&mut self.out, s);
    }

    /// `"id":N,"type":T` plus `rootId`/`isShadow` where they apply.
    fn head(&mut self, node_type: u8, shadow: bool, ctx: &Context) -> u32 {
        let id = self.id();
        self.out.push_str("{\"id\":");
        write_uint(u64::from(id), &mut self.out);
        self.out.push_str(",\"type\":");
        write_uint(u64::from(node_type), &mut self.out);
        if let Some(root) = self.root_id {
            self.out.push_str(",\"rootId\":");
            write_uint(u64::from(root), &mut self.out);
        }
        if shadow {
            self.out.push_str(",\"isShadow\":true");
        }
        // An object, and the childNodes array inside it.
        self.stats.json_depth = self.stats.json_depth.max(2 * ctx.depth + 2);
        id
    }

    /// Serializes `doc` (the top document, or a same-origin iframe's) as a Document node.
    pub fn document(&mut self, doc: &Document, ctx_depth: usize) {
        let ctx = Context {
            depth: ctx_depth,
            ..Context::default()
        };
        let id = self.next_id;
        let outer_root = self.root_id;
        if id != 1 {
            self.root_id = Some(id);
        }
        let outer_base = std::mem::replace(
            &mut self.base,
            doc.base_uri().ok().flatten().unwrap_or_default(),
        );
        let outer_adopted = std::mem::replace(&mut self.pending_adopted, adopted_css(doc.as_ref()));
        self.head(0, false, &ctx);
        self.out.push_str(",\"compatMode\":");
        self.string(&doc.compat_mode());
        self.out.push_str(",\"childNodes\":[");
        self.children(doc.as_ref(), ctx, false);
        self.out.push_str("]}");
        self.pending_adopted = outer_adopted;
        self.base = outer_base;
        self.root_id = outer_root;
    }

    /// Writes the children of `parent` as array items; `shadow` marks them as a shadow root's.
    fn children(&mut self, parent: &Node, ctx: Context, shadow: bool) {
        let mut child = parent.first_child();
        while let Some(node) = child {
            if self.full() || ctx.depth >= self.settings.max_depth {
                self.stats.truncated = true;
                return;
            }
            let mark = self.out.len();
            self.separator();
            if !self.node(&node, ctx, shadow) {
                self.out.truncate(mark);
            }
            child = node.next_sibling();
        }
    }

    /// A comma unless this is the first item of the array being written.
    fn separator(&mut self) {
        if !self.out.ends_with('[') {
            self.out.push(',');
        }
    }

    /// Writes one node; `false` when it is left out (comments, processing instructions).
    fn node(&mut self, node: &Node, ctx: Context, shadow: bool) -> bool {
        match node.node_type() {
            ELEMENT => {
                let el: &Element = node.unchecked_ref();
                // The widget's own launcher and dialog are not part of the page.
                let tag = el.local_name();
                if tag == crate::UI_TAG {
                    return false;
                }
                self.element(el, tag, ctx, shadow);
                true
            }
            TEXT => {
                let text = node.node_value().unwrap_or_default();
                let text = if ctx.mask || ctx.masked_select {
                    Cow::Owned(privacy::mask(&text))
                } else {
                    self.settings.redactor.text(&text, &mut self.counts)
                };
                self.head(3, shadow, &ctx);
                self.out.push_str(",\"textContent\":");
                self.string(&text);
                self.out.push('}');
                true
            }
            DOCTYPE => {
                let doctype: &web_sys::DocumentType = node.unchecked_ref();
                self.head(1, shadow, &ctx);
                for (key, value) in [
                    ("name", doctype.name()),
                    ("publicId", doctype.public_id()),
                    ("systemId", doctype.system_id()),
                ] {
                    self.out.push_str(",\"");
                    self.out.push_str(key);
                    self.out.push_str("\":");
                    self.string(&value);
                }
                self.out.push('}');
                true
            }
            // Comments hold developers' notes and sometimes data; CDATA and processing
            // instructions do not render.
            _ => false,
        }
    }

    fn element(&mut self, el: &Element, tag: String, parent: Context, shadow: bool) {
        let mut ctx = Context {
            depth: parent.depth + 1,
            svg: parent.svg || tag == "svg",
            ..parent
        };
        if parent.svg && tag == "foreignObject" {
            ctx.svg = false;
        }

        let list = privacy::attributes(el);
        let marks = privacy::element_marks(
            el,
            &list,
            self.settings.block_selector,
            self.settings.mask_selector,
            self.settings.mask_inputs,
        );
        ctx.mask |= marks.mask;

        self.head(2, shadow, &parent);
        self.out.push_str(",\"tagName\":");
        self.string(&tag);
        if ctx.svg {
            self.out.push_str(",\"isSVG\":true");
        }

        // `Some(None)` for an iframe whose document cannot be read (cross-origin).
        let frame = (tag == "iframe").then(|| iframe_document(el));
        let placeholder = marks.block
            || matches!(tag.as_str(), "video" | "audio" | "canvas")
            || matches!(frame, Some(None));
        if placeholder {
            self.placeholder(el, &list);
            return;
        }

        self.out.push_str(",\"attributes\":{");
        let mut first = true;
        let input_kind = InputKind::of_element(&tag, &list);
        let stylesheet = match tag.as_str() {
            "style" => sheet_of(el).map(|sheet| (sheet, None)),
            "link" if css::is_stylesheet_link(&list) => sheet_of(el).map(|sheet| {
                let href = Reflect::get(&sheet, &"href".into())
                    .ok()
                    .and_then(|h| h.as_string());
                (sheet, href)
            }),
            _ => None,
        };
        let inlined_css = stylesheet.and_then(|(sheet, href)| {
            let text = rules_text(&sheet)?;
            let base = href.unwrap_or_else(|| self.base.clone());
            Some(css::absolutify(&text, |u| resolve(u, &base)).into_owned())
        });
        // A `<meta>` tag's content is the value of what it names (`csrf-token`, `api-key`).
        let meta_name = (tag == "meta")
            .then(|| meta_name(list.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
            .flatten()
            .map(str::to_owned);
        for (name, value) in &list {
            let value = match &meta_name {
                Some(meta) if name == "content" => {
                    Some(self.settings.redactor.named(meta, value, &mut self.counts))
                }
                _ => self.attribute(&tag, name, value, input_kind, &ctx, inlined_css.is_some()),
            };
            if let Some(value) = value {
                self.attribute_entry(&mut first, name, &value);
            }
        }
        if let Some(css) = &inlined_css {
            self.attribute_entry(&mut first, "_cssText", css);
        }
        self.input_state(el, &tag, input_kind, &mut ctx, &mut first);
        self.out.push_str("},\"childNodes\":[");

        let skip_children = matches!(tag.as_str(), "script" | "textarea" | "noscript")
            || inlined_css.is_some()
            || tag == "link";
        if let Some(Some(doc)) = &frame {
            self.document(doc, ctx.depth);
        } else if !skip_children {
            self.children(el.as_ref(), ctx, false);
            if tag == "head"
                && let Some(css) = self.pending_adopted.take()
            {
                self.adopted_style(&css, false, &ctx);
            }
        }
        let shadow_root = el.shadow_root();
        if let Some(root) = &shadow_root {
            if let Some(css) = adopted_css(root.as_ref()) {
                self.adopted_style(&css, true, &ctx);
            }
            self.children(root.as_ref(), ctx, true);
        }
        self.out.push(']');
        if shadow_root.is_some() {
            self.out.push_str(",\"isShadowHost\":true");
        }
        self.out.push('}');
    }

    /// One attribute as written, or `None` to leave it out.
    fn attribute<'v>(
        &mut self,
        tag: &str,
        name: &str,
        value: &'v str,
        input: Option<InputKind>,
        ctx: &Context,
        css_inlined: bool,
    ) -> Option<Cow<'v, str>> {
        if privacy::is_event_handler(name) || name == "srcdoc" {
            return None;
        }
        if privacy::is_input_state_attribute(name) {
            // The walker writes the live state itself (masked); the attribute is what frameworks
            // mirror the typed value into. Button labels and option values of an unmasked
            // select are the page's own text.
            let page_text = matches!(input, Some(InputKind::Button))
                || (tag == "option" && !ctx.masked_select && name == "value")
                || !matches!(tag, "input" | "textarea" | "select" | "option");
            if !page_text {
                return None;
            }
        }
        if css_inlined && matches!(name, "href" | "rel" | "integrity" | "crossorigin") {
            return None;
        }
        if tag == "iframe" && name == "src" {
            // The document is inlined; a viewer must not load the page's iframe again.
            return None;
        }
        if (ctx.mask || ctx.masked_select)
            && (privacy::is_text_attribute(name) || privacy::is_data_attribute(name))
        {
            return Some(Cow::Owned(privacy::mask(value)));
        }
        let redactor = self.settings.redactor;
        if privacy::is_url_attribute(name) {
            if privacy::is_script_url(value) {
                return None;
            }
            let absolute = resolve(value, &self.base).map_or(Cow::Borrowed(value), Cow::Owned);
            return Some(Cow::Owned(redactor.url(&absolute, &mut self.counts)));
        }
        match name {
            "srcset" => Some(Cow::Owned(self.srcset(value))),
            "style" => {
                let css = css::absolutify(value, |u| resolve(u, &self.base)).into_owned();
                Some(Cow::Owned(
                    redactor.text(&css, &mut self.counts).into_owned(),
                ))
            }
            // By name first: `data-api-key="…"` loses its value whatever it looks like.
            _ => Some(redactor.named(name, value, &mut self.counts)),
        }
    }

    fn attribute_entry(&mut self, first: &mut bool, name: &str, value: &str) {
        if !std::mem::take(first) {
            self.out.push(',');
        }
        self.string(name);
        self.out.push(':');
        self.string(value);
    }

    /// The live value of a form control, masked unless the host turned input masking off.
    /// Password values are never read.
    fn input_state(
        &mut self,
        el: &Element,
        tag: &str,
        input: Option<InputKind>,
        ctx: &mut Context,
        first: &mut bool,
    ) {
        let mask = self.settings.mask_inputs || ctx.mask;
        let value = match (tag, input) {
            (_, Some(InputKind::Password | InputKind::Button)) => return,
            (_, Some(InputKind::Choice)) => {
                let checked = el.unchecked_ref::<web_sys::HtmlInputElement>().checked();
                if !mask && checked {
                    self.attribute_entry(first, "checked", "");
                }
                return;
            }
            (_, Some(InputKind::Text)) => el.unchecked_ref::<web_sys::HtmlInputElement>().value(),
            ("textarea", _) => el.unchecked_ref::<web_sys::HtmlTextAreaElement>().value(),
            ("select", _) => {
                ctx.masked_select = mask;
                if mask {
                    return;
                }
                el.unchecked_ref::<web_sys::HtmlSelectElement>().value()
            }
            ("option", _) => {
                if !ctx.masked_select && el.unchecked_ref::<web_sys::HtmlOptionElement>().selected()
                {
                    self.attribute_entry(first, "selected", "");
                }
                return;
            }
            _ => return,
        };
        let value = if mask {
            Cow::Owned(privacy::mask(&value))
        } else {
            Cow::Owned(
                self.settings
                    .redactor
                    .text(&value, &mut self.counts)
                    .into_owned(),
            )
        };
        self.attribute_entry(first, "value", &value);
    }

    /// A same-size empty box: what is inside never leaves the page.
    fn placeholder(&mut self, el: &Element, list: &[(String, String)]) {
        let rect = el.get_bounding_client_rect();
        self.out.push_str(",\"attributes\":{");
        if let Some((_, class)) = list.iter().find(|(n, _)| n == "class") {
            self.out.push_str("\"class\":");
            self.string(class);
            self.out.push(',');
        }
        let _ = write!(
            self.out,
            "\"rr_width\":\"{}px\",\"rr_height\":\"{}px\"}},\"childNodes\":[]}}",
            number(rect.width().max(0.0)),
            number(rect.height().max(0.0))
        );
    }

    /// Constructed stylesheets as one `<style>` element, which rebuilds like any other.
    fn adopted_style(&mut self, css: &str, shadow: bool, parent: &Context) {
        self.separator();
        let ctx = Context {
            depth: parent.depth + 1,
            ..*parent
        };
        self.head(2, shadow, &ctx);
        self.out.push_str(
            ",\"tagName\":\"style\",\"attributes\":{\"data-bugcap-adopted\":\"\",\"_cssText\":",
        );
        self.string(css);
        self.out.push_str("},\"childNodes\":[]}");
    }

    fn srcset(&mut self, value: &str) -> String {
        value.split(',').fold(String::new(), |mut out, candidate| {
            if !out.is_empty() {
                out.push_str(", ");
            }
            let candidate = candidate.trim();
            let (url, descriptor) = candidate.split_once(' ').unwrap_or((candidate, ""));
            let url = resolve(url, &self.base).unwrap_or_else(|| url.to_owned());
            let url = self.settings.redactor.url(&url, &mut self.counts);
            out.push_str(&url);
            if !descriptor.is_empty() {
                out.push(' ');
                out.push_str(descriptor.trim());
            }
            out
        })
    }
}

/// The document of a same-origin iframe; `None` when it is cross-origin (or not loaded).
fn iframe_document(el: &Element) -> Option<Document> {
    el.unchecked_ref::<web_sys::HtmlIFrameElement>()
        .content_document()
}
