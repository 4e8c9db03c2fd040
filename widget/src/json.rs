//! Values handed to the host as JS objects: serde_json writes the text, which the reporter
//! needs anyway to send a report, and the browser's `JSON.parse` makes the object. A second
//! serde format for JS values would cost the bundle ~25 KB of gzip. Nothing is read back
//! through serde: what comes from JS is read property by property ([`crate::object`]).

use serde::Serialize;
use wasm_bindgen::JsValue;

/// `value` as a plain JS object (maps as objects), for a host to read or edit.
pub fn write<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&text).map_err(|_| "the browser could not parse JSON".to_owned())
}
