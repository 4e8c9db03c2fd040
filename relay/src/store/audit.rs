//! The audit log: who did what to keys, tokens, accounts, and which tools an agent called on
//! which report. It names the actor and the subject, never report content or a secret.

use serde::Serialize;

use super::db::{Db, args};
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
    tx: &Db<'_>,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_log (at, action, subject, detail) VALUES (?1, ?2, ?3, ?4)",
        args![now_ms(), action, subject, detail],
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
        audit(&self.conn()?, action, subject, detail)
    }

    /// The latest `limit` entries (at most [`MAX_AUDIT_ENTRIES`]), newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.conn()?.query_map(
            "SELECT at, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
            args![limit.min(MAX_AUDIT_ENTRIES) as i64],
            |r| {
                Ok(AuditEntry {
                    at: r.get(0)?,
                    action: r.get(1)?,
                    subject: r.get(2)?,
                    detail: r.get(3)?,
                })
            },
        )
    }
}
