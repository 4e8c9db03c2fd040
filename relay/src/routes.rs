//! The route table: which handler answers which method and path, and the headers every answer
//! gets on the way out (security headers always, CORS on widget routes).

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use crate::http::response::{self, Body};
use crate::http::{ApiError, cors, request_base};
use crate::state::AppState;
use crate::{admin, ingest};

pub async fn handle(
    state: Arc<AppState>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Response<Body> {
    let started = std::time::Instant::now();
    let label = route_label(req.method(), req.uri().path());
    let mut res = if req.uri().path() == "/mcp" {
        crate::mcp::serve(state.clone(), req).await
    } else {
        route(&state, peer, req).await
    };
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
        (_, ["app", ..]) => crate::app::route(state, peer, req).await,
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
        (Method::GET, ["v1", "origin"]) => {
            let origin = request_origin(&req);
            let known = known_origin(state, origin.clone()).await;
            match known {
                Ok(known) => cors::origin_check(origin.as_deref(), known.is_some()),
                Err(e) => response::error(&e),
            }
        }
        (Method::POST, ["v1", "reports"]) => {
            let origin = request_origin(&req);
            let client = state.trusted_proxies.client_ip(peer, req.headers());
            let res = respond(ingest::report::submit(state, client, req).await);
            with_cors(state, origin, res).await
        }
        (
            Method::POST,
            [
                "v1",
                "reports",
                id,
                "media",
                action @ ("upload-url" | "complete"),
            ],
        ) => {
            let (id, upload) = ((*id).to_owned(), *action == "upload-url");
            let origin = request_origin(&req);
            let client = state.trusted_proxies.client_ip(peer, req.headers());
            let result = if upload {
                let base = request_base(state, req.headers());
                ingest::media::upload_url(state, client, req, id, base).await
            } else {
                ingest::media::complete(state, client, req, id).await
            };
            let res = respond(result.map(|v| (StatusCode::OK, v)));
            with_cors(state, origin, res).await
        }
        (Method::PUT, ["v1", "uploads", id, name]) => {
            let (id, name) = ((*id).to_owned(), (*name).to_owned());
            let origin = request_origin(&req);
            let client = state.trusted_proxies.client_ip(peer, req.headers());
            let result = ingest::upload::put(state, client, req, &id, &name).await;
            let res = respond(result.map(|v| (StatusCode::OK, v)));
            with_cors(state, origin, res).await
        }
        (Method::GET, ["v1", "uploads", id, name]) => {
            let (id, name) = ((*id).to_owned(), (*name).to_owned());
            ingest::upload::get(state, req, &id, &name)
                .await
                .unwrap_or_else(|e| response::error(&e))
        }
        (Method::GET, ["v1", "reports"]) => {
            let query = req.uri().query().map(str::to_owned);
            respond(
                admin::reports::list(state, req.into_parts().0.headers, query)
                    .await
                    .map(|v| (StatusCode::OK, v)),
            )
        }
        (Method::GET, ["v1", "reports", id]) => {
            let id = (*id).to_owned();
            respond(
                admin::reports::get(state, req.into_parts().0.headers, id)
                    .await
                    .map(|v| (StatusCode::OK, v)),
            )
        }
        (Method::PATCH, ["v1", "reports"]) => {
            respond(admin::triage::change_many(state, req).await.map(ok))
        }
        (Method::PATCH, ["v1", "reports", id]) => {
            let id = (*id).to_owned();
            respond(admin::triage::change_one(state, req, id).await.map(ok))
        }
        (Method::POST, ["v1", "reports", id, "comments"]) => {
            let id = (*id).to_owned();
            respond(
                admin::triage::comment(state, req, id)
                    .await
                    .map(|v| (StatusCode::CREATED, v)),
            )
        }
        (Method::GET, ["v1", "reports", id, "activity"]) => {
            let id = (*id).to_owned();
            let headers = req.into_parts().0.headers;
            respond(admin::triage::activity(state, headers, id).await.map(ok))
        }
        (Method::POST, ["v1", "reports", id, "shares"]) => {
            let id = (*id).to_owned();
            let base = request_base(state, req.headers());
            let headers = req.into_parts().0.headers;
            respond(
                admin::shares::create(state, headers, id, base)
                    .await
                    .map(|v| (StatusCode::CREATED, v)),
            )
        }
        (Method::GET, ["v1", "reports", id, "shares"]) => {
            let id = (*id).to_owned();
            let headers = req.into_parts().0.headers;
            respond(admin::shares::list(state, headers, id).await.map(ok))
        }
        (Method::DELETE, ["v1", "reports", id, "shares", share]) => {
            let (id, share) = ((*id).to_owned(), (*share).to_owned());
            let headers = req.into_parts().0.headers;
            match admin::shares::revoke(state, headers, id, share).await {
                Ok(()) => response::empty(StatusCode::NO_CONTENT),
                Err(e) => response::error(&e),
            }
        }
        (Method::GET, ["v1", "shared", token]) => {
            let token = (*token).to_owned();
            respond(admin::shares::read(state, token).await.map(ok))
        }
        (Method::GET, ["v1", "shared", token, "media", name]) => {
            let (token, name) = ((*token).to_owned(), (*name).to_owned());
            let base = request_base(state, req.headers());
            match admin::shares::media_url(state, token, name, base).await {
                Ok(url) => response::redirect(&url),
                Err(e) => response::error(&e),
            }
        }
        (Method::GET, ["v1", "reports", id, "media", name]) => {
            let (id, name) = ((*id).to_owned(), (*name).to_owned());
            let base = request_base(state, req.headers());
            let headers = req.into_parts().0.headers;
            match admin::media::download_url(state, headers, id, name, base).await {
                Ok(url) => response::redirect(&url),
                Err(e) => response::error(&e),
            }
        }
        (_, ["healthz" | "readyz" | "metrics"])
        | (_, ["v1", "origin"])
        | (_, ["v1", "reports"])
        | (_, ["v1", "reports", _])
        | (_, ["v1", "reports", _, "media", _])
        | (_, ["v1", "reports", _, "comments" | "activity" | "shares"])
        | (_, ["v1", "reports", _, "shares", _])
        | (_, ["v1", "shared", _])
        | (_, ["v1", "shared", _, "media", _])
        | (_, ["v1", "uploads", _, _]) => response::error(&ApiError::MethodNotAllowed),
        _ => response::error(&ApiError::NotFound),
    }
}

/// A fixed label per route, so metrics cardinality cannot be driven by clients.
fn route_label(method: &Method, path: &str) -> &'static str {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        (&Method::OPTIONS, ["v1", ..]) => "preflight",
        (&Method::GET, ["v1", "origin"]) => "origin_check",
        (&Method::POST, ["v1", "reports"]) => "reports_create",
        (&Method::GET, ["v1", "reports"]) => "reports_list",
        (&Method::GET, ["v1", "reports", _]) => "reports_get",
        (&Method::PATCH, ["v1", "reports"]) => "reports_triage_many",
        (&Method::PATCH, ["v1", "reports", _]) => "reports_triage",
        (&Method::POST, ["v1", "reports", _, "comments"]) => "reports_comment",
        (&Method::GET, ["v1", "reports", _, "activity"]) => "reports_activity",
        (&Method::POST, ["v1", "reports", _, "shares"]) => "shares_create",
        (&Method::GET, ["v1", "reports", _, "shares"]) => "shares_list",
        (&Method::DELETE, ["v1", "reports", _, "shares", _]) => "shares_revoke",
        (&Method::GET, ["v1", "shared", _]) => "shared_get",
        (&Method::GET, ["v1", "shared", _, "media", _]) => "shared_media",
        (&Method::POST, ["v1", "reports", _, "media", "upload-url"]) => "media_upload_url",
        (&Method::POST, ["v1", "reports", _, "media", "complete"]) => "media_complete",
        (&Method::GET, ["v1", "reports", _, "media", _]) => "media_get",
        (&Method::PUT, ["v1", "uploads", _, _]) => "upload_put",
        (&Method::GET, ["v1", "uploads", _, _]) => "upload_get",
        (_, ["app", ..]) => "app",
        (_, ["mcp"]) => "mcp",
        (_, ["healthz"]) => "healthz",
        (_, ["readyz"]) => "readyz",
        (_, ["metrics"]) => "metrics",
        _ => "other",
    }
}

fn ok(value: serde_json::Value) -> (StatusCode, serde_json::Value) {
    (StatusCode::OK, value)
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

/// Lets the page read a widget route's answer. An accepted request proves its key allows the
/// origin; only a refusal needs the wider (database) check of whether any key does.
async fn with_cors(
    state: &AppState,
    origin: Option<String>,
    mut res: Response<Body>,
) -> Response<Body> {
    let readable_by = if res.status().is_success() {
        origin
    } else {
        known_origin(state, origin).await.ok().flatten()
    };
    cors::decorate(&mut res, readable_by.as_deref());
    res
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
