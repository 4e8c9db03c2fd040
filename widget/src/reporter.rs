//! The reporter: builds a report from what the capture module collected and the user's input,
//! redacts it, and sends it. Loaded on first use, so pages pay for the redaction engine only
//! when someone files a report.

use wasm_bindgen::prelude::*;

use bugcap_protocol::redact::{RedactionConfig, Redactor};

use crate::captured::Captured;
use crate::config::{Options, SubmitInput};
use crate::error::WidgetError;
use crate::{report, transport};

/// Builds, redacts and sends a report, then uploads what it declared (a large DOM snapshot).
/// `options` are the `init` options; `captured` is what the capture module's `captured()`
/// returned. Resolves to `{id, status}`; rejects with an `Error` whose `code` is the relay's
/// error code.
#[wasm_bindgen]
pub async fn submit(
    options: JsValue,
    input: JsValue,
    captured: JsValue,
) -> Result<JsValue, JsValue> {
    let options = Options::from_js(options)?;
    let input = SubmitInput::from_js(input)?;
    let mut captured: Captured = serde_wasm_bindgen::from_value(captured)
        .map_err(|e| WidgetError::Environment(format!("captured data: {e}")).into_js())?;
    captured.network = crate::captured::bound_network(captured.network);
    let redactor = redactor(&options.redaction)?;
    let built = report::build(&options, &redactor, &input, captured)
        .await
        .map_err(WidgetError::into_js)?;
    let mut answer = transport::post_report(&options, &built.report)
        .await
        .map_err(WidgetError::into_js)?;
    for upload in &built.uploads {
        transport::upload(&options, &answer.id, upload)
            .await
            .map_err(WidgetError::into_js)?;
    }
    if !built.uploads.is_empty() {
        // Every declared attachment is complete, which moves the report on from
        // `awaiting_media` on the relay.
        answer.status = "received".into();
    }
    serde_wasm_bindgen::to_value(&answer)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// The masked DOM snapshot of this page as JSON text in rrweb's serialized-node format, with
/// the masking and redaction of `options` (the `init` options). What a report would carry.
#[wasm_bindgen]
pub fn snapshot(options: JsValue) -> Result<String, JsValue> {
    let options = Options::from_js(options)?;
    let redactor = redactor(&options.redaction)?;
    crate::snapshot::take(&options.masking(), &redactor)
        .map(|s| s.json)
        .map_err(WidgetError::into_js)
}

/// Checks a redaction config as `init` would use it (custom patterns compile). Resolves
/// `undefined`, or rejects with `invalid_options`.
#[wasm_bindgen(js_name = checkRedaction)]
pub fn check_redaction(config: JsValue) -> Result<(), JsValue> {
    redactor_for(config).map(|_| ())
}

/// Redacts `text` with the default rules, or with `config` (the `redaction` option's shape).
/// Lets a host check its rules in the browser: `redact("Bearer abc…")`.
#[wasm_bindgen]
pub fn redact(text: &str, config: JsValue) -> Result<String, JsValue> {
    let redactor = redactor_for(config)?;
    Ok(redactor.text(text, &mut Default::default()).into_owned())
}

fn redactor_for(config: JsValue) -> Result<Redactor, JsValue> {
    let config = if config.is_undefined() || config.is_null() {
        Default::default()
    } else {
        serde_wasm_bindgen::from_value(config)
            .map_err(|e| WidgetError::Options(e.to_string()).into_js())?
    };
    redactor(&config)
}

/// The redaction engine for `config`; a pattern that does not compile is `invalid_options`.
fn redactor(config: &RedactionConfig) -> Result<Redactor, JsValue> {
    Redactor::new(config).map_err(|e| WidgetError::Options(e.to_string()).into_js())
}

/// A screenshot of the viewport as the report would carry it (masks applied, encoded), as a
/// `Blob`. `options` are the `init` options.
#[wasm_bindgen]
pub async fn screenshot(options: JsValue) -> Result<web_sys::Blob, JsValue> {
    let options = Options::from_js(options)?;
    let shot = crate::screenshot::take(&options.masking(), Default::default())
        .await
        .map_err(WidgetError::into_js)?;
    let encoded = crate::screenshot::encode::encode(&shot.canvas, 4096)
        .await
        .map_err(WidgetError::into_js)?;
    Ok(encoded.blob)
}
