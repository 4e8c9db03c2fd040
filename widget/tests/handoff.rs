//! The handoff between the two wasm modules: what the capture module's `captured()` writes is
//! what the reporter reads, field for field, optional ones included.

use bugcap_protocol::{ConsoleLevel, ErrorKind, MetadataValue};
use bugcap_widget::reporter::read_captured;
use bugcap_widget::session;
use wasm_bindgen_test::*;

mod support;
use support::js;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn what_capture_writes_the_reporter_reads() {
    session::init(js(
        r#"{ key: "bc_pub_0123456789abcdefghijklmnopqrstuv", relay: "https://bugs.example.com", launcher: false }"#,
    ))
    .unwrap();
    let console = js("console");
    let log = js_sys::Reflect::get(&console, &"warn".into()).unwrap();
    js_sys::Function::from(log)
        .call2(&console, &"low disk".into(), &js("{ free: 3 }"))
        .unwrap();
    // An uncaught error, as the page would dispatch it (the shared `js` helper: one more
    // snippet module makes the test page slower to load).
    js(r#"window.dispatchEvent(new ErrorEvent("error", {
        message: "Uncaught TypeError: boom", filename: "https://app.example.com/app.js",
        lineno: 12, colno: 7, error: new TypeError("boom"),
    }))"#);
    session::identify(js(r#"{ id: "u_1", email: "ana@example.com" }"#)).unwrap();
    session::set_metadata(js(r#"{ plan: "pro", build: 4812, beta: true }"#)).unwrap();

    let captured = read_captured(session::captured().unwrap()).unwrap();
    session::destroy();

    let warn = captured
        .console
        .iter()
        .find(|e| e.message.contains("low disk"))
        .expect("the console call");
    assert_eq!(warn.level, ConsoleLevel::Warn);
    assert_eq!(warn.args.len(), 2);
    assert!(warn.timestamp > 0.0);
    let error = captured
        .errors
        .iter()
        .find(|e| e.message.contains("boom"))
        .expect("the error");
    assert_eq!(error.kind, ErrorKind::Error);
    assert_eq!(
        error.source.as_deref(),
        Some("https://app.example.com/app.js")
    );
    assert_eq!(
        (error.line, error.column, error.count),
        (Some(12), Some(7), 1)
    );
    let identity = captured.identity.expect("identity");
    assert_eq!(identity.id.as_deref(), Some("u_1"));
    assert_eq!(identity.email.as_deref(), Some("ana@example.com"));
    assert_eq!(identity.name, None);
    assert_eq!(
        captured.metadata["plan"],
        MetadataValue::String("pro".into())
    );
    assert_eq!(captured.metadata["build"], MetadataValue::Number(4812.0));
    assert_eq!(captured.metadata["beta"], MetadataValue::Bool(true));
}

/// The network entries are built by hooks among the page's scripts: one of an odd shape loses a
/// field or is left out, and the report is still filed.
#[wasm_bindgen_test]
fn odd_entries_are_read_leniently_not_fatally() {
    let captured = read_captured(js(r#"({
        console: [{ level: "warn", message: "kept", timestamp: 5 }, { level: "shout", message: "x", timestamp: 1 }, 7],
        errors: "not a list",
        network: [
            { kind: "fetch", method: "GET", url: "https://api.test/a", start_time: 2, status: "200",
              request_headers: { accept: "*/*", "x-n": 3 }, response_body: { text: "ok", size: -1 } },
            { kind: "fetch", method: "GET", start_time: 1 },
            { kind: "xhr", method: "POST", url: "https://api.test/b", start_time: 1, status: 404, aborted: "yes" },
        ],
        metadata: { plan: "pro", nested: { a: 1 }, n: NaN },
    })"#))
    .unwrap();
    assert_eq!(captured.console.len(), 1);
    assert_eq!(captured.console[0].message, "kept");
    assert!(captured.errors.is_empty());
    // Oldest first; the entry without a URL is left out.
    let urls: Vec<&str> = captured.network.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls, ["https://api.test/b", "https://api.test/a"]);
    let (b, a) = (&captured.network[0], &captured.network[1]);
    assert_eq!((b.status, b.aborted), (Some(404), false));
    assert_eq!(a.status, None);
    assert_eq!(a.request_headers.len(), 1);
    let body = a.response_body.as_ref().expect("the body");
    assert_eq!((body.text.as_deref(), body.size), (Some("ok"), None));
    assert_eq!(captured.metadata.len(), 1);
    assert!(read_captured(js("42")).is_err());
}
