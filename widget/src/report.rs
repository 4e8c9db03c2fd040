//! Assembling a report from what was captured and what the user wrote.

use bugcap_protocol::{Client, Feedback, Report, SCHEMA_VERSION};

use crate::captured::Captured;
use crate::config::SubmitInput;
use crate::error::WidgetError;
use crate::page;

pub fn build(input: &SubmitInput, captured: Captured) -> Result<Report, WidgetError> {
    Ok(Report {
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
        page: page::capture()?,
        identity: captured.identity,
        metadata: captured.metadata,
        console: captured.console,
        errors: captured.errors,
        network: captured.network,
        dom: None,
        annotations: Vec::new(),
        attachments: Vec::new(),
        redactions: Default::default(),
        client: Client {
            name: "bugcap".into(),
            version: crate::VERSION.into(),
        },
    })
}

/// A random (v4) UUID from the browser's CSPRNG; it is the report's idempotency key.
fn new_id() -> Result<uuid::Uuid, WidgetError> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| WidgetError::Environment("crypto is unavailable".into()))?;
    uuid::Uuid::parse_str(&crypto.random_uuid())
        .map_err(|e| WidgetError::Environment(format!("crypto.randomUUID gave an invalid id: {e}")))
}
