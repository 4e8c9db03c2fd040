//! Structured scrubbing: JSON values (by key, at any depth) and form-encoded bodies (by field
//! name), then secret patterns in every remaining string. Bodies are capped before anything is
//! scanned, and only textual content types are ever read.

use std::borrow::Cow;

use crate::json::Json;

use super::names::{KeyClass, classify_key};
use super::url::percent_decode;
use super::{Counts, Redactor};

/// The rule name for values removed because of their key.
pub const KEY_RULE: &str = "sensitive_key";
const KEY_PLACEHOLDER: &str = "[REDACTED:sensitive_key]";

/// What a `<meta>` tag's `content` is the value of, from its attributes: `name`, `property`,
/// `http-equiv` or `itemprop`.
pub fn meta_name<'a>(attributes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<&'a str> {
    attributes
        .into_iter()
        .find(|(k, _)| matches!(*k, "name" | "property" | "http-equiv" | "itemprop"))
        .map(|(_, v)| v)
}

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
    pub fn json(&self, value: &mut Json, counts: &mut Counts) {
        match value {
            Json::String(s) => self.text_in_place(s, counts),
            Json::Array(items) => items.iter_mut().for_each(|v| self.json(v, counts)),
            Json::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let class = classify_key(key, &self.extra_keys);
                    let replace = match (class, &*v) {
                        (_, Json::String(s)) if s == KEY_PLACEHOLDER => false,
                        (KeyClass::Always, Json::Null) => false,
                        (KeyClass::Always, _) => true,
                        (KeyClass::TextOnly, Json::String(s)) => !s.is_empty(),
                        _ => false,
                    };
                    if replace {
                        *v = Json::String(KEY_PLACEHOLDER.to_owned());
                        counts.add(KEY_RULE);
                    } else {
                        self.json(v, counts);
                    }
                }
            }
            Json::Null | Json::Bool(_) | Json::Number(_) => {}
        }
    }

    /// A text value known by a name (a form field, an HTML attribute, what a `<meta>` tag
    /// names): the whole value when the name is sensitive, else its secret patterns.
    pub fn named<'a>(&self, name: &str, value: &'a str, counts: &mut Counts) -> Cow<'a, str> {
        let sensitive = classify_key(name, &self.extra_keys) != KeyClass::Plain;
        if sensitive && !value.is_empty() && value != KEY_PLACEHOLDER {
            counts.add(KEY_RULE);
            // Owned: callers tell a change by it, as with `text`.
            Cow::Owned(KEY_PLACEHOLDER.to_owned())
        } else {
            self.text(value, counts)
        }
    }

    /// Redacts a DOM snapshot (rrweb's serialized nodes) in place: as any JSON, where attribute
    /// names are keys, and a `<meta>` tag's `content` by what the tag names, so
    /// `<meta name="csrf-token" content="…">` loses its token.
    pub fn dom(&self, node: &mut Json, counts: &mut Counts) {
        self.json(node, counts);
        self.meta_contents(node, counts);
    }

    fn meta_contents(&self, value: &mut Json, counts: &mut Counts) {
        let is_meta = value.get("tagName").and_then(Json::as_str) == Some("meta");
        match value {
            Json::Array(items) => items.iter_mut().for_each(|v| self.meta_contents(v, counts)),
            Json::Object(map) => {
                if is_meta {
                    // Every `attributes` member and every `content` in it: a repeated key is
                    // still a value the page holds.
                    for (_, attributes) in map.iter_mut().filter(|(k, _)| k == "attributes") {
                        self.meta_content(attributes, counts);
                    }
                }
                map.iter_mut()
                    .for_each(|(_, v)| self.meta_contents(v, counts));
            }
            _ => {}
        }
    }

    /// A `<meta>` tag's attributes: each `content` by what the tag names.
    fn meta_content(&self, attributes: &mut Json, counts: &mut Counts) {
        let Json::Object(attributes) = attributes else {
            return;
        };
        let named = meta_name(
            attributes
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))),
        );
        let Some(name) = named.map(str::to_owned) else {
            return;
        };
        for (_, content) in attributes.iter_mut().filter(|(k, _)| k == "content") {
            if let Json::String(text) = content
                && let Cow::Owned(new) = self.named(&name, text, counts)
            {
                *text = new;
            }
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
            let v = self.named(&percent_decode(name), value, counts);
            changed |= matches!(v, Cow::Owned(_));
            out.push_str(&v);
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
            BodyKind::Json => match Json::parse(text) {
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

    fn redactor() -> Redactor {
        Redactor::new(&Default::default()).unwrap()
    }

    #[test]
    fn named_values_go_by_their_name() {
        let r = redactor();
        let mut c = Counts::default();
        assert_eq!(r.named("csrf-token", "k9Xq2", &mut c), KEY_PLACEHOLDER);
        assert_eq!(r.named("data-api-key", "abc", &mut c), KEY_PLACEHOLDER);
        assert_eq!(r.named("description", "A shop", &mut c), "A shop");
        assert_eq!(r.named("data-api-key", "", &mut c), "", "nothing to hide");
        assert_eq!(
            r.named("title", "password=hunter2", &mut c),
            "password=[REDACTED:secret_pair]",
            "a plain name still has its value scanned"
        );
        assert_eq!(c.total(), 3);
    }

    #[test]
    fn a_meta_tag_loses_the_content_its_name_marks_secret() {
        let r = redactor();
        let mut node = Json::parse(
            r#"{"type": 0, "childNodes": [
            {"type": 2, "tagName": "meta", "attributes": {"name": "csrf-token", "content": "k9Xq2"}},
            {"type": 2, "tagName": "meta", "attributes": {"property": "og:title", "content": "Shop"}},
            {"type": 2, "tagName": "div", "attributes": {"data-session-id": "s_77", "class": "x"}}
        ]}"#,
        )
        .unwrap();
        let mut c = Counts::default();
        r.dom(&mut node, &mut c);
        let nodes = &node["childNodes"];
        assert_eq!(nodes[0]["attributes"]["content"], KEY_PLACEHOLDER);
        assert_eq!(nodes[0]["attributes"]["name"], "csrf-token");
        assert_eq!(nodes[1]["attributes"]["content"], "Shop");
        assert_eq!(nodes[2]["attributes"]["data-session-id"], KEY_PLACEHOLDER);
        assert_eq!(nodes[2]["attributes"]["class"], "x");
        // A second pass (the relay after the widget) finds nothing more.
        let before = node.clone();
        let mut again = Counts::default();
        r.dom(&mut node, &mut again);
        assert_eq!(node, before);
        assert_eq!(again.total(), 0);
    }

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
