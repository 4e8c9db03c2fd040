//! The relay's settings, from (highest first) command-line flags, `BUGCAP_*` environment
//! variables, the TOML file given with `--config`, and the defaults below. The reference with
//! every key is in `docs/relay.md`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bugcap_protocol::Limits;
use bugcap_protocol::redact::RedactionConfig;
use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
pub const DEFAULT_RATE_PER_IP: u32 = 30;
pub const DEFAULT_IP_BURST: u32 = 10;
pub const DEFAULT_RATE_PER_KEY: u32 = 600;
pub const DEFAULT_KEY_BURST: u32 = 100;
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;

/// The TOML file. Every key is optional; unknown keys are an error, so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub server: ServerSection,
    pub limits: LimitsSection,
    pub rate_limit: RateSection,
    pub redaction: Option<RedactionConfig>,
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
        })
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

    #[test]
    fn the_documented_example_is_a_valid_config() {
        let doc = include_str!("../../docs/relay.md");
        let start = doc
            .find("```toml\n")
            .expect("docs/relay.md has a toml example")
            + "```toml\n".len();
        let end = start + doc[start..].find("```").unwrap();
        let file: FileConfig =
            toml::from_str(&doc[start..end]).expect("the documented config parses");
        let s = Settings::resolve(&Overrides::default(), file).unwrap();
        bugcap_protocol::redact::Redactor::new(&s.redaction)
            .expect("the documented redaction rules compile");
        assert_eq!(s.trusted_proxies, ["10.0.0.0/8"]);
        assert_eq!(s.redaction.extra_patterns[0].name, "employee_id");
    }

    #[test]
    fn typos_are_errors() {
        assert!(toml::from_str::<FileConfig>("[server]\nlisen = \"x\"").is_err());
        assert!(toml::from_str::<FileConfig>("[rate_limits]\n").is_err());
    }
}
