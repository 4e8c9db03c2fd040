//! `GET /app/reports/{id}/thumbnail`: the inbox's picture of a report, made from its screenshot
//! the first time it is asked for (read back from the object store, checked against its
//! declared checksum, decoded with limits) and kept in the store after that.

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};

use super::{AppError, Page, signed_in};
use crate::http::response;
use crate::media::thumbnail;
use crate::state::AppState;
use crate::store::{MediaState, Thumbnail};

/// Thumbnails made at once: decoding a screenshot takes a core for tens of milliseconds, and a
/// first look at a full inbox asks for fifty. Requests past this wait their turn.
static MAKING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// `GET /app/reports/{id}/thumbnail`: a JPEG, or 404 when the report has no screenshot that
/// could be made into one (the inbox's `<img alt="">` then shows nothing).
pub async fn serve(state: &AppState, req: Request<Incoming>, id: String) -> Page {
    signed_in(state, req.headers()).await?;
    uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let jpeg = match cached(state, &id).await? {
        Thumbnail::Jpeg(jpeg) => jpeg,
        Thumbnail::Unavailable => return Err(AppError::NotFound),
        Thumbnail::Unmade => {
            let _turn = MAKING.acquire().await;
            // Another request may have made it while this one waited.
            match cached(state, &id).await? {
                Thumbnail::Jpeg(jpeg) => jpeg,
                Thumbnail::Unavailable => return Err(AppError::NotFound),
                Thumbnail::Unmade => make(state, &id).await?.ok_or(AppError::NotFound)?,
            }
        }
    };
    let mut res = response::text(StatusCode::OK, "image/jpeg", jpeg);
    // A screenshot never changes once it has arrived; the session still guards the URL.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(res)
}

async fn cached(state: &AppState, id: &str) -> Result<Thumbnail, AppError> {
    let id = id.to_owned();
    Ok(state.store.call(move |store| store.thumbnail(&id)).await?)
}

/// Makes and keeps the thumbnail; `None` (kept as such) when the screenshot is not there yet,
/// is not what was declared, or cannot be decoded. A store that does not answer is not
/// remembered, so the next view tries again.
async fn make(state: &AppState, id: &str) -> Result<Option<Vec<u8>>, AppError> {
    let row = {
        let id = id.to_owned();
        state
            .store
            .call(move |store| {
                let shots = store.screenshots_of(std::slice::from_ref(&id))?;
                match shots.get(&id) {
                    Some(name) => store.media(&id, name),
                    None => Ok(None),
                }
            })
            .await?
    };
    // No screenshot yet (or none at all): nothing to remember, it may still arrive.
    let Some(row) = row.filter(|m| m.state == MediaState::Complete) else {
        return Ok(None);
    };
    let bytes = match state.objects.read_verified(&row.object).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %e, "reading a screenshot back for its thumbnail failed");
            return Ok(None);
        }
    };
    let content_type = row.object.content_type.clone();
    let made = match bytes {
        Some(bytes) => tokio::task::spawn_blocking(move || thumbnail::make(&bytes, &content_type))
            .await
            .map_err(|_| AppError::Store(crate::store::StoreError::Worker))?
            .map_err(|e| tracing::info!(error = %e, "no thumbnail for a screenshot"))
            .ok(),
        None => None,
    };
    let id = id.to_owned();
    let kept = made.clone();
    state
        .store
        .call(move |store| store.save_thumbnail(&id, kept.as_deref()))
        .await?;
    Ok(made)
}
