//! The relay under load, against the real binary (SQLite, synchronous=FULL, group commit), each
//! figure beside a bare hyper server (a process that reads the body and answers 201) measured
//! in the same run on the same machine:
//!
//! 1. Throughput, latency and CPU per report over 64 keep-alive connections, for a 2 KB report
//!    and a realistic 32 KB one (50 console entries, 20 network entries with headers and
//!    bodies, 3 errors with stacks). CPU is the server process's user + system time divided by
//!    the reports it answered.
//! 2. Latency at a fixed 1,000 realistic reports per second (open loop: a request's latency
//!    counts from when it was due, so a stall is not hidden by the requests it delayed).
//! 3. Delivery: ingest at 80 % of the measured maximum with a local webhook receiver; delivered
//!    per second beside ingested per second, and the time for the backlog to reach zero after
//!    the load stops.
//! 4. Resident memory with 1,000 open connections.
//! 5. Several relays: the realistic report on SQLite (one relay) and on one Postgres database
//!    (a throwaway local cluster, fsync on) with one, two and three relays, the connections
//!    spread over them.
//!
//! Prints figures only. `BUGCAP_BENCH_DELIVERY_SECS` shortens part 3 (default 60).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use support::{ORIGIN, create_key, listening_address, serve, start_relay, start_relay_with};

#[path = "../tests/support/postgres.rs"]
mod postgres;
mod support;

const CONNECTIONS: usize = 64;
const DURATION: Duration = Duration::from_secs(8);
const FIXED_RATE: f64 = 1000.0;
const FIXED_RATE_FOR: Duration = Duration::from_secs(10);
/// Set in the child process that serves as the bare baseline.
const BARE_ENV: &str = "BUGCAP_BENCH_BARE_SERVER";
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A report body with a placeholder id, written once; each request copies it and writes its
/// own id over the placeholder, so the load generator spends its CPU on sending, not building.
struct Template {
    bytes: Vec<u8>,
    id_at: usize,
}

const PLACEHOLDER: &str = "00000000-0000-4000-8000-000000000000";

impl Template {
    fn new(json: String) -> Template {
        let id_at = json.find(PLACEHOLDER).expect("the template has an id");
        Template {
            bytes: json.into_bytes(),
            id_at,
        }
    }

    fn body(&self, n: u128) -> Bytes {
        let mut bytes = self.bytes.clone();
        let hex = format!("{:032x}", n | (0x4u128 << 76) | (0x8u128 << 60));
        let uuid = format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        );
        bytes[self.id_at..self.id_at + 36].copy_from_slice(uuid.as_bytes());
        Bytes::from(bytes)
    }

    fn len(&self) -> usize {
        self.bytes.len()
    }
}

const PAGE: &str = r#""page":{"url":"https://shop.example.com/cart?step=2","title":"Cart","viewport":{"width":1280,"height":800},"device_pixel_ratio":2,"user_agent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36","language":"en-GB","time_zone":"Europe/London"}"#;

/// The 2 KB report of earlier runs: a sentence, page context, 12 console lines.
fn small_report() -> Template {
    let console: Vec<String> = (0..12)
        .map(|i| format!(r#"{{"level":"log","message":"render step {i} finished in 12ms for component Cart","timestamp":1795774530{i:03}}}"#))
        .collect();
    Template::new(format!(
        r#"{{"id":"{PLACEHOLDER}","schema_version":1,"created_at":"2026-11-22T10:15:30.123Z","feedback":{{"text":"The checkout total does not update after removing an item from the cart."}},{PAGE},"console":[{}],"client":{{"name":"bugcap","version":"0.1.0"}}}}"#,
        console.join(",")
    ))
}

/// What a report from a real single-page app carries: 50 console entries (some with
/// arguments and stacks), 20 requests with headers and JSON bodies, 3 errors with stacks.
fn realistic_report() -> Template {
    let stack = "TypeError: Cannot read properties of undefined (reading 'total')\n    at CartSummary.render (https://shop.example.com/assets/app.4f9c2e.js:1:48211)\n    at renderWithHooks (https://shop.example.com/assets/vendor.81ab3d.js:2:91822)\n    at updateFunctionComponent (https://shop.example.com/assets/vendor.81ab3d.js:2:96410)\n    at beginWork (https://shop.example.com/assets/vendor.81ab3d.js:2:110233)";
    let stack_json = serde_json::to_string(stack).unwrap();
    let console: Vec<String> = (0..50)
        .map(|i| {
            let level = ["log", "info", "warn", "debug", "error"][i % 5];
            let extra = if i % 5 == 4 {
                format!(r#","stack":{stack_json}"#)
            } else {
                String::new()
            };
            format!(
                r#"{{"level":"{level}","message":"[cart] step {i}: recomputed totals for 3 line items in 12ms (coupon SPRING26 applied, currency EUR)","args":["{{\"items\":3,\"subtotal\":84.97,\"discount\":8.5}}","CartSummary"],"timestamp":17957745{i:05}.5{extra}}}"#
            )
        })
        .collect();
    let network: Vec<String> = (0..20)
        .map(|i| {
            let (method, status) = if i % 7 == 6 { ("POST", 500) } else { ("GET", 200) };
            format!(
                r#"{{"kind":"fetch","method":"{method}","url":"https://api.shop.example.com/v2/carts/8812/items?include=prices,stock&page={i}","status":{status},"start_time":{}.25,"duration_ms":{}.5,"request_headers":{{"accept":"application/json","content-type":"application/json","x-request-id":"req_{i:08}","authorization":"[REDACTED]"}},"response_headers":{{"content-type":"application/json; charset=utf-8","cache-control":"no-store","x-trace-id":"4bf92f3577b34da6a3ce929d0e0e{i:04}"}},"request_body":{{"content_type":"application/json","text":"{{\"item_id\":\"sku-{i:05}\",\"quantity\":2,\"coupon\":\"SPRING26\"}}","size":52}},"response_body":{{"content_type":"application/json","text":"{{\"cart\":{{\"id\":8812,\"items\":[{{\"sku\":\"sku-{i:05}\",\"qty\":2,\"price\":29.99}},{{\"sku\":\"sku-00042\",\"qty\":1,\"price\":24.99}}],\"subtotal\":84.97,\"discount\":8.5,\"total\":76.47,\"currency\":\"EUR\",\"updated_at\":\"2026-11-22T10:15:{i:02}Z\"}}}}","size":214}}}}"#,
                1200 + i * 40,
                30 + i
            )
        })
        .collect();
    let errors: Vec<String> = (0..3)
        .map(|i| {
            format!(
                r#"{{"kind":"error","message":"TypeError: Cannot read properties of undefined (reading 'total') #{i}","source":"https://shop.example.com/assets/app.4f9c2e.js","line":1,"column":48211,"stack":{stack_json},"timestamp":1795774530{i:03}.0,"count":1}}"#
            )
        })
        .collect();
    Template::new(format!(
        r#"{{"id":"{PLACEHOLDER}","schema_version":1,"created_at":"2026-11-22T10:15:30.123Z","feedback":{{"text":"The checkout total does not update after removing an item from the cart. I removed the second shirt and the total still shows the old amount; reloading fixes it.","category":"bug"}},{PAGE},"identity":{{"id":"user-4471","email":"ana@example.com"}},"metadata":{{"release":"2026.11.3","feature_flags":"new-cart,coupons-v2"}},"console":[{}],"errors":[{}],"network":[{}],"client":{{"name":"bugcap","version":"0.1.0"}}}}"#,
        console.join(","),
        errors.join(","),
        network.join(",")
    ))
}

struct Outcome {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn pct(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        self.latencies[((self.latencies.len() as f64 * p) as usize).min(self.latencies.len() - 1)]
    }
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// How requests are paced: as fast as each connection can go, or at a fixed total rate.
#[derive(Clone, Copy)]
enum Pace {
    Closed,
    Open { per_second: f64 },
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

async fn load(
    addrs: Arc<Vec<SocketAddr>>,
    key: Arc<String>,
    template: Arc<Template>,
    pace: Pace,
    duration: Duration,
) -> Outcome {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let (key, template) = (key.clone(), template.clone());
        // Spread over the relays as a balancer would.
        let addr = addrs[c % addrs.len()];
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .expect("handshake");
            tokio::spawn(conn);
            let (mut latencies, mut errors) = (Vec::new(), 0usize);
            // Open loop: this connection's share of the rate, staggered across connections.
            let interval = match pace {
                Pace::Open { per_second } => {
                    Some(Duration::from_secs_f64(CONNECTIONS as f64 / per_second))
                }
                Pace::Closed => None,
            };
            let mut due = started
                + interval.map_or(Duration::ZERO, |i| i.mul_f64(c as f64 / CONNECTIONS as f64));
            loop {
                if let Some(interval) = interval {
                    tokio::time::sleep_until(due.into()).await;
                    due += interval;
                }
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                let n = u128::from(NEXT_ID.fetch_add(1, Ordering::Relaxed)) ^ 0x5eed_0000_0000;
                let req = Request::post("/v1/reports")
                    .header("host", "relay")
                    .header("content-type", "application/json")
                    .header("x-bugcap-key", key.as_str())
                    .header("origin", ORIGIN)
                    .body(Full::new(template.body(n)))
                    .unwrap();
                // Open loop: latency from when the request was due, so a stall counts fully.
                let t = if interval.is_some() {
                    due - interval.unwrap_or_default()
                } else {
                    now
                };
                match sender.send_request(req).await {
                    Ok(res) => {
                        let ok = res.status().is_success();
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
        elapsed: started.elapsed().min(duration + Duration::from_secs(1)),
        latencies: all,
    }
}

/// The baseline, run in a child process so its CPU time is its own: reads the body, answers
/// 201 with a small JSON, nothing else.
fn serve_bare() -> ! {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("listening on http://{}", listener.local_addr().unwrap());
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
    })
}

fn start_bare() -> (std::process::Child, SocketAddr) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .env(BARE_ENV, "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let addr = listening_address(&mut child);
    (child, addr)
}

/// User + system CPU seconds of a process so far.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at state, field 3.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 (1-based), 11 and 12 after the name and state.
    (ticks(11) + ticks(12)) / clock_ticks_per_sec()
}

/// `getconf CLK_TCK`: the unit of the times in `/proc/<pid>/stat`.
fn clock_ticks_per_sec() -> f64 {
    static HZ: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *HZ.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// One closed-loop run against `addr` with CPU time of `pid`.
fn measured(
    rt: &tokio::runtime::Runtime,
    addr: SocketAddr,
    pid: u32,
    key: &Arc<String>,
    template: &Arc<Template>,
) -> (Outcome, f64) {
    let before = cpu_secs(pid);
    let o = rt.block_on(load(
        Arc::new(vec![addr]),
        key.clone(),
        template.clone(),
        Pace::Closed,
        DURATION,
    ));
    let cpu = cpu_secs(pid) - before;
    let per = cpu / o.requests.max(1) as f64;
    (o, per)
}

fn row(name: &str, o: &Outcome, cpu_per: f64) {
    println!(
        "  {name:<46}{:>9.0}{:>9.2}{:>9.2}{:>11.3}{:>8}",
        o.rps(),
        o.pct(0.50).as_secs_f64() * 1e3,
        o.pct(0.99).as_secs_f64() * 1e3,
        cpu_per * 1e3,
        o.errors
    );
}

/// A webhook receiver that answers 204 and counts what it received.
async fn receiver(count: Arc<AtomicU64>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let count = count.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let count = count.clone();
                    async move {
                        let _ = req.into_body().collect().await;
                        count.fetch_add(1, Ordering::SeqCst);
                        let mut res = hyper::Response::new(Full::new(Bytes::new()));
                        *res.status_mut() = hyper::StatusCode::NO_CONTENT;
                        Ok::<_, std::convert::Infallible>(res)
                    }
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

/// CPU seconds so far of every Postgres server process on the machine (the bench's throwaway
/// cluster: its postmaster and backends), 0 when there is none.
fn postgres_cpu_secs() -> f64 {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    procs
        .flatten()
        .filter_map(|p| p.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(cpu_secs)
        .sum()
}

/// The value of the first line of OpenMetrics `text` that starts with `name`.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
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
    if std::env::var_os(BARE_ENV).is_some() {
        serve_bare();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let small = Arc::new(small_report());
    let realistic = Arc::new(realistic_report());

    // 1. Throughput, latency and CPU per report.
    let dir = tempfile::tempdir().unwrap();
    let (mut relay, relay_addr, key) = start_relay(dir.path());
    let key = Arc::new(key);
    let (mut bare, bare_addr) = start_bare();
    println!(
        "\nIngest: {CONNECTIONS} keep-alive connections, {} s per row, same machine and run (the load generator shares the 2 cores)",
        DURATION.as_secs()
    );
    println!(
        "  {:<46}{:>9}{:>9}{:>9}{:>11}{:>8}",
        "server, report", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "errors"
    );
    let mut relay_max = 0.0f64;
    let mut realistic_cpu = (0.0, 0.0);
    for (label, template) in [
        (format!("{:.1} KB", small.len() as f64 / 1024.0), &small),
        (
            format!("{:.1} KB", realistic.len() as f64 / 1024.0),
            &realistic,
        ),
    ] {
        let (b, b_cpu) = measured(&rt, bare_addr, bare.id(), &key, template);
        row(&format!("bare hyper, {label}"), &b, b_cpu);
        let (r, r_cpu) = measured(&rt, relay_addr, relay.id(), &key, template);
        row(&format!("bugcap-relay, {label}"), &r, r_cpu);
        println!(
            "    relay / bare: {:.2}x req/s, {:.1}x CPU per request",
            r.rps() / b.rps(),
            r_cpu / b_cpu.max(1e-9)
        );
        if Arc::ptr_eq(template, &realistic) {
            relay_max = r.rps();
            realistic_cpu = (r_cpu, b_cpu);
        }
    }
    println!(
        "  relay CPU per realistic report: {:.3} ms (target <= 0.200 ms; bare hyper {:.3} ms)",
        realistic_cpu.0 * 1e3,
        realistic_cpu.1 * 1e3
    );
    let _ = bare.kill();
    let _ = bare.wait();

    let metrics = metrics_text(relay_addr);
    if std::env::var_os("BUGCAP_BENCH_DUMP_METRICS").is_some() {
        eprintln!("{metrics}");
    }
    let value = |name: &str| metric(&metrics, name).unwrap_or(f64::NAN);
    let commits = value("bugcap_store_commit_duration_seconds_count");
    println!(
        "  relay store: {commits:.0} commits, {:.1} reports per commit, {:.2} ms per commit on average",
        value("bugcap_store_commit_batch_size_sum") / commits,
        value("bugcap_store_commit_duration_seconds_sum") / commits * 1e3
    );

    // 2. Latency at a fixed rate of realistic reports.
    let fixed = rt.block_on(load(
        Arc::new(vec![relay_addr]),
        key.clone(),
        realistic.clone(),
        Pace::Open {
            per_second: FIXED_RATE,
        },
        FIXED_RATE_FOR,
    ));
    println!(
        "\nAt {FIXED_RATE:.0} realistic reports/s for {} s (open loop): {:.0} answered/s, p50 {:.2} ms, p99 {:.2} ms (target <= 25 ms), {} errors",
        FIXED_RATE_FOR.as_secs(),
        fixed.rps(),
        fixed.pct(0.50).as_secs_f64() * 1e3,
        fixed.pct(0.99).as_secs_f64() * 1e3,
        fixed.errors
    );

    // 4. Memory: peak RSS of the relay process with 1,000 idle connections open.
    let before = rss_kib(relay.id());
    let conns: Vec<std::net::TcpStream> = (0..1000)
        .filter_map(|_| std::net::TcpStream::connect(relay_addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let peak = rss_kib(relay.id());
    drop(conns);
    let _ = relay.kill();
    let _ = relay.wait();

    // 3. Delivery at 80 % of the measured maximum, with a webhook receiver on this machine.
    let secs: u64 = std::env::var("BUGCAP_BENCH_DELIVERY_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let rate = (relay_max * 0.8).max(1.0);
    let delivered = Arc::new(AtomicU64::new(0));
    let hook = rt.block_on(receiver(delivered.clone()));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{hook}/hooks/bugcap");
    let (mut relay, relay_addr, key) = start_relay_with(
        dir.path(),
        &["--webhook-url", &url, "--webhook-secret", WEBHOOK_SECRET],
    );
    let key = Arc::new(key);
    let ingest = rt.block_on(load(
        Arc::new(vec![relay_addr]),
        key,
        realistic.clone(),
        Pace::Open { per_second: rate },
        Duration::from_secs(secs),
    ));
    let during = delivered.load(Ordering::SeqCst);
    let stopped = Instant::now();
    let target = ingest.requests as u64;
    while delivered.load(Ordering::SeqCst) < target && stopped.elapsed() < Duration::from_secs(600)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let drained = stopped.elapsed();
    let window = ingest.elapsed.as_secs_f64();
    println!(
        "\nDelivery: realistic reports at {rate:.0}/s (80 % of the measured maximum) for {secs} s, webhook on this machine"
    );
    println!(
        "  ingested {:.0}/s, delivered {:.0}/s during the load (target: delivered >= ingested), {} errors",
        ingest.requests as f64 / window,
        during as f64 / window,
        ingest.errors
    );
    println!(
        "  backlog of {} reached zero {:.2} s after the load stopped (target <= 5 s){}",
        target.saturating_sub(during),
        drained.as_secs_f64(),
        if delivered.load(Ordering::SeqCst) < target {
            " (NOT drained within 600 s)"
        } else {
            ""
        }
    );
    let _ = relay.kill();
    let _ = relay.wait();

    println!(
        "\nRelay peak RSS: {:.1} MiB after the load, {:.1} MiB with 1,000 open connections (target <= 64 MiB)",
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
    );

    several_relays(&rt, &realistic);
}

/// Part 5: SQLite with one relay beside Postgres with one, two and three.
fn several_relays(rt: &tokio::runtime::Runtime, template: &Arc<Template>) {
    println!(
        "\nSeveral relays: the realistic report, {CONNECTIONS} connections spread over the relays, {} s per row",
        DURATION.as_secs()
    );
    println!(
        "  {:<30}{:>9}{:>9}{:>9}{:>11}{:>11}{:>8}{:>12}",
        "store, relays",
        "req/s",
        "p50 ms",
        "p99 ms",
        "CPU ms/req",
        "DB ms/req",
        "errors",
        "commit ms"
    );
    let run = |label: &str, relays: Vec<(std::process::Child, SocketAddr)>, key: String| {
        let addrs: Vec<SocketAddr> = relays.iter().map(|(_, a)| *a).collect();
        let pids: Vec<u32> = relays.iter().map(|(c, _)| c.id()).collect();
        let before: f64 = pids.iter().map(|p| cpu_secs(*p)).sum();
        let db_before = postgres_cpu_secs();
        let o = rt.block_on(load(
            Arc::new(addrs.clone()),
            Arc::new(key),
            template.clone(),
            Pace::Closed,
            DURATION,
        ));
        let cpu: f64 = pids.iter().map(|p| cpu_secs(*p)).sum::<f64>() - before;
        let db_cpu = postgres_cpu_secs() - db_before;
        // Mean time of one writer commit (a batch of reports), over the relays.
        let (mut sum, mut count) = (0.0, 0.0);
        for addr in &addrs {
            let metrics = metrics_text(*addr);
            let value = |name: &str| metric(&metrics, name).unwrap_or(0.0);
            sum += value("bugcap_store_commit_duration_seconds_sum");
            count += value("bugcap_store_commit_duration_seconds_count");
        }
        println!(
            "  {label:<30}{:>9.0}{:>9.2}{:>9.2}{:>11.3}{:>11.3}{:>8}{:>12.2}",
            o.rps(),
            o.pct(0.50).as_secs_f64() * 1e3,
            o.pct(0.99).as_secs_f64() * 1e3,
            cpu / o.requests.max(1) as f64 * 1e3,
            db_cpu / o.requests.max(1) as f64 * 1e3,
            o.errors,
            sum / count.max(1.0) * 1e3
        );
        for (mut child, _) in relays {
            let _ = child.kill();
            let _ = child.wait();
        }
        o.rps()
    };
    let dir = tempfile::tempdir().unwrap();
    let key = create_key(dir.path(), &[]);
    let sqlite = run("SQLite, 1 relay", vec![serve(dir.path(), &[], &[])], key);
    let pg = postgres::Postgres::start();
    for n in 1..=3 {
        let url = pg.database(&format!("bench{n}"));
        let env = [("BUGCAP_DATABASE_URL", url.as_str())];
        let dir = tempfile::tempdir().unwrap();
        let key = create_key(dir.path(), &env);
        let relays = (0..n).map(|_| serve(dir.path(), &[], &env)).collect();
        let rps = run(&format!("Postgres, {n} relay(s)"), relays, key);
        println!("    Postgres, {n} / SQLite, 1: {:.2}x req/s", rps / sqlite);
    }
}
