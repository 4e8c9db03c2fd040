//! Widget keys and admin tokens at rest: prefix, SHA-256 hash and settings, never the secret.

use bugcap_protocol::Environment;
use serde::Serialize;

use super::audit::audit;
use super::db::{Db, args};
use super::{Store, StoreError, now_ms};
use crate::auth::origin::OriginPattern;
use crate::auth::secret::{self, SecretKind};

/// Settings for a new widget key.
#[derive(Debug, Clone)]
pub struct NewWidgetKey {
    pub project: String,
    pub environment: Environment,
    pub origins: Vec<OriginPattern>,
}

/// An active widget key as the ingest path needs it.
#[derive(Debug, Clone)]
pub struct WidgetKey {
    pub id: i64,
    pub prefix: String,
    pub project: String,
    pub environment: Environment,
    pub origins: Vec<OriginPattern>,
}

/// What `keys list` shows: no secret, no hash.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub prefix: String,
    pub project: String,
    pub environment: String,
    pub origins: Vec<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Admin token permissions. `reports:write` (triage, comments, share links) includes
/// `reports:read`: changing a report one cannot see makes no sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scope {
    #[serde(rename = "reports:read")]
    ReportsRead,
    #[serde(rename = "reports:write")]
    ReportsWrite,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReportsRead => "reports:read",
            Scope::ReportsWrite => "reports:write",
        }
    }

    /// Whether holding `self` allows what `needed` guards.
    pub fn grants(self, needed: Scope) -> bool {
        self == needed || (self == Scope::ReportsWrite && needed == Scope::ReportsRead)
    }
}

impl std::str::FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Scope, String> {
        match s {
            "reports:read" => Ok(Scope::ReportsRead),
            "reports:write" => Ok(Scope::ReportsWrite),
            "keys:manage" => Err(
                "keys:manage is gone: widget keys are managed with `bugcap-relay keys` on the data directory"
                    .into(),
            ),
            other => Err(format!(
                "unknown scope {other:?}: expected reports:read or reports:write"
            )),
        }
    }
}

/// An active admin token as the admin API needs it.
#[derive(Debug, Clone)]
pub struct AdminToken {
    pub id: i64,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    /// The projects whose reports it reaches; empty: every project.
    pub projects: Vec<String>,
}

impl AdminToken {
    /// Whether it may see reports of `project`.
    pub fn reaches(&self, project: &str) -> bool {
        self.projects.is_empty() || self.projects.iter().any(|p| p == project)
    }

    /// The projects it is limited to, `None` when it reaches every one.
    pub fn limited_to(&self) -> Option<&[String]> {
        (!self.projects.is_empty()).then_some(self.projects.as_slice())
    }
}

/// What `tokens list` shows.
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub prefix: String,
    pub scopes: Vec<String>,
    /// The projects it is limited to; empty: every project.
    pub projects: Vec<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Creates a widget key and returns its plaintext, which is never stored or shown again.
    pub fn create_widget_key(&self, new: &NewWidgetKey) -> Result<(String, KeyInfo), StoreError> {
        let key = secret::generate(SecretKind::WidgetKey)
            .map_err(|e| StoreError::Random(e.to_string()))?;
        let origins: Vec<String> = new.origins.iter().map(ToString::to_string).collect();
        let origins_json =
            serde_json::to_string(&origins).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = now_ms();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO widget_keys (prefix, hash, project, environment, origins, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                secret::prefix(&key),
                secret::hash(&key),
                new.project,
                new.environment.as_str(),
                origins_json,
                now
            ],
        )?;
        audit(
            &tx,
            "key.create",
            secret::prefix(&key),
            &format!(
                "project={} env={} origins={}",
                new.project,
                new.environment,
                origins.join(",")
            ),
        )?;
        tx.commit()?;
        let info = KeyInfo {
            prefix: secret::prefix(&key).to_owned(),
            project: new.project.clone(),
            environment: new.environment.to_string(),
            origins,
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        };
        Ok((key, info))
    }

    /// Finds the active widget key matching a presented secret. The lookup goes by prefix and
    /// the hash is compared in constant time.
    pub fn find_widget_key(&self, presented: &str) -> Result<Option<WidgetKey>, StoreError> {
        let found = self.find_by_secret(
            SecretKind::WidgetKey,
            "widget_keys",
            "project, environment, origins",
            presented,
        )?;
        let Some((id, [project, environment, origins])) = found else {
            return Ok(None);
        };
        Ok(Some(WidgetKey {
            id,
            prefix: secret::prefix(presented).to_owned(),
            project,
            environment: environment.parse().map_err(StoreError::Corrupt)?,
            origins: parse_origins(&origins)?,
        }))
    }

    /// The active row of `table` whose hash matches `presented`: its id and the text `columns`,
    /// in order. Malformed secrets never reach the database; the hash is compared in constant
    /// time; use is recorded.
    pub(super) fn find_by_secret<const N: usize>(
        &self,
        kind: SecretKind,
        table: &str,
        columns: &str,
        presented: &str,
    ) -> Result<Option<(i64, [String; N])>, StoreError> {
        if !secret::is_well_formed(kind, presented) {
            return Ok(None);
        }
        let conn = self.conn()?;
        let rows = conn.query_map(
            &format!(
                "SELECT id, hash, last_used_at, {columns} FROM {table} WHERE prefix = ?1 AND revoked_at IS NULL"
            ),
            args![secret::prefix(presented)],
            |r| {
                let mut values: [String; N] = std::array::from_fn(|_| String::new());
                for (k, value) in values.iter_mut().enumerate() {
                    *value = r.get(3 + k)?;
                }
                Ok((
                    r.get::<i64>(0)?,
                    r.get::<String>(1)?,
                    r.get::<Option<i64>>(2)?,
                    values,
                ))
            },
        )?;
        let Some((id, _, last_used, values)) = rows
            .into_iter()
            .find(|(_, hash, ..)| secret::matches_hash(presented, hash))
        else {
            return Ok(None);
        };
        touch_last_used(&conn, table, id, last_used);
        Ok(Some((id, values)))
    }

    /// Every origin pattern of every active key: the set CORS preflights may be answered for.
    pub fn active_origin_patterns(&self) -> Result<Vec<OriginPattern>, StoreError> {
        let lists = self.conn()?.query_map(
            "SELECT origins FROM widget_keys WHERE revoked_at IS NULL",
            args![],
            |r| r.get::<String>(0),
        )?;
        let mut out = Vec::new();
        for origins in lists {
            out.extend(parse_origins(&origins)?);
        }
        Ok(out)
    }

    pub fn list_widget_keys(&self) -> Result<Vec<KeyInfo>, StoreError> {
        self.conn()?.query_map(
            "SELECT prefix, project, environment, origins, created_at, last_used_at, revoked_at
             FROM widget_keys ORDER BY id",
            args![],
            |r| {
                Ok(KeyInfo {
                    prefix: r.get(0)?,
                    project: r.get(1)?,
                    environment: r.get(2)?,
                    origins: serde_json::from_str(&r.get::<String>(3)?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    created_at: r.get(4)?,
                    last_used_at: r.get(5)?,
                    revoked_at: r.get(6)?,
                })
            },
        )
    }

    /// Creates a successor of the active key `prefix` with the same project, environment and
    /// origins. The old key keeps working until it is revoked, so pages can be redeployed first.
    pub fn rotate_widget_key(&self, prefix: &str) -> Result<(String, KeyInfo), StoreError> {
        let settings: Option<(String, String, String)> = self.conn()?.query_row(
            "SELECT project, environment, origins FROM widget_keys WHERE prefix = ?1 AND revoked_at IS NULL",
            args![prefix],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let (project, environment, origins) = settings
            .ok_or_else(|| StoreError::NotFound(format!("no active key with prefix {prefix}")))?;
        let new = NewWidgetKey {
            project,
            environment: environment.parse().map_err(StoreError::Corrupt)?,
            origins: parse_origins(&origins)?,
        };
        let (key, info) = self.create_widget_key(&new)?;
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        audit(
            &tx,
            "key.rotate",
            prefix,
            &format!("successor={}", info.prefix),
        )?;
        tx.commit()?;
        Ok((key, info))
    }

    /// Revokes the key with this prefix; the next request with it is refused.
    pub fn revoke_widget_key(&self, prefix: &str) -> Result<(), StoreError> {
        self.revoke("widget_keys", "key.revoke", prefix)
    }

    /// Creates an admin token and returns its plaintext, which is never stored or shown again.
    /// `projects` limits it to those projects' reports; empty: every project.
    pub fn create_admin_token(
        &self,
        scopes: &[Scope],
        projects: &[String],
    ) -> Result<(String, TokenInfo), StoreError> {
        let token = secret::generate(SecretKind::AdminToken)
            .map_err(|e| StoreError::Random(e.to_string()))?;
        let scope_names: Vec<String> = scopes.iter().map(|s| s.as_str().to_owned()).collect();
        let projects_json =
            serde_json::to_string(projects).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = now_ms();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO admin_tokens (prefix, hash, scopes, projects, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            args![
                secret::prefix(&token),
                secret::hash(&token),
                scope_names.join(" "),
                projects_json,
                now
            ],
        )?;
        audit(
            &tx,
            "token.create",
            secret::prefix(&token),
            &format!(
                "scopes={} projects={}",
                scope_names.join(" "),
                if projects.is_empty() {
                    "*".to_owned()
                } else {
                    projects.join(",")
                }
            ),
        )?;
        tx.commit()?;
        let info = TokenInfo {
            prefix: secret::prefix(&token).to_owned(),
            scopes: scope_names,
            projects: projects.to_vec(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        };
        Ok((token, info))
    }

    /// Finds the active admin token matching a presented secret (constant-time hash compare).
    pub fn find_admin_token(&self, presented: &str) -> Result<Option<AdminToken>, StoreError> {
        let found = self.find_by_secret(
            SecretKind::AdminToken,
            "admin_tokens",
            "scopes, projects",
            presented,
        )?;
        let Some((id, [scopes, projects])) = found else {
            return Ok(None);
        };
        Ok(Some(AdminToken {
            id,
            prefix: secret::prefix(presented).to_owned(),
            scopes: parse_scopes(&scopes)?,
            projects: parse_projects(&projects)?,
        }))
    }

    pub fn list_admin_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.conn()?.query_map(
            "SELECT prefix, scopes, created_at, last_used_at, revoked_at, projects
             FROM admin_tokens ORDER BY id",
            args![],
            |r| {
                Ok(TokenInfo {
                    prefix: r.get(0)?,
                    scopes: r
                        .get::<String>(1)?
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    projects: parse_projects(&r.get::<String>(5)?)?,
                    created_at: r.get(2)?,
                    last_used_at: r.get(3)?,
                    revoked_at: r.get(4)?,
                })
            },
        )
    }

    pub fn revoke_admin_token(&self, prefix: &str) -> Result<(), StoreError> {
        self.revoke("admin_tokens", "token.revoke", prefix)
    }

    fn revoke(&self, table: &str, action: &str, prefix: &str) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let changed = tx.execute(
            &format!("UPDATE {table} SET revoked_at = ?1 WHERE prefix = ?2 AND revoked_at IS NULL"),
            args![now_ms(), prefix],
        )?;
        if changed == 0 {
            let exists: Option<i64> = tx.query_row(
                &format!("SELECT id FROM {table} WHERE prefix = ?1"),
                args![prefix],
                |r| r.get(0),
            )?;
            return Err(StoreError::NotFound(match exists {
                Some(_) => format!("{prefix} is already revoked"),
                None => format!("no key or token with prefix {prefix}"),
            }));
        }
        audit(&tx, action, prefix, "")?;
        tx.commit()?;
        Ok(())
    }
}

/// A token's stored project list.
fn parse_projects(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("a token's projects are not a list: {e}")))
}

/// Records use at minute resolution. The write happens only when the stored time is stale:
/// an UPDATE takes SQLite's write lock even when it changes nothing, and would queue every
/// request behind the report writer. Best effort: a busy database must not fail the request.
fn touch_last_used(conn: &Db<'_>, table: &str, id: i64, last_used: Option<i64>) {
    let now = now_ms();
    if last_used.is_some_and(|t| now - t < 60_000) {
        return;
    }
    let result = conn.execute(
        &format!("UPDATE {table} SET last_used_at = ?1 WHERE id = ?2"),
        args![now, id],
    );
    if let Err(e) = result {
        tracing::warn!(error = %e, table, "could not record last use");
    }
}

/// Scopes as stored: names separated by spaces (tokens, accounts).
pub(super) fn parse_scopes(text: &str) -> Result<Vec<Scope>, StoreError> {
    text.split_whitespace()
        .map(|s| s.parse().map_err(StoreError::Corrupt))
        .collect()
}

fn parse_origins(json: &str) -> Result<Vec<OriginPattern>, StoreError> {
    let list: Vec<String> =
        serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // Stored patterns were checked when the key was created, `*` included only when opted into.
    list.iter()
        .map(|p| OriginPattern::parse(p, true).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}
