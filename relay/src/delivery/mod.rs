//! The delivery worker: drains the outbox, beside the workers of any other relay sharing the
//! database. A report goes out once its declared media are complete, or when its grace period
//! ends, with the missing media marked and their leftover objects deleted. Delivery is at least
//! once: a row leaves the outbox only after the webhook answered 2xx; retries back off up to an
//! hour (longer when the receiver's `Retry-After` says so) and end, once the report is older
//! than the horizon, in a dead letter (`bugcap-relay outbox list`, `outbox replay`). A 410
//! stops delivery to the webhook until the relay restarts. Without a webhook the report is
//! marked `ready` and stays readable through the admin API.
//!
//! It keeps up with ingest: it wakes when a report is stored or its last attachment arrives
//! (and otherwise sleeps until the next retry, grace period or lease end), leases up to
//! [`BATCH`] due rows at a time, sends them to the webhook [`PER_ENDPOINT`] at a time, and
//! records the whole batch's outcomes in one transaction. Nothing is sent once its lease is
//! too close to its end for the request to finish, so no other relay can be sending it too.
//! On shutdown it takes no more rows, finishes the requests in flight and releases the rest.

pub mod webhook;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::state::AppState;
use crate::store::{
    DoneStatus, Due, MediaRow, RawReport, Settled, StoreError, StoredReport, now_ms,
};
use webhook::{SEND_TIMEOUT, Webhook};

/// Due rows taken at once.
const BATCH: usize = 256;
/// Requests in flight to one webhook endpoint. Receivers are usually small services; this is
/// enough to hide the round trip without looking like a flood.
const PER_ENDPOINT: usize = 16;
/// Longest sleep without a signal: a safety net (for instance against a clock change, or work
/// stored by another relay), not the way work is found.
const MAX_SLEEP: Duration = Duration::from_secs(5);
/// Pause after the store failed, so a broken disk or a database that is down is not hammered.
const AFTER_ERROR: Duration = Duration::from_secs(1);
const MAX_BACKOFF_MS: i64 = 3_600_000;

/// The webhook and whether it answered 410.
struct Endpoint {
    webhook: Webhook,
    gone: AtomicBool,
}

/// Runs until `stop` turns true, then finishes what it holds and returns.
pub async fn run(
    state: Arc<AppState>,
    webhook: Option<Webhook>,
    owner: String,
    mut stop: watch::Receiver<bool>,
) {
    tracing::info!(worker = %owner, "delivery worker started");
    let endpoint = webhook.map(|webhook| {
        Arc::new(Endpoint {
            webhook,
            gone: AtomicBool::new(false),
        })
    });
    while !*stop.borrow() {
        match drain_once(&state, &owner, endpoint.as_ref(), &stop).await {
            // A full batch: there may be more right away.
            Ok(n) if n == BATCH => continue,
            Ok(_) => wait_for_work(&state, &mut stop).await,
            Err(e) => {
                tracing::error!(error = %e, "delivery bookkeeping failed");
                tokio::select! {
                    _ = stop.changed() => {}
                    () = tokio::time::sleep(AFTER_ERROR) => {}
                }
            }
        }
    }
    tracing::info!(worker = %owner, "delivery worker stopped");
}

/// Sleeps until a report may have become due, or the next retry, grace period or lease ends.
async fn wait_for_work(state: &AppState, stop: &mut watch::Receiver<bool>) {
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
        _ = stop.changed() => {}
    }
}

fn grace_ms(state: &AppState) -> i64 {
    state.media_policy.grace.as_millis() as i64
}

/// Delivers one batch of due rows; returns how many there were.
async fn drain_once(
    state: &AppState,
    owner: &str,
    endpoint: Option<&Arc<Endpoint>>,
    stop: &watch::Receiver<bool>,
) -> Result<usize, StoreError> {
    let grace_ms = grace_ms(state);
    let lease_ms = state.delivery.lease.as_millis() as i64;
    let name = owner.to_owned();
    let due = state
        .store
        .call(move |s| s.claim_deliveries(&name, lease_ms, grace_ms, BATCH))
        .await?;
    let n = due.len();
    if n == 0 {
        return Ok(0);
    }
    tracing::debug!(worker = %owner, rows = n, leased_until = due[0].leased_until, reports = ?due.iter().map(|d| d.report_id.as_str()).collect::<Vec<_>>(), "leased");
    for item in due.iter().filter(|d| d.media_overdue) {
        give_up_missing_media(state, &item.report_id).await?;
    }
    let outcomes = match endpoint {
        None => due
            .into_iter()
            .map(|d| (d.report_id, Settled::Done(DoneStatus::Ready)))
            .collect(),
        Some(endpoint) if endpoint.gone.load(Ordering::Relaxed) => due
            .into_iter()
            .map(|d| (d.report_id, Settled::Released))
            .collect(),
        Some(endpoint) => send_all(state, endpoint, due, stop).await?,
    };
    let name = owner.to_owned();
    let horizon_ms = state.delivery.horizon.as_millis() as i64;
    let settlement = state
        .store
        .call(move |s| s.settle_deliveries(&name, horizon_ms, &outcomes))
        .await?;
    for id in &settlement.dead {
        tracing::error!(report_id = %id, "delivery retried past the horizon: the report is a dead letter (bugcap-relay outbox list --dead; outbox replay)");
    }
    for id in &settlement.lost {
        tracing::warn!(report_id = %id, worker = %owner, "the lease ran out before the outcome was recorded; another relay holds the report now");
    }
    if endpoint.is_some_and(|e| e.gone.load(Ordering::Relaxed)) {
        // Rows keep coming due: do not spin on them while the endpoint is gone.
        tokio::time::sleep(MAX_SLEEP).await;
    }
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

/// Time kept between a request's deadline and its lease's end, to record the outcome.
const SETTLE_MARGIN_MS: i64 = 5_000;

/// Sends a batch to the webhook, [`PER_ENDPOINT`] at a time; the outcome of each row. Rows
/// not sent (the lease too close to its end, the relay stopping, the endpoint gone) are
/// released.
async fn send_all(
    state: &AppState,
    endpoint: &Arc<Endpoint>,
    due: Vec<Due>,
    stop: &watch::Receiver<bool>,
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
        let deadline = now_ms() + SEND_TIMEOUT.as_millis() as i64 + SETTLE_MARGIN_MS;
        if *stop.borrow() || endpoint.gone.load(Ordering::Relaxed) || deadline > item.leased_until {
            outcomes.push((item.report_id, Settled::Released));
            continue;
        }
        let endpoint = endpoint.clone();
        sending.spawn(async move { send_one(&endpoint, item, &stored, &media).await });
    }
    while let Some(done) = sending.join_next().await {
        outcomes.extend(done.ok());
    }
    Ok(outcomes)
}

async fn send_one(
    endpoint: &Endpoint,
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
    let outcome = match endpoint.webhook.send(&format!("msg_{id}"), body).await {
        Ok(()) => {
            tracing::info!(report_id = %id, attempts = item.attempts + 1, "report delivered");
            Settled::Done(DoneStatus::Delivered)
        }
        Err(failure) if failure.gone => {
            if !endpoint.gone.swap(true, Ordering::Relaxed) {
                tracing::error!(
                    "the webhook answered 410 Gone: delivery to it is stopped until the relay restarts (fix webhook.url); reports wait in the outbox"
                );
            }
            Settled::Released
        }
        Err(failure) => {
            let wait = failure.retry_after.map_or(0, |d| d.as_millis() as i64);
            let backoff = backoff_ms(item.attempts).max(wait);
            tracing::warn!(report_id = %id, attempts = item.attempts + 1, retry_in_ms = backoff, error = %failure.reason, "webhook delivery failed");
            Settled::Retry {
                in_ms: backoff,
                error: failure.reason,
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
