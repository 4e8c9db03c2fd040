//! The embedded default: media in the relay's own folder (`<data-dir>/media`), uploaded with a
//! `PUT` to a relay-signed URL. The signature is an HMAC over method, report id, attachment
//! name, content type, length, checksum and expiry, checked in constant time, so the URL
//! behaves like a presigned S3 URL: the same rules, the same answers.
//!
//! No client-supplied text reaches the file system: an object's file name is the SHA-256 of
//! its relay-built key. Uploads stream into a temporary file and are renamed into place only
//! after length and checksum match.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::{DigestCheck, MediaError, ObjectRef, Verdict};
use crate::hex;

type HmacSha256 = Hmac<Sha256>;

/// The path prefix of upload and download URLs.
pub const UPLOAD_PATH: &str = "/v1/uploads";

/// Why an upload to the local store was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload URL's signature does not match this request")]
    SignatureInvalid,
    #[error("the upload URL has expired")]
    UrlExpired,
    /// The bytes differ from the declaration: `length` or `checksum`.
    #[error("the uploaded bytes do not match the declared {0}")]
    Mismatch(&'static str),
    #[error(transparent)]
    Storage(MediaError),
}

pub struct LocalStore {
    root: PathBuf,
    secret: [u8; 32],
    /// Base URL browsers reach the relay at; `None`: taken from each request's `Host`.
    public_url: Option<String>,
}

/// What a signature covers.
pub struct Signed<'a> {
    pub method: &'a str,
    pub report_id: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub checksum: &'a str,
    pub expires: i64,
}

impl LocalStore {
    /// Opens `<data_dir>/media`, creating it and its signing key (mode 0600) on first use, and
    /// removes partial uploads a crash left behind.
    pub fn open(data_dir: &Path, public_url: Option<String>) -> Result<LocalStore, MediaError> {
        let root = data_dir.join("media");
        std::fs::create_dir_all(root.join("objects"))?;
        let tmp = root.join("tmp");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        let secret = load_or_create_key(&root.join("signing.key"))?;
        Ok(LocalStore {
            root,
            secret,
            public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
        })
    }

    fn object_path(&self, obj: &ObjectRef) -> PathBuf {
        self.root
            .join("objects")
            .join(hex::encode(&Sha256::digest(obj.key.as_bytes())))
    }

    fn mac(&self, s: &Signed<'_>) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes any key length");
        // Fields cannot contain '\n' (names and ids are from a safe alphabet, types from the
        // allow list), so the joined string is unambiguous.
        let text = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}",
            s.method, s.report_id, s.name, s.content_type, s.size, s.checksum, s.expires
        );
        mac.update(text.as_bytes());
        mac
    }

    pub fn sign(&self, s: &Signed<'_>) -> String {
        hex::encode(&self.mac(s).finalize().into_bytes())
    }

    /// Constant-time check of `signature_hex` against what this request would be signed with.
    pub fn check(&self, s: &Signed<'_>, signature_hex: &str, now: i64) -> Result<(), UploadError> {
        let presented = hex::decode(signature_hex).ok_or(UploadError::SignatureInvalid)?;
        self.mac(s)
            .verify_slice(&presented)
            .map_err(|_| UploadError::SignatureInvalid)?;
        // Checked after the signature, so a forged expiry reads as a bad signature.
        if now > s.expires {
            return Err(UploadError::UrlExpired);
        }
        Ok(())
    }

    fn url(&self, request_base: &str, obj: &ObjectRef, signed: &Signed<'_>) -> String {
        let base = self.public_url.as_deref().unwrap_or(request_base);
        format!(
            "{base}{UPLOAD_PATH}/{}/{}?expires={}&signature={}",
            obj.report_id,
            obj.name,
            signed.expires,
            self.sign(signed)
        )
    }

    pub fn presign_put(&self, request_base: &str, obj: &ObjectRef, expires: i64) -> String {
        let checksum = obj.checksum_base64();
        let signed = Signed {
            method: "PUT",
            report_id: &obj.report_id,
            name: &obj.name,
            content_type: &obj.content_type,
            size: obj.size,
            checksum: &checksum,
            expires,
        };
        self.url(request_base, obj, &signed)
    }

    pub fn presign_get(&self, request_base: &str, obj: &ObjectRef, expires: i64) -> String {
        self.url(request_base, obj, &Self::get_signed(obj, expires))
    }

    /// What a download URL for `obj` signs.
    pub fn get_signed(obj: &ObjectRef, expires: i64) -> Signed<'_> {
        Signed {
            method: "GET",
            report_id: &obj.report_id,
            name: &obj.name,
            content_type: "",
            size: 0,
            checksum: "",
            expires,
        }
    }

    /// Streams an upload into a temporary file, then renames it into place only if it is
    /// exactly the declared length and checksum. Anything else leaves nothing behind.
    pub async fn receive(&self, obj: &ObjectRef, body: Incoming) -> Result<(), UploadError> {
        let mut name = [0u8; 16];
        getrandom::fill(&mut name).map_err(|e| {
            UploadError::Storage(MediaError::Io(std::io::Error::other(e.to_string())))
        })?;
        let tmp = self.root.join("tmp").join(hex::encode(&name));
        let result = self.write_checked(obj, body, &tmp).await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    async fn write_checked(
        &self,
        obj: &ObjectRef,
        mut body: Incoming,
        tmp: &Path,
    ) -> Result<(), UploadError> {
        let io = |e: std::io::Error| UploadError::Storage(MediaError::Io(e));
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
            .await
            .map_err(io)?;
        let mut digest = DigestCheck::default();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| UploadError::Mismatch("length"))?;
            if let Ok(data) = frame.into_data() {
                if !digest.update(&data, obj.size) {
                    return Err(UploadError::Mismatch("length"));
                }
                file.write_all(&data).await.map_err(io)?;
            }
        }
        match digest.verdict(obj) {
            Verdict::Matches => {}
            Verdict::WrongChecksum => return Err(UploadError::Mismatch("checksum")),
            _ => return Err(UploadError::Mismatch("length")),
        }
        file.sync_all().await.map_err(io)?;
        drop(file);
        tokio::fs::rename(tmp, self.object_path(obj))
            .await
            .map_err(io)?;
        Ok(())
    }

    pub async fn verify(&self, obj: &ObjectRef) -> Result<Verdict, MediaError> {
        let path = self.object_path(obj);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Verdict::Missing),
            Err(e) => return Err(e.into()),
        };
        let mut digest = DigestCheck::default();
        if !digest.update(&bytes, obj.size) {
            return Ok(Verdict::WrongSize);
        }
        Ok(digest.verdict(obj))
    }

    pub async fn delete(&self, obj: &ObjectRef) -> Result<(), MediaError> {
        match tokio::fs::remove_file(self.object_path(obj)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// The stored bytes, for a signed download.
    pub async fn read(&self, obj: &ObjectRef) -> Result<Option<Vec<u8>>, MediaError> {
        match tokio::fs::read(self.object_path(obj)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

fn load_or_create_key(path: &Path) -> Result<[u8; 32], MediaError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            return bytes.try_into().map_err(|_| {
                MediaError::Config(format!("{} is not a 32-byte key", path.display()))
            });
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        Err(_) => {}
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| MediaError::Config(format!("random key: {e}")))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(&key)?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(content_type: &str, size: u64, expires: i64) -> Signed<'_> {
        Signed {
            method: "PUT",
            report_id: "0b7e7a3c-1111-4c4c-9999-000000000001",
            name: "screenshot.png",
            content_type,
            size,
            checksum: "abc=",
            expires,
        }
    }

    #[test]
    fn a_signature_covers_every_bound_field_and_the_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path(), None).unwrap();
        let sig = store.sign(&signed("image/png", 10, 100));
        assert!(store.check(&signed("image/png", 10, 100), &sig, 50).is_ok());
        let code = |e: UploadError| crate::http::ApiError::from(e).code();
        let bad = |s: &Signed<'_>| code(store.check(s, &sig, 50).unwrap_err());
        assert_eq!(bad(&signed("image/jpeg", 10, 100)), "signature_invalid");
        assert_eq!(bad(&signed("image/png", 11, 100)), "signature_invalid");
        assert_eq!(bad(&signed("image/png", 10, 101)), "signature_invalid");
        let mut other_method = signed("image/png", 10, 100);
        other_method.method = "GET";
        assert_eq!(bad(&other_method), "signature_invalid");
        assert_eq!(
            code(
                store
                    .check(&signed("image/png", 10, 100), &sig, 101)
                    .unwrap_err()
            ),
            "url_expired"
        );
        assert_eq!(
            code(
                store
                    .check(&signed("image/png", 10, 100), "zz", 50)
                    .unwrap_err()
            ),
            "signature_invalid"
        );
    }

    #[test]
    fn the_key_survives_a_restart_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = LocalStore::open(dir.path(), None).unwrap();
        let b = LocalStore::open(dir.path(), None).unwrap();
        let s = signed("image/png", 1, 1);
        assert_eq!(a.sign(&s), b.sign(&s));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("media/signing.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
