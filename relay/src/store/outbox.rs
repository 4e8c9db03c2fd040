//! The delivery outbox: one row per report, written with the report, drained by the delivery
//! worker. A row is due once its report's media are complete (or its grace period is over) and
//! its retry time has come; it leaves the queue only when delivery succeeded.

use super::db::args;
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
        self.conn()?.query_map(
            "SELECT o.report_id, o.attempts, r.status
             FROM outbox o JOIN reports r ON r.id = o.report_id
             WHERE o.delivered_at IS NULL
               AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?1)
               AND (r.status != 'awaiting_media' OR r.received_at <= ?2)
             ORDER BY o.id LIMIT ?3",
            args![now, now - grace_ms, limit as i64],
            |r| {
                Ok(Due {
                    report_id: r.get(0)?,
                    attempts: r.get(1)?,
                    media_overdue: r.get::<String>(2)? == "awaiting_media",
                })
            },
        )
    }

    /// Records what became of a batch of deliveries, in one transaction (one fsync for the
    /// whole batch, as ingest commits its reports).
    pub fn settle_deliveries(&self, outcomes: &[(String, Settled)]) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        for (report_id, outcome) in outcomes {
            match outcome {
                Settled::Done(status) => {
                    tx.execute(
                        "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1,
                         last_error = NULL WHERE report_id = ?1",
                        args![report_id, now],
                    )?;
                    tx.execute(
                        "UPDATE reports SET status = ?2 WHERE id = ?1",
                        args![report_id, status.as_str()],
                    )?;
                }
                Settled::Retry { in_ms, error } => {
                    tx.execute(
                        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2,
                         last_error = ?3 WHERE report_id = ?1",
                        args![report_id, now + in_ms, error],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// When the earliest row that is not due yet becomes due (a retry's time, or the end of a
    /// report's wait for its media), so the worker sleeps exactly until then.
    pub fn next_delivery_at(&self, grace_ms: i64) -> Result<Option<i64>, StoreError> {
        let conn = self.conn()?;
        let retry: Option<i64> = conn.query_value(
            "SELECT min(next_attempt_at) FROM outbox
             WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL",
            args![],
        )?;
        let media: Option<i64> = conn.query_value(
            "SELECT min(r.received_at) FROM outbox o JOIN reports r ON r.id = o.report_id
             WHERE o.delivered_at IS NULL AND r.status = 'awaiting_media'",
            args![],
        )?;
        Ok([retry, media.map(|t| t + grace_ms)]
            .into_iter()
            .flatten()
            .min())
    }
}

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Off the queue with this report status: `delivered`, or `ready` when no webhook is
    /// configured and the report simply waits in the relay.
    Done(DoneStatus),
    /// Failed; try again in `in_ms`. `error` is log-safe (no URL, no body).
    Retry { in_ms: i64, error: String },
}

/// A report's status once it has left the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoneStatus {
    Delivered,
    Ready,
}

impl DoneStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DoneStatus::Delivered => "delivered",
            DoneStatus::Ready => "ready",
        }
    }
}
