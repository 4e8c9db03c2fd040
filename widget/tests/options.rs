//! `init` options, read by hand in the capture module: defaults, and a clear error for every
//! wrong shape (not a silent fallback).

use bugcap_widget::config::Options;
use wasm_bindgen_test::*;

mod support;
use support::js;

wasm_bindgen_test_configure!(run_in_browser);

const KEY: &str = "bc_pub_abcdefghijklmnopqrstuvwxyz012345";

fn message(options: &str) -> String {
    let err = Options::from_js(js(options)).unwrap_err();
    js_sys::Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
fn defaults_apply_and_given_values_are_kept() {
    let o = Options::from_js(js(&format!(
        r#"{{ key: "{KEY}", relay: "https://bugs.example.com" }}"#
    )))
    .unwrap();
    assert_eq!(
        (o.console_limit, o.error_limit, o.network_limit),
        (100, 50, 50)
    );
    assert_eq!(o.network_body_limit, 10 * 1024);
    assert_eq!(o.network_detail_allow_urls, None);
    let o = Options::from_js(js(&format!(
        r#"{{ key: "{KEY}", relay: "https://bugs.example.com", consoleLimit: 5, networkDetailAllowUrls: ["https://api.example.com/"] }}"#
    )))
    .unwrap();
    assert_eq!(o.console_limit, 5);
    assert_eq!(
        o.network_detail_allow_urls.as_deref(),
        Some(&["https://api.example.com/".to_owned()][..])
    );
}

#[wasm_bindgen_test]
fn wrong_shapes_are_named() {
    let relay = r#"relay: "https://bugs.example.com""#;
    assert!(message(&format!("{{ {relay} }}")).contains("`key` is required"));
    assert!(message(&format!(r#"{{ key: "{KEY}" }}"#)).contains("`relay` is required"));
    assert!(
        message(&format!(
            r#"{{ key: "{KEY}", {relay}, consoleLimit: "10" }}"#
        ))
        .contains("`consoleLimit` must be a whole number")
    );
    assert!(
        message(&format!(
            r#"{{ key: "{KEY}", {relay}, consoleLimit: 2.5 }}"#
        ))
        .contains("whole number")
    );
    assert!(
        message(&format!(
            r#"{{ key: "{KEY}", {relay}, networkDetailAllowUrls: "https://x/" }}"#
        ))
        .contains("array of strings")
    );
    assert!(
        message(&format!(r#"{{ key: "{KEY}", {relay}, consolelimit: 10 }}"#))
            .contains("unknown option `consolelimit`")
    );
    assert!(message(&format!(r#"{{ key: 42, {relay} }}"#)).contains("`key` must be a string"));
    assert!(message("null").contains("pass an object"));
    assert!(
        message(r#"{ key: "bc_adm_abcdefghijklmnopqrstuvwxyz012345", relay: "https://x" }"#)
            .contains("admin token")
    );
}
