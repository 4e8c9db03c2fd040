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

#[wasm_bindgen_test]
fn ui_options_have_defaults_and_clear_errors() {
    use bugcap_widget::config::{ImageFormat, Position, ScreenshotMode, Theme};
    let base = format!(r#"key: "{KEY}", relay: "https://bugs.example.com""#);
    let o = Options::from_js(js(&format!("{{ {base} }}"))).unwrap();
    assert_eq!(o.ui.launcher, Some(Position::BottomRight));
    assert_eq!(o.ui.theme, Theme::Auto);
    assert_eq!(o.ui.screenshot, ScreenshotMode::Dom);
    assert_eq!(o.ui.screenshot_format, ImageFormat::Webp);
    assert!(o.ui.ask_email && o.ui.shortcut.is_none());
    let o = Options::from_js(js(&format!(
        r#"{{ {base}, launcher: false, theme: "dark", screenshot: false, shortcut: "alt+shift+r",
             strings: {{ send: "Abschicken" }}, categories: ["Bug"], onOpen: () => 1 }}"#
    )))
    .unwrap();
    assert_eq!(o.ui.launcher, None);
    assert_eq!(o.ui.theme, Theme::Dark);
    assert_eq!(o.ui.screenshot, ScreenshotMode::Off);
    let display = Options::from_js(js(&format!(r#"{{ {base}, screenshot: "display" }}"#))).unwrap();
    assert_eq!(display.ui.screenshot, ScreenshotMode::Display);
    let png = Options::from_js(js(&format!(r#"{{ {base}, screenshotFormat: "png" }}"#))).unwrap();
    assert_eq!(png.ui.screenshot_format, ImageFormat::Png);
    assert_eq!(o.ui.shortcut.unwrap().code, "KeyR");
    assert_eq!(
        o.ui.strings,
        vec![("send".to_owned(), "Abschicken".to_owned())]
    );
    assert!(o.ui.hooks.on_open.is_some());

    for (option, expected) in [
        (
            r#"launcher: { position: "middle" }"#,
            "`launcher.position` must be",
        ),
        (
            r#"launcher: { size: 3 }"#,
            "unknown `launcher` option `size`",
        ),
        (r#"theme: "blue""#, "`theme` must be auto, light or dark"),
        (
            r#"strings: { sned: "x" }"#,
            "`strings.sned` is not one of the dialog's strings",
        ),
        (
            r#"shortcut: "b""#,
            "`shortcut` must be modifiers and one key",
        ),
        (
            r#"screenshot: "pixels""#,
            "`screenshot` must be true, false, \"dom\" or \"display\"",
        ),
        (r#"maxScreenshotDimension: 100"#, "between 320 and 8192"),
        (
            r#"screenshotFormat: "jpeg""#,
            "`screenshotFormat` must be webp or png, not `jpeg`",
        ),
        (r#"beforeSend: "yes""#, "`beforeSend` must be a function"),
    ] {
        let got = message(&format!("{{ {base}, {option} }}"));
        assert!(got.contains(expected), "{option}: {got}");
    }
}

/// The reporter reads the options from what the capture module wrote after checking them
/// (`config::checked`): every option, set away from its default, must come back as read.
#[wasm_bindgen_test]
fn the_reporter_reads_back_every_checked_option() {
    let sets = [
        format!(r#"{{ key: "{KEY}", relay: "https://bugs.example.com" }}"#),
        format!(
            r#"{{ key: "{KEY}", relay: "http://127.0.0.1:9/base/", consoleLimit: 7, errorLimit: 9,
               networkLimit: 11, networkBodyLimit: 0, networkDetailAllowUrls: [],
               redaction: {{ emails: false, extraKeys: ["session_id"] }},
               domSnapshot: false, maskInputs: false, blockSelector: ".secret, #card",
               maskSelector: "[title='a\"b']", launcher: {{ position: "top-left", label: "Bug?" }},
               theme: "dark", locale: "ja", strings: {{ title: "Dis \"nous\"\n", send: "Go" }},
               shortcut: "ctrl+alt+shift+meta+f2", categories: ["UI", "Zahlung ü"],
               askEmail: false, screenshot: "display", maxScreenshotDimension: 320,
               screenshotFormat: "png", onOpen() {{}}, beforeSend: (r) => r }}"#
        ),
        format!(
            r#"{{ key: "{KEY}", relay: "https://b.example", launcher: false, theme: "light",
               screenshot: false, shortcut: "alt+b", networkDetailAllowUrls: ["https://a/", "https://b/"],
               maxScreenshotDimension: 8192, onClose() {{}}, onSubmitSuccess() {{}},
               onSubmitError() {{}} }}"#
        ),
    ];
    for set in sets {
        let given = js(&set);
        let options = Options::from_js(given.clone())
            .unwrap_or_else(|e| panic!("{set}: {:?}", bugcap_widget::error::js_message(&e)));
        let text = bugcap_widget::config::checked::write(&options);
        let read = Options::from_checked(&text, &given).unwrap();
        assert_eq!(format!("{read:?}"), format!("{options:?}"), "{set}");
    }
    let refused = Options::from_checked("not json", &js("{}")).unwrap_err();
    assert_eq!(
        js_sys::Reflect::get(&refused, &"code".into()).unwrap(),
        "invalid_options"
    );
}
