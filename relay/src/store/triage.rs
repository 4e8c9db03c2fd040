//! The team's work on a report: its status, assignee and labels, internal comments, and the
//! activity log that records every change with who made it and when.

use serde::Serialize;

use super::db::{Db, args};
use super::{Store, StoreError, now_ms};

/// Who did something: a signed-in user, or a script with an admin token (named by its prefix,
/// never by its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// `user` or `token`.
    pub kind: String,
    pub name: String,
}

impl Actor {
    pub fn user(name: &str) -> Actor {
        Actor {
            kind: "user".into(),
            name: name.to_owned(),
        }
    }

    pub fn token(prefix: &str) -> Actor {
        Actor {
            kind: "token".into(),
            name: prefix.to_owned(),
        }
    }
}

/// A report's triage state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Triage {
    pub status: String,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
}

/// What to change; `None` leaves a field as it is. `assignee: Some(None)` unassigns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageChange {
    pub status: Option<String>,
    pub assignee: Option<Option<String>>,
    pub labels: Option<Vec<String>>,
}

/// One entry of a report's activity: a change, a comment, a share link made or revoked.
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    pub id: i64,
    pub at: i64,
    pub actor: Actor,
    /// `status`, `assignee`, `labels`, `comment`, `share`, `unshare`.
    pub kind: String,
    /// For changes `{from, to}`; for a comment `{body}`; for share links `{share}`.
    pub detail: serde_json::Value,
}

fn labels_from(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Appends to `report_id`'s activity inside the caller's transaction.
pub(super) fn log_in(
    tx: &Db<'_>,
    report_id: &str,
    actor: &Actor,
    kind: &str,
    detail: &serde_json::Value,
) -> Result<Activity, StoreError> {
    let at = now_ms();
    let id: i64 = tx.query_value(
        "INSERT INTO activity (report_id, at, actor_kind, actor, kind, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        args![
            report_id,
            at,
            actor.kind,
            actor.name,
            kind,
            detail.to_string()
        ],
    )?;
    Ok(Activity {
        id,
        at,
        actor: actor.clone(),
        kind: kind.to_owned(),
        detail: detail.clone(),
    })
}

fn triage_in(tx: &Db<'_>, report_id: &str) -> Result<Option<Triage>, StoreError> {
    let row = tx.query_row(
        "SELECT triage, assignee, labels FROM inbox WHERE id = ?1",
        args![report_id],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<Option<String>>(1)?,
                r.get::<String>(2)?,
            ))
        },
    )?;
    row.map(|(status, assignee, labels)| {
        Ok(Triage {
            status,
            assignee,
            labels: labels_from(&labels)?,
        })
    })
    .transpose()
}

impl Store {
    /// The triage state of a report, `None` when there is no such report.
    pub fn triage_of(&self, report_id: &str) -> Result<Option<Triage>, StoreError> {
        triage_in(&self.conn()?, report_id)
    }

    /// Applies `change` to every report in `ids`, all or none: `None` (and nothing changed) when
    /// one of them does not exist. Each field that really changes is logged with `actor`.
    /// Returns each report's new state, in the order of `ids`.
    pub fn change_triage(
        &self,
        ids: &[String],
        actor: &Actor,
        change: &TriageChange,
    ) -> Result<Option<Vec<Triage>>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(mut triage) = triage_in(&tx, id)? else {
                return Ok(None);
            };
            if let Some(status) = change.status.as_ref().filter(|s| **s != triage.status) {
                tx.execute(
                    "UPDATE inbox SET triage = ?1 WHERE id = ?2",
                    args![status, id],
                )?;
                let detail = serde_json::json!({ "from": triage.status, "to": status });
                log_in(&tx, id, actor, "status", &detail)?;
                triage.status = status.clone();
            }
            if let Some(assignee) = change.assignee.as_ref().filter(|a| **a != triage.assignee) {
                tx.execute(
                    "UPDATE inbox SET assignee = ?1 WHERE id = ?2",
                    args![assignee, id],
                )?;
                let detail = serde_json::json!({ "from": triage.assignee, "to": assignee });
                log_in(&tx, id, actor, "assignee", &detail)?;
                triage.assignee = assignee.clone();
            }
            if let Some(labels) = change.labels.as_ref().filter(|l| **l != triage.labels) {
                let json = serde_json::to_string(labels).map_err(corrupt)?;
                tx.execute(
                    "UPDATE inbox SET labels = ?1 WHERE id = ?2",
                    args![json, id],
                )?;
                let detail = serde_json::json!({ "from": triage.labels, "to": labels });
                log_in(&tx, id, actor, "labels", &detail)?;
                triage.labels = labels.clone();
            }
            out.push(triage);
        }
        tx.commit()?;
        Ok(Some(out))
    }

    /// Adds an internal comment to a report; `None` when there is no such report.
    pub fn add_comment(
        &self,
        report_id: &str,
        actor: &Actor,
        body: &str,
    ) -> Result<Option<Activity>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        if triage_in(&tx, report_id)?.is_none() {
            return Ok(None);
        }
        let entry = log_in(
            &tx,
            report_id,
            actor,
            "comment",
            &serde_json::json!({ "body": body }),
        )?;
        tx.commit()?;
        Ok(Some(entry))
    }

    /// A report's activity, oldest first.
    pub fn activity_of(&self, report_id: &str) -> Result<Vec<Activity>, StoreError> {
        let rows = self.conn()?.query_map(
            "SELECT id, at, actor_kind, actor, kind, detail FROM activity
             WHERE report_id = ?1 ORDER BY id",
            args![report_id],
            |r| {
                Ok((
                    r.get::<i64>(0)?,
                    r.get::<i64>(1)?,
                    r.get::<String>(2)?,
                    r.get::<String>(3)?,
                    r.get::<String>(4)?,
                    r.get::<String>(5)?,
                ))
            },
        )?;
        rows.into_iter()
            .map(|(id, at, actor_kind, actor, kind, detail)| {
                Ok(Activity {
                    id,
                    at,
                    actor: Actor {
                        kind: actor_kind,
                        name: actor,
                    },
                    kind,
                    detail: serde_json::from_str(&detail).map_err(corrupt)?,
                })
            })
            .collect()
    }
}
