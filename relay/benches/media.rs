//! Media figures: presigned upload URLs per second on one core (S3 SigV4 through rusty-s3, and
//! the local store's HMAC), and local-store upload throughput through the running relay beside a
//! plain write + fsync of the same bytes to the same disk, in the same run. Prints figures only.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use bugcap_relay::media::{LocalStore, ObjectRef, ObjectStore, S3Config, S3Store};
use sha2::{Digest, Sha256};
use support::{ORIGIN, start_relay};

mod support;

const UPLOAD_BYTES: usize = 8 * 1024 * 1024;
const UPLOADS: usize = 8;

fn object(i: usize) -> ObjectRef {
    ObjectRef {
        report_id: format!("0b7c9a52-3f4e-4d1a-9c57-{i:012x}"),
        name: "screenshot.png".into(),
        key: format!("shop/production/0b7c9a52-3f4e-4d1a-9c57-{i:012x}/screenshot.png"),
        content_type: "image/png".into(),
        size: 48_211,
        sha256: "ab".repeat(32),
    }
}

fn presign_rate(store: &ObjectStore) -> f64 {
    let objects: Vec<ObjectRef> = (0..1000).map(object).collect();
    let mut best = 0.0_f64;
    for _ in 0..5 {
        let n = 100_000;
        let started = Instant::now();
        let mut total = 0usize;
        for i in 0..n {
            let url = store.presign_put(
                &objects[i % objects.len()],
                1_795_774_530,
                Duration::from_secs(120),
                "http://127.0.0.1:8787",
            );
            total += url.url.len();
        }
        std::hint::black_box(total);
        best = best.max(n as f64 / started.elapsed().as_secs_f64());
    }
    best
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn upload_throughput() -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, key) = start_relay(dir.path());
    let addr = addr.to_string();

    let mut bytes = vec![0u8; UPLOAD_BYTES];
    getrandom::fill(&mut bytes).unwrap();
    let sha = hex(&Sha256::digest(&bytes));
    let widget = [
        ("content-type", "application/json"),
        ("x-bugcap-key", key.as_str()),
        ("origin", ORIGIN),
    ];
    let mut relay_time = Duration::ZERO;
    for i in 0..UPLOADS {
        let id = format!("0b7c9a52-3f4e-4d1a-9c57-{i:012x}");
        let attachment = serde_json::json!({ "name": "shot.png", "content_type": "image/png", "size": UPLOAD_BYTES, "sha256": sha });
        let report = serde_json::json!({
            "id": id, "schema_version": 1, "created_at": "2026-11-22T10:15:30.123Z",
            "feedback": { "text": "bench" },
            "page": { "url": "https://shop.example.com/", "title": "t", "viewport": { "width": 1, "height": 1 },
                      "device_pixel_ratio": 1, "user_agent": "ua", "language": "en", "time_zone": "UTC" },
            "client": { "name": "bench", "version": "0" },
            "attachments": [attachment],
        });
        assert_eq!(
            http(
                &addr,
                "POST",
                "/v1/reports",
                &widget,
                report.to_string().as_bytes()
            )
            .0,
            201
        );
        let (status, grant) = http(
            &addr,
            "POST",
            &format!("/v1/reports/{id}/media/upload-url"),
            &widget,
            attachment.to_string().as_bytes(),
        );
        assert_eq!(status, 200, "{grant}");
        let grant: serde_json::Value = serde_json::from_str(&grant).unwrap();
        let url = grant["url"].as_str().unwrap();
        let path = &url[url.find("/v1/").unwrap()..];
        let checksum = grant["headers"]["x-amz-checksum-sha256"].as_str().unwrap();
        let started = Instant::now();
        let (status, _) = http(
            &addr,
            "PUT",
            path,
            &[
                ("content-type", "image/png"),
                ("x-amz-checksum-sha256", checksum),
            ],
            &bytes,
        );
        relay_time += started.elapsed();
        assert_eq!(status, 200);
    }
    let _ = child.kill();
    let _ = child.wait();

    let mut plain_time = Duration::ZERO;
    for i in 0..UPLOADS {
        let started = Instant::now();
        let path = dir.path().join(format!("plain-{i}"));
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(&bytes).unwrap();
        file.sync_all().unwrap();
        plain_time += started.elapsed();
    }
    let mb = (UPLOAD_BYTES * UPLOADS) as f64 / 1e6;
    (mb / relay_time.as_secs_f64(), mb / plain_time.as_secs_f64())
}

fn main() {
    let s3 = ObjectStore::S3(
        S3Store::new(&S3Config {
            endpoint: "https://s3.eu-west-1.amazonaws.com".into(),
            bucket: "acme-bug-reports".into(),
            region: "eu-west-1".into(),
            path_style: false,
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        })
        .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let local = ObjectStore::Local(LocalStore::open(dir.path(), None).unwrap());
    println!("\nPresigned upload URLs, one thread (best of 5 × 100,000; target ≥ 50,000/s)");
    println!("  S3 SigV4 (rusty-s3)   {:>10.0} URLs/s", presign_rate(&s3));
    println!(
        "  local store (HMAC)    {:>10.0} URLs/s",
        presign_rate(&local)
    );

    let (relay, plain) = upload_throughput();
    println!(
        "\nLocal-store upload, {UPLOADS} × {} MiB through the running relay (hash, temp file, fsync, rename)",
        UPLOAD_BYTES >> 20
    );
    println!("  relay PUT             {relay:>8.0} MB/s");
    println!("  plain write + fsync   {plain:>8.0} MB/s");
    println!("  ratio                 {:>8.2}×", relay / plain);
}
