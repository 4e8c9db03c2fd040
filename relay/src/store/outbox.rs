//! The delivery outbox: one row per report, written with the report, drained by the delivery
//! workers of every relay sharing the database. A row is due once its report's media are
//! complete (or its grace period is over) and its retry time has come; it leaves the queue
//! when delivery succeeded, or turns into a dead letter when retries outlast the horizon.
//!
//! A worker *leases* the rows it takes (`leased_by`, `leased_until`): no other worker takes
//! them until the lease runs out, so two relays never deliver one row at once, and the rows of
//! a relay killed mid-delivery are taken by another once its lease ends. On Postgres the rows
//! are picked with `FOR UPDATE SKIP LOCKED`, so workers claiming at once never wait on (or
//! take) each other's rows. Every settlement checks the lease is still the worker's own.

use super::db::{Dialect, args};
use super::{Store, StoreError, now_ms};

/// A report ready to go out, leased to the worker that took it.
#[derive(Debug, Clone)]
pub struct Due {
    pub report_id: String,
    pub attempts: i64,
    /// Still waiting for media: the grace period is over, so outstanding media are given up.
    pub media_overdue: bool,
    /// When the lease ends: nothing may be sent after it, another relay may then take the row.
    pub leased_until: i64,
}

/// A row of `outbox list`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxEntry {
    pub report_id: String,
    pub project: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub leased_by: Option<String>,
    pub leased_until: Option<i64>,
    /// Set when retries ran past the horizon: the row waits for `outbox replay`.
    pub dead_at: Option<i64>,
}

impl Store {
    /// Leases up to `limit` due rows to `owner` for `lease_ms`, oldest first.
    pub fn claim_deliveries(
        &self,
        owner: &str,
        lease_ms: i64,
        grace_ms: i64,
        limit: usize,
    ) -> Result<Vec<Due>, StoreError> {
        let now = now_ms();
        let until = now + lease_ms;
        let mut conn = self.conn()?;
        let dialect = conn.dialect();
        let lock = match dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => "FOR UPDATE OF o SKIP LOCKED",
        };
        // A lease need not survive a crash (a lost lease only frees the row sooner), so its
        // commit does not wait for the disk: the worker claims after every ingest commit, and
        // a second fsync each time would slow ingest down.
        if dialect == Dialect::Sqlite {
            conn.batch("PRAGMA synchronous = NORMAL")?;
        }
        let due = claim_in(&mut conn, lock, owner, now, until, grace_ms, limit);
        if dialect == Dialect::Sqlite {
            conn.batch("PRAGMA synchronous = FULL")?;
        }
        due
    }
}

/// [`Store::claim_deliveries`]' transaction.
fn claim_in(
    conn: &mut super::db::Db<'_>,
    lock: &str,
    owner: &str,
    now: i64,
    until: i64,
    grace_ms: i64,
    limit: usize,
) -> Result<Vec<Due>, StoreError> {
    let tx = conn.write_transaction()?;
    if tx.dialect() == Dialect::Postgres {
        tx.batch("SET LOCAL synchronous_commit = off")?;
    }
    tx.execute(
        &format!(
            "UPDATE outbox SET leased_by = ?4, leased_until = ?5 WHERE id IN (
                   SELECT o.id FROM outbox o JOIN reports r ON r.id = o.report_id
                   WHERE o.delivered_at IS NULL AND o.dead_at IS NULL
                     AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?1)
                     AND (o.leased_until IS NULL OR o.leased_until <= ?1)
                     AND (r.status != 'awaiting_media' OR r.received_at <= ?2)
                   ORDER BY o.id LIMIT ?3 {lock})"
        ),
        args![now, now - grace_ms, limit as i64, owner, until],
    )?;
    let due = tx.query_map(
        "SELECT o.report_id, o.attempts, r.status
             FROM outbox o JOIN reports r ON r.id = o.report_id
             WHERE o.leased_by = ?1 AND o.leased_until = ?2 AND o.delivered_at IS NULL
             ORDER BY o.id",
        args![owner, until],
        |r| {
            Ok(Due {
                report_id: r.get(0)?,
                attempts: r.get(1)?,
                media_overdue: r.get::<String>(2)? == "awaiting_media",
                leased_until: until,
            })
        },
    )?;
    tx.commit()?;
    Ok(due)
}

impl Store {
    /// Records what became of a batch of `owner`'s deliveries, in one transaction (one fsync
    /// for the whole batch, as ingest commits its reports). A row whose lease `owner` lost
    /// (it ran out and another relay took the row) is left to its new owner. `horizon_ms`:
    /// a row failing this long after it was stored stops being retried.
    pub fn settle_deliveries(
        &self,
        owner: &str,
        horizon_ms: i64,
        outcomes: &[(String, Settled)],
    ) -> Result<Settlement, StoreError> {
        let mut settlement = Settlement::default();
        if outcomes.is_empty() {
            return Ok(settlement);
        }
        let now = now_ms();
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        for (report_id, outcome) in outcomes {
            let changed = match outcome {
                Settled::Done(status) => {
                    let changed = tx.execute(
                        "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1,
                         last_error = NULL, leased_by = NULL, leased_until = NULL
                         WHERE report_id = ?1 AND leased_by = ?3",
                        args![report_id, now, owner],
                    )?;
                    if changed > 0 {
                        tx.execute(
                            "UPDATE reports SET status = ?2 WHERE id = ?1",
                            args![report_id, status.as_str()],
                        )?;
                    }
                    changed
                }
                Settled::Retry { in_ms, error } => {
                    let dead = tx
                        .query_row(
                            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2,
                             last_error = ?3, leased_by = NULL, leased_until = NULL,
                             dead_at = CASE WHEN created_at <= ?5 THEN CAST(?6 AS BIGINT) ELSE NULL END
                             WHERE report_id = ?1 AND leased_by = ?4 RETURNING dead_at",
                            args![report_id, now + in_ms, error, owner, now - horizon_ms, now],
                            |r| r.get::<Option<i64>>(0),
                        )?;
                    if let Some(Some(_)) = dead {
                        tx.execute(
                            "UPDATE reports SET status = 'undeliverable' WHERE id = ?1",
                            args![report_id],
                        )?;
                        settlement.dead.push(report_id.clone());
                    }
                    usize::from(dead.is_some())
                }
                Settled::Released => tx.execute(
                    "UPDATE outbox SET leased_by = NULL, leased_until = NULL
                     WHERE report_id = ?1 AND leased_by = ?2",
                    args![report_id, owner],
                )?,
            };
            if changed == 0 {
                settlement.lost.push(report_id.clone());
            }
        }
        tx.commit()?;
        Ok(settlement)
    }

    /// When the earliest row that is not due yet becomes due (a retry's time, the end of a
    /// report's wait for its media, another relay's lease running out), so the worker sleeps
    /// exactly until then.
    pub fn next_delivery_at(&self, grace_ms: i64) -> Result<Option<i64>, StoreError> {
        let conn = self.conn()?;
        let retry: Option<i64> = conn.query_value(
            "SELECT min(CASE WHEN coalesce(next_attempt_at, 0) > coalesce(leased_until, 0)
                             THEN next_attempt_at ELSE leased_until END)
             FROM outbox
             WHERE delivered_at IS NULL AND dead_at IS NULL
               AND (next_attempt_at IS NOT NULL OR leased_until IS NOT NULL)",
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

    /// Rows still in the outbox (waiting, retrying, leased or dead), oldest first; only dead
    /// ones with `dead_only`.
    pub fn outbox_entries(
        &self,
        dead_only: bool,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.conn()?.query_map(
            "SELECT o.report_id, r.project, o.created_at, o.attempts, o.next_attempt_at,
                    o.last_error, o.leased_by, o.leased_until, o.dead_at
             FROM outbox o JOIN reports r ON r.id = o.report_id
             WHERE o.delivered_at IS NULL AND (CAST(?1 AS BIGINT) = 0 OR o.dead_at IS NOT NULL)
             ORDER BY o.id LIMIT ?2",
            args![i64::from(dead_only), limit as i64],
            |r| {
                Ok(OutboxEntry {
                    report_id: r.get(0)?,
                    project: r.get(1)?,
                    created_at: r.get(2)?,
                    attempts: r.get(3)?,
                    next_attempt_at: r.get(4)?,
                    last_error: r.get(5)?,
                    leased_by: r.get(6)?,
                    leased_until: r.get(7)?,
                    dead_at: r.get(8)?,
                })
            },
        )
    }

    /// Puts dead letters back in the queue, due now with their attempts reset: `report_id`,
    /// or every dead letter. Returns how many.
    pub fn replay_dead(&self, report_id: Option<&str>) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        let ids: Vec<String> = tx.query_map(
            "SELECT report_id FROM outbox
             WHERE dead_at IS NOT NULL AND delivered_at IS NULL
               AND (CAST(?1 AS TEXT) = '' OR report_id = ?1)",
            args![report_id.unwrap_or("")],
            |r| r.get(0),
        )?;
        for id in &ids {
            tx.execute(
                "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = NULL
                 WHERE report_id = ?1",
                args![id],
            )?;
            tx.execute(
                "UPDATE reports SET status = 'received' WHERE id = ?1",
                args![id],
            )?;
            super::audit::audit(&tx, "outbox.replay", id, "")?;
        }
        tx.commit()?;
        if !ids.is_empty() {
            self.outbox_changed.notify_one();
        }
        Ok(ids.len())
    }
}

/// What settling a batch found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// Rows whose retries ran past the horizon, now dead letters.
    pub dead: Vec<String>,
    /// Rows whose lease had passed to another relay: their outcome was not recorded here.
    pub lost: Vec<String>,
}

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Off the queue with this report status: `delivered`, or `ready` when no webhook is
    /// configured and the report simply waits in the relay.
    Done(DoneStatus),
    /// Failed; try again in `in_ms`. `error` is log-safe (no URL, no body).
    Retry { in_ms: i64, error: String },
    /// Not attempted (the lease was about to run out, or the worker is stopping): the row is
    /// free for any relay at once, its attempts unchanged.
    Released,
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
