//! Triage over the admin API: `PATCH /v1/reports/{id}` and `PATCH /v1/reports` (many at once)
//! change status, assignee and labels; `POST /v1/reports/{id}/comments` adds an internal note;
//! `GET /v1/reports/{id}/activity` lists both, oldest first.

use hyper::Request;
use hyper::body::Incoming;
use serde_json::{Map, Value, json};

use super::{authorized, invalid, read_json};
use crate::http::ApiError;
use crate::state::AppState;
use crate::store::{Scope, TRIAGE, TriageChange};

/// Limits on what a client may write.
pub const MAX_ASSIGNEE_CHARS: usize = 100;
pub const MAX_LABELS: usize = 20;
pub const MAX_LABEL_CHARS: usize = 40;
pub const MAX_COMMENT_CHARS: usize = 10_000;
/// Reports one bulk change may touch: a page of the list.
pub const MAX_BULK: usize = 100;

/// A short name or label: trimmed, not empty, no control characters, at most `max` characters.
fn short_text(field: &str, value: &Value, max: usize) -> Result<String, ApiError> {
    let text = value
        .as_str()
        .ok_or_else(|| invalid(field, "must be a string"))?
        .trim();
    if text.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(invalid(field, format!("longer than {max} characters")));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(text.to_owned())
}

/// Reads a triage change from `body`; `extra` names the other fields the body may carry.
pub fn parse_change(body: &Map<String, Value>, extra: &[&str]) -> Result<TriageChange, ApiError> {
    let mut change = TriageChange::default();
    for (name, value) in body {
        match name.as_str() {
            "status" => {
                let status = value
                    .as_str()
                    .filter(|s| TRIAGE.contains(s))
                    .ok_or_else(|| {
                        invalid("status", format!("must be one of {}", TRIAGE.join(", ")))
                    })?;
                change.status = Some(status.to_owned());
            }
            "assignee" => {
                change.assignee = Some(match value {
                    Value::Null => None,
                    v => Some(short_text("assignee", v, MAX_ASSIGNEE_CHARS)?),
                })
            }
            "labels" => {
                let list = value
                    .as_array()
                    .ok_or_else(|| invalid("labels", "must be an array of strings"))?;
                if list.len() > MAX_LABELS {
                    return Err(invalid("labels", format!("more than {MAX_LABELS} labels")));
                }
                let mut labels: Vec<String> = Vec::with_capacity(list.len());
                for (i, v) in list.iter().enumerate() {
                    let label = short_text(&format!("labels[{i}]"), v, MAX_LABEL_CHARS)?;
                    if !labels.contains(&label) {
                        labels.push(label);
                    }
                }
                change.labels = Some(labels);
            }
            other if extra.contains(&other) => {}
            other => return Err(invalid(other, "unknown field")),
        }
    }
    if change == TriageChange::default() {
        return Err(invalid(
            "",
            "give at least one of status, assignee and labels",
        ));
    }
    Ok(change)
}

fn object(value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(invalid("", "the body must be a JSON object")),
    }
}

/// `PATCH /v1/reports/{id}`: the report's triage state after the change.
pub async fn change_one(
    state: &AppState,
    req: Request<Incoming>,
    id: String,
) -> Result<Value, ApiError> {
    let (headers, body) = read_json(state, req).await?;
    let change = parse_change(&object(body)?, &[])?;
    let mut changed = authorized(
        state,
        headers,
        Scope::ReportsWrite,
        vec![id.clone()],
        move |store, actor| {
            let ids = [id.clone()];
            let triage = store
                .change_triage(&ids, actor, &change)?
                .ok_or(ApiError::NotFound)?;
            Ok((id, triage))
        },
    )
    .await?;
    let (id, triage) = (changed.0, changed.1.remove(0));
    Ok(
        json!({ "id": id, "status": triage.status, "assignee": triage.assignee, "labels": triage.labels }),
    )
}

/// `PATCH /v1/reports` with `{ids: [...], status?, assignee?, labels?}`: one change applied to
/// many reports, all or none (404 when one does not exist).
pub async fn change_many(state: &AppState, req: Request<Incoming>) -> Result<Value, ApiError> {
    let (headers, body) = read_json(state, req).await?;
    let body = object(body)?;
    let change = parse_change(&body, &["ids"])?;
    let ids: Vec<String> = match body.get("ids").and_then(Value::as_array) {
        Some(list) if !list.is_empty() && list.len() <= MAX_BULK => list
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| invalid("ids", "must be report ids"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(invalid("ids", format!("give 1 to {MAX_BULK} report ids"))),
    };
    let reports = authorized(state, headers, Scope::ReportsWrite, ids.clone(), move |store, actor| {
        let triage = store
            .change_triage(&ids, actor, &change)?
            .ok_or(ApiError::NotFound)?;
        Ok(ids
            .into_iter()
            .zip(triage)
            .map(|(id, t)| json!({ "id": id, "status": t.status, "assignee": t.assignee, "labels": t.labels }))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(json!({ "reports": reports }))
}

/// `POST /v1/reports/{id}/comments` with `{body}`: the new activity entry.
pub async fn comment(
    state: &AppState,
    req: Request<Incoming>,
    id: String,
) -> Result<Value, ApiError> {
    let (headers, body) = read_json(state, req).await?;
    let body = object(body)?;
    if let Some(other) = body.keys().find(|k| *k != "body") {
        return Err(invalid(other, "unknown field"));
    }
    let text = body
        .get("body")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("body", "write the comment in `body`"))?
        .to_owned();
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(invalid(
            "body",
            format!("longer than {MAX_COMMENT_CHARS} characters"),
        ));
    }
    let entry = authorized(
        state,
        headers,
        Scope::ReportsWrite,
        vec![id.clone()],
        move |store, actor| {
            store
                .add_comment(&id, actor, &text)?
                .ok_or(ApiError::NotFound)
        },
    )
    .await?;
    serde_json::to_value(entry)
        .map_err(|e| ApiError::Unavailable(crate::store::StoreError::Corrupt(e.to_string())))
}

/// `GET /v1/reports/{id}/activity`: `{activity: [...]}`, oldest first.
pub async fn activity(
    state: &AppState,
    headers: hyper::HeaderMap,
    id: String,
) -> Result<Value, ApiError> {
    let entries = super::read_report(state, headers, id, |store, id| {
        store.triage_of(id)?.ok_or(ApiError::NotFound)?;
        Ok(store.activity_of(id)?)
    })
    .await?;
    Ok(json!({ "activity": entries }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Value) -> Result<TriageChange, ApiError> {
        parse_change(&object(body)?, &[])
    }

    #[test]
    fn changes_are_read_strictly() {
        let change = parse(json!({
            "status": "triaged",
            "assignee": "  ana ",
            "labels": ["checkout", " checkout", "p1"]
        }))
        .unwrap();
        assert_eq!(change.status.as_deref(), Some("triaged"));
        assert_eq!(change.assignee, Some(Some("ana".into())));
        assert_eq!(change.labels, Some(vec!["checkout".into(), "p1".into()]));
        assert_eq!(
            parse(json!({ "assignee": null })).unwrap().assignee,
            Some(None)
        );
        let too_many: Vec<String> = (0..=MAX_LABELS).map(|i| format!("l{i}")).collect();
        for (bad, field) in [
            (json!({}), ""),
            (json!([]), ""),
            (json!({ "status": "open" }), "status"),
            (json!({ "status": 1 }), "status"),
            (json!({ "assignee": "" }), "assignee"),
            (json!({ "assignee": "a\u{7}b" }), "assignee"),
            (json!({ "assignee": "x".repeat(101) }), "assignee"),
            (json!({ "labels": "p1" }), "labels"),
            (json!({ "labels": too_many }), "labels"),
            (json!({ "labels": ["ok", 3] }), "labels[1]"),
            (json!({ "state": "new" }), "state"),
        ] {
            match parse(bad.clone()) {
                Err(ApiError::InvalidField { field: f, .. }) => assert_eq!(f, field, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
