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

#[cfg(feature = "reporter")]
use bugcap_protocol::NetworkEntry;
use wasm_bindgen::prelude::*;

use super::ring::Ring;
use crate::error::WidgetError;

#[wasm_bindgen(module = "/js/network.js")]
extern "C" {
    #[wasm_bindgen(js_name = installNetworkHooks)]
    fn install_network_hooks(
        record: &Closure<dyn FnMut(JsValue)>,
        options: &JsValue,
    ) -> js_sys::Function;
}

/// What the hooks record, as given to the JavaScript side.
#[derive(Debug, Clone)]
pub struct NetworkOptions {
    pub limit: usize,
    pub body_limit: usize,
    pub header_limit: usize,
    /// URL prefixes whose headers and text bodies are kept.
    pub allow_urls: Vec<String>,
    /// URL prefixes never recorded (the relay itself).
    pub ignore_urls: Vec<String>,
}

impl NetworkOptions {
    /// The object `installNetworkHooks` reads (camelCase names).
    fn to_js(&self) -> JsValue {
        let o = js_sys::Object::new();
        let list = |urls: &[String]| -> js_sys::Array {
            urls.iter().map(|u| JsValue::from_str(u)).collect()
        };
        for (key, value) in [
            ("limit", JsValue::from(self.limit as u32)),
            ("bodyLimit", JsValue::from(self.body_limit as u32)),
            ("headerLimit", JsValue::from(self.header_limit as u32)),
            ("allowUrls", list(&self.allow_urls).into()),
            ("ignoreUrls", list(&self.ignore_urls).into()),
        ] {
            crate::captured::write::set(&o, key, value);
        }
        o.into()
    }
}

/// Installed hooks; [`NetworkCapture::uninstall`] puts the originals back.
pub struct NetworkCapture {
    // Kept as the JS objects the hooks built: they are read (and bounded) only by the reporter,
    // so the capture module carries no deserializer for them.
    buffer: Rc<RefCell<Ring<JsValue>>>,
    uninstall: js_sys::Function,
    // Kept alive for as long as the wrappers may call it.
    _record: Closure<dyn FnMut(JsValue)>,
}

impl NetworkCapture {
    pub fn install(options: &NetworkOptions) -> Result<NetworkCapture, WidgetError> {
        let buffer = Rc::new(RefCell::new(Ring::new(options.limit)));
        let sink = buffer.clone();
        let record = Closure::<dyn FnMut(JsValue)>::new(move |raw: JsValue| {
            if let Ok(mut buffer) = sink.try_borrow_mut() {
                buffer.push(raw);
            }
        });
        let uninstall = install_network_hooks(&record, &options.to_js());
        Ok(NetworkCapture {
            buffer,
            uninstall,
            _record: record,
        })
    }

    /// The recorded requests as the hooks built them, for the reporter.
    pub fn raw_entries(&self) -> js_sys::Array {
        self.buffer.borrow().snapshot().into_iter().collect()
    }

    /// The recorded requests, read and bounded as the reporter reads them (for tests: the
    /// page hands the reporter [`Self::raw_entries`]).
    #[cfg(feature = "reporter")]
    pub fn entries(&self) -> Vec<NetworkEntry> {
        let raw: Vec<NetworkEntry> = self
            .buffer
            .borrow()
            .snapshot()
            .iter()
            .filter_map(crate::captured::read::network)
            .collect();
        crate::captured::bound_network(raw)
    }

    pub fn uninstall(self) {
        let _ = self.uninstall.call0(&JsValue::UNDEFINED);
    }
}
