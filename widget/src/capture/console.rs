//! Console capture: every level is wrapped, the original still runs, and each call is kept as
//! a [`ConsoleEntry`] in a ring buffer of the last N calls.

use std::cell::RefCell;
use std::rc::Rc;

use bugcap_protocol::{ConsoleEntry, ConsoleLevel};
use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::ring::Ring;
use super::serialize::{self, Serialized};
use crate::error::WidgetError;

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    #[wasm_bindgen(js_name = wrapConsoleMethod)]
    fn wrap_console_method(
        target: &JsValue,
        name: &str,
        record: &Closure<dyn FnMut(String, Array)>,
    ) -> JsValue;
    #[wasm_bindgen(js_name = restoreConsoleMethod)]
    fn restore_console_method(
        target: &JsValue,
        name: &str,
        original: &JsValue,
        wrapped: &JsValue,
    ) -> bool;
}

/// The ring buffer of recent console calls.
pub type ConsoleBuffer = Ring<ConsoleEntry>;

struct Patched {
    name: &'static str,
    original: JsValue,
    wrapped: JsValue,
}

/// Installed console hooks; [`ConsoleCapture::uninstall`] puts the originals back.
pub struct ConsoleCapture {
    buffer: Rc<RefCell<ConsoleBuffer>>,
    patched: Vec<Patched>,
    // Kept alive for as long as the wrappers may call it.
    _record: Closure<dyn FnMut(String, Array)>,
    console: JsValue,
}

impl ConsoleCapture {
    pub fn install(limit: usize) -> Result<ConsoleCapture, WidgetError> {
        let global = js_sys::global();
        let console = js_sys::Reflect::get(&global, &"console".into())
            .ok()
            .filter(|c| c.is_object())
            .ok_or_else(|| WidgetError::Environment("no console object to capture".into()))?;
        let buffer = Rc::new(RefCell::new(ConsoleBuffer::new(limit)));
        let sink = buffer.clone();
        let record =
            Closure::<dyn FnMut(String, Array)>::new(move |method: String, args: Array| {
                // `try_borrow_mut` is the re-entrancy guard: if serializing an argument logs again
                // (a getter or toString that calls console), the inner call is not recorded.
                let Ok(mut buffer) = sink.try_borrow_mut() else {
                    return;
                };
                if let Some(entry) = to_entry(&method, &args) {
                    buffer.push(entry);
                }
            });
        let mut patched = Vec::new();
        for level in ConsoleLevel::ALL {
            let result = wrap_console_method(&console, level.method(), &record);
            if result.is_object() {
                let get = |k: &str| {
                    js_sys::Reflect::get(&result, &k.into()).unwrap_or(JsValue::UNDEFINED)
                };
                patched.push(Patched {
                    name: level.method(),
                    original: get("original"),
                    wrapped: get("wrapped"),
                });
            }
        }
        Ok(ConsoleCapture {
            buffer,
            patched,
            _record: record,
            console,
        })
    }

    pub fn entries(&self) -> Vec<ConsoleEntry> {
        self.buffer.borrow().snapshot()
    }

    /// Restores each method we patched, unless someone wrapped it after us.
    pub fn uninstall(self) {
        for p in &self.patched {
            restore_console_method(&self.console, p.name, &p.original, &p.wrapped);
        }
        // A wrapper that could not be restored (someone wrapped after us) keeps calling our
        // recorder; once the closure is dropped that call throws inside the wrapper's `try`, so
        // the host's logging still works and nothing more is recorded.
    }
}

fn level_of(method: &str) -> Option<ConsoleLevel> {
    ConsoleLevel::ALL.into_iter().find(|l| l.method() == method)
}

/// Turns one console call into an entry, or `None` for calls that print nothing
/// (`console.assert` with a truthy condition).
fn to_entry(method: &str, args: &Array) -> Option<ConsoleEntry> {
    let level = level_of(method)?;
    let mut values: Vec<JsValue> = args.iter().collect();
    let mut prefix = None;
    if level == ConsoleLevel::Assert {
        let condition = if values.is_empty() {
            JsValue::UNDEFINED
        } else {
            values.remove(0)
        };
        if condition.is_truthy() {
            return None;
        }
        prefix = Some("Assertion failed");
    }
    let limits = serialize::Limits::default();
    let mut truncated = false;
    let mut parts: Vec<String> = Vec::with_capacity(values.len());
    for value in values
        .iter()
        .take(bugcap_protocol::Limits::default().max_console_args)
    {
        let Serialized { text, truncated: t } = serialize::to_text(value, &limits);
        truncated |= t;
        parts.push(text);
    }
    truncated |= values.len() > parts.len();
    let mut message = parts.join(" ");
    if let Some(prefix) = prefix {
        message = if message.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}: {message}")
        };
    }
    let stack = matches!(level, ConsoleLevel::Trace | ConsoleLevel::Assert)
        .then(current_stack)
        .flatten();
    Some(ConsoleEntry {
        level,
        message: serialize::clip(message, limits.max_string_bytes * 2, &mut truncated),
        args: parts,
        stack,
        timestamp: js_sys::Date::now(),
        truncated,
    })
}

fn current_stack() -> Option<String> {
    js_sys::Reflect::get(&js_sys::Error::new(""), &"stack".into())
        .ok()?
        .as_string()
}
