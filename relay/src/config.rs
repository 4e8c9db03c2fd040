//! The relay's settings, from (highest first) command-line flags, `BUGCAP_*` environment
//! variables, the TOML file given with `--config`, and the defaults below. The reference with
//! every key is in `docs/relay.md`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bugcap_protocol::Limits;
use bugcap_protocol::redact::RedactionConfig;
use serde::Deserialize;

use crate::media::S3Config;
use crate::media::policy::{MAX_UPLOAD_TTL, MediaPolicy};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
pub const DEFAULT_RATE_PER_IP: u32 = 30;
pub const DEFAULT_IP_BURST: u32 = 10;
pub const DEFAULT_RATE_PER_KEY: u32 = 600;
pub const DEFAULT_KEY_BURST: u32 = 100;
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;
/// How long a relay holds the outbox rows it is delivering before another may take them.
pub const DEFAULT_LEASE_SECS: u64 = 120;
/// How long a report's delivery is retried before it becomes a dead letter: three days.
pub const DEFAULT_HORIZON_HOURS: u64 = 72;

/// The TOML file. Every key is optional; unknown keys are an error, so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub server: ServerSection,
    pub limits: LimitsSection,
    pub rate_limit: RateSection,
    pub redaction: Option<RedactionConfig>,
    pub media: MediaSection,
    pub webhook: WebhookSection,
    pub delivery: DeliverySection,
    pub retention: RetentionSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSection {
    /// Delete reports (and their media) received more than this many days ago.
    pub report_days: Option<u64>,
    /// Delete audit entries older than this many days.
    pub audit_days: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliverySection {
    pub lease_secs: Option<u64>,
    pub horizon_hours: Option<u64>,
}

/// How old things get before the sweep deletes them; `None`: kept forever.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub reports: Option<Duration>,
    pub audit: Option<Duration>,
}

impl RetentionPolicy {
    pub fn is_off(&self) -> bool {
        self.reports.is_none() && self.audit.is_none()
    }
}

/// How the delivery worker shares the outbox and when it gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// How long rows taken for delivery are held; longer than one send may take.
    pub lease: Duration,
    /// Retries end (the row becomes a dead letter) once a report is this old.
    pub horizon: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> DeliveryPolicy {
        DeliveryPolicy {
            lease: Duration::from_secs(DEFAULT_LEASE_SECS),
            horizon: Duration::from_secs(DEFAULT_HORIZON_HOURS * 3600),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSection {
    /// `local` (the default: files under the data directory) or `s3`.
    pub backend: Option<String>,
    /// Base URL browsers reach the relay at, for the local store's upload URLs.
    pub public_url: Option<String>,
    pub allowed_types: Option<Vec<String>>,
    pub max_image_bytes: Option<u64>,
    pub max_other_bytes: Option<u64>,
    pub upload_url_ttl_secs: Option<u64>,
    pub grace_secs: Option<u64>,
    pub s3: Option<S3Section>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Section {
    pub endpoint: Option<String>,
    pub bucket: Option<String>,
    pub region: Option<String>,
    pub path_style: Option<bool>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSection {
    pub url: Option<String>,
    /// `whsec_` + base64 (Standard Webhooks); better given as `BUGCAP_WEBHOOK_SECRET`.
    pub secret: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSection {
    pub listen: Option<SocketAddr>,
    pub hsts: Option<bool>,
    pub trusted_proxies: Option<Vec<String>>,
    pub max_connections: Option<usize>,
    pub body_timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSection {
    pub max_body_bytes: Option<usize>,
    pub max_json_depth: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateSection {
    pub per_ip_per_minute: Option<u32>,
    pub ip_burst: Option<u32>,
    pub per_key_per_minute: Option<u32>,
    pub key_burst: Option<u32>,
}

/// Settings given on the command line or in the environment (`None`: not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub hsts: bool,
    pub trusted_proxies: Vec<String>,
    pub max_connections: Option<usize>,
    pub body_timeout_secs: Option<u64>,
    pub max_body_bytes: Option<usize>,
    pub rate_per_ip: Option<u32>,
    pub ip_burst: Option<u32>,
    pub rate_per_key: Option<u32>,
    pub key_burst: Option<u32>,
    pub redaction_config: Option<PathBuf>,
    pub public_url: Option<String>,
    pub upload_url_ttl_secs: Option<u64>,
    pub media_grace_secs: Option<u64>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub delivery_lease_secs: Option<u64>,
    pub delivery_horizon_hours: Option<u64>,
    pub retention_days: Option<u64>,
    pub audit_retention_days: Option<u64>,
}

/// Where media are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaBackend {
    Local,
    S3(S3Config),
}

/// Where finished reports are sent.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Everything `serve` runs with, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub hsts: bool,
    pub trusted_proxies: Vec<String>,
    pub max_connections: usize,
    pub body_timeout: Duration,
    pub limits: Limits,
    pub rate_per_ip: (u32, u32),
    pub rate_per_key: (u32, u32),
    pub redaction: RedactionConfig,
    pub media_backend: MediaBackend,
    pub media_policy: MediaPolicy,
    pub public_url: Option<String>,
    pub webhook: Option<WebhookSettings>,
    pub delivery: DeliveryPolicy,
    pub retention: RetentionPolicy,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{0}")]
    Setting(String),
}

pub fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Invalid {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Reads a redaction config document (JSON, the shape of the widget's `redaction` option).
pub fn read_redaction_json(path: &Path) -> Result<RedactionConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| ConfigError::Invalid {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

impl Settings {
    /// Layers `flags` over `file` over the defaults.
    pub fn resolve(flags: &Overrides, file: FileConfig) -> Result<Settings, ConfigError> {
        let defaults = Limits::default();
        let redaction = match &flags.redaction_config {
            Some(path) => read_redaction_json(path)?,
            None => file.redaction.unwrap_or_default(),
        };
        let trusted_proxies = if flags.trusted_proxies.is_empty() {
            file.server.trusted_proxies.unwrap_or_default()
        } else {
            flags.trusted_proxies.clone()
        };
        Ok(Settings {
            listen: flags
                .listen
                .or(file.server.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("the default address parses")),
            hsts: flags.hsts || file.server.hsts.unwrap_or(false),
            trusted_proxies,
            max_connections: flags
                .max_connections
                .or(file.server.max_connections)
                .unwrap_or(DEFAULT_MAX_CONNECTIONS),
            body_timeout: Duration::from_secs(
                flags
                    .body_timeout_secs
                    .or(file.server.body_timeout_secs)
                    .unwrap_or(DEFAULT_BODY_TIMEOUT_SECS)
                    .max(1),
            ),
            limits: Limits {
                max_body_bytes: flags
                    .max_body_bytes
                    .or(file.limits.max_body_bytes)
                    .unwrap_or(defaults.max_body_bytes),
                max_json_depth: file
                    .limits
                    .max_json_depth
                    .unwrap_or(defaults.max_json_depth),
                ..defaults
            },
            rate_per_ip: (
                flags
                    .rate_per_ip
                    .or(file.rate_limit.per_ip_per_minute)
                    .unwrap_or(DEFAULT_RATE_PER_IP),
                flags
                    .ip_burst
                    .or(file.rate_limit.ip_burst)
                    .unwrap_or(DEFAULT_IP_BURST),
            ),
            rate_per_key: (
                flags
                    .rate_per_key
                    .or(file.rate_limit.per_key_per_minute)
                    .unwrap_or(DEFAULT_RATE_PER_KEY),
                flags
                    .key_burst
                    .or(file.rate_limit.key_burst)
                    .unwrap_or(DEFAULT_KEY_BURST),
            ),
            redaction,
            media_policy: media_policy(flags, &file.media)?,
            media_backend: media_backend(flags, file.media.backend.as_deref(), file.media.s3)?,
            public_url: flags.public_url.clone().or(file.media.public_url),
            webhook: webhook(flags, file.webhook)?,
            delivery: delivery(flags, &file.delivery)?,
            retention: retention(flags, &file.retention)?,
        })
    }
}

/// Ages in days, 1-36500 each; absent: kept forever.
fn retention(flags: &Overrides, file: &RetentionSection) -> Result<RetentionPolicy, ConfigError> {
    let days = |value: Option<u64>, name: &str| -> Result<Option<Duration>, ConfigError> {
        match value {
            None => Ok(None),
            Some(d) if (1..=36_500).contains(&d) => Ok(Some(Duration::from_secs(d * 86_400))),
            Some(_) => Err(ConfigError::Setting(format!(
                "retention.{name} must be 1-36500 days (leave it out to keep forever)"
            ))),
        }
    };
    Ok(RetentionPolicy {
        reports: days(flags.retention_days.or(file.report_days), "report_days")?,
        audit: days(flags.audit_retention_days.or(file.audit_days), "audit_days")?,
    })
}

fn delivery(flags: &Overrides, file: &DeliverySection) -> Result<DeliveryPolicy, ConfigError> {
    let lease = flags
        .delivery_lease_secs
        .or(file.lease_secs)
        .unwrap_or(DEFAULT_LEASE_SECS);
    // A lease must outlast one webhook request (15 s) with room to settle it.
    if !(30..=3600).contains(&lease) {
        return Err(ConfigError::Setting(
            "delivery.lease_secs must be 30-3600".into(),
        ));
    }
    let horizon = flags
        .delivery_horizon_hours
        .or(file.horizon_hours)
        .unwrap_or(DEFAULT_HORIZON_HOURS);
    if horizon == 0 || horizon > 24 * 365 {
        return Err(ConfigError::Setting(
            "delivery.horizon_hours must be 1-8760".into(),
        ));
    }
    Ok(DeliveryPolicy {
        lease: Duration::from_secs(lease),
        horizon: Duration::from_secs(horizon * 3600),
    })
}

fn media_policy(flags: &Overrides, file: &MediaSection) -> Result<MediaPolicy, ConfigError> {
    let defaults = MediaPolicy::default();
    let ttl = flags
        .upload_url_ttl_secs
        .or(file.upload_url_ttl_secs)
        .map_or(defaults.upload_ttl, Duration::from_secs);
    if ttl.is_zero() || ttl > MAX_UPLOAD_TTL {
        return Err(ConfigError::Setting(format!(
            "upload_url_ttl_secs must be 1-{}",
            MAX_UPLOAD_TTL.as_secs()
        )));
    }
    let allowed_types = file.allowed_types.clone().unwrap_or(defaults.allowed_types);
    if let Some(bad) = allowed_types.iter().find(|t| {
        !t.contains('/')
            || !t
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/.+-".contains(&b))
    }) {
        return Err(ConfigError::Setting(format!(
            "media.allowed_types: {bad:?} is not a lower-case type/subtype without parameters"
        )));
    }
    Ok(MediaPolicy {
        allowed_types,
        max_image_bytes: file.max_image_bytes.unwrap_or(defaults.max_image_bytes),
        max_other_bytes: file.max_other_bytes.unwrap_or(defaults.max_other_bytes),
        upload_ttl: ttl,
        grace: flags
            .media_grace_secs
            .or(file.grace_secs)
            .map_or(defaults.grace, Duration::from_secs),
    })
}

fn media_backend(
    flags: &Overrides,
    backend: Option<&str>,
    s3: Option<S3Section>,
) -> Result<MediaBackend, ConfigError> {
    match backend.unwrap_or("local") {
        "local" => Ok(MediaBackend::Local),
        "s3" => {
            let s3 = s3.unwrap_or_default();
            let need = |value: Option<String>, name: &str| {
                value.filter(|v| !v.is_empty()).ok_or_else(|| {
                    ConfigError::Setting(format!("media.backend = \"s3\" needs media.s3.{name}"))
                })
            };
            Ok(MediaBackend::S3(S3Config {
                endpoint: need(s3.endpoint, "endpoint")?,
                bucket: need(s3.bucket, "bucket")?,
                region: s3.region.unwrap_or_else(|| "auto".into()),
                path_style: s3.path_style.unwrap_or(false),
                access_key_id: need(
                    flags.s3_access_key_id.clone().or(s3.access_key_id),
                    "access_key_id (or BUGCAP_S3_ACCESS_KEY_ID)",
                )?,
                secret_access_key: need(
                    flags.s3_secret_access_key.clone().or(s3.secret_access_key),
                    "secret_access_key (or BUGCAP_S3_SECRET_ACCESS_KEY)",
                )?,
            }))
        }
        other => Err(ConfigError::Setting(format!(
            "media.backend must be \"local\" or \"s3\", not {other:?}"
        ))),
    }
}

fn webhook(
    flags: &Overrides,
    file: WebhookSection,
) -> Result<Option<WebhookSettings>, ConfigError> {
    let url = flags.webhook_url.clone().or(file.url);
    let secret = flags.webhook_secret.clone().or(file.secret);
    match (url, secret) {
        (None, None) => Ok(None),
        (Some(url), Some(secret)) => {
            crate::delivery::webhook::decode_secret(&secret).map_err(ConfigError::Setting)?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ConfigError::Setting(
                    "webhook url must be http:// or https://".into(),
                ));
            }
            Ok(Some(WebhookSettings { url, secret }))
        }
        _ => Err(ConfigError::Setting(
            "a webhook needs both a url and a secret (BUGCAP_WEBHOOK_URL, BUGCAP_WEBHOOK_SECRET)"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_which_beats_the_defaults() {
        let file: FileConfig = toml::from_str(
            "[server]\nlisten = \"0.0.0.0:9000\"\nmax_connections = 10\n[rate_limit]\nper_ip_per_minute = 5\n[limits]\nmax_body_bytes = 2048\n[redaction]\nemails = true\n",
        )
        .unwrap();
        let flags = Overrides {
            rate_per_ip: Some(0),
            ..Default::default()
        };
        let s = Settings::resolve(&flags, file).unwrap();
        assert_eq!(s.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(s.max_connections, 10);
        assert_eq!(s.rate_per_ip, (0, DEFAULT_IP_BURST));
        assert_eq!(s.rate_per_key, (DEFAULT_RATE_PER_KEY, DEFAULT_KEY_BURST));
        assert_eq!(s.limits.max_body_bytes, 2048);
        assert!(s.redaction.emails);
        let d = Settings::resolve(&Overrides::default(), FileConfig::default()).unwrap();
        assert_eq!(d.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(d.limits, Limits::default());
    }

    /// Every ```toml block of docs/relay.md; the configuration reference is the last.
    fn documented_toml() -> Vec<&'static str> {
        include_str!("../../docs/relay.md")
            .split("```toml\n")
            .skip(1)
            .map(|rest| &rest[..rest.find("```").unwrap()])
            .collect()
    }

    #[test]
    fn the_documented_example_is_a_valid_config() {
        let reference = *documented_toml()
            .last()
            .expect("docs/relay.md has a toml reference");
        let file: FileConfig = toml::from_str(reference).expect("the documented config parses");
        let s = Settings::resolve(&Overrides::default(), file).unwrap();
        bugcap_protocol::redact::Redactor::new(&s.redaction)
            .expect("the documented redaction rules compile");
        assert_eq!(s.trusted_proxies, ["10.0.0.0/8"]);
        assert_eq!(s.redaction.extra_patterns[0].name, "employee_id");
        assert_eq!(s.media_policy, MediaPolicy::default());
        assert!(s.webhook.is_some());
        assert_eq!(s.delivery, DeliveryPolicy::default());
        assert_eq!(s.retention.reports, Some(Duration::from_secs(365 * 86_400)));
        assert_eq!(s.retention.audit, Some(Duration::from_secs(730 * 86_400)));
    }

    #[test]
    fn retention_is_off_by_default_and_ranges_are_checked() {
        let d = Settings::resolve(&Overrides::default(), FileConfig::default()).unwrap();
        assert!(d.retention.is_off());
        let bad = [
            Overrides {
                retention_days: Some(0),
                ..Default::default()
            },
            Overrides {
                delivery_lease_secs: Some(5),
                ..Default::default()
            },
            Overrides {
                delivery_horizon_hours: Some(0),
                ..Default::default()
            },
        ];
        for flags in bad {
            assert!(
                Settings::resolve(&flags, FileConfig::default()).is_err(),
                "{flags:?}"
            );
        }
    }

    #[test]
    fn every_documented_bucket_example_is_a_valid_s3_config() {
        let blocks = documented_toml();
        let examples = &blocks[..blocks.len() - 1];
        assert_eq!(examples.len(), 3, "AWS, R2 and MinIO examples");
        for block in examples {
            let file: FileConfig = toml::from_str(block).expect(block);
            let flags = Overrides {
                s3_access_key_id: Some("id".into()),
                s3_secret_access_key: Some("secret".into()),
                ..Default::default()
            };
            let s = Settings::resolve(&flags, file).expect(block);
            let MediaBackend::S3(config) = s.media_backend else {
                panic!("{block} is not an s3 config");
            };
            crate::media::S3Store::new(&config).expect(block);
        }
    }

    #[test]
    fn media_settings_are_checked() {
        let resolve =
            |toml: &str| Settings::resolve(&Overrides::default(), toml::from_str(toml).unwrap());
        assert!(resolve("[media]\nupload_url_ttl_secs = 301").is_err());
        assert!(resolve("[media]\nupload_url_ttl_secs = 0").is_err());
        assert!(resolve("[media]\nallowed_types = [\"Image/PNG\"]").is_err());
        assert!(resolve("[media]\nbackend = \"ftp\"").is_err());
        let e = resolve(
            "[media]\nbackend = \"s3\"\n[media.s3]\nendpoint = \"http://x\"\nbucket = \"b\"",
        )
        .unwrap_err();
        assert!(e.to_string().contains("access_key_id"), "{e}");
        assert!(
            resolve("[webhook]\nurl = \"https://x\"").is_err(),
            "a url without a secret"
        );
    }

    #[test]
    fn typos_are_errors() {
        assert!(toml::from_str::<FileConfig>("[server]\nlisen = \"x\"").is_err());
        assert!(toml::from_str::<FileConfig>("[rate_limits]\n").is_err());
    }
}
