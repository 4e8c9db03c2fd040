//! Typed fields of the plain JS objects a host passes (`init` options, `submit` input, the
//! redaction config), each with the message a host sees when it has the wrong type.

use wasm_bindgen::{JsCast, JsValue};

use crate::error::WidgetError;
pub use crate::object::get as field;

/// A field of the wrong type, with its message (`` `text` must be a string ``). `?` makes it
/// an `init` option error; other callers say what it was part of.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError(pub String);

impl From<FieldError> for WidgetError {
    fn from(e: FieldError) -> WidgetError {
        WidgetError::Options(e.0)
    }
}

/// A string option; `None` when absent.
pub fn string_field(value: &JsValue, name: &str) -> Result<Option<String>, FieldError> {
    let v = field(value, name);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| FieldError(format!("`{name}` must be a string")))
}

/// A callback option; `None` when absent.
pub fn function_field(value: &JsValue, name: &str) -> Result<Option<js_sys::Function>, FieldError> {
    let v = field(value, name);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<js_sys::Function>()
        .map(Some)
        .map_err(|_| FieldError(format!("`{name}` must be a function")))
}

/// A boolean option, `default` when absent.
pub fn bool_field(value: &JsValue, name: &str, default: bool) -> Result<bool, FieldError> {
    let v = field(value, name);
    if v.is_undefined() {
        return Ok(default);
    }
    v.as_bool()
        .ok_or_else(|| FieldError(format!("`{name}` must be true or false")))
}

/// A whole-number option, `default` when absent.
pub fn count_field(value: &JsValue, name: &str, default: usize) -> Result<usize, FieldError> {
    let v = field(value, name);
    if v.is_undefined() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => Ok(n as usize),
        _ => Err(FieldError(format!("`{name}` must be a whole number"))),
    }
}

/// A list-of-strings option; `None` when absent.
pub fn string_list_field(value: &JsValue, name: &str) -> Result<Option<Vec<String>>, FieldError> {
    let v = field(value, name);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let bad = || FieldError(format!("`{name}` must be an array of strings"));
    if !js_sys::Array::is_array(&v) {
        return Err(bad());
    }
    crate::object::Items::of(v)
        .map(|item| item.as_string().ok_or_else(bad))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
