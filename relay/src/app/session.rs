//! The app's sign-in state: the session cookie, the checks every write passes (same origin and
//! the session's CSRF value), and the cookie's attributes.

use hyper::HeaderMap;
use hyper::header::{COOKIE, HOST, ORIGIN};
use subtle::ConstantTimeEq;

use super::AppError;
use crate::state::AppState;
use crate::store::{SESSION_HOURS, Session};

/// The cookie's name. Scoped to `/app` and never readable by scripts.
pub const COOKIE_NAME: &str = "bugcap_session";

/// The session cookie presented, if any (the first `bugcap_session` pair).
pub fn presented(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim().to_owned())
}

/// The live session of this request, if signed in.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let Some(cookie) = presented(headers) else {
        return Ok(None);
    };
    Ok(state
        .store
        .call(move |store| store.find_session(&cookie))
        .await?)
}

/// `Set-Cookie` for a new session. `Secure` when the relay is reached over HTTPS (as `--hsts`
/// says); `SameSite=Strict`, so no other site can make the browser send it with a request.
pub fn set_cookie(value: &str, secure: bool) -> String {
    let max_age = SESSION_HOURS * 3600;
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{COOKIE_NAME}={value}; Path=/app; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; Path=/app; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// Every form post must come from a page of this relay: browsers send `Origin` with every POST,
/// and it must name the host the request was sent to. This stops cross-site posts, sign-in
/// included (where there is no session and so no CSRF value yet).
pub fn same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::CrossSite)?;
    let origin = headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::CrossSite)?;
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or(AppError::CrossSite)?;
    if origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(AppError::CrossSite)
    }
}

/// A write's CSRF value against the session's, in constant time.
pub fn check_csrf(session: &Session, presented: Option<&str>) -> Result<(), AppError> {
    let presented = presented.unwrap_or_default();
    if presented.len() == session.csrf.len()
        && bool::from(presented.as_bytes().ct_eq(session.csrf.as_bytes()))
    {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let h = headers(&[("cookie", "a=1; bugcap_session=bc_ses_x ; b=2")]);
        assert_eq!(presented(&h).as_deref(), Some("bc_ses_x"));
        assert_eq!(
            presented(&headers(&[("cookie", "xbugcap_session=1")])),
            None
        );
    }

    #[test]
    fn only_a_post_from_the_same_host_passes() {
        let ok = headers(&[
            ("host", "relay.test:8787"),
            ("origin", "http://relay.test:8787"),
        ]);
        assert!(same_origin(&ok).is_ok());
        for bad in [
            headers(&[("host", "relay.test:8787")]),
            headers(&[("host", "relay.test:8787"), ("origin", "null")]),
            headers(&[("host", "relay.test:8787"), ("origin", "http://evil.test")]),
            headers(&[
                ("host", "relay.test:8787"),
                ("origin", "http://relay.test:8787.evil"),
            ]),
        ] {
            assert!(same_origin(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cookies_carry_the_flags() {
        let c = set_cookie("v", true);
        for flag in [
            "HttpOnly",
            "SameSite=Strict",
            "Path=/app",
            "Secure",
            "Max-Age=43200",
        ] {
            assert!(c.contains(flag), "{c}");
        }
        assert!(!set_cookie("v", false).contains("Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}
