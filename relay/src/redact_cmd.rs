//! `bugcap-relay redact`: runs the relay's redaction over stdin so a team can try its rules.
//! A v1 report is redacted field by field exactly as on ingest; any other JSON by key and value;
//! anything else as plain text.

use std::io::{Read, Write};
use std::path::Path;

use bugcap_protocol::Report;
use bugcap_protocol::redact::{Counts, RedactionConfig, Redactor};

/// Why `redact` could not run.
#[derive(Debug, thiserror::Error)]
pub enum RedactCmdError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot read or write: {0}")]
    Io(#[from] std::io::Error),
}

/// Largest input accepted, so a mistaken pipe cannot exhaust memory.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// The redactor for `--config FILE` (JSON), or the defaults.
pub fn load_config(path: Option<&Path>) -> Result<Redactor, RedactCmdError> {
    let config = match path {
        Some(path) => crate::config::read_redaction_json(path)?,
        None => RedactionConfig::default(),
    };
    Redactor::new(&config).map_err(|e| RedactCmdError::Usage(e.to_string()))
}

pub fn run(config: Option<&Path>) -> Result<(), RedactCmdError> {
    let redactor = load_config(config)?;
    let mut input = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut input)?;
    if input.len() > MAX_INPUT_BYTES {
        return Err(RedactCmdError::Usage(format!(
            "input is larger than {MAX_INPUT_BYTES} bytes"
        )));
    }
    let text = String::from_utf8(input)
        .map_err(|_| RedactCmdError::Usage("input is not UTF-8 text".into()))?;
    let (output, counts) = redact_document(&redactor, &text);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(output.as_bytes())?;
    if !output.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    let summary: Vec<String> = counts
        .0
        .iter()
        .map(|(rule, n)| format!("{rule}={n}"))
        .collect();
    eprintln!(
        "redacted {} value(s){}",
        counts.total(),
        if summary.is_empty() {
            String::new()
        } else {
            format!(": {}", summary.join(" "))
        }
    );
    Ok(())
}

/// Redacts one document, choosing the treatment from what it is.
pub fn redact_document(redactor: &Redactor, text: &str) -> (String, Counts) {
    if let Ok(mut report) = serde_json::from_str::<Report>(text) {
        let counts = redactor.report(&mut report);
        let out = serde_json::to_string_pretty(&report).unwrap_or_default();
        return (out, counts);
    }
    let mut counts = Counts::default();
    if let Ok(mut value) = bugcap_protocol::json::Json::parse(text) {
        redactor.json(&mut value, &mut counts);
        return (
            serde_json::to_string_pretty(&value).unwrap_or_default(),
            counts,
        );
    }
    let out = redactor.text(text, &mut counts).into_owned();
    (out, counts)
}
