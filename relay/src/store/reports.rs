//! Reports at rest. A report is written in one fsync'd transaction; its client-chosen id makes
//! a retry from the same key idempotent.

use bugcap_protocol::Report;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, StoreError, now_ms};
use crate::store::WidgetKey;

/// What happened to a submitted report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored now; answer 201.
    Created { status: String },
    /// The same key filed this id before; answer 200 with the original status.
    AlreadyStored { status: String },
    /// Another key filed this id; answer 409 and store nothing.
    IdTakenByAnotherKey,
}

/// A stored report with what the relay knows about it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredReport {
    pub id: String,
    pub status: String,
    pub project: String,
    pub environment: String,
    pub received_at: i64,
    pub key_prefix: String,
    pub report: serde_json::Value,
}

impl Store {
    /// Stores `report` (already validated, with project and environment taken from `key`),
    /// together with its delivery-outbox row. Resolves only after the commit is durable.
    pub async fn insert_report(
        &self,
        key: WidgetKey,
        report: Report,
    ) -> Result<InsertOutcome, StoreError> {
        let body =
            serde_json::to_string(&report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.writer
            .insert(key, report, super::body::pack(&body))
            .await
    }

    /// [`Store::insert_report`] with the report's JSON already written (`body` must be
    /// `report` as JSON): the relay stores the bytes a client sent when it changed nothing in
    /// them, instead of writing the same report out again.
    pub async fn insert_report_as(
        &self,
        key: WidgetKey,
        report: Report,
        body: String,
    ) -> Result<InsertOutcome, StoreError> {
        self.writer
            .insert(key, report, super::body::pack(&body))
            .await
    }

    pub fn get_report(&self, id: &str) -> Result<Option<StoredReport>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT r.id, r.status, r.project, r.environment, r.received_at, k.prefix, r.body
                 FROM reports r JOIN widget_keys k ON k.id = r.key_id WHERE r.id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, String>(5)?,
                        super::body::unpack(r.get_ref(6)?),
                    ))
                },
            )
            .optional()?;
        row.map(
            |(id, status, project, environment, received_at, key_prefix, body)| {
                let body = body?;
                Ok(StoredReport {
                    id,
                    status,
                    project,
                    environment,
                    received_at,
                    key_prefix,
                    report: serde_json::from_str(&body)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            },
        )
        .transpose()
    }
}

/// Inserts a report and its outbox row inside the caller's transaction (or savepoint). The
/// client-chosen id makes a retry from the same key idempotent; another key's id is a conflict.
pub(super) fn insert_in(
    conn: &rusqlite::Connection,
    key: &WidgetKey,
    report: &Report,
    body: &[u8],
) -> Result<InsertOutcome, StoreError> {
    // Cached statements: the writer runs these for every report, so parse the SQL once.
    let id = report.id.to_string();
    let existing: Option<(i64, String)> = conn
        .prepare_cached("SELECT key_id, status FROM reports WHERE id = ?1")?
        .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((key_id, status)) = existing {
        return Ok(if key_id == key.id {
            InsertOutcome::AlreadyStored { status }
        } else {
            InsertOutcome::IdTakenByAnotherKey
        });
    }
    let status = if report.attachments.is_empty() {
        "received"
    } else {
        "awaiting_media"
    };
    let now = now_ms();
    conn.prepare_cached(
        "INSERT INTO reports (id, key_id, project, environment, status, received_at, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        key.id,
        key.project,
        key.environment.as_str(),
        status,
        now,
        body
    ])?;
    super::inbox::add_in(conn, conn.last_insert_rowid(), &id, key, now, report)?;
    conn.prepare_cached("INSERT INTO outbox (report_id, created_at) VALUES (?1, ?2)")?
        .execute(params![id, now])?;
    super::media::declare_in(conn, key, report)?;
    Ok(InsertOutcome::Created {
        status: status.to_owned(),
    })
}
