//! Console capture in a real browser: every level is recorded, the original still runs,
//! arguments are serialized within limits, and uninstalling restores the console.

use bugcap_protocol::ConsoleLevel;
use bugcap_widget::capture::console::ConsoleCapture;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function spyOn(name) {
  const calls = [];
  const spy = function (...args) { calls.push(args); };
  console[name] = spy;
  return { spy, calls };
}
export function current(name) { return console[name]; }
export function call(name, ...args) { return console[name](...args); }
export function logCyclic() { const a = { name: "a" }; a.self = a; console.log(a); }
export function logNested() { console.log({ a: { b: { c: { d: { e: { f: 1 } } } } } }); }
export function logMany() { const o = {}; for (let i = 0; i < 80; i++) o["k" + i] = i; console.log(o); }
export function logError() { console.error(new TypeError("boom")); }
export function logNode() { const d = document.createElement("div"); d.id = "main"; d.className = "a b"; console.log(d); }
export function logMapSet() { console.log(new Map([["k", 1]]), new Set([2])); }
export function logReentrant() {
  const o = { get x() { console.log("inner"); return 1; } };
  console.log("outer", o);
}
export function logThrowingGetter() {
  const o = { get x() { throw new Error("no"); } };
  console.log(o);
}
export function wrapAgain(name) {
  const prev = console[name];
  const mine = function (...args) { return prev.apply(this, args); };
  console[name] = mine;
  return mine;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = spyOn)]
    fn spy_on(name: &str) -> JsValue;
    fn current(name: &str) -> JsValue;
    #[wasm_bindgen(variadic)]
    fn call(name: &str, args: Box<[JsValue]>);
    #[wasm_bindgen(js_name = logCyclic)]
    fn log_cyclic();
    #[wasm_bindgen(js_name = logNested)]
    fn log_nested();
    #[wasm_bindgen(js_name = logMany)]
    fn log_many();
    #[wasm_bindgen(js_name = logError)]
    fn log_error();
    #[wasm_bindgen(js_name = logNode)]
    fn log_node();
    #[wasm_bindgen(js_name = logMapSet)]
    fn log_map_set();
    #[wasm_bindgen(js_name = logReentrant)]
    fn log_reentrant();
    #[wasm_bindgen(js_name = logThrowingGetter)]
    fn log_throwing_getter();
    #[wasm_bindgen(js_name = wrapAgain)]
    fn wrap_again(name: &str) -> JsValue;
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap()
}

/// Installs capture over spies, so each test can see the original was still called.
fn with_capture(limit: usize, f: impl FnOnce(&ConsoleCapture)) {
    let spies: Vec<(ConsoleLevel, JsValue)> = ConsoleLevel::ALL
        .into_iter()
        .map(|l| (l, spy_on(l.method())))
        .collect();
    let capture = ConsoleCapture::install(limit).unwrap();
    f(&capture);
    capture.uninstall();
    for (level, spy) in spies {
        assert!(
            js_sys::Object::is(&current(level.method()), &get(&spy, "spy")),
            "{} not restored",
            level.method()
        );
    }
}

#[wasm_bindgen_test]
fn every_level_is_recorded_and_still_reaches_the_original() {
    with_capture(100, |capture| {
        for level in ConsoleLevel::ALL {
            let args: Vec<JsValue> = if level == ConsoleLevel::Assert {
                vec![false.into(), "a failed check".into()]
            } else {
                vec![format!("via {}", level.method()).into(), 42.into()]
            };
            call(level.method(), args.into_boxed_slice());
        }
        let entries = capture.entries();
        let levels: Vec<ConsoleLevel> = entries.iter().map(|e| e.level).collect();
        assert_eq!(levels, ConsoleLevel::ALL.to_vec());
        assert_eq!(entries[0].message, "via log 42");
        assert_eq!(entries[0].args, vec!["via log".to_owned(), "42".to_owned()]);
        let assert_entry = entries
            .iter()
            .find(|e| e.level == ConsoleLevel::Assert)
            .unwrap();
        assert_eq!(assert_entry.message, "Assertion failed: a failed check");
        let trace = entries
            .iter()
            .find(|e| e.level == ConsoleLevel::Trace)
            .unwrap();
        assert!(trace.stack.is_some(), "trace keeps a stack");
        assert!(entries[0].timestamp > 1.6e12);
    });
}

#[wasm_bindgen_test]
fn original_methods_receive_the_same_arguments() {
    let before = spy_on("warn");
    let capture = ConsoleCapture::install(10).unwrap();
    call("warn", vec!["x".into(), 1.into()].into_boxed_slice());
    capture.uninstall();
    let calls: js_sys::Array = get(&before, "calls").into();
    assert_eq!(calls.length(), 1);
    let first: js_sys::Array = calls.get(0).into();
    assert_eq!(first.get(0).as_string().unwrap(), "x");
    assert_eq!(first.get(1).as_f64().unwrap(), 1.0);
}

#[wasm_bindgen_test]
fn passing_assertions_are_not_recorded() {
    with_capture(10, |capture| {
        call(
            "assert",
            vec![true.into(), "fine".into()].into_boxed_slice(),
        );
        assert!(capture.entries().is_empty());
    });
}

#[wasm_bindgen_test]
fn ring_buffer_keeps_the_last_n() {
    with_capture(3, |capture| {
        for i in 0..10 {
            call("log", vec![i.into()].into_boxed_slice());
        }
        let messages: Vec<String> = capture.entries().into_iter().map(|e| e.message).collect();
        assert_eq!(messages, ["7", "8", "9"]);
    });
}

#[wasm_bindgen_test]
fn cycles_depth_and_key_counts_are_bounded() {
    with_capture(10, |capture| {
        log_cyclic();
        log_nested();
        log_many();
        let e = capture.entries();
        assert_eq!(e[0].message, r#"{"name": "a", "self": [Circular]}"#);
        assert!(!e[0].truncated);
        assert_eq!(
            e[1].message,
            r#"{"a": {"b": {"c": {"d": {"e": [Object]}}}}}"#
        );
        assert!(e[1].truncated);
        assert!(e[2].message.ends_with(", … 30 more}"), "{}", e[2].message);
        assert!(e[2].truncated);
    });
}

#[wasm_bindgen_test]
fn errors_nodes_maps_and_sets_are_described() {
    with_capture(10, |capture| {
        log_error();
        log_node();
        log_map_set();
        let e = capture.entries();
        assert!(
            e[0].message.starts_with("TypeError: boom"),
            "{}",
            e[0].message
        );
        assert!(
            e[0].message.contains('\n'),
            "the stack is kept: {}",
            e[0].message
        );
        assert_eq!(e[1].message, "<div#main.a.b>");
        assert_eq!(e[2].message, r#"Map(1) {"k" => 1} Set(1) {2}"#);
    });
}

#[wasm_bindgen_test]
fn logging_from_inside_serialization_is_not_recorded_twice() {
    with_capture(10, |capture| {
        log_reentrant();
        let messages: Vec<String> = capture.entries().into_iter().map(|e| e.message).collect();
        assert_eq!(messages, [r#"outer {"x": 1}"#]);
    });
}

#[wasm_bindgen_test]
fn a_throwing_getter_does_not_break_capture() {
    with_capture(10, |capture| {
        log_throwing_getter();
        assert_eq!(capture.entries()[0].message, r#"{"x": [Unreadable]}"#);
    });
}

#[wasm_bindgen_test]
fn a_later_wrapper_is_not_clobbered_on_uninstall() {
    let _spy = spy_on("info");
    let capture = ConsoleCapture::install(10).unwrap();
    let theirs = wrap_again("info");
    capture.uninstall();
    assert!(js_sys::Object::is(&current("info"), &theirs));
    // Our recorder is gone, but the chain still reaches the original without throwing.
    call("info", vec!["still works".into()].into_boxed_slice());
}
