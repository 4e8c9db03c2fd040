//! The route table: which handler answers which method and path, and the headers every answer
//! gets on the way out (security headers always, CORS on widget routes).

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use crate::http::response::{self, Body};
use crate::http::{ApiError, cors};
use crate::state::AppState;
use crate::{admin, ingest};

pub async fn handle(
    state: Arc<AppState>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Response<Body> {
    let started = std::time::Instant::now();
    let label = route_label(req.method(), req.uri().path());
    let mut res = route(&state, peer, req).await;
    response::add_security_headers(&mut res, state.hsts);
    let reject = res.extensions().get::<response::RejectCode>().map(|c| c.0);
    state.metrics.observe(
        label,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
        reject,
    );
    res
}

async fn route(state: &AppState, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = req.method().clone();
    match (method, segments.as_slice()) {
        (Method::GET, ["healthz"]) => response::json(StatusCode::OK, &json!({ "status": "ok" })),
        (Method::GET, ["metrics"]) => response::text(
            StatusCode::OK,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            state.metrics.render(),
        ),
        (Method::GET, ["readyz"]) => match state.store.call(|s| s.ping()).await {
            Ok(()) => response::json(StatusCode::OK, &json!({ "status": "ready" })),
            Err(e) => response::error(&ApiError::Unavailable(e)),
        },
        (Method::OPTIONS, ["v1", ..]) => {
            let origin = known_origin(state, request_origin(&req)).await;
            match origin {
                Ok(origin) => cors::preflight(origin.as_deref()),
                Err(e) => response::error(&e),
            }
        }
        (Method::POST, ["v1", "reports"]) => {
            let origin = request_origin(&req);
            let client = state.trusted_proxies.client_ip(peer, req.headers());
            let mut res = respond(ingest::report::submit(state, client, req).await);
            // An accepted report proves its key allows the origin; only a refusal needs the
            // wider (database) check of whether any key does, so the page can read the error.
            let readable_by = if res.status().is_success() {
                origin
            } else {
                known_origin(state, origin).await.ok().flatten()
            };
            cors::decorate(&mut res, readable_by.as_deref());
            res
        }
        (Method::GET, ["v1", "reports", id]) => {
            let id = (*id).to_owned();
            respond(
                admin::reports::get(state, req.into_parts().0.headers, id)
                    .await
                    .map(|v| (StatusCode::OK, v)),
            )
        }
        (_, ["healthz" | "readyz" | "metrics"])
        | (_, ["v1", "reports"])
        | (_, ["v1", "reports", _]) => response::error(&ApiError::MethodNotAllowed),
        _ => response::error(&ApiError::NotFound),
    }
}

/// A fixed label per route, so metrics cardinality cannot be driven by clients.
fn route_label(method: &Method, path: &str) -> &'static str {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        (&Method::OPTIONS, ["v1", ..]) => "preflight",
        (&Method::POST, ["v1", "reports"]) => "reports_create",
        (&Method::GET, ["v1", "reports", _]) => "reports_get",
        (_, ["healthz"]) => "healthz",
        (_, ["readyz"]) => "readyz",
        (_, ["metrics"]) => "metrics",
        _ => "other",
    }
}

fn respond(result: Result<(StatusCode, serde_json::Value), ApiError>) -> Response<Body> {
    match result {
        Ok((status, value)) => response::json(status, &value),
        Err(err) => {
            if let ApiError::Unavailable(cause) = &err {
                tracing::error!(error = %cause, "request failed on storage");
            }
            response::error(&err)
        }
    }
}

fn request_origin(req: &Request<Incoming>) -> Option<String> {
    cors::request_origin(req.headers()).map(str::to_owned)
}

/// `origin` when some active key allows it (so its page may read the answer).
async fn known_origin(
    state: &AppState,
    origin: Option<String>,
) -> Result<Option<String>, ApiError> {
    let Some(origin) = origin else {
        return Ok(None);
    };
    state
        .store
        .call(move |store| {
            Ok(cors::is_known_origin(store, &origin).map(|known| known.then_some(origin)))
        })
        .await?
}
