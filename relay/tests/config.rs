//! The TOML config file against the running binary: it applies, flags override it, and a typo
//! stops the relay with a clear message instead of being ignored.

mod support;

use std::process::Command;

use support::{BIN, ORIGIN, Relay, fresh_report};

#[test]
fn the_file_applies_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.toml");
    std::fs::write(
        &path,
        "[limits]\nmax_body_bytes = 4096\n\n[rate_limit]\nper_ip_per_minute = 6\nip_burst = 1\n\n[redaction]\nemails = true\n",
    )
    .unwrap();
    let config = path.to_str().unwrap();

    let relay = Relay::start_in(tempfile::tempdir().unwrap(), &["--config", config]);
    let key = relay.create_key(&[ORIGIN]);
    let token = relay.create_token("reports:read");
    let mut report = fresh_report();
    report["feedback"]["text"] = "mail ada@example.com".into();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);
    let stored = relay
        .get_report(&token, report["id"].as_str().unwrap())
        .json();
    assert_eq!(
        stored["report"]["feedback"]["text"], "mail [REDACTED:email]",
        "[redaction] applies"
    );
    assert_eq!(
        relay
            .post_report(&key, Some(ORIGIN), &fresh_report())
            .status,
        429,
        "[rate_limit] applies"
    );

    let relay = Relay::start_in(
        tempfile::tempdir().unwrap(),
        &["--config", config, "--rate-per-ip", "0"],
    );
    let key = relay.create_key(&[ORIGIN]);
    for _ in 0..3 {
        assert_eq!(
            relay
                .post_report(&key, Some(ORIGIN), &fresh_report())
                .status,
            201,
            "the flag wins"
        );
    }
    let mut big = fresh_report();
    big["feedback"]["text"] = "x".repeat(5000).into();
    assert_eq!(
        relay.post_report(&key, Some(ORIGIN), &big).status,
        413,
        "[limits] applies"
    );
}

#[test]
fn a_typo_in_the_file_stops_the_relay_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("relay.toml");
    std::fs::write(&path, "[server]\nlisen = \"127.0.0.1:1\"\n").unwrap();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["serve", "--config", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("relay.toml") && err.contains("lisen"), "{err}");
}
