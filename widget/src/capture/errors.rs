//! Error capture: uncaught errors (`error` events, which also carry failed script, image and
//! stylesheet loads when listened for in the capture phase) and unhandled promise rejections.
//! Bursts of the same error are folded into one entry with a count, so an error thrown every
//! animation frame does not push everything else out of the ring buffer.

use std::cell::RefCell;
use std::rc::Rc;

use bugcap_protocol::{ErrorEntry, ErrorKind};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::ring::Ring;
use super::serialize;
use crate::error::WidgetError;

/// A repeat of the newest entry within this many milliseconds is counted, not stored again.
const BURST_WINDOW_MS: f64 = 10_000.0;

/// The ring buffer of recent errors, with burst folding.
#[derive(Debug)]
pub struct ErrorBuffer {
    entries: Ring<ErrorEntry>,
    /// When the newest entry last recurred.
    last_seen: f64,
}

impl ErrorBuffer {
    pub fn new(limit: usize) -> Self {
        ErrorBuffer {
            entries: Ring::new(limit),
            last_seen: 0.0,
        }
    }

    pub fn push(&mut self, entry: ErrorEntry) {
        let recurring = entry.timestamp - self.last_seen <= BURST_WINDOW_MS;
        self.last_seen = entry.timestamp;
        if let Some(newest) = self.entries.newest_mut()
            && recurring
            && same_error(newest, &entry)
        {
            newest.count = newest.count.saturating_add(1);
            return;
        }
        self.entries.push(entry);
    }

    pub fn snapshot(&self) -> Vec<ErrorEntry> {
        self.entries.snapshot()
    }
}

fn same_error(a: &ErrorEntry, b: &ErrorEntry) -> bool {
    a.kind == b.kind
        && a.message == b.message
        && a.source == b.source
        && a.line == b.line
        && a.column == b.column
}

type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// Installed listeners; [`ErrorCapture::uninstall`] removes them.
pub struct ErrorCapture {
    buffer: Rc<RefCell<ErrorBuffer>>,
    window: web_sys::Window,
    on_error: Listener,
    on_rejection: Listener,
}

impl ErrorCapture {
    pub fn install(limit: usize) -> Result<ErrorCapture, WidgetError> {
        let window = web_sys::window()
            .ok_or_else(|| WidgetError::Environment("no window to capture errors from".into()))?;
        let buffer = Rc::new(RefCell::new(ErrorBuffer::new(limit)));
        let sink = buffer.clone();
        let on_error =
            Listener::new(move |event: web_sys::Event| record(&sink, || from_error_event(&event)));
        let sink = buffer.clone();
        let on_rejection =
            Listener::new(move |event: web_sys::Event| record(&sink, || from_rejection(&event)));
        // Capture phase: resource load errors do not bubble to window, but they do pass it.
        window
            .add_event_listener_with_callback_and_bool(
                "error",
                on_error.as_ref().unchecked_ref(),
                true,
            )
            .map_err(|_| WidgetError::Environment("cannot listen for errors".into()))?;
        window
            .add_event_listener_with_callback(
                "unhandledrejection",
                on_rejection.as_ref().unchecked_ref(),
            )
            .map_err(|_| WidgetError::Environment("cannot listen for rejections".into()))?;
        Ok(ErrorCapture {
            buffer,
            window,
            on_error,
            on_rejection,
        })
    }

    pub fn entries(&self) -> Vec<ErrorEntry> {
        self.buffer.borrow().snapshot()
    }

    pub fn uninstall(self) {
        let _ = self.window.remove_event_listener_with_callback_and_bool(
            "error",
            self.on_error.as_ref().unchecked_ref(),
            true,
        );
        let _ = self.window.remove_event_listener_with_callback(
            "unhandledrejection",
            self.on_rejection.as_ref().unchecked_ref(),
        );
    }
}

/// Records what `build` makes of an event, unless we are already recording (an error thrown
/// while serializing must not recurse).
fn record(sink: &RefCell<ErrorBuffer>, build: impl FnOnce() -> Option<ErrorEntry>) {
    let Ok(mut buffer) = sink.try_borrow_mut() else {
        return;
    };
    if let Some(entry) = build() {
        buffer.push(entry);
    }
}

use crate::object::get;

fn get_string(value: &JsValue, key: &str) -> Option<String> {
    get(value, key).as_string().filter(|s| !s.is_empty())
}

fn get_u32(value: &JsValue, key: &str) -> Option<u32> {
    get(value, key)
        .as_f64()
        .filter(|n| *n > 0.0 && *n <= u32::MAX as f64)
        .map(|n| n as u32)
}

fn clip(text: String) -> String {
    let limits = serialize::Limits::default();
    serialize::clip(text, limits.max_string_bytes * 2, &mut false)
}

fn from_error_event(event: &web_sys::Event) -> Option<ErrorEntry> {
    let now = js_sys::Date::now();
    if event.is_instance_of::<web_sys::ErrorEvent>() {
        let error = get(event, "error");
        let message = get_string(event, "message")
            .or_else(|| get_string(&error, "message"))
            .unwrap_or_else(|| "Script error.".into());
        return Some(ErrorEntry {
            kind: ErrorKind::Error,
            message: clip(message),
            source: get_string(event, "filename"),
            line: get_u32(event, "lineno"),
            column: get_u32(event, "colno"),
            stack: get_string(&error, "stack").map(clip),
            timestamp: now,
            count: 1,
        });
    }
    // A plain `error` event from an element: a resource that failed to load.
    let target = event.target()?;
    let element = target.dyn_ref::<web_sys::Element>()?;
    let url = get_string(element, "currentSrc")
        .or_else(|| get_string(element, "src"))
        .or_else(|| get_string(element, "href"));
    let tag = element.tag_name().to_ascii_lowercase();
    Some(ErrorEntry {
        kind: ErrorKind::Resource,
        message: format!("<{tag}> failed to load"),
        source: url,
        line: None,
        column: None,
        stack: None,
        timestamp: now,
        count: 1,
    })
}

fn from_rejection(event: &web_sys::Event) -> Option<ErrorEntry> {
    let reason = get(event, "reason");
    let (message, stack) = if reason.is_instance_of::<js_sys::Error>() {
        let name = get_string(&reason, "name").unwrap_or_else(|| "Error".into());
        let text = get_string(&reason, "message").unwrap_or_default();
        let message = if text.is_empty() {
            name
        } else {
            format!("{name}: {text}")
        };
        (message, get_string(&reason, "stack"))
    } else {
        let text = serialize::to_text(&reason, &serialize::Limits::default()).text;
        (format!("Unhandled rejection: {text}"), None)
    };
    Some(ErrorEntry {
        kind: ErrorKind::UnhandledRejection,
        message: clip(message),
        source: None,
        line: None,
        column: None,
        stack: stack.map(clip),
        timestamp: js_sys::Date::now(),
        count: 1,
    })
}
