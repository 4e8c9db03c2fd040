//! What a widget key may upload: which content types, how large, and for how long an upload URL
//! stays valid. Checked when a report declares its attachments and again when a URL is asked for,
//! so a public key cannot turn the bucket into free file hosting.

use std::time::Duration;

use bugcap_protocol::Attachment;

/// The longest an upload URL may live, whatever the config says.
pub const MAX_UPLOAD_TTL: Duration = Duration::from_secs(300);
pub const DEFAULT_UPLOAD_TTL: Duration = Duration::from_secs(120);
pub const DEFAULT_GRACE: Duration = Duration::from_secs(600);
pub const DEFAULT_MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;
pub const DEFAULT_MAX_OTHER_BYTES: u64 = 20 * 1024 * 1024;
pub const DEFAULT_TYPES: [&str; 4] = ["image/png", "image/webp", "image/jpeg", "application/json"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaPolicy {
    /// Exact, lower-case media types (no parameters).
    pub allowed_types: Vec<String>,
    /// Largest `image/*` upload.
    pub max_image_bytes: u64,
    /// Largest upload of any other allowed type (DOM snapshots as JSON).
    pub max_other_bytes: u64,
    pub upload_ttl: Duration,
    /// How long a report waits for its declared media before it is delivered without them.
    pub grace: Duration,
}

impl Default for MediaPolicy {
    fn default() -> Self {
        MediaPolicy {
            allowed_types: DEFAULT_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            max_image_bytes: DEFAULT_MAX_IMAGE_BYTES,
            max_other_bytes: DEFAULT_MAX_OTHER_BYTES,
            upload_ttl: DEFAULT_UPLOAD_TTL,
            grace: DEFAULT_GRACE,
        }
    }
}

impl MediaPolicy {
    /// The size limit for `content_type`, or `None` when the type is not allowed.
    pub fn limit_for(&self, content_type: &str) -> Option<u64> {
        if !self.allowed_types.iter().any(|t| t == content_type) {
            return None;
        }
        Some(if content_type.starts_with("image/") {
            self.max_image_bytes
        } else {
            self.max_other_bytes
        })
    }

    /// Checks a report's declared attachments when the report arrives, naming the field.
    pub fn check_declarations(&self, attachments: &[Attachment]) -> Result<(), PolicyError> {
        for (i, a) in attachments.iter().enumerate() {
            self.check(&a.content_type, a.size)
                .map_err(|e| e.at(&format!("attachments[{i}]")))?;
        }
        Ok(())
    }

    /// Checks one declaration's type and size.
    pub fn check(&self, content_type: &str, size: u64) -> Result<(), PolicyError> {
        let limit = self
            .limit_for(content_type)
            .ok_or_else(|| PolicyError::TypeNotAllowed {
                field: "content_type".into(),
                allowed: self.allowed_types.join(", "),
            })?;
        if size > limit {
            return Err(PolicyError::TooLarge {
                field: "size".into(),
                limit,
            });
        }
        Ok(())
    }
}

/// A declaration the policy refuses, with the field it names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("this content type is not accepted; allowed: {allowed}")]
    TypeNotAllowed { field: String, allowed: String },
    #[error("the declared size is over the limit of {limit} bytes for this type")]
    TooLarge { field: String, limit: u64 },
}

impl PolicyError {
    /// Places the field under `prefix` (`size` becomes `attachments[2].size`).
    pub fn at(mut self, prefix: &str) -> Self {
        let (PolicyError::TypeNotAllowed { field, .. } | PolicyError::TooLarge { field, .. }) =
            &mut self;
        *field = format!("{prefix}.{field}");
        self
    }

    pub fn field(&self) -> &str {
        match self {
            PolicyError::TypeNotAllowed { field, .. } | PolicyError::TooLarge { field, .. } => {
                field
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(content_type: &str, size: u64) -> Attachment {
        Attachment {
            name: "screenshot.png".into(),
            content_type: content_type.into(),
            size,
            sha256: "0".repeat(64),
        }
    }

    #[test]
    fn only_listed_types_within_their_limit_pass() {
        let p = MediaPolicy::default();
        assert!(p.check("image/png", DEFAULT_MAX_IMAGE_BYTES).is_ok());
        assert!(p.check("application/json", DEFAULT_MAX_OTHER_BYTES).is_ok());
        let too_big = p
            .check("image/png", DEFAULT_MAX_IMAGE_BYTES + 1)
            .unwrap_err();
        assert!(matches!(too_big, PolicyError::TooLarge { .. }));
        for refused in [
            "text/html",
            "image/svg+xml",
            "IMAGE/PNG",
            "image/png; x=1",
            "",
        ] {
            let e = p.check(refused, 10).unwrap_err();
            assert!(matches!(e, PolicyError::TypeNotAllowed { .. }), "{refused}");
        }
    }

    #[test]
    fn declaration_errors_name_the_attachment() {
        let p = MediaPolicy::default();
        let e = p
            .check_declarations(&[attachment("image/png", 1), attachment("text/html", 1)])
            .unwrap_err();
        assert_eq!(e.field(), "attachments[1].content_type");
    }
}
