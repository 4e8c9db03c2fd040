//! What the host app tells the widget about the session: who the user is (`identify`) and
//! free-form key/values (`setMetadata`). Both are checked here against the schema's limits, so
//! a bad call fails at the call site with a clear error instead of making the relay refuse the
//! report later.

use std::collections::BTreeMap;

use bugcap_protocol::{Identity, Limits, MetadataValue};
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::error::WidgetError;

/// Longest identity field and metadata key.
const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityInput {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// `identify(user)`: `null`/`undefined` forgets the user.
pub fn parse_identity(value: JsValue) -> Result<Option<Identity>, WidgetError> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    if let Some(key) = crate::config::unknown_key(&value, &["id", "email", "name"]) {
        return Err(WidgetError::Input(format!(
            "identify: unknown field `{key}`; expected id, email or name"
        )));
    }
    let input: IdentityInput = serde_wasm_bindgen::from_value(value)
        .map_err(|e| WidgetError::Input(format!("identify expects {{id, email, name}}: {e}")))?;
    for (field, v) in [
        ("id", &input.id),
        ("email", &input.email),
        ("name", &input.name),
    ] {
        if v.as_ref()
            .is_some_and(|s| s.chars().count() > MAX_NAME_CHARS)
        {
            return Err(WidgetError::Input(format!(
                "identify: `{field}` is longer than {MAX_NAME_CHARS} characters"
            )));
        }
    }
    let identity = Identity {
        id: input.id.filter(|s| !s.is_empty()),
        email: input.email.filter(|s| !s.is_empty()),
        name: input.name.filter(|s| !s.is_empty()),
    };
    Ok((identity != Identity::default()).then_some(identity))
}

/// `setMetadata(values)`: merges into `into`; a `null` value removes its key.
pub fn merge_metadata(
    into: &mut BTreeMap<String, MetadataValue>,
    value: JsValue,
) -> Result<(), WidgetError> {
    let input: BTreeMap<String, Option<MetadataValue>> = serde_wasm_bindgen::from_value(value)
        .map_err(|e| {
            WidgetError::Input(format!(
                "setMetadata expects an object of strings, numbers, booleans or null: {e}"
            ))
        })?;
    let limits = Limits::default();
    let mut next = into.clone();
    for (key, value) in input {
        if key.is_empty() || key.chars().count() > MAX_NAME_CHARS {
            return Err(WidgetError::Input(format!(
                "setMetadata: keys must be 1-{MAX_NAME_CHARS} characters"
            )));
        }
        match value {
            None => {
                next.remove(&key);
            }
            Some(MetadataValue::Number(f)) if !f.is_finite() => return Err(bad_value(&key)),
            Some(MetadataValue::String(s)) if s.len() > limits.max_string_bytes => {
                return Err(bad_value(&key));
            }
            Some(v) => {
                next.insert(key, v);
            }
        }
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
