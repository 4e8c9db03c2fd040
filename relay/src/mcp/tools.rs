//! The tools an agent sees: what each one is for, its arguments (with their JSON Schema) and
//! the scope it needs. `tools/list` shows a token only what its scopes allow, and `tools/call`
//! refuses the rest, so a read-only token cannot change a report however the agent is prompted.

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use rmcp::schemars::JsonSchema;
use serde::Deserialize;

use crate::store::Scope;

/// The arguments of `list_reports`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Only reports of this project.
    pub project: Option<String>,
    /// Only reports of this environment (for example `production`).
    pub environment: Option<String>,
    /// Only reports whose triage status is one of these.
    pub status: Option<Vec<Status>>,
    /// Only reports received at or after this time: RFC 3339 (`2026-12-01T00:00:00Z`) or ms
    /// since the epoch.
    pub since: Option<String>,
    /// Words that must all appear (each as a word prefix) in what the user wrote, the page's
    /// title or URL, console messages or error messages.
    pub search: Option<String>,
    /// `true`: only reports with at least one JavaScript error; `false`: only those without.
    pub has_errors: Option<bool>,
    /// `next_cursor` from the previous page, to read the next one.
    pub cursor: Option<String>,
    /// Reports per page, 1 to 50 (default 20).
    pub limit: Option<u32>,
}

/// A report's triage status.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[schemars(crate = "rmcp::schemars")]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Triaged,
    Resolved,
    Closed,
    Spam,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Triaged => "triaged",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Spam => "spam",
        }
    }
}

/// The arguments of `get_report`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct GetReportArgs {
    /// The report's id (a UUID, as `list_reports` gives it).
    pub id: String,
    /// The most characters to return, 2000 to 200000 (default 30000). Long strings and lists
    /// are cut to fit, and the answer says what was cut.
    pub max_chars: Option<u32>,
}

/// The arguments of `get_screenshot`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct ReportId {
    /// The report's id (a UUID, as `list_reports` gives it).
    pub id: String,
}

/// The arguments of `get_dom_snapshot`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct DomArgs {
    /// The report's id (a UUID, as `list_reports` gives it).
    pub id: String,
    /// A CSS selector (`#checkout button.primary`): returns the text and HTML of the first
    /// matching elements instead of the whole document.
    pub selector: Option<String>,
    /// The most characters to return, 2000 to 200000 (default 30000).
    pub max_chars: Option<u32>,
}

/// The arguments of `update_report_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// The report's id (a UUID, as `list_reports` gives it).
    pub id: String,
    /// The new triage status.
    pub status: Status,
}

/// The arguments of `add_comment`.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
#[serde(deny_unknown_fields)]
pub struct CommentArgs {
    /// The report's id (a UUID, as `list_reports` gives it).
    pub id: String,
    /// The comment, plain text, up to 10000 characters. The team sees it in the report's
    /// activity, signed with this token's prefix.
    pub text: String,
}

/// The tools, in the order `tools/list` gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    ListReports,
    GetReport,
    GetScreenshot,
    GetDomSnapshot,
    UpdateReportStatus,
    AddComment,
}

pub const ALL: [Name; 6] = [
    Name::ListReports,
    Name::GetReport,
    Name::GetScreenshot,
    Name::GetDomSnapshot,
    Name::UpdateReportStatus,
    Name::AddComment,
];

impl Name {
    pub fn as_str(self) -> &'static str {
        match self {
            Name::ListReports => "list_reports",
            Name::GetReport => "get_report",
            Name::GetScreenshot => "get_screenshot",
            Name::GetDomSnapshot => "get_dom_snapshot",
            Name::UpdateReportStatus => "update_report_status",
            Name::AddComment => "add_comment",
        }
    }

    pub fn parse(name: &str) -> Option<Name> {
        ALL.into_iter().find(|n| n.as_str() == name)
    }

    /// The scope a token needs to see and call it.
    pub fn scope(self) -> Scope {
        match self {
            Name::UpdateReportStatus | Name::AddComment => Scope::ReportsWrite,
            _ => Scope::ReportsRead,
        }
    }

    /// Its definition for `tools/list`.
    pub fn tool(self) -> Tool {
        let read_only = ToolAnnotations::new().read_only(true).open_world(false);
        let (title, description, annotations, schema): (_, &'static str, _, Arc<JsonObject>) =
            match self {
                Name::ListReports => (
                    "List bug reports",
                    "Lists bug reports filed by users, newest first, with filters. Each row: id, title (first line of what the user wrote), page URL, time received, triage status, and counts of JavaScript errors and failed requests. Use `get_report` with an id for the whole report. Pass `next_cursor` back as `cursor` for the next page.",
                    read_only,
                    schema::<ListArgs>(),
                ),
                Name::GetReport => (
                    "Read a bug report",
                    "One bug report as an engineer needs it: first a Markdown summary (what the user wrote, the page, browser and device, JavaScript errors with stacks, failed and slow network requests with status and timing, the last console lines), then the full report as JSON (console, network with redacted headers and bodies, errors, page context, media, triage). Secrets were redacted before the report was stored. Large reports are cut to `max_chars`; the answer says what was cut.",
                    read_only,
                    schema::<GetReportArgs>(),
                ),
                Name::GetScreenshot => (
                    "See a report's screenshot",
                    "The screenshot the user sent with a report, with their annotations (boxes, arrows, text, blurred areas) drawn on it, as an image. Masked fields appear masked.",
                    read_only,
                    schema::<ReportId>(),
                ),
                Name::GetDomSnapshot => (
                    "Read a report's DOM snapshot",
                    "The page's DOM as it was when the user filed the report, as HTML, with input values and marked text masked and scripts removed. With `selector`, returns the text and HTML of the first elements matching that CSS selector instead of the whole document: use it to check a button's label, a form's state or an error message on the page.",
                    read_only,
                    schema::<DomArgs>(),
                ),
                Name::UpdateReportStatus => (
                    "Set a report's triage status",
                    "Sets a report's triage status (new, triaged, resolved, closed, spam). Setting the status it already has changes nothing. Recorded in the report's activity under this token.",
                    ToolAnnotations::new()
                        .read_only(false)
                        .destructive(false)
                        .idempotent(true)
                        .open_world(false),
                    schema::<StatusArgs>(),
                ),
                Name::AddComment => (
                    "Comment on a report",
                    "Adds an internal comment to a report's activity, for the team (the user who filed it does not see it). Use it to record what was found or fixed.",
                    ToolAnnotations::new()
                        .read_only(false)
                        .destructive(false)
                        .idempotent(false)
                        .open_world(false),
                    schema::<CommentArgs>(),
                ),
            };
        Tool::new(Cow::Borrowed(self.as_str()), description, schema)
            .with_title(title)
            .with_annotations(annotations)
    }
}

fn schema<T: JsonSchema + std::any::Any>() -> Arc<JsonObject> {
    rmcp::handler::server::common::schema_for_type::<T>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_an_object_schema_and_read_tools_say_so() {
        for name in ALL {
            let tool = name.tool();
            assert_eq!(
                tool.input_schema.get("type").and_then(|t| t.as_str()),
                Some("object")
            );
            let read_only = tool.annotations.as_ref().and_then(|a| a.read_only_hint);
            assert_eq!(
                read_only,
                Some(name.scope() == Scope::ReportsRead),
                "{name:?}"
            );
            assert_eq!(Name::parse(name.as_str()), Some(name));
        }
        let status = Name::UpdateReportStatus.tool();
        let schema = serde_json::Value::Object((*status.input_schema).clone()).to_string();
        for s in crate::store::TRIAGE {
            assert!(schema.contains(&format!("\"{s}\"")), "{schema}");
        }
    }
}
