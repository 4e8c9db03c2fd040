//! Redacting a whole report: every string field a secret could travel in goes through the
//! engine, and the counts are added to the report's `redactions`.

use crate::report::{Body, Report};

use super::{Counts, Redactor};

impl Redactor {
    /// Redacts `report` in place and returns what this pass replaced (already merged into
    /// `report.redactions`). The host-supplied `identity` is left as the host set it.
    pub fn report(&self, report: &mut Report) -> Counts {
        let mut c = Counts::default();
        self.text_in_place(&mut report.feedback.text, &mut c);
        if let Some(category) = &mut report.feedback.category {
            self.text_in_place(category, &mut c);
        }

        let page = &mut report.page;
        page.url = self.url(&page.url, &mut c);
        if let Some(referrer) = &mut page.referrer {
            *referrer = self.url(referrer, &mut c);
        }
        self.text_in_place(&mut page.title, &mut c);

        for value in report.metadata.values_mut() {
            if let crate::report::MetadataValue::String(s) = value {
                self.text_in_place(s, &mut c);
            }
        }

        for entry in &mut report.console {
            self.text_in_place(&mut entry.message, &mut c);
            for arg in &mut entry.args {
                self.text_in_place(arg, &mut c);
            }
            if let Some(stack) = &mut entry.stack {
                self.text_in_place(stack, &mut c);
            }
        }

        for entry in &mut report.errors {
            self.text_in_place(&mut entry.message, &mut c);
            if let Some(source) = &mut entry.source {
                *source = self.url(source, &mut c);
            }
            if let Some(stack) = &mut entry.stack {
                self.text_in_place(stack, &mut c);
            }
        }

        for entry in &mut report.network {
            entry.url = self.url(&entry.url, &mut c);
            self.headers.apply(&mut entry.request_headers, &mut c);
            self.headers.apply(&mut entry.response_headers, &mut c);
            for value in entry
                .request_headers
                .values_mut()
                .chain(entry.response_headers.values_mut())
            {
                self.text_in_place(value, &mut c);
            }
            for body in [&mut entry.request_body, &mut entry.response_body]
                .into_iter()
                .flatten()
            {
                self.body_field(body, &mut c);
            }
            if let Some(error) = &mut entry.error {
                self.text_in_place(error, &mut c);
            }
        }

        if let Some(node) = report.dom.as_mut().and_then(|d| d.node.as_mut()) {
            self.dom(node, &mut c);
        }
        for annotation in &mut report.annotations {
            if let Some(text) = &mut annotation.text {
                self.text_in_place(text, &mut c);
            }
        }
        c.merge_into(&mut report.redactions);
        c
    }

    fn body_field(&self, body: &mut Body, c: &mut Counts) {
        // A binary body is never stored, whatever an old or tampered client sent.
        if super::body_kind(body.content_type.as_deref()) == super::BodyKind::Binary {
            if body.text.take().is_some() {
                c.add("binary_body");
            }
            body.binary = true;
            return;
        }
        if let Some(text) = &body.text
            && let std::borrow::Cow::Owned(new) = self.body(body.content_type.as_deref(), text, c)
        {
            body.text = Some(new);
        }
    }
}
