//! Read-only share links: an unguessable secret that opens one report and nothing else. Only
//! the secret's SHA-256 is stored; revoking a link stops it on the next request.

use serde::Serialize;

use super::db::args;
use super::triage::{Actor, log_in};
use super::{Store, StoreError, now_ms};
use crate::auth::secret::{self, SecretKind};

/// A share link as the team sees it: no secret.
#[derive(Debug, Clone, Serialize)]
pub struct ShareInfo {
    pub id: i64,
    pub prefix: String,
    pub created_at: i64,
    /// Who made it: a user's name or a token's prefix.
    pub created_by: String,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Makes a share link for `report_id` and returns its secret (shown once) with its info;
    /// `None` when there is no such report.
    pub fn create_share(
        &self,
        report_id: &str,
        actor: &Actor,
    ) -> Result<Option<(String, ShareInfo)>, StoreError> {
        let token = secret::generate(SecretKind::ShareLink)
            .map_err(|e| StoreError::Random(e.to_string()))?;
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        let exists = tx
            .query_row(
                "SELECT id FROM reports WHERE id = ?1",
                args![report_id],
                |_| Ok(()),
            )?
            .is_some();
        if !exists {
            return Ok(None);
        }
        let now = now_ms();
        let id: i64 = tx.query_value(
            "INSERT INTO shares (report_id, prefix, hash, created_at, actor) VALUES (?1, ?2, ?3, ?4, ?5)
             RETURNING id",
            args![
                report_id,
                secret::prefix(&token),
                secret::hash(&token),
                now,
                actor.name
            ],
        )?;
        let prefix = secret::prefix(&token).to_owned();
        log_in(
            &tx,
            report_id,
            actor,
            "share",
            &serde_json::json!({ "share": id, "prefix": prefix }),
        )?;
        tx.commit()?;
        let info = ShareInfo {
            id,
            prefix,
            created_at: now,
            created_by: actor.name.clone(),
            last_used_at: None,
            revoked_at: None,
        };
        Ok(Some((token, info)))
    }

    /// The share links of a report, newest first, revoked ones included.
    pub fn shares_of(&self, report_id: &str) -> Result<Vec<ShareInfo>, StoreError> {
        self.conn()?.query_map(
            "SELECT id, prefix, created_at, actor, last_used_at, revoked_at FROM shares
             WHERE report_id = ?1 ORDER BY id DESC",
            args![report_id],
            |r| {
                Ok(ShareInfo {
                    id: r.get(0)?,
                    prefix: r.get(1)?,
                    created_at: r.get(2)?,
                    created_by: r.get(3)?,
                    last_used_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                })
            },
        )
    }

    /// Revokes share link `share_id` of `report_id`. False when the report has no such active
    /// link.
    pub fn revoke_share(
        &self,
        report_id: &str,
        share_id: i64,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        let changed = tx.execute(
            "UPDATE shares SET revoked_at = ?1
             WHERE id = ?2 AND report_id = ?3 AND revoked_at IS NULL",
            args![now_ms(), share_id, report_id],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        log_in(
            &tx,
            report_id,
            actor,
            "unshare",
            &serde_json::json!({ "share": share_id }),
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The report an active share link opens (the link is compared in constant time).
    pub fn shared_report_id(&self, presented: &str) -> Result<Option<String>, StoreError> {
        let found = self.find_by_secret(SecretKind::ShareLink, "shares", "report_id", presented)?;
        Ok(found.map(|(_, [report_id])| report_id))
    }
}
