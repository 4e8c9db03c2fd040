//! Connection-level limits against the running binary: slow bodies and the connection cap.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::{ORIGIN, Relay};

#[test]
fn a_body_that_trickles_in_gets_408() {
    let relay = Relay::start_in(tempfile::tempdir().unwrap(), &["--body-timeout-secs", "1"]);
    let key = relay.create_key(&[ORIGIN]);
    let mut s = TcpStream::connect(&relay.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /v1/reports HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-bugcap-key: {key}\r\norigin: {ORIGIN}\r\ncontent-length: 1000\r\n\r\n{{\"id\":"
    );
    s.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn past_the_connection_cap_new_clients_wait_until_a_slot_frees() {
    let relay = Relay::start_in(tempfile::tempdir().unwrap(), &["--max-connections", "2"]);
    let idle: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(&relay.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));

    let mut waiting = TcpStream::connect(&relay.addr).unwrap(); // lands in the backlog
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_millis(800)))
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(
        waiting.read(&mut buf).is_err(),
        "served although both slots were taken"
    );

    drop(idle);
    waiting
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = String::new();
    waiting.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
