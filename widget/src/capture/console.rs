//! Console capture: every level is wrapped, the original still runs, and each call is kept as
//! a [`ConsoleEntry`] in a ring buffer of the last N calls. The wrapper only stores the call
//! (`js/hooks.js`); its arguments are serialized here in batches, after the task that logged
//! them, so a host's hot logging loop pays a few array writes per call.

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
    /// The JS-side ring of calls not yet serialized: `record(level, args)` and `drain()`.
    type ConsoleRecorder;
    #[wasm_bindgen(js_name = consoleRecorder)]
    fn console_recorder(limit: u32, flush: &Closure<dyn FnMut(Array)>) -> ConsoleRecorder;
    #[wasm_bindgen(method)]
    fn drain(this: &ConsoleRecorder);
    #[wasm_bindgen(js_name = wrapConsoleMethod)]
    fn wrap_console_method(
        target: &JsValue,
        name: &str,
        level: u32,
        with_stack: bool,
        recorder: &ConsoleRecorder,
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
    recorder: ConsoleRecorder,
    // Kept alive for as long as the recorder may call it.
    _flush: Closure<dyn FnMut(Array)>,
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
        // A batch is flat: level index, time, arguments, stack (or undefined), per call.
        let flush = Closure::<dyn FnMut(Array)>::new(move |batch: Array| {
            let Ok(mut buffer) = sink.try_borrow_mut() else {
                return;
            };
            let mut i = 0;
            while i + 3 < batch.length() {
                let level = batch
                    .get(i)
                    .as_f64()
                    .and_then(|l| ConsoleLevel::ALL.get(l as usize).copied());
                let time = batch.get(i + 1).as_f64().unwrap_or_default();
                let args = Array::from(&batch.get(i + 2));
                let stack = batch.get(i + 3).as_string();
                if let Some(entry) = level.and_then(|l| to_entry(l, &args, time, stack)) {
                    buffer.push(entry);
                }
                i += 4;
            }
        });
        let recorder = console_recorder(limit as u32, &flush);
        let mut patched = Vec::new();
        for (index, level) in ConsoleLevel::ALL.into_iter().enumerate() {
            // Where a trace or failed assertion was called from is what it is for.
            let with_stack = matches!(level, ConsoleLevel::Trace | ConsoleLevel::Assert);
            let result = wrap_console_method(
                &console,
                level.method(),
                index as u32,
                with_stack,
                &recorder,
            );
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
            recorder,
            _flush: flush,
            console,
        })
    }

    pub fn entries(&self) -> Vec<ConsoleEntry> {
        // Calls of the task that is building the report are serialized now.
        self.recorder.drain();
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

/// Turns one console call into an entry, or `None` for calls that print nothing
/// (`console.assert` with a truthy condition).
fn to_entry(
    level: ConsoleLevel,
    args: &Array,
    timestamp: f64,
    stack: Option<String>,
) -> Option<ConsoleEntry> {
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
    Some(ConsoleEntry {
        level,
        message: serialize::clip(message, limits.max_string_bytes * 2, &mut truncated),
        args: parts,
        stack,
        timestamp,
        truncated,
    })
}
