//! "What will be sent": everything the report carries besides what the user typed, as it will
//! be sent (redacted), and switches to leave out the parts a user may not want to share: the
//! DOM snapshot (which they can look at first) and the bodies of network requests. The
//! screenshot has its own switch beside its preview.

use bugcap_protocol::MetadataValue;
use bugcap_protocol::redact::Redactor;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement};

use super::dom::{append, el, text_el};
use crate::captured::Captured;
use crate::strings::Text;

pub struct Details {
    root: Element,
    /// Send the masked DOM snapshot; `None` when the host turned snapshots off.
    pub snapshot: Option<HtmlInputElement>,
    /// The `<details>` that shows the snapshot when opened, and the `<pre>` it fills.
    pub snapshot_view: Option<(Element, Element)>,
    /// Send request and response bodies; `None` when no captured request has one.
    pub bodies: Option<HtmlInputElement>,
}

impl Details {
    pub fn build(
        doc: &Document,
        t: &dyn Fn(Text) -> String,
        captured: &Captured,
        redactor: &Redactor,
        dom_snapshot: bool,
    ) -> Details {
        let root = el(doc, "details", &[("class", "sent")]);
        let summary = text_el(doc, "summary", &[], &t(Text::Details));
        let list = el(doc, "ul", &[]);
        let window = web_sys::window();
        let page_url = window
            .as_ref()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let agent = window
            .as_ref()
            .and_then(|w| w.navigator().user_agent().ok())
            .unwrap_or_default();
        let mut rows = vec![
            (
                t(Text::DetailsPage),
                redactor.url(&page_url, &mut Default::default()),
            ),
            (t(Text::DetailsBrowser), agent),
        ];
        if let Some(identity) = &captured.identity {
            let mut who = String::new();
            for part in [&identity.name, &identity.email, &identity.id]
                .into_iter()
                .flatten()
            {
                separate(&mut who, " · ");
                who.push_str(part);
            }
            rows.push((t(Text::DetailsIdentity), who));
        }
        if !captured.metadata.is_empty() {
            let mut pairs = String::new();
            for (key, value) in captured.metadata.iter() {
                let value = match value {
                    MetadataValue::String(s) => redactor.text(s, &mut Default::default()),
                    MetadataValue::Bool(b) => if *b { "true" } else { "false" }.into(),
                    MetadataValue::Number(n) => crate::text::number(*n).into(),
                };
                separate(&mut pairs, ", ");
                pairs.push_str(key);
                pairs.push('=');
                pairs.push_str(&short(&value));
            }
            rows.push((t(Text::DetailsMetadata), pairs));
        }
        for (label, count) in [
            (Text::DetailsConsole, captured.console.len()),
            (Text::DetailsNetwork, captured.network.len()),
            (Text::DetailsErrors, captured.errors.len()),
        ] {
            rows.push((t(label), count.to_string()));
        }
        for (label, value) in rows {
            append(
                &list,
                &[&text_el(doc, "li", &[], &format!("{label}: {value}"))],
            );
        }
        append(&root, &[&summary, &list]);

        let (snapshot, snapshot_view) = if dom_snapshot {
            let (row, input) = switch(doc, "bc-send-dom", &t(Text::DetailsSnapshot));
            let view = el(doc, "details", &[("class", "peek")]);
            let pre = el(doc, "pre", &[("class", "log"), ("tabindex", "0")]);
            append(
                &view,
                &[&text_el(doc, "summary", &[], &t(Text::Show)), &pre],
            );
            append(&row, &[&view]);
            append(&root, &[&row]);
            (Some(input), Some((view, pre)))
        } else {
            (None, None)
        };
        let has_bodies = captured
            .network
            .iter()
            .any(|n| n.request_body.is_some() || n.response_body.is_some());
        let bodies = has_bodies.then(|| {
            let (row, input) = switch(doc, "bc-send-bodies", &t(Text::DetailsBodies));
            append(&root, &[&row]);
            input
        });

        let mut lines = String::new();
        for entry in captured.console.iter().rev().take(20).rev() {
            let message = redactor.text(&entry.message, &mut Default::default());
            lines.push_str(&format!("[{}] {}\n", entry.level.as_str(), short(&message)));
        }
        for entry in captured.network.iter().rev().take(20).rev() {
            let url = redactor.url(&entry.url, &mut Default::default());
            let status = entry
                .status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "—".into());
            lines.push_str(&format!("{} {} {}\n", entry.method, short(&url), status));
        }
        if !lines.is_empty() {
            append(
                &root,
                &[&text_el(
                    doc,
                    "pre",
                    &[("class", "log"), ("tabindex", "0")],
                    &lines,
                )],
            );
        }
        append(
            &root,
            &[&text_el(
                doc,
                "p",
                &[("class", "hint")],
                &t(Text::DetailsPrivacy),
            )],
        );
        Details {
            root,
            snapshot,
            snapshot_view,
            bodies,
        }
    }

    pub fn element(&self) -> &Element {
        &self.root
    }

    /// Whether the user left the DOM snapshot in.
    pub fn send_snapshot(&self) -> bool {
        self.snapshot.as_ref().is_none_or(HtmlInputElement::checked)
    }

    /// Whether the user left the request and response bodies in.
    pub fn send_bodies(&self) -> bool {
        self.bodies.as_ref().is_none_or(HtmlInputElement::checked)
    }

    /// Shows `text` (the snapshot as it would be sent) in the snapshot's view.
    pub fn show_snapshot(&self, text: &str) {
        if let Some((_, pre)) = &self.snapshot_view {
            pre.set_text_content(Some(text));
            if let Some(pre) = pre.dyn_ref::<HtmlElement>() {
                pre.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
    }
}

/// Adds `separator` to a list being written, unless it is still empty.
fn separate(list: &mut String, separator: &str) {
    if !list.is_empty() {
        list.push_str(separator);
    }
}

/// A checked checkbox with its label, in a row: `(row, checkbox)`.
fn switch(doc: &Document, id: &str, label: &str) -> (Element, HtmlInputElement) {
    let row = el(doc, "div", &[("class", "switch")]);
    let input: HtmlInputElement =
        el(doc, "input", &[("type", "checkbox"), ("id", id)]).unchecked_into();
    input.set_checked(true);
    let text = text_el(doc, "label", &[("for", id)], label);
    append(&row, &[input.as_ref(), &text]);
    (row, input)
}

/// At most 160 bytes of `text`, for one line of the list.
fn short(text: &str) -> String {
    crate::text::clip(text.to_owned(), 160, &mut false)
}
