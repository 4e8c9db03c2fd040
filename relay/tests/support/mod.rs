//! Runs the real `bugcap-relay` binary in a temporary data directory and talks HTTP to it.

#![allow(dead_code)]

pub mod postgres;
pub mod s3;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_bugcap-relay");
pub const ORIGIN: &str = "http://localhost:8080";

pub fn example_report() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../protocol/examples/minimal-report.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The example report under a fresh id.
pub fn fresh_report() -> Value {
    let mut r = example_report();
    r["id"] = uuid_v4().into();
    r
}

pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).unwrap();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub struct Relay {
    pub data_dir: tempfile::TempDir,
    pub base: String,
    pub addr: String,
    extra: Vec<String>,
    child: Child,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `serve` on a free port in `dir` and reads the bound address from its first line.
fn spawn(dir: &Path, extra: &[String]) -> (Child, String) {
    spawn_serve(dir, extra, "warn", Stdio::inherit())
}

/// [`spawn`] with a chosen log level and stderr, for tests that read the relay's logs.
pub fn spawn_serve(dir: &Path, extra: &[String], log: &str, stderr: Stdio) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("BUGCAP_LOG", log)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(
        base.starts_with("http://"),
        "unexpected first line: {line:?}"
    );
    (child, base)
}

/// Creates a widget key (project `shop`, env `staging`) for `origins` in `dir` with the CLI.
pub fn create_key_in(dir: &Path, origins: &[&str]) -> String {
    let mut args = vec!["keys", "create", "--project", "shop", "--env", "staging"];
    for o in origins {
        args.extend(["--origin", o]);
    }
    cli(dir, &args)["key"].as_str().unwrap().to_owned()
}

pub fn cli(data_dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

impl Relay {
    pub fn start() -> Relay {
        Self::start_in(tempfile::tempdir().unwrap(), &[])
    }

    pub fn start_in(data_dir: tempfile::TempDir, extra: &[&str]) -> Relay {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let (child, base) = spawn(data_dir.path(), &extra);
        let addr = base.trim_start_matches("http://").to_owned();
        Relay {
            data_dir,
            base,
            addr,
            extra,
            child,
        }
    }

    /// `kill -9` the relay (no shutdown of any kind), then start it again on the same data.
    pub fn kill_hard_and_restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let (child, base) = spawn(self.data_dir.path(), &self.extra);
        self.addr = base.trim_start_matches("http://").to_owned();
        self.base = base;
        self.child = child;
    }

    /// `kill -9` the relay and leave it stopped (its data directory stays until the drop).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn dir(&self) -> PathBuf {
        self.data_dir.path().to_owned()
    }

    pub fn create_key(&self, origins: &[&str]) -> String {
        create_key_in(self.data_dir.path(), origins)
    }

    pub fn create_token(&self, scope: &str) -> String {
        cli(
            self.data_dir.path(),
            &["tokens", "create", "--scope", scope],
        )["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Sends a raw HTTP/1.1 request and returns (status, headers lower-cased, body).
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        request(&self.addr, method, path, headers, body)
    }

    /// POSTs raw bytes to `/v1/reports` the way the widget does (JSON, key, allowed origin),
    /// plus `extra` headers.
    pub fn post_bytes(&self, key: &str, extra: &[(&str, &str)], body: &[u8]) -> Response {
        let mut headers = vec![
            ("content-type", "application/json"),
            ("x-bugcap-key", key),
            ("origin", ORIGIN),
        ];
        headers.extend_from_slice(extra);
        self.raw("POST", "/v1/reports", &headers, body)
    }

    pub fn post_report(&self, key: &str, origin: Option<&str>, body: &Value) -> Response {
        let mut headers = vec![("content-type", "application/json"), ("x-bugcap-key", key)];
        if let Some(o) = origin {
            headers.push(("origin", o));
        }
        self.raw("POST", "/v1/reports", &headers, body.to_string().as_bytes())
    }

    /// An admin API request with `token`, and `body` as JSON when given.
    pub fn admin(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Response {
        let auth = format!("Bearer {token}");
        let mut headers = vec![("authorization", auth.as_str())];
        let bytes = body.map(|b| b.to_string()).unwrap_or_default();
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        self.raw(method, path, &headers, bytes.as_bytes())
    }

    pub fn get_report(&self, token: &str, id: &str) -> Response {
        let auth = format!("Bearer {token}");
        self.raw(
            "GET",
            &format!("/v1/reports/{id}"),
            &[("authorization", &auth)],
            b"",
        )
    }
}

/// Sends one HTTP/1.1 request to `addr` (`host:port`). A `content-length` is added unless
/// `headers` frame the body themselves.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let framed = headers.iter().any(|(k, _)| {
        k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("transfer-encoding")
    });
    if !framed {
        req.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    Response::parse(&raw)
}

/// [`request`] to an absolute `http://` URL.
pub fn request_url(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (addr, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    request(
        addr,
        method,
        if path.is_empty() { "/" } else { path },
        headers,
        body,
    )
}

/// A free TCP port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on `addr`.
pub fn wait_for_port(addr: &str) {
    for _ in 0..200 {
        if TcpStream::connect(addr).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nothing listens on {addr}");
}

/// Posts a report to a relay at `addr` as the widget would; `None` when the connection failed
/// or was cut before a full answer (the relay died mid-request).
pub fn post_to(addr: &str, key: &str, report: &Value) -> Option<u16> {
    let body = report.to_string();
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "POST /v1/reports HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-type: application/json\r\nx-bugcap-key: {key}\r\norigin: {ORIGIN}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let status_line = raw.split(|&b| b == b'\r').next()?;
    let complete = raw.windows(4).any(|w| w == b"\r\n\r\n");
    let status = std::str::from_utf8(status_line)
        .ok()?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()?;
    complete.then_some(status)
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("no header end");
        let head = String::from_utf8_lossy(&raw[..split]);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v == "chunked")
        {
            body = dechunk(&body);
        }
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text (lossy), for messages and searches.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 4 + size..];
    }
}
