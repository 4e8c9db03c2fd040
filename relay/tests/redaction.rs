//! Server-side redaction and the `redact` command, against the running binary.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::json;
use support::{BIN, ORIGIN, Relay, fresh_report};

const GITHUB: &str = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

fn redact_stdin(input: &str, args: &[&str]) -> (String, String, bool) {
    let mut child = Command::new(BIN)
        .arg("redact")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A refused config makes the command exit before reading stdin; a write into the closed pipe
    // is then expected, and the exit status and output below say what happened.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.success(),
    )
}

#[test]
fn a_report_from_a_careless_client_is_redacted_before_it_is_stored() {
    let relay = Relay::start();
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");
    let mut report = fresh_report();
    report["page"]["url"] = "https://ada:pw@app.example.com/cb?code=abc123&tab=2".into();
    report["console"] = json!([{ "level": "log", "message": format!("token {GITHUB}"), "args": [JWT], "timestamp": 1.0 }]);
    report["network"] = json!([{
        "kind": "fetch", "method": "POST", "url": "https://api.example.com/login?api_key=k1",
        "start_time": 1.0,
        "request_headers": { "authorization": "Bearer abcdefghijklmnopqrstuvwxyz", "content-type": "application/json" },
        "request_body": { "content_type": "application/json", "text": "{\"user\":\"ada\",\"password\":\"hunter2\"}" },
        "response_body": { "content_type": "image/png", "text": "PNG-bytes-that-must-not-be-kept" }
    }]);
    report["redactions"] = json!({ "jwt": 2 });
    let id = report["id"].as_str().unwrap().to_owned();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);

    let stored = relay.get_report(&token, &id).json();
    let text = stored.to_string();
    for secret in [
        GITHUB,
        JWT,
        "hunter2",
        "abc123",
        ":pw@",
        "k1\"",
        "abcdefghijklmnopqrstuvwxyz",
        "PNG-bytes",
    ] {
        assert!(!text.contains(secret), "{secret} was stored: {text}");
    }
    let r = &stored["report"];
    assert_eq!(
        r["page"]["url"],
        "https://[REDACTED]@app.example.com/cb?code=[REDACTED]&tab=2"
    );
    assert_eq!(
        r["network"][0]["request_headers"]["content-type"],
        "application/json"
    );
    assert_eq!(r["network"][0]["response_body"]["binary"], true);
    // The client's counts are kept and the relay's own are added.
    assert_eq!(r["redactions"]["jwt"], 3);
    assert_eq!(r["redactions"]["github_token"], 1);
    assert_eq!(r["redactions"]["header"], 1);
}

#[test]
fn redact_command_handles_reports_json_and_text() {
    let (out, err, ok) = redact_stdin(&format!("deploy with {GITHUB} please"), &[]);
    assert!(ok);
    assert_eq!(out, "deploy with [REDACTED:github_token] please\n");
    assert!(err.contains("github_token=1"), "{err}");

    let (out, _, ok) = redact_stdin(r#"{"a":{"client_secret":"s","n":1}}"#, &[]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        json!({"a": {"client_secret": "[REDACTED:sensitive_key]", "n": 1}})
    );

    let mut report = fresh_report();
    report["feedback"]["text"] = format!("my key is {GITHUB}").into();
    let (out, _, ok) = redact_stdin(&report.to_string(), &[]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["feedback"]["text"], "my key is [REDACTED:github_token]");
    assert_eq!(v["redactions"]["github_token"], 1);
}

#[test]
fn redact_command_uses_the_config_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"emails": true, "extra_patterns": [{"name": "employee_id", "pattern": "EMP-\\d{6}"}]}"#,
    )
    .unwrap();
    let (out, _, ok) = redact_stdin(
        "EMP-123456 mailed ada@example.com",
        &["--config", good.to_str().unwrap()],
    );
    assert!(ok);
    assert_eq!(out, "[REDACTED:employee_id] mailed [REDACTED:email]\n");

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"extra_patterns": [{"name": "x", "pattern": "("}]}"#,
    )
    .unwrap();
    let (out, err, ok) = redact_stdin("text", &["--config", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(out.is_empty());
    assert!(err.contains("not a valid regular expression"), "{err}");
}

#[test]
fn the_relay_applies_its_redaction_config_on_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("redaction.json");
    std::fs::write(&config, r#"{"extra_keys": ["tenant_pin"], "emails": true}"#).unwrap();
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start_in(data, &["--redaction-config", config.to_str().unwrap()]);
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");
    let mut report = fresh_report();
    report["feedback"]["text"] = "write to ada@example.com".into();
    report["metadata"] = json!({ "plan": "pro" });
    report["network"] =
        json!([{ "kind": "xhr", "method": "GET", "url": "/x?tenant_pin=4411", "start_time": 1.0 }]);
    let id = report["id"].as_str().unwrap().to_owned();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);
    let r = &relay.get_report(&token, &id).json()["report"];
    assert_eq!(r["feedback"]["text"], "write to [REDACTED:email]");
    assert_eq!(r["network"][0]["url"], "/x?tenant_pin=[REDACTED]");
}
