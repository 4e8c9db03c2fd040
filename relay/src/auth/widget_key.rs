//! Authenticating widget requests: the key travels only in `x-bugcap-key`, and the request's
//! `Origin` must be on that key's list.

use hyper::{HeaderMap, Uri};

use super::AuthError;
use super::origin;
use super::secret;
use crate::store::{Store, WidgetKey};

pub const KEY_HEADER: &str = "x-bugcap-key";

/// Refuses a request whose query string carries a key: URLs are logged by proxies, browsers and
/// servers, so a key there is treated as leaked rather than used.
pub fn refuse_key_in_query(uri: &Uri) -> Result<(), AuthError> {
    let Some(query) = uri.query() else {
        return Ok(());
    };
    let suspicious = query.split('&').any(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        name.to_ascii_lowercase().contains("key")
            || secret::contains_secret_shape(value)
            || secret::contains_secret_shape(name)
    });
    if suspicious {
        Err(AuthError::KeyInQuery)
    } else {
        Ok(())
    }
}

/// Finds the active key named by the request and checks the request's origin against it.
/// Blocking: call from the store's worker.
pub fn authenticate(store: &Store, headers: &HeaderMap) -> Result<WidgetKey, AuthError> {
    let presented = headers
        .get(KEY_HEADER)
        .ok_or(AuthError::MissingKey)?
        .to_str()
        .map_err(|_| AuthError::InvalidKey)?;
    let key = store
        .find_widget_key(presented.trim())?
        .ok_or(AuthError::InvalidKey)?;
    match headers.get(hyper::header::ORIGIN).map(|v| v.to_str()) {
        None => Err(AuthError::OriginNotAllowed(
            "this request has no Origin header; widget keys are only usable from a page",
        )),
        Some(Ok("null")) => Err(AuthError::OriginNotAllowed(
            "Origin: null (sandboxed or file pages) is never allowed",
        )),
        Some(Ok(o)) if origin::is_allowed(&key.origins, o) => Ok(key),
        Some(_) => Err(AuthError::OriginNotAllowed(
            "this origin is not on the widget key's allowed-origins list",
        )),
    }
}
