//! HTTP plumbing shared by every route: errors, responses, CORS, the base URL a client used.

pub mod body;
pub mod cors;
pub mod error;
pub mod response;

pub use error::ApiError;

use crate::state::AppState;

/// `scheme://host[:port]` the client reached the relay at, for the local store's upload URLs
/// when no public URL is configured. Only a plain host name or address is taken from `Host`.
pub fn request_base(state: &AppState, headers: &hyper::HeaderMap) -> String {
    let scheme = if state.hsts { "https" } else { "http" };
    let host = headers
        .get(hyper::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}
