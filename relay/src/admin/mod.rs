//! The admin API: reading reports and their media with an admin token.

pub mod media;
pub mod reports;

use hyper::HeaderMap;

use crate::auth::admin;
use crate::http::ApiError;
use crate::state::AppState;
use crate::store::{Scope, Store};

/// Runs `read` on the store for a `reports:read` request about report `id`, after the token
/// check. Ids are UUIDs; anything else cannot exist and never reaches a query.
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
    state
        .store
        .call(move |store| {
            Ok(
                admin::authorize(store, &headers, Scope::ReportsRead).and_then(|_| {
                    if uuid::Uuid::parse_str(&id).is_err() {
                        return Err(ApiError::NotFound);
                    }
                    read(store, &id)
                }),
            )
        })
        .await?
}
