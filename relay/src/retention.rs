//! Retention: reports (with their media objects and every row about them) and audit entries
//! older than the configured ages are deleted by a sweep that one relay runs at a time, once an
//! hour. By default nothing is ever deleted. The same deletion serves a user's data-deletion
//! request for one report (`bugcap-relay reports delete`).
//!
//! A report's objects go first, its rows after: if an object cannot be deleted the rows stay,
//! so the next sweep (or the next try) finds the report and its objects again; rows deleted
//! first would leave objects nobody could find.

use std::time::Duration;

use tokio::sync::watch;

pub use crate::config::RetentionPolicy;
use crate::media::{MediaError, ObjectStore};
use crate::store::{Store, StoreError, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot delete an attachment of report {report_id}: {source}")]
    Media {
        report_id: String,
        source: MediaError,
    },
}

/// What one sweep deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Swept {
    pub reports: usize,
    pub objects: usize,
    pub audit_entries: usize,
}

/// Reports deleted per store round trip.
const CHUNK: usize = 100;
/// How often the sweep runs (on one relay of many).
const EVERY: Duration = Duration::from_secs(3600);
/// How long a relay may hold the sweep before another may take it over.
const LEASE: Duration = Duration::from_secs(600);

/// Deletes `report_id`'s media objects, then the report and every row about it. `None` when
/// there is no such report; else how many objects were deleted.
pub async fn delete_report(
    store: &Store,
    objects: &ObjectStore,
    report_id: &str,
    reason: &str,
) -> Result<Option<usize>, RetentionError> {
    let id = report_id.to_owned();
    let media = store.call(move |s| s.media_of(&id)).await?;
    for row in &media {
        objects
            .delete(&row.object)
            .await
            .map_err(|source| RetentionError::Media {
                report_id: report_id.to_owned(),
                source,
            })?;
    }
    let (id, reason) = (report_id.to_owned(), reason.to_owned());
    let deleted = store.call(move |s| s.delete_report(&id, &reason)).await?;
    Ok(deleted.map(|()| media.len()))
}

/// Deletes everything older than `policy` allows, now.
pub async fn sweep(
    store: &Store,
    objects: &ObjectStore,
    policy: &RetentionPolicy,
) -> Result<Swept, RetentionError> {
    let mut swept = Swept::default();
    if let Some(age) = policy.reports {
        let before = now_ms() - age.as_millis() as i64;
        loop {
            let ids = store
                .call(move |s| s.reports_received_before(before, CHUNK))
                .await?;
            for id in &ids {
                if let Some(n) = delete_report(store, objects, id, "retention").await? {
                    swept.reports += 1;
                    swept.objects += n;
                }
            }
            if ids.len() < CHUNK {
                break;
            }
        }
    }
    if let Some(age) = policy.audit {
        let before = now_ms() - age.as_millis() as i64;
        swept.audit_entries = store.call(move |s| s.prune_audit(before)).await?;
    }
    Ok(swept)
}

/// Runs the sweep once an hour on whichever relay takes it, until `stop`.
pub async fn run(
    state: std::sync::Arc<crate::state::AppState>,
    policy: RetentionPolicy,
    owner: String,
    mut stop: watch::Receiver<bool>,
) {
    if policy.is_off() {
        return;
    }
    let (store, objects) = (&state.store, &state.objects);
    // The first look a minute after start, not at once: a rolling deploy starts relays together.
    let mut wait = Duration::from_secs(60);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = Duration::from_secs(300);
        let name = owner.clone();
        let taken = store
            .call(move |s| {
                s.take_sweep(
                    "retention",
                    &name,
                    LEASE.as_millis() as i64,
                    EVERY.as_millis() as i64,
                )
            })
            .await;
        match taken {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "cannot take the retention sweep");
                continue;
            }
        }
        match sweep(store, objects, &policy).await {
            Ok(swept) => tracing::info!(
                reports = swept.reports,
                objects = swept.objects,
                audit_entries = swept.audit_entries,
                "retention sweep done"
            ),
            Err(e) => tracing::error!(error = %e, "retention sweep failed; it runs again later"),
        }
        let name = owner.clone();
        if let Err(e) = store
            .call(move |s| s.release_sweep("retention", &name))
            .await
        {
            tracing::warn!(error = %e, "cannot release the retention sweep");
        }
    }
}
