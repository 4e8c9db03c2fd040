//! The admin API: reading, triaging and sharing reports with an admin token.

pub mod media;
pub mod reports;
pub mod shares;
pub mod triage;

use hyper::body::Incoming;
use hyper::{HeaderMap, Request};

use crate::auth::admin;
use crate::http::ApiError;
use crate::http::body::{is_json, json_error, read_limited};
use crate::state::AppState;
use crate::store::{Actor, AdminToken, Scope, Store};

/// The largest body an admin write takes: a comment, a triage change for a page of reports.
const MAX_WRITE_BYTES: usize = 64 * 1024;

/// Runs `work` on the store for a request that needs `scope` and acts on `reports`, after the
/// token check and after checking the token reaches each of those reports, with the token as
/// the actor.
async fn authorized<T, F>(
    state: &AppState,
    headers: HeaderMap,
    scope: Scope,
    reports: Vec<String>,
    work: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Store, &Actor) -> Result<T, ApiError> + Send + 'static,
{
    state
        .store
        .call(move |store| {
            Ok(admin::authorize(store, &headers, scope)
                .map_err(ApiError::from)
                .and_then(|token| {
                    for id in &reports {
                        known_shape(id)?;
                        within_reach(store, &token, id)?;
                    }
                    work(store, &Actor::token(&token.prefix))
                }))
        })
        .await?
}

/// A report outside the projects a token is limited to does not exist for it: 404, as for an
/// id that names nothing, so a limited token cannot even learn which ids exist elsewhere.
/// Blocking.
pub fn within_reach(store: &Store, token: &AdminToken, id: &str) -> Result<(), ApiError> {
    if token.limited_to().is_none() {
        return Ok(());
    }
    match store.project_of(id)? {
        Some(project) if token.reaches(&project) => Ok(()),
        _ => Err(ApiError::NotFound),
    }
}

/// A 422 naming the field that was refused and why.
fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::InvalidField {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Ids are UUIDs; anything else cannot exist and never reaches a query.
fn known_shape(id: &str) -> Result<(), ApiError> {
    uuid::Uuid::parse_str(id)
        .map(drop)
        .map_err(|_| ApiError::NotFound)
}

/// Runs `read` on the store for a `reports:read` request about report `id`, after the token
/// check.
async fn read_report<T, F>(
    state: &AppState,
    headers: HeaderMap,
    id: String,
    read: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Store, &str) -> Result<T, ApiError> + Send + 'static,
{
    authorized(
        state,
        headers,
        Scope::ReportsRead,
        vec![id.clone()],
        move |store, _| read(store, &id),
    )
    .await
}

/// The JSON body of an admin write, within [`MAX_WRITE_BYTES`] and the body timeout. JSON only,
/// so a browser cannot send it from a foreign page without a preflight.
async fn read_json(
    state: &AppState,
    req: Request<Incoming>,
) -> Result<(HeaderMap, serde_json::Value), ApiError> {
    if !is_json(req.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let (parts, body) = req.into_parts();
    let read = read_limited(body, &parts.headers, MAX_WRITE_BYTES);
    let bytes = tokio::time::timeout(state.body_timeout, read)
        .await
        .map_err(|_| ApiError::RequestTimeout(state.body_timeout.as_secs()))??;
    let value = serde_json::from_slice(&bytes).map_err(|e| json_error(String::new(), &e))?;
    Ok((parts.headers, value))
}
