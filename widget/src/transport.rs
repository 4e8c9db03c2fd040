//! Talking to the relay: `POST /v1/reports` with the key in `x-bugcap-key`, then for each
//! declared attachment an upload URL, a direct `PUT` of the bytes to object storage, and
//! `complete`.

use std::collections::BTreeMap;

use bugcap_protocol::{Attachment, Report};
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

/// Bytes to upload for a declared attachment.
pub struct Upload {
    pub attachment: Attachment,
    pub bytes: Vec<u8>,
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

#[derive(Deserialize)]
struct UploadUrl {
    url: String,
    method: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

pub async fn post_report(options: &Options, report: &Report) -> Result<Accepted, WidgetError> {
    let body = serde_json::to_string(report).map_err(|e| WidgetError::Input(e.to_string()))?;
    let text = relay_post(options, &options.reports_url(), &body).await?;
    parse_answer(&text)
}

/// Uploads one attachment of the accepted report `id`: upload URL, `PUT`, `complete`.
pub async fn upload(options: &Options, id: &str, upload: &Upload) -> Result<(), WidgetError> {
    let media = format!("{}/{id}/media", options.reports_url());
    let a = &upload.attachment;
    let request = serde_json::json!({
        "name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
    });
    let grant: UploadUrl = parse_answer(
        &relay_post(
            options,
            &format!("{media}/upload-url"),
            &request.to_string(),
        )
        .await?,
    )?;

    let init = RequestInit::new();
    init.set_method(&grant.method);
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    let body = js_sys::Uint8Array::from(upload.bytes.as_slice());
    init.set_body(&body);
    let request = Request::new_with_str_and_init(&grant.url, &init)
        .map_err(js_message(WidgetError::Network))?;
    for (name, value) in &grant.headers {
        // The browser sets Content-Length itself and refuses it from scripts.
        if !name.eq_ignore_ascii_case("content-length") {
            request
                .headers()
                .set(name, value)
                .map_err(js_message(WidgetError::Network))?;
        }
    }
    let (status, text) = send(&request).await?;
    if !(200..300).contains(&status) {
        return Err(WidgetError::Relay {
            status,
            code: "upload_failed".into(),
            message: format!(
                "object storage refused `{}` ({status}): {}",
                a.name,
                first_line(&text)
            ),
        });
    }
    let complete = serde_json::json!({ "name": a.name }).to_string();
    relay_post(options, &format!("{media}/complete"), &complete).await?;
    Ok(())
}

/// Lower-case hex SHA-256 of `bytes`, by the browser's own implementation.
pub async fn sha256(bytes: &[u8]) -> Result<String, WidgetError> {
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or_else(|| {
            WidgetError::Environment("crypto.subtle is unavailable (use https)".into())
        })?;
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .map_err(js_message(WidgetError::Environment))?;
    let digest = JsFuture::from(promise)
        .await
        .map_err(js_message(WidgetError::Environment))?;
    let digest = js_sys::Uint8Array::new(&digest).to_vec();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// A JSON `POST` to the relay with the widget key; the answer's text when it is a 2xx.
async fn relay_post(options: &Options, url: &str, body: &str) -> Result<String, WidgetError> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    // The key is the only credential: cookies of the relay's site never ride along.
    init.set_credentials(RequestCredentials::Omit);
    init.set_body(&JsValue::from_str(body));
    let request =
        Request::new_with_str_and_init(url, &init).map_err(js_message(WidgetError::Network))?;
    let headers = request.headers();
    headers
        .set("content-type", "application/json")
        .map_err(js_message(WidgetError::Network))?;
    headers
        .set("x-bugcap-key", &options.key)
        .map_err(js_message(WidgetError::Network))?;
    let (status, text) = send(&request).await?;
    if (200..300).contains(&status) {
        return Ok(text);
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

/// Sends `request`; its status and body text.
async fn send(request: &Request) -> Result<(u16, String), WidgetError> {
    let window = web_sys::window().ok_or_else(|| WidgetError::Environment("no window".into()))?;
    let response: Response = JsFuture::from(window.fetch_with_request(request))
        .await
        .map_err(js_message(WidgetError::Network))?
        .unchecked_into();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((response.status(), text))
}

fn parse_answer<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, WidgetError> {
    serde_json::from_str(text).map_err(|e| WidgetError::Relay {
        status: 200,
        code: "invalid_response".into(),
        message: format!("unexpected answer from the relay: {e}"),
    })
}

fn first_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    &line[..line.floor_char_boundary(200)]
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
