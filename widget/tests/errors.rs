//! Error capture in a real browser: uncaught errors, failed resource loads and unhandled
//! rejections are recorded with their details; bursts fold into one entry; uninstalling stops it.

use bugcap_protocol::{ErrorEntry, ErrorKind};
use bugcap_widget::capture::errors::{ErrorBuffer, ErrorCapture};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function raise(message, times) {
  const error = new TypeError(message);
  for (let i = 0; i < times; i++) {
    window.dispatchEvent(new ErrorEvent("error", {
      message: "Uncaught TypeError: " + message, filename: "https://app.example.com/app.js",
      lineno: 12, colno: 7, error,
    }));
  }
}
export function brokenImage() {
  return new Promise((resolve) => {
    const img = document.createElement("img");
    img.onerror = () => { img.remove(); resolve(); };
    img.src = "/definitely-missing-" + Math.random() + ".png";
    document.body.appendChild(img);
  });
}
export function rejectUnhandled(value) {
  const quiet = (e) => e.preventDefault();
  window.addEventListener("unhandledrejection", quiet);
  Promise.reject(value);
  return new Promise((r) => setTimeout(() => { window.removeEventListener("unhandledrejection", quiet); r(); }, 50));
}
export function typeError(message) { return new TypeError(message); }
"#)]
extern "C" {
    fn raise(message: &str, times: u32);
    #[wasm_bindgen(js_name = brokenImage)]
    fn broken_image() -> js_sys::Promise;
    #[wasm_bindgen(js_name = rejectUnhandled)]
    fn reject_unhandled(value: JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = typeError)]
    fn type_error(message: &str) -> JsValue;
}

#[wasm_bindgen_test]
fn uncaught_errors_keep_source_position_and_stack() {
    let capture = ErrorCapture::install(50).unwrap();
    raise("x is undefined", 1);
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(got.len(), 1);
    let e = &got[0];
    assert_eq!(e.kind, ErrorKind::Error);
    assert_eq!(e.message, "Uncaught TypeError: x is undefined");
    assert_eq!(e.source.as_deref(), Some("https://app.example.com/app.js"));
    assert_eq!((e.line, e.column), (Some(12), Some(7)));
    assert!(
        e.stack.as_deref().unwrap_or("").contains("x is undefined"),
        "{e:?}"
    );
}

#[wasm_bindgen_test]
fn a_burst_is_one_entry_with_its_count() {
    let capture = ErrorCapture::install(50).unwrap();
    raise("again", 25);
    raise("different", 1);
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].count, 25);
    assert_eq!(got[1].count, 1);
}

#[wasm_bindgen_test]
async fn failed_resource_loads_are_recorded() {
    let capture = ErrorCapture::install(50).unwrap();
    JsFuture::from(broken_image()).await.unwrap();
    let got = capture.entries();
    capture.uninstall();
    let e = got
        .iter()
        .find(|e| e.kind == ErrorKind::Resource)
        .expect("a resource error");
    assert_eq!(e.message, "<img> failed to load");
    assert!(
        e.source
            .as_deref()
            .unwrap_or("")
            .contains("/definitely-missing-"),
        "{e:?}"
    );
}

#[wasm_bindgen_test]
async fn unhandled_rejections_with_errors_and_plain_values() {
    let capture = ErrorCapture::install(50).unwrap();
    JsFuture::from(reject_unhandled(type_error("fetch failed")))
        .await
        .unwrap();
    JsFuture::from(reject_unhandled(JsValue::from_str("plain reason")))
        .await
        .unwrap();
    let got = capture.entries();
    capture.uninstall();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].kind, ErrorKind::UnhandledRejection);
    assert_eq!(got[0].message, "TypeError: fetch failed");
    assert!(got[0].stack.is_some());
    assert!(
        got[1].message.starts_with("Unhandled rejection: "),
        "{}",
        got[1].message
    );
    assert!(got[1].message.contains("plain reason"));
}

#[wasm_bindgen_test]
fn uninstalling_removes_the_listeners() {
    let capture = ErrorCapture::install(50).unwrap();
    let probe = ErrorCapture::install(50).unwrap();
    capture.uninstall();
    raise("after uninstall", 1);
    assert_eq!(probe.entries().len(), 1, "the event did fire");
    probe.uninstall();
}

fn entry(message: &str, at: f64) -> ErrorEntry {
    ErrorEntry {
        kind: ErrorKind::Error,
        message: message.into(),
        source: Some("https://app.example.com/app.js".into()),
        line: Some(10),
        column: Some(4),
        stack: None,
        timestamp: at,
        count: 1,
    }
}

#[wasm_bindgen_test]
fn bursts_fold_only_within_the_window_and_the_buffer_is_bounded() {
    let mut b = ErrorBuffer::new(2);
    b.push(entry("boom", 0.0));
    b.push(entry("boom", 5_000.0));
    b.push(entry("boom", 9_000.0));
    assert_eq!(b.snapshot()[0].count, 3, "each repeat extends the burst");
    b.push(entry("boom", 30_000.0));
    assert_eq!(b.snapshot().len(), 2, "a repeat long after is a new entry");
    b.push(entry("third", 30_001.0));
    let got = b.snapshot();
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].timestamp, got[1].message.as_str()),
        (30_000.0, "third")
    );
}
