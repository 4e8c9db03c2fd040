//! Group commit. Report inserts from all requests go to one writer thread, which takes whatever
//! is waiting (up to a batch limit), writes it in one transaction and commits once: one fsync
//! acknowledges many reports, so durable throughput does not collapse to one fsync per request.
//! Each job runs in its own savepoint, so one failing job does not take its batch down.

use std::path::Path;
use std::sync::{Arc, mpsc};

use bugcap_protocol::Report;
use rusqlite::Connection;
use tokio::sync::{Notify, oneshot};

use super::db::{Db, PgPool};
use super::reports::{InsertOutcome, insert_in};
use super::{StoreError, WidgetKey};
use crate::metrics::StoreMetrics;

/// Most jobs committed together.
pub const MAX_BATCH: usize = 128;

struct Job {
    key: WidgetKey,
    report: Report,
    /// The report as stored (packed JSON), made by the request's thread rather than this one.
    body: Vec<u8>,
    reply: oneshot::Sender<Result<InsertOutcome, StoreError>>,
}

/// How often the checkpointer copies the WAL back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Handle to the writer thread; cheap to share.
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    // Dropping it stops the checkpointer (SQLite only).
    _checkpointer: Option<mpsc::Sender<()>>,
}

/// The database the writer commits to.
enum Target {
    /// Its own SQLite connection.
    Sqlite(Connection),
    /// A connection from the pool, taken for each batch (so a restarted database is simply
    /// reconnected to).
    Postgres(Arc<PgPool>),
}

impl Writer {
    /// Starts the writer on its own connection to the SQLite file `db`, and the checkpointer.
    /// `outbox_changed` is signalled after every commit that stored a new report.
    pub fn sqlite(
        db: &Path,
        stats: StoreMetrics,
        outbox_changed: Arc<Notify>,
    ) -> Result<Writer, StoreError> {
        let conn = super::connect(db)?;
        // The writer never checkpoints: an automatic checkpoint would run inside a commit and
        // hold every report of that batch for tens of milliseconds. A separate thread does it.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpoint_conn = super::connect(db)?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("bugcap-checkpoint".into())
            .spawn(move || checkpoint_until(&checkpoint_conn, &stopped))
            .map_err(|e| StoreError::Corrupt(format!("cannot start the checkpointer: {e}")))?;
        Writer::start(Target::Sqlite(conn), stats, outbox_changed, Some(stop))
    }

    /// Starts the writer on the Postgres pool. Postgres checkpoints by itself.
    pub fn postgres(
        pool: Arc<PgPool>,
        stats: StoreMetrics,
        outbox_changed: Arc<Notify>,
    ) -> Result<Writer, StoreError> {
        Writer::start(Target::Postgres(pool), stats, outbox_changed, None)
    }

    fn start(
        target: Target,
        stats: StoreMetrics,
        outbox_changed: Arc<Notify>,
        checkpointer: Option<mpsc::Sender<()>>,
    ) -> Result<Writer, StoreError> {
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("bugcap-writer".into())
            .spawn(move || run(target, rx, &stats, &outbox_changed))
            .map_err(|e| StoreError::Corrupt(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer {
            jobs,
            _checkpointer: checkpointer,
        })
    }

    /// Stores a report; resolves once its transaction is committed (durably) or failed.
    pub async fn insert(
        &self,
        key: WidgetKey,
        report: Report,
        body: Vec<u8>,
    ) -> Result<InsertOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                key,
                report,
                body,
                reply,
            })
            .map_err(|_| StoreError::Worker)?;
        answer.await.map_err(|_| StoreError::Worker)?
    }
}

/// Copies committed WAL frames into the database file, without blocking the writer
/// (`PASSIVE`), until the store is dropped.
fn checkpoint_until(conn: &Connection, stopped: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
        }
    }
}

fn run(target: Target, rx: mpsc::Receiver<Job>, stats: &StoreMetrics, outbox_changed: &Notify) {
    // Ends when every sender is gone (the store was dropped).
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let results = match &target {
            Target::Sqlite(conn) => commit_batch(&mut Db::borrowed(conn), &batch),
            Target::Postgres(pool) => match Db::postgres(pool) {
                Ok(mut db) => commit_batch(&mut db, &batch),
                Err(e) => fail_all(&batch, &e),
            },
        };
        stats
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        stats.batch_size.observe(batch.len() as f64);
        if results
            .iter()
            .any(|r| matches!(r, Ok(InsertOutcome::Created { .. })))
        {
            outbox_changed.notify_one();
        }
        for (job, result) in batch.into_iter().zip(results) {
            // The request may have gone away (client disconnected); its report is stored anyway.
            let _ = job.reply.send(result);
        }
    }
}

/// The same failure for every job of a batch (none of it was committed).
fn fail_all(batch: &[Job], e: &StoreError) -> Vec<Result<InsertOutcome, StoreError>> {
    let message = e.to_string();
    batch
        .iter()
        .map(|_| Err(StoreError::Unavailable(message.clone())))
        .collect()
}

fn commit_batch(db: &mut Db<'_>, batch: &[Job]) -> Vec<Result<InsertOutcome, StoreError>> {
    let tx = match db.write_transaction() {
        Ok(tx) => tx,
        Err(e) => return fail_all(batch, &e),
    };
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let outcome = tx.savepoint(|db| insert_in(db, &job.key, &job.report, &job.body));
        if let Err(e) = &outcome
            && e.is_connection()
        {
            // The connection failed, not the report: the transaction is gone with it.
            return fail_all(batch, e);
        }
        results.push(outcome);
    }
    // Only now is anything acknowledged: a failed commit fails every job in the batch.
    match tx.commit() {
        Ok(()) => results,
        Err(e) => fail_all(batch, &e),
    }
}
