//! The host element, its shadow root and the launcher button, mounted at `init` by the capture
//! module (so the button is there before the reporter loads). Clicking it, or pressing the
//! configured shortcut, calls back into the loader, which opens the dialog.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

use super::dom::{self, Listeners};
use crate::config::{Options, Theme};
use crate::error::WidgetError;
use crate::strings;

const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/launcher.css"));

/// A bug in a speech bubble, drawn with the text colour.
const ICON: &str = "<svg viewBox=\"0 0 24 24\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" \
stroke-linecap=\"round\" stroke-linejoin=\"round\" aria-hidden=\"true\"><path d=\"M21 15a2 2 0 0 1-2 2H7l-4 \
4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z\"/><path d=\"M12 7v4\"/><path d=\"M12 14h.01\"/></svg>";

struct Mounted {
    host: Element,
    _listeners: Listeners,
}

thread_local! {
    static MOUNTED: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

/// Mounts the widget's host element with its launcher (unless `launcher: false`) and shortcut,
/// replacing any earlier one. `on_launch` is called when the user asks to report. Returns the
/// shadow root the dialog is built in.
#[wasm_bindgen(js_name = mountUi)]
pub fn mount_ui(options: JsValue, on_launch: js_sys::Function) -> Result<ShadowRoot, JsValue> {
    let options = Options::from_js(options)?;
    unmount_ui();
    mount(&options, on_launch).map_err(WidgetError::into_js)
}

/// The bundled locale the UI shows on this page (`"en"`, `"de"`, …): the `locale` option, else
/// `<html lang>`, else the browser's language. The loader imports that locale's strings for
/// the dialog, so a page downloads no locale but its own.
#[wasm_bindgen(js_name = uiLocale)]
pub fn ui_locale(options: JsValue) -> JsValue {
    let option = crate::object::string(&options, "locale");
    strings::LOCALES[super::locale(option.as_deref())].into()
}

fn mount(options: &Options, on_launch: js_sys::Function) -> Result<ShadowRoot, WidgetError> {
    let doc = dom::document()?;
    let ui = &options.ui;
    let host = dom::el(&doc, crate::UI_TAG, &[]);
    host.set_attribute(
        "data-theme",
        match ui.theme {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        },
    )
    .ok();
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    let root = host
        .attach_shadow(&init)
        .map_err(|_| WidgetError::Environment("cannot attach the widget's shadow root".into()))?;
    dom::adopt(&root, &dom::sheet(CSS)?);
    let mut listeners = Listeners::default();
    if let Some(position) = ui.launcher {
        let label = ui
            .launcher_label
            .as_deref()
            .or_else(|| strings::replacement(&ui.strings, strings::Text::Launcher))
            .unwrap_or_else(|| strings::launcher_label(super::locale(ui.locale.as_deref())))
            .to_owned();
        let button = dom::el(
            &doc,
            "button",
            &[
                ("type", "button"),
                ("class", &format!("launcher {}", position.class())),
                ("part", "launcher"),
                ("aria-haspopup", "dialog"),
            ],
        );
        button.set_inner_html(ICON);
        dom::append(&button, &[&dom::text_el(&doc, "span", &[], &label)]);
        let _ = root.append_child(&button);
        let launch = on_launch.clone();
        listeners.on(&button, "click", move |_| {
            let _ = launch.call0(&JsValue::NULL);
        });
    }
    if let (Some(shortcut), Some(window)) = (ui.shortcut.clone(), web_sys::window()) {
        listeners.on_capture(&window, "keydown", move |event| {
            if let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>()
                && !key.repeat()
                && shortcut.matches(key)
            {
                event.prevent_default();
                let _ = on_launch.call0(&JsValue::NULL);
            }
        });
    }
    let parent = doc
        .document_element()
        .ok_or_else(|| WidgetError::Environment("the page has no root element".into()))?;
    // Under <html>, not <body>: a transformed or re-rendered body cannot move or remove it.
    let _ = parent.append_child(&host);
    MOUNTED.with_borrow_mut(|m| {
        *m = Some(Mounted {
            host,
            _listeners: listeners,
        })
    });
    Ok(root)
}

/// Removes the host element, launcher and shortcut. Safe to call when nothing is mounted.
#[wasm_bindgen(js_name = unmountUi)]
pub fn unmount_ui() {
    if let Some(mounted) = MOUNTED.with_borrow_mut(Option::take) {
        mounted.host.remove();
    }
}
