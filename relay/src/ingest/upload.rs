//! `PUT /v1/uploads/{report_id}/{name}?expires=…&signature=…`: the local store's answer to a
//! presigned S3 `PUT`, and `GET` on the same path for signed downloads. The signature decides;
//! no key is needed (or accepted). Only served when the relay keeps media itself.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{HeaderMap, Request, Response, StatusCode};

use crate::http::ApiError;
use crate::http::response::Body;
use crate::media::local::Signed;
use crate::media::{CHECKSUM_HEADER, LocalStore, ObjectStore, now_secs};
use crate::state::AppState;
use crate::store::{MediaRow, MediaState};

/// The URL's signature and expiry, from its query string.
struct UrlAuth {
    expires: i64,
    signature: String,
}

fn url_auth(query: Option<&str>) -> Result<UrlAuth, ApiError> {
    let (mut expires, mut signature) = (None, None);
    for pair in query.unwrap_or("").split('&') {
        match pair.split_once('=') {
            Some(("expires", v)) => expires = v.parse::<i64>().ok(),
            Some(("signature", v)) => signature = Some(v.to_owned()),
            _ => {}
        }
    }
    Ok(UrlAuth {
        expires: expires.ok_or(ApiError::SignatureInvalid)?,
        signature: signature.ok_or(ApiError::SignatureInvalid)?,
    })
}

fn local(state: &AppState) -> Result<&LocalStore, ApiError> {
    match &state.objects {
        ObjectStore::Local(local) => Ok(local),
        ObjectStore::S3(_) => Err(ApiError::NotFound),
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The attachment at `report_id`/`name`, when the path is well formed and it exists.
async fn find(state: &AppState, report_id: &str, name: &str) -> Result<MediaRow, ApiError> {
    if uuid::Uuid::parse_str(report_id).is_err()
        || !bugcap_protocol::validate::is_valid_attachment_name(name)
    {
        return Err(ApiError::NotFound);
    }
    let (rid, name) = (report_id.to_owned(), name.to_owned());
    state
        .store
        .call(move |s| s.media(&rid, &name))
        .await?
        .ok_or(ApiError::NotFound)
}

pub async fn put(
    state: &AppState,
    client: std::net::IpAddr,
    req: Request<Incoming>,
    report_id: &str,
    name: &str,
) -> Result<serde_json::Value, ApiError> {
    let store = local(state)?;
    let report = uuid::Uuid::parse_str(report_id).map_err(|_| ApiError::NotFound)?;
    state
        .rate_limits
        .check_media(client, report)
        .map_err(ApiError::RateLimited)?;
    let auth = url_auth(req.uri().query())?;
    let headers = req.headers();
    // A body without a declared length cannot match a signed length.
    let size = header_str(headers, header::CONTENT_LENGTH.as_str())
        .parse::<u64>()
        .map_err(|_| ApiError::SignatureInvalid)?;
    let signed = Signed {
        method: "PUT",
        report_id,
        name,
        content_type: header_str(headers, header::CONTENT_TYPE.as_str()),
        size,
        checksum: header_str(headers, CHECKSUM_HEADER),
        expires: auth.expires,
    };
    // Signature first: nothing about the report is looked up for an unsigned request.
    store.check(&signed, &auth.signature, now_secs())?;
    let row = find(state, report_id, name).await?;
    match row.state {
        MediaState::Declared => {}
        MediaState::Complete => return Err(ApiError::MediaAlreadyComplete),
        MediaState::Missing => return Err(ApiError::MediaWindowClosed),
    }
    let body = req.into_body();
    tokio::time::timeout(state.upload_timeout, store.receive(&row.object, body))
        .await
        .map_err(|_| ApiError::RequestTimeout(state.upload_timeout.as_secs()))??;
    tracing::info!(report_id = %report_id, attachment = %name, bytes = size, "upload stored");
    Ok(serde_json::json!({ "status": "uploaded" }))
}

pub async fn get(
    state: &AppState,
    req: Request<Incoming>,
    report_id: &str,
    name: &str,
) -> Result<Response<Body>, ApiError> {
    let store = local(state)?;
    let auth = url_auth(req.uri().query())?;
    let row = find(state, report_id, name).await?;
    store.check(
        &LocalStore::get_signed(&row.object, auth.expires),
        &auth.signature,
        now_secs(),
    )?;
    if row.state != MediaState::Complete {
        return Err(ApiError::NotFound);
    }
    let bytes = store
        .read(&row.object)
        .await
        .map_err(ApiError::ObjectStore)?
        .ok_or(ApiError::NotFound)?;
    let mut res = Response::new(Full::new(Bytes::from(bytes)));
    *res.status_mut() = StatusCode::OK;
    let h = res.headers_mut();
    if let Ok(ct) = HeaderValue::from_str(&row.object.content_type) {
        h.insert(header::CONTENT_TYPE, ct);
    }
    // Uploaded bytes are data, never a page: no scripts, no plugins, its own origin.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(res)
}
