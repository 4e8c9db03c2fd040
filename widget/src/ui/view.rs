//! The fixed part of the widget's UI described as data: a tree of [`Node`]s that one small
//! function turns into elements.
//!
//! Why data and not builder calls: each element made through web-sys calls is code of its own
//! in the module (a call per attribute, a drop per handle), and the dialog and editor are made
//! of many. A static tree is bytes that gzip well, read by one loop. What varies with the
//! options (the category list, the e-mail field, the screenshot area) is a part of the tree
//! the controller fills in or removes after the build. Nothing is parsed from markup, so a page
//! that enforces Trusted Types still shows the widget, and UI strings (the host's own or a
//! locale's) only ever reach the page as text and attribute values, never as markup.

use std::borrow::Cow;

use wasm_bindgen::UnwrapThrowExt;
use web_sys::{Document, Element};

use super::dom::el;
use crate::strings::Text;

/// An attribute's or a text's value: as written, or a UI string in the page's language.
#[derive(Clone, Copy)]
pub enum Value {
    Is(&'static str),
    Ui(Text),
}

/// One element: its tag, attributes and text, its children, and the part it is to the code
/// that drives it (0 for none).
pub struct Node {
    pub tag: &'static str,
    pub attributes: &'static [(&'static str, Value)],
    pub text: Option<Value>,
    pub children: &'static [Node],
    pub part: u8,
}

/// `<tag attributes…>children…</tag>`.
pub const fn node(
    tag: &'static str,
    attributes: &'static [(&'static str, Value)],
    children: &'static [Node],
) -> Node {
    Node {
        tag,
        attributes,
        text: None,
        children,
        part: 0,
    }
}

/// `<tag attributes…>text</tag>`.
pub const fn leaf(
    tag: &'static str,
    attributes: &'static [(&'static str, Value)],
    text: Value,
) -> Node {
    Node {
        tag,
        attributes,
        text: Some(text),
        children: &[],
        part: 0,
    }
}

impl Node {
    /// The same node, handed back after the build as part `part` of [`Parts`].
    pub const fn part(self, part: u8) -> Node {
        Node { part, ..self }
    }
}

/// The elements a build handed back, by part number.
pub struct Parts(Vec<Option<Element>>);

impl Parts {
    /// Part `part`. Every part a view names is in its tree (the e2e tests open each variant of
    /// the dialog); were one missing, this throws a JS error to the caller rather than trap.
    pub fn take(&mut self, part: u8) -> Element {
        self.0
            .get_mut(usize::from(part))
            .and_then(Option::take)
            .expect_throw("a view part is missing")
    }
}

/// Builds `root` and its subtree, with `t` giving the UI strings; `parts` is the number of
/// parts the tree names.
pub fn build(
    doc: &Document,
    root: &Node,
    t: &dyn Fn(Text) -> String,
    parts: u8,
) -> (Element, Parts) {
    let mut found = Parts(vec![None; usize::from(parts) + 1]);
    let element = build_node(doc, root, t, &mut found);
    (element, found)
}

fn build_node(
    doc: &Document,
    node: &Node,
    t: &dyn Fn(Text) -> String,
    parts: &mut Parts,
) -> Element {
    let element = el(doc, node.tag, &[]);
    for (name, value) in node.attributes {
        let _ = element.set_attribute(name, &resolve(*value, t));
    }
    if let Some(text) = node.text {
        element.set_text_content(Some(&resolve(text, t)));
    }
    for child in node.children {
        let _ = element.append_child(&build_node(doc, child, t, parts));
    }
    if node.part != 0
        && let Some(slot) = parts.0.get_mut(usize::from(node.part))
    {
        *slot = Some(element.clone());
    }
    element
}

fn resolve(value: Value, t: &dyn Fn(Text) -> String) -> Cow<'static, str> {
    match value {
        Value::Is(text) => Cow::Borrowed(text),
        Value::Ui(text) => Cow::Owned(t(text)),
    }
}
