//! The MCP server one request talks to: the token it authenticated with, and what each tool
//! does. Everything it returns was read from the store after redaction at ingest, through the
//! same reads as the admin API and the app: MCP reveals nothing they do not.

use std::sync::Arc;

use base64::Engine;
use rmcp::ErrorData;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::{RequestContext, RoleServer};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::bounded;
use super::tools::{
    self, CommentArgs, DomArgs, GetReportArgs, ListArgs, Name, ReportId, StatusArgs,
};
use crate::admin::triage::MAX_COMMENT_CHARS;
use crate::app::AppError;
use crate::app::report::{Snapshot, rebuilt_snapshot, report_markdown};
use crate::app::view::screenshot_of;
use crate::http::ApiError;
use crate::state::AppState;
use crate::store::{Actor, AdminToken, ListQuery, MediaState, StoreError, TriageChange};

/// What a tool returns unless `max_chars` says otherwise, and the bounds of `max_chars`.
const DEFAULT_CHARS: usize = 30_000;
const MIN_CHARS: usize = 2_000;
const MAX_CHARS: usize = 200_000;
/// Reports per `list_reports` page unless `limit` says otherwise, and the most.
const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 50;
/// The longest selector `get_dom_snapshot` takes, and how many matches it returns.
const MAX_SELECTOR_CHARS: usize = 500;
const MAX_MATCHES: usize = 20;
/// Each match's text and HTML are cut to this many bytes.
const MATCH_CHARS: usize = 2_000;

/// What the server says about itself at `initialize`.
const INSTRUCTIONS: &str = "Bug reports filed by the users of a web app with the bugcap widget: what they wrote, an annotated screenshot, the page's console, network requests, JavaScript errors and a masked DOM snapshot. Start with list_reports (filter by search words, status, project, has_errors), then get_report for the summary and details, get_screenshot to see what the user saw, and get_dom_snapshot with a CSS selector to inspect the page.";

pub struct Agent {
    state: Arc<AppState>,
    token: AdminToken,
    /// `scheme://host` the agent reached the relay at, for links to the app.
    base: String,
}

/// A tool call that failed: the agent's mistake (a JSON-RPC error) or the answer's (a tool
/// result with `isError`, which the model reads and can act on).
enum Failure {
    Protocol(ErrorData),
    Tool(String),
}

type Outcome = Result<CallToolResult, Failure>;

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        match e {
            ApiError::NotFound => Failure::Tool("There is no report with that id.".into()),
            ApiError::Unavailable(cause) => unavailable(&cause),
            ApiError::InvalidField { field, message } => Failure::Protocol(
                ErrorData::invalid_params(format!("{field}: {message}"), None),
            ),
            other => Failure::Protocol(ErrorData::invalid_request(other.to_string(), None)),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        match e {
            AppError::NotFound => Failure::Tool("There is no report with that id.".into()),
            AppError::Store(cause) => unavailable(&cause),
            other => Failure::Protocol(ErrorData::internal_error(other.to_string(), None)),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        unavailable(&e)
    }
}

/// The cause goes to the relay's log, not to the agent.
fn unavailable(cause: &StoreError) -> Failure {
    tracing::error!(error = %cause, "an MCP tool call failed on storage");
    Failure::Protocol(ErrorData::internal_error(
        "the report store is unavailable; try again shortly",
        None,
    ))
}

fn invalid(message: impl Into<String>) -> Failure {
    Failure::Protocol(ErrorData::invalid_params(message.into(), None))
}

fn text(body: impl Into<String>) -> Outcome {
    Ok(CallToolResult::success(vec![ContentBlock::text(body)]))
}

/// The tool's arguments, checked against its type: a clear JSON-RPC error naming what is wrong.
fn arguments<T: DeserializeOwned>(
    name: Name,
    given: Option<rmcp::model::JsonObject>,
) -> Result<T, Failure> {
    serde_json::from_value(Value::Object(given.unwrap_or_default()))
        .map_err(|e| invalid(format!("{}: {e}", name.as_str())))
}

/// Ids are UUIDs; anything else names no report and never reaches a query.
fn report_id(id: &str) -> Result<String, Failure> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| {
            invalid(format!(
                "`{}` is not a report id (a UUID)",
                id.chars().take(64).collect::<String>()
            ))
        })
}

fn max_chars(given: Option<u32>) -> Result<usize, Failure> {
    match given {
        None => Ok(DEFAULT_CHARS),
        Some(n) if (MIN_CHARS..=MAX_CHARS).contains(&(n as usize)) => Ok(n as usize),
        Some(_) => Err(invalid(format!(
            "max_chars must be {MIN_CHARS} to {MAX_CHARS}"
        ))),
    }
}

impl Agent {
    pub fn new(state: Arc<AppState>, token: AdminToken, base: String) -> Agent {
        Agent { state, token, base }
    }

    fn allows(&self, name: Name) -> bool {
        self.token.scopes.iter().any(|s| s.grants(name.scope()))
    }

    async fn call(&self, name: Name, args: Option<rmcp::model::JsonObject>) -> Outcome {
        match name {
            Name::ListReports => self.list(arguments(name, args)?).await,
            Name::GetReport => self.report(arguments(name, args)?).await,
            Name::GetScreenshot => self.screenshot(arguments(name, args)?).await,
            Name::GetDomSnapshot => self.dom(arguments(name, args)?).await,
            Name::UpdateReportStatus => self.set_status(arguments(name, args)?).await,
            Name::AddComment => self.comment(arguments(name, args)?).await,
        }
    }

    /// A report outside the projects the token is limited to is answered as one that does not
    /// exist, as the admin API answers it.
    async fn reach(&self, id: &str) -> Result<(), Failure> {
        if self.token.limited_to().is_none() {
            return Ok(());
        }
        let (token, id) = (self.token.clone(), id.to_owned());
        self.state
            .store
            .call(move |store| Ok(crate::admin::within_reach(store, &token, &id)))
            .await??;
        Ok(())
    }

    /// Writes the call to the audit log: the token, the tool, the report; never content.
    async fn audit(&self, name: Name, report: &str) -> Result<(), Failure> {
        let (prefix, action, report) = (
            self.token.prefix.clone(),
            format!("mcp.{}", name.as_str()),
            report.to_owned(),
        );
        self.state
            .store
            .call(move |store| store.record_audit(&action, &prefix, &report))
            .await?;
        Ok(())
    }

    async fn list(&self, args: ListArgs) -> Outcome {
        let limit = args.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(invalid(format!("limit must be 1 to {MAX_PAGE}")));
        }
        let query = {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            let mut put = |k: &str, v: Option<String>| {
                if let Some(v) = v {
                    q.append_pair(k, &v);
                }
            };
            put("project", args.project);
            put("environment", args.environment);
            put(
                "status",
                args.status
                    .map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")),
            );
            put("since", args.since);
            put("q", args.search);
            put("has_errors", args.has_errors.map(|b| b.to_string()));
            put("cursor", args.cursor);
            put("limit", Some(limit.to_string()));
            q.finish()
        };
        // The admin API's own reading of a list query: one set of rules and limits for both.
        let query = ListQuery {
            within: self.token.limited_to().map(<[String]>::to_vec),
            ..crate::admin::reports::parse_query(&query)?
        };
        self.audit(Name::ListReports, "").await?;
        let page = self
            .state
            .store
            .call(move |store| store.list_reports(&query))
            .await?;
        let rows: Vec<Value> = page
            .reports
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "title": r.title,
                    "page_url": r.page_url,
                    "received_at": iso(r.received_at),
                    "status": r.status,
                    "project": r.project,
                    "environment": r.environment,
                    "errors": r.errors,
                    "failed_requests": r.failed_requests,
                })
            })
            .collect();
        let answer = json!({
            "reports": rows,
            "next_cursor": page.next.map(crate::store::Cursor::encode),
        });
        text(serde_json::to_string_pretty(&answer).unwrap_or_default())
    }

    async fn report(&self, args: GetReportArgs) -> Outcome {
        let id = report_id(&args.id)?;
        let budget = max_chars(args.max_chars)?;
        self.audit(Name::GetReport, &id).await?;
        self.reach(&id).await?;
        let link = format!("{}/app/reports/{id}", self.base);
        let (markdown, document) = {
            let id = id.clone();
            self.state
                .store
                .call(move |store| {
                    let markdown = report_markdown(store, &id, &link);
                    let document = crate::admin::reports::document(store, &id);
                    Ok((markdown, document))
                })
                .await?
        };
        let (markdown, mut document) = (markdown?, document?);
        // The snapshot has its own tool, which can query it; here it would crowd out the rest.
        if let Some(dom) = document
            .pointer_mut("/report/dom")
            .and_then(Value::as_object_mut)
            && dom.remove("node").is_some()
        {
            dom.insert("node".into(), json!("(left out: call get_dom_snapshot)"));
        }
        let (summary, summary_cut) = bounded::truncate(&markdown, budget / 2);
        let (json_text, cut) = bounded::fit(document, budget - summary.len());
        let mut out = String::with_capacity(summary.len() + json_text.len() + 200);
        out.push_str(summary);
        if summary_cut {
            out.push_str("\n\n(The summary was cut here.)");
        }
        out.push_str("\n\n## The report as JSON\n\n```json\n");
        out.push_str(&json_text);
        out.push_str("\n```\n");
        if summary_cut || cut.is_some() {
            out.push_str("\n**Cut to fit max_chars.** ");
            if let Some(cut) = cut {
                out.push_str(&cut.describe());
                out.push(' ');
            }
            out.push_str(&format!(
                "For more, call get_report again with a larger max_chars (up to {MAX_CHARS}); the whole report is at GET {}/v1/reports/{id} with the same token.\n",
                self.base
            ));
        }
        text(out)
    }

    async fn screenshot(&self, args: ReportId) -> Outcome {
        let id = report_id(&args.id)?;
        self.audit(Name::GetScreenshot, &id).await?;
        self.reach(&id).await?;
        let (exists, media) = {
            let id = id.clone();
            self.state
                .store
                .call(move |store| Ok((store.triage_of(&id)?.is_some(), store.media_of(&id)?)))
                .await?
        };
        if !exists {
            return Err(ApiError::NotFound.into());
        }
        let Some(shot) = screenshot_of(&media) else {
            let pending = media.iter().any(|m| {
                m.object.name.starts_with("screenshot.") && m.state != MediaState::Complete
            });
            return Err(Failure::Tool(if pending {
                "This report's screenshot has not arrived (or never will: the upload did not complete).".into()
            } else {
                "This report has no screenshot: the user sent none.".into()
            }));
        };
        let bytes = match self.state.objects.read_verified(&shot.object).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                return Err(Failure::Tool(
                    "The screenshot in storage is missing or not what was sent.".into(),
                ));
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading a screenshot for MCP failed");
                return Err(Failure::Protocol(ErrorData::internal_error(
                    "the object store did not answer; try again",
                    None,
                )));
            }
        };
        let size = image::ImageReader::new(std::io::Cursor::new(&bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok());
        let caption = match size {
            Some((w, h)) => format!(
                "The screenshot the user sent with report {id} ({w}×{h} px), with their annotations."
            ),
            None => format!("The screenshot the user sent with report {id}."),
        };
        let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
        Ok(CallToolResult::success(vec![
            ContentBlock::text(caption),
            ContentBlock::image(data, shot.object.content_type.clone()),
        ]))
    }

    async fn dom(&self, args: DomArgs) -> Outcome {
        let id = report_id(&args.id)?;
        let budget = max_chars(args.max_chars)?;
        let selector = match args.selector.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) if s.chars().count() > MAX_SELECTOR_CHARS => {
                return Err(invalid(format!(
                    "selector is longer than {MAX_SELECTOR_CHARS} characters"
                )));
            }
            Some(s) => Some(scraper::Selector::parse(s).map_err(|e| {
                invalid(format!("selector `{s}` is not CSS this server reads: {e}"))
            })?),
        };
        self.audit(Name::GetDomSnapshot, &id).await?;
        self.reach(&id).await?;
        let html = match rebuilt_snapshot(&self.state, id.clone()).await {
            Ok(Snapshot::Html(html)) => html,
            Ok(Snapshot::Unavailable(why)) => return Err(Failure::Tool(why)),
            Err(AppError::NotFound) => {
                return Err(Failure::Tool(
                    "There is no report with that id, or it has no DOM snapshot.".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let Some(selector) = selector else {
            let (cut, was_cut) = bounded::truncate(&html, budget);
            let mut out = cut.to_owned();
            if was_cut {
                out.push_str(&format!(
                    "\n\n(Cut at {budget} of {} characters. Pass a `selector` to read just the part you need, or a larger max_chars up to {MAX_CHARS}.)",
                    html.len()
                ));
            }
            return text(out);
        };
        // Parsing a large document takes a while: off the async threads.
        let matches = tokio::task::spawn_blocking(move || matches(&html, &selector))
            .await
            .map_err(|_| Failure::Protocol(ErrorData::internal_error("the query stopped", None)))?;
        let (out, _) = bounded::truncate(&matches, budget);
        text(out.to_owned())
    }

    async fn set_status(&self, args: StatusArgs) -> Outcome {
        let id = report_id(&args.id)?;
        self.audit(Name::UpdateReportStatus, &id).await?;
        self.reach(&id).await?;
        let actor = Actor::token(&self.token.prefix);
        let change = TriageChange {
            status: Some(args.status.as_str().to_owned()),
            assignee: None,
            labels: None,
        };
        let ids = [id.clone()];
        let before_after = self
            .state
            .store
            .call(move |store| {
                let before = store.triage_of(&ids[0])?;
                let after = store.change_triage(&ids, &actor, &change)?;
                Ok(before.zip(after))
            })
            .await?;
        let Some((before, mut after)) = before_after else {
            return Err(ApiError::NotFound.into());
        };
        let after = after.remove(0);
        text(
            json!({
                "id": id,
                "status": after.status,
                "changed": before.status != after.status,
            })
            .to_string(),
        )
    }

    async fn comment(&self, args: CommentArgs) -> Outcome {
        let id = report_id(&args.id)?;
        let body = args.text.trim().to_owned();
        if body.is_empty() {
            return Err(invalid("text: write the comment"));
        }
        if body.chars().count() > MAX_COMMENT_CHARS {
            return Err(invalid(format!(
                "text: longer than {MAX_COMMENT_CHARS} characters"
            )));
        }
        self.audit(Name::AddComment, &id).await?;
        self.reach(&id).await?;
        let actor = Actor::token(&self.token.prefix);
        let entry = {
            let id = id.clone();
            self.state
                .store
                .call(move |store| store.add_comment(&id, &actor, &body))
                .await?
        };
        let entry = entry.ok_or(ApiError::NotFound)?;
        text(serde_json::to_string(&entry).unwrap_or_default())
    }
}

/// The text and HTML of the first elements matching `selector`, as Markdown.
fn matches(html: &str, selector: &scraper::Selector) -> String {
    let doc = scraper::Html::parse_document(html);
    let found: Vec<_> = doc.select(selector).collect();
    if found.is_empty() {
        return "No element matches that selector.".into();
    }
    let mut out = format!(
        "{} element{} match{}{}.\n",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        if found.len() == 1 { "es" } else { "" },
        if found.len() > MAX_MATCHES {
            format!("; the first {MAX_MATCHES} follow")
        } else {
            String::new()
        }
    );
    for (i, el) in found.iter().take(MAX_MATCHES).enumerate() {
        let words: Vec<&str> = el.text().flat_map(str::split_whitespace).collect();
        let joined = words.join(" ");
        let (text, _) = bounded::truncate(&joined, MATCH_CHARS);
        let html = el.html();
        let (html, html_cut) = bounded::truncate(&html, MATCH_CHARS);
        out.push_str(&format!(
            "\n### {} `<{}>`\n\nText: {}\n\n```html\n{}{}\n```\n",
            i + 1,
            el.value().name(),
            if text.is_empty() { "(none)" } else { text },
            html,
            if html_cut { "…" } else { "" }
        ));
    }
    out
}

/// ms since the epoch as RFC 3339.
fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl ServerHandler for Agent {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "bugcap-relay",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = tools::ALL
            .into_iter()
            .filter(|n| self.allows(*n))
            .map(Name::tool)
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(name) = Name::parse(&request.name) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "there is no tool named `{}`",
                    request.name.chars().take(64).collect::<String>()
                ),
                None,
            ));
        };
        if !self.allows(name) {
            return Err(ErrorData::invalid_params(
                format!(
                    "the tool `{}` needs a token with the {} scope; this one has {}",
                    name.as_str(),
                    name.scope().as_str(),
                    self.token
                        .scopes
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            ));
        }
        match self.call(name, request.arguments).await {
            Ok(result) => Ok(result.into()),
            Err(Failure::Tool(message)) => {
                Ok(CallToolResult::error(vec![ContentBlock::text(message)]).into())
            }
            Err(Failure::Protocol(error)) => Err(error),
        }
    }
}
