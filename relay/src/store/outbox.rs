//! The delivery outbox: one row per report, written with the report, drained by the delivery
//! worker. A row is due once its report's media are complete (or its grace period is over) and
//! its retry time has come; it leaves the queue only when delivery succeeded.

use rusqlite::params;

use super::{Store, StoreError, now_ms};

/// A report ready to go out.
#[derive(Debug, Clone)]
pub struct Due {
    pub report_id: String,
    pub attempts: i64,
    /// Still waiting for media: the grace period is over, so outstanding media are given up.
    pub media_overdue: bool,
}

impl Store {
    /// Up to `limit` due rows, oldest first.
    pub fn due_deliveries(&self, grace_ms: i64, limit: usize) -> Result<Vec<Due>, StoreError> {
        let now = now_ms();
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT o.report_id, o.attempts, r.status = 'awaiting_media'
             FROM outbox o JOIN reports r ON r.id = o.report_id
             WHERE o.delivered_at IS NULL
               AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?1)
               AND (r.status != 'awaiting_media' OR r.received_at <= ?2)
             ORDER BY o.id LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![now, now - grace_ms, limit as i64], |r| {
                Ok(Due {
                    report_id: r.get(0)?,
                    attempts: r.get(1)?,
                    media_overdue: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Takes a report off the queue with its final status (`delivered`, or `ready` when no
    /// webhook is configured and the report simply waits in the relay).
    pub fn finish_delivery(&self, report_id: &str, status: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1, last_error = NULL
             WHERE report_id = ?1",
            params![report_id, now_ms()],
        )?;
        tx.execute(
            "UPDATE reports SET status = ?2 WHERE id = ?1",
            params![report_id, status],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub fn retry_delivery(
        &self,
        report_id: &str,
        retry_in_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3
             WHERE report_id = ?1",
            params![report_id, now_ms() + retry_in_ms, error],
        )?;
        Ok(())
    }
}
