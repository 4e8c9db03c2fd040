//! Reports at rest. A report is written in one fsync'd transaction; its client-chosen id makes
//! a retry from the same key idempotent.

use bugcap_protocol::Report;
use serde::Serialize;

use super::body::Packed;
use super::db::{Db, args};
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

/// A stored report with what the relay knows about it. `R` is how the report itself is held:
/// parsed (`serde_json::Value`, for the API and the app) or as the stored JSON text
/// ([`RawReport`], for a webhook, which passes it on without parsing 30 KB to write it again).
#[derive(Debug, Clone, Serialize)]
pub struct StoredReport<R = serde_json::Value> {
    pub id: String,
    pub status: String,
    pub project: String,
    pub environment: String,
    pub received_at: i64,
    pub key_prefix: String,
    pub report: R,
}

/// A report's JSON as stored, serialized as it is.
pub type RawReport = Box<serde_json::value::RawValue>;

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
        self.insert_report_as(key, report, body).await
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
        self.get_report_json(id)?
            .map(|stored| {
                let report = serde_json::from_str(stored.report.get())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(stored.with(report))
            })
            .transpose()
    }

    /// [`Store::get_report`] without parsing the report. The row is read under the
    /// connection's lock; unpacking and checking it happen after, so key checks and other
    /// reads do not wait for them.
    pub fn get_report_json(&self, id: &str) -> Result<Option<StoredReport<RawReport>>, StoreError> {
        let row = self.conn()?.query_row(
            "SELECT r.id, r.status, r.project, r.environment, r.received_at, k.prefix, r.body
             FROM reports r JOIN widget_keys k ON k.id = r.key_id WHERE r.id = ?1",
            args![id],
            |r| {
                Ok(StoredReport {
                    id: r.get(0)?,
                    status: r.get(1)?,
                    project: r.get(2)?,
                    environment: r.get(3)?,
                    received_at: r.get(4)?,
                    key_prefix: r.get(5)?,
                    report: r.get::<Packed>(6)?,
                })
            },
        )?;
        row.map(|stored| {
            let json = stored.report.unpack()?;
            let report = serde_json::value::RawValue::from_string(json)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(stored.with(report))
        })
        .transpose()
    }
}

impl<R> StoredReport<R> {
    /// The same row with another form of its report.
    fn with<T>(self, report: T) -> StoredReport<T> {
        StoredReport {
            id: self.id,
            status: self.status,
            project: self.project,
            environment: self.environment,
            received_at: self.received_at,
            key_prefix: self.key_prefix,
            report,
        }
    }
}

/// Inserts a report and its outbox row inside the caller's transaction (or savepoint). The
/// client-chosen id makes a retry from the same key idempotent; another key's id is a conflict.
pub(super) fn insert_in(
    db: &Db<'_>,
    key: &WidgetKey,
    report: &Report,
    body: &[u8],
) -> Result<InsertOutcome, StoreError> {
    let id = report.id.to_string();
    let status = if report.attachments.is_empty() {
        "received"
    } else {
        "awaiting_media"
    };
    let now = now_ms();
    // The database decides which of two relays (or requests) storing one id wins: the
    // conflicting insert changes nothing and the row that is there is read back.
    let rowid: Option<i64> = db.query_row(
        "INSERT INTO reports (id, key_id, project, environment, status, received_at, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO NOTHING RETURNING rowid",
        args![
            id,
            key.id,
            key.project,
            key.environment.as_str(),
            status,
            now,
            body
        ],
        |r| r.get(0),
    )?;
    let Some(rowid) = rowid else {
        let (key_id, status): (i64, String) = db
            .query_row(
                "SELECT key_id, status FROM reports WHERE id = ?1",
                args![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .ok_or_else(|| {
                StoreError::Corrupt(format!("report {id} conflicted but is not there"))
            })?;
        return Ok(if key_id == key.id {
            InsertOutcome::AlreadyStored { status }
        } else {
            InsertOutcome::IdTakenByAnotherKey
        });
    };
    super::inbox::add_in(db, rowid, &id, key, now, report)?;
    db.execute(
        "INSERT INTO outbox (report_id, created_at) VALUES (?1, ?2)",
        args![id, now],
    )?;
    super::media::declare_in(db, key, report)?;
    Ok(InsertOutcome::Created {
        status: status.to_owned(),
    })
}
