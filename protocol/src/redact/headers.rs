//! Header filtering. Sensitive headers keep their name with the value `[REDACTED]`, so an
//! engineer sees that the header was sent without seeing it.

use crate::map::Map;

use serde::{Deserialize, Serialize};

use super::Counts;
use super::names::normalise;

/// The value a filtered header is given.
pub const REDACTED: &str = "[REDACTED]";

/// Always dropped, in every mode.
const ALWAYS: &[&str] = &["authorization", "proxyauthorization", "cookie", "setcookie"];
/// A header whose normalised name contains one of these is dropped in deny mode.
const DENY_PARTS: &[&str] = &[
    "token", "secret", "key", "session", "auth", "csrf", "xsrf", "password",
];

/// Which headers are kept. Read through [`RawPolicy`]: serde's internally tagged enums buffer
/// the whole document first, which cost the widget's bundle a lot of code for this one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "mode",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "RawPolicy"
)]
pub enum HeaderPolicy {
    /// Keep every header except the sensitive ones and `extra` names.
    Deny {
        #[serde(default)]
        extra: Vec<String>,
    },
    /// Keep only these headers (the always-sensitive ones stay redacted even if listed).
    Allow { names: Vec<String> },
}

/// The header policy as written: `{"mode": "deny", "extra": [...]}` or
/// `{"mode": "allow", "names": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    mode: Mode,
    extra: Option<Vec<String>>,
    names: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Mode {
    Deny,
    Allow,
}

impl TryFrom<RawPolicy> for HeaderPolicy {
    type Error = &'static str;

    fn try_from(raw: RawPolicy) -> Result<Self, Self::Error> {
        HeaderPolicy::from_parts(matches!(raw.mode, Mode::Allow), raw.extra, raw.names)
    }
}

impl HeaderPolicy {
    /// The policy a document's `mode` (allow or deny), `extra` and `names` describe; the
    /// widget reads those from a JS object without serde.
    pub fn from_parts(
        allow: bool,
        extra: Option<Vec<String>>,
        names: Option<Vec<String>>,
    ) -> Result<HeaderPolicy, &'static str> {
        match (allow, extra, names) {
            (false, extra, None) => Ok(HeaderPolicy::Deny {
                extra: extra.unwrap_or_default(),
            }),
            (false, _, Some(_)) => {
                Err("`names` belongs to mode \"allow\"; mode \"deny\" takes `extra`")
            }
            (true, None, Some(names)) => Ok(HeaderPolicy::Allow { names }),
            (true, Some(_), _) => {
                Err("`extra` belongs to mode \"deny\"; mode \"allow\" takes `names`")
            }
            (true, None, None) => Err("mode \"allow\" needs `names`, the headers to keep"),
        }
    }
}

impl Default for HeaderPolicy {
    fn default() -> Self {
        HeaderPolicy::Deny { extra: Vec::new() }
    }
}

impl HeaderPolicy {
    /// True when the header's value must be replaced.
    pub fn is_redacted(&self, name: &str) -> bool {
        let n = normalise(name);
        if ALWAYS.contains(&n.as_str()) {
            return true;
        }
        match self {
            HeaderPolicy::Deny { extra } => {
                DENY_PARTS.iter().any(|p| crate::search::contains(&n, p))
                    || extra.iter().any(|e| normalise(e) == n)
            }
            HeaderPolicy::Allow { names } => !names.iter().any(|a| normalise(a) == n),
        }
    }

    /// Redacts a header map in place, counting under the rule `header`.
    pub fn apply(&self, headers: &mut Map<String>, counts: &mut Counts) {
        for (name, value) in headers.iter_mut() {
            if self.is_redacted(name) && value != REDACTED {
                *value = REDACTED.to_owned();
                counts.add("header");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_deny_list() {
        let p = HeaderPolicy::default();
        for h in [
            "Authorization",
            "proxy-authorization",
            "Cookie",
            "Set-Cookie",
            "X-Api-Key",
            "X-CSRF-Token",
            "X-XSRF-TOKEN",
            "x-session-id",
            "X-Auth-User",
            "X-Client-Secret",
            "x-password",
        ] {
            assert!(p.is_redacted(h), "{h}");
        }
        for h in [
            "content-type",
            "accept",
            "x-request-id",
            "cache-control",
            "keep-alive",
            "user-agent",
        ] {
            assert!(!p.is_redacted(h), "{h}");
        }
    }

    #[test]
    fn allow_list_keeps_only_named_headers_and_never_credentials() {
        let p = HeaderPolicy::Allow {
            names: vec!["content-type".into(), "authorization".into()],
        };
        assert!(!p.is_redacted("Content-Type"));
        assert!(p.is_redacted("x-request-id"));
        assert!(p.is_redacted("authorization"));
    }

    #[test]
    fn reads_both_modes_and_refuses_mixed_ones() {
        let read = |s: &str| serde_json::from_str::<HeaderPolicy>(s).map_err(|e| e.to_string());
        assert_eq!(read(r#"{"mode": "deny"}"#), Ok(HeaderPolicy::default()));
        assert_eq!(
            read(r#"{"mode": "deny", "extra": ["x-tenant"]}"#),
            Ok(HeaderPolicy::Deny {
                extra: vec!["x-tenant".into()]
            })
        );
        assert_eq!(
            read(r#"{"mode": "allow", "names": ["accept"]}"#),
            Ok(HeaderPolicy::Allow {
                names: vec!["accept".into()]
            })
        );
        for (bad, says) in [
            (r#"{"mode": "allow"}"#, "needs `names`"),
            (
                r#"{"mode": "allow", "names": [], "extra": []}"#,
                "`extra` belongs",
            ),
            (r#"{"mode": "deny", "names": []}"#, "`names` belongs"),
            (r#"{"mode": "block"}"#, "unknown variant `block`"),
            (r#"{"names": []}"#, "missing field `mode`"),
            (
                r#"{"mode": "deny", "extras": []}"#,
                "unknown field `extras`",
            ),
        ] {
            let error = read(bad).expect_err(bad);
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn written_as_it_is_read() {
        let policy = HeaderPolicy::Allow {
            names: vec!["accept".into()],
        };
        let text = serde_json::to_string(&policy).unwrap();
        assert_eq!(text, r#"{"mode":"allow","names":["accept"]}"#);
        assert_eq!(serde_json::from_str::<HeaderPolicy>(&text).unwrap(), policy);
    }

    #[test]
    fn extra_deny_names() {
        let p = HeaderPolicy::Deny {
            extra: vec!["X-Tenant".into()],
        };
        assert!(p.is_redacted("x-tenant"));
    }
}
