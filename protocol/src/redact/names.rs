//! Which names are sensitive: header names, JSON keys, form fields and URL query parameters.
//! Names are compared after normalising (lower case, `_`, `-`, `.` and spaces removed), so
//! `X-Api-Key`, `api_key`, `apiKey` and `API-KEY` are one name.

/// Normalised names whose value is always secret, whatever its type.
const EXACT: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "authorization",
    "auth",
    "credentials",
    "credential",
    "privatekey",
    "clientsecret",
    "otp",
    "totp",
    "ssn",
    "cardnumber",
    "ccnumber",
    "creditcard",
    "creditcardnumber",
    "cvv",
    "cvc",
    "cvv2",
    "cvc2",
    "securitycode",
    "pin",
    "sessionid",
    "session",
    "sessiontoken",
    "cookie",
    "setcookie",
    "accesskey",
    "secretkey",
    "secretaccesskey",
    "signature",
    "jwt",
    "bearer",
    "csrftoken",
    "xsrftoken",
    "iban",
];

/// Substrings that make a name sensitive when its value is text (so `max_tokens: 256` keeps its
/// number while `github_token: "…"` loses its value).
const CONTAINS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "cardnumber",
    "creditcard",
    "accesskey",
    "sessionid",
];

/// Extra query-parameter names that carry secrets in URLs (OAuth codes, signed-URL parts).
const URL_EXTRA: &[&str] = &[
    "code",
    "key",
    "sig",
    "sid",
    "state",
    "xamzsignature",
    "xamzcredential",
    "xamzsecuritytoken",
    "xgoogsignature",
    "xgoogcredential",
    "awsaccesskeyid",
];

/// Normalises a name for comparison.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// How sensitive a key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    /// Not sensitive.
    Plain,
    /// Replace the value whatever it is.
    Always,
    /// Replace text values; keep numbers and booleans.
    TextOnly,
}

/// Classifies a JSON key or form field name; `extra` holds host-given normalised names.
pub fn classify_key(name: &str, extra: &[String]) -> KeyClass {
    let n = normalise(name);
    if EXACT.contains(&n.as_str()) || extra.contains(&n) {
        KeyClass::Always
    } else if CONTAINS.iter().any(|c| n.contains(c)) {
        KeyClass::TextOnly
    } else {
        KeyClass::Plain
    }
}

/// True when a URL query parameter's value must be replaced.
pub fn is_sensitive_param(name: &str, extra: &[String]) -> bool {
    let n = normalise(name);
    classify_key(name, extra) != KeyClass::Plain || URL_EXTRA.contains(&n.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_are_one_name() {
        for k in ["api_key", "apiKey", "API-KEY", "Api.Key", "apikey"] {
            assert_eq!(classify_key(k, &[]), KeyClass::Always, "{k}");
        }
    }

    #[test]
    fn counts_named_like_tokens_keep_numbers() {
        assert_eq!(classify_key("max_tokens", &[]), KeyClass::TextOnly);
        assert_eq!(classify_key("github_token", &[]), KeyClass::TextOnly);
        assert_eq!(classify_key("total", &[]), KeyClass::Plain);
        assert_eq!(classify_key("passenger", &[]), KeyClass::Plain);
    }

    #[test]
    fn host_names_are_honoured() {
        assert_eq!(
            classify_key("x-tenant-pin", &["xtenantpin".into()]),
            KeyClass::Always
        );
        assert!(is_sensitive_param("code", &[]));
        assert!(is_sensitive_param("X-Amz-Signature", &[]));
        assert!(!is_sensitive_param("page", &[]));
    }
}
