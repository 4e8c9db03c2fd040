//! The privacy engine: header filtering, URL scrubbing, structured-body scrubbing and secret
//! patterns in free text. The widget runs it before a report leaves the page and the relay runs
//! it again on arrival, from this one implementation, so the two cannot disagree.
//!
//! Secrets are replaced by `[REDACTED:<rule>]` (headers and URL parameters by `[REDACTED]`), and
//! [`Counts`] records how many values each rule replaced, never the values. Running the engine
//! over its own output changes nothing.

pub mod body;
pub mod headers;
pub mod ip;
pub mod names;
pub mod patterns;
pub mod report;
pub mod url;

use crate::map::Map;
use std::borrow::Cow;

use serde::{Deserialize, Serialize};

pub use body::{BodyKind, body_kind};
pub use headers::HeaderPolicy;
use patterns::Found;

/// Replacements made, per rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub Map<u64>);

impl Counts {
    pub fn add(&mut self, rule: &str) {
        *self.0.get_or_insert_with(rule, || 0) += 1;
    }

    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    /// Adds these counts into a report's `redactions`.
    pub fn merge_into(&self, target: &mut Map<u64>) {
        for (rule, n) in &self.0 {
            *target.get_or_insert_with(rule, || 0) += n;
        }
    }
}

/// A host-given pattern: every match is replaced by `[REDACTED:<name>]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomPattern {
    /// Rule name used in the replacement and the counts: `[a-z0-9_]`, 1–40 characters.
    pub name: String,
    /// A regular expression (the `regex-lite` dialect: no Unicode classes).
    pub pattern: String,
}

/// What the engine redacts beyond its defaults. The same document configures the widget
/// (`init({ redaction })`), the relay (`[redaction]` in its config) and `bugcap-relay redact`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedactionConfig {
    /// Also replace email addresses (off by default: they are often what the report is about).
    pub emails: bool,
    /// Also replace IPv4 and IPv6 addresses.
    #[serde(alias = "ipAddresses")]
    pub ip_addresses: bool,
    /// Extra sensitive key names for JSON, forms and URL parameters.
    #[serde(alias = "extraKeys")]
    pub extra_keys: Vec<String>,
    /// Extra value patterns.
    #[serde(alias = "extraPatterns")]
    pub extra_patterns: Vec<CustomPattern>,
    /// Which headers are kept.
    pub headers: HeaderPolicy,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("custom pattern name `{0}` must be 1-40 characters of a-z, 0-9 and _")]
    PatternName(String),
    #[error("custom pattern `{name}` is not a valid regular expression: {message}")]
    Pattern { name: String, message: String },
    #[error("custom pattern `{0}` matches the empty string, which would redact everything")]
    EmptyMatch(String),
    #[error("at most {0} custom patterns")]
    TooMany(usize),
    /// This build has no regular expression engine (the widget's plain reporter, which hosts
    /// without patterns load; its loader picks the other one when patterns are given).
    #[error("custom patterns need the engine built with them (feature `custom-patterns`)")]
    PatternsUnsupported,
}

/// Limits on host-given rules, so a config cannot make redaction arbitrarily slow.
pub const MAX_CUSTOM_PATTERNS: usize = 32;
const MAX_PATTERN_LEN: usize = 1_000;

/// A compiled [`RedactionConfig`].
#[derive(Debug, Clone)]
pub struct Redactor {
    options: patterns::Options,
    extra_keys: Vec<String>,
    custom: Vec<(String, Pattern)>,
    headers: HeaderPolicy,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(&RedactionConfig::default()).expect("the default config is valid")
    }
}

impl Redactor {
    pub fn new(config: &RedactionConfig) -> Result<Redactor, ConfigError> {
        if config.extra_patterns.len() > MAX_CUSTOM_PATTERNS {
            return Err(ConfigError::TooMany(MAX_CUSTOM_PATTERNS));
        }
        let mut custom = Vec::with_capacity(config.extra_patterns.len());
        for p in &config.extra_patterns {
            let name_ok = (1..=40).contains(&p.name.len())
                && p.name
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
            if !name_ok {
                return Err(ConfigError::PatternName(p.name.clone()));
            }
            let invalid = |message: String| ConfigError::Pattern {
                name: p.name.clone(),
                message,
            };
            if p.pattern.len() > MAX_PATTERN_LEN {
                return Err(invalid(format!("longer than {MAX_PATTERN_LEN} characters")));
            }
            let regex = compile(&p.pattern).map_err(|e| match e {
                Some(message) => invalid(message),
                None => ConfigError::PatternsUnsupported,
            })?;
            if matches_empty(&regex) {
                return Err(ConfigError::EmptyMatch(p.name.clone()));
            }
            custom.push((p.name.clone(), regex));
        }
        Ok(Redactor {
            options: patterns::Options {
                emails: config.emails,
                ip_addresses: config.ip_addresses,
            },
            extra_keys: config
                .extra_keys
                .iter()
                .map(|k| names::normalise(k))
                .collect(),
            custom,
            headers: config.headers.clone(),
        })
    }

    pub fn headers(&self) -> &HeaderPolicy {
        &self.headers
    }

    /// Replaces every secret found in free text. Borrows when nothing was found.
    pub fn text<'a>(&self, text: &'a str, counts: &mut Counts) -> Cow<'a, str> {
        let mut found: Vec<Found> = Vec::new();
        let mut urls: Vec<usize> = Vec::new();
        patterns::scan(text, self.options, &mut found, &mut urls);
        let mut replaced = replace(text, &found, counts);
        if !urls.is_empty() {
            // A URL anywhere in the text gets the URL fields' rules: its userinfo and the values
            // of its sensitive query and fragment parameters go. They run on what the patterns
            // left, so a URL is read the same way here and when the output is scanned again
            // (a replaced secret that held spaces would otherwise end the URL in one pass and
            // not in the next).
            if let Cow::Owned(changed) = &replaced {
                urls = url::marks(changed.as_bytes());
            }
            let mut in_urls = Vec::new();
            url::secrets_in_text(replaced.as_bytes(), &urls, &self.extra_keys, &mut in_urls);
            if !in_urls.is_empty() {
                let out = replace(&replaced, &in_urls, counts).into_owned();
                replaced = Cow::Owned(out);
            }
        }
        if self.custom.is_empty() {
            return replaced;
        }
        let mut current = replaced;
        for (name, regex) in &self.custom {
            let hits: Vec<Found> = find_all(regex, &current)
                .into_iter()
                .filter(|&(start, end)| end > start && !inside_placeholder(&current, start))
                .map(|(start, end)| Found {
                    start,
                    end,
                    rule: "",
                })
                .collect();
            if hits.is_empty() {
                continue;
            }
            let mut out = String::with_capacity(current.len());
            let mut last = 0;
            for h in &hits {
                out.push_str(&current[last..h.start]);
                out.push_str("[REDACTED:");
                out.push_str(name);
                out.push(']');
                counts.add(name);
                last = h.end;
            }
            out.push_str(&current[last..]);
            current = Cow::Owned(out);
        }
        current
    }

    /// Redacts a string in place (no allocation when it is clean).
    pub fn text_in_place(&self, text: &mut String, counts: &mut Counts) {
        if let Cow::Owned(new) = self.text(text, counts) {
            *text = new;
        }
    }
}

/// A compiled host pattern.
#[cfg(feature = "custom-patterns")]
type Pattern = regex_lite::Regex;

/// Never made: without the engine, a config with patterns is refused.
#[cfg(not(feature = "custom-patterns"))]
#[derive(Debug, Clone)]
enum Pattern {}

/// `Err(Some(reason))` for a pattern that does not compile, `Err(None)` without the engine.
#[cfg(feature = "custom-patterns")]
fn compile(pattern: &str) -> Result<Pattern, Option<String>> {
    regex_lite::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| Some(e.to_string()))
}

#[cfg(not(feature = "custom-patterns"))]
fn compile(_: &str) -> Result<Pattern, Option<String>> {
    Err(None)
}

#[cfg(feature = "custom-patterns")]
fn matches_empty(pattern: &Pattern) -> bool {
    pattern.is_match("")
}

#[cfg(not(feature = "custom-patterns"))]
fn matches_empty(pattern: &Pattern) -> bool {
    match *pattern {}
}

/// The byte ranges `pattern` matches in `text`, leftmost first.
#[cfg(feature = "custom-patterns")]
fn find_all(pattern: &Pattern, text: &str) -> Vec<(usize, usize)> {
    pattern
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect()
}

#[cfg(not(feature = "custom-patterns"))]
fn find_all(pattern: &Pattern, _: &str) -> Vec<(usize, usize)> {
    match *pattern {}
}

/// True when `at` falls inside a `[REDACTED:…]` placeholder already in `text`.
fn inside_placeholder(text: &str, at: usize) -> bool {
    let before = &text[..at];
    match crate::search::rfind(before.as_bytes(), b"[REDACTED") {
        Some(open) => !before[open..].contains(']'),
        None => false,
    }
}

fn replace<'a>(text: &'a str, found: &[Found], counts: &mut Counts) -> Cow<'a, str> {
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + found.len() * 16);
    let mut last = 0;
    for f in found {
        out.push_str(&text[last..f.start]);
        out.push_str("[REDACTED:");
        out.push_str(f.rule);
        out.push(']');
        counts.add(f.rule);
        last = f.end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_pattern() -> RedactionConfig {
        RedactionConfig {
            extra_patterns: vec![CustomPattern {
                name: "ticket".into(),
                pattern: "T-[0-9]+".into(),
            }],
            ..Default::default()
        }
    }

    /// A build without the engine (the widget's plain reporter) must refuse a host's patterns,
    /// never ignore them: ignoring would send what the host asked to redact.
    #[cfg(not(feature = "custom-patterns"))]
    #[test]
    fn without_the_engine_patterns_are_refused_not_ignored() {
        assert_eq!(
            Redactor::new(&with_pattern()).unwrap_err(),
            ConfigError::PatternsUnsupported
        );
        assert!(Redactor::new(&RedactionConfig::default()).is_ok());
    }

    #[cfg(feature = "custom-patterns")]
    #[test]
    fn with_the_engine_patterns_apply() {
        let r = Redactor::new(&with_pattern()).unwrap();
        let mut counts = Counts::default();
        assert_eq!(r.text("see T-42", &mut counts), "see [REDACTED:ticket]");
        assert_eq!(counts.0.get("ticket"), Some(&1));
    }
}
