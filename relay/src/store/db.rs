//! The one SQL interface the store is written against, over either backend: SQLite (embedded,
//! one relay) or PostgreSQL (shared by several relays). Every store module speaks to a [`Db`]
//! and nothing else, so a query is written once and runs on both.
//!
//! Why blocking: the store's callers run on tokio's blocking pool (`Store::call`) and often
//! make several queries in one go, and SQLite is blocking by nature. Postgres is reached
//! through its async driver (`tokio-postgres`) and pool (`deadpool-postgres`) on a runtime of
//! its own: a [`Db`] waits there for each statement, so no relay worker thread ever blocks on
//! the network and the CLI (which has no runtime) uses the same code.
//!
//! The dialect is SQLite's, with what Postgres needs spelled so both accept it:
//! - parameters are written `?1`, `?2` (or `?`, numbered in order) and become `$1`, `$2`;
//! - every integer column is `BIGINT` on Postgres, so Rust's `i64` binds and reads on both;
//!   an expression of another type (`length()`, `EXISTS`) is cast to `BIGINT`;
//! - ids come back with `RETURNING id`, never `last_insert_rowid()`;
//! - the rest (full-text search, JSON arrays, case-insensitive names) asks [`Db::dialect`].

use std::ops::Deref;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

/// Which database a [`Db`] speaks to, for the few queries that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A parameter either backend can bind.
pub trait Param: rusqlite::ToSql + tokio_postgres::types::ToSql + Sync {}
impl<T: rusqlite::ToSql + tokio_postgres::types::ToSql + Sync + ?Sized> Param for T {}

/// A column value either backend can read.
pub trait Column: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a> {}
impl<T: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a>> Column for T {}

/// The parameters of a statement: `args![a, b]`.
#[macro_export]
#[doc(hidden)]
macro_rules! store_args {
    () => { &[] as &[&dyn $crate::store::db::Param] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::store::db::Param),+] as &[&dyn $crate::store::db::Param] };
}
pub(crate) use store_args as args;

/// An owned parameter, for statements whose parameters are gathered as they are built.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(value: i64) -> Arg {
        Arg::Int(value)
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Text(value)
    }
}

impl rusqlite::ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Arg::Int(i) => i.to_sql(),
            Arg::Text(t) => t.to_sql(),
        }
    }
}

impl tokio_postgres::types::ToSql for Arg {
    fn to_sql(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use tokio_postgres::types::ToSql;
        match self {
            Arg::Int(i) if <i64 as ToSql>::accepts(ty) => i.to_sql(ty, out),
            Arg::Text(t) if <String as ToSql>::accepts(ty) => t.to_sql(ty, out),
            other => Err(format!("{other:?} cannot be bound as {ty}").into()),
        }
    }

    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        <i64 as tokio_postgres::types::ToSql>::accepts(ty)
            || <String as tokio_postgres::types::ToSql>::accepts(ty)
    }

    tokio_postgres::types::to_sql_checked!();
}

/// One row of a result, read by column index.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a tokio_postgres::Row),
}

impl Row<'_> {
    pub fn get<T: Column>(&self, index: usize) -> Result<T, StoreError> {
        match self {
            Row::Sqlite(row) => Ok(row.get(index)?),
            Row::Postgres(row) => Ok(row.try_get(index)?),
        }
    }
}

/// The shared Postgres pool and the runtime its connections live on.
pub struct PgPool {
    pub(super) pool: deadpool_postgres::Pool,
    /// `None` only while dropping (the runtime is shut down without waiting, which is allowed
    /// wherever the last store handle goes away, an async task included).
    pub(super) runtime: Option<tokio::runtime::Runtime>,
}

impl PgPool {
    /// Runs `work` on the pool's runtime and waits for it. Never call it from async code
    /// (it blocks): the store is only used from blocking threads.
    pub fn block_on<T>(&self, work: impl Future<Output = T>) -> T {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as the pool")
            .block_on(work)
    }

    pub(super) fn connection(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.block_on(self.pool.get())
            .map_err(|e| StoreError::Unavailable(format!("no Postgres connection: {e}")))
    }
}

impl Drop for PgPool {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// How long a statement waits for a pooled connection before the request gets a 503.
pub const POOL_WAIT: Duration = Duration::from_secs(5);

enum Handle<'a> {
    /// The store's shared SQLite connection, under its lock.
    Locked(MutexGuard<'a, Connection>),
    /// A connection the caller owns (the writer's, a migration's).
    Borrowed(&'a Connection),
    Postgres {
        client: Box<deadpool_postgres::Object>,
        pool: &'a PgPool,
    },
}

/// A connection to the store's database. Statements on it run in autocommit mode unless a
/// [`Tx`] is open on it.
pub struct Db<'a> {
    handle: Handle<'a>,
}

impl<'a> Db<'a> {
    pub fn locked(guard: MutexGuard<'a, Connection>) -> Db<'a> {
        Db {
            handle: Handle::Locked(guard),
        }
    }

    pub fn borrowed(conn: &'a Connection) -> Db<'a> {
        Db {
            handle: Handle::Borrowed(conn),
        }
    }

    pub fn postgres(pool: &'a PgPool) -> Result<Db<'a>, StoreError> {
        Ok(Db {
            handle: Handle::Postgres {
                client: Box::new(pool.connection()?),
                pool,
            },
        })
    }

    /// Locks a shared SQLite connection (a panic elsewhere cannot leave it half-written:
    /// transactions roll back, so a poisoned lock is still safe to use).
    pub fn lock(conn: &'a Mutex<Connection>) -> Db<'a> {
        Db::locked(conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub fn dialect(&self) -> Dialect {
        match self.handle {
            Handle::Postgres { .. } => Dialect::Postgres,
            _ => Dialect::Sqlite,
        }
    }

    /// The SQLite connection itself, for what only SQLite has (reading rows as they are
    /// stored, when copying a store).
    pub(super) fn sqlite_connection(&self) -> Result<&Connection, StoreError> {
        self.sqlite()
            .ok_or_else(|| StoreError::Corrupt("not a SQLite store".into()))
    }

    fn sqlite(&self) -> Option<&Connection> {
        match &self.handle {
            Handle::Locked(guard) => Some(guard.deref()),
            Handle::Borrowed(conn) => Some(conn),
            Handle::Postgres { .. } => None,
        }
    }

    /// Runs one statement and returns how many rows it changed.
    pub fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<usize, StoreError> {
        match &self.handle {
            Handle::Postgres { client, pool } => {
                let sql = postgres_sql(sql);
                let params = pg_params(params);
                pool.block_on(async {
                    let stmt = client.prepare_cached(&sql).await?;
                    Ok(client.execute(&stmt, &params).await? as usize)
                })
            }
            _ => {
                let conn = self.sqlite().ok_or(StoreError::Worker)?;
                let mut stmt = conn.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(sqlite_params(params)))?)
            }
        }
    }

    /// Runs a query and maps every row.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut f: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match &self.handle {
            Handle::Postgres { client, pool } => {
                let sql = postgres_sql(sql);
                let params = pg_params(params);
                let rows = pool.block_on(async {
                    let stmt = client.prepare_cached(&sql).await?;
                    client.query(&stmt, &params).await
                })?;
                rows.iter().map(|row| f(&Row::Postgres(row))).collect()
            }
            _ => {
                let conn = self.sqlite().ok_or(StoreError::Worker)?;
                let mut stmt = conn.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(sqlite_params(params)))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(f(&Row::Sqlite(row))?);
                }
                Ok(out)
            }
        }
    }

    /// The first row of a query, mapped, if there is one.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        match &self.handle {
            Handle::Postgres { client, pool } => {
                let sql = postgres_sql(sql);
                let params = pg_params(params);
                let row = pool.block_on(async {
                    let stmt = client.prepare_cached(&sql).await?;
                    client.query_opt(&stmt, &params).await
                })?;
                row.as_ref().map(|row| f(&Row::Postgres(row))).transpose()
            }
            _ => {
                let conn = self.sqlite().ok_or(StoreError::Worker)?;
                let mut stmt = conn.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(sqlite_params(params)))?;
                match rows.next()? {
                    Some(row) => f(&Row::Sqlite(row)).map(Some),
                    None => Ok(None),
                }
            }
        }
    }

    /// The one value of a query that always returns a row (`count(*)`, `RETURNING`).
    pub fn query_value<T: Column>(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> Result<T, StoreError> {
        self.query_row(sql, params, |r| r.get(0))?
            .ok_or_else(|| StoreError::Corrupt(format!("no row from: {sql}")))
    }

    /// Runs statements without parameters (schema changes, transaction control).
    pub fn batch(&self, sql: &str) -> Result<(), StoreError> {
        match &self.handle {
            Handle::Postgres { client, pool } => Ok(pool.block_on(client.batch_execute(sql))?),
            _ => Ok(self
                .sqlite()
                .ok_or(StoreError::Worker)?
                .execute_batch(sql)?),
        }
    }

    /// Opens a transaction; it rolls back unless [`Tx::commit`] is called.
    pub fn transaction(&mut self) -> Result<Tx<'_, 'a>, StoreError> {
        self.batch("BEGIN")?;
        Ok(Tx {
            db: self,
            done: false,
        })
    }

    /// Opens a transaction that writes: SQLite takes its write lock at once (a deferred one
    /// that reads first can be refused the upgrade while another connection commits).
    pub fn write_transaction(&mut self) -> Result<Tx<'_, 'a>, StoreError> {
        self.batch(match self.dialect() {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        })?;
        Ok(Tx {
            db: self,
            done: false,
        })
    }
}

/// An open transaction. Statements go through it as through its [`Db`].
pub struct Tx<'t, 'a> {
    db: &'t mut Db<'a>,
    done: bool,
}

impl<'a> Deref for Tx<'_, 'a> {
    type Target = Db<'a>;
    fn deref(&self) -> &Db<'a> {
        self.db
    }
}

impl Tx<'_, '_> {
    pub fn commit(mut self) -> Result<(), StoreError> {
        self.done = true;
        self.db.batch("COMMIT")
    }

    /// Runs `work` in a savepoint: its failure undoes only its own writes.
    pub fn savepoint<T>(
        &self,
        work: impl FnOnce(&Db<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.db.batch("SAVEPOINT job")?;
        match work(self.db) {
            Ok(value) => {
                self.db.batch("RELEASE job")?;
                Ok(value)
            }
            Err(e) => {
                self.db.batch("ROLLBACK TO job; RELEASE job")?;
                Err(e)
            }
        }
    }
}

impl Drop for Tx<'_, '_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // A connection whose ROLLBACK failed is broken (the pool drops closed connections
        // when it hands them out again), so there is nothing more to undo here.
        if let Err(e) = self.db.batch("ROLLBACK") {
            tracing::warn!(error = %e, "rollback failed");
        }
    }
}

fn sqlite_params<'p>(params: &'p [&'p dyn Param]) -> impl Iterator<Item = &'p dyn rusqlite::ToSql> {
    params.iter().map(|p| *p as &dyn rusqlite::ToSql)
}

fn pg_params<'p>(
    params: &'p [&'p dyn Param],
) -> Vec<&'p (dyn tokio_postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| *p as &(dyn tokio_postgres::types::ToSql + Sync))
        .collect()
}

/// SQLite's parameters (`?1`, `?`) as Postgres's (`$1`). Quoted text is left alone.
pub fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '?' || quoted {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        let n = if digits.is_empty() {
            let n = next;
            next += 1;
            n
        } else {
            let n: usize = digits.parse().unwrap_or(0);
            next = next.max(n + 1);
            n
        };
        out.push('$');
        out.push_str(&n.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_for_postgres() {
        assert_eq!(
            postgres_sql("SELECT a FROM t WHERE b = ?1 AND c = ?2 OR d = ?1"),
            "SELECT a FROM t WHERE b = $1 AND c = $2 OR d = $1"
        );
        assert_eq!(
            postgres_sql("x = ? AND y IN (?, ?) LIMIT ?"),
            "x = $1 AND y IN ($2, $3) LIMIT $4"
        );
        assert_eq!(postgres_sql("a = '?' AND b = ?"), "a = '?' AND b = $1");
        assert_eq!(postgres_sql("?10"), "$10");
    }
}
