//! Page context: where the report was filed from and on what device.

use bugcap_protocol::{ClientHints, Connection, Page, Size};
use wasm_bindgen::JsValue;

use crate::error::WidgetError;

/// The viewport's size in CSS pixels (`innerWidth`, `innerHeight`); 0 where the browser gives
/// none. The report's `page.viewport` and both screenshot modes read it.
pub fn viewport(window: &web_sys::Window) -> (f64, f64) {
    let read =
        |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0).max(0.0);
    (read(window.inner_width()), read(window.inner_height()))
}

/// `visible_since` is the epoch-milliseconds time the capture module saw the page become
/// visible, if it is visible now.
pub fn capture(visible_since: Option<f64>) -> Result<Page, WidgetError> {
    let window = web_sys::window()
        .ok_or_else(|| WidgetError::Environment("no window (bugcap runs in a page)".into()))?;
    let document = window.document();
    let navigator = window.navigator();
    let (width, height) = viewport(&window);
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
            width: width as u32,
            height: height as u32,
        },
        screen,
        device_pixel_ratio: window.device_pixel_ratio(),
        user_agent: navigator.user_agent().unwrap_or_default(),
        language: navigator.language(),
        time_zone: time_zone(),
        local_time: Some(local_time(&js_sys::Date::new_0())),
        visible_since: visible_since
            .map(|ms| String::from(js_sys::Date::new(&JsValue::from_f64(ms)).to_iso_string())),
        client_hints: client_hints(&navigator),
        connection: connection(&navigator),
    })
}

/// `date` as local wall time with the UTC offset, to the millisecond.
fn local_time(date: &js_sys::Date) -> String {
    let offset = -date.get_timezone_offset() as i32;
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{sign}{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds(),
        date.get_milliseconds(),
        offset.abs() / 60,
        offset.abs() % 60
    )
}

use crate::object::get;

fn client_hints(navigator: &web_sys::Navigator) -> Option<ClientHints> {
    let data = get(navigator, "userAgentData");
    if !data.is_object() {
        return None;
    }
    let brands = get(&data, "brands");
    let brands = if js_sys::Array::is_array(&brands) {
        crate::object::Items::of(brands)
            .take(16)
            .filter_map(|b| {
                let name = get(&b, "brand").as_string()?;
                let version = get(&b, "version").as_string().unwrap_or_default();
                Some(crate::text::clip(
                    format!("{name}/{version}"),
                    200,
                    &mut false,
                ))
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(ClientHints {
        brands,
        mobile: get(&data, "mobile").as_bool().unwrap_or(false),
        platform: crate::text::clip(
            get(&data, "platform").as_string().unwrap_or_default(),
            100,
            &mut false,
        ),
    })
}

fn connection(navigator: &web_sys::Navigator) -> Option<Connection> {
    let info = get(navigator, "connection");
    if !info.is_object() {
        return None;
    }
    let number = |key| {
        get(&info, key)
            .as_f64()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    Some(Connection {
        effective_type: get(&info, "effectiveType")
            .as_string()
            .map(|t| crate::text::clip(t, 32, &mut false)),
        downlink_mbps: number("downlink"),
        rtt_ms: number("rtt"),
        save_data: get(&info, "saveData").as_bool().unwrap_or(false),
    })
}

fn time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = format.resolved_options();
    get(&options, "timeZone").as_string()
}
