//! `GET /v1/reports/{id}`: one stored report, for the viewer, the CLI and scripts.

use hyper::HeaderMap;

use crate::auth::admin;
use crate::http::ApiError;
use crate::state::AppState;
use crate::store::Scope;

pub async fn get(
    state: &AppState,
    headers: HeaderMap,
    id: String,
) -> Result<serde_json::Value, ApiError> {
    let stored = state
        .store
        .call(move |store| {
            Ok(
                admin::authorize(store, &headers, Scope::ReportsRead).and_then(|_| {
                    // Ids are UUIDs; anything else cannot exist and never reaches the query.
                    if uuid::Uuid::parse_str(&id).is_err() {
                        return Err(ApiError::NotFound);
                    }
                    let stored = store.get_report(&id)?.ok_or(ApiError::NotFound)?;
                    Ok((stored, store.media_of(&id)?))
                }),
            )
        })
        .await??;
    let (stored, media) = stored;
    let mut value = serde_json::to_value(stored)
        .map_err(|e| ApiError::Unavailable(crate::store::StoreError::Corrupt(e.to_string())))?;
    value["media"] = media.iter().map(|m| m.summary()).collect();
    Ok(value)
}
