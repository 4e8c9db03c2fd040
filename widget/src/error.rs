//! Widget errors, surfaced to the host as `Error` objects with a `code` (and `status` when the
//! relay answered), so hosts can branch on them.

use wasm_bindgen::JsValue;

#[derive(Debug, Clone, PartialEq)]
pub enum WidgetError {
    /// `init` was given unusable options.
    Options(String),
    /// `submit`, `identify` or `setMetadata` was called before `init` (or after `destroy`).
    NotInitialised,
    /// The submitted input is unusable (e.g. empty text).
    Input(String),
    /// The browser refused or failed the request (offline, CORS, DNS).
    Network(String),
    /// The relay answered with an error.
    Relay {
        status: u16,
        code: String,
        message: String,
    },
    /// Something in the browser environment is missing (no `window`, no `crypto`).
    Environment(String),
    /// The screenshot could not be rendered.
    Screenshot(String),
    /// The screenshot rendered as one flat colour: nothing worth sending.
    ScreenshotBlank,
}

impl WidgetError {
    pub fn code(&self) -> &str {
        match self {
            WidgetError::Options(_) => "invalid_options",
            WidgetError::NotInitialised => "not_initialised",
            WidgetError::Input(_) => "invalid_input",
            WidgetError::Network(_) => "network_error",
            WidgetError::Relay { code, .. } => code,
            WidgetError::Environment(_) => "unsupported_environment",
            WidgetError::Screenshot(_) => "screenshot_failed",
            WidgetError::ScreenshotBlank => "screenshot_blank",
        }
    }

    pub fn message(&self) -> String {
        match self {
            WidgetError::Options(m) => format!("bugcap: invalid init options: {m}"),
            WidgetError::NotInitialised => "bugcap: call init({ key, relay }) first".into(),
            WidgetError::Input(m) => format!("bugcap: {m}"),
            WidgetError::Network(m) => format!("bugcap: the relay could not be reached: {m}"),
            WidgetError::Relay {
                status, message, ..
            } => format!("bugcap: the relay refused the report ({status}): {message}"),
            WidgetError::Environment(m) => format!("bugcap: {m}"),
            WidgetError::Screenshot(m) => format!("bugcap: no screenshot: {m}"),
            WidgetError::ScreenshotBlank => {
                "bugcap: the screenshot came out blank; attach an image instead".into()
            }
        }
    }

    /// An `Error` carrying `code` and, for relay answers, `status`.
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message());
        let _ = js_sys::Reflect::set(&error, &"code".into(), &self.code().into());
        if let WidgetError::Relay { status, .. } = &self {
            let _ = js_sys::Reflect::set(&error, &"status".into(), &JsValue::from(*status));
        }
        error.into()
    }
}

/// The message of a thrown JS value: an `Error`'s `message`, or a thrown string.
pub fn js_message(e: &JsValue) -> Option<String> {
    use wasm_bindgen::JsCast;
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
}
