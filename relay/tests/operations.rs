//! Operational promises against the running binary: logs never carry secrets or report bodies,
//! and a shutdown lets in-flight requests finish.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{ORIGIN, cli, create_key_in, fresh_report, spawn_serve};

#[test]
fn debug_logs_contain_no_keys_tokens_or_report_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let key = create_key_in(dir.path(), &[ORIGIN]);
    let token = cli(dir.path(), &["tokens", "create", "--scope", "reports:read"])["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let log = dir.path().join("relay.log");
    let stderr = std::fs::File::create(&log).unwrap();
    let (mut child, base) = spawn_serve(dir.path(), &[], "trace", stderr.into());
    let addr = base.trim_start_matches("http://").to_owned();

    let mut report = fresh_report();
    report["feedback"]["text"] = "distinctive-feedback-text-7731".into();
    // SHA-256 of "abc".
    report["attachments"] = serde_json::json!([{ "name": "shot.png", "content_type": "image/png", "size": 3,
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" }]);
    let id = report["id"].as_str().unwrap().to_owned();
    assert_eq!(support::post_to(&addr, &key, &report), Some(201));
    // An upload URL is a credential too: it must not reach the log.
    let grant = support::request(
        &addr,
        "POST",
        &format!("/v1/reports/{id}/media/upload-url"),
        &[("content-type", "application/json"), ("x-bugcap-key", &key), ("origin", ORIGIN)],
        br#"{"name":"shot.png","content_type":"image/png","size":3,"sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}"#,
    )
    .json();
    let upload_url = grant["url"].as_str().unwrap().to_owned();
    let signature = upload_url.rsplit("signature=").next().unwrap().to_owned();
    let put = support::request_url(
        "PUT",
        &upload_url,
        &[
            ("content-type", "image/png"),
            (
                "x-amz-checksum-sha256",
                grant["headers"]["x-amz-checksum-sha256"].as_str().unwrap(),
            ),
        ],
        b"abc",
    );
    assert_eq!(put.status, 200);
    let send = |raw: String| {
        let mut s = TcpStream::connect(&addr).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    };
    let answer = send(format!(
        "POST /v1/reports?key={key} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\norigin: {ORIGIN}\r\ncontent-length: 2\r\n\r\n{{}}"
    ));
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let answer = send(format!(
        "GET /v1/reports/{id} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nauthorization: Bearer {token}\r\n\r\n"
    ));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // An agent reading the report over MCP: the SDK would log the whole tool result at debug.
    let call = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"get_report","arguments":{{"id":"{id}"}}}}}}"#
    );
    let answer = send(format!(
        "POST /mcp HTTP/1.1\r\nhost: x\r\nconnection: close\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\ncontent-length: {}\r\n\r\n{call}",
        call.len()
    ));
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains("distinctive-feedback-text-7731"),
        "{answer}"
    );

    let _ = child.kill();
    let _ = child.wait();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("report stored"),
        "the log is being written: {logged}"
    );
    for secret in [
        &key[..],
        &key[12..],
        &token[..],
        &token[12..],
        "distinctive-feedback-text-7731",
        &signature[..],
        &upload_url[..],
    ] {
        assert!(
            !logged.contains(secret),
            "{secret} appears in the log:\n{logged}"
        );
    }
}

#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    let dir = tempfile::tempdir().unwrap();
    let key = create_key_in(dir.path(), &[ORIGIN]);
    let (mut child, base) = spawn_serve(dir.path(), &[], "warn", Stdio::inherit());
    let addr = base.trim_start_matches("http://").to_owned();

    let body = fresh_report().to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /v1/reports HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-bugcap-key: {key}\r\norigin: {ORIGIN}\r\ncontent-length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
    // New connections are no longer accepted…
    assert!(
        TcpStream::connect(&addr).is_err(),
        "still accepting after SIGTERM"
    );
    // …but the request already under way completes.
    s.write_all(rest.as_bytes()).unwrap();
    let mut answer = [0u8; 12];
    s.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 201");
    drop(s);
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}
