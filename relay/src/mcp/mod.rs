//! `POST /mcp`: the Model Context Protocol server for coding agents, over the Streamable HTTP
//! transport of the official SDK (`rmcp`).
//!
//! Every request authenticates with an admin token (`Authorization: Bearer bc_adm_…`), so a
//! token revoked between two calls is refused on the second. The server is stateless (no
//! `Mcp-Session-Id`): each request is answered on its own, so it works the same behind a load
//! balancer in front of several relays. The SDK checks the `MCP-Protocol-Version` header
//! (400 for a version it does not know) and the `Accept` header, and refuses any request that
//! carries an `Origin`: a browser page has no business here, and refusing it closes the DNS
//! rebinding hole the specification warns about.

mod agent;
mod bounded;
mod tools;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, WWW_AUTHENTICATE};
use hyper::{Request, Response};
use rmcp::model::ProtocolVersion;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::auth::admin;
use crate::http::ApiError;
use crate::http::request_base;
use crate::http::response::{self, Body};
use crate::state::AppState;
use crate::store::Scope;

/// The largest JSON-RPC message the server reads: tool arguments are small.
const MAX_REQUEST_BYTES: usize = 256 * 1024;
/// How long an answer may take to be written out before the request is given up.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// Answers one request to `/mcp`.
pub async fn serve(state: Arc<AppState>, req: Request<Incoming>) -> Response<Body> {
    let headers = req.headers().clone();
    let token = state
        .store
        .call(move |store| Ok(admin::authorize(store, &headers, Scope::ReportsRead)))
        .await
        .map_err(ApiError::from)
        .and_then(|r| r.map_err(ApiError::from));
    let token = match token {
        Ok(token) => token,
        Err(e) => return refused(&e),
    };
    if let Some(refusal) = unknown_version(req.headers()) {
        return refusal;
    }
    let base = request_base(&state, req.headers());
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(MAX_REQUEST_BYTES)
        // The relay answers on its public name, whatever it is; the bearer token, not the Host
        // header, is what keeps a rebinding page out (and no Origin is accepted at all).
        .disable_allowed_hosts()
        .enforce_origin_validation();
    let service = StreamableHttpService::new(
        move || {
            Ok(agent::Agent::new(
                state.clone(),
                token.clone(),
                base.clone(),
            ))
        },
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let (parts, body) = service.handle(req).await.into_parts();
    match tokio::time::timeout(ANSWER_TIMEOUT, body.collect()).await {
        Ok(Ok(collected)) => Response::from_parts(parts, Full::new(collected.to_bytes())),
        Ok(Err(never)) => match never {},
        Err(_) => {
            tracing::warn!("an MCP answer took longer than {ANSWER_TIMEOUT:?}; given up");
            response::text(
                hyper::StatusCode::GATEWAY_TIMEOUT,
                "text/plain; charset=utf-8",
                Bytes::from_static(b"the answer took too long"),
            )
        }
    }
}

/// 400 for an `MCP-Protocol-Version` this server does not speak, as the specification asks
/// (the SDK lets any version through when it serves statelessly).
fn unknown_version(headers: &hyper::HeaderMap) -> Option<Response<Body>> {
    let mut given = headers.get_all("mcp-protocol-version").iter().peekable();
    given.peek()?;
    // Every copy of the header must name a known version: two that differ cannot both hold.
    let known = given.all(|v| {
        v.to_str().is_ok_and(|v| {
            ProtocolVersion::KNOWN_VERSIONS
                .iter()
                .any(|k| k.as_str() == v)
        })
    });
    (!known).then(|| {
        response::text(
            hyper::StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            format!(
                "Bad Request: unsupported MCP-Protocol-Version; this server speaks {}",
                ProtocolVersion::KNOWN_VERSIONS
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// 401 with the `WWW-Authenticate` challenge of RFC 6750 (an error code only when a token was
/// presented), 503 when the store cannot say.
fn refused(e: &ApiError) -> Response<Body> {
    let mut res = response::error(e);
    let challenge = match e {
        ApiError::MissingToken => Some(r#"Bearer realm="bugcap""#),
        ApiError::InvalidToken => Some(
            r#"Bearer realm="bugcap", error="invalid_token", error_description="the token is unknown, malformed or revoked""#,
        ),
        _ => None,
    };
    if let Some(challenge) = challenge {
        res.headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    res
}
