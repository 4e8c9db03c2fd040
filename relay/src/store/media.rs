//! Declared media at rest: one row per attachment, from `declared` to `complete` (checked
//! against the object store) or `missing` (the grace period ran out).

use bugcap_protocol::Report;

use super::db::{Db, Row, args};
use super::{Store, StoreError, WidgetKey, now_ms};
use crate::media::ObjectRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaState {
    Declared,
    Complete,
    Missing,
}

impl MediaState {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaState::Declared => "pending",
            MediaState::Complete => "complete",
            MediaState::Missing => "missing",
        }
    }

    fn parse(s: &str) -> Result<MediaState, StoreError> {
        match s {
            "declared" => Ok(MediaState::Declared),
            "complete" => Ok(MediaState::Complete),
            "missing" => Ok(MediaState::Missing),
            other => Err(StoreError::Corrupt(format!(
                "unknown media state {other:?}"
            ))),
        }
    }
}

/// One declared attachment and who may act on it.
#[derive(Debug, Clone)]
pub struct MediaRow {
    pub object: ObjectRef,
    /// The widget key that filed the report: only it may upload.
    pub key_id: i64,
    pub state: MediaState,
}

impl MediaRow {
    /// What readers of a report (admin API, webhook) see of an attachment.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.object.name,
            "content_type": self.object.content_type,
            "size": self.object.size,
            "status": self.state.as_str(),
        })
    }
}

/// Records a report's declared attachments inside the writer's transaction.
pub(super) fn declare_in(db: &Db<'_>, key: &WidgetKey, report: &Report) -> Result<(), StoreError> {
    if report.attachments.is_empty() {
        return Ok(());
    }
    let id = report.id.to_string();
    for a in &report.attachments {
        // Every part is validated: project from the key, environment an enum, id a UUID,
        // name from a safe alphabet that cannot start with '.'.
        let object_key = format!(
            "{}/{}/{}/{}",
            key.project,
            key.environment.as_str(),
            id,
            a.name
        );
        db.execute(
            "INSERT INTO media (report_id, name, content_type, size, sha256, object_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                id,
                a.name,
                a.content_type,
                a.size as i64,
                a.sha256,
                object_key
            ],
        )?;
    }
    Ok(())
}

fn row_to_media(r: &Row<'_>) -> Result<(MediaRowRaw, i64), StoreError> {
    Ok((
        MediaRowRaw {
            report_id: r.get(0)?,
            name: r.get(1)?,
            content_type: r.get(2)?,
            size: r.get(3)?,
            sha256: r.get(4)?,
            key: r.get(5)?,
            state: r.get(6)?,
        },
        r.get(7)?,
    ))
}

struct MediaRowRaw {
    report_id: String,
    name: String,
    content_type: String,
    size: i64,
    sha256: String,
    key: String,
    state: String,
}

impl MediaRowRaw {
    fn into_row(self, key_id: i64) -> Result<MediaRow, StoreError> {
        Ok(MediaRow {
            state: MediaState::parse(&self.state)?,
            key_id,
            object: ObjectRef {
                report_id: self.report_id,
                name: self.name,
                key: self.key,
                content_type: self.content_type,
                size: u64::try_from(self.size).map_err(|_| StoreError::Corrupt("size".into()))?,
                sha256: self.sha256,
            },
        })
    }
}

const SELECT_MEDIA: &str = "SELECT m.report_id, m.name, m.content_type, m.size, m.sha256,
            m.object_key, m.state, r.key_id
     FROM media m JOIN reports r ON r.id = m.report_id";

impl Store {
    /// The id of the widget key that filed `report_id`.
    pub fn report_key_id(&self, report_id: &str) -> Result<Option<i64>, StoreError> {
        self.conn()?.query_row(
            "SELECT key_id FROM reports WHERE id = ?1",
            args![report_id],
            |r| r.get(0),
        )
    }

    pub fn media(&self, report_id: &str, name: &str) -> Result<Option<MediaRow>, StoreError> {
        let raw = self.conn()?.query_row(
            &format!("{SELECT_MEDIA} WHERE m.report_id = ?1 AND m.name = ?2"),
            args![report_id, name],
            row_to_media,
        )?;
        raw.map(|(raw, key_id)| raw.into_row(key_id)).transpose()
    }

    /// For each of `report_ids` that has one, the name of its completed screenshot (the inbox's
    /// thumbnails).
    pub fn screenshots_of(
        &self,
        report_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let mut out = std::collections::HashMap::new();
        if report_ids.is_empty() {
            return Ok(out);
        }
        let marks = vec!["?"; report_ids.len()].join(", ");
        let params: Vec<&dyn super::db::Param> = report_ids
            .iter()
            .map(|id| id as &dyn super::db::Param)
            .collect();
        let rows = self.conn()?.query_map(
            &format!(
                "SELECT report_id, min(name) FROM media
                 WHERE report_id IN ({marks}) AND state = 'complete' AND name LIKE 'screenshot.%'
                   AND content_type LIKE 'image/%'
                 GROUP BY report_id"
            ),
            &params,
            |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)),
        )?;
        out.extend(rows);
        Ok(out)
    }

    /// Every declared attachment of a report.
    pub fn media_of(&self, report_id: &str) -> Result<Vec<MediaRow>, StoreError> {
        media_rows(&self.conn()?, report_id)
    }

    /// The live upload URL's signing time, or a new one (`now`) when none is live. A compare-
    /// and-set: two racing requests end up with the same signing time, hence the same URL.
    pub fn grant_upload_url(
        &self,
        report_id: &str,
        name: &str,
        now: i64,
        ttl_secs: i64,
    ) -> Result<i64, StoreError> {
        let conn = self.conn()?;
        conn.execute(
            "UPDATE media SET url_issued_at = ?3, url_expires_at = ?4
             WHERE report_id = ?1 AND name = ?2 AND state = 'declared'
               AND (url_expires_at IS NULL OR url_expires_at < ?3)",
            args![report_id, name, now, now + ttl_secs],
        )?;
        let issued_at: Option<Option<i64>> = conn.query_row(
            "SELECT url_issued_at FROM media WHERE report_id = ?1 AND name = ?2",
            args![report_id, name],
            |r| r.get(0),
        )?;
        issued_at
            .flatten()
            .ok_or_else(|| StoreError::NotFound("media".into()))
    }

    /// Marks an attachment complete; when it was the report's last one, the report is ready
    /// for delivery. Returns the attachment's state afterwards: `Missing` when the grace period
    /// ended while its object was being checked (the object is then deleted by the expiry).
    pub fn complete_media(&self, report_id: &str, name: &str) -> Result<MediaState, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        tx.execute(
            "UPDATE media SET state = 'complete', completed_at = ?3
             WHERE report_id = ?1 AND name = ?2 AND state = 'declared'",
            args![report_id, name, now_ms()],
        )?;
        let waiting: i64 = tx.query_value(
            "SELECT count(*) FROM media WHERE report_id = ?1 AND state = 'declared'",
            args![report_id],
        )?;
        if waiting == 0 {
            tx.execute(
                "UPDATE reports SET status = 'received' WHERE id = ?1 AND status = 'awaiting_media'",
                args![report_id],
            )?;
        }
        let state: String = tx.query_value(
            "SELECT state FROM media WHERE report_id = ?1 AND name = ?2",
            args![report_id, name],
        )?;
        tx.commit()?;
        if waiting == 0 {
            self.outbox_changed.notify_one();
        }
        MediaState::parse(&state)
    }

    /// Gives up on a report's outstanding media (the grace period ran out): they are marked
    /// `missing` and returned, so their (possibly partial or foreign) objects can be deleted.
    pub fn expire_media(&self, report_id: &str) -> Result<Vec<ObjectRef>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.write_transaction()?;
        // Read and mark in one transaction, so an attachment completed meanwhile is neither
        // marked missing nor has its object deleted.
        let outstanding: Vec<ObjectRef> = media_rows(&tx, report_id)?
            .into_iter()
            .filter(|m| m.state == MediaState::Declared)
            .map(|m| m.object)
            .collect();
        tx.execute(
            "UPDATE media SET state = 'missing' WHERE report_id = ?1 AND state = 'declared'",
            args![report_id],
        )?;
        tx.execute(
            "UPDATE reports SET status = 'received' WHERE id = ?1 AND status = 'awaiting_media'",
            args![report_id],
        )?;
        tx.commit()?;
        Ok(outstanding)
    }
}

fn media_rows(db: &Db<'_>, report_id: &str) -> Result<Vec<MediaRow>, StoreError> {
    let rows = db.query_map(
        &format!("{SELECT_MEDIA} WHERE m.report_id = ?1 ORDER BY m.name"),
        args![report_id],
        row_to_media,
    )?;
    rows.into_iter()
        .map(|(raw, key_id)| raw.into_row(key_id))
        .collect()
}
