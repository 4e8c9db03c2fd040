//! Signed-in browsers. A session is opened by a user's password or an admin token, and lives
//! until it expires, its owner signs out, or the user or token behind it is disabled or revoked
//! (checked on every request, so revoking a token ends its sessions at once).

use super::db::args;
use super::keys::parse_scopes;
use super::users::User;
use super::{AdminToken, Scope, Store, StoreError, now_ms};
use crate::auth::secret::{self, SecretKind};

/// How long a session lasts from sign-in, whatever its use: a stolen cookie does not live on.
pub const SESSION_HOURS: i64 = 12;

/// Who a session speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    User(i64),
    Token(i64),
}

/// An open session, as a request needs it.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    /// A user's name, or the token's prefix.
    pub actor: super::Actor,
    pub scopes: Vec<Scope>,
    /// The value every write from this session must carry.
    pub csrf: String,
    pub expires_at: i64,
}

impl Session {
    pub fn allows(&self, needed: Scope) -> bool {
        self.scopes.iter().any(|s| s.grants(needed))
    }
}

impl Store {
    /// Opens a session for a user who just proved their password; returns the cookie's secret.
    pub fn open_user_session(&self, user: &User) -> Result<String, StoreError> {
        self.open_session(Owner::User(user.id))
    }

    /// Opens a session for an admin token just presented; returns the cookie's secret.
    pub fn open_token_session(&self, token: &AdminToken) -> Result<String, StoreError> {
        self.open_session(Owner::Token(token.id))
    }

    fn open_session(&self, owner: Owner) -> Result<String, StoreError> {
        let random = |kind| secret::generate(kind).map_err(|e| StoreError::Random(e.to_string()));
        let cookie = random(SecretKind::Session)?;
        // The CSRF value is a second secret of its own: knowing it gives nothing without the
        // cookie, and the cookie never reaches a page's script.
        let csrf = random(SecretKind::Session)?;
        let now = now_ms();
        let (user_id, token_id) = match owner {
            Owner::User(id) => (Some(id), None),
            Owner::Token(id) => (None, Some(id)),
        };
        self.conn()?.execute(
            "INSERT INTO sessions (prefix, hash, user_id, token_id, csrf, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![
                secret::prefix(&cookie),
                secret::hash(&cookie),
                user_id,
                token_id,
                &csrf[SecretKind::Session.tag().len()..],
                now,
                now + SESSION_HOURS * 3_600_000
            ],
        )?;
        Ok(cookie)
    }

    /// The live session a cookie names: not expired, not signed out, its user active or its
    /// token unrevoked. The secret is compared in constant time.
    pub fn find_session(&self, presented: &str) -> Result<Option<Session>, StoreError> {
        if !secret::is_well_formed(SecretKind::Session, presented) {
            return Ok(None);
        }
        let rows = self.conn()?.query_map(
            "SELECT s.id, s.hash, s.csrf, s.expires_at,
                    u.name, u.scopes, t.prefix, t.scopes
             FROM sessions s
             LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL
             LEFT JOIN admin_tokens t ON t.id = s.token_id AND t.revoked_at IS NULL
             WHERE s.prefix = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2",
            args![secret::prefix(presented), now_ms()],
            |r| {
                Ok((
                    r.get::<i64>(0)?,
                    r.get::<String>(1)?,
                    r.get::<String>(2)?,
                    r.get::<i64>(3)?,
                    r.get::<Option<String>>(4)?,
                    r.get::<Option<String>>(5)?,
                    r.get::<Option<String>>(6)?,
                    r.get::<Option<String>>(7)?,
                ))
            },
        )?;
        let Some((id, _, csrf, expires_at, user, user_scopes, token, token_scopes)) = rows
            .into_iter()
            .find(|(_, hash, ..)| secret::matches_hash(presented, hash))
        else {
            return Ok(None);
        };
        let (actor, scopes) = match (user, user_scopes, token, token_scopes) {
            (Some(name), Some(scopes), _, _) => (super::Actor::user(&name), scopes),
            (_, _, Some(prefix), Some(scopes)) => (super::Actor::token(&prefix), scopes),
            // The user was disabled or the token revoked.
            _ => return Ok(None),
        };
        Ok(Some(Session {
            id,
            actor,
            scopes: parse_scopes(&scopes)?,
            csrf,
            expires_at,
        }))
    }

    /// Ends a session (sign-out): its cookie is refused from the next request on.
    pub fn end_session(&self, id: i64) -> Result<(), StoreError> {
        self.conn()?.execute(
            "UPDATE sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
            args![now_ms(), id],
        )?;
        Ok(())
    }

    /// Forgets sessions that ended more than a day ago; call periodically.
    pub fn prune_sessions(&self) -> Result<usize, StoreError> {
        let cutoff = now_ms() - 86_400_000;
        self.conn()?.execute(
            "DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1",
            args![cutoff],
        )
    }

    /// How many sessions are open now (for tests and `users list`).
    pub fn open_sessions(&self) -> Result<i64, StoreError> {
        self.conn()?.query_value(
            "SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?1",
            args![now_ms()],
        )
    }
}
