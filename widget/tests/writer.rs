//! The report as the widget writes it (the protocol's writer, numbers printed by the browser)
//! against serde's writing of the same report, which is what the relay reads: every number the
//! browser prints must read back as the same `f64`.

use bugcap_protocol::{MetadataValue, Report};
use serde_json::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn floats_printed_by_the_browser_read_back_as_the_same_numbers() {
    let mut report: Report =
        serde_json::from_str(include_str!("../../protocol/examples/minimal-report.json")).unwrap();
    let floats = [
        0.1,
        -2.5,
        1e21,
        1e-7,
        5e-324,
        1.7976931348623157e308,
        123456789.125,
        -0.0,
        3.0,
        0.30000000000000004,
    ];
    for (i, n) in floats.iter().enumerate() {
        report
            .metadata
            .insert(format!("n{i}"), MetadataValue::Number(*n));
    }
    report.page.device_pixel_ratio = 1.25;
    report.console[0].timestamp = 1795774530000.5;
    let text = bugcap_widget::json::report_text(&report);
    let back: Report = serde_json::from_str(&text).expect("the relay reads what the widget writes");
    assert_eq!(back, report, "{text}");
    let ours: Value = serde_json::from_str(&text).unwrap();
    let theirs = serde_json::to_value(&report).unwrap();
    assert_eq!(ours["page"], theirs["page"]);
    // What a host gets from `capture()` is the same document as an object.
    let object = bugcap_widget::json::report_object(&report).unwrap();
    let again: String = js_sys::JSON::stringify(&object).unwrap().into();
    let again: Report = serde_json::from_str(&again).unwrap();
    assert_eq!(again, report);
}
