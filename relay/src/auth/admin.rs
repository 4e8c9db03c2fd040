//! Authenticating admin requests: `Authorization: Bearer bc_adm_…` with the needed scope.

use hyper::HeaderMap;
use hyper::header::AUTHORIZATION;

use crate::http::ApiError;
use crate::store::{AdminToken, Scope, Store};

/// Blocking: call from the store's worker.
pub fn authorize(
    store: &Store,
    headers: &HeaderMap,
    needed: Scope,
) -> Result<AdminToken, ApiError> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or(ApiError::MissingToken)?
        .to_str()
        .map_err(|_| ApiError::InvalidToken)?;
    let (scheme, presented) = value.trim().split_once(' ').ok_or(ApiError::InvalidToken)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::InvalidToken);
    }
    let token = store
        .find_admin_token(presented.trim())?
        .ok_or(ApiError::InvalidToken)?;
    if !token.scopes.iter().any(|s| s.grants(needed)) {
        return Err(ApiError::InsufficientScope(needed.as_str()));
    }
    Ok(token)
}
