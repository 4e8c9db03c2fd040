//! Signing in (with an account's password or an admin token) and out.
//!
//! A sign-in always opens a new session with a new secret, and ends any session the browser
//! already presented: a cookie planted before sign-in is never promoted (no session fixation).
//! Attempts are rate limited per address and per account name before any password is checked,
//! and a wrong name and a wrong password are refused alike.

use std::net::IpAddr;

use hyper::body::Incoming;
use hyper::header::{HeaderValue, SET_COOKIE};
use hyper::{Request, StatusCode};

use super::pages::SignIn;
use super::{AppError, Page, field, local_path, read_form, render, see_other, session, signed_in};
use crate::auth::secret::{self, SecretKind};
use crate::state::AppState;

/// The longest name or password read from the form (longer is refused without hashing).
const MAX_FIELD_CHARS: usize = 1024;

fn next_of(query: Option<&str>) -> String {
    let next = query
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "next")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    local_path(&next)
}

/// `GET /app/sign-in`.
pub async fn form(state: &AppState, req: Request<Incoming>) -> Page {
    let next = next_of(req.uri().query());
    if session::current(state, req.headers()).await?.is_some() {
        return Ok(see_other(&next));
    }
    let page = SignIn {
        signed_in: None,
        shared: false,
        message: None,
        next,
    };
    Ok(render(state, StatusCode::OK, &page))
}

fn refused(state: &AppState, status: StatusCode, message: String, next: String) -> Page {
    let page = SignIn {
        signed_in: None,
        shared: false,
        message: Some(message),
        next,
    };
    Ok(render(state, status, &page))
}

/// `POST /app/sign-in` with `name` and `password`, or `token`.
pub async fn submit(state: &AppState, client: IpAddr, req: Request<Incoming>) -> Page {
    session::same_origin(req.headers())?;
    let old = session::presented(req.headers());
    let (_, fields) = read_form(state, req).await?;
    let next = local_path(field(&fields, "next").unwrap_or_default());
    let name = field(&fields, "name").unwrap_or_default().trim().to_owned();
    let password = field(&fields, "password").unwrap_or_default().to_owned();
    let token = field(&fields, "token")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let with_token = !token.is_empty();
    if !with_token && (name.is_empty() || password.is_empty()) {
        return refused(
            state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Give your name and password, or an admin token.".into(),
            next,
        );
    }
    if name.chars().count() > MAX_FIELD_CHARS || password.chars().count() > MAX_FIELD_CHARS {
        return refused(
            state,
            StatusCode::UNAUTHORIZED,
            "Wrong name or password.".into(),
            next,
        );
    }
    let account = (!with_token).then_some(name.as_str());
    let attempt = match state.rate_limits.check_sign_in(client, account) {
        Ok(attempt) => attempt,
        Err(throttled) => {
            let message = AppError::Throttled(throttled).to_string();
            return refused(state, StatusCode::TOO_MANY_REQUESTS, message, next);
        }
    };
    let opened = state
        .store
        .call(move |store| {
            if let Some(old) = old
                && let Some(previous) = store.find_session(&old)?
            {
                store.end_session(previous.id)?;
            }
            if with_token {
                match store.find_admin_token(&token)? {
                    // The app lists and opens every project's reports: a token limited to some
                    // of them is for the API and agents only.
                    Some(t) if t.limited_to().is_some() => Ok(Some(Err(()))),
                    Some(t) => store.open_token_session(&t).map(|c| Some(Ok(c))),
                    None => Ok(None),
                }
            } else {
                match store.check_password(&name, &password)? {
                    Some(user) => store.open_user_session(&user).map(|c| Some(Ok(c))),
                    None => Ok(None),
                }
            }
        })
        .await?;
    let opened = match opened {
        Some(Err(())) => {
            let message = "That admin token is limited to some projects, so it cannot open the \
                           app; sign in with an account or a token that reaches every project.";
            return refused(state, StatusCode::FORBIDDEN, message.into(), next);
        }
        Some(Ok(cookie)) => Some(cookie),
        None => None,
    };
    if opened.is_some()
        && let Some(attempt) = attempt
    {
        attempt.succeeded();
    }
    let Some(cookie) = opened else {
        let message = if with_token {
            "That admin token is unknown or revoked."
        } else {
            "Wrong name or password."
        };
        return refused(state, StatusCode::UNAUTHORIZED, message.into(), next);
    };
    debug_assert!(secret::is_well_formed(SecretKind::Session, &cookie));
    let mut res = see_other(&next);
    if let Ok(v) = HeaderValue::from_str(&session::set_cookie(&cookie, state.hsts)) {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(res)
}

/// `POST /app/sign-out`: the session ends at once, whatever copies of the cookie exist.
pub async fn sign_out(state: &AppState, req: Request<Incoming>) -> Page {
    session::same_origin(req.headers())?;
    let current = signed_in(state, req.headers()).await?;
    let (_, fields) = read_form(state, req).await?;
    session::check_csrf(&current, field(&fields, "csrf"))?;
    let id = current.id;
    state.store.call(move |store| store.end_session(id)).await?;
    let mut res = see_other("/app/sign-in");
    if let Ok(v) = HeaderValue::from_str(&session::clear_cookie(state.hsts)) {
        res.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(res)
}
