//! `POST /v1/reports` against the running binary: each rule here fails if the rule is removed.

mod support;

use serde_json::{Value, json};
use support::{ORIGIN, Relay, cli, fresh_report};

#[test]
fn the_example_report_is_stored_and_reads_back_with_project_from_the_key() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");
    let mut report = fresh_report();
    // A client's claim about project and environment is replaced by the key's.
    report["project"] = "someone-else".into();
    report["environment"] = "production".into();
    let id = report["id"].as_str().unwrap().to_owned();

    let res = relay.post_report(&key, Some(ORIGIN), &report);
    assert_eq!(res.status, 201, "{:?}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json(), json!({ "id": id, "status": "received" }));
    assert_eq!(res.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(res.header("vary"), Some("Origin"));

    let stored = relay.get_report(&token, &id);
    assert_eq!(stored.status, 200);
    let stored = stored.json();
    assert_eq!(stored["project"], "shop");
    assert_eq!(stored["environment"], "staging");
    assert_eq!(stored["report"]["project"], "shop");
    assert_eq!(stored["report"]["environment"], "staging");
    assert_eq!(
        stored["report"]["feedback"]["text"],
        report["feedback"]["text"]
    );
    assert_eq!(stored["key_prefix"], key[..12]);
}

#[test]
fn a_retry_with_the_same_id_is_idempotent_and_another_key_gets_409() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let other = relay.create_key(&[ORIGIN]);
    let report = fresh_report();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);
    let again = relay.post_report(&key, Some(ORIGIN), &report);
    assert_eq!(again.status, 200);
    let again = again.json();
    assert_eq!(again["id"], report["id"]);
    // The report's status now: stored, or already taken off the outbox (no webhook here).
    assert!(
        ["received", "ready"].contains(&again["status"].as_str().unwrap_or("")),
        "{again}"
    );
    let stolen = relay.post_report(&other, Some(ORIGIN), &report);
    assert_eq!(stolen.status, 409);
    assert_eq!(stolen.error_code(), "id_conflict");
}

#[test]
fn origins_not_on_the_list_missing_or_null_are_refused_and_nothing_is_stored() {
    let relay = Relay::start();
    let key = relay.create_key(&["https://*.example.com", ORIGIN]);
    let token = relay.create_token("reports:read");
    for origin in [
        None,
        Some("null"),
        Some("http://localhost:8081"),
        Some("https://evil-example.com"),
        Some("https://example.com.evil.io"),
        Some("https://example.com"),
        Some("http://app.example.com"),
    ] {
        let report = fresh_report();
        let res = relay.post_report(&key, origin, &report);
        assert_eq!(res.status, 403, "{origin:?}");
        assert_eq!(res.error_code(), "origin_not_allowed", "{origin:?}");
        assert_eq!(
            relay
                .get_report(&token, report["id"].as_str().unwrap())
                .status,
            404,
            "{origin:?}"
        );
    }
    assert_eq!(
        relay
            .post_report(&key, Some("https://shop.example.com"), &fresh_report())
            .status,
        201
    );
}

#[test]
fn unknown_malformed_missing_and_revoked_keys_get_401() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let missing = relay.raw(
        "POST",
        "/v1/reports",
        &[("content-type", "application/json"), ("origin", ORIGIN)],
        fresh_report().to_string().as_bytes(),
    );
    assert_eq!(
        (missing.status, missing.error_code().as_str()),
        (401, "missing_key")
    );
    let mut wrong = key.clone();
    wrong.replace_range(20..21, if &key[20..21] == "A" { "B" } else { "A" });
    for bad in [
        wrong.as_str(),
        "bc_pub_short",
        "bc_adm_0123456789abcdefghijABCDEFGHIJ01",
    ] {
        let res = relay.post_report(bad, Some(ORIGIN), &fresh_report());
        assert_eq!(
            (res.status, res.error_code().as_str()),
            (401, "invalid_key"),
            "{bad}"
        );
    }
    assert_eq!(
        relay
            .post_report(&key, Some(ORIGIN), &fresh_report())
            .status,
        201
    );
    cli(&relay.dir(), &["keys", "revoke", &key[..12]]);
    let res = relay.post_report(&key, Some(ORIGIN), &fresh_report());
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (401, "invalid_key")
    );
}

#[test]
fn a_key_in_the_query_string_is_refused() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    for path in [
        format!("/v1/reports?key={key}"),
        format!("/v1/reports?k={key}"),
        "/v1/reports?x-bugcap-key=1".into(),
    ] {
        let res = relay.raw(
            "POST",
            &path,
            &[
                ("content-type", "application/json"),
                ("x-bugcap-key", &key),
                ("origin", ORIGIN),
            ],
            fresh_report().to_string().as_bytes(),
        );
        assert_eq!(
            (res.status, res.error_code().as_str()),
            (400, "key_in_query"),
            "{path}"
        );
    }
}

#[test]
fn only_application_json_is_accepted() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let body = fresh_report().to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let res = relay.raw(
            "POST",
            "/v1/reports",
            &[
                ("content-type", content_type),
                ("x-bugcap-key", &key),
                ("origin", ORIGIN),
            ],
            body.as_bytes(),
        );
        assert_eq!(
            (res.status, res.error_code().as_str()),
            (415, "unsupported_media_type"),
            "{content_type}"
        );
    }
    let res = relay.raw(
        "POST",
        "/v1/reports",
        &[
            ("content-type", "application/json; charset=utf-8"),
            ("x-bugcap-key", &key),
            ("origin", ORIGIN),
        ],
        body.as_bytes(),
    );
    assert_eq!(res.status, 201);
}

#[test]
fn bodies_over_the_limit_get_413_declared_or_not() {
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start_in(data, &["--max-body-bytes", "4096"]);
    let key = relay.create_key(&[ORIGIN]);
    let mut report = fresh_report();
    report["feedback"]["text"] = "x".repeat(5000).into();
    let res = relay.post_report(&key, Some(ORIGIN), &report);
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (413, "payload_too_large")
    );
    // No declared length (chunked): cut off while reading.
    let body = report.to_string();
    let chunked = format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len());
    let res = relay.post_bytes(
        &key,
        &[("transfer-encoding", "chunked")],
        chunked.as_bytes(),
    );
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (413, "payload_too_large")
    );
    // The same body under the limit, chunked, is accepted: the 413 above is about size.
    let data = tempfile::tempdir().unwrap();
    let roomy = Relay::start_in(data, &[]);
    let key = roomy.create_key(&[ORIGIN]);
    let res = roomy.post_bytes(
        &key,
        &[("transfer-encoding", "chunked")],
        chunked.as_bytes(),
    );
    assert_eq!(res.status, 201);
}

#[test]
fn malformed_and_invalid_reports_get_json_errors_with_the_field() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let post = |body: &[u8]| relay.post_bytes(&key, &[], body);
    let res = post(b"{not json");
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (400, "invalid_json")
    );
    let res = post(b"\xff\xfe");
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (400, "invalid_json")
    );

    let mut r = fresh_report();
    r["page"]["viewport"]["width"] = "wide".into();
    let res = post(r.to_string().as_bytes());
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["field"], "page.viewport.width");

    let mut r = fresh_report();
    r["schema_version"] = 2.into();
    let res = post(r.to_string().as_bytes());
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (422, "unsupported_schema_version")
    );

    let mut r = fresh_report();
    r["feedback"]["text"] = "   ".into();
    let res = post(r.to_string().as_bytes());
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["field"], "feedback.text");

    let mut r = fresh_report();
    r["surprise"] = true.into();
    let res = post(r.to_string().as_bytes());
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (422, "invalid_field"),
        "unknown fields are refused"
    );

    let mut r = fresh_report();
    r["key"] = "bc_pub_0123456789abcdefghijABCDEFGHIJ01".into();
    let res = post(r.to_string().as_bytes());
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (400, "key_in_body")
    );
    assert!(
        !String::from_utf8_lossy(&res.body).contains("bc_pub_0123"),
        "the key is never echoed"
    );

    let mut r = fresh_report();
    let mut deep = serde_json::json!("bottom");
    for _ in 0..70 {
        deep = serde_json::json!([deep]);
    }
    r["dom"] = serde_json::json!({ "format": "rrweb-snapshot", "node": deep });
    let res = post(r.to_string().as_bytes());
    assert_eq!((res.status, res.error_code().as_str()), (400, "too_deep"));
}

#[test]
fn preflight_reflects_only_origins_some_active_key_allows() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let preflight = |origin: &str| {
        relay.raw(
            "OPTIONS",
            "/v1/reports",
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
            ],
            b"",
        )
    };
    let ok = preflight(ORIGIN);
    assert_eq!(ok.status, 204);
    assert_eq!(ok.header("access-control-allow-origin"), Some(ORIGIN));
    assert!(
        ok.header("access-control-allow-headers")
            .unwrap()
            .contains("x-bugcap-key")
    );
    assert_eq!(ok.header("vary"), Some("Origin"));

    let refused = preflight("https://evil.example");
    assert_eq!(refused.status, 403);
    assert_eq!(refused.header("access-control-allow-origin"), None);
    assert_eq!(refused.header("vary"), Some("Origin"));

    cli(&relay.dir(), &["keys", "revoke", &key[..12]]);
    assert_eq!(
        preflight(ORIGIN).status,
        403,
        "a revoked key no longer opens CORS for its origins"
    );
}

#[test]
fn the_origin_check_tells_any_page_whether_some_active_key_allows_its_origin() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let check = |origin: Option<&str>| {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("origin", o)).into_iter().collect();
        relay.raw("GET", "/v1/origin", &headers, b"")
    };
    let ok = check(Some(ORIGIN));
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json(), json!({ "origin": ORIGIN, "allowed": true }));
    assert_eq!(ok.header("access-control-allow-origin"), Some(ORIGIN));

    // The page of a refused origin can read the answer: that is the point of it. It learns
    // nothing its refused preflight did not already show, and no credentials are allowed.
    let refused = check(Some("https://evil.example"));
    assert_eq!(refused.status, 200);
    assert_eq!(
        refused.json(),
        json!({ "origin": "https://evil.example", "allowed": false })
    );
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some("https://evil.example")
    );
    assert_eq!(refused.header("access-control-allow-credentials"), None);
    assert_eq!(refused.header("vary"), Some("Origin"));

    let none = check(None);
    assert_eq!(none.json(), json!({ "origin": null, "allowed": null }));
    assert_eq!(none.header("access-control-allow-origin"), None);

    cli(&relay.dir(), &["keys", "revoke", &key[..12]]);
    assert_eq!(check(Some(ORIGIN)).json()["allowed"], false);
    assert_eq!(relay.raw("POST", "/v1/origin", &[], b"").status, 405);
}

#[test]
fn every_answer_carries_the_security_headers() {
    let relay = Relay::start();
    for (method, path) in [
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/nope"),
        ("POST", "/v1/reports"),
        ("DELETE", "/v1/reports"),
    ] {
        let res = relay.raw(method, path, &[], b"");
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{method} {path}"
        );
        assert_eq!(res.header("x-frame-options"), Some("DENY"));
        assert_eq!(
            res.header("referrer-policy"),
            Some("strict-origin-when-cross-origin")
        );
        assert_eq!(res.header("cache-control"), Some("no-store"));
        assert_eq!(res.header("strict-transport-security"), None);
        assert!(res.json().is_object(), "{method} {path} answers JSON");
    }
}

#[test]
fn metrics_count_requests_rejects_and_commits() {
    let relay = Relay::start_in(tempfile::tempdir().unwrap(), &["--rate-per-ip", "0"]);
    let key = relay.create_key(&[ORIGIN]);
    // Concurrent submissions, so the writer can batch them into fewer commits.
    std::thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| {
                assert_eq!(
                    relay
                        .post_report(&key, Some(ORIGIN), &fresh_report())
                        .status,
                    201
                )
            });
        }
    });
    assert_eq!(
        relay
            .post_report(&key, Some("https://evil.example"), &fresh_report())
            .status,
        403
    );

    let res = relay.raw("GET", "/metrics", &[], b"");
    assert_eq!(res.status, 200);
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = String::from_utf8(res.body).unwrap();
    let value = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        value(r#"bugcap_http_requests_total{route="reports_create",status="201"}"#),
        16.0
    );
    assert_eq!(
        value(r#"bugcap_http_requests_total{route="reports_create",status="403"}"#),
        1.0
    );
    assert_eq!(
        value(r#"bugcap_http_rejects_total{reason="origin_not_allowed"}"#),
        1.0
    );
    assert_eq!(value("bugcap_store_commit_batch_size_sum"), 16.0);
    let commits = value("bugcap_store_commit_duration_seconds_count");
    assert!((1.0..=16.0).contains(&commits), "{commits}");
    assert!(value(r#"bugcap_http_request_duration_seconds_count{route="reports_create"}"#) >= 17.0);
}

/// A report the relay changes nothing in is stored from the bytes the client sent, with the
/// key's project and environment; one it changes (a claimed project, a binary body not marked
/// binary) is written out from what it parsed. Either way it reads back as what was stored.
#[test]
fn a_report_reads_back_as_sent_whether_stored_from_its_bytes_or_written_out() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");

    let mut plain = fresh_report();
    plain["feedback"]["text"] = "caf\u{e9} \"quoted\" \\ back".into();
    plain["console"] = json!([{"level": "log", "message": "step 1 \u{2713}", "timestamp": 1.5}]);
    let sent = format!("  {}\n", serde_json::to_string_pretty(&plain).unwrap());
    assert_eq!(relay.post_bytes(&key, &[], sent.as_bytes()).status, 201);
    let stored = relay
        .get_report(&token, plain["id"].as_str().unwrap())
        .json();
    assert_eq!(stored["report"]["feedback"], plain["feedback"]);
    assert_eq!(stored["report"]["console"][0]["message"], "step 1 \u{2713}");
    assert_eq!(stored["report"]["project"], "shop");
    assert_eq!(stored["report"]["environment"], "staging");

    let mut claimed = fresh_report();
    claimed["project"] = Value::Null;
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &claimed).status, 201);
    let stored = relay
        .get_report(&token, claimed["id"].as_str().unwrap())
        .json();
    assert_eq!(stored["report"]["project"], "shop");

    let mut unmarked = fresh_report();
    unmarked["network"] = json!([{"kind": "fetch", "method": "GET", "url": "https://x.test/a.png",
        "start_time": 1.0, "response_body": {"content_type": "image/png", "binary": false}}]);
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &unmarked).status, 201);
    let stored = relay
        .get_report(&token, unmarked["id"].as_str().unwrap())
        .json();
    assert_eq!(
        stored["report"]["network"][0]["response_body"]["binary"],
        true
    );
}
