//! Deleting what the relay keeps: one report with everything about it (a user's data-deletion
//! request, or the retention sweep), old audit entries, and the lease that lets one relay of
//! many run a periodic sweep.

use super::db::args;
use super::{Store, StoreError, now_ms};

impl Store {
    /// Deletes a report and every row about it (inbox, search, triage, comments, share links,
    /// thumbnail, media rows, outbox), in one transaction, and records it in the audit log.
    /// `None` when there is no such report. Delete its media objects first ([`Store::media_of`]):
    /// once the rows are gone, nothing points at them.
    pub fn delete_report(&self, report_id: &str, reason: &str) -> Result<Option<()>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        let Some(rowid) = tx.query_row(
            "SELECT rowid FROM reports WHERE id = ?1",
            args![report_id],
            |r| r.get::<i64>(0),
        )?
        else {
            return Ok(None);
        };
        tx.execute("DELETE FROM reports_search WHERE rowid = ?1", args![rowid])?;
        for table in [
            "inbox",
            "activity",
            "shares",
            "thumbnails",
            "media",
            "outbox",
        ] {
            let column = if table == "inbox" { "id" } else { "report_id" };
            tx.execute(
                &format!("DELETE FROM {table} WHERE {column} = ?1"),
                args![report_id],
            )?;
        }
        tx.execute("DELETE FROM reports WHERE id = ?1", args![report_id])?;
        super::audit::audit(&tx, "report.delete", report_id, reason)?;
        tx.commit()?;
        Ok(Some(()))
    }

    /// Up to `limit` reports received before `before_ms`, oldest first.
    pub fn reports_received_before(
        &self,
        before_ms: i64,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        self.conn()?.query_map(
            "SELECT id FROM reports WHERE received_at < ?1 ORDER BY received_at LIMIT ?2",
            args![before_ms, limit as i64],
            |r| r.get(0),
        )
    }

    /// Deletes audit entries older than `before_ms`; how many.
    pub fn prune_audit(&self, before_ms: i64) -> Result<usize, StoreError> {
        self.conn()?
            .execute("DELETE FROM audit_log WHERE at < ?1", args![before_ms])
    }

    /// Takes the periodic job `name` for `owner` until `lease_ms` from now, unless another
    /// relay holds it or ran it less than `every_ms` ago: true when `owner` should run it now.
    pub fn take_sweep(
        &self,
        name: &str,
        owner: &str,
        lease_ms: i64,
        every_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO sweeps (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
            args![name],
        )?;
        let taken = conn.execute(
            "UPDATE sweeps SET leased_by = ?2, leased_until = ?3, last_run_at = ?4
             WHERE name = ?1 AND (leased_until IS NULL OR leased_until <= ?4)
               AND (last_run_at IS NULL OR last_run_at <= ?5)",
            args![name, owner, now + lease_ms, now, now - every_ms],
        )?;
        Ok(taken == 1)
    }

    /// Ends `owner`'s hold on the job `name`.
    pub fn release_sweep(&self, name: &str, owner: &str) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE sweeps SET leased_by = NULL, leased_until = NULL
             WHERE name = ?1 AND leased_by = ?2",
            args![name, owner],
        )?;
        Ok(())
    }
}
