//! Read-only share links. The team makes and revokes them with a `reports:write` token
//! (`POST` / `DELETE /v1/reports/{id}/shares…`); whoever holds one reads that report, its
//! completed media and nothing else (`GET /v1/shared/{token}`): no comments, no activity, no
//! triage, no other report, no list.

use hyper::HeaderMap;
use serde_json::{Value, json};

use super::authorized;
use crate::http::ApiError;
use crate::state::AppState;
use crate::store::{MediaState, Scope};

/// Where the app shows a shared report to someone signed out.
pub fn link(base: &str, token: &str) -> String {
    format!("{base}/app/s/{token}")
}

/// `POST /v1/reports/{id}/shares`: the new link, with its secret shown this once.
pub async fn create(
    state: &AppState,
    headers: HeaderMap,
    id: String,
    base: String,
) -> Result<Value, ApiError> {
    let (token, info) = authorized(
        state,
        headers,
        Scope::ReportsWrite,
        vec![id.clone()],
        move |store, actor| store.create_share(&id, actor)?.ok_or(ApiError::NotFound),
    )
    .await?;
    Ok(json!({ "share": info, "token": token, "url": link(&base, &token) }))
}

/// `GET /v1/reports/{id}/shares`: `{shares: [...]}`, newest first, revoked ones included.
pub async fn list(state: &AppState, headers: HeaderMap, id: String) -> Result<Value, ApiError> {
    let shares = super::read_report(state, headers, id, |store, id| {
        store.triage_of(id)?.ok_or(ApiError::NotFound)?;
        Ok(store.shares_of(id)?)
    })
    .await?;
    Ok(json!({ "shares": shares }))
}

/// `DELETE /v1/reports/{id}/shares/{share}`: the link stops working on its next request.
pub async fn revoke(
    state: &AppState,
    headers: HeaderMap,
    id: String,
    share: String,
) -> Result<(), ApiError> {
    let share: i64 = share.parse().map_err(|_| ApiError::NotFound)?;
    authorized(
        state,
        headers,
        Scope::ReportsWrite,
        vec![id.clone()],
        move |store, actor| {
            if store.revoke_share(&id, share, actor)? {
                Ok(())
            } else {
                Err(ApiError::NotFound)
            }
        },
    )
    .await
}

/// The report a share link opens, or 404 for an unknown, malformed or revoked link.
pub async fn shared_id(state: &AppState, token: String) -> Result<String, ApiError> {
    state
        .store
        .call(move |store| store.shared_report_id(&token))
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /v1/shared/{token}`: the one report, as stored (redacted), and its media's names.
pub async fn read(state: &AppState, token: String) -> Result<Value, ApiError> {
    let id = shared_id(state, token).await?;
    state
        .store
        .call(move |store| Ok(document(store, &id)))
        .await?
}

/// What a share link shows of a report: the report and its completed media; nothing of the
/// team's (triage, activity, key, project). Blocking.
pub fn document(store: &crate::store::Store, id: &str) -> Result<Value, ApiError> {
    let stored = store.get_report(id)?.ok_or(ApiError::NotFound)?;
    let media: Vec<Value> = store
        .media_of(id)?
        .iter()
        .filter(|m| m.state == MediaState::Complete)
        .map(|m| m.summary())
        .collect();
    Ok(json!({
        "id": stored.id,
        "received_at": stored.received_at,
        "report": stored.report,
        "media": media,
    }))
}

/// `GET /v1/shared/{token}/media/{name}`: a completed attachment of the shared report, as a
/// redirect to a short-lived signed URL.
pub async fn media_url(
    state: &AppState,
    token: String,
    name: String,
    base: String,
) -> Result<String, ApiError> {
    let id = shared_id(state, token).await?;
    let row = state
        .store
        .call(move |store| store.media(&id, &name))
        .await?;
    super::media::completed_url(state, row, &base)
}
