//! Triage, comments and share links against the running binary: who may write, what is logged,
//! and what a share link opens (one report, nothing else).

mod support;

use serde_json::{Value, json};
use support::{ORIGIN, Relay, fresh_report};

/// Files a fresh report and returns its id.
fn file(relay: &Relay, key: &str) -> String {
    let report = fresh_report();
    assert_eq!(relay.post_report(key, Some(ORIGIN), &report).status, 201);
    report["id"].as_str().unwrap().to_owned()
}

fn listed(relay: &Relay, token: &str, query: &str) -> Vec<String> {
    let res = relay.admin("GET", &format!("/v1/reports?{query}"), token, None);
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    res.json()["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

fn activity(relay: &Relay, token: &str, id: &str) -> Vec<Value> {
    let res = relay.admin("GET", &format!("/v1/reports/{id}/activity"), token, None);
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["activity"].as_array().unwrap().clone()
}

#[test]
fn each_triage_change_is_logged_with_who_and_when_and_filters_the_list() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let writer = relay.create_token("reports:write");
    let (a, b) = (file(&relay, &key), file(&relay, &key));

    let res = relay.admin(
        "PATCH",
        &format!("/v1/reports/{a}"),
        &writer,
        Some(&json!({ "status": "triaged", "assignee": "ana", "labels": ["checkout", "p1"] })),
    );
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json(),
        json!({ "id": a, "status": "triaged", "assignee": "ana", "labels": ["checkout", "p1"] })
    );
    // The same status again changes nothing and logs nothing.
    let res = relay.admin(
        "PATCH",
        &format!("/v1/reports/{a}"),
        &writer,
        Some(&json!({ "status": "triaged" })),
    );
    assert_eq!(res.status, 200);

    let log = activity(&relay, &writer, &a);
    let kinds: Vec<&str> = log.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["status", "assignee", "labels"]);
    assert_eq!(log[0]["detail"], json!({ "from": "new", "to": "triaged" }));
    assert_eq!(log[1]["detail"], json!({ "from": null, "to": "ana" }));
    for entry in &log {
        assert_eq!(entry["actor"]["kind"], "token");
        assert_eq!(
            entry["actor"]["name"],
            &writer[..12],
            "the prefix, never the secret"
        );
        assert!(entry["at"].as_i64().unwrap() > 1_700_000_000_000);
    }
    assert!(!res.text().contains(&writer));

    let report = relay.get_report(&writer, &a).json();
    assert_eq!(
        report["triage"],
        json!({ "status": "triaged", "assignee": "ana", "labels": ["checkout", "p1"] })
    );
    assert_eq!(listed(&relay, &writer, "status=triaged"), [a.as_str()]);
    assert_eq!(listed(&relay, &writer, "status=new"), [b.as_str()]);
    assert_eq!(listed(&relay, &writer, "assignee=ana"), [a.as_str()]);
    assert_eq!(listed(&relay, &writer, "assignee=none"), [b.as_str()]);
    assert_eq!(listed(&relay, &writer, "label=p1"), [a.as_str()]);
    assert!(
        listed(&relay, &writer, "label=p").is_empty(),
        "labels match whole"
    );

    // Unassigning is a change too.
    let res = relay.admin(
        "PATCH",
        &format!("/v1/reports/{a}"),
        &writer,
        Some(&json!({ "assignee": null })),
    );
    assert_eq!(res.json()["assignee"], Value::Null);
    assert_eq!(activity(&relay, &writer, &a).len(), 4);
}

#[test]
fn a_bulk_change_applies_to_all_or_none() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let writer = relay.create_token("reports:write");
    let (a, b) = (file(&relay, &key), file(&relay, &key));
    let unknown = support::uuid_v4();

    let res = relay.admin(
        "PATCH",
        "/v1/reports",
        &writer,
        Some(&json!({ "ids": [a, unknown], "status": "spam" })),
    );
    assert_eq!((res.status, res.error_code().as_str()), (404, "not_found"));
    assert_eq!(listed(&relay, &writer, "status=spam"), Vec::<String>::new());
    assert!(activity(&relay, &writer, &a).is_empty());

    let res = relay.admin(
        "PATCH",
        "/v1/reports",
        &writer,
        Some(&json!({ "ids": [a, b], "status": "resolved" })),
    );
    assert_eq!(res.status, 200, "{}", res.text());
    let answer = res.json();
    let statuses: Vec<&str> = answer["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["resolved", "resolved"]);
    assert_eq!(listed(&relay, &writer, "status=resolved").len(), 2);

    for (body, field) in [
        (json!({ "ids": [], "status": "new" }), "ids"),
        (json!({ "status": "new" }), "ids"),
        (json!({ "ids": [a] }), ""),
        (json!({ "ids": [1], "status": "new" }), "ids"),
        (json!({ "ids": [a], "status": "done" }), "status"),
    ] {
        let res = relay.admin("PATCH", "/v1/reports", &writer, Some(&body));
        assert_eq!(
            (res.status, res.error_code().as_str()),
            (422, "invalid_field"),
            "{body}"
        );
        assert_eq!(res.json()["error"]["field"], field, "{body}");
    }
    let ids: Vec<String> = (0..101).map(|_| support::uuid_v4()).collect();
    let res = relay.admin(
        "PATCH",
        "/v1/reports",
        &writer,
        Some(&json!({ "ids": ids, "status": "new" })),
    );
    assert_eq!(res.status, 422, "more than a page at once");
}

#[test]
fn comments_are_listed_with_the_activity_and_checked() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let writer = relay.create_token("reports:write");
    let id = file(&relay, &key);
    let path = format!("/v1/reports/{id}/comments");

    let note = "Seen on <b>staging</b> too\n<script>alert(1)</script>";
    let res = relay.admin("POST", &path, &writer, Some(&json!({ "body": note })));
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["kind"], "comment");
    let log = activity(&relay, &writer, &id);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["detail"]["body"], note, "stored as written");

    for body in [
        json!({}),
        json!({ "body": "   " }),
        json!({ "body": 3 }),
        json!({ "body": "x".repeat(10_001) }),
        json!({ "body": "ok", "author": "me" }),
    ] {
        let res = relay.admin("POST", &path, &writer, Some(&body));
        assert_eq!(res.status, 422, "{body}");
    }
    let auth = format!("Bearer {writer}");
    let res = relay.raw(
        "POST",
        &path,
        &[("authorization", &auth), ("content-type", "text/plain")],
        b"{\"body\":\"hi\"}",
    );
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (415, "unsupported_media_type"),
        "a plain form post from another page is refused"
    );
    let huge = vec![b'a'; 70_000];
    let res = relay.raw(
        "POST",
        &path,
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        &huge,
    );
    assert_eq!(res.status, 413);
    let res = relay.admin(
        "POST",
        &format!("/v1/reports/{}/comments", support::uuid_v4()),
        &writer,
        Some(&json!({ "body": "hi" })),
    );
    assert_eq!(res.status, 404);
    assert_eq!(activity(&relay, &writer, &id).len(), 1);
}

#[test]
fn a_read_only_token_cannot_write_anything() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let reader = relay.create_token("reports:read");
    let writer = relay.create_token("reports:write");
    let id = file(&relay, &key);
    let share = relay.admin("POST", &format!("/v1/reports/{id}/shares"), &writer, None);
    let share_id = share.json()["share"]["id"].as_i64().unwrap();

    let status = json!({ "status": "spam" });
    let bulk = json!({ "ids": [id], "status": "spam" });
    let comment = json!({ "body": "hi" });
    for (method, path, body) in [
        ("PATCH", format!("/v1/reports/{id}"), Some(&status)),
        ("PATCH", "/v1/reports".to_owned(), Some(&bulk)),
        ("POST", format!("/v1/reports/{id}/comments"), Some(&comment)),
        ("POST", format!("/v1/reports/{id}/shares"), None),
        (
            "DELETE",
            format!("/v1/reports/{id}/shares/{share_id}"),
            None,
        ),
    ] {
        let res = relay.admin(method, &path, &reader, body);
        assert_eq!(
            (res.status, res.error_code().as_str()),
            (403, "insufficient_scope"),
            "{method} {path}"
        );
        let res = relay.admin(method, &path, "", body);
        assert_eq!(res.status, 401, "{method} {path} without a token");
    }
    // Nothing changed; the writer reads too.
    assert_eq!(
        relay.get_report(&writer, &id).json()["triage"]["status"],
        "new"
    );
    assert_eq!(activity(&relay, &reader, &id).len(), 1, "only the share");

    // The old scope is refused with a pointer to what replaced it.
    let out = std::process::Command::new(support::BIN)
        .arg("--data-dir")
        .arg(relay.dir())
        .args(["tokens", "create", "--scope", "keys:manage"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("keys:manage is gone"));
}

#[test]
fn a_share_link_opens_its_report_and_nothing_else_until_revoked() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let writer = relay.create_token("reports:write");
    let (a, b) = (file(&relay, &key), file(&relay, &key));
    relay.admin(
        "POST",
        &format!("/v1/reports/{a}/comments"),
        &writer,
        Some(&json!({ "body": "internal: customer is on the enterprise plan" })),
    );

    let res = relay.admin("POST", &format!("/v1/reports/{a}/shares"), &writer, None);
    assert_eq!(res.status, 201, "{}", res.text());
    let made = res.json();
    let token = made["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("bc_shr_") && token.len() == 39, "{token}");
    assert_eq!(made["url"], format!("{}/app/s/{token}", relay.base));
    let share_id = made["share"]["id"].as_i64().unwrap();

    let shared = relay.raw("GET", &format!("/v1/shared/{token}"), &[], b"");
    assert_eq!(shared.status, 200, "{}", shared.text());
    let body = shared.json();
    assert_eq!(body["id"], a.as_str());
    assert_eq!(body["report"]["id"], a.as_str());
    let text = shared.text();
    for hidden in ["enterprise", "triage", "activity", "key_prefix", b.as_str()] {
        assert!(!text.contains(hidden), "a share shows no {hidden}");
    }

    // The link is no credential anywhere else.
    let bearer = format!("Bearer {token}");
    for path in [
        "/v1/reports".to_owned(),
        format!("/v1/reports/{a}"),
        format!("/v1/reports/{b}"),
        format!("/v1/reports/{a}/activity"),
        format!("/v1/reports/{a}/shares"),
    ] {
        let res = relay.raw("GET", &path, &[("authorization", &bearer)], b"");
        assert_eq!(res.status, 401, "{path}");
    }
    for path in [
        format!("/v1/shared/{token}x"),
        format!("/v1/shared/{}", &token[..38]),
        format!("/v1/shared/{token}/media/screenshot.png"),
        "/v1/shared/bc_shr_00000000000000000000000000000000".to_owned(),
    ] {
        assert_eq!(relay.raw("GET", &path, &[], b"").status, 404, "{path}");
    }

    // Stored as a hash only.
    let listed = relay.admin("GET", &format!("/v1/reports/{a}/shares"), &writer, None);
    assert_eq!(listed.json()["shares"][0]["prefix"], &token[..12]);
    assert!(!listed.text().contains(&token));
    for file in std::fs::read_dir(relay.dir()).unwrap() {
        let path = file.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let needle = token.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} holds the link",
                path.display()
            );
        }
    }

    let revoke = format!("/v1/reports/{a}/shares/{share_id}");
    assert_eq!(relay.admin("DELETE", &revoke, &writer, None).status, 204);
    let after = relay.raw("GET", &format!("/v1/shared/{token}"), &[], b"");
    assert_eq!(after.status, 404, "revoking stops it at once");
    assert_eq!(relay.admin("DELETE", &revoke, &writer, None).status, 404);
    // Another report's id with this share's number is not this share.
    let wrong = format!("/v1/reports/{b}/shares/{share_id}");
    assert_eq!(relay.admin("DELETE", &wrong, &writer, None).status, 404);

    let kinds: Vec<String> = activity(&relay, &writer, &a)
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["comment", "share", "unshare"]);
}
