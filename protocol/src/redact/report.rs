//! Redacting a whole report: every string field a secret could travel in goes through the
//! engine, and the counts are added to the report's `redactions`.

use crate::json::Json;

use crate::report::{Body, Report};

use super::headers::REDACTED;
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

    /// [`Redactor::report`] over a report held as JSON: a report a host edited (the widget's
    /// `beforeSend`), where reading it back into [`Report`] would bring a whole deserializer
    /// into the widget's bundle. The same fields by the same rules, so a test holds
    /// the two walks to one output; a field of the wrong type is left as it is, for the relay's
    /// validation to refuse with a clear error. A repeated key ([`crate::shape::check`] refuses
    /// it in a report) would have only its first copy walked.
    pub fn report_value(&self, report: &mut Json) -> Counts {
        let mut c = Counts::default();
        if report.as_object().is_none() {
            return c;
        }
        if let Some(feedback) = report.get_mut("feedback") {
            self.text_at(feedback, "text", &mut c);
            self.text_at(feedback, "category", &mut c);
        }
        if let Some(page) = report.get_mut("page") {
            self.url_at(page, "url", &mut c);
            self.url_at(page, "referrer", &mut c);
            self.text_at(page, "title", &mut c);
        }
        if let Some(Json::Object(metadata)) = report.get_mut("metadata") {
            metadata
                .iter_mut()
                .for_each(|(_, v)| self.text_value(v, &mut c));
        }
        for entry in items(report, "console") {
            self.text_at(entry, "message", &mut c);
            if let Some(Json::Array(args)) = entry.get_mut("args") {
                args.iter_mut().for_each(|a| self.text_value(a, &mut c));
            }
            self.text_at(entry, "stack", &mut c);
        }
        for entry in items(report, "errors") {
            self.text_at(entry, "message", &mut c);
            self.url_at(entry, "source", &mut c);
            self.text_at(entry, "stack", &mut c);
        }
        for entry in items(report, "network") {
            self.url_at(entry, "url", &mut c);
            for key in ["request_headers", "response_headers"] {
                let Some(Json::Object(headers)) = entry.get_mut(key) else {
                    continue;
                };
                for (name, value) in headers.iter_mut() {
                    if self.headers.is_redacted(name) && value.as_str() != Some(REDACTED) {
                        *value = Json::String(REDACTED.to_owned());
                        c.add("header");
                    }
                    self.text_value(value, &mut c);
                }
            }
            for key in ["request_body", "response_body"] {
                if let Some(body) = entry.get_mut(key)
                    && body.as_object().is_some()
                {
                    self.body_value(body, &mut c);
                }
            }
            self.text_at(entry, "error", &mut c);
        }
        if let Some(node) = report.get_mut("dom").and_then(|d| d.get_mut("node"))
            && *node != Json::Null
        {
            self.dom(node, &mut c);
        }
        for annotation in items(report, "annotations") {
            self.text_at(annotation, "text", &mut c);
        }
        if report.get("redactions").and_then(Json::as_object).is_none() {
            report.set("redactions", Json::Object(Vec::new()));
        }
        if let Some(redactions) = report.get_mut("redactions") {
            for (rule, n) in &c.0 {
                let before = redactions.get(rule).and_then(Json::as_u64).unwrap_or(0);
                redactions.set(rule, Json::from(before + n));
            }
        }
        c
    }

    fn text_value(&self, value: &mut Json, c: &mut Counts) {
        if let Json::String(s) = value {
            self.text_in_place(s, c);
        }
    }

    fn text_at(&self, object: &mut Json, key: &str, c: &mut Counts) {
        if let Some(value) = object.get_mut(key) {
            self.text_value(value, c);
        }
    }

    fn url_at(&self, object: &mut Json, key: &str, c: &mut Counts) {
        if let Some(Json::String(url)) = object.get_mut(key) {
            *url = self.url(url, c);
        }
    }

    fn body_value(&self, body: &mut Json, c: &mut Counts) {
        let content_type = body
            .get("content_type")
            .and_then(Json::as_str)
            .map(str::to_owned);
        if super::body_kind(content_type.as_deref()) == super::BodyKind::Binary {
            if body.get("text").is_some_and(|t| *t != Json::Null) {
                c.add("binary_body");
            }
            if let Some(members) = body.as_object_mut() {
                members.retain(|(k, _)| k != "text");
            }
            body.set("binary", Json::Bool(true));
            return;
        }
        if let Some(Json::String(text)) = body.get_mut("text")
            && let std::borrow::Cow::Owned(new) = self.body(content_type.as_deref(), text, c)
        {
            *text = new;
        }
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

/// The objects in the array at `key` of `object` (anything else in it is skipped).
fn items<'a>(object: &'a mut Json, key: &str) -> impl Iterator<Item = &'a mut Json> {
    object
        .get_mut(key)
        .and_then(Json::as_array_mut)
        .into_iter()
        .flatten()
        .filter(|item| item.as_object().is_some())
}
