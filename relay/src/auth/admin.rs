//! Authenticating admin requests: `Authorization: Bearer bc_adm_…` with the needed scope.

use hyper::HeaderMap;
use hyper::header::AUTHORIZATION;

use super::AuthError;
use crate::store::{AdminToken, Scope, Store};

/// Blocking: call from the store's worker.
pub fn authorize(
    store: &Store,
    headers: &HeaderMap,
    needed: Scope,
) -> Result<AdminToken, AuthError> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or(AuthError::MissingToken)?
        .to_str()
        .map_err(|_| AuthError::InvalidToken)?;
    let (scheme, presented) = value
        .trim()
        .split_once(' ')
        .ok_or(AuthError::InvalidToken)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::InvalidToken);
    }
    let token = store
        .find_admin_token(presented.trim())?
        .ok_or(AuthError::InvalidToken)?;
    if !token.scopes.iter().any(|s| s.grants(needed)) {
        return Err(AuthError::InsufficientScope(needed.as_str()));
    }
    Ok(token)
}
