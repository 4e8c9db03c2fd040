//! The inbox page: open reports first (the default tab), filters and search in the URL (so a
//! view can be shared and the back button works), 50 to a page, and status changes in bulk.

use hyper::body::Incoming;
use hyper::{Request, StatusCode};

use super::pages::{Filters, Inbox, Me, Row, Tab};
use super::view::times;
use super::{AppError, Page, field, local_path, render, see_other, signed_in, writer};
use crate::admin::reports::parse_query;
use crate::admin::triage::parse_change;
use crate::state::AppState;
use crate::store::{Actor, Scope, TRIAGE};

/// The tabs: a label and the `status` parameter it sets (`None`: the default, open reports).
const TABS: [(&str, Option<&str>); 5] = [
    ("Open", None),
    ("Resolved", Some("resolved")),
    ("Closed", Some("closed")),
    ("Spam", Some("spam")),
    ("All", Some("all")),
];

/// What the default tab lists.
const OPEN: &str = "new,triaged";

/// Parameters the inbox keeps in its URL (besides `status` and `cursor`).
const FILTERS: [&str; 11] = [
    "q",
    "project",
    "environment",
    "url",
    "reporter",
    "category",
    "assignee",
    "label",
    "has_errors",
    "since",
    "until",
];

fn href(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return "/app/".to_owned();
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    format!("/app/?{}", query.finish())
}

/// A `YYYY-MM-DD` from the date picker as ms since the epoch (UTC midnight), `end` taking the
/// midnight after, so "until the 4th" includes the 4th.
fn day_ms(value: &str, end: bool) -> Option<String> {
    let date: jiff::civil::Date = value.parse().ok()?;
    let date = if end { date.tomorrow().ok()? } else { date };
    let ts = date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(ts.as_millisecond().to_string())
}

/// `GET /app/`.
pub async fn page(state: &AppState, req: Request<Incoming>) -> Page {
    let session = signed_in(state, req.headers()).await?;
    let raw: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let get = |name: &str| field(&raw, name).unwrap_or_default().trim().to_owned();
    let status = get("status");
    // The filters the reader set, in a fixed order, empty ones dropped.
    let kept: Vec<(String, String)> = FILTERS
        .iter()
        .map(|name| (name.to_string(), get(name)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let mut filters = Filters::default();
    for (name, value) in &kept {
        let slot = match name.as_str() {
            "q" => &mut filters.q,
            "project" => &mut filters.project,
            "environment" => &mut filters.environment,
            "url" => &mut filters.url,
            "reporter" => &mut filters.reporter,
            "category" => &mut filters.category,
            "assignee" => &mut filters.assignee,
            "label" => &mut filters.label,
            "has_errors" => &mut filters.has_errors,
            "since" => &mut filters.since,
            _ => &mut filters.until,
        };
        *slot = value.clone();
    }
    filters.any_set = kept.iter().any(|(k, _)| k != "q");

    // The same query the API takes, with the app's conveniences translated.
    let mut api: Vec<(String, String)> = Vec::new();
    match status.as_str() {
        "" => api.push(("status".into(), OPEN.into())),
        "all" => {}
        s => api.push(("status".into(), s.into())),
    }
    let mut problem = None;
    for (name, value) in &kept {
        let value = match name.as_str() {
            "since" | "until" => match day_ms(value, name == "until") {
                Some(ms) => ms,
                None => {
                    problem = Some(format!("{name}: pick a date"));
                    continue;
                }
            },
            _ => value.clone(),
        };
        api.push((name.clone(), value));
    }
    let cursor = get("cursor");
    if !cursor.is_empty() {
        api.push(("cursor".into(), cursor.clone()));
    }
    let query_text = {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &api {
            serializer.append_pair(k, v);
        }
        serializer.finish()
    };
    let (listed, next) = match parse_query(&query_text) {
        Ok(query) => {
            let found = state
                .store
                .call(move |store| {
                    let page = store.list_reports(&query)?;
                    let ids: Vec<String> = page.reports.iter().map(|r| r.id.clone()).collect();
                    let shots = store.screenshots_of(&ids)?;
                    Ok((page, shots))
                })
                .await?;
            let (page, shots) = found;
            let rows: Vec<Row> = page
                .reports
                .into_iter()
                .map(|r| {
                    let (received, received_iso) = times(r.received_at);
                    let href = format!("/app/reports/{}", r.id);
                    Row {
                        thumb: shots
                            .contains_key(&r.id)
                            .then(|| format!("{href}/thumbnail")),
                        id: r.id,
                        href,
                        title: r.title,
                        page_url: r.page_url,
                        reporter: r.reporter_email.or(r.reporter_id).unwrap_or_default(),
                        received,
                        received_iso,
                        errors: r.errors,
                        failed: r.failed_requests,
                        undelivered: r.delivery == "undeliverable",
                        status: r.status,
                        assignee: r.assignee,
                        labels: r.labels,
                    }
                })
                .collect();
            (rows, page.next.map(|c| c.encode()))
        }
        Err(e) => {
            problem = Some(AppError::from(e).to_string());
            (Vec::new(), None)
        }
    };

    let status_pair: Vec<(String, String)> = if status.is_empty() {
        vec![]
    } else {
        vec![("status".into(), status.clone())]
    };
    let here: Vec<(String, String)> = status_pair.iter().chain(&kept).cloned().collect();
    let tabs = TABS
        .iter()
        .map(|(label, value)| {
            let mut pairs: Vec<(String, String)> = value
                .map(|v| vec![("status".to_owned(), v.to_owned())])
                .unwrap_or_default();
            pairs.extend(kept.iter().cloned());
            Tab {
                label,
                href: href(&pairs),
                current: value.unwrap_or_default() == status,
            }
        })
        .collect();
    let next_href = next.map(|c| {
        let mut pairs = here.clone();
        pairs.push(("cursor".into(), c));
        href(&pairs)
    });
    let mut back = href(&here);
    if !cursor.is_empty() {
        let mut pairs = here.clone();
        pairs.push(("cursor".into(), cursor.clone()));
        back = href(&pairs);
    }
    let page = Inbox {
        signed_in: Some(Me {
            name: session.actor.name.clone(),
            csrf: session.csrf.clone(),
        }),
        shared: false,
        tabs,
        status_param: (!status.is_empty()).then(|| status.clone()),
        filters,
        environments: vec![
            ("", "Any"),
            ("production", "production"),
            ("staging", "staging"),
            ("local", "local"),
        ],
        error_choices: vec![
            ("", "Any"),
            ("true", "With errors"),
            ("false", "Without errors"),
        ],
        clear_href: href(&status_pair),
        problem,
        rows: listed,
        csrf: session.csrf.clone(),
        back,
        can_write: session.allows(Scope::ReportsWrite),
        statuses: &TRIAGE,
        first_page: cursor.is_empty(),
        first_href: href(&here),
        next_href,
    };
    Ok(render(state, StatusCode::OK, &page))
}

/// `POST /app/bulk` with `id` (repeated), `status` and `back`: one status for every selected
/// report, all or none.
pub async fn bulk(state: &AppState, req: Request<Incoming>) -> Page {
    let (session, fields) = writer(state, req).await?;
    let back = local_path(field(&fields, "back").unwrap_or("/app/"));
    let ids: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.clone())
        .collect();
    if ids.is_empty() {
        return Ok(see_other(&back));
    }
    if ids.len() > crate::admin::triage::MAX_BULK
        || ids.iter().any(|id| uuid::Uuid::parse_str(id).is_err())
    {
        return Err(AppError::NotFound);
    }
    let mut body = serde_json::Map::new();
    body.insert(
        "status".into(),
        field(&fields, "status").unwrap_or_default().into(),
    );
    let change = parse_change(&body, &[])?;
    let actor: Actor = session.actor.clone();
    state
        .store
        .call(move |store| store.change_triage(&ids, &actor, &change))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(see_other(&back))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picked_days_become_utc_midnights() {
        assert_eq!(
            day_ms("2026-12-04", false).as_deref(),
            Some("1796342400000")
        );
        assert_eq!(day_ms("2026-12-04", true).as_deref(), Some("1796428800000"));
        assert_eq!(day_ms("yesterday", false), None);
    }
}
