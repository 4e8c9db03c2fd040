//! The admin read API against the running binary: token, scope and lookup rules.

mod support;

use support::{ORIGIN, Relay, cli, fresh_report};

#[test]
fn reading_a_report_needs_a_valid_token_with_reports_read() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let report = fresh_report();
    let id = report["id"].as_str().unwrap();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);

    let none = relay.raw("GET", &format!("/v1/reports/{id}"), &[], b"");
    assert_eq!(
        (none.status, none.error_code().as_str()),
        (401, "missing_token")
    );

    // The widget key is not an admin credential.
    let res = relay.get_report(&key, id);
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (401, "invalid_token")
    );

    let manage_only = relay.create_token("keys:manage");
    let res = relay.get_report(&manage_only, id);
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (403, "insufficient_scope")
    );

    let reader = relay.create_token("reports:read");
    assert_eq!(relay.get_report(&reader, id).status, 200);
    let basic = format!("Basic {reader}");
    let res = relay.raw(
        "GET",
        &format!("/v1/reports/{id}"),
        &[("authorization", &basic)],
        b"",
    );
    assert_eq!(res.status, 401);

    cli(&relay.dir(), &["tokens", "revoke", &reader[..12]]);
    let res = relay.get_report(&reader, id);
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (401, "invalid_token")
    );
}

#[test]
fn unknown_and_malformed_ids_are_404() {
    let relay = Relay::start();
    let token = relay.create_token("reports:read");
    for id in [
        "0b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23",
        "not-a-uuid",
        "..%2F..%2Fetc",
    ] {
        let res = relay.get_report(&token, id);
        assert_eq!(
            (res.status, res.error_code().as_str()),
            (404, "not_found"),
            "{id}"
        );
    }
}

#[test]
fn keys_are_listed_by_prefix_only() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN, "https://*.example.com"]);
    let list = cli(&relay.dir(), &["keys", "list"]);
    let text = list.to_string();
    assert!(
        !text.contains(&key),
        "the plaintext key must never be shown again"
    );
    assert_eq!(list[0]["prefix"], key[..12]);
    assert_eq!(
        list[0]["origins"],
        serde_json::json!([ORIGIN, "https://*.example.com"])
    );
    let db = std::fs::read(relay.dir().join("bugcap.sqlite3")).unwrap();
    let needle = key.as_bytes();
    assert!(
        !db.windows(needle.len()).any(|w| w == needle),
        "the plaintext key must not be stored"
    );
}
