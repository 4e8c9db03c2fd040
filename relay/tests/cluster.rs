//! Several relay processes on one Postgres database and one bucket (s3s-fs, which checks
//! signatures), a client spreading reports and uploads across them, and a webhook receiver
//! counting: every acknowledged report stored once and delivered at least once, never by two
//! relays at the same time, through `kill -9` of a relay and a restart of Postgres.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::postgres::Postgres;
use support::s3::S3Server;
use support::{BIN, ORIGIN, Response, fresh_report, request, request_url};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n a screenshot filed through one relay, completed on another";

/// One request the receiver got: which report, and when it started and ended.
#[derive(Debug, Clone)]
struct Seen {
    id: String,
    start: Instant,
    end: Instant,
}

/// A webhook receiver answering 204 after `delay_ms`, one thread per request, recording each.
struct Receiver {
    url: String,
    /// Requests answered.
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Requests received (answered or not), with when they arrived.
    arrived: Arc<Mutex<Vec<(String, Instant)>>>,
    delay_ms: Arc<AtomicU64>,
}

impl Receiver {
    fn start(delay_ms: u64) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Mutex::new(Vec::new()));
        let delay = Arc::new(AtomicU64::new(delay_ms));
        let (record, arrivals, wait) = (seen.clone(), arrived.clone(), delay.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (record, arrivals, wait) = (record.clone(), arrivals.clone(), wait.clone());
                std::thread::spawn(move || {
                    let start = Instant::now();
                    let Some(id) = read_webhook_id(&stream) else {
                        return;
                    };
                    arrivals.lock().unwrap().push((id.clone(), start));
                    std::thread::sleep(Duration::from_millis(wait.load(Ordering::SeqCst)));
                    let answered = write!(
                        stream,
                        "HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    if answered.is_ok() {
                        let end = Instant::now();
                        record.lock().unwrap().push(Seen { id, start, end });
                    }
                });
            }
        });
        Receiver {
            url,
            seen,
            arrived,
            delay_ms: delay,
        }
    }

    fn delivered(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for s in self.seen.lock().unwrap().iter() {
            *counts.entry(s.id.clone()).or_default() += 1;
        }
        counts
    }

    /// Waits until every id in `ids` was delivered.
    fn wait_for_all(&self, ids: &[String], timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let delivered = self.delivered();
            let missing: Vec<&String> = ids
                .iter()
                .filter(|id| !delivered.contains_key(*id))
                .collect();
            if missing.is_empty() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {} reports never delivered, e.g. {:?}",
                missing.len(),
                ids.len(),
                &missing[..missing.len().min(3)]
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// No report was being delivered by two requests at once.
    fn assert_no_overlap(&self) {
        let mut seen = self.seen.lock().unwrap().clone();
        seen.sort_by(|a, b| a.id.cmp(&b.id).then(a.start.cmp(&b.start)));
        for pair in seen.windows(2) {
            if pair[0].id == pair[1].id {
                assert!(
                    pair[1].start >= pair[0].end,
                    "report {} was delivered twice at once",
                    pair[0].id
                );
            }
        }
    }
}

/// The report id of a webhook request (`webhook-id: msg_<id>`), after reading the whole request.
fn read_webhook_id(stream: &std::net::TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let (mut id, mut len) = (None, 0usize);
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let Some((k, v)) = line.trim_end().split_once(':') else {
            break;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "webhook-id" => id = Some(v.trim().trim_start_matches("msg_").to_owned()),
            "content-length" => len = v.trim().parse().ok()?,
            _ => {}
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    id
}

/// One relay process on the shared database and bucket, its log in a file.
struct RelayProc {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl RelayProc {
    /// A started `serve`, once it printed the address it listens on.
    fn adopt(mut child: Child, log: PathBuf) -> RelayProc {
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap()
            .trim_start_matches("http://")
            .to_owned();
        assert!(
            addr.contains(':'),
            "the relay did not start: {line:?} {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        RelayProc { child, addr, log }
    }
}

impl Drop for RelayProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What every relay of a test shares.
struct Cluster {
    pg: Postgres,
    url: String,
    s3: S3Server,
    dir: tempfile::TempDir,
    receiver: Receiver,
    key: String,
    relays: Vec<RelayProc>,
}

impl Cluster {
    fn start(relays: usize, webhook_delay_ms: u64) -> Cluster {
        let pg = Postgres::start();
        let url = pg.database("bugcap");
        let s3 = S3Server::start();
        let dir = tempfile::tempdir().unwrap();
        let receiver = Receiver::start(webhook_delay_ms);
        let key = create_key(&url);
        let mut cluster = Cluster {
            pg,
            url,
            s3,
            dir,
            receiver,
            key,
            relays: Vec::new(),
        };
        for n in 0..relays {
            let relay = cluster.spawn(n);
            cluster.relays.push(relay);
        }
        cluster
    }

    fn spawn(&self, n: usize) -> RelayProc {
        let config = self.s3.write_config(self.dir.path());
        let data = self.dir.path().join(format!("relay-{n}"));
        let log = self
            .dir
            .path()
            .join(format!("relay-{n}-{}.log", support::uuid_v4()));
        let child = Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(&config)
            .args([
                "--webhook-url",
                &self.receiver.url,
                "--webhook-secret",
                SECRET,
            ])
            .args([
                "--rate-per-ip",
                "0",
                "--rate-per-key",
                "0",
                "--delivery-lease-secs",
                "30",
            ])
            .env("BUGCAP_DATABASE_URL", &self.url)
            .env("BUGCAP_LOG", "warn,bugcap_relay::delivery=debug")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        RelayProc::adopt(child, log)
    }

    fn post(&self, relay: usize, path: &str, body: &Value) -> Response {
        request(
            &self.relays[relay].addr,
            "POST",
            path,
            &[
                ("content-type", "application/json"),
                ("x-bugcap-key", &self.key),
                ("origin", ORIGIN),
            ],
            body.to_string().as_bytes(),
        )
    }

    fn count(&self, sql: &str) -> usize {
        self.pg.psql("bugcap", sql).parse().unwrap()
    }

    /// Asks `grant_on` for the screenshot's upload URL, PUTs it to the bucket, completes it on
    /// `complete_on`.
    fn upload_screenshot(&self, id: &str, grant_on: usize, complete_on: usize) {
        let grant = self.post(
            grant_on,
            &format!("/v1/reports/{id}/media/upload-url"),
            &json!({ "name": "screenshot.png", "content_type": "image/png", "size": PNG.len(), "sha256": sha256_hex(PNG) }),
        );
        assert_eq!(
            grant.status,
            200,
            "{}",
            String::from_utf8_lossy(&grant.body)
        );
        let grant = grant.json();
        let headers: Vec<(String, String)> = grant["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let put = request_url("PUT", grant["url"].as_str().unwrap(), &headers, PNG);
        assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
        let done = self.post(
            complete_on,
            &format!("/v1/reports/{id}/media/complete"),
            &json!({ "name": "screenshot.png" }),
        );
        assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    }

    /// Files a report with a screenshot through relay 0, uploaded to the bucket; its id.
    fn file_with_screenshot(&self) -> String {
        let mut report = fresh_report();
        report["attachments"] = json!([{ "name": "screenshot.png", "content_type": "image/png", "size": PNG.len(), "sha256": sha256_hex(PNG) }]);
        assert_eq!(self.post(0, "/v1/reports", &report).status, 201);
        let id = report["id"].as_str().unwrap().to_owned();
        self.upload_screenshot(&id, 0, 0);
        id
    }

    fn object_exists(&self, id: &str) -> bool {
        self.s3
            .object_path(&format!("shop/staging/{id}/screenshot.png"))
            .exists()
    }

    /// Every relay's log, for the lease lines.
    fn logs(&self) -> String {
        self.relays
            .iter()
            .map(|r| std::fs::read_to_string(&r.log).unwrap_or_default())
            .collect()
    }
}

fn cli(database_url: &str, args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .args(args)
        .arg("--json")
        .env("BUGCAP_DATABASE_URL", database_url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A widget key for project `shop`, environment `staging`, the test origin.
fn create_key(database_url: &str) -> String {
    let args = [
        "keys",
        "create",
        "--project",
        "shop",
        "--env",
        "staging",
        "--origin",
        ORIGIN,
    ];
    cli(database_url, &args)["key"].as_str().unwrap().to_owned()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn three_relays_store_each_report_once_and_deliver_every_one() {
    let cluster = Cluster::start(3, 20);
    let mut ids = Vec::new();
    for n in 0..60 {
        let mut report = fresh_report();
        let with_media = n % 6 == 0;
        if with_media {
            report["attachments"] = json!([{ "name": "screenshot.png", "content_type": "image/png", "size": PNG.len(), "sha256": sha256_hex(PNG) }]);
        }
        let id = report["id"].as_str().unwrap().to_owned();
        let res = cluster.post(n % 3, "/v1/reports", &report);
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        // The widget's retry reaches another relay: the same report, not a second one.
        let again = cluster.post((n + 1) % 3, "/v1/reports", &report);
        assert_eq!(
            again.status,
            200,
            "{}",
            String::from_utf8_lossy(&again.body)
        );
        if with_media {
            // The upload URL from one relay, the upload to the bucket, the completion on a third.
            cluster.upload_screenshot(&id, (n + 1) % 3, (n + 2) % 3);
        }
        ids.push(id);
    }
    cluster.receiver.wait_for_all(&ids, Duration::from_secs(60));
    assert_eq!(cluster.count("SELECT count(*) FROM reports"), ids.len());
    assert_eq!(
        cluster.count("SELECT count(*) FROM outbox WHERE delivered_at IS NULL"),
        0
    );
    assert_eq!(
        cluster.count("SELECT count(*) FROM media WHERE state = 'complete'"),
        10
    );
    cluster.receiver.assert_no_overlap();
    // Each relay leased rows: the work was shared, and the leases are in the logs.
    let logs = cluster.logs();
    assert!(logs.contains("leased"), "{logs}");
}

#[test]
fn a_relay_killed_mid_ingest_and_mid_delivery_loses_nothing_and_its_leases_pass_on() {
    // A slow receiver: the relay is killed with deliveries in flight and rows leased.
    let mut cluster = Cluster::start(2, 1500);
    // A client keeps filing reports to relay 0 until it dies; what it acknowledged must survive.
    let acked = Arc::new(Mutex::new(Vec::new()));
    let poster = {
        let (addr, key, acked) = (
            cluster.relays[0].addr.clone(),
            cluster.key.clone(),
            acked.clone(),
        );
        std::thread::spawn(move || {
            loop {
                let report = fresh_report();
                match support::post_to(&addr, &key, &report) {
                    Some(201) => acked
                        .lock()
                        .unwrap()
                        .push(report["id"].as_str().unwrap().to_owned()),
                    Some(status) => panic!("relay 0 answered {status}"),
                    // Killed: the connection is refused or cut.
                    None => return,
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    // Wait until deliveries are under way, then kill -9 relay 0 with rows leased.
    let deadline = Instant::now() + Duration::from_secs(10);
    while cluster.receiver.arrived.lock().unwrap().len() < 3 {
        assert!(Instant::now() < deadline, "no delivery started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Leases name the worker's host, process id and a random part.
    let pid = cluster.relays[0].child.id();
    let held: Vec<String> = cluster
        .pg
        .psql(
            "bugcap",
            &format!(
                "SELECT report_id FROM outbox WHERE leased_by LIKE '%/{pid}/%' AND delivered_at IS NULL"
            ),
        )
        .lines()
        .map(str::to_owned)
        .collect();
    cluster.relays[0].child.kill().unwrap();
    cluster.relays[0].child.wait().unwrap();
    let killed_at = Instant::now();
    poster.join().unwrap();
    assert!(!held.is_empty(), "rows are leased while they are delivered");
    let mut ids = acked.lock().unwrap().clone();
    assert!(ids.len() >= 3, "{} acknowledged before the kill", ids.len());
    // Reports keep arriving at the survivor meanwhile.
    for _ in 0..5 {
        let report = fresh_report();
        assert_eq!(cluster.post(1, "/v1/reports", &report).status, 201);
        ids.push(report["id"].as_str().unwrap().to_owned());
    }
    cluster.receiver.delay_ms.store(5, Ordering::SeqCst);
    // Every acknowledged report is stored, and settled as delivered by the survivor: the dead
    // relay's leases run out (30 s) and it takes what they held.
    let deadline = Instant::now() + Duration::from_secs(90);
    while cluster.count("SELECT count(*) FROM outbox WHERE delivered_at IS NULL") > 0 {
        assert!(Instant::now() < deadline, "the outbox never drained");
        std::thread::sleep(Duration::from_millis(200));
    }
    for id in &ids {
        assert_eq!(
            cluster.count(&format!(
                "SELECT count(*) FROM reports WHERE id = '{id}' AND status = 'delivered'"
            )),
            1,
            "acknowledged report {id} is stored and delivered"
        );
    }
    cluster.receiver.wait_for_all(&ids, Duration::from_secs(5));
    // What the dead relay held was delivered again by the survivor, after its lease ran out.
    let arrived = cluster.receiver.arrived.lock().unwrap().clone();
    for id in &held {
        let after: Vec<Duration> = arrived
            .iter()
            .filter(|(a, at)| a == id && *at > killed_at)
            .map(|(_, at)| *at - killed_at)
            .collect();
        assert!(
            !after.is_empty(),
            "{id}, held by the dead relay, was delivered by the survivor"
        );
        assert!(
            after.iter().all(|d| *d > Duration::from_secs(20)),
            "{id} was taken before the dead relay's lease ran out: {after:?}"
        );
    }
    assert!(cluster.logs().contains("leased"));
    cluster.receiver.assert_no_overlap();
}

#[test]
fn a_relay_stopped_with_sigterm_releases_its_leases_at_once() {
    let mut cluster = Cluster::start(2, 2000);
    let mut ids = Vec::new();
    for _ in 0..20 {
        let report = fresh_report();
        assert_eq!(cluster.post(0, "/v1/reports", &report).status, 201);
        ids.push(report["id"].as_str().unwrap().to_owned());
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while cluster.receiver.arrived.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no delivery started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = cluster.relays[0].child.id();
    let leased = format!("SELECT count(*) FROM outbox WHERE leased_by LIKE '%/{pid}/%'");
    assert!(cluster.count(&leased) > 0);
    let term = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let stopping = Instant::now();
    cluster.receiver.delay_ms.store(5, Ordering::SeqCst);
    let exit = cluster.relays[0].child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert_eq!(
        cluster.count(&leased),
        0,
        "it released what it held as it stopped"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while cluster.count("SELECT count(*) FROM outbox WHERE delivered_at IS NULL") > 0 {
        assert!(
            Instant::now() < deadline,
            "the other relay did not take the released rows"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Far sooner than its 30 s leases would have run out.
    assert!(stopping.elapsed() < Duration::from_secs(25));
    cluster.receiver.wait_for_all(&ids, Duration::from_secs(5));
    cluster.receiver.assert_no_overlap();
}

#[test]
fn relays_answer_503_while_postgres_is_down_and_recover_by_themselves() {
    let cluster = Cluster::start(2, 0);
    // Two clients keep filing reports, one to each relay, through the outage.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..2)
        .map(|relay| {
            let (addr, key, stop) = (
                cluster.relays[relay].addr.clone(),
                cluster.key.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let (mut acked, mut statuses) = (Vec::new(), Vec::new());
                while !stop.load(Ordering::SeqCst) {
                    let report = fresh_report();
                    let status = support::post_to(&addr, &key, &report);
                    if status == Some(201) {
                        acked.push(report["id"].as_str().unwrap().to_owned());
                    }
                    statuses.push(status);
                    std::thread::sleep(Duration::from_millis(20));
                }
                (acked, statuses)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    cluster.pg.stop();
    std::thread::sleep(Duration::from_millis(300));
    for relay in 0..2 {
        let res = cluster.post(relay, "/v1/reports", &fresh_report());
        assert_eq!(res.status, 503, "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.error_code(), "unavailable");
        let ready = request(&cluster.relays[relay].addr, "GET", "/readyz", &[], b"");
        assert_eq!(ready.status, 503);
    }
    std::thread::sleep(Duration::from_millis(1500));
    cluster.pg.restart();
    // The relays reconnect by themselves: both file reports again within seconds.
    let deadline = Instant::now() + Duration::from_secs(15);
    for relay in 0..2 {
        while cluster.post(relay, "/v1/reports", &fresh_report()).status != 201 {
            assert!(Instant::now() < deadline, "relay {relay} did not recover");
            std::thread::sleep(Duration::from_millis(100));
        }
        let ready = request(&cluster.relays[relay].addr, "GET", "/readyz", &[], b"");
        assert_eq!(ready.status, 200);
    }
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::SeqCst);
    let mut ids = Vec::new();
    for client in clients {
        let (acked, statuses) = client.join().unwrap();
        // Every answer was a 201 or a 503: no connection dropped, no other error.
        assert!(
            statuses.iter().all(|s| matches!(s, Some(201 | 503))),
            "{statuses:?}"
        );
        assert!(statuses.contains(&Some(503)), "the outage was seen");
        assert!(statuses.last() == Some(&Some(201)), "and it ended");
        ids.extend(acked);
    }
    // Nothing acknowledged was lost, and all of it is delivered.
    cluster.receiver.wait_for_all(&ids, Duration::from_secs(30));
    for id in &ids {
        assert_eq!(
            cluster.count(&format!("SELECT count(*) FROM reports WHERE id = '{id}'")),
            1
        );
    }
}

#[test]
fn a_key_revoked_through_one_relay_is_refused_by_every_relay_at_once() {
    let cluster = Cluster::start(2, 0);
    assert_eq!(cluster.post(1, "/v1/reports", &fresh_report()).status, 201);
    let prefix = cluster.key[..cluster.key.len().min(14)].to_owned();
    let keys = cli(&cluster.url, &["keys", "list"]);
    let prefix = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["prefix"].as_str().unwrap().to_owned())
        .find(|p| cluster.key.starts_with(p.as_str()))
        .unwrap_or(prefix);
    cli(&cluster.url, &["keys", "revoke", &prefix]);
    for relay in 0..2 {
        let res = cluster.post(relay, "/v1/reports", &fresh_report());
        assert_eq!(
            res.status,
            401,
            "relay {relay}: {}",
            String::from_utf8_lossy(&res.body)
        );
    }
}

#[test]
fn the_retention_sweep_and_a_deletion_request_remove_reports_and_their_objects() {
    let cluster = Cluster::start(1, 0);
    let (old, new, forget) = (
        cluster.file_with_screenshot(),
        cluster.file_with_screenshot(),
        cluster.file_with_screenshot(),
    );
    for id in [&old, &new, &forget] {
        assert!(cluster.object_exists(id));
    }
    // Forty days pass for one report and for the audit log.
    let days_40 = 40 * 86_400_000_i64;
    cluster.pg.psql(
        "bugcap",
        &format!("UPDATE reports SET received_at = received_at - {days_40} WHERE id = '{old}'"),
    );
    cluster.pg.psql(
        "bugcap",
        &format!("UPDATE audit_log SET at = at - {days_40}"),
    );
    let config = cluster.s3.write_config(cluster.dir.path());
    let config = config.to_str().unwrap();
    let swept = cli(
        &cluster.url,
        &[
            "retention",
            "sweep",
            "--config",
            config,
            "--retention-days",
            "30",
            "--audit-retention-days",
            "30",
        ],
    );
    assert_eq!(swept["reports"], 1, "{swept}");
    assert_eq!(swept["objects"], 1, "{swept}");
    assert!(swept["audit_entries"].as_u64().unwrap() >= 1, "{swept}");
    assert!(
        !cluster.object_exists(&old),
        "the bucket object went with its report"
    );
    assert!(cluster.object_exists(&new));
    let left = |id: &str| cluster.count(&format!("SELECT count(*) FROM reports WHERE id = '{id}'"));
    assert_eq!((left(&old), left(&new)), (0, 1));
    assert_eq!(
        cluster.count(&format!(
            "SELECT count(*) FROM media WHERE report_id = '{old}'"
        )),
        0
    );
    // A user's data-deletion request, for one report.
    let deleted = cli(
        &cluster.url,
        &["reports", "delete", &forget, "--config", config],
    );
    assert_eq!(deleted["objects"], 1);
    assert!(!cluster.object_exists(&forget));
    assert_eq!(left(&forget), 0);
    let missing = Command::new(BIN)
        .args(["reports", "delete", &forget, "--config", config])
        .env("BUGCAP_DATABASE_URL", &cluster.url)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no report"));
}

#[test]
fn a_sqlite_relay_moves_to_postgres_with_every_report_key_and_media_row() {
    use support::Relay;
    // A relay on SQLite, with keys, a token, an account, reports (one with a screenshot in its
    // local media folder), triage and a comment.
    let mut relay = Relay::start_in(tempfile::tempdir().unwrap(), &["--rate-per-ip", "0"]);
    let key = relay.create_key(&[ORIGIN]);
    let writer = relay.create_token("reports:write");
    let mut ids = Vec::new();
    for n in 0..5 {
        let mut report = fresh_report();
        report["feedback"]["text"] = format!("Checkout total wrong, case {n}").into();
        if n == 0 {
            report["attachments"] = json!([{ "name": "screenshot.png", "content_type": "image/png", "size": PNG.len(), "sha256": sha256_hex(PNG) }]);
        }
        assert_eq!(relay.post_report(&key, Some(ORIGIN), &report).status, 201);
        ids.push(report["id"].as_str().unwrap().to_owned());
    }
    let patched = relay.admin(
        "PATCH",
        &format!("/v1/reports/{}", ids[1]),
        &writer,
        Some(&json!({ "status": "triaged", "labels": ["checkout"] })),
    );
    assert_eq!(
        patched.status,
        200,
        "{}",
        String::from_utf8_lossy(&patched.body)
    );
    let commented = relay.admin(
        "POST",
        &format!("/v1/reports/{}/comments", ids[1]),
        &writer,
        Some(&json!({ "body": "seen it" })),
    );
    assert_eq!(
        commented.status,
        201,
        "{}",
        String::from_utf8_lossy(&commented.body)
    );
    let data_dir = relay.dir();
    // Stopped, as an operator would before moving it.
    relay.stop();

    let pg = Postgres::start();
    let url = pg.database("bugcap");
    let migrate = |dir: &std::path::Path| {
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(dir)
            .args(["migrate-store", "--to", &url, "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = migrate(&data_dir);
    assert_eq!(first["complete"], true, "{first}");
    // Safe to run again: nothing is copied twice.
    let second = migrate(&data_dir);
    assert_eq!(first, second);
    let table = |name: &str| {
        second["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(table("reports")["destination"], 5);
    assert_eq!(table("widget_keys")["destination"], 1);
    assert_eq!(table("media")["destination"], 1);
    assert_eq!(
        table("activity")["destination"],
        table("activity")["source"]
    );

    // A relay on Postgres, with the same data directory for the local media: the old key, the
    // old token, the triage, the search index and new rows all work.
    let moved = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--rate-per-ip", "0"])
        .env("BUGCAP_DATABASE_URL", &url)
        .env("BUGCAP_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut moved = RelayProc::adopt(moved, PathBuf::new());
    let post = |report: &Value| {
        request(
            &moved.addr,
            "POST",
            "/v1/reports",
            &[
                ("content-type", "application/json"),
                ("x-bugcap-key", &key),
                ("origin", ORIGIN),
            ],
            report.to_string().as_bytes(),
        )
    };
    let fresh = fresh_report();
    assert_eq!(post(&fresh).status, 201, "the old key works");
    assert_eq!(post(&json!(null)).status, 422, "bad input is still refused");
    let auth = format!("Bearer {writer}");
    let get = |path: &str| request(&moved.addr, "GET", path, &[("authorization", &auth)], b"");
    let list = get("/v1/reports?limit=50").json();
    assert_eq!(list["reports"].as_array().unwrap().len(), 6);
    let found = get("/v1/reports?q=checkout").json();
    assert_eq!(
        found["reports"].as_array().unwrap().len(),
        5,
        "the search index was rebuilt"
    );
    let triaged = get(&format!("/v1/reports/{}", ids[1])).json();
    assert_eq!(triaged["triage"]["status"], "triaged", "{triaged}");
    let with_media = get(&format!("/v1/reports/{}", ids[0])).json();
    assert_eq!(
        with_media["media"][0]["name"], "screenshot.png",
        "{with_media}"
    );
    // New ids continue after the copied ones.
    assert!(create_key(&url).starts_with("bc_pub_"));
    moved.child.kill().unwrap();
}
