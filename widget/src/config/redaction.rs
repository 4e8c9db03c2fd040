//! The `redaction` option, and the config `redact(text, config)` takes: the document the
//! relay's `[redaction]` table takes, read field by field from a JS object. serde's reader for
//! it cost the reporter more than this does; a browser test holds the two to the same answers.

use bugcap_protocol::redact::{CustomPattern, HeaderPolicy, RedactionConfig};
use wasm_bindgen::JsValue;

use super::fields::{FieldError, bool_field, field, string_field, string_list_field};
use super::unknown_key;

const FIELDS: [&str; 8] = [
    "emails",
    "ip_addresses",
    "ipAddresses",
    "extra_keys",
    "extraKeys",
    "extra_patterns",
    "extraPatterns",
    "headers",
];

pub fn read(value: &JsValue) -> Result<RedactionConfig, FieldError> {
    plain_object(value, "the redaction config")?;
    if let Some(key) = unknown_key(value, &FIELDS) {
        return Err(FieldError(format!(
            "unknown field `{key}`; expected one of {}",
            crate::text::list(&FIELDS)
        )));
    }
    Ok(RedactionConfig {
        emails: bool_field(value, "emails", false)?,
        ip_addresses: bool_field(
            value,
            spelling(value, "ip_addresses", "ipAddresses")?,
            false,
        )?,
        extra_keys: string_list_field(value, spelling(value, "extra_keys", "extraKeys")?)?
            .unwrap_or_default(),
        extra_patterns: patterns(value)?,
        headers: headers(value)?,
    })
}

/// Which of a field's two spellings `value` uses; giving both is a mistake worth naming.
fn spelling<'a>(value: &JsValue, snake: &'a str, camel: &'a str) -> Result<&'a str, FieldError> {
    match (present(value, snake), present(value, camel)) {
        (true, true) => Err(FieldError(format!(
            "`{snake}` and `{camel}` are one field: give one"
        ))),
        (false, true) => Ok(camel),
        _ => Ok(snake),
    }
}

fn present(value: &JsValue, key: &str) -> bool {
    !field(value, key).is_undefined()
}

fn plain_object(value: &JsValue, what: &str) -> Result<(), FieldError> {
    if value.is_object() && !js_sys::Array::is_array(value) {
        Ok(())
    } else {
        Err(FieldError(format!("{what} must be an object")))
    }
}

fn patterns(value: &JsValue) -> Result<Vec<CustomPattern>, FieldError> {
    let key = spelling(value, "extra_patterns", "extraPatterns")?;
    let list = field(value, key);
    if list.is_undefined() {
        return Ok(Vec::new());
    }
    if !js_sys::Array::is_array(&list) {
        return Err(FieldError(format!(
            "`{key}` must be an array of {{ name, pattern }}"
        )));
    }
    crate::object::Items::of(list)
        .map(|p| {
            plain_object(&p, &format!("each of `{key}`"))?;
            if let Some(extra) = unknown_key(&p, &["name", "pattern"]) {
                return Err(FieldError(format!(
                    "unknown field `{extra}` in `{key}`; expected name and pattern"
                )));
            }
            let required = |name: &str| {
                string_field(&p, name)?
                    .ok_or_else(|| FieldError(format!("each of `{key}` needs a `{name}`")))
            };
            Ok(CustomPattern {
                name: required("name")?,
                pattern: required("pattern")?,
            })
        })
        .collect()
}

fn headers(value: &JsValue) -> Result<HeaderPolicy, FieldError> {
    let headers = field(value, "headers");
    if headers.is_undefined() {
        return Ok(HeaderPolicy::default());
    }
    plain_object(&headers, "`headers`")?;
    if let Some(extra) = unknown_key(&headers, &["mode", "extra", "names"]) {
        return Err(FieldError(format!(
            "unknown field `{extra}` in `headers`; expected mode, extra and names"
        )));
    }
    let allow = match string_field(&headers, "mode")?.as_deref() {
        Some("deny") => false,
        Some("allow") => true,
        _ => {
            return Err(FieldError(
                "`headers.mode` must be \"deny\" or \"allow\"".into(),
            ));
        }
    };
    HeaderPolicy::from_parts(
        allow,
        string_list_field(&headers, "extra")?,
        string_list_field(&headers, "names")?,
    )
    .map_err(|e| FieldError(e.into()))
}
