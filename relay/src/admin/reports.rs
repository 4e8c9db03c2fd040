//! `GET /v1/reports`: the inbox's list (filtered, searched, paged), and `GET /v1/reports/{id}`:
//! one stored report, for the inbox, the CLI and scripts.

use hyper::HeaderMap;
use serde_json::json;

use super::invalid;
use crate::auth::admin;
use crate::http::ApiError;
use crate::state::AppState;
use crate::store::{Cursor, ListQuery, Scope, Store, TRIAGE};

pub async fn get(
    state: &AppState,
    headers: HeaderMap,
    id: String,
) -> Result<serde_json::Value, ApiError> {
    super::read_report(state, headers, id, document).await
}

/// A stored report as the API and "copy as JSON" give it: the report with where it came from,
/// its media and its triage. Blocking.
pub fn document(store: &Store, id: &str) -> Result<serde_json::Value, ApiError> {
    let stored = store.get_report(id)?.ok_or(ApiError::NotFound)?;
    let media = store.media_of(id)?;
    let triage = store.triage_of(id)?;
    let corrupt = |e: serde_json::Error| {
        ApiError::Unavailable(crate::store::StoreError::Corrupt(e.to_string()))
    };
    let mut value = serde_json::to_value(stored).map_err(corrupt)?;
    value["media"] = media.iter().map(|m| m.summary()).collect();
    value["triage"] = serde_json::to_value(triage).map_err(corrupt)?;
    Ok(value)
}

/// Reports per page unless `limit` says otherwise, and the most a page holds.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;
/// Limits on what a client may ask: the search's length and words, a filter's length.
const MAX_SEARCH_CHARS: usize = 200;
const MAX_SEARCH_WORDS: usize = 16;
const MAX_FILTER_CHARS: usize = 2048;

/// `GET /v1/reports?…`: `{reports: [...], next_cursor}`, newest first.
pub async fn list(
    state: &AppState,
    headers: HeaderMap,
    query: Option<String>,
) -> Result<serde_json::Value, ApiError> {
    let query = parse_query(query.as_deref().unwrap_or_default())?;
    let page = state
        .store
        .call(move |store| {
            Ok(admin::authorize(store, &headers, Scope::ReportsRead)
                .map_err(ApiError::from)
                .and_then(|token| {
                    let query = ListQuery {
                        within: token.limited_to().map(<[String]>::to_vec),
                        ..query
                    };
                    Ok(store.list_reports(&query)?)
                }))
        })
        .await??;
    Ok(json!({
        "reports": page.reports,
        "next_cursor": page.next.map(Cursor::encode),
    }))
}

/// The list's query string, checked: every parameter known, given once, within its limits.
pub fn parse_query(text: &str) -> Result<ListQuery, ApiError> {
    let mut query = ListQuery {
        limit: DEFAULT_LIMIT,
        ..ListQuery::default()
    };
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(text.as_bytes()) {
        if seen.iter().any(|s| *s == name) {
            return Err(invalid(&name, "given more than once"));
        }
        seen.push(name.to_string());
        let value = value.trim().to_owned();
        if value.chars().count() > MAX_FILTER_CHARS {
            return Err(invalid(
                &name,
                format!("longer than {MAX_FILTER_CHARS} characters"),
            ));
        }
        let text = || Some(value.clone()).filter(|v| !v.is_empty());
        match name.as_ref() {
            "project" => query.project = text(),
            "environment" => query.environment = text(),
            "status" => {
                for status in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if !TRIAGE.contains(&status) {
                        return Err(invalid(
                            "status",
                            format!("`{status}` is not one of {}", TRIAGE.join(", ")),
                        ));
                    }
                    query.status.push(status.to_owned());
                }
            }
            "since" => query.since = Some(time("since", &value)?),
            "until" => query.until = Some(time("until", &value)?),
            "url" => query.url_prefix = text(),
            "has_errors" => {
                query.has_errors = Some(match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(invalid("has_errors", "must be true or false")),
                })
            }
            "reporter" => query.reporter = text(),
            "category" => query.category = text(),
            "assignee" => {
                query.assignee = Some(match value.as_str() {
                    "" => return Err(invalid("assignee", "give a name, or `none`")),
                    "none" => None,
                    name => Some(name.to_owned()),
                })
            }
            "label" => query.label = text(),
            "q" => {
                if value.chars().count() > MAX_SEARCH_CHARS {
                    return Err(invalid(
                        "q",
                        format!("longer than {MAX_SEARCH_CHARS} characters"),
                    ));
                }
                if value.split_whitespace().count() > MAX_SEARCH_WORDS {
                    return Err(invalid("q", format!("more than {MAX_SEARCH_WORDS} words")));
                }
                query.search = text();
            }
            "cursor" => {
                query.after = Some(
                    Cursor::decode(&value)
                        .ok_or_else(|| invalid("cursor", "not a cursor this list gave"))?,
                )
            }
            "limit" => {
                query.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| invalid("limit", format!("must be 1 to {MAX_LIMIT}")))?
            }
            other => return Err(invalid(other, "unknown parameter")),
        }
    }
    Ok(query)
}

/// A time as ms since the epoch, or as RFC 3339 (`2026-12-04T15:00:00Z`).
fn time(field: &str, value: &str) -> Result<i64, ApiError> {
    if let Ok(ms) = value.parse::<i64>() {
        return Ok(ms);
    }
    value
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|_| invalid(field, "must be ms since the epoch or an RFC 3339 time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_is_read_with_its_limits() {
        let q = parse_query("project=shop&status=new,triaged&has_errors=true&q=save+fails&limit=10&since=2026-12-01T00:00:00Z&url=https%3A%2F%2Fshop.example%2Fcart").unwrap();
        assert_eq!(q.project.as_deref(), Some("shop"));
        assert_eq!(q.status, ["new", "triaged"]);
        assert_eq!(q.has_errors, Some(true));
        assert_eq!(q.search.as_deref(), Some("save fails"));
        assert_eq!(q.limit, 10);
        assert_eq!(q.since, Some(1_796_083_200_000));
        assert_eq!(q.url_prefix.as_deref(), Some("https://shop.example/cart"));
        assert_eq!(parse_query("").unwrap().limit, DEFAULT_LIMIT);
        for (bad, field) in [
            ("status=open", "status"),
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("has_errors=yes", "has_errors"),
            ("since=yesterday", "since"),
            ("cursor=abc", "cursor"),
            ("projet=shop", "projet"),
            ("project=a&project=b", "project"),
        ] {
            match parse_query(bad) {
                Err(ApiError::InvalidField { field: f, .. }) => assert_eq!(f, field, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let long = format!("q={}", "a ".repeat(17));
        assert!(parse_query(&long).is_err());
    }
}
