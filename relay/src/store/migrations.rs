//! Schema migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

use super::StoreError;
use super::inbox::SearchRow;

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
    r#"
-- The inbox: what a report is listed and filtered by, written beside it at ingest from the
-- redacted report. A narrow table of its own, so that walking it never reads report bodies.
-- `report_row` is the report's rowid: the list's order, newest first. `triage` is the team's
-- status of a report (new, triaged, resolved, closed, spam), apart from `reports.status`,
-- which says whether its media arrived.
CREATE TABLE inbox (
    report_row      INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE REFERENCES reports(id),
    project         TEXT NOT NULL,
    environment     TEXT NOT NULL,
    triage          TEXT NOT NULL DEFAULT 'new',
    received_at     INTEGER NOT NULL,
    title           TEXT NOT NULL,
    page_url        TEXT NOT NULL,
    category        TEXT,
    reporter_email  TEXT,
    reporter_id     TEXT,
    error_count     INTEGER NOT NULL,
    failed_requests INTEGER NOT NULL
);
-- Each keeps the rowid order inside an equal key, so a filtered list still walks newest first.
CREATE INDEX inbox_project ON inbox(project);
CREATE INDEX inbox_scope ON inbox(project, environment);
CREATE INDEX inbox_received_at ON inbox(received_at);
CREATE INDEX inbox_reporter_email ON inbox(reporter_email COLLATE NOCASE);
CREATE INDEX inbox_reporter_id ON inbox(reporter_id);
INSERT INTO inbox (report_row, id, project, environment, received_at, title, page_url, category,
                   reporter_email, reporter_id, error_count, failed_requests)
SELECT rowid, id, project, environment, received_at,
       trim(coalesce(json_extract(body, '$.feedback.text'), ''), char(32, 9, 10, 13)),
       coalesce(json_extract(body, '$.page.url'), ''),
       json_extract(body, '$.feedback.category'),
       coalesce(json_extract(body, '$.identity.email'), json_extract(body, '$.feedback.email')),
       json_extract(body, '$.identity.id'),
       coalesce(json_array_length(body, '$.errors'), 0),
       (SELECT count(*) FROM json_each(body, '$.network') n
        WHERE coalesce(json_extract(n.value, '$.status'), 0) >= 400
           OR json_extract(n.value, '$.error') IS NOT NULL)
FROM reports;
-- The title is the first line of what the user wrote, else the page's title (as at ingest).
UPDATE inbox SET title = trim(substr(title, 1, instr(title || char(10), char(10)) - 1),
                              char(32, 9, 10, 13));
UPDATE inbox SET title = (SELECT coalesce(json_extract(r.body, '$.page.title'), '')
                          FROM reports r WHERE r.rowid = inbox.report_row)
WHERE title = '';
UPDATE inbox SET title = substr(title, 1, 120);
-- Full-text search over what the user wrote, the page and what the console and errors said.
-- Contentless: the text is in `reports.body` already; the index only finds rowids.
CREATE VIRTUAL TABLE reports_search USING fts5(
    text, title, url, console, errors,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO reports_search (rowid, text, title, url, console, errors)
SELECT rowid,
       coalesce(json_extract(body, '$.feedback.text'), ''),
       coalesce(json_extract(body, '$.page.title'), ''),
       coalesce(json_extract(body, '$.page.url'), ''),
       coalesce((SELECT group_concat(json_extract(c.value, '$.message'), char(10))
                 FROM json_each(body, '$.console') c), ''),
       coalesce((SELECT group_concat(json_extract(e.value, '$.message'), char(10))
                 FROM json_each(body, '$.errors') e), '')
FROM reports;
"#,
    r#"
-- Triage: who a report is assigned to and its labels (a JSON array of strings), beside its status.
ALTER TABLE inbox ADD COLUMN assignee TEXT;
ALTER TABLE inbox ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
CREATE INDEX inbox_assignee ON inbox(assignee);
-- What happened to a report after it arrived, oldest first: status, assignee and label changes,
-- comments, share links made and revoked. `actor` is who did it: a user's name or a token's
-- prefix, told apart by `actor_kind`. `detail` is JSON.
CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES reports(id),
    at          INTEGER NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX activity_report ON activity(report_id, id);
-- Read-only links to one report: the link's secret is stored as its SHA-256 only.
CREATE TABLE shares (
    id          INTEGER PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES reports(id),
    prefix      TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    last_used_at INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX shares_prefix ON shares(prefix);
CREATE INDEX shares_report ON shares(report_id);
-- `keys:manage` guarded nothing (keys are managed with the CLI on the data directory) and is
-- gone; `reports:write` is new. Tokens keep their other scopes.
UPDATE admin_tokens SET scopes = trim(replace(' ' || scopes || ' ', ' keys:manage ', ' '));
"#,
    r#"
-- Accounts for the web app, made with `bugcap-relay users create`. The password is stored as
-- an argon2id PHC string; `scopes` as for tokens.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_sign_in_at INTEGER,
    disabled_at   INTEGER
);
-- Signed-in browsers. The cookie's secret is stored as its SHA-256; a session belongs to a user
-- or to the admin token it was opened with, and ends with either.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    prefix      TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    user_id     INTEGER REFERENCES users(id),
    token_id    INTEGER REFERENCES admin_tokens(id),
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX sessions_prefix ON sessions(prefix);
"#,
    r#"
-- Inbox thumbnails, made from a report's screenshot the first time the inbox shows it. An
-- empty `jpeg` records that none could be made, so a broken picture is not decoded again.
CREATE TABLE thumbnails (
    report_id   TEXT PRIMARY KEY REFERENCES reports(id),
    jpeg        BLOB NOT NULL,
    made_at     INTEGER NOT NULL
);
"#,
    r#"
-- Admin tokens limited to some projects (`tokens create --project`): a JSON array of project
-- names. Empty, as for every token made before, reaches every project.
ALTER TABLE admin_tokens ADD COLUMN projects TEXT NOT NULL DEFAULT '[]';
"#,
    r#"
-- The search index without its 2- and 3-character prefix indexes: they tripled the terms every
-- report wrote to the index, the largest part of the writer's time, to speed up searches for
-- words of two or three letters, which a scan of the index's terms answers quickly enough.
-- Contentless, so it is filled again from the reports' bodies, in Rust (`refill_search`):
-- bodies are LZ4 blobs that SQL cannot read.
DROP TABLE reports_search;
CREATE VIRTUAL TABLE reports_search USING fts5(
    text, title, url, console, errors,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
"#,
    r#"
-- Several relays drain one outbox: a row is leased to the relay delivering it until
-- `leased_until`. A row whose retries outlast the horizon becomes a dead letter (`dead_at`),
-- out of the queue until `bugcap-relay outbox replay`.
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
ALTER TABLE outbox ADD COLUMN leased_until INTEGER;
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
"#,
    r#"
-- Periodic jobs that one relay of many runs at a time (the retention sweep), and the indexes
-- that find what the sweep deletes without reading everything.
CREATE TABLE sweeps (
    name         TEXT PRIMARY KEY,
    leased_by    TEXT,
    leased_until INTEGER,
    last_run_at  INTEGER
);
CREATE INDEX reports_received_at ON reports(received_at);
CREATE INDEX audit_log_at ON audit_log(at);
"#,
];

/// What SQL cannot do in a migration, run right after the migration at that index.
fn after(index: usize, tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    match index {
        8 => refill_search(tx),
        _ => Ok(()),
    }
}

/// Fills the (emptied) search index from every stored report's body.
fn refill_search(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let mut read = tx.prepare("SELECT rowid, body FROM reports")?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let rowid: i64 = row.get(0)?;
        let json = super::body::unpack(row.get_ref(1)?)?;
        let report: serde_json::Value =
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        SearchRow::of_json(&report).insert(&super::db::Db::borrowed(tx), rowid)?;
    }
    Ok(())
}

pub fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > MIGRATIONS.len() as i64 {
        return Err(StoreError::Corrupt(format!(
            "the database's schema is version {current}, newer than this relay's {}: upgrade the relay",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        tx.execute_batch(sql)?;
        after(i, &tx)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    Ok(tx.commit()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens made with the old `keys:manage` scope keep their other scopes and lose that one.
    #[test]
    fn the_keys_manage_scope_is_removed_from_stored_tokens() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        for (id, scopes) in [
            (1, "reports:read keys:manage"),
            (2, "keys:manage"),
            (3, "keys:manage reports:read"),
        ] {
            conn.execute(
                "INSERT INTO admin_tokens (id, prefix, hash, scopes, created_at)
                 VALUES (?1, 'bc_adm_x', ?1, ?2, 0)",
                rusqlite::params![id, scopes],
            )
            .unwrap();
        }
        apply(&mut conn).unwrap();
        let scopes: Vec<String> = conn
            .prepare("SELECT scopes FROM admin_tokens ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(scopes, ["reports:read", "", "reports:read"]);
    }

    #[test]
    fn a_schema_newer_than_this_relay_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        conn.pragma_update(None, "user_version", MIGRATIONS.len() as i64 + 1)
            .unwrap();
        let err = apply(&mut conn).unwrap_err().to_string();
        assert!(err.contains("upgrade the relay"), "{err}");
    }

    /// A database at schema `version` with one widget key (id 1, project `shop`).
    fn with_a_key_at(version: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..version] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", version as i64)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO widget_keys (id, prefix, hash, project, environment, origins, created_at)
             VALUES (1, 'bc_pub_abcde', 'h', 'shop', 'staging', '[]', 0);",
        )
        .unwrap();
        conn
    }

    /// A database from before the inbox (schema version 3) with one report in it gets the
    /// inbox's columns and search index filled from the stored body.
    #[test]
    fn reports_stored_before_the_inbox_are_listed_and_searchable_after_the_upgrade() {
        let mut conn = with_a_key_at(3);
        let body = serde_json::json!({
            "feedback": { "text": "\n  Cart total is wrong  \nsteps follow", "category": "Bug" },
            "page": { "url": "https://shop.example/cart", "title": "Cart" },
            "identity": { "id": "u_1", "email": "ana@example.com" },
            "console": [{ "message": "quantity mismatch detected" }],
            "errors": [{ "message": "TypeError: x is undefined" }],
            "network": [{ "status": 503 }, { "status": 200 }, { "error": "Failed to fetch" }]
        });
        conn.execute(
            "INSERT INTO reports (id, key_id, project, environment, status, received_at, body)
             VALUES ('r1', 1, 'shop', 'staging', 'received', 5, ?1)",
            [body.to_string()],
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let row: (String, String, String, String, String, i64, i64, String) = conn
            .query_row(
                "SELECT title, page_url, category, reporter_email, reporter_id, error_count,
                        failed_requests, triage FROM inbox WHERE id = 'r1'",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .unwrap();
        assert_eq!(
            row,
            (
                "Cart total is wrong".into(),
                "https://shop.example/cart".into(),
                "Bug".into(),
                "ana@example.com".into(),
                "u_1".into(),
                1,
                2,
                "new".into()
            )
        );
        let found = |words: &str| -> i64 {
            conn.query_row(
                "SELECT count(*) FROM reports_search WHERE reports_search MATCH ?1",
                [words],
                |r| r.get(0),
            )
            .unwrap()
        };
        for words in ["cart", "mismatch", "TypeError", "shop"] {
            assert_eq!(found(words), 1, "{words}");
        }
        assert_eq!(found("absent"), 0);
    }

    /// A database at schema version 8, whose bodies are LZ4 blobs SQL cannot read, keeps every
    /// report searchable when the index is made again without its prefix indexes, short words
    /// included.
    #[test]
    fn the_search_index_is_refilled_from_packed_bodies() {
        let mut conn = with_a_key_at(8);
        let body = serde_json::json!({
            "feedback": { "text": "The UI freezes on save" },
            "page": { "url": "https://shop.example/cart", "title": "Cart" },
            "console": [{ "message": "quantity mismatch detected" }],
            "errors": [{ "message": "TypeError: x is undefined" }]
        });
        conn.execute(
            "INSERT INTO reports (id, key_id, project, environment, status, received_at, body)
             VALUES ('r1', 1, 'shop', 'staging', 'received', 5, ?1)",
            [super::super::body::pack(&body.to_string())],
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let found = |words: &str| -> i64 {
            conn.query_row(
                "SELECT count(*) FROM reports_search WHERE reports_search MATCH ?1",
                [super::super::inbox::match_expression(words).unwrap()],
                |r| r.get(0),
            )
            .unwrap()
        };
        for words in [
            "freezes",
            "UI",
            "sa",
            "mism",
            "TypeError undefined",
            "shop.example",
            "cart",
        ] {
            assert_eq!(found(words), 1, "{words}");
        }
        assert_eq!(found("absent"), 0);
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'reports_search'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!sql.contains("prefix"), "{sql}");
    }
}
