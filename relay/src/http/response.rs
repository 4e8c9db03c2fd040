//! Building responses: JSON bodies and the headers every answer carries.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};

use super::error::ApiError;

pub type Body = Full<Bytes>;

/// Attached to error answers so the metrics layer can count rejects by reason.
#[derive(Debug, Clone, Copy)]
pub struct RejectCode(pub &'static str);

/// An answer of `content_type` (metrics exposition, the app's pages, thumbnails).
pub fn text(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut res = Response::new(Full::new(body.into()));
    *res.status_mut() = status;
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

pub fn json(status: StatusCode, value: &serde_json::Value) -> Response<Body> {
    let mut res = Response::new(Full::new(Bytes::from(value.to_string())));
    *res.status_mut() = status;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

pub fn error(err: &ApiError) -> Response<Body> {
    let mut res = json(err.status(), &err.body());
    res.extensions_mut().insert(RejectCode(err.code()));
    if let ApiError::RateLimited(throttled) = err {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(throttled.retry_after_secs()),
        );
    }
    res
}

/// `302 Found` to a short-lived signed URL.
pub fn redirect(location: &str) -> Response<Body> {
    let mut res = empty(StatusCode::FOUND);
    if let Ok(value) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, value);
    }
    res
}

pub fn empty(status: StatusCode) -> Response<Body> {
    let mut res = Response::new(Full::new(Bytes::new()));
    *res.status_mut() = status;
    res
}

/// Headers on every response, whatever route or error produced it.
pub fn add_security_headers(res: &mut Response<Body>, hsts: bool) {
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    // A route that lets the app frame it (the DOM snapshot), keeps its URL to itself (a share
    // page) or may be kept by the browser (a thumbnail) sets its own.
    if !h.contains_key("x-frame-options") {
        h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    }
    if !h.contains_key("referrer-policy") {
        h.insert(
            "referrer-policy",
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}
