//! Structured scrubbing: JSON values (by key, at any depth) and form-encoded bodies (by field
//! name), then secret patterns in every remaining string. Bodies are capped before anything is
//! scanned, and only textual content types are ever read.

use std::borrow::Cow;

use serde_json::Value;

use super::names::{KeyClass, classify_key};
use super::url::percent_decode;
use super::{Counts, Redactor};

/// The rule name for values removed because of their key.
pub const KEY_RULE: &str = "sensitive_key";
const KEY_PLACEHOLDER: &str = "[REDACTED:sensitive_key]";

/// How a body is treated, from its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Text,
    /// Images, media, archives, protobuf, event streams…: never read.
    Binary,
}

/// Classifies a `Content-Type` value. Missing types are treated as text (the capture side
/// decides separately whether an unknown stream is safe to read).
pub fn body_kind(content_type: Option<&str>) -> BodyKind {
    let Some(ct) = content_type else {
        return BodyKind::Text;
    };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "application/json" || mime.ends_with("+json") {
        BodyKind::Json
    } else if mime == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if mime.starts_with("text/")
        || mime.ends_with("+xml")
        || matches!(
            mime.as_str(),
            "application/xml"
                | "application/javascript"
                | "application/graphql"
                | "application/x-ndjson"
                | ""
        )
    {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary; true when something was cut.
pub fn cap(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

impl Redactor {
    /// Redacts a JSON value in place: sensitive keys lose their values, every string is scanned.
    pub fn json(&self, value: &mut Value, counts: &mut Counts) {
        match value {
            Value::String(s) => self.text_in_place(s, counts),
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v, counts)),
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let class = classify_key(key, &self.extra_keys);
                    let replace = match (class, &*v) {
                        (_, Value::String(s)) if s == KEY_PLACEHOLDER => false,
                        (KeyClass::Always, Value::Null) => false,
                        (KeyClass::Always, _) => true,
                        (KeyClass::TextOnly, Value::String(s)) => !s.is_empty(),
                        _ => false,
                    };
                    if replace {
                        *v = Value::String(KEY_PLACEHOLDER.to_owned());
                        counts.add(KEY_RULE);
                    } else {
                        self.json(v, counts);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Redacts a form-encoded body: sensitive field values replaced, others pattern-scanned.
    pub fn form<'a>(&self, form: &'a str, counts: &mut Counts) -> Cow<'a, str> {
        let mut changed = false;
        let mut out = String::with_capacity(form.len());
        for (k, part) in form.split('&').enumerate() {
            if k > 0 {
                out.push('&');
            }
            let Some((name, value)) = part.split_once('=') else {
                out.push_str(part);
                continue;
            };
            out.push_str(name);
            out.push('=');
            let sensitive =
                classify_key(&percent_decode(name), &self.extra_keys) != KeyClass::Plain;
            if sensitive && !value.is_empty() && value != KEY_PLACEHOLDER {
                out.push_str(KEY_PLACEHOLDER);
                counts.add(KEY_RULE);
                changed = true;
            } else {
                let v = self.text(value, counts);
                changed |= matches!(v, Cow::Owned(_));
                out.push_str(&v);
            }
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(form)
        }
    }

    /// Redacts a body of the given content type. JSON that does not parse (often because it was
    /// cut at the size cap) falls back to text scanning, which still catches `"key": "value"`
    /// pairs. Clean input comes back unchanged, byte for byte; a binary body comes back empty.
    pub fn body<'a>(
        &self,
        content_type: Option<&str>,
        text: &'a str,
        counts: &mut Counts,
    ) -> Cow<'a, str> {
        let kind = match body_kind(content_type) {
            BodyKind::Text if looks_like_json(text) => BodyKind::Json,
            k => k,
        };
        match kind {
            BodyKind::Json => match serde_json::from_str::<Value>(text) {
                Ok(mut value) => {
                    let before = counts.total();
                    self.json(&mut value, counts);
                    if counts.total() == before {
                        Cow::Borrowed(text)
                    } else {
                        Cow::Owned(value.to_string())
                    }
                }
                Err(_) => self.text(text, counts),
            },
            BodyKind::Form => self.form(text, counts),
            BodyKind::Text => self.text(text, counts),
            BodyKind::Binary => Cow::Owned(String::new()),
        }
    }
}

fn looks_like_json(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('{') || t.starts_with('[')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_cuts_on_a_character_boundary_and_says_so() {
        assert_eq!(cap("short", 10), ("short", false));
        assert_eq!(
            cap("héllo", 2),
            ("h", true),
            "never splits the two bytes of é"
        );
        assert_eq!(cap("héllo", 3), ("hé", true));
    }

    #[test]
    fn content_types_are_classified() {
        assert_eq!(
            body_kind(Some("application/json; charset=utf-8")),
            BodyKind::Json
        );
        assert_eq!(body_kind(Some("application/problem+json")), BodyKind::Json);
        assert_eq!(
            body_kind(Some("application/x-www-form-urlencoded")),
            BodyKind::Form
        );
        assert_eq!(body_kind(Some("text/html")), BodyKind::Text);
        assert_eq!(body_kind(None), BodyKind::Text);
        for binary in [
            "image/png",
            "video/mp4",
            "application/octet-stream",
            "application/grpc",
        ] {
            assert_eq!(body_kind(Some(binary)), BodyKind::Binary, "{binary}");
        }
        // Streams of text are text: the widget keeps only a bounded head of them.
        assert_eq!(body_kind(Some("text/event-stream")), BodyKind::Text);
        assert_eq!(body_kind(Some("application/x-ndjson")), BodyKind::Text);
    }
}
