//! CORS for the widget routes. The relay reflects an `Origin` only when some active key allows
//! it (the one exception is [`origin_check`], which says no more than a preflight does), never
//! answers `*`, and always sends `Vary: Origin` so caches keep answers apart.

use hyper::header::{self, HeaderValue};
use hyper::{HeaderMap, Response, StatusCode};

use super::error::ApiError;
use super::response::{self, Body};
use crate::auth::origin;
use crate::store::Store;

const ALLOWED_METHODS: &str = "POST, PUT, OPTIONS";
const ALLOWED_HEADERS: &str = "content-type, x-bugcap-key, x-amz-checksum-sha256";
const MAX_AGE_SECONDS: &str = "600";

/// The request's `Origin` header, when present and readable.
pub fn request_origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
}

/// True when any active key lists `origin`.
pub fn is_known_origin(store: &Store, origin: &str) -> Result<bool, ApiError> {
    Ok(origin::is_allowed(&store.active_origin_patterns()?, origin))
}

/// Answers an `OPTIONS` preflight.
pub fn preflight(known_origin: Option<&str>) -> Response<Body> {
    let Some(origin) = known_origin else {
        let mut res = response::error(&ApiError::OriginNotAllowed(
            "this origin is not allowed by any widget key",
        ));
        vary(&mut res);
        return res;
    };
    let mut res = response::empty(StatusCode::NO_CONTENT);
    allow(&mut res, origin);
    let h = res.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOWED_METHODS),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOWED_HEADERS),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE_SECONDS),
    );
    res
}

/// Answers `GET /v1/origin`: whether some active key allows the request's `Origin`.
///
/// A page whose origin no key allows never sees the relay's `origin_not_allowed`: the browser
/// refuses the preflight and the page's `fetch` fails exactly as it does offline. The widget
/// asks here when a report could not be sent, so it can tell the host's developer what to fix
/// instead of keeping the report for a send that can never happen. This answer is readable by
/// any origin (a simple `GET`, no credentials): it tells a page only what its own refused
/// preflight already told the browser, and what anyone learns by sending an `OPTIONS`.
pub fn origin_check(origin: Option<&str>, allowed: bool) -> Response<Body> {
    let body = match origin {
        Some(origin) => serde_json::json!({ "origin": origin, "allowed": allowed }),
        // Same-origin requests carry no `Origin`: CORS cannot be what failed.
        None => serde_json::json!({ "origin": null, "allowed": null }),
    };
    let mut res = response::json(StatusCode::OK, &body);
    match origin {
        Some(origin) => allow(&mut res, origin),
        None => vary(&mut res),
    }
    res
}

/// Lets a known origin's page read this answer (success or error) and marks it as varying.
pub fn decorate(res: &mut Response<Body>, known_origin: Option<&str>) {
    if let Some(origin) = known_origin {
        allow(res, origin);
    } else {
        vary(res);
    }
}

fn allow(res: &mut Response<Body>, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        res.headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    vary(res);
}

fn vary(res: &mut Response<Body>) {
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Origin"));
}
