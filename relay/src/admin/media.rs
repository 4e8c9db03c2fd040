//! `GET /v1/reports/{id}/media/{name}`: a completed attachment, as a redirect to a short-lived
//! signed download URL, so the bytes never pass through the relay when a bucket holds them.

use std::time::Duration;

use hyper::HeaderMap;

use crate::http::ApiError;
use crate::state::AppState;
use crate::store::{MediaRow, MediaState};

/// How long a download link works.
pub const DOWNLOAD_TTL: Duration = Duration::from_secs(60);

/// The signed URL to redirect to.
pub async fn download_url(
    state: &AppState,
    headers: HeaderMap,
    report_id: String,
    name: String,
    request_base: String,
) -> Result<String, ApiError> {
    let row = super::read_report(state, headers, report_id, move |store, id| {
        Ok(store.media(id, &name)?)
    })
    .await?;
    completed_url(state, row, &request_base)
}

/// The signed download URL of an attachment that has arrived; 404 for one that is unknown or
/// still awaited. Every reader of media (the API, share links, the app) goes through here.
pub fn completed_url(
    state: &AppState,
    row: Option<MediaRow>,
    request_base: &str,
) -> Result<String, ApiError> {
    let row = row
        .filter(|m| m.state == MediaState::Complete)
        .ok_or(ApiError::NotFound)?;
    Ok(state
        .objects
        .presign_get(&row.object, DOWNLOAD_TTL, request_base))
}
