//! Talking to the relay: `POST /v1/reports` with the key in `x-bugcap-key`, then for each
//! declared attachment an upload URL, a direct `PUT` of the bytes to object storage, and
//! `complete`. Every step is retried with backoff when the failure is transient (no network,
//! 408, 429, 5xx). Retrying is safe: the report id is its idempotency key, the relay hands out
//! the same upload URL while it is live, and `complete` answers a repeat the same way.

use bugcap_protocol::map::Map;

use bugcap_protocol::Attachment;
use bugcap_protocol::json::Json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, RequestMode, Response};

use crate::config::Options;
use crate::error::WidgetError;

/// The relay's answer to an accepted report.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub id: String,
    pub status: String,
}

/// Bytes to upload for a declared attachment.
pub struct Upload {
    pub attachment: Attachment,
    pub bytes: Vec<u8>,
}

/// Where and how to upload an attachment's bytes, as the relay signed it.
struct UploadUrl {
    url: String,
    method: String,
    headers: Map<String>,
}

/// Tries per request, the first included.
const ATTEMPTS: u32 = 4;
/// Wait before the first retry; doubled after each, with jitter.
const FIRST_RETRY_MS: f64 = 400.0;

/// Whether trying the same request again may succeed.
pub fn is_transient(error: &WidgetError) -> bool {
    match error {
        WidgetError::Network(_) => true,
        WidgetError::Relay { status, .. } => matches!(status, 408 | 429) || *status >= 500,
        _ => false,
    }
}

/// Runs `attempt` until it succeeds, fails for good, or has been tried [`ATTEMPTS`] times.
async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, WidgetError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, WidgetError>>,
{
    let mut delay = FIRST_RETRY_MS;
    let mut tried = 1;
    loop {
        match attempt().await {
            Err(e) if tried < ATTEMPTS && is_transient(&e) => {
                // Jitter spreads the retries of many pages after a relay restart.
                sleep(delay * (0.75 + js_sys::Math::random() / 2.0)).await;
                delay *= 2.0;
                tried += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Resolves after `ms` milliseconds (a timer of the page).
pub(crate) async fn sleep(ms: f64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// `POST /v1/reports` with `body`, a report as JSON text (as built, or as kept in the outbox).
///
/// A request that gets no answer at all, after its retries, may be a page whose origin no key
/// allows: the browser refused the CORS preflight, which to the page looks exactly like being
/// offline. The relay is asked which it was ([`origin_refused`]) before the failure is taken
/// as transient, so such a report is not kept for later, and the host's developer is told on
/// the console what to fix.
pub async fn post_report(options: &Options, body: &str) -> Result<Accepted, WidgetError> {
    let url = options.reports_url();
    let answer = match retrying(|| relay_post(options, &url, body)).await {
        Err(WidgetError::Network(why)) => match origin_refused(options).await {
            Some(refused) => Err(refused),
            None => Err(WidgetError::Network(why)),
        },
        answer => answer,
    }
    .inspect_err(|e| {
        if e.code() == ORIGIN_NOT_ALLOWED {
            web_sys::console::error_1(&origin_help(options).into());
        }
    })?;
    let answer = parse_answer(&answer)?;
    Ok(Accepted {
        id: answer_field(&answer, "id")?,
        status: answer_field(&answer, "status")?,
    })
}

/// The relay's code for a key that does not allow the page's origin.
pub const ORIGIN_NOT_ALLOWED: &str = "origin_not_allowed";

/// After a report got no answer: asks the relay (`GET /v1/origin`, a simple request that needs
/// no preflight) whether any key allows this page's origin. The refusal when the relay says
/// none does; `None` when it does, cannot tell (same origin) or cannot be reached either.
async fn origin_refused(options: &Options) -> Option<WidgetError> {
    let url = format!("{}/v1/origin", options.relay.trim_end_matches('/'));
    let request = cors_request("GET", &url, None).ok()?;
    let (status, text) = send(&request).await.ok()?;
    let answer = Json::parse(&text).ok().filter(|_| status == 200)?;
    if answer.get("allowed") != Some(&Json::Bool(false)) {
        return None;
    }
    Some(WidgetError::Relay {
        status: 403,
        code: ORIGIN_NOT_ALLOWED.into(),
        message: format!(
            "no key on the relay allows this page's origin ({})",
            page_origin()
        ),
    })
}

/// What the host's developer needs to fix a refused origin, for the console.
fn origin_help(options: &Options) -> String {
    let origin = page_origin();
    format!(
        "bugcap: reports from {origin} are refused by the relay at {relay}: the widget key \
         {key}… does not allow this origin. Add it to the key's allowed origins \
         (bugcap-relay keys create --origin {origin} …, then use the new key), or serve the \
         page from an origin the key lists. Nothing was sent or kept for later.",
        relay = options.relay,
        key = options.key.get(..12).unwrap_or_default(),
    )
}

fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Uploads one attachment of the accepted report `id`: upload URL, `PUT`, `complete`.
pub async fn upload(options: &Options, id: &str, upload: &Upload) -> Result<(), WidgetError> {
    let media = format!("{}/{id}/media", options.reports_url());
    let a = &upload.attachment;
    let grant_url = format!("{media}/upload-url");
    let request = Json::Object(vec![
        ("name".into(), a.name.as_str().into()),
        ("content_type".into(), a.content_type.as_str().into()),
        ("size".into(), a.size.into()),
        ("sha256".into(), a.sha256.as_str().into()),
    ])
    .to_string();
    let answer = parse_answer(&retrying(|| relay_post(options, &grant_url, &request)).await?)?;
    let grant = UploadUrl {
        url: answer_field(&answer, "url")?,
        method: answer_field(&answer, "method")?,
        headers: answer
            .get("headers")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(name, v)| Some((name.clone(), v.as_str()?.to_owned())))
            .collect(),
    };
    retrying(|| put(&grant, upload)).await?;
    let complete_url = format!("{media}/complete");
    let complete = Json::Object(vec![("name".into(), a.name.as_str().into())]).to_string();
    retrying(|| relay_post(options, &complete_url, &complete)).await?;
    Ok(())
}

/// The direct upload of the bytes to object storage, on the URL the relay signed.
async fn put(grant: &UploadUrl, upload: &Upload) -> Result<(), WidgetError> {
    let body = js_sys::Uint8Array::from(upload.bytes.as_slice());
    let request = cors_request(&grant.method, &grant.url, Some(&body))?;
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
                upload.attachment.name,
                first_line(&text)
            ),
        });
    }
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
    let request = cors_request("POST", url, Some(&JsValue::from_str(body)))?;
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
    let detail = Json::parse(&text).ok().and_then(|v| {
        let error = v.get("error")?;
        let text = |key: &str| error.get(key).and_then(Json::as_str).map(str::to_owned);
        Some((text("code")?, text("message")?, text("field")))
    });
    Err(match detail {
        Some((code, message, field)) => WidgetError::Relay {
            status,
            code,
            message: match field {
                Some(field) => format!("`{field}`: {message}"),
                None => message,
            },
        },
        None => WidgetError::Relay {
            status,
            code: "http_error".into(),
            message: format!("HTTP {status}"),
        },
    })
}

/// A cross-origin request without credentials: the key (or the signed URL) is the only
/// credential, and cookies of the relay's or the bucket's site never ride along.
fn cors_request(method: &str, url: &str, body: Option<&JsValue>) -> Result<Request, WidgetError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    if let Some(body) = body {
        init.set_body(body);
    }
    Request::new_with_str_and_init(url, &init).map_err(js_message(WidgetError::Network))
}

/// Sends `request`; its status and body text.
async fn send(request: &Request) -> Result<(u16, String), WidgetError> {
    let window = web_sys::window().ok_or_else(|| WidgetError::Environment("no window".into()))?;
    let response: Response =
        JsFuture::from(window.fetch_with_request_and_init(request, &own_init()))
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

/// A `RequestInit` marking the request as the widget's own, so the network capture leaves it out
/// of the page's requests (see `widget/js/network.js`).
pub fn own_init() -> RequestInit {
    let init = RequestInit::new();
    let _ = js_sys::Reflect::set(
        &init,
        &js_sys::Symbol::for_("bugcap.own").into(),
        &JsValue::TRUE,
    );
    init
}

/// The relay's answer as a JSON document. Its few fields are looked up ([`answer_field`]):
/// a derived reader per answer cost the bundle more than the lookups.
fn parse_answer(text: &str) -> Result<Json, WidgetError> {
    Json::parse(text).map_err(|e| invalid_answer(e.to_string()))
}

fn answer_field(answer: &Json, key: &str) -> Result<String, WidgetError> {
    answer
        .get(key)
        .and_then(Json::as_str)
        .map(str::to_owned)
        .ok_or_else(|| invalid_answer(format!("no `{key}` string")))
}

fn invalid_answer(why: String) -> WidgetError {
    WidgetError::Relay {
        status: 200,
        code: "invalid_response".into(),
        message: format!("unexpected answer from the relay: {why}"),
    }
}

fn first_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    &line[..line.floor_char_boundary(200)]
}

fn js_message(make: fn(String) -> WidgetError) -> impl Fn(JsValue) -> WidgetError {
    move |e| make(crate::error::js_message(&e).unwrap_or_else(|| "unknown error".into()))
}
