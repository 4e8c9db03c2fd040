//! The outbox: a report that could not be delivered (offline, relay unreachable after retries)
//! is kept in IndexedDB with its media and sent on the next page load or `online` event. The
//! report's id is its idempotency key, so a report sent twice (two tabs flushing, a retry after
//! a lost answer) is still stored once.

use bugcap_protocol::Attachment;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::config::Options;
use crate::error::WidgetError;
use crate::transport::Upload;

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = outboxPut)]
    fn outbox_put(record: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = outboxDelete)]
    fn outbox_delete(id: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = outboxAll)]
    fn outbox_all() -> js_sys::Promise;
}

/// One queued report, as stored: these fields, and beside them `bytes`, an array with one
/// byte array per attachment, in order (kept as JS values: IndexedDB stores them as they are).
struct Record {
    id: String,
    /// Which relay and key it was for: a page that changes either does not send it elsewhere.
    relay: String,
    key: String,
    /// The report as JSON text, redacted, exactly as it would have been sent.
    report: String,
    attachments: Vec<Attachment>,
    queued_at: f64,
}

const BYTES: &str = "bytes";

/// A queued report, read back.
pub struct Queued {
    pub id: String,
    /// The report as JSON text, sent as it is: never parsed again.
    pub body: String,
    pub uploads: Vec<Upload>,
    /// When it was queued, in ms since the epoch.
    pub queued_at: f64,
}

/// How long a queued report is tried before it is given up: a relay unreachable for this long
/// (or an origin it never allowed, which looks the same to the page) will not take it.
pub const MAX_AGE_MS: f64 = 30.0 * 24.0 * 3600.0 * 1000.0;

fn storage_error(e: JsValue) -> WidgetError {
    let message = crate::error::js_message(&e).unwrap_or_else(|| "IndexedDB is unavailable".into());
    WidgetError::Environment(format!(
        "the report could not be saved for later: {message}"
    ))
}

/// Keeps `report` and its uploads until they can be sent.
pub async fn put(
    options: &Options,
    id: &str,
    body: &str,
    uploads: &[Upload],
) -> Result<(), WidgetError> {
    let bytes = js_sys::Array::new();
    for upload in uploads {
        bytes.push(&js_sys::Uint8Array::from(upload.bytes.as_slice()));
    }
    let record = Record {
        id: id.to_owned(),
        relay: options.relay.clone(),
        key: options.key.clone(),
        report: body.to_owned(),
        attachments: uploads.iter().map(|u| u.attachment.clone()).collect(),
        queued_at: js_sys::Date::now(),
    };
    let value = record.to_js(&bytes).map_err(storage_error)?;
    JsFuture::from(outbox_put(&value))
        .await
        .map_err(storage_error)?;
    Ok(())
}

impl Record {
    /// The record as IndexedDB stores it, `bytes` beside its fields.
    fn to_js(&self, bytes: &js_sys::Array) -> Result<JsValue, JsValue> {
        let set = |target: &JsValue, key: &str, value: &JsValue| {
            js_sys::Reflect::set(target, &key.into(), value).map(|_| ())
        };
        let record: JsValue = js_sys::Object::new().into();
        set(&record, "id", &self.id.as_str().into())?;
        set(&record, "relay", &self.relay.as_str().into())?;
        set(&record, "key", &self.key.as_str().into())?;
        set(&record, "report", &self.report.as_str().into())?;
        let attachments = js_sys::Array::new();
        for a in &self.attachments {
            let entry: JsValue = js_sys::Object::new().into();
            set(&entry, "name", &a.name.as_str().into())?;
            set(&entry, "content_type", &a.content_type.as_str().into())?;
            set(&entry, "size", &(a.size as f64).into())?;
            set(&entry, "sha256", &a.sha256.as_str().into())?;
            attachments.push(&entry);
        }
        set(&record, "attachments", &attachments)?;
        set(&record, "queued_at", &self.queued_at.into())?;
        set(&record, BYTES, bytes)?;
        Ok(record)
    }
}

/// Forgets a delivered (or undeliverable) report.
pub async fn remove(id: &str) -> Result<(), WidgetError> {
    JsFuture::from(outbox_delete(id))
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// The reports queued for this relay and key, oldest first.
pub async fn pending(options: &Options) -> Result<Vec<Queued>, WidgetError> {
    let all = JsFuture::from(outbox_all()).await.map_err(storage_error)?;
    let mut records: Vec<(Record, js_sys::Array)> = crate::object::Items::of(all)
        .filter_map(read_record)
        .filter(|(r, _)| r.relay == options.relay && r.key == options.key)
        .collect();
    records.sort_by(|a, b| a.0.queued_at.total_cmp(&b.0.queued_at));
    let mut out = Vec::new();
    for (record, bytes) in records {
        let uploads = record
            .attachments
            .into_iter()
            .zip(bytes.iter())
            .map(|(attachment, bytes)| Upload {
                attachment,
                bytes: js_sys::Uint8Array::new(&bytes).to_vec(),
            })
            .collect();
        out.push(Queued {
            id: record.id,
            body: record.report,
            uploads,
            queued_at: record.queued_at,
        });
    }
    Ok(out)
}

/// A stored record and its byte arrays; `None` for one this version cannot read.
fn read_record(value: JsValue) -> Option<(Record, js_sys::Array)> {
    use crate::object::{get, list, number, size, string};
    let bytes = get(&value, BYTES);
    if !js_sys::Array::is_array(&bytes) {
        return None;
    }
    let attachments = list(&value, "attachments")
        .map(|a| {
            Some(Attachment {
                name: string(&a, "name")?,
                content_type: string(&a, "content_type")?,
                size: size(&a, "size")?,
                sha256: string(&a, "sha256")?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let record = Record {
        id: string(&value, "id")?,
        relay: string(&value, "relay")?,
        key: string(&value, "key")?,
        report: string(&value, "report")?,
        attachments,
        queued_at: number(&value, "queued_at")?,
    };
    Some((record, bytes.unchecked_into()))
}
