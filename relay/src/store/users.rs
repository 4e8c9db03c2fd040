//! The web app's accounts: a name, an argon2id password hash and scopes. Made and disabled with
//! the CLI on the data directory, like keys and tokens.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;

use super::audit::audit;
use super::db::args;
use super::keys::parse_scopes;
use super::{Scope, Store, StoreError, now_ms};

/// Shortest password accepted: long enough that the per-account rate limit makes guessing
/// hopeless, short enough for a passphrase of four words.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 1024;
pub const MAX_NAME_CHARS: usize = 64;

/// An active account, as a session needs it.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
}

/// What `users list` shows: no hash.
#[derive(Debug, Clone, Serialize)]
pub struct UserInfo {
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub disabled_at: Option<i64>,
}

/// Why an account could not be made.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("names are 1 to {MAX_NAME_CHARS} letters, digits, dots, dashes, underscores or @")]
    BadName,
    #[error("passwords are {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")]
    BadPassword,
    #[error("there is already an account named {0}")]
    Taken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Random(e.to_string()))
}

/// A hash of a password nobody has, verified against when the name is unknown, so an unknown
/// name takes as long to refuse as a wrong password (no account enumeration by timing).
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Store {
    pub fn create_user(
        &self,
        name: &str,
        password: &str,
        scopes: &[Scope],
    ) -> Result<UserInfo, UserError> {
        let name = name.trim();
        let name_ok = (1..=MAX_NAME_CHARS).contains(&name.chars().count())
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || "._-@".contains(c));
        if !name_ok {
            return Err(UserError::BadName);
        }
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&password.chars().count()) {
            return Err(UserError::BadPassword);
        }
        let hash = hash_password(password)?;
        let scope_names: Vec<String> = scopes.iter().map(|s| s.as_str().to_owned()).collect();
        let now = now_ms();
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let taken = tx
            .query_row("SELECT id FROM users WHERE name = ?1", args![name], |_| {
                Ok(())
            })?
            .is_some();
        if taken {
            return Err(UserError::Taken(name.to_owned()));
        }
        tx.execute(
            "INSERT INTO users (name, password_hash, scopes, created_at) VALUES (?1, ?2, ?3, ?4)",
            args![name, hash, scope_names.join(" "), now],
        )?;
        audit(
            &tx,
            "user.create",
            name,
            &format!("scopes={}", scope_names.join(" ")),
        )?;
        tx.commit()?;
        Ok(UserInfo {
            name: name.to_owned(),
            scopes: scope_names,
            created_at: now,
            last_sign_in_at: None,
            disabled_at: None,
        })
    }

    /// The active account `name` when `password` is its password. Blocking and deliberately
    /// slow (argon2): call from the store's worker, after the sign-in rate limit.
    pub fn check_password(&self, name: &str, password: &str) -> Result<Option<User>, StoreError> {
        let row = self.conn()?.query_row(
            "SELECT id, name, password_hash, scopes FROM users
                 WHERE name = ?1 AND disabled_at IS NULL",
            args![name.trim()],
            |r| {
                Ok((
                    r.get::<i64>(0)?,
                    r.get::<String>(1)?,
                    r.get::<String>(2)?,
                    r.get::<String>(3)?,
                ))
            },
        )?;
        let Some((id, name, hash, scopes)) = row else {
            verify(password, decoy_hash());
            return Ok(None);
        };
        if password.chars().count() > MAX_PASSWORD_CHARS || !verify(password, &hash) {
            return Ok(None);
        }
        self.conn()?.execute(
            "UPDATE users SET last_sign_in_at = ?1 WHERE id = ?2",
            args![now_ms(), id],
        )?;
        Ok(Some(User {
            id,
            name,
            scopes: parse_scopes(&scopes)?,
        }))
    }

    pub fn list_users(&self) -> Result<Vec<UserInfo>, StoreError> {
        self.conn()?.query_map(
            "SELECT name, scopes, created_at, last_sign_in_at, disabled_at FROM users ORDER BY id",
            args![],
            |r| {
                Ok(UserInfo {
                    name: r.get(0)?,
                    scopes: r
                        .get::<String>(1)?
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    created_at: r.get(2)?,
                    last_sign_in_at: r.get(3)?,
                    disabled_at: r.get(4)?,
                })
            },
        )
    }

    /// Disables an account and ends its sessions at once.
    pub fn disable_user(&self, name: &str) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let now = now_ms();
        let changed = tx.execute(
            "UPDATE users SET disabled_at = ?1 WHERE name = ?2 AND disabled_at IS NULL",
            args![now, name],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!(
                "no active account named {name}"
            )));
        }
        tx.execute(
            "UPDATE sessions SET revoked_at = ?1
             WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE name = ?2)",
            args![now, name],
        )?;
        audit(&tx, "user.disable", name, "")?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a new password and ends the account's sessions.
    pub fn set_password(&self, name: &str, password: &str) -> Result<(), UserError> {
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&password.chars().count()) {
            return Err(UserError::BadPassword);
        }
        let hash = hash_password(password)?;
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET password_hash = ?1 WHERE name = ?2",
            args![hash, name],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!("no account named {name}")).into());
        }
        tx.execute(
            "UPDATE sessions SET revoked_at = ?1
             WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE name = ?2)",
            args![now_ms(), name],
        )?;
        audit(&tx, "user.password", name, "")?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &hash));
        assert!(!verify("correct horse batterY", &hash));
        assert!(!verify("correct horse battery", "not a hash"));
        assert!(!verify("anything", decoy_hash()));
    }
}
