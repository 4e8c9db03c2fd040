//! The checks every widget request passes before its body is looked at, in order of cost: the
//! per-IP rate limit, no key in the URL, a JSON content type (so browsers must preflight), the
//! key and the page's origin, the per-key rate limit, then the body within a size and time limit.
//! A report counts against the report buckets; its media requests against buckets of their own.

use bytes::Bytes;
use hyper::Request;
use hyper::body::Incoming;

use crate::auth::widget_key;
use crate::http::ApiError;
use crate::http::body::{is_json, read_limited};
use crate::state::AppState;
use crate::store::WidgetKey;

/// Which rate-limit buckets a request counts against.
#[derive(Debug, Clone, Copy)]
pub enum Charge {
    /// A new report: the per-IP and per-key report buckets.
    Report,
    /// A media request of this report: the media buckets (per IP and per report).
    Media(uuid::Uuid),
}

/// Admits a widget request: returns its key and its body (at most `body_limit` bytes).
pub async fn admit(
    state: &AppState,
    client: std::net::IpAddr,
    req: Request<Incoming>,
    body_limit: usize,
    charge: Charge,
) -> Result<(WidgetKey, Bytes), ApiError> {
    match charge {
        Charge::Report => state.rate_limits.check_ip(client),
        Charge::Media(report) => state.rate_limits.check_media(client, report),
    }
    .map_err(ApiError::RateLimited)?;
    widget_key::refuse_key_in_query(req.uri())?;
    if !is_json(req.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let headers = req.headers().clone();
    let key = state
        .store
        .call(move |store| Ok(widget_key::authenticate(store, &headers)))
        .await??;
    if let Charge::Report = charge {
        state
            .rate_limits
            .check_key(key.id)
            .map_err(ApiError::RateLimited)?;
    }

    let (parts, body) = req.into_parts();
    let read = read_limited(body, &parts.headers, body_limit);
    let bytes = tokio::time::timeout(state.body_timeout, read)
        .await
        .map_err(|_| ApiError::RequestTimeout(state.body_timeout.as_secs()))??;
    Ok((key, bytes))
}
