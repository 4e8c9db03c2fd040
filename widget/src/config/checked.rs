//! The `init` options as the capture module checked them, handed to the reporter as JSON text.
//!
//! Why: both modules need the options, and checking them (types, ranges, the key's shape, the
//! relay URL, the selectors, and every message a host may see when one is wrong) is code that
//! a page would otherwise download twice. The capture module, which every page loads, checks
//! the options once, when `init` gets them or when a call is given options of its own, and
//! writes down what it read. The reporter reads that back without checking again.
//!
//! Two parts stay out of the text: the host's callbacks, which are functions, and the
//! `redaction` config, which only the reporter reads (it has the engine that compiles its
//! patterns). The reporter takes both from the options object itself.
//!
//! This is not a trust boundary: the text comes from the loader, which runs in the page, and
//! anything in the page could call the reporter's exports with options of its own anyway.
//! A text that does not read is refused, as `invalid_options`.

#[cfg(feature = "reporter")]
use bugcap_protocol::json::Json;

use super::Options;
#[cfg(feature = "reporter")]
use super::{ImageFormat, Position, ScreenshotMode, Theme};

// The options' enums are written as their discriminant (`as usize`), and read back as the
// value at that index of these lists, which keep the enums' order (a test reads every option
// back).
#[cfg(feature = "reporter")]
const POSITIONS: [Position; 4] = [
    Position::BottomRight,
    Position::BottomLeft,
    Position::TopRight,
    Position::TopLeft,
];
#[cfg(feature = "reporter")]
const THEMES: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];
#[cfg(feature = "reporter")]
const SCREENSHOT_MODES: [ScreenshotMode; 3] = [
    ScreenshotMode::Dom,
    ScreenshotMode::Display,
    ScreenshotMode::Off,
];
#[cfg(feature = "reporter")]
const FORMATS: [ImageFormat; 2] = [ImageFormat::Webp, ImageFormat::Png];

/// The checked options as JSON text: everything but the callbacks and `redaction`.
#[cfg(feature = "capture")]
pub fn write(options: &Options) -> String {
    let ui = &options.ui;
    let mut w = Writer(String::from("{"));
    w.string("key", Some(&options.key));
    w.string("relay", Some(&options.relay));
    w.number("consoleLimit", options.console_limit);
    w.number("errorLimit", options.error_limit);
    w.number("networkLimit", options.network_limit);
    w.number("networkBodyLimit", options.network_body_limit);
    w.list(
        "networkDetailAllowUrls",
        options.network_detail_allow_urls.as_deref(),
    );
    w.flag("domSnapshot", options.dom_snapshot);
    w.flag("maskInputs", options.mask_inputs);
    w.string("blockSelector", options.block_selector.as_deref());
    w.string("maskSelector", options.mask_selector.as_deref());
    // 0 for no launcher, else the position's index plus one.
    w.number("launcher", ui.launcher.map_or(0, |p| p as usize + 1));
    w.string("launcherLabel", ui.launcher_label.as_deref());
    w.number("theme", ui.theme as usize);
    w.string("locale", ui.locale.as_deref());
    w.key("strings");
    w.0.push('[');
    for (i, (key, text)) in ui.strings.iter().enumerate() {
        if i > 0 {
            w.0.push(',');
        }
        w.item(key);
        w.0.push(',');
        w.item(text);
    }
    w.0.push(']');
    if let Some(s) = &ui.shortcut {
        w.string("shortcut", Some(&s.code));
        let bits = s.ctrl as usize
            | (s.alt as usize) << 1
            | (s.shift as usize) << 2
            | (s.meta as usize) << 3;
        w.number("shortcutModifiers", bits);
    }
    w.list("categories", Some(&ui.categories));
    w.flag("askEmail", ui.ask_email);
    w.number("screenshot", ui.screenshot as usize);
    w.number(
        "maxScreenshotDimension",
        ui.max_screenshot_dimension as usize,
    );
    w.number("screenshotFormat", ui.screenshot_format as usize);
    w.0.push('}');
    w.0
}

#[cfg(feature = "capture")]
struct Writer(String);

#[cfg(feature = "capture")]
impl Writer {
    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.item(key);
        self.0.push(':');
    }

    fn item(&mut self, text: &str) {
        bugcap_protocol::json::write_string(text, &mut self.0);
    }

    fn string(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.key(key);
            self.item(value);
        }
    }

    fn number(&mut self, key: &str, value: usize) {
        self.key(key);
        bugcap_protocol::json::write_uint(value as u64, &mut self.0);
    }

    fn flag(&mut self, key: &str, value: bool) {
        self.key(key);
        self.0.push_str(if value { "true" } else { "false" });
    }

    fn list(&mut self, key: &str, items: Option<&[String]>) {
        if let Some(items) = items {
            self.key(key);
            self.0.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                self.item(item);
            }
            self.0.push(']');
        }
    }
}

/// The options from the text [`write`] wrote, with the callbacks and the `redaction` config
/// taken from `options`, the object the host gave.
#[cfg(feature = "reporter")]
pub fn read(
    text: &str,
    options: &wasm_bindgen::JsValue,
) -> Result<Options, crate::error::WidgetError> {
    use super::fields::function_field;
    use crate::error::WidgetError;

    let unread =
        || WidgetError::Options("the options were not checked by the capture module".into());
    let json = Json::parse(text).map_err(|_| unread())?;
    let string = |key| json.get(key).and_then(Json::as_str).map(str::to_owned);
    let number = |key| json.get(key).and_then(Json::as_u64).unwrap_or(0) as usize;
    let flag = |key| matches!(json.get(key), Some(Json::Bool(true)));
    let list = |key| {
        json.get(key).and_then(Json::as_array).map(|items| {
            items
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
    };
    fn pick<T: Copy>(all: &[T], index: usize) -> T {
        all.get(index).copied().unwrap_or(all[0])
    }
    let strings = list("strings").unwrap_or_default();
    let redaction = super::field(options, "redaction");
    let redaction = if redaction.is_undefined() || redaction.is_null() {
        Default::default()
    } else {
        super::redaction::read(&redaction)
            .map_err(|e| WidgetError::Options(format!("`redaction`: {}", e.0)))?
    };
    Ok(Options {
        key: string("key").ok_or_else(unread)?,
        relay: string("relay").ok_or_else(unread)?,
        console_limit: number("consoleLimit"),
        error_limit: number("errorLimit"),
        network_limit: number("networkLimit"),
        network_body_limit: number("networkBodyLimit"),
        network_detail_allow_urls: list("networkDetailAllowUrls"),
        redaction,
        dom_snapshot: flag("domSnapshot"),
        mask_inputs: flag("maskInputs"),
        block_selector: string("blockSelector"),
        mask_selector: string("maskSelector"),
        ui: super::Ui {
            launcher: number("launcher")
                .checked_sub(1)
                .map(|i| pick(&POSITIONS, i)),
            launcher_label: string("launcherLabel"),
            theme: pick(&THEMES, number("theme")),
            locale: string("locale"),
            strings: strings
                .chunks_exact(2)
                .map(|pair| (pair[0].clone(), pair[1].clone()))
                .collect(),
            shortcut: string("shortcut").map(|code| {
                let bits = number("shortcutModifiers");
                crate::shortcut::Shortcut {
                    ctrl: bits & 1 != 0,
                    alt: bits & 2 != 0,
                    shift: bits & 4 != 0,
                    meta: bits & 8 != 0,
                    code,
                }
            }),
            categories: list("categories").unwrap_or_default(),
            ask_email: flag("askEmail"),
            screenshot: pick(&SCREENSHOT_MODES, number("screenshot")),
            max_screenshot_dimension: number("maxScreenshotDimension") as u32,
            screenshot_format: pick(&FORMATS, number("screenshotFormat")),
            hooks: super::Hooks {
                on_open: function_field(options, "onOpen")?,
                on_close: function_field(options, "onClose")?,
                before_send: function_field(options, "beforeSend")?,
                on_submit_success: function_field(options, "onSubmitSuccess")?,
                on_submit_error: function_field(options, "onSubmitError")?,
            },
        },
    })
}
