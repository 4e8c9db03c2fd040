//! `init` options and `submit` input, read from plain JS objects with clear errors.

pub mod checked;
pub mod fields;
#[cfg(feature = "reporter")]
pub mod redaction;

use bugcap_protocol::Severity;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::WidgetError;
use fields::{FieldError, bool_field, field, string_field};
#[cfg(feature = "capture")]
use fields::{count_field, function_field, string_list_field};

/// How many console entries are kept when the host does not say.
pub const DEFAULT_CONSOLE_LIMIT: usize = 100;
/// Errors kept when the host does not say.
pub const DEFAULT_ERROR_LIMIT: usize = 50;
/// Requests kept when the host does not say.
pub const DEFAULT_NETWORK_LIMIT: usize = 50;
/// Bytes of each text body kept when the host does not say.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024;
/// The most a host may ask for per body: under the schema's 64 KiB string limit, with room for
/// the truncation mark.
pub const MAX_BODY_LIMIT: usize = 60 * 1024;

/// The `init` options. Read by hand (see [`Options::from_js`]): the capture module, which every
/// page loads, carries no deserializer.
#[derive(Debug, Clone)]
pub struct Options {
    /// The public widget key, `bc_pub_…`.
    pub key: String,
    /// Base URL of the relay, e.g. `https://bugs.example.com`.
    pub relay: String,
    /// Console entries kept in the ring buffer (1–1000).
    pub console_limit: usize,
    /// Uncaught errors and rejections kept (1–the schema's limit); bursts count as one.
    pub error_limit: usize,
    /// Requests kept (1–500).
    pub network_limit: usize,
    /// Bytes kept of each text request and response body (0–61440).
    pub network_body_limit: usize,
    /// URL prefixes whose headers and text bodies are kept; default: the page's own origin.
    /// `[]` keeps only method, URL, status and timing for every request.
    pub network_detail_allow_urls: Option<Vec<String>>,
    /// Redaction beyond the defaults (emails, IPs, extra keys and patterns, header policy).
    /// Read by the reporter only; capture does not link the redaction engine.
    #[cfg(feature = "reporter")]
    pub redaction: bugcap_protocol::redact::RedactionConfig,
    /// Whether a masked DOM snapshot is part of the report (default `true`).
    pub dom_snapshot: bool,
    /// Input values masked in the DOM snapshot (default `true`); passwords are never read.
    pub mask_inputs: bool,
    /// Extra elements replaced by a same-size box, beside `data-bugcap-block`.
    pub block_selector: Option<String>,
    /// Extra elements whose text is masked, beside `data-bugcap-mask`.
    pub mask_selector: Option<String>,
    /// The launcher, dialog and screenshot settings, and the host's hooks.
    pub ui: Ui,
}

/// Where the launcher button sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    BottomRight,
    BottomLeft,
    TopRight,
    TopLeft,
}

impl Position {
    pub fn class(self) -> &'static str {
        match self {
            Position::BottomRight => "bottom-right",
            Position::BottomLeft => "bottom-left",
            Position::TopRight => "top-right",
            Position::TopLeft => "top-left",
        }
    }
}

/// Colour scheme of the launcher and dialog; `Auto` follows `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Auto,
    Light,
    Dark,
}

/// How the screenshot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenshotMode {
    /// Rendered from the DOM: no permission prompt (the default).
    Dom,
    /// The browser's capture of the tab (real pixels), with the masks painted over it; the
    /// browser asks the user each time. Rendered from the DOM where there is no screen capture.
    Display,
    /// No screenshot; the user may still attach an image.
    Off,
}

/// The host's callbacks. Each is called with the widget's own errors caught, so a throwing
/// hook cannot break a report.
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    pub on_open: Option<js_sys::Function>,
    pub on_close: Option<js_sys::Function>,
    /// Gets the report about to be sent; returns it (edited) to send, or `false`/`null` to drop.
    pub before_send: Option<js_sys::Function>,
    pub on_submit_success: Option<js_sys::Function>,
    pub on_submit_error: Option<js_sys::Function>,
}

/// The reporter's user interface settings.
#[derive(Debug, Clone)]
pub struct Ui {
    /// `None`: no launcher button; the host opens the dialog with `open()`.
    pub launcher: Option<Position>,
    /// The launcher's text instead of the locale's.
    pub launcher_label: Option<String>,
    pub theme: Theme,
    /// `en`, `de`, `fr`, `es` or `ja`; default from `<html lang>`, then the browser.
    pub locale: Option<String>,
    /// Replacements for any of the dialog's strings, by key.
    pub strings: Vec<(String, String)>,
    /// Keys that open the dialog, e.g. `ctrl+shift+b`.
    pub shortcut: Option<crate::shortcut::Shortcut>,
    /// Choices offered for `category`; none: the field is not shown.
    pub categories: Vec<String>,
    /// Ask for a contact email when the host has not identified the user.
    pub ask_email: bool,
    pub screenshot: ScreenshotMode,
    /// Longest side of the uploaded screenshot, in pixels.
    pub max_screenshot_dimension: u32,
    pub screenshot_format: ImageFormat,
    pub hooks: Hooks,
}

/// How the screenshot is encoded for upload.
///
/// WebP is the default: a quarter of PNG's bytes for a typical page at the same legibility,
/// which matters on a slow uplink. Chromium encodes WebP several times slower than PNG
/// (`npm run bench` times both), so a host that wants the picture lossless or the dialog's
/// preview sooner, and can afford the upload, picks PNG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Webp,
    Png,
}

impl ImageFormat {
    /// The MIME type asked of the browser's encoder.
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Webp => "image/webp",
            ImageFormat::Png => "image/png",
        }
    }
}

/// Default longest side of an uploaded screenshot: legible text at 2× on a laptop screen.
pub const DEFAULT_MAX_SCREENSHOT_DIMENSION: u32 = 2560;

/// The first key of `value` outside `allowed`, so a typo (`consolelimit`) fails loudly instead
/// of being ignored.
pub fn unknown_key(value: &JsValue, allowed: &[&str]) -> Option<String> {
    let object = value.dyn_ref::<js_sys::Object>()?;
    js_sys::Object::keys(object)
        .iter()
        .filter_map(|k| k.as_string())
        .find(|k| !allowed.contains(&k.as_str()))
}

#[cfg(feature = "capture")]
const OPTION_NAMES: [&str; 27] = [
    "key",
    "relay",
    "consoleLimit",
    "errorLimit",
    "networkLimit",
    "networkBodyLimit",
    "networkDetailAllowUrls",
    "redaction",
    "domSnapshot",
    "maskInputs",
    "blockSelector",
    "maskSelector",
    "launcher",
    "theme",
    "locale",
    "strings",
    "shortcut",
    "categories",
    "askEmail",
    "screenshot",
    "maxScreenshotDimension",
    "screenshotFormat",
    "onOpen",
    "onClose",
    "beforeSend",
    "onSubmitSuccess",
    "onSubmitError",
];

impl Options {
    /// Reads and checks the host's options: what `init` does, and what a call given options of
    /// its own does before the reporter gets them (see [`checked`]).
    #[cfg(feature = "capture")]
    pub fn from_js(value: JsValue) -> Result<Options, JsValue> {
        if let Some(key) = unknown_key(&value, &OPTION_NAMES) {
            return Err(WidgetError::Options(format!(
                "unknown option `{key}`; the options are {}",
                crate::text::list(&OPTION_NAMES)
            ))
            .into_js());
        }
        let options = Self::read(&value).map_err(WidgetError::into_js)?;
        options.check().map_err(WidgetError::into_js)?;
        Ok(options)
    }

    /// The options the capture module checked: `text` is what [`checked::write`] wrote, and
    /// `options` the host's object, for its callbacks and `redaction`.
    #[cfg(feature = "reporter")]
    pub fn from_checked(text: &str, options: &JsValue) -> Result<Options, JsValue> {
        checked::read(text, options).map_err(WidgetError::into_js)
    }

    #[cfg(feature = "capture")]
    fn read(value: &JsValue) -> Result<Options, WidgetError> {
        if !value.is_object() {
            return Err(WidgetError::Options(
                "pass an object: init({ key, relay })".into(),
            ));
        }
        Ok(Options {
            key: string_field(value, "key")?
                .ok_or_else(|| WidgetError::Options("`key` is required".into()))?,
            relay: string_field(value, "relay")?
                .ok_or_else(|| WidgetError::Options("`relay` is required".into()))?,
            console_limit: count_field(value, "consoleLimit", DEFAULT_CONSOLE_LIMIT)?,
            error_limit: count_field(value, "errorLimit", DEFAULT_ERROR_LIMIT)?,
            network_limit: count_field(value, "networkLimit", DEFAULT_NETWORK_LIMIT)?,
            network_body_limit: count_field(value, "networkBodyLimit", DEFAULT_BODY_LIMIT)?,
            network_detail_allow_urls: string_list_field(value, "networkDetailAllowUrls")?,
            #[cfg(feature = "reporter")]
            redaction: {
                let redaction = field(value, "redaction");
                if redaction.is_undefined() || redaction.is_null() {
                    Default::default()
                } else {
                    redaction::read(&redaction)
                        .map_err(|e| WidgetError::Options(format!("`redaction`: {}", e.0)))?
                }
            },
            dom_snapshot: bool_field(value, "domSnapshot", true)?,
            mask_inputs: bool_field(value, "maskInputs", true)?,
            block_selector: string_field(value, "blockSelector")?,
            mask_selector: string_field(value, "maskSelector")?,
            ui: Ui::read(value)?,
        })
    }

    #[cfg(feature = "capture")]
    fn check(&self) -> Result<(), WidgetError> {
        let random = self.key.strip_prefix("bc_pub_").unwrap_or_default();
        if random.len() != 32 || !random.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let hint = if self.key.starts_with("bc_adm_") {
                " (that is an admin token: never put it in a page)"
            } else {
                ""
            };
            return Err(WidgetError::Options(format!(
                "`key` must be a widget key, bc_pub_ followed by 32 letters and digits{hint}"
            )));
        }
        let url = web_sys::Url::new(&self.relay)
            .map_err(|_| WidgetError::Options(format!("`relay` is not a URL: `{}`", self.relay)))?;
        if !matches!(url.protocol().as_str(), "https:" | "http:") {
            return Err(WidgetError::Options(
                "`relay` must be an http or https URL".into(),
            ));
        }
        if !(1..=bugcap_protocol::Limits::default().max_console_entries)
            .contains(&self.console_limit)
        {
            return Err(WidgetError::Options(
                "`consoleLimit` must be between 1 and 1000".into(),
            ));
        }
        if !(1..=500).contains(&self.network_limit) {
            return Err(WidgetError::Options(
                "`networkLimit` must be between 1 and 500".into(),
            ));
        }
        if self.network_body_limit > MAX_BODY_LIMIT {
            return Err(WidgetError::Options(format!(
                "`networkBodyLimit` must be at most {} bytes",
                MAX_BODY_LIMIT
            )));
        }
        for (name, selector) in [
            ("blockSelector", &self.block_selector),
            ("maskSelector", &self.mask_selector),
        ] {
            if let Some(selector) = selector {
                check_selector(name, selector)?;
            }
        }
        let max_errors = bugcap_protocol::Limits::default().max_error_entries;
        if !(1..=max_errors).contains(&self.error_limit) {
            return Err(WidgetError::Options(format!(
                "`errorLimit` must be between 1 and {max_errors}"
            )));
        }
        Ok(())
    }

    /// What the network hooks record, with the defaults resolved against the page.
    #[cfg(feature = "capture")]
    pub fn network(&self) -> crate::capture::network::NetworkOptions {
        let page_origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .map(|o| format!("{o}/"));
        crate::capture::network::NetworkOptions {
            limit: self.network_limit,
            body_limit: self.network_body_limit,
            header_limit: 64,
            allow_urls: self
                .network_detail_allow_urls
                .clone()
                .unwrap_or_else(|| page_origin.into_iter().collect()),
            // The widget's own reports are not part of the page's story.
            ignore_urls: vec![format!("{}/", self.relay.trim_end_matches('/'))],
        }
    }

    /// The DOM snapshot's privacy options.
    #[cfg(feature = "reporter")]
    pub fn masking(&self) -> crate::snapshot::Masking {
        crate::snapshot::Masking {
            mask_inputs: self.mask_inputs,
            block_selector: self.block_selector.clone(),
            mask_selector: self.mask_selector.clone(),
        }
    }

    /// The report endpoint under the configured relay base URL.
    pub fn reports_url(&self) -> String {
        format!("{}/v1/reports", self.relay.trim_end_matches('/'))
    }
}

impl Ui {
    #[cfg(feature = "capture")]
    fn read(value: &JsValue) -> Result<Ui, WidgetError> {
        let launcher = field(value, "launcher");
        let (position, label) = if launcher.is_undefined() || launcher.is_null() {
            (Some(Position::BottomRight), None)
        } else if launcher.as_bool() == Some(false) {
            (None, None)
        } else if launcher.is_object() {
            if let Some(key) = unknown_key(&launcher, &["position", "label"]) {
                return Err(WidgetError::Options(format!(
                    "unknown `launcher` option `{key}`; use position and label, or launcher: false"
                )));
            }
            let position = match string_field(&launcher, "position")?.as_deref() {
                None | Some("bottom-right") => Position::BottomRight,
                Some("bottom-left") => Position::BottomLeft,
                Some("top-right") => Position::TopRight,
                Some("top-left") => Position::TopLeft,
                Some(other) => {
                    return Err(WidgetError::Options(format!(
                        "`launcher.position` must be bottom-right, bottom-left, top-right or top-left, not `{other}`"
                    )));
                }
            };
            (Some(position), string_field(&launcher, "label")?)
        } else {
            return Err(WidgetError::Options(
                "`launcher` must be an object ({ position, label }) or false".into(),
            ));
        };
        let theme = match string_field(value, "theme")?.as_deref() {
            None | Some("auto") => Theme::Auto,
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            Some(other) => {
                return Err(WidgetError::Options(format!(
                    "`theme` must be auto, light or dark, not `{other}`"
                )));
            }
        };
        let screenshot = match field(value, "screenshot") {
            v if v.is_undefined()
                || v.as_bool() == Some(true)
                || v.as_string().as_deref() == Some("dom") =>
            {
                ScreenshotMode::Dom
            }
            v if v.as_bool() == Some(false) => ScreenshotMode::Off,
            v if v.as_string().as_deref() == Some("display") => ScreenshotMode::Display,
            _ => {
                return Err(WidgetError::Options(
                    "`screenshot` must be true, false, \"dom\" or \"display\"".into(),
                ));
            }
        };
        let max_screenshot_dimension = count_field(
            value,
            "maxScreenshotDimension",
            DEFAULT_MAX_SCREENSHOT_DIMENSION as usize,
        )?;
        if !(320..=8192).contains(&max_screenshot_dimension) {
            return Err(WidgetError::Options(
                "`maxScreenshotDimension` must be between 320 and 8192".into(),
            ));
        }
        let screenshot_format = match string_field(value, "screenshotFormat")?.as_deref() {
            None | Some("webp") => ImageFormat::Webp,
            Some("png") => ImageFormat::Png,
            Some(other) => {
                return Err(WidgetError::Options(format!(
                    "`screenshotFormat` must be webp or png, not `{other}`"
                )));
            }
        };
        let strings = field(value, "strings");
        let strings = if strings.is_undefined() || strings.is_null() {
            Vec::new()
        } else {
            let object = strings.dyn_ref::<js_sys::Object>().ok_or_else(|| {
                WidgetError::Options("`strings` must be an object of key: text".into())
            })?;
            crate::object::Items::of(js_sys::Object::entries(object).into())
                .map(|pair| {
                    let pair: js_sys::Array = pair.unchecked_into();
                    let key = pair.get(0).as_string().unwrap_or_default();
                    if !crate::strings::is_key(&key) {
                        return Err(WidgetError::Options(format!(
                            "`strings.{key}` is not one of the dialog's strings; see the README for the keys"
                        )));
                    }
                    let text = pair.get(1).as_string().ok_or_else(|| {
                        WidgetError::Options(format!("`strings.{key}` must be a string"))
                    })?;
                    Ok((key, text))
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let shortcut = string_field(value, "shortcut")?
            .map(|s| {
                crate::shortcut::Shortcut::parse(&s).ok_or_else(|| {
                    WidgetError::Options(format!(
                        "`shortcut` must be modifiers and one key, like ctrl+shift+b, not `{s}`"
                    ))
                })
            })
            .transpose()?;
        Ok(Ui {
            launcher: position,
            launcher_label: label,
            theme,
            locale: string_field(value, "locale")?,
            strings,
            shortcut,
            categories: string_list_field(value, "categories")?.unwrap_or_default(),
            ask_email: bool_field(value, "askEmail", true)?,
            screenshot,
            max_screenshot_dimension: max_screenshot_dimension as u32,
            screenshot_format,
            hooks: Hooks {
                on_open: function_field(value, "onOpen")?,
                on_close: function_field(value, "onClose")?,
                before_send: function_field(value, "beforeSend")?,
                on_submit_success: function_field(value, "onSubmitSuccess")?,
                on_submit_error: function_field(value, "onSubmitError")?,
            },
        })
    }
}

/// What the user (or the host's own UI) submits.
#[derive(Debug, Clone, Default)]
pub struct SubmitInput {
    pub text: String,
    pub category: Option<String>,
    pub severity: Option<Severity>,
    pub email: Option<String>,
    /// Take a screenshot and attach it (programmatic sends only; the dialog has a toggle).
    pub screenshot: bool,
}

const SUBMIT_FIELDS: [&str; 5] = ["text", "category", "severity", "email", "screenshot"];

impl SubmitInput {
    /// `submit`'s input: `text` must say something.
    pub fn from_js(value: JsValue) -> Result<SubmitInput, JsValue> {
        let input = Self::read(&value, "submit").map_err(WidgetError::into_js)?;
        if input.text.trim().is_empty() {
            return Err(WidgetError::Input(
                "describe the problem: `text` must not be empty".into(),
            )
            .into_js());
        }
        Ok(input)
    }

    /// The fields of `value` (`call` names the API for the error): every one optional,
    /// unknown ones refused.
    pub fn read(value: &JsValue, call: &str) -> Result<SubmitInput, WidgetError> {
        let invalid = |e: FieldError| WidgetError::Input(format!("invalid {call} input: {}", e.0));
        if !value.is_object() || js_sys::Array::is_array(value) {
            return Err(invalid(FieldError("pass an object: { text }".into())));
        }
        if let Some(key) = unknown_key(value, &SUBMIT_FIELDS) {
            return Err(invalid(FieldError(format!(
                "unknown field `{key}`; expected one of {}",
                crate::text::list(&SUBMIT_FIELDS)
            ))));
        }
        let severity = match string_field(value, "severity").map_err(invalid)? {
            None => None,
            Some(name) => Some(Severity::from_name(&name).ok_or_else(|| {
                invalid(FieldError(format!(
                    "`severity` must be one of low, medium, high, critical, not `{name}`"
                )))
            })?),
        };
        Ok(SubmitInput {
            text: string_field(value, "text")
                .map_err(invalid)?
                .unwrap_or_default(),
            category: string_field(value, "category").map_err(invalid)?,
            severity,
            email: string_field(value, "email").map_err(invalid)?,
            screenshot: bool_field(value, "screenshot", false).map_err(invalid)?,
        })
    }
}

/// A selector option must parse, so a typo fails `init` instead of silently masking nothing.
#[cfg(feature = "capture")]
fn check_selector(name: &str, selector: &str) -> Result<(), WidgetError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| WidgetError::Environment("no document".into()))?;
    document.query_selector(selector).map(|_| ()).map_err(|_| {
        WidgetError::Options(format!(
            "`{name}` is not a valid CSS selector: `{selector}`"
        ))
    })
}
