//! Sending a report to the relay: `POST /v1/reports` with the key in `x-bugcap-key`.

use bugcap_protocol::Report;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, RequestMode, Response};

use crate::config::Options;
use crate::error::WidgetError;

/// The relay's answer to an accepted report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Accepted {
    pub id: String,
    pub status: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
}

pub async fn post_report(options: &Options, report: &Report) -> Result<Accepted, WidgetError> {
    let body = serde_json::to_string(report).map_err(|e| WidgetError::Input(e.to_string()))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    // The key is the only credential: cookies of the relay's site never ride along.
    init.set_credentials(RequestCredentials::Omit);
    init.set_body(&JsValue::from_str(&body));
    let request = Request::new_with_str_and_init(&options.reports_url(), &init)
        .map_err(js_message(WidgetError::Network))?;
    let headers = request.headers();
    headers
        .set("content-type", "application/json")
        .map_err(js_message(WidgetError::Network))?;
    headers
        .set("x-bugcap-key", &options.key)
        .map_err(js_message(WidgetError::Network))?;

    let window = web_sys::window().ok_or_else(|| WidgetError::Environment("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(js_message(WidgetError::Network))?
        .unchecked_into();
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.ok() {
        return serde_json::from_str(&text).map_err(|e| WidgetError::Relay {
            status,
            code: "invalid_response".into(),
            message: format!("unexpected answer from the relay: {e}"),
        });
    }
    Err(match serde_json::from_str::<ErrorBody>(&text) {
        Ok(ErrorBody { error }) => WidgetError::Relay {
            status,
            code: error.code,
            message: error.message,
        },
        Err(_) => WidgetError::Relay {
            status,
            code: "http_error".into(),
            message: format!("HTTP {status}"),
        },
    })
}

fn js_message(make: fn(String) -> WidgetError) -> impl Fn(JsValue) -> WidgetError {
    move |e| {
        let message = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "unknown error".into());
        make(message)
    }
}
