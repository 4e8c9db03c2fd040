//! The bugcap widget: captures context from the moment `init` runs and files a report when the
//! user sends one. Nothing leaves the page before `submit`.

pub mod capture;
pub mod config;
pub mod context;
pub mod error;
pub mod report;
pub mod transport;

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use bugcap_protocol::redact::Redactor;

use crate::capture::console::ConsoleCapture;
use crate::capture::errors::ErrorCapture;
use crate::capture::network::NetworkCapture;
use crate::config::{Options, SubmitInput};
use crate::error::WidgetError;

/// The widget's version, sent in every report's `client` field.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

struct Widget {
    options: Options,
    console: ConsoleCapture,
    errors: ErrorCapture,
    network: NetworkCapture,
    redactor: Redactor,
    identity: Option<bugcap_protocol::Identity>,
    metadata: std::collections::BTreeMap<String, bugcap_protocol::MetadataValue>,
}

thread_local! {
    static WIDGET: RefCell<Option<Widget>> = const { RefCell::new(None) };
}

/// Starts capture. Calling it again replaces the previous configuration (and restarts capture),
/// so hot-reloading hosts do not stack wrappers.
#[wasm_bindgen]
pub fn init(options: JsValue) -> Result<(), JsValue> {
    let options = Options::from_js(options)?;
    let redactor = Redactor::new(&options.redaction)
        .map_err(|e| WidgetError::Options(e.to_string()).into_js())?;
    destroy();
    let console = ConsoleCapture::install(options.console_limit).map_err(WidgetError::into_js)?;
    let errors = match ErrorCapture::install(options.error_limit) {
        Ok(errors) => errors,
        Err(e) => {
            console.uninstall();
            return Err(e.into_js());
        }
    };
    let network = match NetworkCapture::install(&options.network()) {
        Ok(network) => network,
        Err(e) => {
            console.uninstall();
            errors.uninstall();
            return Err(e.into_js());
        }
    };
    WIDGET.with(|w| {
        *w.borrow_mut() = Some(Widget {
            options,
            console,
            errors,
            network,
            redactor,
            identity: None,
            metadata: Default::default(),
        })
    });
    Ok(())
}

/// Builds a report from what has been captured and `input`, and sends it to the relay.
/// Resolves to `{id, status}`; rejects with an `Error` whose `code` is the relay's error code.
#[wasm_bindgen]
pub async fn submit(input: JsValue) -> Result<JsValue, JsValue> {
    let input = SubmitInput::from_js(input)?;
    let (options, report) = WIDGET
        .with(|w| {
            let w = w.borrow();
            let w = w.as_ref().ok_or(WidgetError::NotInitialised)?;
            let mut report = report::build(&input, w.console.entries(), w.errors.entries())?;
            report.network = w.network.entries();
            report.identity = w.identity.clone();
            report.metadata = w.metadata.clone();
            // Secrets leave the report here, before anything is sent.
            w.redactor.report(&mut report);
            Ok::<_, WidgetError>((w.options.clone(), report))
        })
        .map_err(WidgetError::into_js)?;
    let answer = transport::post_report(&options, &report)
        .await
        .map_err(WidgetError::into_js)?;
    serde_wasm_bindgen::to_value(&answer)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// Names the user reports come from (`{id, email, name}`); `null` forgets them. Sent only
/// with reports, never on its own.
#[wasm_bindgen]
pub fn identify(user: JsValue) -> Result<(), JsValue> {
    let identity = context::parse_identity(user).map_err(WidgetError::into_js)?;
    with_widget(|w| {
        w.identity = identity;
        Ok(())
    })
}

/// Adds key/values (strings, numbers, booleans) to every report from now on; `null` removes a
/// key. Merges with what was set before.
#[wasm_bindgen(js_name = setMetadata)]
pub fn set_metadata(values: JsValue) -> Result<(), JsValue> {
    with_widget(|w| context::merge_metadata(&mut w.metadata, values))
}

/// Runs `f` on the initialised widget.
fn with_widget<T>(f: impl FnOnce(&mut Widget) -> Result<T, WidgetError>) -> Result<T, JsValue> {
    WIDGET
        .with(|w| match w.borrow_mut().as_mut() {
            Some(widget) => f(widget),
            None => Err(WidgetError::NotInitialised),
        })
        .map_err(WidgetError::into_js)
}

/// Stops capture: restores every patched function. Safe to call when not initialised.
#[wasm_bindgen]
pub fn destroy() {
    if let Some(widget) = WIDGET.with(|w| w.borrow_mut().take()) {
        widget.console.uninstall();
        widget.errors.uninstall();
        widget.network.uninstall();
    }
}

/// Redacts `text` with the default rules, or with `config` (the `redaction` option's shape).
/// Lets a host check its rules in the browser: `redact("Bearer abc…")`.
#[wasm_bindgen]
pub fn redact(text: &str, config: JsValue) -> Result<String, JsValue> {
    let config = if config.is_undefined() || config.is_null() {
        Default::default()
    } else {
        serde_wasm_bindgen::from_value(config)
            .map_err(|e| WidgetError::Options(e.to_string()).into_js())?
    };
    let redactor =
        Redactor::new(&config).map_err(|e| WidgetError::Options(e.to_string()).into_js())?;
    Ok(redactor.text(text, &mut Default::default()).into_owned())
}

/// The widget's version string.
#[wasm_bindgen]
pub fn version() -> String {
    VERSION.to_owned()
}
