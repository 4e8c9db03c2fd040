//! An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, anything speaking SigV4). Every URL is
//! presigned by `rusty-s3`; the relay's own requests (read back, delete) use presigned URLs too,
//! so there is one signing path. Upload URLs carry `content-type`, `content-length` and
//! `x-amz-checksum-sha256` as signed headers, never as query parameters, so the store refuses
//! any other type, length or bytes.

use std::time::Duration;

use rusty_s3::actions::S3Action;
use rusty_s3::{Bucket, Credentials, UrlStyle};

use super::{CHECKSUM_HEADER, DigestCheck, MediaError, ObjectRef, Verdict};

/// How long the relay's own read-back and delete URLs live.
const INTERNAL_TTL: Duration = Duration::from_secs(60);

#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `https://s3.eu-west-1.amazonaws.com`, `https://<account>.r2.cloudflarestorage.com`,
    /// `http://127.0.0.1:9000` …
    pub endpoint: String,
    pub bucket: String,
    /// `auto` for R2; the bucket's region for AWS; anything the server accepts for MinIO.
    pub region: String,
    /// `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, most
    /// self-hosted servers).
    pub path_style: bool,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Config {
    // Never print the secret, even in a debug dump of the settings.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("path_style", &self.path_style)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

pub struct S3Store {
    bucket: Bucket,
    credentials: Credentials,
    client: reqwest::Client,
}

impl S3Store {
    /// `scheme://host[:port]` that signed URLs point at: the app's pages may load images from it.
    pub fn origin(&self) -> String {
        self.bucket.base_url().origin().ascii_serialization()
    }

    pub fn new(config: &S3Config) -> Result<S3Store, MediaError> {
        let endpoint: url::Url = config
            .endpoint
            .parse()
            .map_err(|e| MediaError::Config(format!("s3 endpoint: {e}")))?;
        let style = if config.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(
            endpoint,
            style,
            config.bucket.clone(),
            config.region.clone(),
        )
        .map_err(|e| MediaError::Config(format!("s3 bucket: {e:?}")))?;
        if config.access_key_id.is_empty() || config.secret_access_key.is_empty() {
            return Err(MediaError::Config(
                "s3 needs an access key id and a secret access key".into(),
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(S3Store {
            bucket,
            credentials: Credentials::new(
                config.access_key_id.clone(),
                config.secret_access_key.clone(),
            ),
            client,
        })
    }

    pub fn presign_put(&self, obj: &ObjectRef, issued_at: i64, ttl: Duration) -> String {
        let mut action = self.bucket.put_object(Some(&self.credentials), &obj.key);
        let headers = action.headers_mut();
        headers.insert("content-type", obj.content_type.clone());
        headers.insert("content-length", obj.size.to_string());
        headers.insert(CHECKSUM_HEADER, obj.checksum_base64());
        action.sign_with_time(ttl, &timestamp(issued_at)).into()
    }

    pub fn presign_get(&self, key: &str, now: i64, ttl: Duration) -> String {
        self.bucket
            .get_object(Some(&self.credentials), key)
            .sign_with_time(ttl, &timestamp(now))
            .into()
    }

    /// Reads the object and hashes it: the bytes decide, not the metadata the uploader sent.
    pub async fn verify(&self, obj: &ObjectRef) -> Result<Verdict, MediaError> {
        let mut digest = DigestCheck::default();
        Ok(
            match self
                .stream(obj, |chunk| digest.update(chunk, obj.size))
                .await?
            {
                Streamed::Whole => digest.verdict(obj),
                Streamed::WrongSize => Verdict::WrongSize,
                Streamed::Missing => Verdict::Missing,
            },
        )
    }

    /// The object's bytes, at most its declared size (`None` when it is missing or longer).
    pub async fn read(&self, obj: &ObjectRef) -> Result<Option<Vec<u8>>, MediaError> {
        let mut bytes = Vec::new();
        let streamed = self
            .stream(obj, |chunk| {
                let within = bytes.len() as u64 + chunk.len() as u64 <= obj.size;
                if within {
                    bytes.extend_from_slice(chunk);
                }
                within
            })
            .await?;
        Ok((streamed == Streamed::Whole).then_some(bytes))
    }

    /// Streams the object to `sink` while it returns `true`; stops at once when
    /// `Content-Length` already says the object is not its declared size.
    async fn stream(
        &self,
        obj: &ObjectRef,
        mut sink: impl FnMut(&[u8]) -> bool,
    ) -> Result<Streamed, MediaError> {
        let url = self
            .bucket
            .get_object(Some(&self.credentials), &obj.key)
            .sign(INTERNAL_TTL);
        let mut res = self.client.get(url).send().await?;
        match res.status().as_u16() {
            404 => return Ok(Streamed::Missing),
            200 => {}
            status => {
                return Err(MediaError::Status {
                    operation: "GetObject",
                    status,
                });
            }
        }
        if res.content_length().is_some_and(|len| len != obj.size) {
            return Ok(Streamed::WrongSize);
        }
        while let Some(chunk) = res.chunk().await? {
            if !sink(&chunk) {
                return Ok(Streamed::WrongSize);
            }
        }
        Ok(Streamed::Whole)
    }

    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), key)
            .sign(INTERNAL_TTL);
        let res = self.client.delete(url).send().await?;
        match res.status().as_u16() {
            200 | 204 | 404 => Ok(()),
            status => Err(MediaError::Status {
                operation: "DeleteObject",
                status,
            }),
        }
    }
}

/// How a streamed read ended.
#[derive(Debug, PartialEq, Eq)]
enum Streamed {
    Missing,
    /// Longer than declared (or the sink stopped).
    WrongSize,
    Whole,
}

fn timestamp(unix_secs: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(unix_secs).unwrap_or_else(|_| jiff::Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(path_style: bool) -> S3Store {
        S3Store::new(&S3Config {
            endpoint: "https://s3.eu-west-1.amazonaws.com".into(),
            bucket: "reports".into(),
            region: "eu-west-1".into(),
            path_style,
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "secret".into(),
        })
        .unwrap()
    }

    fn obj() -> ObjectRef {
        ObjectRef {
            report_id: "r".into(),
            name: "screenshot.png".into(),
            key: "shop/production/r/screenshot.png".into(),
            content_type: "image/png".into(),
            size: 1234,
            sha256: "ab".repeat(32),
        }
    }

    #[test]
    fn upload_urls_sign_type_length_and_checksum_as_headers_not_query() {
        let url = store(true).presign_put(&obj(), 1_700_000_000, Duration::from_secs(120));
        assert!(
            url.starts_with(
                "https://s3.eu-west-1.amazonaws.com/reports/shop/production/r/screenshot.png?"
            ),
            "{url}"
        );
        let parsed = url::Url::parse(&url).unwrap();
        let query: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        let signed = &query
            .iter()
            .find(|(k, _)| k == "X-Amz-SignedHeaders")
            .unwrap()
            .1;
        assert_eq!(
            signed,
            "content-length;content-type;host;x-amz-checksum-sha256"
        );
        assert!(
            query
                .iter()
                .all(|(k, _)| !k.eq_ignore_ascii_case("content-type")
                    && !k.eq_ignore_ascii_case(CHECKSUM_HEADER)),
            "{url}"
        );
        assert!(query.contains(&("X-Amz-Expires".into(), "120".into())));
    }

    #[test]
    fn signing_is_deterministic_in_the_issue_time() {
        let s = store(false);
        let a = s.presign_put(&obj(), 1_700_000_000, Duration::from_secs(120));
        let b = s.presign_put(&obj(), 1_700_000_000, Duration::from_secs(120));
        let c = s.presign_put(&obj(), 1_700_000_001, Duration::from_secs(120));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("https://reports.s3.eu-west-1.amazonaws.com/shop/"));
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let config = S3Config {
            endpoint: "http://127.0.0.1:9000".into(),
            bucket: "b".into(),
            region: "auto".into(),
            path_style: true,
            access_key_id: "id".into(),
            secret_access_key: "very-secret-value".into(),
        };
        assert!(!format!("{config:?}").contains("very-secret-value"));
    }
}
