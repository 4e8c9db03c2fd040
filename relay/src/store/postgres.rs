//! The Postgres backend: the connection pool several relays share a database through, and its
//! schema, versioned in `bugcap_schema` and applied at start under an advisory lock, so relays
//! starting together apply each migration once.
//!
//! The schema is the SQLite one (`migrations.rs`) as Postgres spells it: `BIGINT` for every
//! integer, identity columns for ids, `BYTEA` for blobs, a `rowid` column on `reports` (SQLite
//! has one implicitly: the inbox's order), a case-insensitive `nocase` collation so that SQL
//! saying `COLLATE NOCASE` means the same on both, and a `tsvector` index for search.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};

use super::StoreError;
use super::db::{Db, POOL_WAIT, PgPool, args};

/// Connections each relay keeps at most. Ingest commits through one (the writer batches), so
/// the rest serve the inbox, the API and delivery.
pub const POOL_SIZE: usize = 16;

/// How long opening a connection may take before the request gets a 503.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Taken (transaction-scoped) while migrating: one relay migrates, the others wait, then find
/// nothing left to do. Any fixed number; this one spells "bugcap" on a phone keypad.
const MIGRATION_LOCK: i64 = 284_227;

/// `url` without its password, for logs and errors.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(a database URL that does not parse)".into(),
    }
}

/// A pool of connections to the database at `url`, on a runtime of its own.
pub fn connect(url: &str) -> Result<PgPool, StoreError> {
    let mut config = tokio_postgres::Config::from_str(url).map_err(|e| {
        StoreError::Unavailable(format!(
            "the database URL {} is not valid: {e}",
            redacted(url)
        ))
    })?;
    config.connect_timeout(CONNECT_TIMEOUT);
    if config.get_application_name().is_none() {
        config.application_name("bugcap-relay");
    }
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            // A connection is checked when it is handed out only for being closed: a broken
            // one is then replaced; a query on one that broke since fails that request (503).
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("bugcap-postgres")
        .enable_all()
        .build()
        .map_err(|e| StoreError::Unavailable(format!("cannot start the database runtime: {e}")))?;
    let pool = {
        // The pool's timers belong to the runtime its connections live on.
        let _entered = runtime.enter();
        Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Unavailable(format!("cannot build the pool: {e}")))?
    };
    Ok(PgPool {
        pool,
        runtime: Some(runtime),
    })
}

/// Brings the schema up to date. Refuses a database whose schema is newer than this relay
/// knows (a newer relay migrated it): an older relay must not write to it.
pub fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut db = Db::postgres(pool)?;
    let tx = db.transaction()?;
    tx.query_row(
        "SELECT pg_advisory_xact_lock(?1)",
        args![MIGRATION_LOCK],
        |_| Ok(()),
    )?;
    tx.batch("CREATE TABLE IF NOT EXISTS bugcap_schema (version BIGINT NOT NULL)")?;
    let current = tx
        .query_row("SELECT max(version) FROM bugcap_schema", args![], |r| {
            r.get::<Option<i64>>(0)
        })?
        .flatten()
        .unwrap_or(0);
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::Corrupt(format!(
            "the database's schema is version {current}, newer than this relay's {known}: upgrade the relay"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.batch(sql)?;
        tx.execute(
            "INSERT INTO bugcap_schema (version) VALUES (?1)",
            args![i as i64 + 1],
        )?;
    }
    tx.commit()
}

/// The schema, one migration per entry, applied in order. The first is everything SQLite's
/// first nine migrations made.
const MIGRATIONS: &[&str] = &[
    r#"
-- Case-insensitive equality, as SQLite's NOCASE: account names, reporters' emails.
CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE widget_keys (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    project      TEXT NOT NULL,
    environment  TEXT NOT NULL,
    origins      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX widget_keys_prefix ON widget_keys(prefix);

CREATE TABLE admin_tokens (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    projects     TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX admin_tokens_prefix ON admin_tokens(prefix);

CREATE TABLE reports (
    rowid       BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    id          TEXT PRIMARY KEY,
    key_id      BIGINT NOT NULL REFERENCES widget_keys(id),
    project     TEXT NOT NULL,
    environment TEXT NOT NULL,
    status      TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    body        BYTEA NOT NULL
);
CREATE INDEX reports_received ON reports(project, received_at);

CREATE TABLE audit_log (
    id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at      BIGINT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);

CREATE TABLE outbox (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    report_id       TEXT NOT NULL UNIQUE REFERENCES reports(id),
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    delivered_at    BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);

CREATE TABLE media (
    report_id      TEXT NOT NULL REFERENCES reports(id),
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    object_key     TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'declared',
    url_issued_at  BIGINT,
    url_expires_at BIGINT,
    completed_at   BIGINT,
    PRIMARY KEY (report_id, name)
);

CREATE TABLE inbox (
    report_row      BIGINT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE REFERENCES reports(id),
    project         TEXT NOT NULL,
    environment     TEXT NOT NULL,
    triage          TEXT NOT NULL DEFAULT 'new',
    received_at     BIGINT NOT NULL,
    title           TEXT NOT NULL,
    page_url        TEXT NOT NULL,
    category        TEXT,
    reporter_email  TEXT,
    reporter_id     TEXT,
    error_count     BIGINT NOT NULL,
    failed_requests BIGINT NOT NULL,
    assignee        TEXT,
    labels          TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX inbox_project ON inbox(project, report_row);
CREATE INDEX inbox_scope ON inbox(project, environment, report_row);
CREATE INDEX inbox_received_at ON inbox(received_at);
CREATE INDEX inbox_reporter_email ON inbox(reporter_email COLLATE nocase);
CREATE INDEX inbox_reporter_id ON inbox(reporter_id);
CREATE INDEX inbox_assignee ON inbox(assignee);

-- Search: the words of what the user wrote, the page's title and URL, console and error
-- messages, split in Rust as SQLite's tokenizer splits them (see inbox.rs).
CREATE TABLE reports_search (
    rowid BIGINT PRIMARY KEY,
    doc   TSVECTOR NOT NULL
);
CREATE INDEX reports_search_doc ON reports_search USING gin(doc);

CREATE TABLE activity (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES reports(id),
    at          BIGINT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX activity_report ON activity(report_id, id);

CREATE TABLE shares (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    report_id    TEXT NOT NULL REFERENCES reports(id),
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX shares_prefix ON shares(prefix);
CREATE INDEX shares_report ON shares(report_id);

CREATE TABLE users (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name            TEXT COLLATE nocase NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_sign_in_at BIGINT,
    disabled_at     BIGINT
);

CREATE TABLE sessions (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    user_id      BIGINT REFERENCES users(id),
    token_id     BIGINT REFERENCES admin_tokens(id),
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX sessions_prefix ON sessions(prefix);

CREATE TABLE thumbnails (
    report_id TEXT PRIMARY KEY REFERENCES reports(id),
    jpeg      BYTEA NOT NULL,
    made_at   BIGINT NOT NULL
);
"#,
    r#"
-- As SQLite's migration 10: outbox leases and dead letters.
ALTER TABLE outbox ADD COLUMN leased_by TEXT,
                   ADD COLUMN leased_until BIGINT,
                   ADD COLUMN dead_at BIGINT;
"#,
    r#"
-- As SQLite's migration 11: periodic jobs and the retention sweep's indexes.
CREATE TABLE sweeps (
    name         TEXT PRIMARY KEY,
    leased_by    TEXT,
    leased_until BIGINT,
    last_run_at  BIGINT
);
CREATE INDEX reports_received_at ON reports(received_at);
CREATE INDEX audit_log_at ON audit_log(at);
"#,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_reaches_a_log_line() {
        let shown = redacted("postgres://bugcap:s3cr3t@db.internal:5432/bugcap");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("db.internal:5432/bugcap"), "{shown}");
        assert!(!redacted("not a url s3cr3t").contains("s3cr3t"));
    }
}
