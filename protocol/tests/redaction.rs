//! The privacy engine against its corpus (natively; `redaction_wasm.rs` runs the same corpus
//! in Chromium), plus configuration and property tests.

#![cfg(not(target_arch = "wasm32"))]

mod corpus;

use bugcap_protocol::json::Json;
use bugcap_protocol::redact::{CustomPattern, HeaderPolicy, RedactionConfig, Redactor};
use corpus::{CLEAN, EXPECTED, SECRETS, all_outputs, cases, render, run};

#[test]
fn every_secret_is_replaced_and_counted_under_its_rule() {
    let r = Redactor::default();
    for case in cases(SECRETS) {
        let secret = case.secret.as_deref().unwrap();
        let rule = case.rule.as_deref().unwrap();
        let (out, counts) = run(&r, &case.kind, &case.input);
        assert!(
            !out.contains(secret),
            "{}: secret survived in {out:?}",
            case.name
        );
        assert!(
            counts.0.get(rule).copied().unwrap_or(0) >= 1,
            "{}: expected rule {rule}, got {:?} in {out:?}",
            case.name,
            counts.0
        );
        assert!(
            !out.contains(&format!("[REDACTED:{secret}")),
            "{}",
            case.name
        );
    }
}

#[test]
fn clean_payloads_come_out_byte_for_byte() {
    let r = Redactor::default();
    for case in cases(CLEAN) {
        let (out, counts) = run(&r, &case.kind, &case.input);
        assert_eq!(out, case.input, "{} changed", case.name);
        assert_eq!(counts.total(), 0, "{}: {:?}", case.name, counts.0);
    }
}

#[test]
fn redaction_is_idempotent_on_the_corpus() {
    let r = Redactor::default();
    for case in cases(SECRETS).into_iter().chain(cases(CLEAN)) {
        let (once, _) = run(&r, &case.kind, &case.input);
        let (twice, counts) = run(&r, &case.kind, &once);
        assert_eq!(twice, once, "{}", case.name);
        assert_eq!(
            counts.total(),
            0,
            "{}: second pass found {:?}",
            case.name,
            counts.0
        );
    }
}

#[test]
fn outputs_match_the_committed_expectation() {
    let rendered = render(&all_outputs());
    if std::env::var_os("BUGCAP_UPDATE_CORPUS").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/expected.json"),
            &rendered,
        )
        .unwrap();
        return;
    }
    assert!(
        rendered == EXPECTED,
        "protocol/tests/corpus/expected.json is stale: review the change, then BUGCAP_UPDATE_CORPUS=1 cargo test -p bugcap-protocol --test redaction"
    );
}

#[test]
fn emails_and_ip_addresses_only_when_enabled() {
    let text = "contact ada@example.com from 192.168.1.20 or 2001:db8::1";
    let off = Redactor::default();
    assert_eq!(off.text(text, &mut Default::default()), text);
    let on = Redactor::new(&RedactionConfig {
        emails: true,
        ip_addresses: true,
        ..Default::default()
    })
    .unwrap();
    let mut c = Default::default();
    let out = on.text(text, &mut c).into_owned();
    assert_eq!(
        out,
        "contact [REDACTED:email] from [REDACTED:ip_address] or [REDACTED:ip_address]"
    );
    assert_eq!(on.text(&out, &mut c), out);
}

#[test]
fn host_keys_and_patterns_apply() {
    let config = RedactionConfig {
        extra_keys: vec!["tenantPin".into()],
        extra_patterns: vec![CustomPattern {
            name: "employee_id".into(),
            pattern: r"EMP-\d{6}".into(),
        }],
        ..Default::default()
    };
    let r = Redactor::new(&config).unwrap();
    let mut c = Default::default();
    let out = r
        .body(
            Some("application/json"),
            r#"{"tenant_pin":"77","note":"EMP-123456 called"}"#,
            &mut c,
        )
        .into_owned();
    // Members keep the order they were sent in.
    assert_eq!(
        out,
        r#"{"tenant_pin":"[REDACTED:sensitive_key]","note":"[REDACTED:employee_id] called"}"#
    );
    assert_eq!(r.url("/x?tenant-pin=9", &mut c), "/x?tenant-pin=[REDACTED]");
    assert_eq!(c.0["employee_id"], 1);
}

#[test]
fn bad_host_patterns_are_refused_with_a_reason() {
    for (name, pattern) in [("Bad Name", "x"), ("empty", "a*"), ("broken", "(")] {
        let config = RedactionConfig {
            extra_patterns: vec![CustomPattern {
                name: name.into(),
                pattern: pattern.into(),
            }],
            ..Default::default()
        };
        assert!(Redactor::new(&config).is_err(), "{name}");
    }
}

#[test]
fn allow_list_header_mode() {
    let r = Redactor::new(&RedactionConfig {
        headers: HeaderPolicy::Allow {
            names: vec!["content-type".into()],
        },
        ..Default::default()
    })
    .unwrap();
    let mut h = bugcap_protocol::map::Map::from([
        ("content-type".to_owned(), "text/html".to_owned()),
        ("x-request-id".to_owned(), "r1".to_owned()),
    ]);
    r.headers().apply(&mut h, &mut Default::default());
    assert_eq!(h["content-type"], "text/html");
    assert_eq!(h["x-request-id"], "[REDACTED]");
}

#[test]
fn truncated_json_still_loses_its_pairs() {
    let r = Redactor::default();
    let cut = r#"{"user":"ada","password":"hunter2","items":[1,2,"#;
    let out = r
        .body(Some("application/json"), cut, &mut Default::default())
        .into_owned();
    assert!(!out.contains("hunter2"), "{out}");
}

#[test]
fn binary_bodies_are_never_returned() {
    let r = Redactor::default();
    for ct in ["image/png", "application/octet-stream", "application/grpc"] {
        assert_eq!(
            r.body(Some(ct), "anything", &mut Default::default()),
            "",
            "{ct}"
        );
    }
}

mod properties {
    use bugcap_protocol::redact::Redactor;
    use proptest::prelude::*;

    fn loggy() -> impl Strategy<Value = String> {
        // Mixes ordinary text with fragments of secret shapes, so near-misses are exercised.
        let fragment = prop_oneof![
            "[a-zA-Z0-9 _.:=/@+-]{0,40}",
            Just("password=".to_owned()),
            Just("Bearer ".to_owned()),
            Just("4111 1111 1111 1111".to_owned()),
            Just("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.".to_owned()),
            Just("-----BEGIN PRIVATE KEY-----".to_owned()),
            Just("DE89 3704 0044 0532 0130 00".to_owned()),
            Just("\"token\": \"".to_owned()),
            Just("https://".to_owned()),
            Just("?code=".to_owned()),
            Just("&".to_owned()),
            Just("#".to_owned()),
            Just("@".to_owned()),
            "\\PC{0,8}",
        ];
        prop::collection::vec(fragment, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn text_redaction_is_idempotent_and_clean_text_is_unchanged(s in loggy()) {
            let r = Redactor::default();
            let mut c = Default::default();
            let once = r.text(&s, &mut c).into_owned();
            if c.total() == 0 {
                prop_assert_eq!(&once, &s);
            }
            let mut c2 = Default::default();
            prop_assert_eq!(r.text(&once, &mut c2).into_owned(), once);
            prop_assert_eq!(c2.total(), 0);
        }

        #[test]
        fn url_redaction_is_idempotent(s in "(https?://)?[a-z:@.]{0,12}(/[a-z0-9]{0,6}){0,3}(\\?([a-z_]{1,8}=[a-zA-Z0-9%.]{0,10}&?){0,4})?(#[a-z=&_]{0,12})?") {
            let r = Redactor::default();
            let once = r.url(&s, &mut Default::default());
            let mut c = Default::default();
            prop_assert_eq!(r.url(&once, &mut c), once);
            prop_assert_eq!(c.total(), 0);
        }

        #[test]
        fn json_redaction_is_idempotent_and_never_grows_clean_documents(
            doc in prop::collection::btree_map("[a-z_]{1,12}", prop_oneof![
                any::<i64>().prop_map(serde_json::Value::from),
                "[a-zA-Z0-9 .:=_-]{0,30}".prop_map(serde_json::Value::from),
                any::<bool>().prop_map(serde_json::Value::from),
            ], 0..8)
        ) {
            let text = serde_json::to_string(&doc).unwrap();
            let r = Redactor::default();
            let mut c = Default::default();
            let once = r.body(Some("application/json"), &text, &mut c).into_owned();
            if c.total() == 0 {
                prop_assert_eq!(&once, &text);
            }
            let mut c2 = Default::default();
            prop_assert_eq!(r.body(Some("application/json"), &once, &mut c2).into_owned(), once);
            prop_assert_eq!(c2.total(), 0);
        }
    }
}

#[test]
fn a_report_dom_snapshot_loses_what_its_meta_tags_and_attributes_name_secret() {
    let mut value: serde_json::Value =
        serde_json::from_str(include_str!("../examples/minimal-report.json")).unwrap();
    value["dom"] = serde_json::json!({"format": "rrweb-snapshot", "node": {"type": 0, "id": 1, "childNodes": [
        {"type": 2, "id": 2, "tagName": "meta", "attributes": {"name": "csrf-token", "content": "k9Xq2Lw0"}, "childNodes": []},
        {"type": 2, "id": 3, "tagName": "div", "attributes": {"data-api-key": "pk_local_77"}, "childNodes": []},
    ]}});
    let mut report: bugcap_protocol::Report = serde_json::from_value(value).unwrap();
    let counts = Redactor::new(&Default::default())
        .unwrap()
        .report(&mut report);
    let text = serde_json::to_string(&report).unwrap();
    assert!(!text.contains("k9Xq2Lw0"), "{text}");
    assert!(!text.contains("pk_local_77"), "{text}");
    assert_eq!(report.redactions.get("sensitive_key"), Some(&2));
    assert_eq!(counts.total(), 2);
}

/// A report with a secret in every field the engine walks, for each secret of the corpus.
fn reports_full_of_secrets() -> Vec<serde_json::Value> {
    let base: serde_json::Value =
        serde_json::from_str(include_str!("../examples/minimal-report.json")).unwrap();
    cases(SECRETS)
        .into_iter()
        .filter(|c| c.kind == "text")
        .map(|case| {
            let s = case.input;
            let url = format!("https://ann:pw@app.test/p?token=abc&q=1#{s}");
            let mut r = base.clone();
            r["feedback"] = serde_json::json!({"text": s, "category": s});
            r["page"]["url"] = url.clone().into();
            r["page"]["referrer"] = url.clone().into();
            r["page"]["title"] = s.clone().into();
            r["metadata"] = serde_json::json!({"note": s, "count": 3, "on": true});
            r["console"] = serde_json::json!([{"level": "log", "message": s, "args": [s, "plain"],
                "stack": s, "timestamp": 1.0}]);
            r["errors"] = serde_json::json!([{"kind": "error", "message": s, "source": url,
                "stack": s, "timestamp": 1.0, "count": 1}]);
            r["network"] = serde_json::json!([
                {"kind": "fetch", "method": "POST", "url": url, "start_time": 1.0,
                 "request_headers": {"Authorization": "Bearer abc", "x-note": s, "accept": "*/*"},
                 "response_headers": {"set-cookie": "sid=1", "x-trace": s},
                 "request_body": {"content_type": "application/json",
                                  "text": format!("{{\"password\":\"hunter2\",\"note\":{}}}",
                                                  serde_json::Value::from(s.clone()))},
                 "response_body": {"content_type": "image/png", "text": s, "size": 9},
                 "error": s},
                {"kind": "xhr", "method": "POST", "url": url, "start_time": 2.0,
                 "request_body": {"content_type": "application/x-www-form-urlencoded",
                                  "text": "user=ann&password=hunter2"}}
            ]);
            r["dom"] = serde_json::json!({"format": "rrweb-snapshot", "node": {"type": 0, "id": 1,
                "childNodes": [{"type": 2, "id": 2, "tagName": "meta",
                "attributes": {"name": "csrf-token", "content": "k9Xq2Lw0"}, "childNodes": []},
                {"type": 3, "id": 3, "textContent": s},
                {"type": 2, "id": 4, "tagName": "div", "attributes": {"title": s},
                 "childNodes": []}]}});
            r["annotations"] =
                serde_json::json!([{"kind": "text", "points": [[1.0, 2.0]], "text": s}]);
            r["redactions"] = serde_json::json!({"header": 2});
            r
        })
        .collect()
}

/// The widget re-redacts a report a host edited as JSON (`report_value`), the relay as a typed
/// `Report` (`report`): the two walks must give one output, or a field one of them forgets
/// would travel unredacted.
#[test]
fn the_json_walk_and_the_typed_walk_redact_a_report_alike() {
    let r = Redactor::new(&RedactionConfig {
        extra_patterns: vec![CustomPattern {
            name: "ticket".into(),
            pattern: "plain".into(),
        }],
        ..Default::default()
    })
    .unwrap();
    let reports = reports_full_of_secrets();
    assert!(reports.len() > 10);
    for value in reports {
        let mut typed: bugcap_protocol::Report = serde_json::from_value(value).unwrap();
        // As the widget hands it to `beforeSend`: the typed report written out.
        let value = Json::parse(&serde_json::to_string(&typed).unwrap()).unwrap();
        let typed_counts = r.report(&mut typed);
        let mut walked = value.clone();
        let walked_counts = r.report_value(&mut walked);
        assert_eq!(
            serde_json::to_value(&walked).unwrap(),
            serde_json::to_value(&typed).unwrap()
        );
        assert_eq!(walked_counts, typed_counts);
        assert_ne!(walked, value, "nothing was redacted");
        let text = walked.to_string();
        assert!(
            !text.contains("hunter2") && !text.contains("k9Xq2Lw0"),
            "{text}"
        );
        assert!(
            !text.contains("ann:pw") && !text.contains("Bearer abc"),
            "{text}"
        );
        assert!(walked["redactions"]["header"].as_u64().unwrap() > 2);
    }
}

/// Each text secret of the corpus (URLs with a password or an OAuth code among them) is gone
/// from every field of a report: feedback, title, console, errors, bodies, headers, metadata,
/// the DOM snapshot's text and attributes, annotations.
#[test]
fn every_text_secret_is_gone_from_every_field_of_a_report() {
    let r = Redactor::default();
    let secrets: Vec<String> = cases(SECRETS)
        .into_iter()
        .filter(|c| c.kind == "text")
        .map(|c| c.secret.unwrap())
        .collect();
    let reports = reports_full_of_secrets();
    assert_eq!(reports.len(), secrets.len());
    for (value, secret) in reports.into_iter().zip(secrets) {
        let mut typed: bugcap_protocol::Report = serde_json::from_value(value).unwrap();
        r.report(&mut typed);
        let text = serde_json::to_string(&typed).unwrap();
        // JSON escapes what the secret may hold (a quote in a PEM block is not one).
        let escaped = serde_json::to_string(&secret).unwrap();
        assert!(
            !text.contains(escaped.trim_matches('"')),
            "{secret:?} survived in {text}"
        );
    }
}

#[test]
fn the_json_walk_leaves_what_is_not_a_report_for_validation() {
    let r = Redactor::default();
    for text in [
        r#""text""#,
        "[1, 2]",
        r#"{"console": "x", "network": [1, "y"], "page": 3}"#,
    ] {
        let mut v = Json::parse(text).unwrap();
        let before = v.clone();
        r.report_value(&mut v);
        if before.as_object().is_some() {
            assert_eq!(v["console"], before["console"]);
            assert_eq!(v["network"], before["network"]);
            assert_eq!(v["redactions"], Json::Object(Vec::new()));
        } else {
            assert_eq!(v, before);
        }
    }
}
