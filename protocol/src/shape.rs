//! The report's shape as data: the fields of each object and the JSON type of each. It checks a
//! report held as JSON (one a host edited in the widget's `beforeSend`) before it is redacted and
//! sent: redacting walks the fields it knows, so a field the schema does not have, or a value of
//! another type where a string belongs, would leave the page unredacted, only for the relay to
//! refuse it. A test holds this table to the JSON Schema generated from the Rust types.

use serde_json::Value;

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

/// Every object of a report: its type name and its fields.
pub const OBJECTS: &[(&str, &[(&str, Kind)])] = &[
    (
        "Report",
        &[
            ("id", Str),
            ("schema_version", Num),
            ("created_at", Str),
            ("project", Str),
            ("environment", Str),
            ("feedback", Obj("Feedback")),
            ("page", Obj("Page")),
            ("identity", Obj("Identity")),
            ("metadata", Map(&Scalar)),
            ("console", List(&Obj("ConsoleEntry"))),
            ("errors", List(&Obj("ErrorEntry"))),
            ("network", List(&Obj("NetworkEntry"))),
            ("dom", Obj("DomSnapshot")),
            ("annotations", List(&Obj("Annotation"))),
            ("attachments", List(&Obj("Attachment"))),
            ("redactions", Map(&Num)),
            ("client", Obj("Client")),
        ],
    ),
    (
        "Feedback",
        &[
            ("text", Str),
            ("category", Str),
            ("severity", Str),
            ("email", Str),
        ],
    ),
    (
        "Page",
        &[
            ("url", Str),
            ("referrer", Str),
            ("title", Str),
            ("viewport", Obj("Size")),
            ("screen", Obj("Size")),
            ("device_pixel_ratio", Num),
            ("user_agent", Str),
            ("language", Str),
            ("time_zone", Str),
            ("local_time", Str),
            ("visible_since", Str),
            ("client_hints", Obj("ClientHints")),
            ("connection", Obj("Connection")),
        ],
    ),
    (
        "ClientHints",
        &[("brands", List(&Str)), ("mobile", Bool), ("platform", Str)],
    ),
    (
        "Connection",
        &[
            ("effective_type", Str),
            ("downlink_mbps", Num),
            ("rtt_ms", Num),
            ("save_data", Bool),
        ],
    ),
    ("Size", &[("width", Num), ("height", Num)]),
    ("Identity", &[("id", Str), ("email", Str), ("name", Str)]),
    (
        "ConsoleEntry",
        &[
            ("level", Str),
            ("message", Str),
            ("args", List(&Str)),
            ("stack", Str),
            ("timestamp", Num),
            ("truncated", Bool),
        ],
    ),
    (
        "ErrorEntry",
        &[
            ("kind", Str),
            ("message", Str),
            ("source", Str),
            ("line", Num),
            ("column", Num),
            ("stack", Str),
            ("timestamp", Num),
            ("count", Num),
        ],
    ),
    (
        "NetworkEntry",
        &[
            ("kind", Str),
            ("method", Str),
            ("url", Str),
            ("status", Num),
            ("start_time", Num),
            ("duration_ms", Num),
            ("request_headers", Map(&Str)),
            ("response_headers", Map(&Str)),
            ("request_body", Obj("Body")),
            ("response_body", Obj("Body")),
            ("error", Str),
            ("aborted", Bool),
        ],
    ),
    (
        "Body",
        &[
            ("content_type", Str),
            ("text", Str),
            ("size", Num),
            ("truncated", Bool),
            ("opaque", Bool),
            ("binary", Bool),
        ],
    ),
    (
        "DomSnapshot",
        &[
            ("format", Str),
            ("node", Any),
            ("attachment", Str),
            ("truncated", Bool),
            ("nodes", Num),
        ],
    ),
    (
        "Annotation",
        &[
            ("kind", Str),
            ("points", List(&List(&Num))),
            ("color", Str),
            ("text", Str),
        ],
    ),
    (
        "Attachment",
        &[
            ("name", Str),
            ("content_type", Str),
            ("size", Num),
            ("sha256", Str),
        ],
    ),
    ("Client", &[("name", Str), ("version", Str)]),
];

fn fields(name: &str) -> &'static [(&'static str, Kind)] {
    OBJECTS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[], |(_, f)| f)
}

/// `Err` names the first field of `report` the schema does not have, or whose JSON type is not
/// the schema's, by its path (`` `network[2].debug` ``). Required fields and value ranges are
/// left to [`crate::validate`] on the relay: a missing field carries no data.
pub fn check(report: &Value) -> Result<(), String> {
    check_at(report, &Obj("Report"), &mut String::new())
}

fn check_at(value: &Value, kind: &Kind, path: &mut String) -> Result<(), String> {
    let ok = match (kind, value) {
        (_, Value::Null) | (Any, _) => true,
        (Str, Value::String(_)) | (Num, Value::Number(_)) | (Bool, Value::Bool(_)) => true,
        (Scalar, v) => v.is_string() || v.is_number() || v.is_boolean(),
        (List(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_at(v, item, path)?;
                path.truncate(len);
            }
            true
        }
        (Map(item), Value::Object(map)) => {
            for (key, v) in map {
                let len = path.len();
                path.push_str(&format!("[{}]", Value::from(key.as_str())));
                check_at(v, item, path)?;
                path.truncate(len);
            }
            true
        }
        (Obj(name), Value::Object(map)) => {
            let known = fields(name);
            for (key, v) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
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
    use serde_json::json;

    fn report() -> serde_json::Value {
        serde_json::from_str(include_str!("../examples/minimal-report.json")).unwrap()
    }

    #[test]
    fn a_report_passes_and_its_mistakes_are_named_by_path() {
        assert_eq!(check(&report()), Ok(()));
        let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut r = report();
            edit(&mut r);
            check(&r).unwrap_err()
        };
        assert_eq!(
            broken(&|r| r["debug"] = json!({"token": "x"})),
            "`debug` is not a field of a report"
        );
        assert_eq!(
            broken(&|r| r["console"][0]["extra"] = json!("x")),
            "`console[0].extra` is not a field of a report"
        );
        assert_eq!(
            broken(&|r| r["feedback"]["text"] = json!({"secret": "x"})),
            "`feedback.text` must be a string"
        );
        assert_eq!(
            broken(&|r| r["console"] = json!("not a list")),
            "`console` must be an array"
        );
        assert_eq!(
            broken(&|r| r["metadata"] = json!({"plan": {"nested": "x"}})),
            "`metadata[\"plan\"]` must be a string, number or boolean"
        );
        assert_eq!(
            broken(&|r| r["page"]["viewport"]["width"] = json!("wide")),
            "`page.viewport.width` must be a number"
        );
        assert_eq!(
            check(&json!([1])).unwrap_err(),
            "the report must be an object"
        );
        // The DOM tree is free-form; nulls carry nothing.
        let mut r = report();
        r["dom"] = json!({"format": "rrweb-snapshot", "node": {"anything": [1, {"goes": true}]}});
        r["identity"] = json!(null);
        assert_eq!(check(&r), Ok(()));
    }
}
