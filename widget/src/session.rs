//! The capture session: what `init` starts and `destroy` stops. This is the part of the widget
//! every page loads, so it only installs cheap hooks and ring buffers; building, redacting and
//! sending a report live in the reporter, loaded on first use.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::capture::console::ConsoleCapture;
use crate::capture::errors::ErrorCapture;
use crate::capture::network::NetworkCapture;
use crate::capture::visibility::Visibility;
use crate::config::Options;
use crate::context;
use crate::error::WidgetError;

struct Session {
    console: ConsoleCapture,
    errors: ErrorCapture,
    network: NetworkCapture,
    visibility: Visibility,
    identity: Option<bugcap_protocol::Identity>,
    metadata: bugcap_protocol::map::Map<bugcap_protocol::MetadataValue>,
}

impl Session {
    fn stop(self) {
        self.console.uninstall();
        self.errors.uninstall();
        self.network.uninstall();
        self.visibility.uninstall();
    }
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Starts capture. Calling it again replaces the previous configuration (and restarts capture),
/// so hot-reloading hosts do not stack wrappers. Returns the options as checked, written down
/// for the reporter (see [`crate::config::checked`]): a string.
#[wasm_bindgen]
pub fn init(options: JsValue) -> Result<JsValue, JsValue> {
    let options = Options::from_js(options)?;
    let checked = crate::config::checked::write(&options).into();
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
    SESSION.with(|s| {
        *s.borrow_mut() = Some(Session {
            console,
            errors,
            network,
            visibility: Visibility::install(),
            identity: None,
            metadata: Default::default(),
        })
    });
    Ok(checked)
}

/// Options a call is given instead of the `init` options (`snapshot(opts)`), checked as `init`
/// checks them (the same errors) and written down for the reporter as `init` returns them.
#[wasm_bindgen(js_name = checkOptions)]
pub fn check_options(options: JsValue) -> Result<JsValue, JsValue> {
    Options::from_js(options).map(|o| crate::config::checked::write(&o).into())
}

/// Everything captured so far, for the reporter to build a report from. Nothing is sent.
#[wasm_bindgen]
pub fn captured() -> Result<JsValue, JsValue> {
    with_session(|s| {
        Ok(crate::captured::write::captured(
            crate::captured::write::Out {
                console: &s.console.entries(),
                errors: &s.errors.entries(),
                network: s.network.raw_entries(),
                identity: s.identity.as_ref(),
                metadata: &s.metadata,
                visible_since: s.visibility.since(),
            },
        ))
    })
}

/// Names the user reports come from (`{id, email, name}`); `null` forgets them. Sent only
/// with reports, never on its own.
#[wasm_bindgen]
pub fn identify(user: JsValue) -> Result<(), JsValue> {
    let identity = context::parse_identity(user).map_err(WidgetError::into_js)?;
    with_session(|s| {
        s.identity = identity;
        Ok(())
    })
}

/// Adds key/values (strings, numbers, booleans) to every report from now on; `null` removes a
/// key. Merges with what was set before.
#[wasm_bindgen(js_name = setMetadata)]
pub fn set_metadata(values: JsValue) -> Result<(), JsValue> {
    with_session(|s| context::merge_metadata(&mut s.metadata, values))
}

/// Stops capture: restores every patched function and removes every listener. Safe to call
/// when not initialised.
#[wasm_bindgen]
pub fn destroy() {
    crate::ui::launcher::unmount_ui();
    if let Some(session) = SESSION.with(|s| s.borrow_mut().take()) {
        session.stop();
    }
}

fn with_session<T>(f: impl FnOnce(&mut Session) -> Result<T, WidgetError>) -> Result<T, JsValue> {
    SESSION
        .with(|s| match s.borrow_mut().as_mut() {
            Some(session) => f(session),
            None => Err(WidgetError::NotInitialised),
        })
        .map_err(WidgetError::into_js)
}

/// The widget's version string.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}
