//! Durable storage of keys, tokens and reports in SQLite (WAL, `synchronous=FULL`).
//!
//! A report is acknowledged only after its transaction is committed and fsync'd, so a 201 means
//! the report survives a crash or power loss. Methods are blocking; async callers go through
//! [`Store::call`], which runs them on tokio's blocking pool.

mod audit;
mod body;
mod inbox;
mod keys;
mod media;
mod migrations;
mod outbox;
mod reports;
mod sessions;
mod shares;
mod thumbnails;
mod triage;
mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

pub use audit::{AuditEntry, MAX_AUDIT_ENTRIES};
pub use inbox::{Cursor, ListPage, ListQuery, ListedReport, TRIAGE, title};
pub use keys::{AdminToken, KeyInfo, NewWidgetKey, Scope, TokenInfo, WidgetKey};
pub use media::{MediaRow, MediaState};
pub use outbox::{DoneStatus, Due, Settled};
pub use reports::{InsertOutcome, RawReport, StoredReport};
pub use sessions::{SESSION_HOURS, Session};
pub use shares::ShareInfo;
pub use thumbnails::Thumbnail;
pub use triage::{Activity, Actor, Triage, TriageChange};
pub use users::{MIN_PASSWORD_CHARS, User, UserError, UserInfo};
use writer::Writer;

use crate::metrics::StoreMetrics;

/// Failures of the store. None of them carries a secret or a report body.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    #[error("the store's worker thread stopped unexpectedly")]
    Worker,
    #[error("{0}")]
    NotFound(String),
}

/// The relay's durable state. Cheap to clone; clones share one read/admin connection and the
/// report writer (which has its own connection).
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    writer: Arc<Writer>,
    /// Signalled when a report may have become due for delivery (stored without media, or its
    /// last attachment arrived), so the delivery worker wakes for work instead of polling.
    outbox_changed: Arc<tokio::sync::Notify>,
    /// Commit time and batch sizes of the report writer.
    pub metrics: StoreMetrics,
}

/// Opens a connection with the pragmas every connection needs.
fn connect(db: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(db)?;
    // WAL lets readers and the CLI work while the writer commits; FULL makes every commit
    // durable before it returns (NORMAL can lose the last commits on power failure).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "bugcap.sqlite3";

impl Store {
    /// Opens (creating if needed) the store under `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let db = data_dir.join(DB_FILE);
        let mut conn = connect(&db)?;
        migrations::apply(&mut conn)?;
        // No connection checkpoints by itself: an automatic checkpoint runs inside whichever
        // commit crosses the threshold (here, with the lock that key checks also need) and
        // holds it for tens of milliseconds. The writer's checkpointer thread does it instead.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let metrics = StoreMetrics::default();
        let outbox_changed = Arc::new(tokio::sync::Notify::new());
        let writer = Writer::start(&db, metrics.clone(), outbox_changed.clone())?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            writer: Arc::new(writer),
            outbox_changed,
            metrics,
        })
    }

    /// Runs blocking store work off the async runtime.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|_| StoreError::Worker)?
    }

    /// Resolves when a report may have become due for delivery since the last call (a
    /// signal given while nobody waited is kept for the next one).
    pub async fn outbox_changed(&self) {
        self.outbox_changed.notified().await;
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is still safe to use.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A cheap query that proves the database answers (for `/readyz`).
    pub fn ping(&self) -> Result<(), StoreError> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Milliseconds since the Unix epoch, the unit of every stored time.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
