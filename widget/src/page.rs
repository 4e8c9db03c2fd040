//! Page context: where the report was filed from and on what device.

use bugcap_protocol::{Page, Size};
use wasm_bindgen::JsValue;

use crate::error::WidgetError;

pub fn capture() -> Result<Page, WidgetError> {
    let window = web_sys::window()
        .ok_or_else(|| WidgetError::Environment("no window (bugcap runs in a page)".into()))?;
    let document = window.document();
    let navigator = window.navigator();
    let dimension = |v: Result<JsValue, JsValue>| {
        v.ok()
            .and_then(|v| v.as_f64())
            .map_or(0, |f| f.max(0.0) as u32)
    };
    let screen = window.screen().ok().map(|s| Size {
        width: s.width().unwrap_or(0).max(0) as u32,
        height: s.height().unwrap_or(0).max(0) as u32,
    });
    let referrer = document
        .as_ref()
        .map(|d| d.referrer())
        .filter(|r| !r.is_empty());
    Ok(Page {
        url: window.location().href().unwrap_or_default(),
        referrer,
        title: document.as_ref().map(|d| d.title()).unwrap_or_default(),
        viewport: Size {
            width: dimension(window.inner_width()),
            height: dimension(window.inner_height()),
        },
        screen,
        device_pixel_ratio: window.device_pixel_ratio(),
        user_agent: navigator.user_agent().unwrap_or_default(),
        language: navigator.language(),
        time_zone: time_zone(),
    })
}

fn time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = format.resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()?
        .as_string()
}
