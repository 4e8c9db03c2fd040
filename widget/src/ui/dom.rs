//! Thin helpers for building the widget's UI out of DOM elements, and for listeners that are
//! removed when the part of the UI that added them goes away.

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, EventTarget};

use crate::error::WidgetError;

pub fn document() -> Result<Document, WidgetError> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| WidgetError::Environment("no document".into()))
}

/// `<tag attr=value …>`. Infallible: `tag` is always one of the widget's own element names,
/// which `createElement` never refuses (it throws only for a name that is not one). Were it to
/// throw, the error goes to the caller's JS as thrown. Not returning a `Result` keeps each
/// builder free of an early return per element, and of the code that drops every element
/// made before it.
pub fn el(doc: &Document, tag: &str, attributes: &[(&str, &str)]) -> Element {
    let element = doc.create_element(tag).unwrap_throw();
    for (name, value) in attributes {
        let _ = element.set_attribute(name, value);
    }
    element
}

/// `<tag attr=value …>text</tag>`.
pub fn text_el(doc: &Document, tag: &str, attributes: &[(&str, &str)], text: &str) -> Element {
    let element = el(doc, tag, attributes);
    element.set_text_content(Some(text));
    element
}

/// An inline SVG icon: `path` (SVG path data on a 24-pixel grid) stroked in the text colour.
/// Hidden from assistive technology: the button it sits in carries the name.
pub fn icon(doc: &Document, path: &str) -> Element {
    const SVG: &str = "http://www.w3.org/2000/svg";
    let svg = doc.create_element_ns(Some(SVG), "svg").unwrap_throw();
    for (name, value) in [
        ("viewBox", "0 0 24 24"),
        ("aria-hidden", "true"),
        ("focusable", "false"),
    ] {
        let _ = svg.set_attribute(name, value);
    }
    let shape = doc.create_element_ns(Some(SVG), "path").unwrap_throw();
    let _ = shape.set_attribute("d", path);
    let _ = svg.append_child(&shape);
    svg
}

/// Appends `children` to `parent`, in order.
pub fn append(parent: &Element, children: &[&Element]) {
    for child in children {
        let _ = parent.append_child(child);
    }
}

/// Event listeners owned by one part of the UI; all removed when it is dropped.
#[derive(Default)]
pub struct Listeners {
    added: Vec<Listener>,
}

/// One added listener: target, event type, the guarded function the page calls, the handler
/// it calls (kept alive as long as the listener), capture phase.
type Listener = (
    EventTarget,
    &'static str,
    js_sys::Function,
    Closure<dyn FnMut(web_sys::Event)>,
    bool,
);

// `guard` lives in each module's own snippet (one file fewer for a page to download).
#[cfg_attr(feature = "reporter", wasm_bindgen(module = "/js/reporter.js"))]
#[cfg_attr(not(feature = "reporter"), wasm_bindgen(module = "/js/hooks.js"))]
extern "C" {
    /// `handler` wrapped so that nothing it throws, a trap included, reaches the host page.
    fn guard(handler: &JsValue) -> js_sys::Function;
}

impl Listeners {
    /// Adds `handler` for `kind` events on `target`.
    pub fn on(
        &mut self,
        target: &EventTarget,
        kind: &'static str,
        handler: impl FnMut(web_sys::Event) + 'static,
    ) {
        self.add(target, kind, handler, false);
    }

    /// Like [`Listeners::on`], in the capture phase (before the page's own handlers).
    pub fn on_capture(
        &mut self,
        target: &EventTarget,
        kind: &'static str,
        handler: impl FnMut(web_sys::Event) + 'static,
    ) {
        self.add(target, kind, handler, true);
    }

    fn add(
        &mut self,
        target: &EventTarget,
        kind: &'static str,
        handler: impl FnMut(web_sys::Event) + 'static,
        capture: bool,
    ) {
        self.add_boxed(target, kind, Box::new(handler), capture);
    }

    /// The body of [`Listeners::add`], once for all handlers: generic, it was copied into the
    /// module for every kind of closure the UI passes.
    fn add_boxed(
        &mut self,
        target: &EventTarget,
        kind: &'static str,
        handler: Box<dyn FnMut(web_sys::Event)>,
        capture: bool,
    ) {
        let closure = Closure::wrap(handler);
        let guarded = guard(closure.as_ref());
        let _ = target.add_event_listener_with_callback_and_bool(kind, &guarded, capture);
        self.added
            .push((target.clone(), kind, guarded, closure, capture));
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (target, kind, guarded, _closure, capture) in self.added.drain(..) {
            let _ = target.remove_event_listener_with_callback_and_bool(kind, &guarded, capture);
        }
    }
}

/// A constructable stylesheet holding `css`: applied through `adoptedStyleSheets`, so a page
/// whose Content-Security-Policy forbids inline `<style>` still styles the widget.
pub fn sheet(css: &str) -> Result<web_sys::CssStyleSheet, WidgetError> {
    let sheet = web_sys::CssStyleSheet::new().map_err(|_| {
        WidgetError::Environment("constructable stylesheets are unsupported".into())
    })?;
    sheet
        .replace_sync(css)
        .map_err(|_| WidgetError::Environment("the widget's stylesheet was refused".into()))?;
    Ok(sheet)
}

/// Adds `sheet` to the shadow root's adopted stylesheets.
pub fn adopt(root: &web_sys::ShadowRoot, sheet: &web_sys::CssStyleSheet) {
    let sheets = root.adopted_style_sheets();
    if !sheets.includes(sheet, 0) {
        sheets.push(sheet);
        root.set_adopted_style_sheets(&sheets);
    }
}
