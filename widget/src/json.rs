//! Reports as JSON text and as JS objects. The protocol's writer ([`bugcap_protocol::write`])
//! writes the text, with the browser printing the numbers, and `JSON.parse` makes the object a
//! host reads or edits. Nothing here goes through serde: its derived serializers for the
//! report's types were a large part of the reporter's wasm. What comes from JS is read property by
//! property ([`crate::object`]).

use bugcap_protocol::Report;
use wasm_bindgen::JsValue;

/// `report` as the JSON text the relay receives.
pub fn report_text(report: &Report) -> String {
    bugcap_protocol::write::report(report, js_float)
}

/// `report` as a plain JS object (maps as objects), for a host to read or edit.
pub fn report_object(report: &Report) -> Result<JsValue, String> {
    js_sys::JSON::parse(&report_text(report))
        .map_err(|_| "the browser could not parse JSON".to_owned())
}

/// `n` as JavaScript prints it: the shortest text that reads back as the same `f64` (the
/// writer gives finite numbers only, which print as valid JSON numbers).
fn js_float(n: f64, out: &mut String) {
    out.push_str(&crate::text::number(n));
}
