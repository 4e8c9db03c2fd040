//! `POST /v1/reports`: authenticate the key and origin, read the body within the limit, parse
//! and validate against schema v1, stamp project and environment from the key, store durably.

use bugcap_protocol::redact::{BodyKind, body_kind};
use bugcap_protocol::{Report, validate};
use hyper::body::Incoming;
use hyper::{Request, StatusCode};
use serde_json::json;

use super::gate::{Charge, admit};
use crate::http::ApiError;
use crate::http::body::{json_depth, json_error};
use crate::state::AppState;
use crate::store::InsertOutcome;

/// Returns the status and JSON answer for a report submission.
pub async fn submit(
    state: &AppState,
    client: std::net::IpAddr,
    req: Request<Incoming>,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let (key, bytes) = admit(
        state,
        client,
        req,
        state.limits.max_body_bytes,
        Charge::Report,
    )
    .await?;
    let mut report = parse(&bytes, state.limits.max_json_depth)?;
    validate(&report, &state.limits)?;
    state.media_policy.check_declarations(&report.attachments)?;
    // The one change redaction makes without counting it: marking a binary body as binary.
    let flags_binary = report
        .network
        .iter()
        .flat_map(|n| [&n.request_body, &n.response_body])
        .flatten()
        .any(|b| !b.binary && body_kind(b.content_type.as_deref()) == BodyKind::Binary);
    // Redact again: an old or tampered widget may have sent what the page should have removed.
    let counts = state.redactor.report(&mut report);
    if counts.total() > 0 {
        tracing::info!(report_id = %report.id, replaced = counts.total(), "relay redacted values the client sent");
    }
    let unchanged = counts.total() == 0
        && !flags_binary
        && report.project.is_none()
        && report.environment.is_none();
    // The key decides where a report belongs; the client's claim is discarded.
    report.project = Some(key.project.clone());
    report.environment = Some(key.environment);
    let body = match unchanged.then(|| stamped(&bytes, &key)).flatten() {
        Some(body) => body,
        None => serde_json::to_string(&report).map_err(|e| ApiError::InvalidJson {
            message: e.to_string(),
        })?,
    };

    let id = report.id;
    let key_prefix = key.prefix.clone();
    let outcome = state.store.insert_report_as(key, report, body).await?;
    let (status, report_status) = match outcome {
        InsertOutcome::Created { status } => (StatusCode::CREATED, status),
        InsertOutcome::AlreadyStored { status } => (StatusCode::OK, status),
        InsertOutcome::IdTakenByAnotherKey => return Err(ApiError::IdConflict),
    };
    tracing::info!(report_id = %id, key = %key_prefix, created = status == StatusCode::CREATED, "report stored");
    Ok((status, json!({ "id": id, "status": report_status })))
}

/// The body a client sent, as stored: its own bytes with the key's project and environment
/// added. Only for a body the relay changed nothing in (no redaction, no claim of its own to a
/// project or environment): writing the parsed report out again gives the same report and
/// cost about 6 % of the relay's CPU per realistic report. The two members go last, so even a claim spelled
/// with escapes (`"pr\u006fject"`) is overridden by them when the body is read. `None` when the
/// bytes are not an object with members (then the report is written out as usual).
fn stamped(bytes: &[u8], key: &crate::store::WidgetKey) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim_ascii();
    if text.contains("\"project\"") || text.contains("\"environment\"") {
        return None;
    }
    let members = text.strip_prefix('{')?.strip_suffix('}')?;
    if members.trim_ascii().is_empty() {
        return None;
    }
    let project = serde_json::to_string(&key.project).ok()?;
    let environment = serde_json::to_string(&key.environment).ok()?;
    let mut body = String::with_capacity(text.len() + project.len() + environment.len() + 32);
    body.push('{');
    body.push_str(members);
    body.push_str(",\"project\":");
    body.push_str(&project);
    body.push_str(",\"environment\":");
    body.push_str(&environment);
    body.push('}');
    Some(body)
}

/// Parses a body as a v1 report, naming the JSON path of the first type error. Nesting is
/// checked first, on the raw bytes, so a hostile body cannot make the parser recurse deeply.
pub fn parse(bytes: &[u8], max_depth: usize) -> Result<Report, ApiError> {
    if json_depth(bytes) > max_depth {
        return Err(ApiError::TooDeep(max_depth));
    }
    // The fast path: almost every body is a valid report, and tracking the path of every
    // value costs a quarter of the parse. Only a refused body is parsed again to say where.
    match serde_json::from_slice::<Report>(bytes) {
        Ok(report) => Ok(report),
        Err(_) => Err(explain(bytes)),
    }
}

/// Why `bytes` is not a report, naming the JSON path of the first type error.
fn explain(bytes: &[u8]) -> ApiError {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<Report, _> = serde_path_to_error::deserialize(&mut de);
    match parsed {
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if is_key_field(&path, &inner.to_string()) {
                return ApiError::KeyInBody;
            }
            json_error(path, &inner)
        }
        // The value parsed this time, so what failed is what follows it.
        Ok(_) => match de.end() {
            Err(e) => ApiError::InvalidJson {
                message: e.to_string(),
            },
            Ok(()) => ApiError::InvalidJson {
                message: "the body could not be read as a report".into(),
            },
        },
    }
}

/// True for an unknown top-level field that looks like a credential (`key`, `api_key`,
/// `x-bugcap-key`): such a body is refused as a whole and its value never echoed.
fn is_key_field(path: &str, message: &str) -> bool {
    // For an unknown field the path ends with the field itself; at the top level it is only that.
    let field = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    field.is_some_and(|f| {
        let lower = f.to_ascii_lowercase();
        path == f && (lower.contains("key") || lower.contains("token"))
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn parse_default(bytes: &[u8]) -> Result<Report, ApiError> {
        parse(bytes, 64)
    }

    #[test]
    fn a_body_nested_past_the_limit_is_too_deep() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(parse(deep.as_bytes(), 64).unwrap_err().code(), "too_deep");
    }

    #[test]
    fn a_key_in_the_body_is_refused_without_echoing_it() {
        let mut v: serde_json::Value = serde_json::from_slice(include_bytes!(
            "../../../protocol/examples/minimal-report.json"
        ))
        .unwrap();
        v["x-bugcap-key"] = "bc_pub_0123456789abcdefghijABCDEFGHIJ01".into();
        let err = parse_default(v.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.code(), "key_in_body");
        assert!(!err.body().to_string().contains("bc_pub_0123"));
    }

    #[test]
    fn type_errors_name_the_field() {
        let err = parse_default(
            br#"{"id": "0b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23", "schema_version": "one"}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid_field");
        assert_eq!(err.field(), Some("schema_version"));
    }

    pub(super) fn key() -> crate::store::WidgetKey {
        crate::store::WidgetKey {
            id: 1,
            prefix: "bc_pub_test".into(),
            project: "shop \"main\"".into(),
            environment: bugcap_protocol::Environment::Staging,
            origins: Vec::new(),
        }
    }

    /// What a stored body reads back as: the report, through the JSON tree the relay reads.
    pub(super) fn read_back(body: &str) -> serde_json::Value {
        let tree: serde_json::Value = serde_json::from_str(body).unwrap();
        serde_json::to_value(serde_json::from_value::<Report>(tree).unwrap()).unwrap()
    }

    #[test]
    fn a_stamped_body_reads_back_as_the_stamped_report() {
        let raw = br#" {"id":"0b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23", "schema_version":1,
            "created_at":"2026-11-22T10:15:30.123Z","feedback":{"text":"caf\u00e9 \"quoted\""},
            "identity":null,"page":{"url":"https://shop.example.com/","title":"T","viewport":{"width":1,"height":2},
            "device_pixel_ratio":1.50,"user_agent":"UA"},"client":{"name":"bugcap","version":"0.1.0"}} "#;
        let mut report = parse_default(raw).unwrap();
        report.project = Some(key().project);
        report.environment = Some(key().environment);
        let body = stamped(raw, &key()).expect("stamped");
        assert_eq!(read_back(&body), serde_json::to_value(&report).unwrap());
        assert_eq!(read_back(&body)["project"], "shop \"main\"");
    }

    #[test]
    fn a_body_that_names_a_project_is_written_out_instead() {
        let mut v: serde_json::Value = serde_json::from_slice(include_bytes!(
            "../../../protocol/examples/minimal-report.json"
        ))
        .unwrap();
        v["project"] = serde_json::Value::Null;
        assert_eq!(stamped(v.to_string().as_bytes(), &key()), None);
        assert_eq!(stamped(b"{}", &key()), None);
        assert_eq!(stamped(b"[1]", &key()), None);
        // A claim spelled with an escape is not found by the check, and is overridden on reading.
        let text = v.to_string().replace("\"project\"", "\"pr\\u006fject\"");
        let body = stamped(text.as_bytes(), &key()).expect("stamped");
        let tree: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(tree["project"], "shop \"main\"");
    }

    #[test]
    fn syntax_errors_are_invalid_json() {
        for body in [&b"{"[..], b"not json", b"\"\xff\""] {
            assert_eq!(
                parse_default(body).unwrap_err().code(),
                "invalid_json",
                "{body:?}"
            );
        }
        let valid = include_bytes!("../../../protocol/examples/minimal-report.json");
        assert!(parse_default(valid).is_ok());
        let trailing = [&valid[..], b" trailing"].concat();
        assert_eq!(parse_default(&trailing).unwrap_err().code(), "invalid_json");
    }
}

#[cfg(test)]
mod properties {
    use bugcap_protocol::{Limits, validate};
    use proptest::prelude::*;
    use serde_json::Value;

    use super::parse;

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,24}".prop_map(Value::from),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
                prop::collection::btree_map("[a-z_]{1,16}", inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Every refusal is a JSON error object with a code.
    fn assert_json_error(e: &crate::http::ApiError) -> Result<(), TestCaseError> {
        let body = e.body();
        prop_assert!(
            body["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
        );
        prop_assert!(body["error"]["message"].is_string());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            if let Err(e) = parse(&bytes, 64) {
                assert_json_error(&e)?;
            }
        }

        #[test]
        fn arbitrary_json_never_panics(value in json()) {
            match parse(value.to_string().as_bytes(), 64) {
                Ok(report) => { let _ = validate(&report, &Limits::default()); }
                Err(e) => assert_json_error(&e)?,
            }
        }

        /// The fast parse refuses exactly what the path-tracking parse refuses, and a refusal
        /// is never the generic fallback.
        #[test]
        fn the_fast_parse_and_the_explaining_parse_agree(
            field in prop::sample::select(vec!["id", "schema_version", "feedback", "page", "console", "errors", "network", "metadata", "identity", "extra_key"]),
            value in json(),
            trailing in prop::sample::select(vec!["", " ", " x", "{}"]),
        ) {
            let mut report: Value =
                serde_json::from_slice(include_bytes!("../../../protocol/examples/minimal-report.json")).unwrap();
            report[field] = value;
            let body = format!("{report}{trailing}");
            let mut de = serde_json::Deserializer::from_slice(body.as_bytes());
            let slow = serde_path_to_error::deserialize::<_, bugcap_protocol::Report>(&mut de).is_ok()
                && de.end().is_ok();
            let fast = parse(body.as_bytes(), 64);
            prop_assert_eq!(fast.is_ok(), slow);
            if let Err(e) = fast {
                prop_assert!(!e.body().to_string().contains("could not be read as a report"));
            }
        }

        /// Storing the client's bytes with the key's stamp is storing the report.
        #[test]
        fn a_stamped_body_reads_back_as_the_report(
            field in prop::sample::select(vec!["feedback", "page", "console", "errors", "network", "metadata", "identity"]),
            value in json(),
        ) {
            let mut report: Value =
                serde_json::from_slice(include_bytes!("../../../protocol/examples/minimal-report.json")).unwrap();
            report[field] = value;
            let raw = serde_json::to_string_pretty(&report).unwrap();
            if let Ok(mut parsed) = parse(raw.as_bytes(), 64) {
                let key = super::tests::key();
                parsed.project = Some(key.project.clone());
                parsed.environment = Some(key.environment);
                let body = super::stamped(raw.as_bytes(), &key).expect("stamped");
                prop_assert_eq!(super::tests::read_back(&body), serde_json::to_value(&parsed).unwrap());
            }
        }

        #[test]
        fn a_valid_report_with_one_field_replaced_never_panics(
            field in prop::sample::select(vec!["id", "schema_version", "created_at", "feedback", "page", "console", "errors", "network", "dom", "annotations", "attachments", "redactions", "client", "metadata", "identity"]),
            value in json(),
        ) {
            let mut report: Value =
                serde_json::from_slice(include_bytes!("../../../protocol/examples/minimal-report.json")).unwrap();
            report[field] = value;
            match parse(report.to_string().as_bytes(), 64) {
                Ok(report) => {
                    if let Err(e) = validate(&report, &Limits::default()) {
                        assert_json_error(&crate::http::ApiError::Validation(e))?;
                    }
                }
                Err(e) => assert_json_error(&e)?,
            }
        }
    }
}
