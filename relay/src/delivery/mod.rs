//! The delivery worker: drains the outbox. A report goes out once its declared media are
//! complete, or when its grace period ends, with the missing media marked and their leftover
//! objects deleted. Delivery is at least once: a row leaves the outbox only after the webhook
//! answered 2xx, and retries back off up to an hour. Without a webhook the report is marked
//! `ready` and stays readable through the admin API.

pub mod webhook;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::state::AppState;
use crate::store::Due;
use webhook::Webhook;

/// How often the outbox is polled.
const TICK: Duration = Duration::from_millis(500);
/// Rows handled per tick.
const BATCH: usize = 32;
const MAX_BACKOFF_MS: i64 = 3_600_000;

/// Runs until the runtime stops.
pub async fn run(state: Arc<AppState>, webhook: Option<Webhook>) {
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let grace_ms = state.media_policy.grace.as_millis() as i64;
        let due = match state
            .store
            .call(move |s| s.due_deliveries(grace_ms, BATCH))
            .await
        {
            Ok(due) => due,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                continue;
            }
        };
        for item in due {
            if let Err(e) = deliver(&state, webhook.as_ref(), &item).await {
                tracing::error!(report_id = %item.report_id, error = %e, "delivery bookkeeping failed");
            }
        }
    }
}

async fn deliver(
    state: &AppState,
    webhook: Option<&Webhook>,
    item: &Due,
) -> Result<(), crate::store::StoreError> {
    let id = item.report_id.clone();
    if item.media_overdue {
        let rid = id.clone();
        let orphans = state.store.call(move |s| s.expire_media(&rid)).await?;
        for obj in orphans {
            // Whatever was uploaded without a successful complete is not part of the report.
            if let Err(e) = state.objects.delete(&obj).await {
                tracing::warn!(report_id = %id, attachment = %obj.name, error = %e, "could not delete an orphaned object");
            }
            tracing::info!(report_id = %id, attachment = %obj.name, "attachment missing after the grace period");
        }
    }
    let Some(webhook) = webhook else {
        let rid = id.clone();
        return state
            .store
            .call(move |s| s.finish_delivery(&rid, "ready"))
            .await;
    };
    let rid = id.clone();
    let (stored, media) = state
        .store
        .call(move |s| Ok((s.get_report(&rid)?, s.media_of(&rid)?)))
        .await?;
    let Some(stored) = stored else {
        return Ok(());
    };
    let media: Vec<_> = media.iter().map(|m| m.summary()).collect();
    let body = json!({
        "type": "report.created",
        "timestamp": jiff::Timestamp::now().to_string(),
        "data": { "report": stored, "media": media },
    });
    let body = serde_json::to_vec(&body).unwrap_or_default();
    match webhook.send(&format!("msg_{id}"), body).await {
        Ok(()) => {
            tracing::info!(report_id = %id, attempts = item.attempts + 1, "report delivered");
            let rid = id.clone();
            state
                .store
                .call(move |s| s.finish_delivery(&rid, "delivered"))
                .await
        }
        Err(reason) => {
            let backoff = backoff_ms(item.attempts);
            tracing::warn!(report_id = %id, attempts = item.attempts + 1, retry_in_ms = backoff, error = %reason, "webhook delivery failed");
            let rid = id.clone();
            state
                .store
                .call(move |s| s.retry_delivery(&rid, backoff, &reason))
                .await
        }
    }
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
