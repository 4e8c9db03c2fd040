//! The report's shape as data: the fields of each object and the JSON type of each. It checks a
//! report held as JSON (one a host edited in the widget's `beforeSend`) before it is redacted and
//! sent: redacting walks the fields it knows, so a field the schema does not have, or a value of
//! another type where a string belongs, would leave the page unredacted, only for the relay to
//! refuse it. The table is generated from the report's declaration ([`crate::schema`]), each
//! field's JSON type from its Rust type ([`Shape`]); a test holds it to the JSON Schema that
//! serde and schemars make of the same types.

use crate::json::Json;

/// The JSON type a field holds. `null` is taken everywhere: it carries nothing.
#[derive(Debug)]
pub enum Kind {
    Str,
    Num,
    Bool,
    /// A string, number or boolean (`metadata` values).
    Scalar,
    /// Anything (the DOM snapshot's rrweb tree, redacted as a whole).
    Any,
    List(&'static Kind),
    /// An object with any keys, each holding this kind.
    Map(&'static Kind),
    /// One of the report's objects, by its type name in [`OBJECTS`].
    Obj(&'static str),
}

use Kind::*;

pub use crate::report::OBJECTS;

/// The JSON type of a Rust type in the report: the shape table is generated from the report's
/// declaration ([`crate::schema`]) through this.
pub trait Shape {
    const KIND: Kind;
}

impl Shape for String {
    const KIND: Kind = Str;
}

impl Shape for uuid::Uuid {
    const KIND: Kind = Str;
}

impl Shape for u16 {
    const KIND: Kind = Num;
}

impl Shape for u32 {
    const KIND: Kind = Num;
}

impl Shape for u64 {
    const KIND: Kind = Num;
}

impl Shape for f64 {
    const KIND: Kind = Num;
}

impl Shape for bool {
    const KIND: Kind = Bool;
}

impl Shape for Json {
    const KIND: Kind = Any;
}

impl Shape for [f64; 2] {
    const KIND: Kind = List(&Num);
}

impl Shape for crate::report::MetadataValue {
    const KIND: Kind = Scalar;
}

/// An absent value is `null`, which every field takes.
impl<T: Shape> Shape for Option<T> {
    const KIND: Kind = T::KIND;
}

impl<T: Shape> Shape for Vec<T> {
    const KIND: Kind = List(&T::KIND);
}

impl<V: Shape> Shape for crate::map::Map<V> {
    const KIND: Kind = Map(&V::KIND);
}

/// The report's enums are strings on the wire.
macro_rules! by_name {
    ($($kind:ty),*) => {$(
        impl Shape for $kind {
            const KIND: Kind = Str;
        }
    )*};
}

by_name!(
    crate::report::Environment,
    crate::report::Severity,
    crate::report::ConsoleLevel,
    crate::report::ErrorKind,
    crate::report::NetworkKind,
    crate::report::AnnotationKind
);

/// A key given twice in one object: redaction walks the first and the relay reads the last, so a
/// repeated key is refused rather than guessed at.
fn repeated(members: &[(String, Json)], i: usize, path: &str) -> Result<(), String> {
    let key = &members[i].0;
    if members[..i].iter().any(|(k, _)| k == key) {
        Err(format!("`{path}` is given twice"))
    } else {
        Ok(())
    }
}

fn fields(name: &str) -> &'static [(&'static str, Kind)] {
    OBJECTS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[], |(_, f)| f)
}

/// `Err` names the first field of `report` the schema does not have, or whose JSON type is not
/// the schema's, by its path (`` `network[2].debug` ``). Required fields and value ranges are
/// left to [`crate::validate`] on the relay: a missing field carries no data.
pub fn check(report: &Json) -> Result<(), String> {
    check_at(report, &Obj("Report"), &mut String::new())
}

fn check_at(value: &Json, kind: &Kind, path: &mut String) -> Result<(), String> {
    let ok = match (kind, value) {
        (_, Json::Null) | (Any, _) => true,
        (Str, Json::String(_)) | (Num, Json::Number(_)) | (Bool, Json::Bool(_)) => true,
        (Scalar, v) => matches!(v, Json::String(_) | Json::Number(_) | Json::Bool(_)),
        (List(item), Json::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_at(v, item, path)?;
                path.truncate(len);
            }
            true
        }
        (Map(item), Json::Object(map)) => {
            for (i, (key, v)) in map.iter().enumerate() {
                let len = path.len();
                path.push('[');
                crate::json::write_string(key, path);
                path.push(']');
                repeated(map, i, path)?;
                check_at(v, item, path)?;
                path.truncate(len);
            }
            true
        }
        (Obj(name), Json::Object(map)) => {
            let known = fields(name);
            for (i, (key, v)) in map.iter().enumerate() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                repeated(map, i, path)?;
                match known.iter().find(|(k, _)| k == key) {
                    Some((_, field)) => check_at(v, field, path)?,
                    None => return Err(format!("`{path}` is not a field of a report")),
                }
                path.truncate(len);
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        let expected = match kind {
            Str => "a string",
            Num => "a number",
            Bool => "true or false",
            Scalar => "a string, number or boolean",
            List(_) => "an array",
            Map(_) | Obj(_) => "an object",
            Any => "anything",
        };
        if path.is_empty() {
            Err(format!("the report must be {expected}"))
        } else {
            Err(format!("`{path}` must be {expected}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::json::Json;

    fn report() -> Json {
        Json::parse(include_str!("../examples/minimal-report.json")).unwrap()
    }

    fn json(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn a_report_passes_and_its_mistakes_are_named_by_path() {
        assert_eq!(check(&report()), Ok(()));
        let broken = |edit: &dyn Fn(&mut Json)| {
            let mut r = report();
            edit(&mut r);
            check(&r).unwrap_err()
        };
        let console = |r: &mut Json| -> Json { r.get_mut("console").unwrap().clone() };
        assert_eq!(
            broken(&|r| r.set("debug", json(r#"{"token": "x"}"#))),
            "`debug` is not a field of a report"
        );
        assert_eq!(
            broken(&|r| {
                let mut list = console(r);
                list.as_array_mut().unwrap()[0].set("extra", "x".into());
                r.set("console", list);
            }),
            "`console[0].extra` is not a field of a report"
        );
        assert_eq!(
            broken(&|r| r
                .get_mut("feedback")
                .unwrap()
                .set("text", json(r#"{"secret": "x"}"#))),
            "`feedback.text` must be a string"
        );
        assert_eq!(
            broken(&|r| r.set("console", "not a list".into())),
            "`console` must be an array"
        );
        assert_eq!(
            broken(&|r| r.set("metadata", json(r#"{"plan": {"nested": "x"}}"#))),
            "`metadata[\"plan\"]` must be a string, number or boolean"
        );
        assert_eq!(
            broken(&|r| r.set(
                "page",
                json(r#"{"url": "https://a/", "viewport": {"width": "wide"}}"#)
            )),
            "`page.viewport.width` must be a number"
        );
        assert_eq!(
            check(&json("[1]")).unwrap_err(),
            "the report must be an object"
        );
        // The DOM tree is free-form; nulls carry nothing.
        let mut r = report();
        r.set(
            "dom",
            json(r#"{"format": "rrweb-snapshot", "node": {"anything": [1, {"goes": true}]}}"#),
        );
        r.set("identity", Json::Null);
        assert_eq!(check(&r), Ok(()));
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        // Redaction would walk the first `text` and the relay keep the second.
        let twice = json(r#"{"feedback": {"text": "fine", "text": "token=abc"}}"#);
        assert_eq!(check(&twice).unwrap_err(), "`feedback.text` is given twice");
        let headers = json(r#"{"network": [{"request_headers": {"x-a": "1", "x-a": "2"}}]}"#);
        assert_eq!(
            check(&headers).unwrap_err(),
            "`network[0].request_headers[\"x-a\"]` is given twice"
        );
        // Inside the free-form DOM tree a repeat is walked, copy by copy: not refused.
        let dom = json(r#"{"dom": {"node": {"a": 1, "a": 2}}}"#);
        assert_eq!(check(&dom), Ok(()));
    }
}
