//! The bugcap protocol: what a report is, how large it may be, and when it is valid.
//!
//! This crate compiles both natively (for the relay) and to `wasm32-unknown-unknown` (for the
//! widget), so the browser and the server apply the very same rules.

pub mod json;
pub mod limits;
pub mod map;
pub mod redact;
pub mod report;
mod schema;
pub mod search;
pub mod shape;
pub mod validate;
pub mod write;

pub use limits::Limits;
pub use report::*;
pub use validate::{ValidationError, validate};

/// Generates the JSON Schema of [`Report`] as committed at `protocol/report.schema.json`.
#[cfg(feature = "schema")]
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Report);
    serde_json::to_value(schema).expect("a generated schema is always valid JSON")
}
