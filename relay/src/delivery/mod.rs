//! The delivery worker: drains the outbox. A report goes out once its declared media are
//! complete, or when its grace period ends, with the missing media marked and their leftover
//! objects deleted. Delivery is at least once: a row leaves the outbox only after the webhook
//! answered 2xx, and retries back off up to an hour. Without a webhook the report is marked
//! `ready` and stays readable through the admin API.
//!
//! It keeps up with ingest: it wakes when a report is stored or its last attachment arrives
//! (and otherwise sleeps until the next retry or grace period is due), takes up to [`BATCH`]
//! due rows at a time, sends them to the webhook [`PER_ENDPOINT`] at a time, and records the
//! whole batch's outcomes in one transaction.

pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use crate::state::AppState;
use crate::store::{
    DoneStatus, Due, MediaRow, RawReport, Settled, StoreError, StoredReport, now_ms,
};
use webhook::Webhook;

/// Due rows taken at once.
const BATCH: usize = 256;
/// Requests in flight to one webhook endpoint. Receivers are usually small services; this is
/// enough to hide the round trip without looking like a flood.
const PER_ENDPOINT: usize = 16;
/// Longest sleep without a signal: a safety net (for instance against a clock change), not
/// the way work is found.
const MAX_SLEEP: Duration = Duration::from_secs(5);
/// Pause after the store failed, so a broken disk is not hammered.
const AFTER_ERROR: Duration = Duration::from_secs(1);
const MAX_BACKOFF_MS: i64 = 3_600_000;

/// Runs until the runtime stops.
pub async fn run(state: Arc<AppState>, webhook: Option<Webhook>) {
    let webhook = webhook.map(Arc::new);
    loop {
        match drain_once(&state, webhook.as_ref()).await {
            // A full batch: there may be more right away.
            Ok(n) if n == BATCH => continue,
            Ok(_) => wait_for_work(&state).await,
            Err(e) => {
                tracing::error!(error = %e, "delivery bookkeeping failed");
                tokio::time::sleep(AFTER_ERROR).await;
            }
        }
    }
}

/// Sleeps until a report may have become due, or the next retry or grace period ends.
async fn wait_for_work(state: &AppState) {
    let grace_ms = grace_ms(state);
    let next = state
        .store
        .call(move |s| s.next_delivery_at(grace_ms))
        .await;
    let sleep = match next {
        Ok(Some(at)) => Duration::from_millis((at - now_ms()).clamp(0, i64::MAX) as u64),
        Ok(None) => MAX_SLEEP,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the outbox");
            AFTER_ERROR
        }
    }
    .min(MAX_SLEEP);
    tokio::select! {
        () = state.store.outbox_changed() => {}
        () = tokio::time::sleep(sleep) => {}
    }
}

fn grace_ms(state: &AppState) -> i64 {
    state.media_policy.grace.as_millis() as i64
}

/// Delivers one batch of due rows; returns how many there were.
async fn drain_once(state: &AppState, webhook: Option<&Arc<Webhook>>) -> Result<usize, StoreError> {
    let grace_ms = grace_ms(state);
    let due = state
        .store
        .call(move |s| s.due_deliveries(grace_ms, BATCH))
        .await?;
    let n = due.len();
    if n == 0 {
        return Ok(0);
    }
    for item in due.iter().filter(|d| d.media_overdue) {
        give_up_missing_media(state, &item.report_id).await?;
    }
    let outcomes = match webhook {
        None => due
            .into_iter()
            .map(|d| (d.report_id, Settled::Done(DoneStatus::Ready)))
            .collect(),
        Some(webhook) => send_all(state, webhook, due).await?,
    };
    state
        .store
        .call(move |s| s.settle_deliveries(&outcomes))
        .await?;
    Ok(n)
}

/// Whatever was uploaded without a successful complete is not part of the report.
async fn give_up_missing_media(state: &AppState, report_id: &str) -> Result<(), StoreError> {
    let rid = report_id.to_owned();
    let orphans = state.store.call(move |s| s.expire_media(&rid)).await?;
    for obj in orphans {
        if let Err(e) = state.objects.delete(&obj).await {
            tracing::warn!(report_id = %report_id, attachment = %obj.name, error = %e, "could not delete an orphaned object");
        }
        tracing::info!(report_id = %report_id, attachment = %obj.name, "attachment missing after the grace period");
    }
    Ok(())
}

/// Sends a batch to the webhook, [`PER_ENDPOINT`] at a time; the outcome of each row.
async fn send_all(
    state: &AppState,
    webhook: &Arc<Webhook>,
    due: Vec<Due>,
) -> Result<Vec<(String, Settled)>, StoreError> {
    let ids: Vec<String> = due.iter().map(|d| d.report_id.clone()).collect();
    let loaded = state
        .store
        .call(move |s| {
            ids.iter()
                .map(|id| Ok((s.get_report_json(id)?, s.media_of(id)?)))
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    let mut outcomes = Vec::with_capacity(due.len());
    let mut sending = JoinSet::new();
    for (item, (stored, media)) in due.into_iter().zip(loaded) {
        // Gone (deleted by an operator): nothing to deliver, and nothing to record.
        let Some(stored) = stored else { continue };
        if sending.len() >= PER_ENDPOINT
            && let Some(done) = sending.join_next().await
        {
            outcomes.extend(done.ok());
        }
        let webhook = webhook.clone();
        sending.spawn(async move { send_one(&webhook, item, &stored, &media).await });
    }
    while let Some(done) = sending.join_next().await {
        outcomes.extend(done.ok());
    }
    Ok(outcomes)
}

async fn send_one(
    webhook: &Webhook,
    item: Due,
    stored: &StoredReport<RawReport>,
    media: &[MediaRow],
) -> (String, Settled) {
    let id = item.report_id;
    let media: Vec<_> = media.iter().map(MediaRow::summary).collect();
    // Written straight from the stored JSON: `json!` would parse the report into a tree first.
    let body = serde_json::to_vec(&Message {
        kind: "report.created",
        timestamp: jiff::Timestamp::now().to_string(),
        data: MessageData {
            report: stored,
            media: &media,
        },
    })
    .unwrap_or_default();
    let outcome = match webhook.send(&format!("msg_{id}"), body).await {
        Ok(()) => {
            tracing::info!(report_id = %id, attempts = item.attempts + 1, "report delivered");
            Settled::Done(DoneStatus::Delivered)
        }
        Err(reason) => {
            let backoff = backoff_ms(item.attempts);
            tracing::warn!(report_id = %id, attempts = item.attempts + 1, retry_in_ms = backoff, error = %reason, "webhook delivery failed");
            Settled::Retry {
                in_ms: backoff,
                error: reason,
            }
        }
    };
    (id, outcome)
}

/// The webhook's body (`docs/relay.md`, "Webhook delivery").
#[derive(serde::Serialize)]
struct Message<'a, M: serde::Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    data: MessageData<'a, M>,
}

#[derive(serde::Serialize)]
struct MessageData<'a, M: serde::Serialize> {
    report: &'a StoredReport<RawReport>,
    media: &'a [M],
}

/// 1 s, 2 s, 4 s … capped at an hour.
fn backoff_ms(attempts: i64) -> i64 {
    1000_i64
        .saturating_mul(1_i64 << attempts.clamp(0, 20))
        .min(MAX_BACKOFF_MS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(super::backoff_ms(0), 1000);
        assert_eq!(super::backoff_ms(3), 8000);
        assert_eq!(super::backoff_ms(40), super::MAX_BACKOFF_MS);
    }
}
