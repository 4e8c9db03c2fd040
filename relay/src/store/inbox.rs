//! The inbox's view of reports: the fields a report is listed and filtered by (the `inbox`
//! table) and its entry in the full-text index, both written beside the report at ingest from
//! the redacted report (so a search can never find what redaction removed); and the paged,
//! filtered, searched list.

use bugcap_protocol::Report;
use serde::Serialize;

use super::db::{Arg, Db, Dialect, Param, args};
use super::{Store, StoreError, WidgetKey};

/// The team's status of a report.
pub const TRIAGE: [&str; 5] = ["new", "triaged", "resolved", "closed", "spam"];

/// Longest title kept: the first line of what the user wrote, cut here.
const TITLE_CHARS: usize = 120;

/// What the list shows of a report and filters it by.
struct Listing {
    pub title: String,
    pub page_url: String,
    pub category: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_id: Option<String>,
    pub error_count: i64,
    pub failed_requests: i64,
}

impl Listing {
    fn of(report: &Report) -> Listing {
        let identity = report.identity.as_ref();
        Listing {
            title: title(&report.feedback.text, &report.page.title),
            page_url: report.page.url.clone(),
            category: report.feedback.category.clone(),
            reporter_email: identity
                .and_then(|i| i.email.clone())
                .or_else(|| report.feedback.email.clone()),
            reporter_id: identity.and_then(|i| i.id.clone()),
            error_count: report.errors.len() as i64,
            failed_requests: report
                .network
                .iter()
                .filter(|n| n.status.is_some_and(|s| s >= 400) || n.error.is_some())
                .count() as i64,
        }
    }
}

/// The first line of what the user wrote, trimmed and cut to [`TITLE_CHARS`]; the page's title
/// when they wrote nothing.
pub fn title(text: &str, page_title: &str) -> String {
    let first = text.trim().lines().next().unwrap_or_default().trim();
    let line = if first.is_empty() {
        page_title.trim()
    } else {
        first
    };
    line.chars().take(TITLE_CHARS).collect()
}

/// Adds the report just stored at `rowid` to the inbox and to the full-text index, in the
/// caller's transaction.
pub(super) fn add_in(
    db: &Db<'_>,
    rowid: i64,
    id: &str,
    key: &WidgetKey,
    received_at: i64,
    report: &Report,
) -> Result<(), StoreError> {
    let listing = Listing::of(report);
    db.execute(
        "INSERT INTO inbox (report_row, id, project, environment, received_at, title, page_url,
                            category, reporter_email, reporter_id, error_count, failed_requests)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        args![
            rowid,
            id,
            key.project,
            key.environment.as_str(),
            received_at,
            listing.title,
            listing.page_url,
            listing.category,
            listing.reporter_email,
            listing.reporter_id,
            listing.error_count,
            listing.failed_requests,
        ],
    )?;
    SearchRow::of(report).insert(db, rowid)
}

/// A report's entry in the full-text index.
pub(super) struct SearchRow<'a> {
    text: &'a str,
    title: &'a str,
    url: &'a str,
    /// Console messages and error messages, one per line.
    console: String,
    errors: String,
}

/// `messages`, one per line.
fn lines<'a>(messages: impl Iterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for message in messages {
        text.push_str(message);
        text.push('\n');
    }
    text
}

impl<'a> SearchRow<'a> {
    fn of(report: &'a Report) -> SearchRow<'a> {
        SearchRow {
            text: &report.feedback.text,
            title: &report.page.title,
            url: &report.page.url,
            console: lines(report.console.iter().map(|c| c.message.as_str())),
            errors: lines(report.errors.iter().map(|e| e.message.as_str())),
        }
    }

    /// The same from a stored report read as JSON (a migration refilling the index), where a
    /// missing field is empty text.
    pub(super) fn of_json(report: &'a serde_json::Value) -> SearchRow<'a> {
        let text = |pointer: &str| {
            report
                .pointer(pointer)
                .and_then(|v| v.as_str())
                .unwrap_or("")
        };
        let messages = |list: &str| {
            lines(
                report
                    .get(list)
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|entry| entry.get("message").and_then(|m| m.as_str())),
            )
        };
        SearchRow {
            text: text("/feedback/text"),
            title: text("/page/title"),
            url: text("/page/url"),
            console: messages("console"),
            errors: messages("errors"),
        }
    }

    pub(super) fn insert(&self, db: &Db<'_>, rowid: i64) -> Result<(), StoreError> {
        match db.dialect() {
            Dialect::Sqlite => db.execute(
                "INSERT INTO reports_search (rowid, text, title, url, console, errors)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![
                    rowid,
                    self.text,
                    self.title,
                    self.url,
                    self.console,
                    self.errors,
                ],
            )?,
            Dialect::Postgres => {
                let mut words = String::new();
                for part in [
                    self.text,
                    self.title,
                    self.url,
                    self.console.as_str(),
                    self.errors.as_str(),
                ] {
                    for word in search_words(part) {
                        if words.len() + word.len() >= MAX_INDEXED_BYTES {
                            break;
                        }
                        words.push_str(&word);
                        words.push(' ');
                    }
                }
                db.execute(
                    "INSERT INTO reports_search (rowid, doc) VALUES (?1, to_tsvector('simple', ?2))",
                    args![rowid, words],
                )?
            }
        };
        Ok(())
    }
}

/// The most text of one report the Postgres index holds (a `tsvector` is limited to 1 MB);
/// words past it are not found by search.
const MAX_INDEXED_BYTES: usize = 256 * 1024;

/// The words of `text` as SQLite's `unicode61` tokenizer splits them: runs of letters and
/// digits, lowercased. Postgres is given these (never its own parser's URL and email tokens),
/// so a search finds the same reports on both.
fn search_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// `words` as a Postgres `tsquery`: each word split as indexed, its parts a phrase, its last
/// part a prefix, all words required; as [`match_expression`] does for SQLite. Only letters
/// and digits reach the query, so nothing the user types is query syntax.
pub fn tsquery(words: &str) -> Option<String> {
    let terms: Vec<String> = words
        .split_whitespace()
        .filter_map(|word| {
            let parts: Vec<String> = search_words(word).collect();
            (!parts.is_empty()).then(|| format!("{}:*", parts.join(" <-> ")))
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

/// What to list: every filter is optional; the list is newest first.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// Only these projects' reports (a token limited to them); `None`: every project.
    pub within: Option<Vec<String>>,
    pub project: Option<String>,
    pub environment: Option<String>,
    /// Any of these triage statuses.
    pub status: Vec<String>,
    /// Received at or after, in ms since the epoch.
    pub since: Option<i64>,
    /// Received before, in ms since the epoch.
    pub until: Option<i64>,
    /// The page URL starts with this.
    pub url_prefix: Option<String>,
    pub has_errors: Option<bool>,
    /// The reporter's email or id.
    pub reporter: Option<String>,
    pub category: Option<String>,
    /// Assigned to this name; `Some(None)`: assigned to no one.
    pub assignee: Option<Option<String>>,
    /// Carries this label.
    pub label: Option<String>,
    /// Words to find (all of them, each as a word prefix), in the user's text, the page's title
    /// and URL, console messages and error messages.
    pub search: Option<String>,
    /// Continue after this position of an earlier page.
    pub after: Option<Cursor>,
    pub limit: usize,
}

/// A position in the list: the last row of a page. Rows are listed in the order they were
/// stored (the writer stores them as they are received), newest first, so a report filed
/// while someone pages through the list lands before their first page and never shifts the
/// pages that follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub rowid: i64,
}

impl Cursor {
    /// An opaque token for the API.
    pub fn encode(self) -> String {
        self.rowid.to_string()
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let rowid = text.parse().ok().filter(|r: &i64| *r > 0)?;
        Some(Cursor { rowid })
    }
}

/// One row of the list.
#[derive(Debug, Clone, Serialize)]
pub struct ListedReport {
    pub id: String,
    pub title: String,
    pub project: String,
    pub environment: String,
    /// The triage status.
    pub status: String,
    /// Whether its media arrived: `received` or `awaiting_media`.
    pub delivery: String,
    pub received_at: i64,
    pub page_url: String,
    pub category: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_id: Option<String>,
    pub errors: i64,
    pub failed_requests: i64,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
}

/// A page of the list, and where the next one starts.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub reports: Vec<ListedReport>,
    pub next: Option<Cursor>,
}

/// `words` as an FTS5 query: each word quoted (so nothing the user types is FTS syntax) and
/// matched as a prefix, all of them required. `None` when there is no word.
pub fn match_expression(words: &str) -> Option<String> {
    let terms: Vec<String> = words
        .split_whitespace()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Store {
    /// The reports `query` selects, newest first, at most `query.limit`.
    /// The project a report belongs to; `None` when there is no such report.
    pub fn project_of(&self, report_id: &str) -> Result<Option<String>, StoreError> {
        self.conn()?.query_row(
            "SELECT project FROM inbox WHERE id = ?1",
            args![report_id],
            |r| r.get(0),
        )
    }

    pub fn list_reports(&self, query: &ListQuery) -> Result<ListPage, StoreError> {
        let conn = self.conn()?;
        let dialect = conn.dialect();
        let mut sql = String::from(
            "SELECT i.report_row, i.id, i.title, i.project, i.environment, i.triage,
                    (SELECT r.status FROM reports r WHERE r.rowid = i.report_row),
                    i.received_at, i.page_url, i.category, i.reporter_email, i.reporter_id,
                    i.error_count, i.failed_requests, i.assignee, i.labels",
        );
        let mut args: Vec<Arg> = Vec::new();
        // A search walks the index's matches newest first (ordered by the index's own rowid, so
        // the index yields them in that order) and stops at the page's end; without one, the
        // table is walked the same way.
        let search = query.search.as_deref().and_then(|words| match dialect {
            Dialect::Sqlite => match_expression(words),
            Dialect::Postgres => tsquery(words),
        });
        let order = match search {
            Some(words) => {
                sql.push_str(match dialect {
                    Dialect::Sqlite => {
                        " FROM reports_search s JOIN inbox i ON i.report_row = s.rowid
                         WHERE s.reports_search MATCH ?"
                    }
                    Dialect::Postgres => {
                        " FROM reports_search s JOIN inbox i ON i.report_row = s.rowid
                         WHERE s.doc @@ to_tsquery('simple', ?)"
                    }
                });
                args.push(words.into());
                " ORDER BY s.rowid DESC LIMIT ?"
            }
            None => {
                sql.push_str(" FROM inbox i WHERE 1 = 1");
                " ORDER BY i.report_row DESC LIMIT ?"
            }
        };
        let mut and = |clause: &str, values: Vec<Arg>| {
            sql.push_str(" AND ");
            sql.push_str(clause);
            args.extend(values);
        };
        if let Some(within) = &query.within {
            let marks = vec!["?"; within.len()].join(", ");
            let values = within.iter().cloned().map(Arg::from).collect();
            and(&format!("i.project IN ({marks})"), values);
        }
        if let Some(project) = &query.project {
            and("i.project = ?", vec![project.clone().into()]);
        }
        if let Some(environment) = &query.environment {
            and("i.environment = ?", vec![environment.clone().into()]);
        }
        if !query.status.is_empty() {
            let marks = vec!["?"; query.status.len()].join(", ");
            let values = query.status.iter().cloned().map(Arg::from).collect();
            and(&format!("i.triage IN ({marks})"), values);
        }
        if let Some(since) = query.since {
            and("i.received_at >= ?", vec![since.into()]);
        }
        if let Some(until) = query.until {
            and("i.received_at < ?", vec![until.into()]);
        }
        if let Some(prefix) = &query.url_prefix {
            // A range, not LIKE: no wildcard in the prefix can widen it, and the comparison is
            // exact (case-sensitive), as URLs are.
            and(
                "substr(i.page_url, 1, length(CAST(? AS TEXT))) = ?",
                vec![prefix.clone().into(), prefix.clone().into()],
            );
        }
        match query.has_errors {
            Some(true) => and("i.error_count > 0", vec![]),
            Some(false) => and("i.error_count = 0", vec![]),
            None => {}
        }
        if let Some(reporter) = &query.reporter {
            // One reporter's reports are few among all: looked up in the two indexes (then
            // sorted), rather than found by walking every report newest first.
            and(
                "i.report_row IN (SELECT report_row FROM inbox WHERE reporter_email = ? COLLATE NOCASE
                                  UNION ALL SELECT report_row FROM inbox WHERE reporter_id = ?)",
                vec![reporter.clone().into(), reporter.clone().into()],
            );
        }
        if let Some(category) = &query.category {
            and("i.category = ?", vec![category.clone().into()]);
        }
        match &query.assignee {
            Some(Some(name)) => and("i.assignee = ?", vec![name.clone().into()]),
            Some(None) => and("i.assignee IS NULL", vec![]),
            None => {}
        }
        if let Some(label) = &query.label {
            and(
                match dialect {
                    Dialect::Sqlite => "EXISTS (SELECT 1 FROM json_each(i.labels) WHERE value = ?)",
                    Dialect::Postgres => "jsonb_exists(CAST(i.labels AS jsonb), ?)",
                },
                vec![label.clone().into()],
            );
        }
        if let Some(after) = query.after {
            and("i.report_row < ?", vec![after.rowid.into()]);
        }
        sql.push_str(order);
        // One more than asked, to know whether another page follows.
        args.push((query.limit as i64 + 1).into());

        let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
        let mut rows: Vec<(i64, ListedReport)> = conn.query_map(&sql, &params, |r| {
            Ok((
                r.get(0)?,
                ListedReport {
                    id: r.get(1)?,
                    title: r.get(2)?,
                    project: r.get(3)?,
                    environment: r.get(4)?,
                    status: r.get(5)?,
                    delivery: r.get(6)?,
                    received_at: r.get(7)?,
                    page_url: r.get(8)?,
                    category: r.get(9)?,
                    reporter_email: r.get(10)?,
                    reporter_id: r.get(11)?,
                    errors: r.get(12)?,
                    failed_requests: r.get(13)?,
                    assignee: r.get(14)?,
                    labels: serde_json::from_str(&r.get::<String>(15)?).unwrap_or_default(),
                },
            ))
        })?;
        let more = rows.len() > query.limit;
        rows.truncate(query.limit);
        let next = rows
            .last()
            .filter(|_| more)
            .map(|(rowid, _)| Cursor { rowid: *rowid });
        Ok(ListPage {
            reports: rows.into_iter().map(|(_, report)| report).collect(),
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_first_line_trimmed_else_the_page_title() {
        assert_eq!(title("  Save fails\nsteps: …", "Acme"), "Save fails");
        assert_eq!(title("\n\n  ", "Checkout – Acme"), "Checkout – Acme");
        assert_eq!(title(&"é".repeat(300), "").chars().count(), TITLE_CHARS);
    }

    #[test]
    fn search_words_are_quoted_prefixes_and_never_fts_syntax() {
        assert_eq!(match_expression("  "), None);
        assert_eq!(
            match_expression("save fail"),
            Some("\"save\"* \"fail\"*".into())
        );
        assert_eq!(
            match_expression("a\" OR x NEAR(y) *"),
            Some("\"a\"\"\"* \"OR\"* \"x\"* \"NEAR(y)\"* \"*\"*".into())
        );
    }

    #[test]
    fn cursors_read_back_and_garbage_is_refused() {
        let c = Cursor { rowid: 42 };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for bad in ["", "a", "1.2", "-3", "0", "99999999999999999999"] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }
}
