//! What the reporter reads by hand from JS objects (to keep serde's readers out of the bundle)
//! against serde's reading of the same document: the redaction config is one document for the
//! widget and the relay, so the two readers must accept and refuse alike.

use bugcap_protocol::Severity;
use bugcap_protocol::redact::RedactionConfig;
use bugcap_widget::config::SubmitInput;
use bugcap_widget::config::redaction;
use wasm_bindgen_test::*;

mod support;
use support::js;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_redaction_config_reads_as_serde_reads_it() {
    let accepted = [
        r#"{}"#,
        r#"{"emails": true, "ip_addresses": true}"#,
        r#"{"ipAddresses": true, "extraKeys": ["tenant_pin"]}"#,
        r#"{"extra_keys": ["a", "b"], "extra_patterns": [{"name": "ticket", "pattern": "T-\\d+"}]}"#,
        r#"{"extraPatterns": [{"name": "emp", "pattern": "EMP-\\d{6}"}]}"#,
        r#"{"headers": {"mode": "deny"}}"#,
        r#"{"headers": {"mode": "deny", "extra": ["x-tenant"]}}"#,
        r#"{"headers": {"mode": "allow", "names": ["accept", "content-type"]}}"#,
    ];
    for doc in accepted {
        let serde: RedactionConfig = serde_json::from_str(doc).unwrap();
        let ours = redaction::read(&js_sys::JSON::parse(doc).unwrap()).unwrap();
        assert_eq!(ours, serde, "{doc}");
    }
    let refused = [
        (r#"{"email": true}"#, "unknown field `email`"),
        (r#"{"emails": "yes"}"#, "`emails` must be true or false"),
        (
            r#"{"ip_addresses": true, "ipAddresses": true}"#,
            "one field",
        ),
        (r#"{"extraKeys": "a"}"#, "array of strings"),
        (r#"{"extraPatterns": [{"name": "x"}]}"#, "needs a `pattern`"),
        (
            r#"{"extraPatterns": [{"name": "x", "pattern": "y", "flags": "i"}]}"#,
            "unknown field `flags`",
        ),
        (r#"{"extraPatterns": {"name": "x"}}"#, "must be an array"),
        (r#"{"headers": {"mode": "drop"}}"#, "\"deny\" or \"allow\""),
        (r#"{"headers": {"mode": "allow"}}"#, "needs `names`"),
        (
            r#"{"headers": {"mode": "deny", "names": ["a"]}}"#,
            "belongs to mode \"allow\"",
        ),
        (
            r#"{"headers": {"mode": "allow", "names": [], "extra": []}}"#,
            "belongs to mode \"deny\"",
        ),
        (
            r#"{"headers": {"mode": "deny", "keep": []}}"#,
            "unknown field `keep`",
        ),
    ];
    for (doc, why) in refused {
        assert!(
            serde_json::from_str::<RedactionConfig>(doc).is_err(),
            "serde took {doc}"
        );
        let ours = redaction::read(&js_sys::JSON::parse(doc).unwrap()).unwrap_err();
        assert!(ours.0.contains(why), "{doc}: {}", ours.0);
    }
    // serde reads a struct from an array of its fields (so `[]` is the default config); a host
    // passing an array has made a mistake, and is told.
    let ours = redaction::read(&js("[]")).unwrap_err();
    assert!(ours.0.contains("must be an object"), "{}", ours.0);
}

#[wasm_bindgen_test]
fn submit_input_is_read_with_clear_errors() {
    let input = SubmitInput::read(
        &js(r#"{ text: "it broke", severity: "high", category: "Bug", email: "a@b.test", screenshot: true }"#),
        "submit",
    )
    .unwrap();
    assert_eq!(input.text, "it broke");
    assert_eq!(input.severity, Some(Severity::High));
    assert_eq!(input.category.as_deref(), Some("Bug"));
    assert_eq!(input.email.as_deref(), Some("a@b.test"));
    assert!(input.screenshot);
    let empty = SubmitInput::read(&js("{}"), "capture").unwrap();
    assert_eq!(
        (empty.text.as_str(), empty.severity, empty.screenshot),
        ("", None, false)
    );

    let message = |text: &str| {
        SubmitInput::read(&js(text), "submit")
            .unwrap_err()
            .message()
    };
    assert!(
        message(r#"{ text: "x", severity: "urgent" }"#).contains("`severity` must be one of low")
    );
    assert!(message(r#"{ text: "x", screenshots: true }"#).contains("unknown field `screenshots`"));
    assert!(message(r#"{ text: 42 }"#).contains("invalid submit input: `text` must be a string"));
    assert!(
        message(r#"{ text: "x", screenshot: "yes" }"#)
            .contains("`screenshot` must be true or false")
    );
    assert!(message(r#""just text""#).contains("pass an object"));
}
