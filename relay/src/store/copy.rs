//! Moving a relay from SQLite to Postgres (`bugcap-relay migrate-store --to postgres://…`):
//! every table copied row by row with its ids, the search index rebuilt from the reports'
//! bodies (SQLite's is contentless and cannot be read back), identity sequences moved past the
//! copied ids, and the counts compared. A row already there is skipped, so a copy that stopped
//! halfway is finished by running it again.

use rusqlite::types::Value as SqliteValue;
use serde::Serialize;

use super::db::{Db, Param, args};
use super::inbox::SearchRow;
use super::{Backend, Store, StoreError};

/// Rows read and written at once.
const CHUNK: i64 = 500;

/// Tables in an order that satisfies their references, with the column their rows are walked
/// by. `reports` has its SQLite rowid copied into the Postgres column of that name.
const TABLES: &[&str] = &[
    "widget_keys",
    "admin_tokens",
    "users",
    "reports",
    "audit_log",
    "outbox",
    "media",
    "inbox",
    "activity",
    "shares",
    "sessions",
    "thumbnails",
];

/// Tables whose `id` is an identity column on Postgres.
const IDENTITIES: &[(&str, &str)] = &[
    ("widget_keys", "id"),
    ("admin_tokens", "id"),
    ("users", "id"),
    ("reports", "rowid"),
    ("audit_log", "id"),
    ("outbox", "id"),
    ("activity", "id"),
    ("shares", "id"),
    ("sessions", "id"),
];

/// One table's counts after the copy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Copied {
    pub table: String,
    pub source: i64,
    pub destination: i64,
}

/// A value of any column, as SQLite holds it, bound to Postgres by the column's type.
#[derive(Debug)]
struct Cell(SqliteValue);

impl tokio_postgres::types::ToSql for Cell {
    fn to_sql(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            SqliteValue::Null => Ok(tokio_postgres::types::IsNull::Yes),
            SqliteValue::Integer(i) => i.to_sql(ty, out),
            SqliteValue::Real(f) => f.to_sql(ty, out),
            // Report bodies from before packing were text; Postgres keeps only packed ones.
            SqliteValue::Text(t) if *ty == tokio_postgres::types::Type::BYTEA => {
                super::body::pack(t).to_sql(ty, out)
            }
            SqliteValue::Text(t) => t.to_sql(ty, out),
            SqliteValue::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &tokio_postgres::types::Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

impl rusqlite::ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl Store {
    /// Copies everything in this (SQLite) store into `to` (a Postgres store, its schema up to
    /// date), skipping rows already there; then compares the counts of every table.
    pub fn copy_to(&self, to: &Store) -> Result<Vec<Copied>, StoreError> {
        let Backend::Sqlite(source) = &self.backend else {
            return Err(StoreError::Corrupt(
                "the source must be a SQLite store".into(),
            ));
        };
        if !matches!(to.backend, Backend::Postgres(_)) {
            return Err(StoreError::Corrupt(
                "the destination must be Postgres".into(),
            ));
        }
        let mut out = Vec::new();
        for table in TABLES {
            let source_count = {
                let mut after = i64::MIN;
                loop {
                    let (columns, rows) = read_chunk(&Db::lock(source), table, after)?;
                    let Some(last) = rows.last().map(|(rowid, _)| *rowid) else {
                        break;
                    };
                    write_chunk(to, table, &columns, &rows)?;
                    after = last;
                }
                Db::lock(source)
                    .query_value::<i64>(&format!("SELECT count(*) FROM {table}"), args![])?
            };
            let destination = to
                .conn()?
                .query_value::<i64>(&format!("SELECT count(*) FROM {table}"), args![])?;
            out.push(Copied {
                table: (*table).to_owned(),
                source: source_count,
                destination,
            });
        }
        let conn = to.conn()?;
        for (table, column) in IDENTITIES {
            conn.batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                               GREATEST((SELECT max({column}) FROM {table}), 1))"
            ))?;
        }
        rebuild_search(&Db::lock(source), &conn)?;
        Ok(out)
    }
}

type Rows = Vec<(i64, Vec<Cell>)>;

/// Up to [`CHUNK`] rows of `table` after SQLite rowid `after`, with the column names.
fn read_chunk(db: &Db<'_>, table: &str, after: i64) -> Result<(Vec<String>, Rows), StoreError> {
    let conn = db.sqlite_connection()?;
    // `rowid` first: the walk's position, and for `reports` a column to copy.
    let mut stmt = conn.prepare(&format!(
        "SELECT rowid, * FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
    ))?;
    let columns: Vec<String> = stmt.column_names().skip(1).map(str::to_owned).collect();
    let mut rows = stmt.query(rusqlite::params![after, CHUNK])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let rowid: i64 = row.get(0)?;
        let mut cells = Vec::with_capacity(columns.len() + 1);
        for i in 1..=columns.len() {
            cells.push(Cell(row.get::<_, SqliteValue>(i)?));
        }
        if table == "reports" {
            cells.push(Cell(SqliteValue::Integer(rowid)));
        }
        out.push((rowid, cells));
    }
    let mut columns = columns;
    if table == "reports" {
        columns.push("rowid".into());
    }
    Ok((columns, out))
}

/// Inserts rows into the Postgres `table`, skipping any already there, in one transaction.
fn write_chunk(to: &Store, table: &str, columns: &[String], rows: &Rows) -> Result<(), StoreError> {
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT DO NOTHING",
        columns.join(", "),
        marks.join(", ")
    );
    let mut conn = to.conn()?;
    let tx = conn.transaction()?;
    for (_, cells) in rows {
        let params: Vec<&dyn Param> = cells.iter().map(|c| c as &dyn Param).collect();
        tx.execute(&sql, &params)?;
    }
    tx.commit()
}

/// Indexes every copied report for search, from its body.
fn rebuild_search(source: &Db<'_>, to: &Db<'_>) -> Result<(), StoreError> {
    let mut after = i64::MIN;
    loop {
        let rows = source.query_map(
            "SELECT rowid, body FROM reports WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
            args![after, CHUNK],
            |r| Ok((r.get::<i64>(0)?, r.get::<super::body::Packed>(1)?)),
        )?;
        let Some(last) = rows.last().map(|(rowid, _)| *rowid) else {
            return Ok(());
        };
        for (rowid, body) in rows {
            let report: serde_json::Value = serde_json::from_str(&body.unpack()?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let indexed = to.query_row(
                "SELECT rowid FROM reports_search WHERE rowid = ?1",
                args![rowid],
                |_| Ok(()),
            )?;
            if indexed.is_none() {
                SearchRow::of_json(&report).insert(to, rowid)?;
            }
        }
        after = last;
    }
}
