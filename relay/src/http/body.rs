//! Reading request bodies within a limit: a declared length over the limit is refused before a
//! byte is read, and a streamed body is cut off as soon as it passes the limit.

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::HeaderMap;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE};

use super::ApiError;

pub async fn read_limited(
    body: Incoming,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(ApiError::PayloadTooLarge { limit })
        }
        Err(e) => Err(ApiError::InvalidJson {
            message: format!("the body could not be read: {e}"),
        }),
    }
}

/// True for `application/json`, with or without parameters such as `charset=utf-8`. Requiring it
/// forces browsers to preflight, so a foreign page cannot post with a simple `text/plain` form.
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// A JSON parse failure as an API error: a wrong type names its field (422), broken syntax is
/// `invalid_json` (400).
pub fn json_error(field: String, inner: &serde_json::Error) -> ApiError {
    match inner.classify() {
        serde_json::error::Category::Data => ApiError::InvalidField {
            field,
            message: inner.to_string(),
        },
        _ => ApiError::InvalidJson {
            message: inner.to_string(),
        },
    }
}

/// How deeply JSON text nests: brackets counted outside strings. Linear and allocation-free,
/// so hostile text is measured before anything recursive touches it.
pub fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod depth_tests {
    use super::json_depth;

    #[test]
    fn depth_is_counted_outside_strings_only() {
        assert_eq!(json_depth(b"{}"), 1);
        assert_eq!(json_depth(b"1"), 0);
        assert_eq!(json_depth(br#"{"a":[{"b":"[[[[{{"}]}"#), 3);
        assert_eq!(json_depth(br#"["\\\"[[", [[]]]"#), 3);
        assert_eq!(json_depth(br#"{"a":"\"[[["}"#), 1);
    }
}
