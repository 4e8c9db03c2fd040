//! Assembling a report from what was captured, what the user wrote and the page as it is now,
//! redacted, with the media to upload after the relay accepts it.

use bugcap_protocol::redact::Redactor;
use bugcap_protocol::{
    Annotation, Attachment, Client, DomSnapshot, Feedback, Report, SCHEMA_VERSION,
};

use crate::captured::Captured;
use crate::config::{Options, SubmitInput};
use crate::error::WidgetError;
use crate::transport::{self, Upload};
use crate::{page, snapshot};

/// The attachment name of a DOM snapshot too large to travel inside the report.
pub const DOM_ATTACHMENT: &str = "dom.json";

/// A snapshot stays inside the report when it is at most this large…
const INLINE_DOM_BYTES: usize = 256 * 1024;
/// …nests no deeper than the relay's JSON depth limit allows under `dom.node`…
const INLINE_DOM_DEPTH: usize = 56;
/// …and holds no string longer than the relay accepts inside a report.
const INLINE_DOM_STRING: usize = 60 * 1024;

/// A file the user adds to the report: the (annotated) screenshot or an attached image.
#[derive(Clone)]
pub struct File {
    /// The attachment name: `[A-Za-z0-9._-]`, unique within the report.
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What the user added beside their text (files, and the shapes drawn on the screenshot), and
/// what they chose to leave out.
#[derive(Default)]
pub struct Extras {
    pub files: Vec<File>,
    pub annotations: Vec<Annotation>,
    /// No DOM snapshot, even where the host's options ask for one.
    pub leave_out_dom: bool,
    /// No request or response bodies.
    pub leave_out_bodies: bool,
}

/// The report, redacted, and the attachments it declares.
pub struct Built {
    pub report: Report,
    pub uploads: Vec<Upload>,
}

pub async fn build(
    options: &Options,
    redactor: &Redactor,
    input: &SubmitInput,
    captured: Captured,
    extras: Extras,
) -> Result<Built, WidgetError> {
    let mut report = Report {
        id: new_id()?,
        schema_version: SCHEMA_VERSION,
        created_at: String::from(js_sys::Date::new_0().to_iso_string()),
        project: None,
        environment: None,
        feedback: Feedback {
            text: input.text.clone(),
            category: input.category.clone(),
            severity: input.severity,
            email: input.email.clone(),
        },
        page: page::capture(captured.visible_since)?,
        identity: captured.identity,
        metadata: captured.metadata,
        console: captured.console,
        errors: captured.errors,
        network: if extras.leave_out_bodies {
            without_bodies(captured.network)
        } else {
            captured.network
        },
        dom: None,
        annotations: extras.annotations,
        attachments: Vec::new(),
        redactions: Default::default(),
        client: Client {
            name: "bugcap".into(),
            version: crate::VERSION.into(),
        },
    };
    let mut uploads = Vec::new();
    for file in extras.files {
        let attachment = Attachment {
            name: file.name,
            content_type: file.content_type,
            size: file.bytes.len() as u64,
            sha256: transport::sha256(&file.bytes).await?,
        };
        report.attachments.push(attachment.clone());
        uploads.push(Upload {
            attachment,
            bytes: file.bytes,
        });
    }
    let mut dom_counts = Default::default();
    if options.dom_snapshot && !extras.leave_out_dom {
        let snap = snapshot::take(&options.masking(), redactor)?;
        dom_counts = snap.counts;
        let mut dom = DomSnapshot {
            format: snapshot::FORMAT.into(),
            node: None,
            attachment: None,
            truncated: snap.stats.truncated,
            nodes: Some(snap.stats.nodes),
        };
        let inline = snap.json.len() <= INLINE_DOM_BYTES
            && snap.stats.json_depth <= INLINE_DOM_DEPTH
            && snap.stats.longest_string <= INLINE_DOM_STRING;
        if inline {
            dom.node = Some(bugcap_protocol::json::Json::parse(&snap.json).map_err(|e| {
                WidgetError::Environment(format!("the DOM snapshot is not valid JSON: {e}"))
            })?);
        } else {
            let bytes = snap.json.into_bytes();
            let attachment = Attachment {
                name: DOM_ATTACHMENT.into(),
                content_type: "application/json".into(),
                size: bytes.len() as u64,
                sha256: transport::sha256(&bytes).await?,
            };
            report.attachments.push(attachment.clone());
            dom.attachment = Some(DOM_ATTACHMENT.into());
            uploads.push(Upload { attachment, bytes });
        }
        report.dom = Some(dom);
    }
    // Secrets leave the report here, before anything is sent. An inline snapshot is scanned
    // again with the rest; it was redacted node by node as it was written.
    redactor.report(&mut report);
    dom_counts.merge_into(&mut report.redactions);
    Ok(Built { report, uploads })
}

/// `network` with every request and response body taken out.
fn without_bodies(
    mut network: Vec<bugcap_protocol::NetworkEntry>,
) -> Vec<bugcap_protocol::NetworkEntry> {
    for entry in &mut network {
        entry.request_body = None;
        entry.response_body = None;
    }
    network
}

/// The report as a plain JS object (maps as objects), as `capture` and `beforeSend` show it.
pub fn to_js(report: &Report) -> Result<wasm_bindgen::JsValue, WidgetError> {
    crate::json::report_object(report).map_err(WidgetError::Environment)
}

/// A random (v4) UUID from the browser's CSPRNG; it is the report's idempotency key.
fn new_id() -> Result<uuid::Uuid, WidgetError> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| WidgetError::Environment("crypto is unavailable".into()))?;
    // Random bytes rather than `crypto.randomUUID()`: they need no secure context, and no
    // UUID parser is linked to read the browser's text back.
    let mut bytes = [0u8; 16];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| WidgetError::Environment("crypto.getRandomValues failed".into()))?;
    Ok(uuid::Builder::from_random_bytes(bytes).into_uuid())
}
