//! Inbox thumbnails at rest: made once per report (see `media::thumbnail`), kept beside it.

use super::db::args;
use super::{Store, StoreError, now_ms};

/// What the store knows of a report's thumbnail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thumbnail {
    /// Never tried.
    Unmade,
    /// Tried, and the screenshot could not be made into one.
    Unavailable,
    Jpeg(Vec<u8>),
}

impl Store {
    pub fn thumbnail(&self, report_id: &str) -> Result<Thumbnail, StoreError> {
        let jpeg: Option<Vec<u8>> = self.conn()?.query_row(
            "SELECT jpeg FROM thumbnails WHERE report_id = ?1",
            args![report_id],
            |r| r.get(0),
        )?;
        Ok(match jpeg {
            None => Thumbnail::Unmade,
            Some(jpeg) if jpeg.is_empty() => Thumbnail::Unavailable,
            Some(jpeg) => Thumbnail::Jpeg(jpeg),
        })
    }

    /// Keeps a thumbnail, or (`None`) that none could be made. Two relays (or two requests)
    /// making the same one at once is harmless: the last write wins with the same picture.
    pub fn save_thumbnail(&self, report_id: &str, jpeg: Option<&[u8]>) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT INTO thumbnails (report_id, jpeg, made_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (report_id) DO UPDATE SET jpeg = excluded.jpeg, made_at = excluded.made_at",
            args![report_id, jpeg.unwrap_or_default(), now_ms()],
        )?;
        Ok(())
    }
}
