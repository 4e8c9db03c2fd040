//! The audit log: who did what to keys, tokens, accounts, and which tools an agent called on
//! which report. It names the actor and the subject, never report content or a secret.

use rusqlite::params;
use serde::Serialize;

use super::{Store, StoreError, now_ms};

/// One line of the log.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: i64,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// Writes an entry in the caller's transaction, so it commits with the change it records.
pub(super) fn audit(
    tx: &rusqlite::Transaction<'_>,
    action: &str,
    subject: &str,
    detail: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, action, subject, detail) VALUES (?1, ?2, ?3, ?4)",
        params![now_ms(), action, subject, detail],
    )
    .map(drop)
}

/// The most entries [`Store::audit_log`] returns.
pub const MAX_AUDIT_ENTRIES: usize = 1000;

impl Store {
    /// Records an action that changes nothing else (an agent reading a report).
    pub fn record_audit(
        &self,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        audit(&tx, action, subject, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The latest `limit` entries (at most [`MAX_AUDIT_ENTRIES`]), newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT at, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit.min(MAX_AUDIT_ENTRIES) as i64], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                action: r.get(1)?,
                subject: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
