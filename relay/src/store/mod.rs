//! Durable storage of keys, tokens and reports: in SQLite (WAL, `synchronous=FULL`) for one
//! relay, or in PostgreSQL for several relays sharing one database. Every query is written
//! once, against [`db::Db`], and runs on both.
//!
//! A report is acknowledged only after its transaction is committed and fsync'd, so a 201 means
//! the report survives a crash or power loss. Methods are blocking; async callers go through
//! [`Store::call`], which runs them on tokio's blocking pool.

mod audit;
mod body;
mod copy;
pub mod db;
mod inbox;
mod keys;
mod media;
mod migrations;
mod outbox;
mod postgres;
mod reports;
mod retention;
mod sessions;
mod shares;
mod thumbnails;
mod triage;
mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

pub use audit::{AuditEntry, MAX_AUDIT_ENTRIES};
pub use copy::Copied;
use db::{Db, PgPool};
pub use inbox::{Cursor, ListPage, ListQuery, ListedReport, TRIAGE, title};
pub use keys::{AdminToken, KeyInfo, NewWidgetKey, Scope, TokenInfo, WidgetKey};
pub use media::{MediaRow, MediaState};
pub use outbox::{DoneStatus, Due, OutboxEntry, Settled, Settlement};
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
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// The database cannot be reached now (Postgres down, no pooled connection in time).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
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

impl StoreError {
    /// Whether the database could not be reached (rather than refusing one statement): the
    /// request is answered 503 and may be retried as it is.
    pub fn is_connection(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Postgres(e) => e.as_db_error().is_none(),
            _ => false,
        }
    }
}

/// The relay's durable state. Cheap to clone; clones share one read/admin connection and the
/// report writer (which has its own connection).
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    writer: Arc<Writer>,
    /// Signalled when a report may have become due for delivery (stored without media, or its
    /// last attachment arrived), so the delivery worker wakes for work instead of polling.
    outbox_changed: Arc<tokio::sync::Notify>,
    /// Commit time and batch sizes of the report writer.
    pub metrics: StoreMetrics,
}

/// Where the store's data lives.
#[derive(Clone)]
enum Backend {
    /// One relay: the shared read/admin connection to the SQLite file.
    Sqlite(Arc<Mutex<Connection>>),
    /// Several relays: a pool of connections to one Postgres database.
    Postgres(Arc<PgPool>),
}

/// Where a relay keeps its data: a SQLite file in its data directory, or a Postgres database.
#[derive(Debug, Clone)]
pub enum Location {
    Sqlite(PathBuf),
    /// A `postgres://` URL. Its password is never printed (see [`Location::describe`]).
    Postgres(String),
}

impl Location {
    /// The database URL if given, else the data directory's SQLite file.
    pub fn of(database_url: Option<&str>, data_dir: &Path) -> Location {
        match database_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => Location::Postgres(url.trim().to_owned()),
            None => Location::Sqlite(data_dir.to_owned()),
        }
    }

    /// For a log line: the path, or the URL without its userinfo.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(dir) => dir.join(DB_FILE).display().to_string(),
            Location::Postgres(url) => postgres::redacted(url),
        }
    }
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
    /// Opens (creating if needed) the SQLite store under `data_dir` and brings its schema up
    /// to date.
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
        let writer = Writer::sqlite(&db, metrics.clone(), outbox_changed.clone())?;
        Ok(Store {
            backend: Backend::Sqlite(Arc::new(Mutex::new(conn))),
            writer: Arc::new(writer),
            outbox_changed,
            metrics,
        })
    }

    /// Opens the store at `location`, bringing its schema up to date.
    pub fn open_at(location: &Location) -> Result<Store, StoreError> {
        match location {
            Location::Sqlite(dir) => Store::open(dir),
            Location::Postgres(url) => Store::open_postgres(url),
        }
    }

    /// Connects to a Postgres database shared with other relays and brings its schema up to
    /// date (safe when several relays start at once).
    pub fn open_postgres(url: &str) -> Result<Store, StoreError> {
        let pool = Arc::new(postgres::connect(url)?);
        postgres::migrate(&pool)?;
        let metrics = StoreMetrics::default();
        let outbox_changed = Arc::new(tokio::sync::Notify::new());
        let writer = Writer::postgres(pool.clone(), metrics.clone(), outbox_changed.clone())?;
        Ok(Store {
            backend: Backend::Postgres(pool),
            writer: Arc::new(writer),
            outbox_changed,
            metrics,
        })
    }

    /// Which database this store speaks to.
    pub fn dialect(&self) -> db::Dialect {
        match self.backend {
            Backend::Sqlite(_) => db::Dialect::Sqlite,
            Backend::Postgres(_) => db::Dialect::Postgres,
        }
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

    /// A connection: the shared SQLite one under its lock, or one from the Postgres pool.
    fn conn(&self) -> Result<Db<'_>, StoreError> {
        match &self.backend {
            Backend::Sqlite(conn) => Ok(Db::lock(conn)),
            Backend::Postgres(pool) => Db::postgres(pool),
        }
    }

    /// A cheap query that proves the database answers (for `/readyz`).
    pub fn ping(&self) -> Result<(), StoreError> {
        self.conn()?
            .query_value::<i64>("SELECT CAST(1 AS BIGINT)", db::args![])?;
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
