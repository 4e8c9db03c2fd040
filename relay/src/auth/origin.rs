//! The origin check: which page origins may use a widget key.
//!
//! A key carries a list of patterns. Each is an exact origin (`https://app.example.com`,
//! `http://localhost:8080`), a subdomain pattern (`https://*.example.com`, which matches
//! `https://a.example.com` and `https://a.b.example.com` but not `https://example.com`), or `*`
//! when the key was explicitly created to allow any origin. Both sides are normalised (lower
//! case, default ports dropped) before comparing; `null` and malformed origins never match.

use std::fmt;

/// A parsed `scheme://host[:port]` with the port made explicit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// One entry of a key's allowed-origins list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginPattern {
    Exact(Origin),
    /// `scheme://*.suffix[:port]`: any host strictly below `suffix`.
    Subdomains(Origin),
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error("origin {0:?} must look like https://host or https://host:port, with no path")]
    Malformed(String),
    #[error("origin scheme must be http or https in {0:?}")]
    Scheme(String),
    #[error(
        "'*' allows every site to file reports with this key; pass --allow-any-origin to mean it"
    )]
    AnyNotAllowed,
}

impl Origin {
    /// Parses an `Origin` header value or an exact pattern.
    pub fn parse(text: &str) -> Result<Origin, OriginError> {
        let malformed = || OriginError::Malformed(text.to_owned());
        let (scheme, rest) = text.split_once("://").ok_or_else(malformed)?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return Err(OriginError::Scheme(text.to_owned())),
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', '\\', ' ']) {
            return Err(malformed());
        }
        let (host, port) = split_host_port(rest).ok_or_else(malformed)?;
        let port = match port {
            None => default_port,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|&p| p > 0)
                .ok_or_else(malformed)?,
        };
        let host = host.to_ascii_lowercase();
        if !is_valid_host(&host) {
            return Err(malformed());
        }
        Ok(Origin { scheme, host, port })
    }

    fn default_port(&self) -> u16 {
        if self.scheme == "https" { 443 } else { 80 }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if self.port != self.default_port() {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

impl OriginPattern {
    /// Parses one allowed-origins entry. `*` is refused unless `allow_any` is set.
    pub fn parse(text: &str, allow_any: bool) -> Result<OriginPattern, OriginError> {
        let text = text.trim();
        if text == "*" {
            return if allow_any {
                Ok(OriginPattern::Any)
            } else {
                Err(OriginError::AnyNotAllowed)
            };
        }
        if let Some((scheme, rest)) = text.split_once("://")
            && let Some(suffix) = rest.strip_prefix("*.")
        {
            let base = Origin::parse(&format!("{scheme}://{suffix}"))?;
            // A suffix must have a dot of its own: `*.com` would allow every .com site.
            if !base.host.contains('.') || base.host.starts_with('[') {
                return Err(OriginError::Malformed(text.to_owned()));
            }
            return Ok(OriginPattern::Subdomains(base));
        }
        Origin::parse(text).map(OriginPattern::Exact)
    }

    /// True when a request carrying the `Origin` header value `origin` may use the key.
    pub fn allows(&self, origin: &Origin) -> bool {
        match self {
            OriginPattern::Any => true,
            OriginPattern::Exact(o) => o == origin,
            OriginPattern::Subdomains(base) => {
                base.scheme == origin.scheme
                    && base.port == origin.port
                    && origin
                        .host
                        .strip_suffix(base.host.as_str())
                        .and_then(|label| label.strip_suffix('.'))
                        .is_some_and(|label| !label.is_empty())
            }
        }
    }
}

impl fmt::Display for OriginPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginPattern::Any => f.write_str("*"),
            OriginPattern::Exact(o) => o.fmt(f),
            OriginPattern::Subdomains(base) => {
                write!(f, "{}://*.{}", base.scheme, base.host)?;
                if base.port != base.default_port() {
                    write!(f, ":{}", base.port)?;
                }
                Ok(())
            }
        }
    }
}

/// True when some pattern in `patterns` allows the raw `Origin` header value. `null`, a missing
/// header and anything malformed are refused.
pub fn is_allowed<'a>(patterns: impl IntoIterator<Item = &'a OriginPattern>, origin: &str) -> bool {
    match Origin::parse(origin) {
        Ok(origin) => patterns.into_iter().any(|p| p.allows(&origin)),
        Err(_) => false,
    }
}

fn split_host_port(rest: &str) -> Option<(&str, Option<&str>)> {
    if rest.starts_with('[') {
        let end = rest.find(']')?;
        let (host, after) = rest.split_at(end + 1);
        return match after {
            "" => Some((host, None)),
            p => p.strip_prefix(':').map(|p| (host, Some(p))),
        };
    }
    match rest.split_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((rest, None)),
    }
}

fn is_valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(pattern: &str, origin: &str) -> bool {
        is_allowed([&OriginPattern::parse(pattern, true).unwrap()], origin)
    }

    #[test]
    fn exact_origins_match_after_normalising() {
        assert!(allows("http://localhost:8080", "http://localhost:8080"));
        assert!(allows(
            "https://App.Example.com",
            "https://app.example.com:443"
        ));
        assert!(allows(
            "https://app.example.com:443",
            "https://app.example.com"
        ));
        assert!(!allows("http://localhost:8080", "http://localhost:8081"));
        assert!(!allows("http://localhost:8080", "https://localhost:8080"));
        assert!(!allows("http://localhost:8080", "http://127.0.0.1:8080"));
        assert!(allows("http://[::1]:3000", "http://[::1]:3000"));
    }

    #[test]
    fn subdomain_patterns_match_only_real_subdomains() {
        let p = "https://*.example.com";
        assert!(allows(p, "https://a.example.com"));
        assert!(allows(p, "https://a.b.example.com"));
        assert!(!allows(p, "https://example.com"));
        assert!(!allows(p, "https://evil-example.com"));
        assert!(!allows(p, "https://example.com.evil.io"));
        assert!(!allows(p, "https://a.example.com.evil.io"));
        assert!(!allows(p, "http://a.example.com"));
        assert!(!allows(p, "https://a.example.com:8443"));
        assert!(!allows(p, "https://.example.com"));
    }

    #[test]
    fn null_missing_and_malformed_origins_never_match() {
        for origin in [
            "null",
            "",
            "https://",
            "https://app.example.com/",
            "https://app.example.com/path",
            "https://user@app.example.com",
            "file://x",
            "https://app.example.com:0",
            "https://app.example.com:99999",
            "https://app..example.com",
        ] {
            assert!(!allows("*", origin), "{origin}");
        }
    }

    #[test]
    fn bare_star_needs_an_explicit_opt_in() {
        assert_eq!(
            OriginPattern::parse("*", false),
            Err(OriginError::AnyNotAllowed)
        );
        assert!(allows("*", "https://anything.example"));
    }

    #[test]
    fn over_broad_or_malformed_patterns_are_refused() {
        for bad in [
            "https://*.com",
            "https://*.",
            "ftp://x.example.com",
            "example.com",
            "https://a.example.com/x",
        ] {
            assert!(OriginPattern::parse(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn patterns_round_trip_through_display() {
        for p in [
            "http://localhost:8080",
            "https://app.example.com",
            "https://*.example.com",
            "*",
        ] {
            assert_eq!(OriginPattern::parse(p, true).unwrap().to_string(), p);
        }
    }
}
