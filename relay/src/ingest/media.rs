//! `POST /v1/reports/{id}/media/upload-url` and `POST /v1/reports/{id}/media/complete`: the
//! widget asks for a short-lived URL bound to exactly what its report declared, uploads
//! straight to the object store, then confirms; the relay checks the stored bytes before the
//! attachment counts. Only the key that filed the report may do either.

use hyper::Request;
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::json;

use super::gate::{Charge, admit};
use crate::http::ApiError;
use crate::http::body::json_error;
use crate::media::{Verdict, now_secs};
use crate::state::AppState;
use crate::store::{MediaRow, MediaState, WidgetKey};

/// Media requests are tiny; anything bigger is not one.
const BODY_LIMIT: usize = 4096;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadUrlRequest {
    name: String,
    content_type: String,
    size: u64,
    sha256: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteRequest {
    name: String,
}

pub async fn upload_url(
    state: &AppState,
    client: std::net::IpAddr,
    req: Request<Incoming>,
    report_id: String,
    request_base: String,
) -> Result<serde_json::Value, ApiError> {
    let (key, bytes) = admit(state, client, req, BODY_LIMIT, charge(&report_id)?).await?;
    let ask: UploadUrlRequest = parse_body(&bytes)?;
    let row = owned_media(state, &key, &report_id, &ask.name).await?;
    let declared = &row.object;
    if ask.content_type != declared.content_type {
        return Err(mismatch("content_type"));
    }
    if ask.size != declared.size {
        return Err(mismatch("size"));
    }
    if !ask.sha256.eq_ignore_ascii_case(&declared.sha256) {
        return Err(mismatch("sha256"));
    }
    // The policy may have tightened since the report was filed.
    state
        .media_policy
        .check(&declared.content_type, declared.size)?;
    match row.state {
        MediaState::Declared => {}
        MediaState::Complete => return Err(ApiError::MediaAlreadyComplete),
        MediaState::Missing => return Err(ApiError::MediaWindowClosed),
    }
    let ttl = state.media_policy.upload_ttl;
    let (rid, name) = (report_id.clone(), ask.name.clone());
    let issued_at = state
        .store
        .call(move |s| s.grant_upload_url(&rid, &name, now_secs(), ttl.as_secs() as i64))
        .await?;
    let presigned = state
        .objects
        .presign_put(declared, issued_at, ttl, &request_base);
    let headers: serde_json::Map<String, serde_json::Value> = presigned
        .headers
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into()))
        .collect();
    tracing::info!(report_id = %report_id, attachment = %ask.name, backend = state.objects.kind(), "upload url issued");
    Ok(json!({
        "url": presigned.url,
        "method": "PUT",
        "headers": headers,
        "expires_at": rfc3339(presigned.expires_at),
    }))
}

pub async fn complete(
    state: &AppState,
    client: std::net::IpAddr,
    req: Request<Incoming>,
    report_id: String,
) -> Result<serde_json::Value, ApiError> {
    let (key, bytes) = admit(state, client, req, BODY_LIMIT, charge(&report_id)?).await?;
    let ask: CompleteRequest = parse_body(&bytes)?;
    let row = owned_media(state, &key, &report_id, &ask.name).await?;
    match row.state {
        // Idempotent: a retried complete gets the same answer.
        MediaState::Complete => return Ok(completed(&row)),
        MediaState::Missing => return Err(ApiError::MediaWindowClosed),
        MediaState::Declared => {}
    }
    let verdict = state
        .objects
        .verify(&row.object)
        .await
        .map_err(ApiError::ObjectStore)?;
    let wrong = match verdict {
        Verdict::Matches => None,
        Verdict::Missing => return Err(ApiError::MediaNotUploaded),
        Verdict::WrongSize => Some("size"),
        Verdict::WrongChecksum => Some("checksum"),
    };
    if let Some(what) = wrong {
        // Never let a mismatched object linger: it was not what the report declared.
        state
            .objects
            .delete(&row.object)
            .await
            .map_err(ApiError::ObjectStore)?;
        tracing::warn!(report_id = %report_id, attachment = %ask.name, mismatch = what, "uploaded object refused and deleted");
        return Err(ApiError::MediaMismatch(what));
    }
    let (rid, name) = (report_id.clone(), ask.name.clone());
    let now = state
        .store
        .call(move |s| s.complete_media(&rid, &name))
        .await?;
    if now == MediaState::Missing {
        return Err(ApiError::MediaWindowClosed);
    }
    tracing::info!(report_id = %report_id, attachment = %ask.name, "attachment complete");
    Ok(completed(&row))
}

fn completed(row: &MediaRow) -> serde_json::Value {
    json!({ "name": row.object.name, "status": "complete" })
}

/// The declared attachment, if `key` filed the report. A report of another key answers like a
/// report that does not exist.
async fn owned_media(
    state: &AppState,
    key: &WidgetKey,
    report_id: &str,
    name: &str,
) -> Result<MediaRow, ApiError> {
    if uuid::Uuid::parse_str(report_id).is_err() {
        return Err(ApiError::NotFound);
    }
    let (rid, name_owned, key_id) = (report_id.to_owned(), name.to_owned(), key.id);
    state
        .store
        .call(move |s| {
            if s.report_key_id(&rid)? != Some(key_id) {
                return Ok(Err(ApiError::NotFound));
            }
            Ok(s.media(&rid, &name_owned)?
                .ok_or(ApiError::AttachmentNotDeclared))
        })
        .await?
}

/// The media buckets of `report_id`; an id that is not a UUID names no report.
fn charge(report_id: &str) -> Result<Charge, ApiError> {
    uuid::Uuid::parse_str(report_id)
        .map(Charge::Media)
        .map_err(|_| ApiError::NotFound)
}

fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        json_error(field, &e.into_inner())
    })
}

fn mismatch(field: &str) -> ApiError {
    ApiError::DeclarationMismatch {
        field: field.to_owned(),
    }
}

fn rfc3339(unix_secs: i64) -> String {
    jiff::Timestamp::from_second(unix_secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
