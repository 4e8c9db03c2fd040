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
    let db = database_text(&relay.dir());
    assert!(
        db.contains(&key[..12]),
        "the prefix is stored (so the check below looks in the right place)"
    );
    assert!(!db.contains(&key), "the plaintext key must not be stored");
}

#[test]
fn rotation_overlaps_until_the_old_key_is_revoked_and_everything_is_audited() {
    let relay = Relay::start();
    let old = relay.create_key(&[ORIGIN]);
    let rotated = cli(&relay.dir(), &["keys", "rotate", &old[..12]]);
    let new = rotated["key"].as_str().unwrap().to_owned();
    assert_eq!(rotated["replaces"], old[..12]);
    assert_eq!(rotated["origins"], serde_json::json!([ORIGIN]));
    assert_eq!(rotated["project"], "shop");
    assert_ne!(new, old);
    assert_eq!(
        relay
            .post_report(&old, Some(ORIGIN), &fresh_report())
            .status,
        201
    );
    assert_eq!(
        relay
            .post_report(&new, Some(ORIGIN), &fresh_report())
            .status,
        201
    );
    cli(&relay.dir(), &["keys", "revoke", &old[..12]]);
    assert_eq!(
        relay
            .post_report(&old, Some(ORIGIN), &fresh_report())
            .status,
        401
    );
    assert_eq!(
        relay
            .post_report(&new, Some(ORIGIN), &fresh_report())
            .status,
        201
    );

    // Every key operation is in the audit log, by prefix only; no plaintext key is stored.
    let db = database_text(&relay.dir());
    for action in ["key.create", "key.rotate", "key.revoke"] {
        assert!(db.contains(action), "{action} missing from the audit log");
    }
    assert!(
        !db.contains(&old) && !db.contains(&new),
        "a plaintext key is stored"
    );
}

/// The database and its WAL as (lossy) text, for looking for what must or must not be there.
fn database_text(dir: &std::path::Path) -> String {
    let mut all = Vec::new();
    for name in ["bugcap.sqlite3", "bugcap.sqlite3-wal"] {
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            all.extend(bytes);
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}
