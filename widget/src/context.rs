//! What the host app tells the widget about the session: who the user is (`identify`) and
//! free-form key/values (`setMetadata`). Both are checked here against the schema's limits, so
//! a bad call fails at the call site with a clear error instead of making the relay refuse the
//! report later.

use bugcap_protocol::map::Map;

use bugcap_protocol::{Identity, Limits, MetadataValue};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::WidgetError;

/// Longest identity field and metadata key.
const MAX_NAME_CHARS: usize = 200;

/// `identify(user)`: `null`/`undefined` forgets the user.
pub fn parse_identity(value: JsValue) -> Result<Option<Identity>, WidgetError> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    if !value.is_object() {
        return Err(WidgetError::Input(
            "identify expects {id, email, name} or null".into(),
        ));
    }
    if let Some(key) = crate::config::unknown_key(&value, &["id", "email", "name"]) {
        return Err(WidgetError::Input(format!(
            "identify: unknown field `{key}`; expected id, email or name"
        )));
    }
    let field = |name: &str| -> Result<Option<String>, WidgetError> {
        let v = crate::object::get(&value, name);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        let s = v
            .as_string()
            .ok_or_else(|| WidgetError::Input(format!("identify: `{name}` must be a string")))?;
        if s.chars().count() > MAX_NAME_CHARS {
            return Err(WidgetError::Input(format!(
                "identify: `{name}` is longer than {MAX_NAME_CHARS} characters"
            )));
        }
        Ok(Some(s))
    };
    let identity = Identity {
        id: field("id")?.filter(|s| !s.is_empty()),
        email: field("email")?.filter(|s| !s.is_empty()),
        name: field("name")?.filter(|s| !s.is_empty()),
    };
    Ok((identity != Identity::default()).then_some(identity))
}

/// `setMetadata(values)`: merges into `into`; a `null` value removes its key.
pub fn merge_metadata(into: &mut Map<MetadataValue>, value: JsValue) -> Result<(), WidgetError> {
    // Read by hand rather than through serde: an untagged enum's deserializer is heavy, and this
    // runs in the module every page loads.
    let object = value
        .dyn_ref::<js_sys::Object>()
        .filter(|_| !js_sys::Array::is_array(&value))
        .ok_or_else(|| {
            WidgetError::Input(
                "setMetadata expects an object of strings, numbers, booleans or null".into(),
            )
        })?;
    let limits = Limits::default();
    let mut next = into.clone();
    for pair in crate::object::Items::of(js_sys::Object::entries(object).into()) {
        let pair: js_sys::Array = pair.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        if key.is_empty() || key.chars().count() > MAX_NAME_CHARS {
            return Err(WidgetError::Input(format!(
                "setMetadata: keys must be 1-{MAX_NAME_CHARS} characters"
            )));
        }
        let parsed = if value.is_null() || value.is_undefined() {
            next.remove(&key);
            continue;
        } else if let Some(b) = value.as_bool() {
            MetadataValue::Bool(b)
        } else if let Some(n) = value.as_f64().filter(|n| n.is_finite()) {
            MetadataValue::Number(n)
        } else if let Some(s) = value
            .as_string()
            .filter(|s| s.len() <= limits.max_string_bytes)
        {
            MetadataValue::String(s)
        } else {
            return Err(bad_value(&key));
        };
        next.insert(key, parsed);
    }
    if next.len() > limits.max_metadata_entries {
        return Err(WidgetError::Input(format!(
            "setMetadata: at most {} keys",
            limits.max_metadata_entries
        )));
    }
    *into = next;
    Ok(())
}

fn bad_value(key: &str) -> WidgetError {
    WidgetError::Input(format!(
        "setMetadata: `{key}` must be a string (up to 64 KiB), a finite number, a boolean or null"
    ))
}
