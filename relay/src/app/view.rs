//! What the pages show of a report, computed from the stored (redacted) report. Every value here
//! is plain text: the templates escape it, and links are only ever `http(s)` or the app's own.

use bugcap_protocol::Report;

use crate::store::{Activity, MediaRow, MediaState};

/// `2026-12-04 18:43 UTC` and the RFC 3339 form for `<time datetime>` (which the page's script
/// shows in the reader's own time zone).
pub fn times(ms: i64) -> (String, String) {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => (t.strftime("%Y-%m-%d %H:%M UTC").to_string(), t.to_string()),
        Err(_) => (String::new(), String::new()),
    }
}

/// `1.2 MB`.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// A URL that may be a link: `http` and `https` only (a `javascript:` or `data:` URL in a report
/// is shown as text).
pub fn safe_link(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

pub struct ErrorView {
    pub kind: String,
    pub message: String,
    pub location: String,
    pub stack: String,
    pub count: u32,
}

pub struct ConsoleView {
    pub level: &'static str,
    pub message: String,
    pub stack: String,
    pub at: String,
}

/// A request that took this long (ms) is called slow in the exports.
pub const SLOW_MS: f64 = 1000.0;

pub struct NetworkView {
    pub kind: &'static str,
    pub method: String,
    pub url: String,
    pub status: String,
    pub duration: String,
    pub start: String,
    pub failed: bool,
    /// Took at least [`SLOW_MS`].
    pub slow: bool,
    pub error: String,
    /// The bar's offset and width in percent of the recorded span.
    pub left: String,
    pub width: String,
    pub request_headers: Vec<(String, String)>,
    pub response_headers: Vec<(String, String)>,
    pub request_body: String,
    pub response_body: String,
}

pub struct AttachmentView {
    pub name: String,
    pub content_type: String,
    pub size: String,
    pub status: &'static str,
    pub href: Option<String>,
}

/// One report, ready for the page.
pub struct ReportView {
    pub title: String,
    pub text: String,
    pub category: String,
    pub severity: String,
    pub project: String,
    pub environment: String,
    pub received: String,
    pub received_iso: String,
    pub page_url: String,
    pub page_link: Option<String>,
    pub context: Vec<(String, String)>,
    pub identity: Vec<(String, String)>,
    pub metadata: Vec<(String, String)>,
    pub screenshot: Option<String>,
    pub screenshot_missing: &'static str,
    pub errors: Vec<ErrorView>,
    pub console: Vec<ConsoleView>,
    pub network: Vec<NetworkView>,
    pub failed: usize,
    /// The console levels present, for the level filter.
    pub levels: Vec<&'static str>,
    pub attachments: Vec<AttachmentView>,
    pub has_dom: bool,
    pub dom_truncated: bool,
    pub dom_missing: &'static str,
}

/// The attachment shown as the screenshot: the first completed image named `screenshot.*`.
pub fn screenshot_of(media: &[MediaRow]) -> Option<&MediaRow> {
    media.iter().find(|m| {
        m.state == MediaState::Complete
            && m.object.name.starts_with("screenshot.")
            && m.object.content_type.starts_with("image/")
    })
}

/// A page time (ms since the epoch, as the widget records console lines, errors and requests)
/// as the clock time, `19:13:20.721` (UTC).
fn clock(ms_since_epoch: f64) -> String {
    jiff::Timestamp::from_millisecond(ms_since_epoch as i64)
        .map(|t| t.strftime("%H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

pub struct Stored<'a> {
    pub report: &'a Report,
    pub project: &'a str,
    pub environment: &'a str,
    pub received_at: i64,
    pub media: &'a [MediaRow],
}

impl ReportView {
    /// `media_base` is where this page's media are fetched from (`/app/reports/{id}/media` or
    /// a share link's).
    pub fn of(stored: &Stored<'_>, media_base: &str) -> ReportView {
        let report = stored.report;
        let (received, received_iso) = times(stored.received_at);
        let page = &report.page;
        let mut context = vec![
            ("Title".to_owned(), page.title.clone()),
            (
                "Viewport".to_owned(),
                format!(
                    "{} × {} at {}×",
                    page.viewport.width, page.viewport.height, page.device_pixel_ratio
                ),
            ),
            ("Browser".to_owned(), page.user_agent.clone()),
        ];
        let mut optional = |label: &str, value: Option<&String>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                context.push((label.to_owned(), v.clone()));
            }
        };
        optional("Language", page.language.as_ref());
        optional("Time zone", page.time_zone.as_ref());
        optional("Their local time", page.local_time.as_ref());
        optional("Referrer", page.referrer.as_ref());
        if let Some(screen) = &page.screen {
            context.push((
                "Screen".to_owned(),
                format!("{} × {}", screen.width, screen.height),
            ));
        }
        if let Some(hints) = &page.client_hints {
            context.push((
                "Platform".to_owned(),
                format!(
                    "{}{}",
                    hints.platform,
                    if hints.mobile { " (mobile)" } else { "" }
                ),
            ));
        }
        if let Some(c) = &page.connection
            && let Some(t) = &c.effective_type
        {
            context.push(("Connection".to_owned(), t.clone()));
        }
        context.push(("Sent at".to_owned(), report.created_at.clone()));
        context.push((
            "Widget".to_owned(),
            format!("{} {}", report.client.name, report.client.version),
        ));

        let mut identity = Vec::new();
        if let Some(who) = &report.identity {
            for (label, value) in [
                ("Name", &who.name),
                ("Email", &who.email),
                ("User id", &who.id),
            ] {
                if let Some(v) = value {
                    identity.push((label.to_owned(), v.clone()));
                }
            }
        }
        if let Some(email) = &report.feedback.email
            && !identity.iter().any(|(_, v)| v == email)
        {
            identity.push(("Email given".to_owned(), email.clone()));
        }
        let metadata = report
            .metadata
            .iter()
            .map(|(k, v)| (k.to_string(), metadata_text(v)))
            .collect();

        let span = network_span(report);
        let network: Vec<NetworkView> = report
            .network
            .iter()
            .map(|n| {
                let failed = n.status.is_some_and(|s| s >= 400) || n.error.is_some();
                let (left, width) = match span {
                    Some((start, total)) => (
                        (n.start_time - start) / total * 100.0,
                        (n.duration_ms.unwrap_or(0.0) / total * 100.0).max(0.5),
                    ),
                    None => (0.0, 0.0),
                };
                NetworkView {
                    kind: n.kind.as_str(),
                    method: n.method.clone(),
                    url: n.url.clone(),
                    status: match (n.status, n.aborted) {
                        (_, true) => "aborted".into(),
                        (Some(s), _) => s.to_string(),
                        (None, _) => "—".into(),
                    },
                    duration: n.duration_ms.map(ms).unwrap_or_default(),
                    start: clock(n.start_time),
                    failed,
                    slow: n.duration_ms.is_some_and(|d| d >= SLOW_MS),
                    error: n.error.clone().unwrap_or_default(),
                    left: format!("{:.2}", left.clamp(0.0, 100.0)),
                    width: format!("{:.2}", width.clamp(0.0, 100.0)),
                    request_headers: n
                        .request_headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                    response_headers: n
                        .response_headers
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                    request_body: body_text(n.request_body.as_ref()),
                    response_body: body_text(n.response_body.as_ref()),
                }
            })
            .collect();
        let failed = network.iter().filter(|n| n.failed).count();
        let mut levels: Vec<&'static str> = Vec::new();
        for c in &report.console {
            if !levels.contains(&c.level.as_str()) {
                levels.push(c.level.as_str());
            }
        }

        let screenshot =
            screenshot_of(stored.media).map(|m| format!("{media_base}/{}", m.object.name));
        let attachments = stored
            .media
            .iter()
            .map(|m| {
                let complete = m.state == MediaState::Complete;
                AttachmentView {
                    name: m.object.name.clone(),
                    content_type: m.object.content_type.clone(),
                    size: size(m.object.size),
                    status: m.state.as_str(),
                    href: complete.then(|| format!("{media_base}/{}", m.object.name)),
                }
            })
            .collect();
        let dom = report.dom.as_ref();
        // Inline, or sent as an attachment that has arrived (it is read back and rebuilt).
        let has_dom = dom.is_some_and(|d| {
            d.node.is_some()
                || d.attachment.as_ref().is_some_and(|name| {
                    stored
                        .media
                        .iter()
                        .any(|m| &m.object.name == name && m.state == MediaState::Complete)
                })
        });

        ReportView {
            title: crate::store::title(&report.feedback.text, &page.title),
            text: report.feedback.text.clone(),
            category: report.feedback.category.clone().unwrap_or_default(),
            severity: report
                .feedback
                .severity
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            project: stored.project.to_owned(),
            environment: stored.environment.to_owned(),
            received,
            received_iso,
            page_url: page.url.clone(),
            page_link: safe_link(&page.url),
            context,
            identity,
            metadata,
            screenshot,
            screenshot_missing: if report
                .attachments
                .iter()
                .any(|a| a.name.starts_with("screenshot."))
            {
                "The screenshot has not arrived (yet)."
            } else {
                "No screenshot was sent."
            },
            errors: report
                .errors
                .iter()
                .map(|e| ErrorView {
                    kind: e.kind.as_str().to_owned(),
                    message: e.message.clone(),
                    location: match (&e.source, e.line, e.column) {
                        (Some(s), Some(l), Some(c)) => format!("{s}:{l}:{c}"),
                        (Some(s), Some(l), None) => format!("{s}:{l}"),
                        (Some(s), None, _) => s.clone(),
                        _ => String::new(),
                    },
                    stack: e.stack.clone().unwrap_or_default(),
                    count: e.count,
                })
                .collect(),
            console: report
                .console
                .iter()
                .map(|c| ConsoleView {
                    level: c.level.as_str(),
                    // The message is the line as the console printed it, arguments included.
                    message: c.message.clone(),
                    stack: c.stack.clone().unwrap_or_default(),
                    at: clock(c.timestamp),
                })
                .collect(),
            network,
            failed,
            levels,
            attachments,
            has_dom,
            dom_truncated: dom.is_some_and(|d| d.truncated),
            dom_missing: match dom {
                Some(d) if d.attachment.is_some() => {
                    "The snapshot was sent as an attachment that has not arrived."
                }
                _ => "No snapshot was sent (left out by the reporter or the site).",
            },
        }
    }
}

fn metadata_text(v: &bugcap_protocol::MetadataValue) -> String {
    serde_json::to_value(v)
        .map(|j| match j {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .unwrap_or_default()
}

fn body_text(body: Option<&bugcap_protocol::Body>) -> String {
    let Some(b) = body else {
        return String::new();
    };
    let mut out = b.text.clone().unwrap_or_default();
    let note = match (b.opaque, b.binary, b.truncated) {
        (true, ..) => " (opaque: the browser does not let pages read it)",
        (_, true, _) => " (binary, not recorded)",
        (_, _, true) => " (cut at the recording limit)",
        _ => "",
    };
    if out.is_empty() && note.is_empty() {
        return String::new();
    }
    if !note.is_empty() {
        if let Some(size) = b.size {
            out.push_str(&format!("\n[{} bytes{note}]", size));
        } else {
            out.push_str(&format!("\n[{}]", note.trim()));
        }
    }
    out.trim().to_owned()
}

/// The first request's start and the span to the last one's end, for the waterfall.
fn network_span(report: &Report) -> Option<(f64, f64)> {
    let start = report
        .network
        .iter()
        .map(|n| n.start_time)
        .fold(f64::INFINITY, f64::min);
    let end = report
        .network
        .iter()
        .map(|n| n.start_time + n.duration_ms.unwrap_or(0.0))
        .fold(f64::NEG_INFINITY, f64::max);
    (start.is_finite() && end > start).then_some((start, end - start))
}

/// An activity entry as a line of text.
pub struct ActivityView {
    pub actor: String,
    pub kind: String,
    pub text: String,
    pub at: String,
    pub at_iso: String,
}

impl ActivityView {
    pub fn of(a: &Activity) -> ActivityView {
        let (at, at_iso) = times(a.at);
        let show = |v: &serde_json::Value| match v {
            serde_json::Value::Null => "no one".to_owned(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) if items.is_empty() => "none".to_owned(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        let d = &a.detail;
        let text = match a.kind.as_str() {
            "status" => format!(
                "changed the status from {} to {}",
                show(&d["from"]),
                show(&d["to"])
            ),
            "assignee" => format!(
                "assigned it to {} (was {})",
                show(&d["to"]),
                show(&d["from"])
            ),
            "labels" => format!("set the labels to {}", show(&d["to"])),
            "comment" => d["body"].as_str().unwrap_or_default().to_owned(),
            "share" => format!("made a share link ({}…)", show(&d["prefix"])),
            "unshare" => "revoked a share link".to_owned(),
            other => other.to_owned(),
        };
        let actor = if a.actor.kind == "token" {
            format!("token {}", a.actor.name)
        } else {
            a.actor.name.clone()
        };
        ActivityView {
            actor,
            kind: a.kind.clone(),
            text,
            at,
            at_iso,
        }
    }
}
