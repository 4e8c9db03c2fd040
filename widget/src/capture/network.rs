//! Network capture: `fetch`, `XMLHttpRequest` and `navigator.sendBeacon`. The wrappers are in
//! `js/network.js`, because only JavaScript can hand the host back the very same promise, `this`
//! and exceptions. Each finished exchange arrives here in the report's shape and is bounded and
//! kept in a ring buffer; redaction runs on the whole report before it is sent.
//!
//! Privacy defaults: method, URL, status, timing and failure are kept for every request;
//! headers and text bodies only for URLs on the allow list (by default the page's own origin),
//! at most `bodyLimit` bytes of each, never for opaque or binary bodies.

use std::cell::RefCell;
use std::rc::Rc;

use bugcap_protocol::{Body, NetworkEntry};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::ring::Ring;
use super::serialize;
use crate::error::WidgetError;

const MAX_HEADERS: usize = 64;
const MAX_URL_BYTES: usize = 8 * 1024;
const MAX_HEADER_VALUE_BYTES: usize = 4 * 1024;

#[wasm_bindgen(module = "/js/network.js")]
extern "C" {
    #[wasm_bindgen(js_name = installNetworkHooks)]
    fn install_network_hooks(
        record: &Closure<dyn FnMut(JsValue)>,
        options: &JsValue,
    ) -> js_sys::Function;
}

/// What the hooks record, as given to the JavaScript side.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkOptions {
    pub limit: usize,
    pub body_limit: usize,
    pub header_limit: usize,
    /// URL prefixes whose headers and text bodies are kept.
    pub allow_urls: Vec<String>,
    /// URL prefixes never recorded (the relay itself).
    pub ignore_urls: Vec<String>,
}

/// Installed hooks; [`NetworkCapture::uninstall`] puts the originals back.
pub struct NetworkCapture {
    buffer: Rc<RefCell<Ring<NetworkEntry>>>,
    uninstall: js_sys::Function,
    // Kept alive for as long as the wrappers may call it.
    _record: Closure<dyn FnMut(JsValue)>,
}

impl NetworkCapture {
    pub fn install(options: &NetworkOptions) -> Result<NetworkCapture, WidgetError> {
        let buffer = Rc::new(RefCell::new(Ring::new(options.limit)));
        let sink = buffer.clone();
        let body_limit = options.body_limit;
        let record = Closure::<dyn FnMut(JsValue)>::new(move |raw: JsValue| {
            let Ok(mut buffer) = sink.try_borrow_mut() else {
                return;
            };
            if let Ok(entry) = serde_wasm_bindgen::from_value::<NetworkEntry>(raw) {
                buffer.push(bounded(entry, body_limit));
            }
        });
        let js_options = serde_wasm_bindgen::to_value(options)
            .map_err(|e| WidgetError::Environment(e.to_string()))?;
        let uninstall = install_network_hooks(&record, &js_options);
        Ok(NetworkCapture {
            buffer,
            uninstall,
            _record: record,
        })
    }

    /// The recorded requests, oldest first by start time.
    pub fn entries(&self) -> Vec<NetworkEntry> {
        let mut entries = self.buffer.borrow().snapshot();
        entries.sort_by(|a, b| a.start_time.total_cmp(&b.start_time));
        entries
    }

    pub fn uninstall(self) {
        let _ = self.uninstall.call0(&JsValue::UNDEFINED);
    }
}

/// Holds every field within the schema's limits, whatever the page produced.
fn bounded(mut entry: NetworkEntry, body_limit: usize) -> NetworkEntry {
    let mut cut = false;
    entry.method = serialize::clip(std::mem::take(&mut entry.method), 28, &mut cut);
    entry.url = serialize::clip(std::mem::take(&mut entry.url), MAX_URL_BYTES, &mut cut);
    for headers in [&mut entry.request_headers, &mut entry.response_headers] {
        while headers.len() > MAX_HEADERS {
            headers.pop_last();
        }
        headers.retain(|name, _| name.len() <= 256);
        for value in headers.values_mut() {
            *value = serialize::clip(std::mem::take(value), MAX_HEADER_VALUE_BYTES, &mut cut);
        }
    }
    for body in [&mut entry.request_body, &mut entry.response_body]
        .into_iter()
        .flatten()
    {
        bound_body(body, body_limit);
    }
    if let Some(error) = entry.error.take() {
        entry.error = Some(serialize::clip(error, 1000, &mut cut));
    }
    entry
}

fn bound_body(body: &mut Body, limit: usize) {
    if let Some(text) = body.text.take() {
        let mut cut = false;
        body.text = Some(serialize::clip(text, limit, &mut cut));
        body.truncated |= cut;
    }
    if let Some(ct) = body.content_type.take() {
        body.content_type = Some(serialize::clip(ct, 200, &mut false));
    }
}
