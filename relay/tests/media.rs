//! Presigned media uploads against the running relay, with both backends: the relay's own
//! local store and a real S3-compatible server (s3s-fs) that verifies SigV4 signatures. One
//! suite, run once per backend.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::s3::S3Server;
use support::{ORIGIN, Relay, Response, fresh_report, request_url};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Local,
    S3,
}

struct Setup {
    relay: Relay,
    s3: Option<S3Server>,
    key: String,
    _config: tempfile::TempDir,
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n pretend this is a screenshot of the broken page";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Setup {
    fn new(kind: Kind, extra: &[&str]) -> Setup {
        let config = tempfile::tempdir().unwrap();
        let s3 = (kind == Kind::S3).then(S3Server::start);
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        if let Some(s3) = &s3 {
            args.push("--config".into());
            args.push(s3.write_config(config.path()).display().to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let relay = Relay::start_in(tempfile::tempdir().unwrap(), &args);
        let key = relay.create_key(&[ORIGIN]);
        Setup {
            relay,
            s3,
            key,
            _config: config,
        }
    }

    /// Files a report declaring `attachments` (name, type, bytes); returns its id.
    fn file_report(&self, attachments: &[(&str, &str, &[u8])]) -> String {
        let mut report = fresh_report();
        report["attachments"] = attachments
            .iter()
            .map(|(name, ct, bytes)| {
                json!({ "name": name, "content_type": ct, "size": bytes.len(), "sha256": sha256_hex(bytes) })
            })
            .collect();
        let res = self.relay.post_report(&self.key, Some(ORIGIN), &report);
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        report["id"].as_str().unwrap().to_owned()
    }

    fn widget_post(&self, key: &str, path: &str, body: &Value) -> Response {
        self.relay.raw(
            "POST",
            path,
            &[
                ("content-type", "application/json"),
                ("x-bugcap-key", key),
                ("origin", ORIGIN),
            ],
            body.to_string().as_bytes(),
        )
    }

    fn ask_url_as(&self, key: &str, id: &str, name: &str, ct: &str, bytes: &[u8]) -> Response {
        self.widget_post(
            key,
            &format!("/v1/reports/{id}/media/upload-url"),
            &json!({ "name": name, "content_type": ct, "size": bytes.len(), "sha256": sha256_hex(bytes) }),
        )
    }

    /// An upload URL for a declared attachment (asserting 200).
    fn grant(&self, id: &str, name: &str, ct: &str, bytes: &[u8]) -> Value {
        let res = self.ask_url_as(&self.key, id, name, ct, bytes);
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        res.json()
    }

    /// PUTs `body` to a granted URL with its headers, after `edit` had a go at them.
    fn put_with(
        &self,
        grant: &Value,
        body: &[u8],
        edit: impl FnOnce(&mut Vec<(String, String)>),
    ) -> Response {
        let mut headers: Vec<(String, String)> = grant["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        headers.push(("origin".into(), ORIGIN.into()));
        edit(&mut headers);
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(grant["method"], "PUT");
        request_url("PUT", grant["url"].as_str().unwrap(), &headers, body)
    }

    fn put(&self, grant: &Value, body: &[u8]) -> Response {
        self.put_with(grant, body, |_| {})
    }

    fn complete(&self, id: &str, name: &str) -> Response {
        self.widget_post(
            &self.key,
            &format!("/v1/reports/{id}/media/complete"),
            &json!({ "name": name }),
        )
    }

    fn object_key(id: &str, name: &str) -> String {
        format!("shop/staging/{id}/{name}")
    }

    fn object_path(&self, id: &str, name: &str) -> std::path::PathBuf {
        let key = Self::object_key(id, name);
        match &self.s3 {
            Some(s3) => s3.object_path(&key),
            None => self
                .relay
                .dir()
                .join("media/objects")
                .join(sha256_hex(key.as_bytes())),
        }
    }

    fn object_exists(&self, id: &str, name: &str) -> bool {
        self.object_path(id, name).exists()
    }

    /// Puts bytes into the store behind the relay's back, as a server that kept an object
    /// despite a checksum error would.
    fn plant(&self, id: &str, name: &str, bytes: &[u8]) {
        let path = self.object_path(id, name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn report(&self, id: &str) -> Value {
        let token = self.relay.create_token("reports:read");
        let res = self.relay.get_report(&token, id);
        assert_eq!(res.status, 200);
        res.json()
    }
}

/// The URL with the last character of its signature changed.
fn tamper(url: &str) -> String {
    let marker = ["signature=", "X-Amz-Signature="]
        .iter()
        .find_map(|m| url.find(m).map(|i| i + m.len()))
        .expect("a signature in the URL");
    let end = url[marker..].find('&').map_or(url.len(), |i| marker + i);
    let last = &url[end - 1..end];
    let swapped = if last == "0" { "1" } else { "0" };
    format!("{}{}{}", &url[..end - 1], swapped, &url[end..])
}

fn upload_complete_and_download(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let id = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    assert_eq!(s.report(&id)["status"], "awaiting_media");
    let grant = s.grant(&id, "screenshot.png", "image/png", PNG);
    assert!(grant["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(grant["headers"]["content-type"], "image/png");
    let url = grant["url"].as_str().unwrap().to_ascii_lowercase();
    assert!(
        !url.contains("x-amz-checksum-sha256=") && !url.contains("content-type="),
        "type and checksum are signed headers, not query parameters: {url}"
    );
    // At most one live URL: asking again returns the same one.
    assert_eq!(s.grant(&id, "screenshot.png", "image/png", PNG), grant);

    let put = s.put(&grant, PNG);
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    let done = s.complete(&id, "screenshot.png");
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    assert_eq!(done.json()["status"], "complete");
    // Idempotent.
    assert_eq!(s.complete(&id, "screenshot.png").status, 200);
    // A complete attachment takes no new upload URL.
    let again = s.ask_url_as(&s.key, &id, "screenshot.png", "image/png", PNG);
    assert_eq!(
        (again.status, again.error_code().as_str()),
        (409, "media_already_complete")
    );

    let report = s.report(&id);
    assert_ne!(report["status"], "awaiting_media");
    assert_eq!(report["media"][0]["status"], "complete");

    // Admin download: a redirect to a short-lived signed URL that serves the bytes.
    let token = s.relay.create_token("reports:read");
    let auth = format!("Bearer {token}");
    let res = s.relay.raw(
        "GET",
        &format!("/v1/reports/{id}/media/screenshot.png"),
        &[("authorization", &auth)],
        b"",
    );
    assert_eq!(res.status, 302);
    let location = res.header("location").unwrap().to_owned();
    let got = request_url("GET", &location, &[], b"");
    assert_eq!(got.status, 200);
    assert_eq!(got.body, PNG);
    // Without a token there is no redirect.
    let anonymous = s.relay.raw(
        "GET",
        &format!("/v1/reports/{id}/media/screenshot.png"),
        &[],
        b"",
    );
    assert_eq!(anonymous.status, 401);
}

fn tampered_signature_is_refused(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let id = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    let mut grant = s.grant(&id, "screenshot.png", "image/png", PNG);
    grant["url"] = tamper(grant["url"].as_str().unwrap()).into();
    assert_eq!(s.put(&grant, PNG).status, 403);
    assert!(!s.object_exists(&id, "screenshot.png"));
    assert_eq!(
        s.complete(&id, "screenshot.png").error_code(),
        "media_not_uploaded"
    );
}

fn changed_content_type_is_refused(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let id = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    let grant = s.grant(&id, "screenshot.png", "image/png", PNG);
    let res = s.put_with(&grant, PNG, |h| {
        for (k, v) in h.iter_mut() {
            if k == "content-type" {
                *v = "text/html".into();
            }
        }
    });
    assert_eq!(res.status, 403);
    assert!(!s.object_exists(&id, "screenshot.png"));
}

fn different_length_is_refused(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let id = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    let grant = s.grant(&id, "screenshot.png", "image/png", PNG);
    let longer = [PNG, b"and more"].concat();
    let res = s.put(&grant, &longer);
    assert_eq!(res.status, 403, "{}", String::from_utf8_lossy(&res.body));
    let shorter = &PNG[..PNG.len() - 1];
    assert_eq!(s.put(&grant, shorter).status, 403);
    assert!(!s.object_exists(&id, "screenshot.png"));
    assert_eq!(s.complete(&id, "screenshot.png").status, 409);
}

fn different_bytes_are_refused(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let id = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    let grant = s.grant(&id, "screenshot.png", "image/png", PNG);
    let mut other = PNG.to_vec();
    let last = other.len() - 1;
    other[last] ^= 1;
    let res = s.put(&grant, &other);
    assert!(
        res.status == 400 || res.status == 403,
        "same length, other bytes: {} {}",
        res.status,
        String::from_utf8_lossy(&res.body)
    );
    // Whatever the store kept, complete must not count it, and must leave nothing behind.
    let done = s.complete(&id, "screenshot.png");
    assert_ne!(done.status, 200);
    assert!(!s.object_exists(&id, "screenshot.png"));
    // The right bytes still go through.
    assert_eq!(s.put(&grant, PNG).status, 200);
    assert_eq!(s.complete(&id, "screenshot.png").status, 200);
}

fn expired_url_is_refused(kind: Kind) {
    let s = Setup::new(kind, &["--upload-url-ttl-secs", "1"]);
    let id = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    let grant = s.grant(&id, "screenshot.png", "image/png", PNG);
    std::thread::sleep(Duration::from_millis(2200));
    let res = s.put(&grant, PNG);
    assert_eq!(res.status, 403, "{}", String::from_utf8_lossy(&res.body));
    assert!(!s.object_exists(&id, "screenshot.png"));
    // Once expired, a new URL (a different one) can be had.
    let fresh = s.grant(&id, "screenshot.png", "image/png", PNG);
    assert_ne!(fresh["url"], grant["url"]);
    assert_eq!(s.put(&fresh, PNG).status, 200);
}

fn only_the_reporting_key_and_declared_media(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let id = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    let other_key = s.relay.create_key(&[ORIGIN]);
    let res = s.ask_url_as(&other_key, &id, "screenshot.png", "image/png", PNG);
    assert_eq!((res.status, res.error_code().as_str()), (404, "not_found"));
    let res = s.widget_post(
        &other_key,
        &format!("/v1/reports/{id}/media/complete"),
        &json!({ "name": "screenshot.png" }),
    );
    assert_eq!(res.status, 404);

    let res = s.ask_url_as(&s.key, &id, "other.png", "image/png", PNG);
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (404, "attachment_not_declared")
    );
    let res = s.ask_url_as(&s.key, &id, "screenshot.png", "image/webp", PNG);
    assert_eq!(
        (res.status, res.json()["error"]["field"].as_str()),
        (422, Some("content_type"))
    );
    let res = s.ask_url_as(&s.key, &id, "screenshot.png", "image/png", b"other bytes");
    assert_eq!(res.status, 422);
    // Without the key's origin there is no URL either.
    let res = s.relay.raw(
        "POST",
        &format!("/v1/reports/{id}/media/upload-url"),
        &[
            ("content-type", "application/json"),
            ("x-bugcap-key", &s.key),
            ("origin", "https://evil.example"),
        ],
        json!({ "name": "screenshot.png", "content_type": "image/png", "size": PNG.len(), "sha256": sha256_hex(PNG) }).to_string().as_bytes(),
    );
    assert_eq!(res.status, 403);
}

fn declarations_are_checked_when_the_report_arrives(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let mut report = fresh_report();
    report["attachments"] = json!([{ "name": "page.html", "content_type": "text/html", "size": 10, "sha256": sha256_hex(b"x") }]);
    let res = s.relay.post_report(&s.key, Some(ORIGIN), &report);
    assert_eq!(
        (res.status, res.json()["error"]["field"].as_str()),
        (422, Some("attachments[0].content_type"))
    );
    report["attachments"] = json!([{ "name": "huge.png", "content_type": "image/png", "size": 10 * 1024 * 1024 + 1, "sha256": sha256_hex(b"x") }]);
    let res = s.relay.post_report(&s.key, Some(ORIGIN), &report);
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (413, "media_too_large")
    );
}

fn complete_rejects_a_mismatched_object_and_deletes_it(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let id = s.file_report(&[
        ("screenshot.png", "image/png", PNG),
        ("dom.json", "application/json", b"{\"node\":1}"),
    ]);
    let mut wrong = PNG.to_vec();
    wrong[0] = b'X';
    s.plant(&id, "screenshot.png", &wrong);
    let res = s.complete(&id, "screenshot.png");
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (422, "media_mismatch"),
        "{}",
        String::from_utf8_lossy(&res.body)
    );
    assert!(!s.object_exists(&id, "screenshot.png"));

    s.plant(&id, "dom.json", b"{\"node\":1} and a tail");
    assert_eq!(s.complete(&id, "dom.json").error_code(), "media_mismatch");
    assert!(!s.object_exists(&id, "dom.json"));
    assert_eq!(s.report(&id)["status"], "awaiting_media");
}

fn missing_media_are_marked_after_the_grace_period(kind: Kind) {
    let s = Setup::new(kind, &["--media-grace-secs", "1"]);
    let id = s.file_report(&[
        ("screenshot.png", "image/png", PNG),
        ("dom.json", "application/json", b"{\"node\":1}"),
    ]);
    // The screenshot arrives; the DOM snapshot is uploaded but never completed.
    let grant = s.grant(&id, "screenshot.png", "image/png", PNG);
    assert_eq!(s.put(&grant, PNG).status, 200);
    assert_eq!(s.complete(&id, "screenshot.png").status, 200);
    let dom: &[u8] = b"{\"node\":1}";
    let grant = s.grant(&id, "dom.json", "application/json", dom);
    assert_eq!(s.put(&grant, dom).status, 200);
    assert!(s.object_exists(&id, "dom.json"));

    let mut report = s.report(&id);
    // awaiting_media → received (media given up) → ready (no webhook configured).
    for _ in 0..40 {
        if report["status"] == "ready" {
            break;
        }
        std::thread::sleep(Duration::from_millis(150));
        report = s.report(&id);
    }
    assert_eq!(report["status"], "ready", "{report}");
    let media = report["media"].as_array().unwrap();
    let status = |n: &str| media.iter().find(|m| m["name"] == n).unwrap()["status"].clone();
    assert_eq!(status("screenshot.png"), "complete");
    assert_eq!(status("dom.json"), "missing");
    // The orphan is cleaned up; the completed object stays.
    assert!(!s.object_exists(&id, "dom.json"));
    assert!(s.object_exists(&id, "screenshot.png"));
    let late = s.ask_url_as(&s.key, &id, "dom.json", "application/json", dom);
    assert_eq!(late.error_code(), "media_window_closed");
}

impl Setup {
    /// A session in the inbox app, opened with a read-only admin token.
    fn app_session(&self) -> String {
        let token = self.relay.create_token("reports:read");
        let body = format!("token={token}&next=%2Fapp%2F");
        let res = self.relay.raw(
            "POST",
            "/app/sign-in",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("origin", &self.relay.base),
            ],
            body.as_bytes(),
        );
        assert_eq!(res.status, 303, "{}", res.text());
        let cookie = res.header("set-cookie").unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }

    fn app_get(&self, cookie: &str, path: &str) -> Response {
        self.relay.raw("GET", path, &[("cookie", cookie)], b"")
    }
}

/// A snapshot of `levels` nested elements with hostile text at the bottom, as rrweb writes it.
fn deep_snapshot(levels: usize) -> Vec<u8> {
    let mut json = String::from(r#"{"type":0,"childNodes":["#);
    for _ in 0..levels {
        json.push_str(r#"{"type":2,"tagName":"div","attributes":{"class":"n"},"childNodes":["#);
    }
    json.push_str(r#"{"type":3,"textContent":"the bottom <script>alert(1)</script>"}"#);
    json.push_str(&"]}".repeat(levels));
    json.push_str("]}");
    json.into_bytes()
}

/// A snapshot too large or deep to travel inside the report is read back from the store and
/// rebuilt in the app's sandboxed frame, like an inline one; bytes that are not what was
/// declared are not shown.
fn the_app_rebuilds_a_snapshot_sent_as_an_attachment(kind: Kind) {
    let s = Setup::new(kind, &[]);
    // Deeper than serde_json's default nesting limit (two JSON levels per element).
    let dom = deep_snapshot(200);
    let mut report = fresh_report();
    report["dom"] = json!({ "format": "rrweb-snapshot", "attachment": "dom.json" });
    report["attachments"] = json!([{ "name": "dom.json", "content_type": "application/json",
        "size": dom.len(), "sha256": sha256_hex(&dom) }]);
    let res = s.relay.post_report(&s.key, Some(ORIGIN), &report);
    assert_eq!(res.status, 201, "{}", res.text());
    let id = report["id"].as_str().unwrap().to_owned();
    let cookie = s.app_session();

    let page = s.app_get(&cookie, &format!("/app/reports/{id}")).text();
    assert!(
        page.contains("has not arrived") && !page.contains("class=\"dom\""),
        "no frame before the file is there"
    );
    let grant = s.grant(&id, "dom.json", "application/json", &dom);
    assert_eq!(s.put(&grant, &dom).status, 200);
    assert_eq!(s.complete(&id, "dom.json").status, 200);

    let page = s.app_get(&cookie, &format!("/app/reports/{id}")).text();
    assert!(page.contains("class=\"dom\" sandbox src="), "{page}");
    let frame = s.app_get(&cookie, &format!("/app/reports/{id}/dom"));
    assert_eq!(frame.status, 200);
    assert!(
        frame
            .header("content-security-policy")
            .unwrap()
            .starts_with("sandbox;")
    );
    let html = frame.text();
    assert_eq!(html.matches("<div class=\"n\">").count(), 200);
    assert!(html.contains("the bottom &lt;script&gt;alert(1)"), "{html}");

    // The store now holds other bytes of the same length: not shown.
    let mut wrong = dom.clone();
    let at = wrong.len() - 20;
    wrong[at] = b' ';
    s.plant(&id, "dom.json", &wrong);
    let html = s.app_get(&cookie, &format!("/app/reports/{id}/dom")).text();
    assert!(!html.contains("<div"), "{html}");
    assert!(html.contains("not what was sent"), "{html}");
}

/// The inbox shows each report by a small JPEG made from its screenshot, once: later views are
/// served from the store even if the object is gone. A screenshot that is not a picture has
/// none, and only a signed-in browser gets one.
fn the_inbox_shows_a_thumbnail_made_from_the_screenshot(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let shot = {
        let picture = image::RgbImage::from_fn(1280, 2000, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(picture)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    let id = s.file_report(&[("screenshot.png", "image/png", &shot)]);
    let broken = s.file_report(&[("screenshot.png", "image/png", PNG)]);
    for (id, bytes) in [(&id, &shot[..]), (&broken, PNG)] {
        let grant = s.grant(id, "screenshot.png", "image/png", bytes);
        assert_eq!(s.put(&grant, bytes).status, 200);
        assert_eq!(s.complete(id, "screenshot.png").status, 200);
    }
    let cookie = s.app_session();
    let inbox = s.app_get(&cookie, "/app/?status=all").text();
    let src = format!("<img src=\"/app/reports/{id}/thumbnail\"");
    assert!(inbox.contains(&src), "{inbox}");
    assert!(
        !inbox.contains(&format!("/app/reports/{id}/media/screenshot.png")),
        "the inbox does not load full screenshots"
    );

    let path = format!("/app/reports/{id}/thumbnail");
    let thumb = s.app_get(&cookie, &path);
    assert_eq!(thumb.status, 200, "{}", thumb.text());
    assert_eq!(thumb.header("content-type"), Some("image/jpeg"));
    assert!(
        thumb
            .header("cache-control")
            .unwrap()
            .starts_with("private")
    );
    let picture = image::load_from_memory(&thumb.body).unwrap();
    assert_eq!((picture.width(), picture.height()), (240, 150));
    assert!(thumb.body.len() < 20_000, "{} bytes", thumb.body.len());

    // Made once: the object can go, the thumbnail stays.
    std::fs::remove_file(s.object_path(&id, "screenshot.png")).unwrap();
    assert_eq!(s.app_get(&cookie, &path).body, thumb.body);

    let none = s.app_get(&cookie, &format!("/app/reports/{broken}/thumbnail"));
    assert_eq!(none.status, 404);
    assert_eq!(s.relay.raw("GET", &path, &[], b"").status, 303);
}

/// Under the default limits (10 reports in a burst per address), one user files three reports
/// in a row, each with a screenshot and a DOM snapshot sent as the widget sends them: every
/// request succeeds, because media requests count against buckets of their own.
fn three_reports_with_media_in_a_row_fit_the_default_limits(kind: Kind) {
    let s = Setup::new(kind, &[]);
    let dom = br#"{"type":"document","children":[]}"#;
    for n in 0..3 {
        let media: [(&str, &str, &[u8]); 2] = [
            ("screenshot.png", "image/png", PNG),
            ("dom.json", "application/json", dom),
        ];
        let id = s.file_report(&media);
        for (name, ct, bytes) in media {
            let grant = s.grant(&id, name, ct, bytes);
            let put = s.put(&grant, bytes);
            assert!(put.status < 300, "report {n}, {name}: PUT {}", put.status);
            let done = s.complete(&id, name);
            assert_eq!(done.status, 200, "report {n}, {name}: complete");
        }
    }
}

macro_rules! suite {
    ($module:ident, $kind:expr) => {
        mod $module {
            use super::*;
            #[test]
            fn upload_complete_and_download() {
                super::upload_complete_and_download($kind)
            }
            #[test]
            fn the_app_rebuilds_a_snapshot_sent_as_an_attachment() {
                super::the_app_rebuilds_a_snapshot_sent_as_an_attachment($kind)
            }
            #[test]
            fn the_inbox_shows_a_thumbnail_made_from_the_screenshot() {
                super::the_inbox_shows_a_thumbnail_made_from_the_screenshot($kind)
            }
            #[test]
            fn three_reports_with_media_in_a_row_fit_the_default_limits() {
                super::three_reports_with_media_in_a_row_fit_the_default_limits($kind)
            }
            #[test]
            fn tampered_signature_is_refused() {
                super::tampered_signature_is_refused($kind)
            }
            #[test]
            fn changed_content_type_is_refused() {
                super::changed_content_type_is_refused($kind)
            }
            #[test]
            fn different_length_is_refused() {
                super::different_length_is_refused($kind)
            }
            #[test]
            fn different_bytes_are_refused() {
                super::different_bytes_are_refused($kind)
            }
            #[test]
            fn expired_url_is_refused() {
                super::expired_url_is_refused($kind)
            }
            #[test]
            fn only_the_reporting_key_and_declared_media() {
                super::only_the_reporting_key_and_declared_media($kind)
            }
            #[test]
            fn declarations_are_checked_when_the_report_arrives() {
                super::declarations_are_checked_when_the_report_arrives($kind)
            }
            #[test]
            fn complete_rejects_a_mismatched_object_and_deletes_it() {
                super::complete_rejects_a_mismatched_object_and_deletes_it($kind)
            }
            #[test]
            fn missing_media_are_marked_after_the_grace_period() {
                super::missing_media_are_marked_after_the_grace_period($kind)
            }
        }
    };
}

suite!(local_store, Kind::Local);
suite!(s3_store, Kind::S3);
