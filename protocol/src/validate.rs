//! Semantic checks that serde's types cannot express: versions, counts, lengths and formats.
//! Every failure names the JSON path of the offending field so a client can show or fix it.

use crate::limits::Limits;
use crate::report::{Attachment, Report, SCHEMA_VERSION};

/// Why a well-formed report is still refused. `code` is the API error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub code: &'static str,
    pub field: String,
    pub message: String,
}

impl ValidationError {
    fn new(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationError {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new("invalid_field", field, message)
    }
}

/// Checks a parsed report against the schema rules and `limits`.
pub fn validate(report: &Report, limits: &Limits) -> Result<(), ValidationError> {
    if report.schema_version != SCHEMA_VERSION {
        return Err(ValidationError::new(
            "unsupported_schema_version",
            "schema_version",
            format!(
                "schema version {} is not supported; this relay reads version {SCHEMA_VERSION}",
                report.schema_version
            ),
        ));
    }
    if !is_rfc3339(&report.created_at) {
        return Err(ValidationError::invalid(
            "created_at",
            "must be an RFC 3339 timestamp such as 2026-01-02T03:04:05.678Z",
        ));
    }

    let text = &report.feedback.text;
    if text.trim().is_empty() {
        return Err(ValidationError::invalid(
            "feedback.text",
            "must not be empty",
        ));
    }
    max_len("feedback.text", text, limits.max_feedback_bytes)?;
    let s = limits.max_string_bytes;
    opt_len("feedback.category", &report.feedback.category, 200)?;
    opt_len("feedback.email", &report.feedback.email, 320)?;

    let page = &report.page;
    max_len("page.url", &page.url, s)?;
    opt_len("page.referrer", &page.referrer, s)?;
    max_len("page.title", &page.title, s)?;
    max_len("page.user_agent", &page.user_agent, 2_000)?;
    opt_len("page.language", &page.language, 100)?;
    opt_len("page.time_zone", &page.time_zone, 100)?;
    opt_len("page.local_time", &page.local_time, 64)?;
    opt_len("page.visible_since", &page.visible_since, 64)?;
    if let Some(hints) = &page.client_hints {
        if hints.brands.len() > 16 {
            return Err(ValidationError::invalid(
                "page.client_hints.brands",
                "at most 16 brands",
            ));
        }
        for brand in &hints.brands {
            max_len("page.client_hints.brands", brand, 200)?;
        }
        max_len("page.client_hints.platform", &hints.platform, 100)?;
    }
    if let Some(connection) = &page.connection {
        opt_len(
            "page.connection.effective_type",
            &connection.effective_type,
            32,
        )?;
        for (field, value) in [
            ("page.connection.downlink_mbps", connection.downlink_mbps),
            ("page.connection.rtt_ms", connection.rtt_ms),
        ] {
            if value.is_some_and(|v| !(v.is_finite() && v >= 0.0)) {
                return Err(ValidationError::invalid(
                    field,
                    "must be a non-negative number",
                ));
            }
        }
    }
    if !(page.device_pixel_ratio.is_finite() && page.device_pixel_ratio > 0.0) {
        return Err(ValidationError::invalid(
            "page.device_pixel_ratio",
            "must be a positive number",
        ));
    }

    if let Some(identity) = &report.identity {
        opt_len("identity.id", &identity.id, 200)?;
        opt_len("identity.email", &identity.email, 320)?;
        opt_len("identity.name", &identity.name, 200)?;
    }

    max_count(
        "metadata",
        report.metadata.len(),
        limits.max_metadata_entries,
    )?;
    for (key, value) in &report.metadata {
        max_len_with(|| format!("metadata.{key}"), key, 200)?;
        if let crate::report::MetadataValue::String(v) = value {
            max_len_with(|| format!("metadata.{key}"), v, s)?;
        }
    }

    max_count("console", report.console.len(), limits.max_console_entries)?;
    for (i, entry) in report.console.iter().enumerate() {
        let at = |f: &str| format!("console[{i}].{f}");
        max_len_with(|| at("message"), &entry.message, s)?;
        max_count_with(|| at("args"), entry.args.len(), limits.max_console_args)?;
        for (j, arg) in entry.args.iter().enumerate() {
            max_len_with(|| format!("console[{i}].args[{j}]"), arg, s)?;
        }
        opt_len_with(|| at("stack"), &entry.stack, s)?;
    }

    max_count("errors", report.errors.len(), limits.max_error_entries)?;
    for (i, entry) in report.errors.iter().enumerate() {
        let at = |f: &str| format!("errors[{i}].{f}");
        max_len_with(|| at("message"), &entry.message, s)?;
        opt_len_with(|| at("source"), &entry.source, s)?;
        opt_len_with(|| at("stack"), &entry.stack, s)?;
    }

    max_count("network", report.network.len(), limits.max_network_entries)?;
    for (i, entry) in report.network.iter().enumerate() {
        let at = |f: &str| format!("network[{i}].{f}");
        max_len_with(|| at("method"), &entry.method, 32)?;
        max_len_with(|| at("url"), &entry.url, s)?;
        for (name, headers) in [
            ("request_headers", &entry.request_headers),
            ("response_headers", &entry.response_headers),
        ] {
            max_count_with(|| at(name), headers.len(), limits.max_headers)?;
            for (k, v) in headers {
                max_len_with(|| at(name), k, 256)?;
                max_len_with(|| format!("network[{i}].{name}.{k}"), v, 8 * 1024)?;
            }
        }
        for (name, body) in [
            ("request_body", &entry.request_body),
            ("response_body", &entry.response_body),
        ] {
            if let Some(body) = body {
                opt_len_with(|| at(name), &body.text, s)?;
                opt_len_with(|| at(name), &body.content_type, 256)?;
            }
        }
        opt_len_with(|| at("error"), &entry.error, 2_000)?;
    }

    max_count(
        "annotations",
        report.annotations.len(),
        limits.max_annotations,
    )?;
    let points: usize = report.annotations.iter().map(|a| a.points.len()).sum();
    max_count("annotations[].points", points, limits.max_annotation_points)?;
    for (i, a) in report.annotations.iter().enumerate() {
        if a.points.iter().flatten().any(|c| !c.is_finite()) {
            return Err(ValidationError::invalid(
                format!("annotations[{i}].points"),
                "coordinates must be finite numbers",
            ));
        }
        opt_len_with(|| format!("annotations[{i}].text"), &a.text, 2_000)?;
        opt_len_with(|| format!("annotations[{i}].color"), &a.color, 64)?;
    }

    max_count(
        "attachments",
        report.attachments.len(),
        limits.max_attachments,
    )?;
    for (i, attachment) in report.attachments.iter().enumerate() {
        validate_attachment(i, attachment)?;
        if report.attachments[..i]
            .iter()
            .any(|other| other.name == attachment.name)
        {
            return Err(ValidationError::invalid(
                format!("attachments[{i}].name"),
                "attachment names must be unique within a report",
            ));
        }
    }
    if let Some(dom) = &report.dom {
        max_len("dom.format", &dom.format, 64)?;
        if let Some(name) = &dom.attachment
            && !report.attachments.iter().any(|a| &a.name == name)
        {
            return Err(ValidationError::invalid(
                "dom.attachment",
                "names an attachment the report does not declare",
            ));
        }
    }

    max_count(
        "redactions",
        report.redactions.len(),
        limits.max_redaction_rules,
    )?;
    for rule in report.redactions.keys() {
        max_len("redactions", rule, 64)?;
    }
    max_len("client.name", &report.client.name, 64)?;
    max_len("client.version", &report.client.version, 64)?;
    Ok(())
}

/// Attachment names become object-store keys, so they are restricted to a safe alphabet.
pub fn is_valid_attachment_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn validate_attachment(i: usize, a: &Attachment) -> Result<(), ValidationError> {
    if !is_valid_attachment_name(&a.name) {
        return Err(ValidationError::invalid(
            format!("attachments[{i}].name"),
            "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-', not starting with '.'",
        ));
    }
    max_len(
        &format!("attachments[{i}].content_type"),
        &a.content_type,
        128,
    )?;
    if a.size == 0 {
        return Err(ValidationError::invalid(
            format!("attachments[{i}].size"),
            "must be greater than zero",
        ));
    }
    let hex_ok = a.sha256.len() == 64
        && a.sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex_ok {
        return Err(ValidationError::invalid(
            format!("attachments[{i}].sha256"),
            "must be 64 lower-case hex characters",
        ));
    }
    Ok(())
}

fn max_len(field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.len() > max {
        return Err(ValidationError::new(
            "too_long",
            field,
            format!("is {} bytes; the limit is {max}", value.len()),
        ));
    }
    Ok(())
}

/// [`max_len`] for a field whose path has to be written out (`console[3].message`): it is
/// written only when the value is refused, not for each of the thousands that pass.
fn max_len_with(
    field: impl FnOnce() -> String,
    value: &str,
    max: usize,
) -> Result<(), ValidationError> {
    if value.len() > max {
        return max_len(&field(), value, max);
    }
    Ok(())
}

fn opt_len_with(
    field: impl FnOnce() -> String,
    value: &Option<String>,
    max: usize,
) -> Result<(), ValidationError> {
    value
        .as_deref()
        .map_or(Ok(()), |v| max_len_with(field, v, max))
}

fn max_count_with(
    field: impl FnOnce() -> String,
    count: usize,
    max: usize,
) -> Result<(), ValidationError> {
    if count > max {
        return max_count(&field(), count, max);
    }
    Ok(())
}

fn opt_len(field: &str, value: &Option<String>, max: usize) -> Result<(), ValidationError> {
    value.as_deref().map_or(Ok(()), |v| max_len(field, v, max))
}

fn max_count(field: &str, count: usize, max: usize) -> Result<(), ValidationError> {
    if count > max {
        return Err(ValidationError::new(
            "too_many",
            field,
            format!("has {count} items; the limit is {max}"),
        ));
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with plausible ranges. A full calendar check is not
/// needed: the relay records its own receive time and keeps this only as the client's claim.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || b.len() > 40 {
        return false;
    }
    let num = |r| num_at(s, r);
    let shape = b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't')
        && b[13] == b':'
        && b[16] == b':';
    let (Some(_), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    ) else {
        return false;
    };
    if !shape || !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return false;
        }
        rest = &frac[digits..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] if rest.len() == 6 => {
            let ok = rest.as_bytes()[3] == b':';
            matches!((num_at(rest, 1..3), num_at(rest, 4..6)), (Some(h), Some(m)) if ok && h <= 23 && m <= 59)
        }
        _ => false,
    }
}

/// The all-digit number at `r` in `s`, if there is one.
fn num_at(s: &str, r: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(r)?;
    part.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| part.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_accepts_common_shapes() {
        for ok in [
            "2026-11-22T10:00:00Z",
            "2026-11-22T10:00:00.123Z",
            "2026-11-22T10:00:00.123456789+05:30",
            "2026-02-28t23:59:60-00:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
    }

    #[test]
    fn rfc3339_refuses_near_misses() {
        for bad in [
            "",
            "2026-11-22",
            "2026-11-22 10:00:00Z",
            "2026-13-22T10:00:00Z",
            "2026-11-22T24:00:00Z",
            "2026-11-22T10:00:00",
            "2026-11-22T10:00:00.Z",
            "2026-11-22T10:00:00+0530",
            "2026-11-22T10:00:00+05:3x",
            "2026-11-22T10:00:00Zjunk",
            "２026-11-22T10:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn attachment_names_cannot_escape_a_folder() {
        assert!(is_valid_attachment_name("screenshot.webp"));
        for bad in ["", "../x", "a/b", ".hidden", "a\\b", "é", &"x".repeat(65)] {
            assert!(!is_valid_attachment_name(bad), "{bad}");
        }
    }
}
