//! Network capture in a real browser: what is recorded for fetch, XHR and sendBeacon, what is
//! kept back (headers and bodies off the allow list, bodies past the limit), and that the host
//! sees exactly what it would without the widget.

use bugcap_protocol::NetworkKind;
use bugcap_widget::capture::network::{NetworkCapture, NetworkOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function blobUrl(text, type) { return URL.createObjectURL(new Blob([text], { type })); }
const settle = () => new Promise((r) => setTimeout(r, 50));
export async function fetchJson(url) {
  const res = await fetch(url, { headers: { "x-trace": "t-1", authorization: "Bearer secret-token" } });
  const body = await res.json();
  await settle();
  return { isResponse: res instanceof Response, status: res.status, body };
}
export async function fetchText(url) {
  const res = await fetch(url);
  const text = await res.text();
  await settle();
  return text.length;
}
export async function fetchFails(url) {
  try { await fetch(url); return "resolved"; } catch (e) { await settle(); return e.name; }
}
export async function fetchAborted(url) {
  const c = new AbortController();
  const p = fetch(url, { signal: c.signal });
  c.abort();
  try { await p; return "resolved"; } catch (e) { await settle(); return e.name; }
}
export function xhrTwice(url) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let n = 0;
    const go = () => { xhr.open("GET", url); xhr.setRequestHeader("x-attempt", String(n)); xhr.send(); };
    xhr.onload = () => { if (++n < 2) go(); else setTimeout(() => resolve(xhr.responseText), 50); };
    go();
  });
}
export function beacon(path) { return navigator.sendBeacon(location.origin + path, "ping=1"); }
export function hooks() { return [fetch, XMLHttpRequest.prototype.open, XMLHttpRequest.prototype.send, navigator.sendBeacon, Object.prototype.hasOwnProperty.call(navigator, "sendBeacon")]; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = blobUrl)]
    fn blob_url(text: &str, content_type: &str) -> String;
    #[wasm_bindgen(js_name = fetchJson)]
    fn fetch_json(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fetchText)]
    fn fetch_text(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fetchFails)]
    fn fetch_fails(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fetchAborted)]
    fn fetch_aborted(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = xhrTwice)]
    fn xhr_twice(url: &str) -> js_sys::Promise;
    fn beacon(path: &str) -> bool;
    fn hooks() -> js_sys::Array;
}

fn options(allow: &[&str]) -> NetworkOptions {
    NetworkOptions {
        limit: 50,
        body_limit: 1024,
        header_limit: 64,
        allow_urls: allow.iter().map(|s| s.to_string()).collect(),
        ignore_urls: vec!["https://relay.example.com/".into()],
    }
}

async fn run(p: js_sys::Promise) -> JsValue {
    JsFuture::from(p).await.unwrap()
}

fn get(v: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(v, &k.into()).unwrap()
}

#[wasm_bindgen_test]
async fn fetch_is_recorded_and_the_host_gets_its_response() {
    let capture = NetworkCapture::install(&options(&["blob:"])).unwrap();
    let url = blob_url(r#"{"cart":3,"total":42.5}"#, "application/json");
    let out = run(fetch_json(&url)).await;
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(get(&out, "isResponse"), JsValue::TRUE);
    assert_eq!(get(&get(&out, "body"), "cart").as_f64(), Some(3.0));
    assert_eq!(got.len(), 1);
    let e = &got[0];
    assert_eq!(
        (e.kind, e.method.as_str(), e.status),
        (NetworkKind::Fetch, "GET", Some(200))
    );
    assert_eq!(e.url, url);
    assert!(e.duration_ms.is_some());
    assert_eq!(
        e.request_headers.get("x-trace").map(String::as_str),
        Some("t-1")
    );
    let body = e.response_body.as_ref().unwrap();
    assert_eq!(body.text.as_deref(), Some(r#"{"cart":3,"total":42.5}"#));
    assert_eq!(body.content_type.as_deref(), Some("application/json"));
    assert!(!body.truncated);
}

#[wasm_bindgen_test]
async fn bodies_are_capped_and_the_host_still_reads_all_of_it() {
    let capture = NetworkCapture::install(&options(&["blob:"])).unwrap();
    let big = "x".repeat(100_000);
    let url = blob_url(&big, "text/plain");
    let read = run(fetch_text(&url)).await;
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(read.as_f64(), Some(100_000.0), "the host's body is whole");
    let body = got[0].response_body.as_ref().unwrap();
    assert!(body.truncated);
    assert!(body.text.as_ref().unwrap().len() <= 1024 + 3);
}

#[wasm_bindgen_test]
async fn off_the_allow_list_only_the_outline_is_kept() {
    let capture = NetworkCapture::install(&options(&[])).unwrap();
    let url = blob_url(r#"{"email":"ana@example.com"}"#, "application/json");
    run(fetch_json(&url)).await;
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(got[0].status, Some(200));
    assert!(got[0].request_headers.is_empty());
    assert!(got[0].response_headers.is_empty());
    assert!(got[0].response_body.is_none());
}

#[wasm_bindgen_test]
async fn failures_and_aborts_reach_the_host_unchanged_and_are_recorded() {
    let capture = NetworkCapture::install(&options(&[])).unwrap();
    let failed = run(fetch_fails("http://127.0.0.1:9/unreachable")).await;
    let aborted = run(fetch_aborted(&blob_url("x", "text/plain"))).await;
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(failed.as_string().as_deref(), Some("TypeError"));
    assert_eq!(aborted.as_string().as_deref(), Some("AbortError"));
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().any(|e| e.error.is_some() && e.status.is_none()));
    assert!(got.iter().any(|e| e.aborted));
}

#[wasm_bindgen_test]
async fn a_reused_xhr_is_recorded_once_per_send() {
    let capture = NetworkCapture::install(&options(&["blob:"])).unwrap();
    let url = blob_url("hello", "text/plain");
    let text = run(xhr_twice(&url)).await;
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(text.as_string().as_deref(), Some("hello"));
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got.iter()
            .all(|e| e.kind == NetworkKind::Xhr && e.status == Some(200)),
        "{got:?}"
    );
    assert_eq!(
        got[1].request_headers.get("x-attempt").map(String::as_str),
        Some("1")
    );
    assert_eq!(
        got[0]
            .response_body
            .as_ref()
            .and_then(|b| b.text.as_deref()),
        Some("hello")
    );
}

#[wasm_bindgen_test]
fn beacons_are_flagged() {
    let capture = NetworkCapture::install(&options(&[])).unwrap();
    let queued = beacon("/beacon-target");
    let got = capture.entries();
    capture.uninstall();
    assert!(queued);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].kind, got[0].method.as_str()),
        (NetworkKind::Beacon, "POST")
    );
    assert!(got[0].url.ends_with("/beacon-target"));
}

#[wasm_bindgen_test]
fn uninstalling_restores_every_hook() {
    let before = hooks();
    let capture = NetworkCapture::install(&options(&[])).unwrap();
    let during = hooks();
    for i in 0..4 {
        assert_ne!(before.get(i), during.get(i), "hook {i} installed");
    }
    capture.uninstall();
    let after = hooks();
    for i in 0..5 {
        assert_eq!(before.get(i), after.get(i), "hook {i} restored");
    }
}
