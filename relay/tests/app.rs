//! The inbox web app against the running binary: sign-in, sessions, CSRF, scopes, share pages
//! and the escaping of hostile report content. (The browser's side, CSP and sandbox included,
//! is driven in Chromium by `tests/e2e/inbox.test.mjs`.)

mod support;

use serde_json::{Value, json};
use support::{ORIGIN, Relay, Response, cli, fresh_report};

struct App {
    relay: Relay,
}

fn form(fields: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish()
}

impl App {
    fn start() -> App {
        App {
            relay: Relay::start(),
        }
    }

    fn origin(&self) -> String {
        self.relay.base.clone()
    }

    /// Makes an account and returns its generated password.
    fn user(&self, name: &str, read_only: bool) -> String {
        let mut args = vec!["users", "create", name, "--generate-password"];
        if read_only {
            args.push("--read-only");
        }
        cli(&self.relay.dir(), &args)["password"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let cookie = cookie.map(|c| format!("bugcap_session={c}"));
        let mut headers = vec![];
        if let Some(c) = &cookie {
            headers.push(("cookie", c.as_str()));
        }
        self.relay.raw("GET", path, &headers, b"")
    }

    /// A form post, from this origin unless `origin` says otherwise.
    fn post(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Response {
        let cookie = cookie.map(|c| format!("bugcap_session={c}"));
        let own = self.origin();
        let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
        if let Some(c) = &cookie {
            headers.push(("cookie", c.as_str()));
        }
        match origin {
            Some("") => {}
            Some(o) => headers.push(("origin", o)),
            None => headers.push(("origin", own.as_str())),
        }
        self.relay
            .raw("POST", path, &headers, form(fields).as_bytes())
    }

    /// Signs in and returns the session cookie's value.
    fn sign_in(&self, name: &str, password: &str) -> String {
        let res = self.post(
            "/app/sign-in",
            None,
            &[("name", name), ("password", password), ("next", "/app/")],
            None,
        );
        assert_eq!(res.status, 303, "{}", res.text());
        cookie_of(&res).expect("a session cookie")
    }

    /// The CSRF value of a session, as its pages carry it.
    fn csrf(&self, cookie: &str) -> String {
        let page = self.get("/app/", Some(cookie)).text();
        let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
        page[at..at + 32].to_owned()
    }

    fn file(&self, key: &str, report: &Value) -> String {
        assert_eq!(
            self.relay.post_report(key, Some(ORIGIN), report).status,
            201
        );
        report["id"].as_str().unwrap().to_owned()
    }
}

fn cookie_of(res: &Response) -> Option<String> {
    let header = res.header("set-cookie")?;
    let value = header.split(';').next()?.strip_prefix("bugcap_session=")?;
    (!value.is_empty()).then(|| value.to_owned())
}

#[test]
fn signing_in_opens_a_strict_session_and_signing_out_ends_it_at_once() {
    let app = App::start();
    let password = app.user("ana", false);

    let res = app.get("/app/", None);
    assert_eq!(res.status, 303);
    assert_eq!(res.header("location"), Some("/app/sign-in?next=%2Fapp%2F"));
    let page = app.get("/app/sign-in", None);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Sign in to the inbox"));

    let wrong = app.post(
        "/app/sign-in",
        None,
        &[("name", "ana"), ("password", "not her password")],
        None,
    );
    assert_eq!(wrong.status, 401);
    assert!(cookie_of(&wrong).is_none());
    let unknown = app.post(
        "/app/sign-in",
        None,
        &[("name", "nobody"), ("password", "not her password")],
        None,
    );
    assert_eq!(unknown.status, 401);
    assert_eq!(
        wrong.text().contains("Wrong name or password"),
        unknown.text().contains("Wrong name or password"),
        "an unknown name reads like a wrong password"
    );

    let res = app.post(
        "/app/sign-in",
        None,
        &[
            ("name", "ana"),
            ("password", &password),
            ("next", "/app/reports/x"),
        ],
        None,
    );
    assert_eq!(res.status, 303);
    assert_eq!(res.header("location"), Some("/app/reports/x"));
    let set = res.header("set-cookie").unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/app", "Max-Age="] {
        assert!(set.contains(flag), "{set}");
    }
    assert!(!set.contains("Secure"), "plain http here: {set}");
    let cookie = cookie_of(&res).unwrap();
    assert!(cookie.starts_with("bc_ses_"));

    let inbox = app.get("/app/", Some(&cookie));
    assert_eq!(inbox.status, 200);
    let csp = inbox.header("content-security-policy").unwrap();
    for rule in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(rule), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(inbox.header("x-frame-options"), Some("DENY"));
    assert!(
        inbox.text().contains(">ana<"),
        "the header names who is signed in"
    );

    // A redirect after sign-in goes nowhere but the app.
    let res = app.post(
        "/app/sign-in",
        None,
        &[
            ("name", "ana"),
            ("password", &password),
            ("next", "https://evil.test/"),
        ],
        None,
    );
    assert_eq!(res.header("location"), Some("/app/"));

    let csrf = app.csrf(&cookie);
    let res = app.post("/app/sign-out", Some(&cookie), &[], None);
    assert_eq!(res.status, 403, "sign-out without the CSRF value");
    assert_eq!(app.get("/app/", Some(&cookie)).status, 200);
    let res = app.post("/app/sign-out", Some(&cookie), &[("csrf", &csrf)], None);
    assert_eq!(res.status, 303);
    assert!(res.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        app.get("/app/", Some(&cookie)).status,
        303,
        "the old cookie is dead, wherever copies of it are"
    );
}

#[test]
fn a_planted_session_is_never_promoted_by_signing_in() {
    let app = App::start();
    let password = app.user("ana", false);
    let planted = app.sign_in("ana", &password);
    let res = app.post(
        "/app/sign-in",
        Some(&planted),
        &[("name", "ana"), ("password", &password)],
        None,
    );
    assert_eq!(res.status, 303);
    let fresh = cookie_of(&res).unwrap();
    assert_ne!(fresh, planted);
    assert_eq!(app.get("/app/", Some(&planted)).status, 303);
    assert_eq!(app.get("/app/", Some(&fresh)).status, 200);
    // A made-up cookie is simply not a session.
    let res = app.get("/app/", Some("bc_ses_00000000000000000000000000000000"));
    assert_eq!(res.status, 303);
}

#[test]
fn every_write_needs_this_origin_and_the_session_csrf_value() {
    let app = App::start();
    let key = app.relay.create_key(&[ORIGIN]);
    let password = app.user("ana", false);
    let cookie = app.sign_in("ana", &password);
    let csrf = app.csrf(&cookie);
    let id = app.file(&key, &fresh_report());
    let token = app.relay.create_token("reports:write");
    let share = app
        .relay
        .admin("POST", &format!("/v1/reports/{id}/shares"), &token, None)
        .json();
    let share_id = share["share"]["id"].to_string();

    let writes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/app/reports/{id}/triage"),
            vec![("status", "spam"), ("assignee", "mallory"), ("labels", "x")],
        ),
        (
            format!("/app/reports/{id}/comments"),
            vec![("body", "csrf")],
        ),
        (format!("/app/reports/{id}/shares"), vec![]),
        (
            format!("/app/reports/{id}/shares/{share_id}/revoke"),
            vec![],
        ),
        (
            "/app/bulk".to_owned(),
            vec![("id", &id), ("status", "spam")],
        ),
        ("/app/sign-out".to_owned(), vec![]),
    ];
    for (path, fields) in &writes {
        let mut with_wrong = fields.clone();
        with_wrong.push(("csrf", "0123456789abcdef0123456789abcdef"));
        let mut with_right = fields.clone();
        with_right.push(("csrf", &csrf));
        for (label, res) in [
            ("no csrf", app.post(path, Some(&cookie), fields, None)),
            (
                "wrong csrf",
                app.post(path, Some(&cookie), &with_wrong, None),
            ),
            (
                "foreign origin",
                app.post(path, Some(&cookie), &with_right, Some("http://evil.test")),
            ),
            (
                "no origin",
                app.post(path, Some(&cookie), &with_right, Some("")),
            ),
            ("signed out", app.post(path, None, &with_right, None)),
        ] {
            assert!(
                res.status == 403 || res.status == 303 && label == "signed out",
                "{path} with {label}: {}",
                res.status
            );
            if label == "signed out" && res.status == 303 {
                assert!(res.header("location").unwrap().starts_with("/app/sign-in"));
            }
        }
    }
    // Nothing happened.
    let activity = app
        .relay
        .admin("GET", &format!("/v1/reports/{id}/activity"), &token, None)
        .json();
    let kinds: Vec<&str> = activity["activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["share"], "only the API's own share");
    assert_eq!(
        app.get("/app/", Some(&cookie)).status,
        200,
        "still signed in"
    );

    // And with both, each write works and is logged under her name.
    let res = app.post(
        &format!("/app/reports/{id}/triage"),
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("status", "triaged"),
            ("assignee", "ana"),
            ("labels", "checkout, p1"),
        ],
        None,
    );
    assert_eq!(res.status, 303, "{}", res.text());
    let res = app.post(
        &format!("/app/reports/{id}/comments"),
        Some(&cookie),
        &[("csrf", &csrf), ("body", "Looking into it")],
        None,
    );
    assert_eq!(res.status, 303);
    let res = app.post(
        &format!("/app/reports/{id}/shares"),
        Some(&cookie),
        &[("csrf", &csrf)],
        None,
    );
    assert_eq!(res.status, 200);
    assert!(
        res.text().contains("/app/s/bc_shr_"),
        "the new link is shown once"
    );
    let report = app.relay.get_report(&token, &id).json();
    assert_eq!(
        report["triage"],
        json!({ "status": "triaged", "assignee": "ana", "labels": ["checkout", "p1"] })
    );
    let activity = app
        .relay
        .admin("GET", &format!("/v1/reports/{id}/activity"), &token, None)
        .json();
    let by_ana: Vec<&str> = activity["activity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"] == json!({ "kind": "user", "name": "ana" }))
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(by_ana, ["status", "assignee", "labels", "comment", "share"]);

    // Bad input comes back on the page with why, and changes nothing.
    for (path, fields, why) in [
        (
            "comments",
            vec![("body", "   ")],
            "A comment is 1 to 10000 characters.",
        ),
        ("triage", vec![("status", "open")], "status: must be one of"),
    ] {
        let mut fields = fields.clone();
        fields.push(("csrf", &csrf));
        let res = app.post(
            &format!("/app/reports/{id}/{path}"),
            Some(&cookie),
            &fields,
            None,
        );
        assert_eq!(res.status, 422, "{path}");
        assert!(res.text().contains(why), "{path}: {}", res.text());
    }
    assert_eq!(
        app.relay.get_report(&token, &id).json()["triage"]["status"],
        "triaged"
    );
}

#[test]
fn a_read_only_account_or_token_sees_reports_but_cannot_change_them() {
    let app = App::start();
    let key = app.relay.create_key(&[ORIGIN]);
    let password = app.user("viewer", true);
    let cookie = app.sign_in("viewer", &password);
    let csrf = app.csrf(&cookie);
    let id = app.file(&key, &fresh_report());

    let page = app.get(&format!("/app/reports/{id}"), Some(&cookie));
    assert_eq!(page.status, 200);
    assert!(
        !page.text().contains("action=\"/app/reports/"),
        "no write forms"
    );
    for (path, fields) in [
        (
            format!("/app/reports/{id}/triage"),
            vec![("status", "spam")],
        ),
        (format!("/app/reports/{id}/comments"), vec![("body", "hi")]),
        (format!("/app/reports/{id}/shares"), vec![]),
    ] {
        let mut fields = fields.clone();
        fields.push(("csrf", &csrf));
        let res = app.post(&path, Some(&cookie), &fields, None);
        assert_eq!(res.status, 403, "{path}");
    }

    // An admin token signs in too, with its scope; revoking it ends the session at once.
    let token = app.relay.create_token("reports:read");
    let res = app.post("/app/sign-in", None, &[("token", &token)], None);
    assert_eq!(res.status, 303);
    let by_token = cookie_of(&res).unwrap();
    let page = app.get(&format!("/app/reports/{id}"), Some(&by_token));
    assert_eq!(page.status, 200);
    assert!(page.text().contains(&token[..12]), "named by its prefix");
    assert!(!page.text().contains(&token), "never by its secret");
    cli(&app.relay.dir(), &["tokens", "revoke", &token[..12]]);
    assert_eq!(app.get("/app/", Some(&by_token)).status, 303);

    // Disabling an account ends its sessions.
    cli(&app.relay.dir(), &["users", "disable", "viewer"]);
    assert_eq!(app.get("/app/", Some(&cookie)).status, 303);
    let res = app.post(
        "/app/sign-in",
        None,
        &[("name", "viewer"), ("password", &password)],
        None,
    );
    assert_eq!(res.status, 401);
}

#[test]
fn wrong_passwords_are_rate_limited_per_account() {
    let app = App::start();
    let password = app.user("ana", false);
    // Signing in with the right password does not count against the account (the address
    // allows ten attempts a minute in all, so this test stays within nine).
    for _ in 0..2 {
        let res = app.post(
            "/app/sign-in",
            None,
            &[("name", "ana"), ("password", &password)],
            None,
        );
        assert_eq!(res.status, 303);
    }
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let res = app.post(
            "/app/sign-in",
            None,
            &[("name", "ana"), ("password", "guess guess guess")],
            None,
        );
        statuses.push(res.status);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    let res = app.post(
        "/app/sign-in",
        None,
        &[("name", "ANA"), ("password", &password)],
        None,
    );
    assert_eq!(
        res.status, 429,
        "the right password waits too (any case of the name)"
    );
    assert!(res.text().contains("too many sign-in attempts"));
}

#[test]
fn accounts_need_a_good_name_and_a_long_password() {
    let app = App::start();
    let run = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(support::BIN)
            .arg("--data-dir")
            .arg(app.relay.dir())
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let short = run(&["users", "create", "bo"], "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("12"));
    let bad = run(
        &["users", "create", "a b<script>"],
        "long enough password\n",
    );
    assert!(!bad.status.success());
    let ok = run(&["users", "create", "bo"], "long enough password\n");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = run(&["users", "create", "BO"], "long enough password\n");
    assert!(!again.status.success(), "names are unique in any case");
    app.sign_in("bo", "long enough password");
    let listed = cli(&app.relay.dir(), &["users", "list"]).to_string();
    assert!(!listed.contains("argon2") && !listed.contains("long enough"));
}

#[test]
fn a_share_page_shows_its_report_without_the_team_s_notes_until_revoked() {
    let app = App::start();
    let key = app.relay.create_key(&[ORIGIN]);
    let token = app.relay.create_token("reports:write");
    let id = app.file(&key, &fresh_report());
    app.relay.admin(
        "POST",
        &format!("/v1/reports/{id}/comments"),
        &token,
        Some(&json!({ "body": "internal: refund pending" })),
    );
    let made = app
        .relay
        .admin("POST", &format!("/v1/reports/{id}/shares"), &token, None)
        .json();
    let link = made["token"].as_str().unwrap();
    let page = app.get(&format!("/app/s/{link}"), None);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("The Save button does nothing"));
    for hidden in [
        "refund",
        "Triage",
        "Comments and activity",
        "sign-out",
        "/app/reports/",
    ] {
        assert!(!text.contains(hidden), "the share page shows no {hidden}");
    }
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let md = app.get(&format!("/app/s/{link}/export.md"), None);
    assert_eq!(md.status, 200);
    assert!(!md.text().contains("refund"));
    // The link opens nothing of the team's.
    for path in ["/app/".to_owned(), format!("/app/reports/{id}")] {
        let res = app.get(&path, Some(link));
        assert_eq!(res.status, 303, "{path}");
    }
    app.relay.admin(
        "DELETE",
        &format!("/v1/reports/{id}/shares/{}", made["share"]["id"]),
        &token,
        None,
    );
    assert_eq!(app.get(&format!("/app/s/{link}"), None).status, 404);
}

#[test]
fn hostile_report_content_is_text_on_every_page() {
    let app = App::start();
    let key = app.relay.create_key(&[ORIGIN]);
    let password = app.user("ana", false);
    let cookie = app.sign_in("ana", &password);
    let attack = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'";
    let mut report = fresh_report();
    report["feedback"]["text"] = attack.into();
    report["feedback"]["category"] = attack.into();
    report["page"]["url"] = "javascript:alert(3)".into();
    report["page"]["title"] = attack.into();
    report["console"][0]["message"] = attack.into();
    report["metadata"] = json!({ "plan": attack });
    report["identity"] = json!({ "name": attack, "email": "a@example.com" });
    report["dom"] = json!({ "format": "rrweb-snapshot", "node": { "type": 0, "childNodes": [
        { "type": 2, "tagName": "script", "attributes": {}, "childNodes": [{ "type": 3, "textContent": "alert(4)" }] },
        { "type": 2, "tagName": "img", "attributes": { "src": "https://evil.test/x.png", "onerror": "alert(5)" }, "childNodes": [] }
    ]}});
    let id = app.file(&key, &report);

    for path in ["/app/".to_owned(), format!("/app/reports/{id}")] {
        let res = app.get(&path, Some(&cookie));
        assert_eq!(res.status, 200, "{path}");
        let text = res.text();
        assert!(!text.contains("<script>alert"), "{path}");
        assert!(!text.contains("<img src=x"), "{path}");
        assert!(!text.contains("href=\"javascript:"), "{path}");
    }
    // Markdown is served as text (never sniffed as HTML) and keeps the attack in code.
    let md = app.get(&format!("/app/reports/{id}/export.md"), Some(&cookie));
    assert!(
        md.header("content-type")
            .unwrap()
            .starts_with("text/markdown")
    );
    assert_eq!(md.header("x-content-type-options"), Some("nosniff"));
    assert!(md.text().starts_with("### `<script>"), "{}", md.text());
    assert!(md.text().contains("```text\n<script>alert(1)"));
    let page = app.get(&format!("/app/reports/{id}"), Some(&cookie)).text();
    assert!(page.contains("&#60;script&#62;alert(1)") || page.contains("&lt;script&gt;alert(1)"));
    assert!(
        page.contains("<iframe class=\"dom\" sandbox src="),
        "no allow-* in the sandbox"
    );

    let frame = app.get(&format!("/app/reports/{id}/dom"), Some(&cookie));
    assert_eq!(frame.status, 200);
    let csp = frame.header("content-security-policy").unwrap();
    assert!(
        csp.starts_with("sandbox;") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(frame.header("x-frame-options"), Some("SAMEORIGIN"));
    let body = frame.text();
    assert!(!body.contains("alert(4)") && !body.contains("evil.test") && !body.contains("onerror"));
}

/// A dead letter (delivery retried past the horizon) is marked in the inbox and on its page,
/// with what to run to send it again.
#[test]
fn a_report_that_could_not_be_delivered_says_so_in_the_inbox() {
    let app = App::start();
    let key = app.relay.create_key(&[ORIGIN]);
    let dead = app.file(&key, &fresh_report());
    let fine = app.file(&key, &fresh_report());
    // What the delivery worker records when retries outlast the horizon.
    let db = rusqlite::Connection::open(app.relay.dir().join("bugcap.sqlite3")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute(
        "UPDATE reports SET status = 'undeliverable' WHERE id = ?1",
        [&dead],
    )
    .unwrap();
    let password = app.user("ana", false);
    let cookie = app.sign_in("ana", &password);
    let inbox = app.get("/app/?status=all", Some(&cookie)).text();
    assert_eq!(inbox.matches("not delivered").count(), 1, "{inbox}");
    let page = app
        .get(&format!("/app/reports/{dead}"), Some(&cookie))
        .text();
    assert!(page.contains("Not delivered") && page.contains("outbox replay"));
    let page = app
        .get(&format!("/app/reports/{fine}"), Some(&cookie))
        .text();
    assert!(!page.contains("Not delivered"));
}
