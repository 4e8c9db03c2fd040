//! Values crossing between JS and the reporter as JSON text: the browser's `JSON.stringify` and
//! `JSON.parse` on one side and serde_json, which the reporter needs anyway to send a report,
//! on the other. A second serde format for JS values would cost the bundle ~25 KB of gzip.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// Reads a plain JS value (an object of strings, numbers, booleans, arrays) as `T`. Functions and
/// `undefined` properties are left out, as `JSON.stringify` leaves them out, so an optional
/// field set to `undefined` reads as absent. The error is serde's message, without the line
/// and column of the intermediate text (which the caller never sees).
pub fn read<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "not a JSON value (a cycle, a BigInt, or undefined)".to_owned())?;
    serde_json::from_str(&text).map_err(|e| without_position(e.to_string()))
}

/// `value` as a plain JS object (maps as objects), for a host to read or edit.
pub fn write<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&text).map_err(|_| "the browser could not parse JSON".to_owned())
}

fn without_position(mut message: String) -> String {
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::without_position;

    #[test]
    fn drops_the_position_serde_json_appends() {
        assert_eq!(
            without_position("missing field `text` at line 1 column 2".into()),
            "missing field `text`"
        );
        assert_eq!(without_position("invalid type".into()), "invalid type");
    }
}
