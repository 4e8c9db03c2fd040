//! Header filtering. Sensitive headers keep their name with the value `[REDACTED]`, so an
//! engineer sees that the header was sent without seeing it.

use std::collections::BTreeMap;

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

/// Which headers are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum HeaderPolicy {
    /// Keep every header except the sensitive ones and `extra` names.
    Deny {
        #[serde(default)]
        extra: Vec<String>,
    },
    /// Keep only these headers (the always-sensitive ones stay redacted even if listed).
    Allow { names: Vec<String> },
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
                DENY_PARTS.iter().any(|p| n.contains(p)) || extra.iter().any(|e| normalise(e) == n)
            }
            HeaderPolicy::Allow { names } => !names.iter().any(|a| normalise(a) == n),
        }
    }

    /// Redacts a header map in place, counting under the rule `header`.
    pub fn apply(&self, headers: &mut BTreeMap<String, String>, counts: &mut Counts) {
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
    fn extra_deny_names() {
        let p = HeaderPolicy::Deny {
            extra: vec!["X-Tenant".into()],
        };
        assert!(p.is_redacted("x-tenant"));
    }
}
