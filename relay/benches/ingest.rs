//! Durable ingest throughput: 2 KB reports over 64 concurrent keep-alive connections to the real
//! relay (SQLite, synchronous=FULL, group commit), beside a bare hyper server that reads the body
//! and answers 201, measured in the same run on the same machine. Then the relay's resident
//! memory with 1,000 open connections. Prints figures only.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use support::{ORIGIN, start_relay};

mod support;

const CONNECTIONS: usize = 64;
const DURATION: Duration = Duration::from_secs(8);

fn report_body(id: u128) -> String {
    let id = format!("{:032x}", id | (0x4u128 << 76) | (0x8u128 << 60));
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &id[0..8],
        &id[8..12],
        &id[12..16],
        &id[16..20],
        &id[20..32]
    );
    let console: Vec<String> = (0..12)
        .map(|i| format!(r#"{{"level":"log","message":"render step {i} finished in 12ms for component Cart","timestamp":1795774530{i:03}}}"#))
        .collect();
    format!(
        r#"{{"id":"{uuid}","schema_version":1,"created_at":"2026-11-22T10:15:30.123Z","feedback":{{"text":"The checkout total does not update after removing an item from the cart."}},"page":{{"url":"https://shop.example.com/cart?step=2","title":"Cart","viewport":{{"width":1280,"height":800}},"device_pixel_ratio":2,"user_agent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36","language":"en-GB","time_zone":"Europe/London"}},"console":[{}],"client":{{"name":"bugcap","version":"0.1.0"}}}}"#,
        console.join(",")
    )
}

struct Outcome {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn pct(&self, p: f64) -> Duration {
        self.latencies[((self.latencies.len() as f64 * p) as usize).min(self.latencies.len() - 1)]
    }
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

async fn load(addr: SocketAddr, key: Arc<String>) -> Outcome {
    let started = Instant::now();
    let deadline = started + DURATION;
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .expect("handshake");
            tokio::spawn(conn);
            let (mut latencies, mut errors) = (Vec::new(), 0usize);
            let mut n: u128 = (c as u128) << 64;
            while Instant::now() < deadline {
                n += 1;
                let req = Request::post("/v1/reports")
                    .header("host", "relay")
                    .header("content-type", "application/json")
                    .header("x-bugcap-key", key.as_str())
                    .header("origin", ORIGIN)
                    .body(Full::new(Bytes::from(report_body(n ^ 0x5eed_0000_0000))))
                    .unwrap();
                let t = Instant::now();
                match sender.send_request(req).await {
                    Ok(res) => {
                        let ok = res.status() == 201;
                        let _ = res.into_body().collect().await;
                        if ok {
                            latencies.push(t.elapsed())
                        } else {
                            errors += 1
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    all.sort();
    Outcome {
        requests: all.len(),
        errors,
        elapsed: started.elapsed(),
        latencies: all,
    }
}

/// The baseline: reads the body, answers 201 with a small JSON, nothing else.
async fn bare_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let service = service_fn(|req: Request<hyper::body::Incoming>| async move {
                    let _ = req.into_body().collect().await;
                    let mut res = hyper::Response::new(Full::new(Bytes::from_static(
                        br#"{"id":"x","status":"received"}"#,
                    )));
                    *res.status_mut() = hyper::StatusCode::CREATED;
                    Ok::<_, std::convert::Infallible>(res)
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn metrics_text(addr: SocketAddr) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nhost: relay\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut relay, relay_addr, key) = start_relay(dir.path());
    let key = Arc::new(key);

    let bare = rt.block_on(async {
        let addr = bare_server().await;
        load(addr, key.clone()).await
    });
    let ours = rt.block_on(load(relay_addr, key.clone()));

    println!(
        "\nIngest: 2 KB reports, {CONNECTIONS} keep-alive connections, {} s each, same machine and run",
        DURATION.as_secs()
    );
    println!(
        "  {:<44}{:>10}{:>10}{:>10}{:>8}",
        "server", "req/s", "p50 ms", "p99 ms", "errors"
    );
    for (name, o) in [
        ("bare hyper, answers 201", &bare),
        ("bugcap-relay (SQLite, FULL, group commit)", &ours),
    ] {
        println!(
            "  {name:<44}{:>10.0}{:>10.2}{:>10.2}{:>8}",
            o.rps(),
            o.pct(0.50).as_secs_f64() * 1e3,
            o.pct(0.99).as_secs_f64() * 1e3,
            o.errors
        );
    }
    println!(
        "  relay / bare: {:.2}x req/s (targets: >= 0.5x, p99 <= 25 ms)",
        ours.rps() / bare.rps()
    );
    let metrics = metrics_text(relay_addr);
    // The relay's own histograms (request time by route, commit time, batch sizes), on request.
    if std::env::var_os("BUGCAP_BENCH_DUMP_METRICS").is_some() {
        eprintln!("{metrics}");
    }
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let commits = value("bugcap_store_commit_duration_seconds_count");
    let commit_secs = value("bugcap_store_commit_duration_seconds_sum") / commits;
    println!(
        "  relay store: {commits:.0} commits, {:.1} reports per commit, {:.2} ms per commit on average",
        value("bugcap_store_commit_batch_size_sum") / commits,
        commit_secs * 1e3
    );
    // A 201 waits for its fsync'd commit, and one commit can carry at most one report per
    // connection: that bounds durable throughput on this disk, whatever the CPU does.
    let ceiling = CONNECTIONS as f64 / commit_secs;
    println!(
        "  durability ceiling: {CONNECTIONS} connections / {:.2} ms per commit = {ceiling:.0} req/s ({:.2}x bare)",
        commit_secs * 1e3,
        ceiling / bare.rps()
    );

    // Memory: peak RSS of the relay process with 1,000 idle connections open.
    let before = rss_kib(relay.id());
    let conns: Vec<std::net::TcpStream> = (0..1000)
        .filter_map(|_| std::net::TcpStream::connect(relay_addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let peak = rss_kib(relay.id());
    println!(
        "  relay peak RSS: {:.1} MiB after the load, {:.1} MiB with {} open connections (target <= 64 MiB)",
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
        conns.len()
    );
    drop(conns);
    let _ = relay.kill();
    let _ = relay.wait();
}
