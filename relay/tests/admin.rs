//! The admin read API against the running binary: token, scope and lookup rules.

mod support;

use serde_json::json;
use support::{ORIGIN, Relay, cli, fresh_report};

#[test]
fn reading_a_report_needs_a_valid_admin_token() {
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

/// Files `report` with `key`, after `tweak` edits it; its id.
fn file(relay: &Relay, key: &str, tweak: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut report = fresh_report();
    tweak(&mut report);
    let res = relay.post_report(key, Some(ORIGIN), &report);
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    report["id"].as_str().unwrap().to_owned()
}

/// `GET /v1/reports?{query}` with `token`, as answered.
fn get_list(relay: &Relay, token: &str, query: &str) -> support::Response {
    relay.raw(
        "GET",
        &format!("/v1/reports?{query}"),
        &[("authorization", &format!("Bearer {token}"))],
        b"",
    )
}

/// `GET /v1/reports?{query}`: the ids listed and the next cursor.
fn list(relay: &Relay, token: &str, query: &str) -> (Vec<String>, Option<String>) {
    let res = get_list(relay, token, query);
    assert_eq!(
        res.status,
        200,
        "{query}: {}",
        String::from_utf8_lossy(&res.body)
    );
    let body = res.json();
    let ids = body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, body["next_cursor"].as_str().map(str::to_owned))
}

#[test]
fn the_list_pages_newest_first_and_a_report_filed_meanwhile_shifts_no_page() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");
    let filed: Vec<String> = (0..5).map(|_| file(&relay, &key, |_| {})).collect();
    let newest_first: Vec<String> = filed.iter().rev().cloned().collect();

    let (first, cursor) = list(&relay, &token, "limit=2");
    assert_eq!(first, newest_first[..2]);
    // A report arrives while the user is on the first page.
    let late = file(&relay, &key, |_| {});
    let (second, cursor) = list(
        &relay,
        &token,
        &format!("limit=2&cursor={}", cursor.unwrap()),
    );
    assert_eq!(
        second,
        newest_first[2..4],
        "the second page is where it was"
    );
    let (third, end) = list(
        &relay,
        &token,
        &format!("limit=2&cursor={}", cursor.unwrap()),
    );
    assert_eq!(third, newest_first[4..]);
    assert_eq!(end, None, "the last page says there is no next");
    assert_eq!(list(&relay, &token, "limit=1").0, [late]);
}

#[test]
fn the_list_filters_by_what_a_report_says_and_shows_its_title_and_counts() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");
    let plain = file(&relay, &key, |r| {
        r["feedback"]["text"] = "  Totals are wrong\nafter saving the cart".into();
        r["page"]["url"] = "https://app.example.com/cart?step=2".into();
    });
    let broken = file(&relay, &key, |r| {
        r["feedback"]["text"] = "Checkout crashes".into();
        r["feedback"]["category"] = "Bug".into();
        r["identity"] = json!({ "id": "u_42", "email": "Ana@Example.com" });
        r["errors"] = json!([{ "kind": "error", "message": "TypeError: total is undefined", "timestamp": 1795774530000_u64 }]);
        r["network"] = json!([
            { "kind": "fetch", "method": "POST", "url": "https://app.example.com/api/pay", "status": 502, "start_time": 1795774530000_u64 },
            { "kind": "fetch", "method": "GET", "url": "https://app.example.com/api/cart", "status": 200, "start_time": 1795774530000_u64 }
        ]);
    });

    let res = get_list(&relay, &token, "");
    let rows = res.json()["reports"].as_array().unwrap().clone();
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(row(&plain)["title"], "Totals are wrong");
    assert_eq!(row(&plain)["status"], "new");
    assert_eq!(row(&plain)["project"], "shop");
    assert_eq!(
        (
            row(&broken)["errors"].as_i64(),
            row(&broken)["failed_requests"].as_i64()
        ),
        (Some(1), Some(1))
    );

    let only = |query: &str| list(&relay, &token, query).0;
    assert_eq!(only("has_errors=true"), std::slice::from_ref(&broken));
    assert_eq!(only("has_errors=false"), std::slice::from_ref(&plain));
    assert_eq!(
        only("url=https%3A%2F%2Fapp.example.com%2Fcart"),
        std::slice::from_ref(&plain)
    );
    assert!(
        only("url=https%3A%2F%2Fapp.example.com%2FCART").is_empty(),
        "URL prefixes are exact"
    );
    assert_eq!(
        only("reporter=ana%40example.com"),
        std::slice::from_ref(&broken)
    );
    assert_eq!(only("reporter=u_42"), std::slice::from_ref(&broken));
    assert_eq!(only("category=Bug"), std::slice::from_ref(&broken));
    assert_eq!(only("status=new&project=shop&environment=staging").len(), 2);
    assert!(only("status=resolved,spam").is_empty());
    assert!(only("project=other").is_empty());
    assert!(
        only("since=4102444800000").is_empty(),
        "nothing from the year 2100"
    );
    assert_eq!(only("until=2100-01-01T00:00:00Z").len(), 2);
}

#[test]
fn search_finds_words_in_the_text_page_console_and_errors_but_never_a_redacted_secret() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlc2lnbmF0dXJl";
    let id = file(&relay, &key, |r| {
        r["feedback"]["text"] = "The invoice total is négative".into();
        r["page"]["title"] = "Billing overview".into();
        r["console"] = json!([
            { "level": "warn", "message": format!("retrying checkout with token {jwt}"), "timestamp": 1795774530000_u64 }
        ]);
        r["errors"] = json!([{ "kind": "error", "message": "RangeError: quantity overflow", "timestamp": 1795774530000_u64 }]);
    });
    let other = file(&relay, &key, |_| {});
    let found = |q: &str| list(&relay, &token, &format!("q={q}")).0;
    assert_eq!(
        found("invoice"),
        std::slice::from_ref(&id),
        "the user's text"
    );
    assert_eq!(found("negative"), std::slice::from_ref(&id), "accents fold");
    assert_eq!(
        found("Billing"),
        std::slice::from_ref(&id),
        "the page title"
    );
    assert_eq!(
        found("retrying+checkout"),
        std::slice::from_ref(&id),
        "console messages"
    );
    assert_eq!(
        found("overfl"),
        std::slice::from_ref(&id),
        "error messages, by prefix"
    );
    assert_eq!(
        found("invoice+nothere"),
        Vec::<String>::new(),
        "every word must match"
    );
    assert!(
        found("eyJhbGciOiJIUzI1NiJ9").is_empty(),
        "the secret was redacted before indexing"
    );
    // Whatever the user types is words, never FTS syntax: no 500 for quotes or operators.
    for q in [
        "%22",
        "a+OR+b",
        "NEAR(x+y)",
        "*",
        "col%3Avalue",
        "%22unclosed",
    ] {
        list(&relay, &token, &format!("q={q}"));
    }
    assert!(
        found("Settings").contains(&other),
        "the example report's page title"
    );
}

#[test]
fn listing_needs_a_token_and_refuses_unknown_or_bad_parameters() {
    let relay = Relay::start();
    let none = relay.raw("GET", "/v1/reports", &[], b"");
    assert_eq!(
        (none.status, none.error_code().as_str()),
        (401, "missing_token")
    );
    let token = relay.create_token("reports:read");
    for (query, field) in [
        ("statsu=new", "statsu"),
        ("status=open", "status"),
        ("limit=500", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("since=last+week", "since"),
    ] {
        let res = get_list(&relay, &token, query);
        assert_eq!(
            (res.status, res.error_code().as_str()),
            (422, "invalid_field"),
            "{query}"
        );
        assert_eq!(res.json()["error"]["field"], field, "{query}");
    }
}
