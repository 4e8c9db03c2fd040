//! `GET /v1/reports/{id}`: one stored report, for the viewer, the CLI and scripts.

use hyper::HeaderMap;

use crate::http::ApiError;
use crate::state::AppState;

pub async fn get(
    state: &AppState,
    headers: HeaderMap,
    id: String,
) -> Result<serde_json::Value, ApiError> {
    let (stored, media) = super::read_report(state, headers, id, |store, id| {
        let stored = store.get_report(id)?.ok_or(ApiError::NotFound)?;
        Ok((stored, store.media_of(id)?))
    })
    .await?;
    let mut value = serde_json::to_value(stored)
        .map_err(|e| ApiError::Unavailable(crate::store::StoreError::Corrupt(e.to_string())))?;
    value["media"] = media.iter().map(|m| m.summary()).collect();
    Ok(value)
}
