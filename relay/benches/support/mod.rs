//! What the benchmarks share: the real relay binary started on a fresh data directory.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

pub const ORIGIN: &str = "http://localhost:8080";

/// Creates a widget key for [`ORIGIN`] in `dir`, then serves on a free port with rate limits
/// off (the benchmarks measure throughput, not the limiter). Returns the process, its address
/// and the key.
pub fn start_relay(dir: &std::path::Path) -> (Child, SocketAddr, String) {
    start_relay_with(dir, &[])
}

/// [`start_relay`] with more `serve` arguments (a webhook, say).
pub fn start_relay_with(dir: &std::path::Path, extra: &[&str]) -> (Child, SocketAddr, String) {
    let key = create_key(dir, &[]);
    let (child, addr) = serve(dir, extra, &[]);
    (child, addr, key)
}

const BIN: &str = env!("CARGO_BIN_EXE_bugcap-relay");

/// Creates a widget key for [`ORIGIN`] (in `dir`, or the database `env` names).
pub fn create_key(dir: &std::path::Path, env: &[(&str, &str)]) -> String {
    let out = Command::new(BIN)
        .args(["--data-dir"])
        .arg(dir)
        .args([
            "keys",
            "create",
            "--project",
            "bench",
            "--env",
            "local",
            "--origin",
            ORIGIN,
            "--json",
        ])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Serves on a free port with rate limits off, `extra` arguments and `env`.
pub fn serve(dir: &std::path::Path, extra: &[&str], env: &[(&str, &str)]) -> (Child, SocketAddr) {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--rate-per-ip",
            "0",
            "--rate-per-key",
            "0",
        ])
        .args(extra)
        .env("BUGCAP_LOG", "error")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = listening_address(&mut child);
    (child, addr)
}

/// The address a server child announces as its first line on stdout (`… http://ADDR`).
pub fn listening_address(child: &mut Child) -> SocketAddr {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
