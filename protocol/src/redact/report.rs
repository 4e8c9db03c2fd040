//! Redacting a whole report: every string field a secret could travel in goes through the
//! engine, and the counts are added to the report's `redactions`.
//!
//! Which field goes through which rule is declared once, on the report's fields
//! ([`crate::schema`]); from those marks each object gets both walks of [`Walk`]: over the typed
//! report (the relay) and over a report held as JSON (a host's `beforeSend` result in the
//! widget). A test holds the two walks to one output.

use crate::json::Json;
use crate::map::Map;
use crate::report::{Body, MetadataValue, Report};

use super::headers::REDACTED;
use super::{Counts, Redactor};

/// An object of the report, redacted field by field by the marks of its declaration.
pub trait Walk {
    /// Redacts the typed value in place.
    fn walk(&mut self, r: &Redactor, c: &mut Counts);
    /// Redacts the same object held as JSON; anything not of the object's shape is left as it
    /// is, for the relay's validation to refuse with a clear error.
    fn walk_json(value: &mut Json, r: &Redactor, c: &mut Counts);
}

impl<T: Walk> Walk for Option<T> {
    fn walk(&mut self, r: &Redactor, c: &mut Counts) {
        if let Some(value) = self {
            value.walk(r, c);
        }
    }

    fn walk_json(value: &mut Json, r: &Redactor, c: &mut Counts) {
        if value.as_object().is_some() {
            T::walk_json(value, r, c);
        }
    }
}

impl<T: Walk> Walk for Vec<T> {
    fn walk(&mut self, r: &Redactor, c: &mut Counts) {
        for item in self {
            item.walk(r, c);
        }
    }

    /// The objects of the array (anything else in it is skipped).
    fn walk_json(value: &mut Json, r: &Redactor, c: &mut Counts) {
        for item in value.as_array_mut().into_iter().flatten() {
            if item.as_object().is_some() {
                T::walk_json(item, r, c);
            }
        }
    }
}

/// The strings of a field redacted by `text`.
pub trait Texts {
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String));
}

impl Texts for String {
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        f(self);
    }
}

impl Texts for Option<String> {
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let Some(s) = self {
            f(s);
        }
    }
}

impl Texts for Vec<String> {
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.iter_mut().for_each(f);
    }
}

impl Texts for Map<MetadataValue> {
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        for value in self.values_mut() {
            if let MetadataValue::String(s) = value {
                f(s);
            }
        }
    }
}

/// Every string in a field: its text, each of its values, or each string of its list.
pub mod text {
    use super::*;

    pub fn typed(r: &Redactor, c: &mut Counts, value: &mut impl Texts) {
        value.each_text(&mut |s| r.text_in_place(s, c));
    }

    pub fn json<T: ?Sized>(r: &Redactor, c: &mut Counts, value: &mut Json) {
        strings(r, c, value);
    }

    pub(super) fn strings(r: &Redactor, c: &mut Counts, value: &mut Json) {
        match value {
            Json::String(s) => r.text_in_place(s, c),
            Json::Array(items) => items.iter_mut().for_each(|v| one(r, c, v)),
            Json::Object(members) => members.iter_mut().for_each(|(_, v)| one(r, c, v)),
            _ => {}
        }
    }

    fn one(r: &Redactor, c: &mut Counts, value: &mut Json) {
        if let Json::String(s) = value {
            r.text_in_place(s, c);
        }
    }
}

/// A URL, by the URL rules (userinfo, sensitive query and fragment parameters).
pub mod url {
    use super::*;

    pub fn typed(r: &Redactor, c: &mut Counts, value: &mut impl Texts) {
        value.each_text(&mut |s| *s = r.url(s, c));
    }

    pub fn json<T: ?Sized>(r: &Redactor, c: &mut Counts, value: &mut Json) {
        if let Json::String(url) = value {
            *url = r.url(url, c);
        }
    }
}

/// Request or response headers: the header policy, then the text rules on every value.
pub mod headers {
    use super::*;

    pub fn typed(r: &Redactor, c: &mut Counts, value: &mut Map<String>) {
        r.headers.apply(value, c);
        for v in value.values_mut() {
            r.text_in_place(v, c);
        }
    }

    pub fn json<T: ?Sized>(r: &Redactor, c: &mut Counts, value: &mut Json) {
        let Json::Object(headers) = value else {
            return;
        };
        for (name, value) in headers.iter_mut() {
            if r.headers.is_redacted(name) && value.as_str() != Some(REDACTED) {
                *value = Json::String(REDACTED.to_owned());
                c.add("header");
            }
            if let Json::String(s) = value {
                r.text_in_place(s, c);
            }
        }
    }
}

/// A request or response body, by its content type; a binary one is never kept.
pub mod body {
    use super::*;

    pub fn typed(r: &Redactor, c: &mut Counts, value: &mut Option<Body>) {
        let Some(body) = value else {
            return;
        };
        // A binary body is never stored, whatever an old or tampered client sent.
        if crate::redact::body_kind(body.content_type.as_deref()) == crate::redact::BodyKind::Binary
        {
            if body.text.take().is_some() {
                c.add("binary_body");
            }
            body.binary = true;
            return;
        }
        if let Some(text) = &body.text
            && let std::borrow::Cow::Owned(new) = r.body(body.content_type.as_deref(), text, c)
        {
            body.text = Some(new);
        }
    }

    pub fn json<T: ?Sized>(r: &Redactor, c: &mut Counts, body: &mut Json) {
        if body.as_object().is_none() {
            return;
        }
        let content_type = body
            .get("content_type")
            .and_then(Json::as_str)
            .map(str::to_owned);
        if crate::redact::body_kind(content_type.as_deref()) == crate::redact::BodyKind::Binary {
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
            && let std::borrow::Cow::Owned(new) = r.body(content_type.as_deref(), text, c)
        {
            *text = new;
        }
    }
}

/// The DOM snapshot's tree: attribute values and text by the text rules.
pub mod dom {
    use super::*;

    pub fn typed(r: &Redactor, c: &mut Counts, value: &mut Option<Json>) {
        if let Some(node) = value {
            r.dom(node, c);
        }
    }

    pub fn json<T: ?Sized>(r: &Redactor, c: &mut Counts, node: &mut Json) {
        if *node != Json::Null {
            r.dom(node, c);
        }
    }
}

/// The object or objects a field holds, each by its own marks.
pub mod each {
    use super::*;

    pub fn typed(r: &Redactor, c: &mut Counts, value: &mut impl Walk) {
        value.walk(r, c);
    }

    pub fn json<T: Walk>(r: &Redactor, c: &mut Counts, value: &mut Json) {
        T::walk_json(value, r, c);
    }
}

impl Redactor {
    /// Redacts `report` in place and returns what this pass replaced (already merged into
    /// `report.redactions`). The host-supplied `identity` is left as the host set it.
    pub fn report(&self, report: &mut Report) -> Counts {
        let mut c = Counts::default();
        report.walk(self, &mut c);
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
        Report::walk_json(report, self, &mut c);
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
}
