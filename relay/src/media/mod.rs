//! Report media (screenshots, large DOM snapshots): presigned direct uploads to object storage,
//! never through the database. Two backends answer the same way: any S3-compatible bucket
//! (presigned SigV4 through `rusty-s3`), and the relay's own folder under `--data-dir` serving
//! relay-signed URLs (the embedded default).
//!
//! An upload URL binds the content type, the exact length and the SHA-256 checksum, so the URL
//! cannot be used for anything but the bytes the report declared. Even so, `complete` re-reads
//! what was stored and checks size and hash itself: a server that stored mismatched bytes anyway
//! (some do on a checksum error) cannot make a wrong object count.

pub mod local;
pub mod policy;
pub mod s3;
pub mod thumbnail;

use std::time::Duration;

use base64::Engine;
use sha2::{Digest, Sha256};

pub use local::LocalStore;
pub use policy::MediaPolicy;
pub use s3::{S3Config, S3Store};

/// The header that carries the base64 SHA-256 of an upload (S3's name, used by both backends so
/// the widget sends the same request to either).
pub const CHECKSUM_HEADER: &str = "x-amz-checksum-sha256";

/// Failures talking to the object store. None carries a URL (they hold signatures) or a secret.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("object store I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store request failed: {0}")]
    Http(String),
    #[error("object store answered {status} to {operation}")]
    Status {
        operation: &'static str,
        status: u16,
    },
    #[error("object store configuration: {0}")]
    Config(String),
}

impl From<reqwest::Error> for MediaError {
    fn from(e: reqwest::Error) -> Self {
        // `without_url`: the URL is presigned, and a signature must not reach a log line.
        MediaError::Http(e.without_url().to_string())
    }
}

/// One declared attachment, as stored: where it lives and what it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub report_id: String,
    pub name: String,
    /// `{project}/{environment}/{report_id}/{name}`: built by the relay from validated parts.
    pub key: String,
    pub content_type: String,
    pub size: u64,
    /// Lower-case hex, as declared in the report.
    pub sha256: String,
}

impl ObjectRef {
    /// The checksum as S3 wants it in `x-amz-checksum-sha256`: base64 of the raw digest.
    pub fn checksum_base64(&self) -> String {
        hex_to_base64(&self.sha256).unwrap_or_default()
    }
}

/// An upload URL and the headers the client must send with it.
#[derive(Debug, Clone)]
pub struct Presigned {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub expires_at: i64,
}

/// What `complete` found in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Missing,
    Matches,
    WrongSize,
    WrongChecksum,
}

/// The configured backend.
pub enum ObjectStore {
    Local(LocalStore),
    S3(S3Store),
}

impl ObjectStore {
    /// Signs an upload URL valid from `issued_at` (Unix seconds) for `ttl`. Signing is
    /// deterministic in `issued_at`, so asking again while a URL is live returns the same URL:
    /// there is never more than one live URL per attachment.
    pub fn presign_put(
        &self,
        obj: &ObjectRef,
        issued_at: i64,
        ttl: Duration,
        request_base: &str,
    ) -> Presigned {
        let expires_at = issued_at + ttl.as_secs() as i64;
        let url = match self {
            ObjectStore::Local(local) => local.presign_put(request_base, obj, expires_at),
            ObjectStore::S3(s3) => s3.presign_put(obj, issued_at, ttl),
        };
        Presigned {
            url,
            headers: vec![
                ("content-type", obj.content_type.clone()),
                (CHECKSUM_HEADER, obj.checksum_base64()),
            ],
            expires_at,
        }
    }

    /// A short-lived URL an admin's browser can fetch the object from.
    pub fn presign_get(&self, obj: &ObjectRef, ttl: Duration, request_base: &str) -> String {
        let now = now_secs();
        match self {
            ObjectStore::Local(local) => {
                local.presign_get(request_base, obj, now + ttl.as_secs() as i64)
            }
            ObjectStore::S3(s3) => s3.presign_get(&obj.key, now, ttl),
        }
    }

    /// Reads the stored object back and compares it with the declaration.
    pub async fn verify(&self, obj: &ObjectRef) -> Result<Verdict, MediaError> {
        match self {
            ObjectStore::Local(local) => local.verify(obj).await,
            ObjectStore::S3(s3) => s3.verify(obj).await,
        }
    }

    /// The stored bytes when they are exactly what the report declared (size and SHA-256):
    /// `None` when the object is missing or differs. For the relay's own use (thumbnails, the
    /// DOM snapshot rebuilt in the app), never for a download, which goes to a signed URL.
    pub async fn read_verified(&self, obj: &ObjectRef) -> Result<Option<Vec<u8>>, MediaError> {
        let bytes = match self {
            ObjectStore::Local(local) => local.read(obj).await?,
            ObjectStore::S3(s3) => s3.read(obj).await?,
        };
        Ok(bytes.filter(|b| {
            let mut digest = DigestCheck::default();
            digest.update(b, obj.size) && digest.verdict(obj) == Verdict::Matches
        }))
    }

    /// Removes the object; removing what is not there succeeds.
    pub async fn delete(&self, obj: &ObjectRef) -> Result<(), MediaError> {
        match self {
            ObjectStore::Local(local) => local.delete(obj).await,
            ObjectStore::S3(s3) => s3.delete(&obj.key).await,
        }
    }

    /// The origin of download URLs when it is not the relay's own (a bucket's endpoint).
    pub fn foreign_origin(&self) -> Option<String> {
        match self {
            ObjectStore::Local(_) => None,
            ObjectStore::S3(s3) => Some(s3.origin()),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            ObjectStore::Local(_) => "local",
            ObjectStore::S3(_) => "s3",
        }
    }
}

/// Streams chunks through SHA-256 and compares with the declaration, stopping as soon as the
/// object is longer than declared (so a huge foreign object is not read in full).
#[derive(Default)]
pub struct DigestCheck {
    hasher: Sha256,
    len: u64,
}

impl DigestCheck {
    /// Adds a chunk; `false` once more than `limit` bytes have been seen.
    pub fn update(&mut self, chunk: &[u8], limit: u64) -> bool {
        self.len += chunk.len() as u64;
        if self.len > limit {
            return false;
        }
        self.hasher.update(chunk);
        true
    }

    pub fn verdict(self, obj: &ObjectRef) -> Verdict {
        if self.len != obj.size {
            return Verdict::WrongSize;
        }
        let digest = self.hasher.finalize();
        if crate::hex::encode(&digest) == obj.sha256 {
            Verdict::Matches
        } else {
            Verdict::WrongChecksum
        }
    }
}

fn hex_to_base64(hex: &str) -> Option<String> {
    Some(base64::engine::general_purpose::STANDARD.encode(crate::hex::decode(hex)?))
}

pub fn now_secs() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(bytes: &[u8]) -> ObjectRef {
        ObjectRef {
            report_id: "r".into(),
            name: "n".into(),
            key: "k".into(),
            content_type: "image/png".into(),
            size: bytes.len() as u64,
            sha256: crate::hex::encode(&Sha256::digest(bytes)),
        }
    }

    #[test]
    fn checksum_is_base64_of_the_raw_digest() {
        // SHA-256 of "abc", as S3 documents it in x-amz-checksum-sha256.
        assert_eq!(
            obj(b"abc").checksum_base64(),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn digest_check_tells_size_and_content_apart() {
        let declared = obj(b"hello");
        let run = |chunks: &[&[u8]]| {
            let mut d = DigestCheck::default();
            for c in chunks {
                if !d.update(c, declared.size) {
                    return Verdict::WrongSize;
                }
            }
            d.verdict(&declared)
        };
        assert_eq!(run(&[b"he", b"llo"]), Verdict::Matches);
        assert_eq!(run(&[b"hellp"]), Verdict::WrongChecksum);
        assert_eq!(run(&[b"hell"]), Verdict::WrongSize);
        assert_eq!(run(&[b"hello", b"!"]), Verdict::WrongSize);
    }
}
