//! The widget writes reports with its own writer (`bugcap_protocol::write`), the relay reads and
//! writes them with serde: these tests hold the two to one document, for a report with every
//! field of every object filled and for reports with fields left out.

use bugcap_protocol::Report;
use bugcap_protocol::shape::{Kind, OBJECTS};
use bugcap_protocol::write::{self, std_float};
use serde_json::{Value, json};

/// A report with every field of every object given, some more than once in different forms.
fn full() -> Value {
    json!({
        "id": "0b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23",
        "schema_version": 1,
        "created_at": "2026-11-22T10:15:30.123Z",
        "project": "shop",
        "environment": "staging",
        "feedback": {"text": "Save does \"nothing\"\n\u{1}é😀", "category": "Bug", "severity": "high",
                     "email": "ann@example.com"},
        "page": {
            "url": "https://app.example.com/settings?tab=1", "referrer": "https://example.com/",
            "title": "Settings", "viewport": {"width": 1280, "height": 800},
            "screen": {"width": 2560, "height": 1600}, "device_pixel_ratio": 1.25,
            "user_agent": "Mozilla/5.0", "language": "en-GB", "time_zone": "Europe/London",
            "local_time": "2026-11-22T10:15:30+00:00", "visible_since": "2026-11-22T10:00:00Z",
            "client_hints": {"brands": ["Chromium 156", "Not A Brand 8"], "mobile": false,
                             "platform": "Linux"},
            "connection": {"effective_type": "4g", "downlink_mbps": 10.5, "rtt_ms": 50.0,
                           "save_data": true}
        },
        "identity": {"id": "u_1", "email": "ann@example.com", "name": "Ann"},
        "metadata": {"plan": "pro", "seats": 12, "ratio": 0.1, "trial": true, "big": 1e21,
                     "tiny": 5e-324, "neg": -2.5},
        "console": [
            {"level": "warn", "message": "slow", "args": ["a", "{\"b\":1}"], "stack": "at x",
             "timestamp": 1795774530000.5, "truncated": true},
            {"level": "log", "message": "plain", "timestamp": 0.0}
        ],
        "errors": [
            {"kind": "unhandled_rejection", "message": "boom", "source": "https://a/app.js",
             "line": 10, "column": 4, "stack": "Error: boom", "timestamp": 12.25, "count": 3},
            {"kind": "error", "message": "m", "timestamp": 1.0, "count": 1}
        ],
        "network": [
            {"kind": "fetch", "method": "POST", "url": "https://a/api", "status": 500,
             "start_time": 100.125, "duration_ms": 20.5,
             "request_headers": {"content-type": "application/json", "x-b": "2"},
             "response_headers": {"x-a": "1"},
             "request_body": {"content_type": "application/json", "text": "{\"a\":1}",
                              "size": 7, "truncated": true, "opaque": true, "binary": true},
             "response_body": {"content_type": "image/png", "text": "", "size": 10,
                               "truncated": true, "opaque": true, "binary": true},
             "error": "failed", "aborted": true},
            {"kind": "beacon", "method": "GET", "url": "https://a/", "start_time": 1.0}
        ],
        "dom": {"format": "rrweb-snapshot", "node": {"type": 0, "id": 1, "childNodes": [
                    {"type": 2, "tagName": "p", "attributes": {"class": "x"}, "x": 1.5}]},
                "attachment": "dom.json", "truncated": true, "nodes": 40},
        "annotations": [
            {"kind": "arrow", "points": [[1.5, 2.0], [300.25, -4.0]], "color": "#e11d48",
             "text": "here"},
            {"kind": "redact", "points": [[0.0, 0.0], [10.0, 10.0]]}
        ],
        "attachments": [
            {"name": "screenshot.webp", "content_type": "image/webp", "size": 1234,
             "sha256": "ab".repeat(32)}
        ],
        "redactions": {"header": 2, "secret_pair": 1},
        "client": {"name": "bugcap", "version": "0.1.0"}
    })
}

/// Numbers as `f64`, so `5` and `5.0` (one printer writes the one, serde the other) compare
/// equal: both read back into the report's `f64` alike.
fn numbers_as_floats(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), numbers_as_floats(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn assert_written_as_serde_writes(report: &Report) {
    let ours = write::report(report, std_float);
    let read: Value = serde_json::from_str(&ours).expect("the writer writes JSON");
    let theirs = serde_json::to_value(report).unwrap();
    assert_eq!(
        numbers_as_floats(&read),
        numbers_as_floats(&theirs),
        "{ours}"
    );
    // And the relay reads it back to the same report.
    let back: Report = serde_json::from_str(&ours).unwrap();
    assert_eq!(&back, report);
}

#[test]
fn a_full_report_is_written_as_serde_writes_it() {
    let report: Report = serde_json::from_value(full()).unwrap();
    assert_written_as_serde_writes(&report);
}

#[test]
fn fields_left_out_are_left_out_as_serde_leaves_them() {
    let minimal: Report =
        serde_json::from_str(include_str!("../examples/minimal-report.json")).unwrap();
    assert_written_as_serde_writes(&minimal);
    // Each optional field of each object of the full report taken out in turn.
    let full = full();
    let mut paths = Vec::new();
    collect_paths(&full, &mut Vec::new(), &mut paths);
    assert!(paths.len() > 60, "{}", paths.len());
    for path in paths {
        let mut value = full.clone();
        remove(&mut value, &path);
        if let Ok(report) = serde_json::from_value::<Report>(value) {
            assert_written_as_serde_writes(&report);
        }
    }
}

#[test]
fn floats_that_are_not_finite_are_written_null_as_serde_does() {
    let mut report: Report = serde_json::from_value(full()).unwrap();
    report.page.device_pixel_ratio = f64::NAN;
    report.console[0].timestamp = f64::INFINITY;
    let ours: Value = serde_json::from_str(&write::report(&report, std_float)).unwrap();
    let theirs = serde_json::to_value(&report).unwrap();
    assert_eq!(ours["page"]["device_pixel_ratio"], Value::Null);
    assert_eq!(
        ours["console"][0]["timestamp"],
        theirs["console"][0]["timestamp"]
    );
}

/// The full report above must give every field the schema has: a field added to the report
/// and not to this test (and so perhaps not to the writer) fails here.
#[test]
fn the_full_report_has_every_field_of_the_schema() {
    let (mut wanted, mut given) = (Vec::new(), Vec::new());
    fields_of(None, &Kind::Obj("Report"), "", &mut wanted);
    fields_of(Some(&full()), &Kind::Obj("Report"), "", &mut given);
    let missing: Vec<_> = wanted.iter().filter(|p| !given.contains(p)).collect();
    assert!(missing.is_empty(), "not in the full report: {missing:?}");
    assert!(wanted.len() > 80, "{}", wanted.len());
}

/// The paths of the fields the schema has under `kind` (`value` none), or of those `value`
/// gives (in any item of a list).
fn fields_of(value: Option<&Value>, kind: &Kind, path: &str, out: &mut Vec<String>) {
    match kind {
        Kind::Obj(name) => {
            let fields = OBJECTS.iter().find(|(n, _)| n == name).unwrap().1;
            for (field, kind) in fields {
                let at = format!("{path}.{field}");
                match value {
                    None => {
                        out.push(at.clone());
                        fields_of(None, kind, &at, out);
                    }
                    Some(v) => {
                        if let Some(child) = v.get(field) {
                            out.push(at.clone());
                            fields_of(Some(child), kind, &at, out);
                        }
                    }
                }
            }
        }
        Kind::List(item) => match value {
            None => fields_of(None, item, &format!("{path}[]"), out),
            Some(v) => {
                for child in v.as_array().into_iter().flatten() {
                    fields_of(Some(child), item, &format!("{path}[]"), out);
                }
            }
        },
        _ => {}
    }
}

/// Every path to a member of an object in `v`, outside the free-form DOM tree.
fn collect_paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(k.clone());
                out.push(at.clone());
                if k != "node" {
                    collect_paths(child, at, out);
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(i.to_string());
                collect_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn remove(v: &mut Value, path: &[String]) {
    let (last, parents) = path.split_last().unwrap();
    let mut cur = v;
    for p in parents {
        cur = match cur {
            Value::Array(items) => &mut items[p.parse::<usize>().unwrap()],
            other => &mut other[p.as_str()],
        };
    }
    if let Value::Object(map) = cur {
        map.remove(last);
    }
}
