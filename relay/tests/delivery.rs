//! Webhook delivery against the running relay: Standard Webhooks headers and signature, retries
//! after failures, at-least-once across a hard restart, and waiting for declared media.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use support::{ORIGIN, Relay, fresh_report};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Debug, Clone)]
struct Delivery {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    at: std::time::Instant,
}

impl Delivery {
    /// Reads one HTTP/1.1 request (headers and a `content-length` body) from `stream`.
    fn read(stream: &std::net::TcpStream) -> Delivery {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = Vec::new();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let Some((k, v)) = line.trim_end().split_once(':') else {
                break;
            };
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        Delivery {
            headers,
            body,
            at: std::time::Instant::now(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// A webhook receiver that answers each request with the next status of `script` (then 204),
/// recording every request.
struct Receiver {
    url: String,
    seen: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    fn start(script: Vec<u16>) -> Receiver {
        Receiver::start_with(script.into_iter().map(|s| (s, "")).collect())
    }

    /// Each answer's status and extra header lines (`retry-after: 3\r\n`).
    fn start_with(script: Vec<(u16, &'static str)>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/bugcap", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            let mut script = script.into_iter();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let delivery = Delivery::read(&stream);
                record.lock().unwrap().push(delivery);
                let (status, extra) = script.next().unwrap_or((204, ""));
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\n{extra}content-length: 0\r\nconnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, seen }
    }

    fn wait_for(&self, n: usize) -> Vec<Delivery> {
        for _ in 0..100 {
            let seen = self.seen.lock().unwrap().clone();
            if seen.len() >= n {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "expected {n} deliveries, got {:?}",
            self.seen.lock().unwrap().len()
        );
    }
}

fn verify(d: &Delivery) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(
        format!(
            "{}.{}.",
            d.header("webhook-id"),
            d.header("webhook-timestamp")
        )
        .as_bytes(),
    );
    mac.update(&d.body);
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    d.header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

fn relay_with_webhook(url: &str, extra: &[&str]) -> Relay {
    let mut args = vec!["--webhook-url", url, "--webhook-secret", SECRET];
    args.extend_from_slice(extra);
    Relay::start_in(tempfile::tempdir().unwrap(), &args)
}

#[test]
fn reports_are_delivered_signed_and_retried_until_accepted() {
    let receiver = Receiver::start(vec![500, 503]);
    let relay = relay_with_webhook(&receiver.url, &[]);
    let key = relay.create_key(&[ORIGIN]);
    let report = fresh_report();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);

    let seen = receiver.wait_for(3);
    let id = report["id"].as_str().unwrap();
    for d in &seen {
        assert!(verify(d), "bad signature on {:?}", d.headers);
        // The same id on every attempt, so the receiver can drop duplicates.
        assert_eq!(d.header("webhook-id"), format!("msg_{id}"));
        let body: Value = serde_json::from_slice(&d.body).unwrap();
        assert_eq!(body["type"], "report.created");
        assert_eq!(body["data"]["report"]["id"], id);
        assert_eq!(body["data"]["report"]["project"], "shop");
    }
    // A tampered body would not verify.
    let mut forged = seen[2].clone();
    forged.body[0] = b' ';
    assert!(!verify(&forged));

    let token = relay.create_token("reports:read");
    let mut status = Value::Null;
    for _ in 0..40 {
        status = relay.get_report(&token, id).json()["status"].clone();
        if status == "delivered" {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(status, "delivered");
    // The webhook carries the report exactly as the API serves it.
    let body: Value = serde_json::from_slice(&seen[2].body).unwrap();
    let api = relay.get_report(&token, id).json();
    assert_eq!(body["data"]["report"]["report"], api["report"]);
    assert_eq!(body["data"]["report"]["key_prefix"], api["key_prefix"]);
    assert_eq!(body["data"]["report"]["received_at"], api["received_at"]);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        receiver.seen.lock().unwrap().len(),
        3,
        "no delivery after a 2xx"
    );
}

#[test]
fn a_receiver_s_retry_after_is_honoured() {
    let receiver = Receiver::start_with(vec![(503, "retry-after: 3\r\n")]);
    let relay = relay_with_webhook(&receiver.url, &[]);
    let key = relay.create_key(&[ORIGIN]);
    assert_eq!(
        relay
            .post_report(&key, Some(ORIGIN), &fresh_report())
            .status,
        201
    );
    let seen = receiver.wait_for(2);
    let waited = seen[1].at - seen[0].at;
    // Without it the first retry comes after 1 s.
    assert!(
        waited >= Duration::from_millis(2900),
        "retried after {waited:?}"
    );
}

#[test]
fn a_410_stops_delivery_to_the_webhook_and_keeps_the_reports() {
    let receiver = Receiver::start(vec![410]);
    let relay = relay_with_webhook(&receiver.url, &[]);
    let key = relay.create_key(&[ORIGIN]);
    let first = fresh_report();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &first).status, 201);
    receiver.wait_for(1);
    let second = fresh_report();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &second).status, 201);
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        receiver.seen.lock().unwrap().len(),
        1,
        "nothing is sent to an endpoint that answered 410"
    );
    let token = relay.create_token("reports:read");
    for report in [&first, &second] {
        let stored = relay
            .get_report(&token, report["id"].as_str().unwrap())
            .json();
        assert_eq!(stored["status"], "received", "it waits in the outbox");
    }
    let waiting = support::cli(&relay.dir(), &["outbox", "list"]);
    assert_eq!(waiting.as_array().unwrap().len(), 2, "{waiting}");
    assert_eq!(
        waiting[0]["attempts"], 0,
        "a 410 is not counted as an attempt"
    );
}

#[test]
fn an_undelivered_report_survives_a_hard_restart() {
    // The receiver refuses for a while: the relay is killed with the report still queued.
    let receiver = Receiver::start(vec![500; 2]);
    let mut relay = relay_with_webhook(&receiver.url, &[]);
    let key = relay.create_key(&[ORIGIN]);
    let report = fresh_report();
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);
    receiver.wait_for(1);
    relay.kill_hard_and_restart();
    let seen = receiver.wait_for(3);
    assert!(seen.iter().all(verify));
    assert_eq!(
        seen.last().unwrap().header("webhook-id"),
        format!("msg_{}", report["id"].as_str().unwrap())
    );
}

#[test]
fn a_report_waits_for_its_declared_media() {
    let receiver = Receiver::start(vec![]);
    let relay = relay_with_webhook(&receiver.url, &["--media-grace-secs", "2"]);
    let key = relay.create_key(&[ORIGIN]);
    let mut report = fresh_report();
    report["attachments"] = json!([{ "name": "screenshot.png", "content_type": "image/png", "size": 3, "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" }]);
    assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);
    std::thread::sleep(Duration::from_millis(1000));
    assert!(
        receiver.seen.lock().unwrap().is_empty(),
        "delivered before its media or the grace period"
    );
    let seen = receiver.wait_for(1);
    let body: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(body["data"]["media"][0]["status"], "missing");
}

/// A receiver that handles each request on its own thread, holds every request until `open`
/// is set, and records how many were in flight at most.
struct SlowReceiver {
    url: String,
    open: Arc<std::sync::atomic::AtomicBool>,
    delivered: Arc<Mutex<Vec<String>>>,
    most_in_flight: Arc<std::sync::atomic::AtomicUsize>,
}

impl SlowReceiver {
    fn start() -> SlowReceiver {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/bugcap", listener.local_addr().unwrap());
        let open = Arc::new(AtomicBool::new(false));
        let delivered = Arc::new(Mutex::new(Vec::new()));
        let most_in_flight = Arc::new(AtomicUsize::new(0));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let (o, d, m) = (open.clone(), delivered.clone(), most_in_flight.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (open, delivered, most, in_flight) =
                    (o.clone(), d.clone(), m.clone(), in_flight.clone());
                std::thread::spawn(move || {
                    let id = Delivery::read(&stream).header("webhook-id").to_owned();
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    while !open.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    // Long enough that the relay's other requests arrive meanwhile.
                    std::thread::sleep(Duration::from_millis(50));
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    delivered.lock().unwrap().push(id);
                    let _ = write!(
                        stream,
                        "HTTP/1.1 204 X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                });
            }
        });
        SlowReceiver {
            url,
            open,
            delivered,
            most_in_flight,
        }
    }
}

#[test]
fn deliveries_go_out_concurrently_within_the_per_endpoint_bound() {
    use std::sync::atomic::Ordering;
    let receiver = SlowReceiver::start();
    let relay = relay_with_webhook(&receiver.url, &["--rate-per-ip", "0"]);
    let key = relay.create_key(&[ORIGIN]);
    // The first report's delivery is held by the receiver while the other 59 are filed, so
    // they are all due together when it returns.
    let mut ids = Vec::new();
    for _ in 0..60 {
        let report = fresh_report();
        assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);
        ids.push(format!("msg_{}", report["id"].as_str().unwrap()));
    }
    receiver.open.store(true, Ordering::SeqCst);
    for _ in 0..200 {
        if receiver.delivered.lock().unwrap().len() >= ids.len() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut delivered = receiver.delivered.lock().unwrap().clone();
    delivered.sort();
    ids.sort();
    assert_eq!(delivered, ids, "each report delivered once");
    let most = receiver.most_in_flight.load(Ordering::SeqCst);
    assert!(
        (2..=16).contains(&most),
        "{most} requests in flight at once (expected concurrency, at most 16)"
    );
    // Recorded in the store as one batch or a few: every report is delivered.
    let token = relay.create_token("reports:read");
    for id in &ids {
        let id = id.trim_start_matches("msg_");
        assert_eq!(relay.get_report(&token, id).json()["status"], "delivered");
    }
}

#[test]
fn a_webhook_needs_a_valid_secret() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(support::BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(["--webhook-url", "http://127.0.0.1:9/x"])
        .args(["--webhook-secret", "whsec_c2hvcnQ="])
        .env_remove("BUGCAP_WEBHOOK_SECRET")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("24 random bytes"), "{stderr}");
    assert!(
        !stderr.contains("c2hvcnQ"),
        "the secret is echoed: {stderr}"
    );
}
