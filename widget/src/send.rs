//! Getting a built report to the relay: the host's `beforeSend`, then the report and its media
//! with retries, and when the page is offline or the relay stays unreachable, the outbox
//! ([`crate::queue`]) until it can be sent.

use std::cell::Cell;

use bugcap_protocol::Attachment;
use bugcap_protocol::json::Json;
use bugcap_protocol::redact::Redactor;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::config::Options;
use crate::error::WidgetError;
use crate::queue;
use crate::report::Built;
use crate::transport::{self, Accepted, Upload};

/// How a send ended.
pub enum Outcome {
    /// The relay accepted the report and every declared attachment.
    Sent(Accepted),
    /// Kept in the outbox; sent on the next load or when the page is back online.
    Queued { id: String },
    /// The host's `beforeSend` dropped it.
    Dropped,
}

/// Where a send is, for the UI to show.
pub enum Step<'a> {
    Report,
    Upload {
        name: &'a str,
        index: usize,
        total: usize,
    },
}

/// A report ready to go: its id, its JSON text and the uploads it declares.
pub struct Ready {
    pub id: String,
    pub body: String,
    pub uploads: Vec<Upload>,
}

impl Ready {
    fn from_built(built: Built) -> Ready {
        Ready {
            id: built.report.id.to_string(),
            body: crate::json::report_text(&built.report),
            uploads: built.uploads,
        }
    }
}

/// Runs the host's `beforeSend` on the report: it may return the report edited (or edit it in
/// place and return nothing), or `false`/`null` to drop it. What it returns is redacted again,
/// and attachments it removed are not uploaded.
///
/// The edited report is checked against the report's shape ([`bugcap_protocol::shape`]) and
/// redacted as JSON ([`Redactor::report_value`]) rather than read back into a typed report,
/// which would bring a whole deserializer into the bundle. The shape check keeps a
/// field the redaction walk does not know (an unknown one, or a value of another type) from
/// leaving the page unredacted; the rest of validation is the relay's.
pub async fn before_send(
    options: &Options,
    redactor: &Redactor,
    built: Built,
) -> Result<Option<Ready>, WidgetError> {
    let Some(hook) = &options.ui.hooks.before_send else {
        return Ok(Some(Ready::from_built(built)));
    };
    let given = crate::report::to_js(&built.report)?;
    let mut answer = hook.call1(&JsValue::NULL, &given).map_err(hook_error)?;
    if answer.has_type::<js_sys::Promise>() {
        answer = JsFuture::from(answer.unchecked_into::<js_sys::Promise>())
            .await
            .map_err(hook_error)?;
    }
    if answer.is_null() || answer.as_bool() == Some(false) {
        return Ok(None);
    }
    let edited = if answer.is_undefined() { given } else { answer };
    let not_a_report = |why: &str| {
        WidgetError::Input(format!(
            "beforeSend returned something that is not a report: {why}"
        ))
    };
    let text = js_sys::JSON::stringify(&edited)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| not_a_report("not JSON (a cycle, a BigInt, or undefined)"))?;
    let mut report = Json::parse(&text).map_err(|e| not_a_report(&e.to_string()))?;
    bugcap_protocol::shape::check(&report).map_err(|why| not_a_report(&why))?;
    // The host's id would let it file one report twice under different ids, or two under one.
    let id = built.report.id.to_string();
    report.set("id", id.as_str().into());
    redactor.report_value(&mut report);
    let declared = report.get("attachments").and_then(Json::as_array);
    let uploads = built
        .uploads
        .into_iter()
        .filter(|u| declared.is_some_and(|d| d.iter().any(|a| declares(a, &u.attachment))))
        .collect();
    Ok(Some(Ready {
        id,
        body: report.to_string(),
        uploads,
    }))
}

/// True when `entry` (from an edited report) is `attachment`, unchanged.
fn declares(entry: &Json, attachment: &Attachment) -> bool {
    let text = |key: &str| entry.get(key).and_then(Json::as_str);
    text("name") == Some(&attachment.name)
        && text("content_type") == Some(&attachment.content_type)
        && text("sha256") == Some(&attachment.sha256)
        && entry.get("size").and_then(Json::as_u64) == Some(attachment.size)
}

fn hook_error(e: JsValue) -> WidgetError {
    let message = crate::error::js_message(&e).unwrap_or_else(|| "it threw".into());
    WidgetError::Input(format!("beforeSend failed: {message}"))
}

/// Sends the report and its media; queues them when the page is offline or the failure is
/// transient after retries. A refusal by the relay (invalid report, bad key) is returned.
pub async fn deliver(
    options: &Options,
    ready: Ready,
    progress: &mut dyn FnMut(Step),
) -> Result<Outcome, WidgetError> {
    let Ready { id, body, uploads } = ready;
    if !online() {
        queue::put(options, &id, &body, &uploads).await?;
        return Ok(Outcome::Queued { id });
    }
    match send_now(options, &body, &uploads, progress).await {
        Ok(accepted) => Ok(Outcome::Sent(accepted)),
        Err(e) if transport::is_transient(&e) => {
            // If the outbox cannot keep it either, the user must hear about the send failure.
            queue::put(options, &id, &body, &uploads)
                .await
                .map_err(|_| e)?;
            Ok(Outcome::Queued { id })
        }
        Err(e) => Err(e),
    }
}

/// The report (JSON text), then each upload: upload URL, `PUT`, `complete`.
pub async fn send_now(
    options: &Options,
    body: &str,
    uploads: &[Upload],
    progress: &mut dyn FnMut(Step),
) -> Result<Accepted, WidgetError> {
    progress(Step::Report);
    let mut answer = transport::post_report(options, body).await?;
    for (index, upload) in uploads.iter().enumerate() {
        progress(Step::Upload {
            name: &upload.attachment.name,
            index,
            total: uploads.len(),
        });
        transport::upload(options, &answer.id, upload).await?;
    }
    if !uploads.is_empty() {
        // Every declared attachment is complete, which moves the report on from
        // `awaiting_media` on the relay.
        answer.status = "received".into();
    }
    Ok(answer)
}

thread_local! {
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
}

/// Sends what the outbox holds for this relay and key; the ids delivered. Stops at the first
/// transient failure (still offline). A report the relay refuses for good is dropped from the
/// outbox with a console warning: it could never be sent.
pub async fn flush(options: &Options) -> Result<Vec<String>, WidgetError> {
    if FLUSHING.replace(true) {
        return Ok(Vec::new());
    }
    let result = flush_all(options).await;
    FLUSHING.set(false);
    result
}

async fn flush_all(options: &Options) -> Result<Vec<String>, WidgetError> {
    let mut delivered = Vec::new();
    for queued in queue::pending(options).await? {
        let id = queued.id;
        if js_sys::Date::now() - queued.queued_at > queue::MAX_AGE_MS {
            queue::remove(&id).await?;
            web_sys::console::warn_1(
                &format!("bugcap: report {id} could not be sent for 30 days and was dropped")
                    .into(),
            );
            continue;
        }
        match send_now(options, &queued.body, &queued.uploads, &mut |_| {}).await {
            Ok(_) => {
                queue::remove(&id).await?;
                delivered.push(id);
            }
            Err(e) if transport::is_transient(&e) => break,
            Err(e) => {
                queue::remove(&id).await?;
                web_sys::console::warn_1(
                    &format!(
                        "bugcap: a saved report was refused and dropped: {}",
                        e.message()
                    )
                    .into(),
                );
            }
        }
    }
    Ok(delivered)
}

/// `navigator.onLine`: `false` means surely offline (`true` only means maybe online).
fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
