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
