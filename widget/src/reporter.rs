//! The reporter's entry points: builds a report from what the capture module collected and the
//! user's input, redacts it, and sends it; takes screenshots; opens the dialog. Loaded on first
//! use, so pages pay for the redaction engine and the UI only when someone files a report.

use wasm_bindgen::prelude::*;

use bugcap_protocol::redact::{RedactionConfig, Redactor};

use crate::captured::Captured;
use crate::config::{Options, SubmitInput};
use crate::error::WidgetError;
use crate::report::{self, Built, Extras, File};
use crate::screenshot::{self, encode::Encoded};
use crate::send::{self, Outcome};

/// Builds, redacts and sends a report (with a screenshot when `input.screenshot`), then uploads
/// what it declared. `checked` and `options` are the `init` options, as the capture module
/// checked them and as the host gave them (see [`crate::config::checked`]); `captured` is what the capture module's
/// `captured()` returned. Resolves to `{id, status}`, where status is `received`, `queued`
/// (offline: kept and sent later) or `dropped` (by `beforeSend`); rejects with an `Error`
/// whose `code` is the relay's error code.
#[wasm_bindgen]
pub async fn submit(
    checked: String,
    options: JsValue,
    input: JsValue,
    captured: JsValue,
) -> Result<JsValue, JsValue> {
    let options = Options::from_checked(&checked, &options)?;
    let input = SubmitInput::from_js(input)?;
    let captured = read_captured(captured)?;
    let redactor = redactor(&options.redaction)?;
    let (built, _) = build_for(&options, &redactor, &input, captured)
        .await
        .map_err(WidgetError::into_js)?;
    let result = send_built(&options, &redactor, built, &mut |_| {}).await;
    finish(&options, result)
}

/// The report for `input`, with a screenshot (also returned as its Blob) when it asks for one:
/// what `submit` sends and `capture` shows.
async fn build_for(
    options: &Options,
    redactor: &Redactor,
    input: &SubmitInput,
    captured: Captured,
) -> Result<(Built, Option<web_sys::Blob>), WidgetError> {
    let mut extras = Extras::default();
    let mut blob = None;
    if input.screenshot {
        let shot = take_screenshot(options).await?;
        blob = Some(shot.blob.clone());
        extras.files.push(screenshot_file(shot));
    }
    let built = report::build(options, redactor, input, captured, extras).await?;
    Ok((built, blob))
}

/// Runs `beforeSend` and delivers; the `{id, status}` answer.
pub async fn send_built(
    options: &Options,
    redactor: &Redactor,
    built: Built,
    progress: &mut dyn FnMut(send::Step),
) -> Result<Outcome, WidgetError> {
    let Some(ready) = send::before_send(options, redactor, built).await? else {
        return Ok(Outcome::Dropped);
    };
    send::deliver(options, ready, progress).await
}

/// The `{id, status}` answer for `outcome`, with the host's success or error hook called.
pub fn finish(
    options: &Options,
    outcome: Result<Outcome, WidgetError>,
) -> Result<JsValue, JsValue> {
    let hooks = &options.ui.hooks;
    match outcome {
        Ok(outcome) => {
            let (id, status) = match outcome {
                Outcome::Sent(accepted) => (JsValue::from(accepted.id), accepted.status),
                Outcome::Queued { id } => (JsValue::from(id), "queued".to_owned()),
                Outcome::Dropped => (JsValue::NULL, "dropped".to_owned()),
            };
            let answer = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&answer, &"id".into(), &id);
            let _ = js_sys::Reflect::set(&answer, &"status".into(), &status.into());
            if let Some(hook) = &hooks.on_submit_success {
                let _ = hook.call1(&JsValue::NULL, &answer);
            }
            Ok(answer.into())
        }
        Err(e) => {
            let error = e.into_js();
            if let Some(hook) = &hooks.on_submit_error {
                let _ = hook.call1(&JsValue::NULL, &error);
            }
            Err(error)
        }
    }
}

/// The report exactly as `submit` would send it (redacted, `beforeSend` not applied), with
/// the screenshot as a `Blob` when `input.screenshot`. Nothing is sent: for custom UIs, tests
/// and previews. Resolves to `{report, screenshot}`.
#[wasm_bindgen]
pub async fn capture(
    checked: String,
    options: JsValue,
    input: JsValue,
    captured: JsValue,
) -> Result<JsValue, JsValue> {
    let options = Options::from_checked(&checked, &options)?;
    let input: SubmitInput = if input.is_undefined() || input.is_null() {
        SubmitInput::default()
    } else {
        SubmitInput::read(&input, "capture").map_err(WidgetError::into_js)?
    };
    let captured = read_captured(captured)?;
    let redactor = redactor(&options.redaction)?;
    let (built, blob) = build_for(&options, &redactor, &input, captured)
        .await
        .map_err(WidgetError::into_js)?;
    let report = report::to_js(&built.report).map_err(WidgetError::into_js)?;
    let answer = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&answer, &"report".into(), &report);
    let blob = blob.map_or(JsValue::NULL, JsValue::from);
    let _ = js_sys::Reflect::set(&answer, &"screenshot".into(), &blob);
    Ok(answer.into())
}

/// Sends the reports this page queued while offline. Resolves to the ids delivered.
#[wasm_bindgen]
pub async fn flush(checked: String, options: JsValue) -> Result<js_sys::Array, JsValue> {
    let options = Options::from_checked(&checked, &options)?;
    let delivered = send::flush(&options).await.map_err(WidgetError::into_js)?;
    Ok(crate::object::strings(&delivered))
}

/// The screenshot alone, masked and encoded exactly as a report would upload it: a `Blob`.
/// For custom UIs that show or attach it themselves; nothing is sent.
#[wasm_bindgen]
pub async fn screenshot(checked: String, options: JsValue) -> Result<web_sys::Blob, JsValue> {
    let options = Options::from_checked(&checked, &options)?;
    let shot = take_screenshot(&options)
        .await
        .map_err(WidgetError::into_js)?;
    Ok(shot.blob)
}

/// A screenshot of the viewport with the masks of `options`, encoded for upload.
pub async fn take_screenshot(options: &Options) -> Result<Encoded, WidgetError> {
    let canvas = screenshot::capture(options.ui.screenshot, &options.masking()).await?;
    let ui = &options.ui;
    screenshot::encode::encode(&canvas, ui.max_screenshot_dimension, ui.screenshot_format).await
}

/// The attachment for an encoded screenshot.
pub fn screenshot_file(shot: Encoded) -> File {
    File {
        name: shot.file_name("screenshot"),
        content_type: shot.content_type,
        bytes: shot.bytes,
    }
}

pub fn read_captured(captured: JsValue) -> Result<Captured, JsValue> {
    let mut captured = crate::captured::read::captured(&captured)
        .map_err(|e| WidgetError::Environment(format!("captured data: {e}")).into_js())?;
    captured.network = crate::captured::bound_network(captured.network);
    Ok(captured)
}

/// The masked DOM snapshot of this page as JSON text in rrweb's serialized-node format, with
/// the masking and redaction of `options` (the `init` options). What a report would carry.
#[wasm_bindgen]
pub fn snapshot(checked: &str, options: JsValue) -> Result<String, JsValue> {
    let options = Options::from_checked(checked, &options)?;
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
        crate::config::redaction::read(&config).map_err(|e| WidgetError::Options(e.0).into_js())?
    };
    redactor(&config)
}

/// The redaction engine for `config`; a pattern that does not compile is `invalid_options`.
pub fn redactor(config: &RedactionConfig) -> Result<Redactor, JsValue> {
    Redactor::new(config).map_err(|e| WidgetError::Options(e.to_string()).into_js())
}
