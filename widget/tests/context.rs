//! `identify` and `setMetadata`: checked at the call, merged, and carried only in reports.

use bugcap_protocol::MetadataValue;
use bugcap_widget::context::{merge_metadata, parse_identity};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod support;
use support::js;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn identify_takes_known_fields_and_null_forgets() {
    let who = parse_identity(js(r#"{ id: "u_1", email: "ana@example.com", name: "" }"#))
        .unwrap()
        .unwrap();
    assert_eq!(who.id.as_deref(), Some("u_1"));
    assert_eq!(who.email.as_deref(), Some("ana@example.com"));
    assert_eq!(who.name, None, "empty strings are dropped");
    assert_eq!(parse_identity(JsValue::NULL).unwrap(), None);
    assert_eq!(parse_identity(js("{}")).unwrap(), None);
    let typo = parse_identity(js(r#"{ userId: "u_1" }"#)).unwrap_err();
    assert_eq!(typo.code(), "invalid_input");
    assert!(parse_identity(js(r#"{ name: "x".repeat(201) }"#)).is_err());
}

#[wasm_bindgen_test]
fn metadata_merges_removes_with_null_and_refuses_objects() {
    let mut m = Default::default();
    merge_metadata(&mut m, js(r#"{ plan: "pro", build: 4812, beta: true }"#)).unwrap();
    merge_metadata(&mut m, js(r#"{ beta: null, region: "eu" }"#)).unwrap();
    assert_eq!(m.len(), 3);
    assert_eq!(m["plan"], MetadataValue::String("pro".into()));
    assert_eq!(m["build"], MetadataValue::Number(4812.0));
    assert!(!m.contains_key("beta"));

    let before = m.clone();
    for bad in [
        r#"{ user: { id: 1 } }"#,
        r#"{ n: NaN }"#,
        r#"{ n: Infinity }"#,
        r#"{ "": 1 }"#,
        r#"[1, 2]"#,
    ] {
        let e = merge_metadata(&mut m, js(bad)).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{bad}");
        assert_eq!(m, before, "a refused call changes nothing: {bad}");
    }
    let many = js("Object.fromEntries(Array.from({ length: 101 }, (_, i) => ['k' + i, i]))");
    assert!(merge_metadata(&mut Default::default(), many).is_err());
}
