//! Schema migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE widget_keys (
    id           INTEGER PRIMARY KEY,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    project      TEXT NOT NULL,
    environment  TEXT NOT NULL,
    origins      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX widget_keys_prefix ON widget_keys(prefix);

CREATE TABLE admin_tokens (
    id           INTEGER PRIMARY KEY,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX admin_tokens_prefix ON admin_tokens(prefix);

CREATE TABLE reports (
    id          TEXT PRIMARY KEY,
    key_id      INTEGER NOT NULL REFERENCES widget_keys(id),
    project     TEXT NOT NULL,
    environment TEXT NOT NULL,
    status      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX reports_received ON reports(project, received_at);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
"#,
    r#"
-- Reports waiting to be delivered to the team's backend, written in the same transaction as
-- the report itself so that no acknowledged report can miss delivery.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    report_id       TEXT NOT NULL UNIQUE REFERENCES reports(id),
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    delivered_at    INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
"#,
    r#"
-- Declared media of each report. `url_issued_at` is the signing time of the one live upload
-- URL (re-signing at the same time gives the same URL, so there is never a second one).
CREATE TABLE media (
    report_id      TEXT NOT NULL REFERENCES reports(id),
    name           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    object_key     TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'declared',
    url_issued_at  INTEGER,
    url_expires_at INTEGER,
    completed_at   INTEGER,
    PRIMARY KEY (report_id, name)
);
"#,
];

pub fn apply(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in (0_i64..).zip(MIGRATIONS).skip(current.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
    }
    tx.commit()
}
