//! The team's web app at `/app/`: sign-in, the inbox and the report page, served by the relay
//! itself from templates and assets built into the binary.
//!
//! Pages are rendered on the server (askama, escaped by default); a small ES module adds
//! keyboard navigation, the console filter, the waterfall's bars and copying. Every write is a
//! form post that must come from this origin and carry the session's CSRF value; every page
//! is sent with a CSP that allows no inline script or style and no framing.

mod assets;
mod dom;
mod export;
mod inbox;
mod pages;
pub(crate) mod report;
pub mod session;
mod sign_in;
mod thumbnail;
pub(crate) mod view;

use std::net::SocketAddr;

use askama::Template;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};

use crate::http::ApiError;
use crate::http::body::read_limited;
use crate::http::response::{self, Body};
use crate::limit::rate::Throttled;
use crate::state::AppState;
use crate::store::{Scope, Session, StoreError};

/// What can go wrong on a page, each shown as a page of its own (or a redirect to sign in).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in to see this page")]
    SignInNeeded,
    #[error("your account can read reports but not change them")]
    ReadOnly,
    #[error("there is no such page or report here")]
    NotFound,
    #[error("this form was not sent from this relay's own pages, so it was refused")]
    CrossSite,
    #[error("the page was out of date; reload it and try again")]
    Csrf,
    #[error("{0}")]
    BadInput(String),
    #[error("too many sign-in attempts; wait {} s and try again", .0.retry_after_secs())]
    Throttled(Throttled),
    #[error("the report store is unavailable; try again shortly")]
    Store(#[from] StoreError),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::SignInNeeded => StatusCode::SEE_OTHER,
            AppError::ReadOnly | AppError::CrossSite | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn heading(&self) -> &'static str {
        match self {
            AppError::SignInNeeded => "Sign in",
            AppError::ReadOnly | AppError::CrossSite | AppError::Csrf => "Not allowed",
            AppError::NotFound => "Not found",
            AppError::BadInput(_) => "That did not work",
            AppError::Throttled(_) => "Slow down",
            AppError::Store(_) => "Unavailable",
        }
    }
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> AppError {
        match e {
            ApiError::NotFound => AppError::NotFound,
            ApiError::InsufficientScope(_) => AppError::ReadOnly,
            ApiError::Unavailable(e) => AppError::Store(e),
            ApiError::InvalidField { field, message } if field.is_empty() => {
                AppError::BadInput(message)
            }
            ApiError::InvalidField { field, message } => {
                AppError::BadInput(format!("{field}: {message}"))
            }
            other => AppError::BadInput(other.to_string()),
        }
    }
}

type Page = Result<Response<Body>, AppError>;

/// The CSP of every app page: our own scripts, styles and frames only; images also from the
/// bucket that signed download URLs point at.
fn page_csp(state: &AppState) -> String {
    let bucket = state
        .objects
        .foreign_origin()
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{bucket}; \
         frame-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; \
         base-uri 'none'; object-src 'none'"
    )
}

/// An HTML answer with the page CSP.
fn html(state: &AppState, status: StatusCode, body: String) -> Response<Body> {
    let mut res = Response::new(Full::new(Bytes::from(body)));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(csp) = HeaderValue::from_str(&page_csp(state)) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    res
}

fn render(state: &AppState, status: StatusCode, page: &impl Template) -> Response<Body> {
    match page.render() {
        Ok(body) => html(state, status, body),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            response::empty(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// `303 See Other` to a path of the app.
fn see_other(location: &str) -> Response<Body> {
    let mut res = response::empty(StatusCode::SEE_OTHER);
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// A path inside the app to return to; anything else (another host, `//evil`, a backslash
/// trick) becomes the inbox.
fn local_path(candidate: &str) -> String {
    let ok = candidate.starts_with("/app/")
        && !candidate.contains("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control);
    if ok {
        candidate.to_owned()
    } else {
        "/app/".to_owned()
    }
}

/// The signed-in session, or [`AppError::SignInNeeded`].
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Session, AppError> {
    session::current(state, headers)
        .await?
        .ok_or(AppError::SignInNeeded)
}

/// A form post's fields, within 64 KB and the body timeout.
async fn read_form(
    state: &AppState,
    req: Request<Incoming>,
) -> Result<(HeaderMap, Vec<(String, String)>), AppError> {
    let (parts, body) = req.into_parts();
    let read = read_limited(body, &parts.headers, 64 * 1024);
    let bytes = tokio::time::timeout(state.body_timeout, read)
        .await
        .map_err(|_| AppError::BadInput("the form took too long to arrive".into()))?
        .map_err(|e| AppError::BadInput(e.to_string()))?;
    let fields = url::form_urlencoded::parse(&bytes).into_owned().collect();
    Ok((parts.headers, fields))
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A signed-in write: from this origin, with the session's CSRF value, by someone who may write.
async fn writer(
    state: &AppState,
    req: Request<Incoming>,
) -> Result<(Session, Vec<(String, String)>), AppError> {
    session::same_origin(req.headers())?;
    let session = signed_in(state, req.headers()).await?;
    let (_, fields) = read_form(state, req).await?;
    session::check_csrf(&session, field(&fields, "csrf"))?;
    if !session.allows(Scope::ReportsWrite) {
        return Err(AppError::ReadOnly);
    }
    Ok((session, fields))
}

/// Answers a request under `/app`.
pub async fn route(state: &AppState, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let wanted = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let cross_site_get = req.method() == Method::GET
        && session::presented(req.headers()).is_none()
        && req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
    let result = dispatch(state, peer, req, &path).await;
    match result {
        Ok(res) => res,
        Err(AppError::SignInNeeded) if cross_site_get => {
            render(state, StatusCode::OK, &pages::Refresh)
        }
        Err(AppError::SignInNeeded) => {
            let next: String =
                url::form_urlencoded::byte_serialize(local_path(&wanted).as_bytes()).collect();
            see_other(&format!("/app/sign-in?next={next}"))
        }
        Err(e) => {
            if let AppError::Store(cause) = &e {
                tracing::error!(error = %cause, "an app page failed on storage");
            }
            let shared = path.starts_with("/app/s/");
            let page = pages::ErrorPage {
                signed_in: None,
                shared,
                heading: e.heading().to_owned(),
                message: e.to_string(),
            };
            render(state, e.status(), &page)
        }
    }
}

async fn dispatch(state: &AppState, peer: SocketAddr, req: Request<Incoming>, path: &str) -> Page {
    let rest = path.strip_prefix("/app").unwrap_or_default();
    if rest.is_empty() {
        return Ok(see_other("/app/"));
    }
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let method = req.method().clone();
    match (method, segments.as_slice()) {
        (Method::GET, [""]) => inbox::page(state, req).await,
        (Method::GET, ["assets", name]) => assets::serve(name),
        (Method::GET, ["sign-in"]) => sign_in::form(state, req).await,
        (Method::POST, ["sign-in"]) => {
            let client = state.trusted_proxies.client_ip(peer, req.headers());
            sign_in::submit(state, client, req).await
        }
        (Method::POST, ["sign-out"]) => sign_in::sign_out(state, req).await,
        (Method::POST, ["bulk"]) => inbox::bulk(state, req).await,
        (Method::GET, ["reports", id]) => {
            let id = (*id).to_owned();
            report::page(state, req, id).await
        }
        (Method::GET, ["reports", id, "media", name]) => {
            let (id, name) = ((*id).to_owned(), (*name).to_owned());
            report::media(state, req, id, name).await
        }
        (Method::GET, ["reports", id, "thumbnail"]) => {
            let id = (*id).to_owned();
            thumbnail::serve(state, req, id).await
        }
        (Method::GET, ["reports", id, "dom"]) => {
            let id = (*id).to_owned();
            report::dom(state, req, id).await
        }
        (Method::GET, ["reports", id, export @ ("export.md" | "export.json")]) => {
            let (id, markdown) = ((*id).to_owned(), *export == "export.md");
            report::export(state, req, id, markdown).await
        }
        (Method::POST, ["reports", id, "triage"]) => {
            let id = (*id).to_owned();
            report::triage(state, req, id).await
        }
        (Method::POST, ["reports", id, "comments"]) => {
            let id = (*id).to_owned();
            report::comment(state, req, id).await
        }
        (Method::POST, ["reports", id, "shares"]) => {
            let id = (*id).to_owned();
            report::share(state, req, id).await
        }
        (Method::POST, ["reports", id, "shares", share, "revoke"]) => {
            let (id, share) = ((*id).to_owned(), (*share).to_owned());
            report::unshare(state, req, id, share).await
        }
        (Method::GET, ["s", token]) => {
            let token = (*token).to_owned();
            report::shared_page(state, token).await
        }
        (Method::GET, ["s", token, "media", name]) => {
            let (token, name) = ((*token).to_owned(), (*name).to_owned());
            report::shared_media(state, req, token, name).await
        }
        (Method::GET, ["s", token, "dom"]) => {
            let token = (*token).to_owned();
            report::shared_dom(state, token).await
        }
        (Method::GET, ["s", token, export @ ("export.md" | "export.json")]) => {
            let (token, markdown) = ((*token).to_owned(), *export == "export.md");
            report::shared_export(state, token, markdown).await
        }
        _ => Err(AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_inside_the_app_are_returned_to() {
        assert_eq!(local_path("/app/reports/x?a=1"), "/app/reports/x?a=1");
        for bad in [
            "https://evil.test/app/",
            "//evil.test/app/",
            "/app//evil.test",
            "/app/\\evil",
            "/v1/reports",
            "/app/\n",
        ] {
            assert_eq!(local_path(bad), "/app/", "{bad}");
        }
    }
}
