//! The committed JSON Schema and example are what webhook consumers and other clients build on:
//! these tests fail when either drifts from the Rust types.

#![cfg(feature = "schema")]

use std::path::PathBuf;

use bugcap_protocol::{Limits, Report, json_schema, validate};

fn crate_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
}

#[test]
fn committed_schema_is_current() {
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    let path = crate_file("report.schema.json");
    if std::env::var_os("BUGCAP_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "protocol/report.schema.json is stale: run `BUGCAP_UPDATE_SCHEMA=1 cargo test -p bugcap-protocol --features schema --test schema` and commit it"
    );
}

#[test]
fn minimal_example_is_a_valid_report() {
    let text = std::fs::read_to_string(crate_file("examples/minimal-report.json")).unwrap();
    let report: Report = serde_json::from_str(&text).unwrap();
    validate(&report, &Limits::default()).unwrap();
    assert_eq!(report.schema_version, bugcap_protocol::SCHEMA_VERSION);
}

#[test]
fn schema_refuses_unknown_fields() {
    let mut value: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate_file("examples/minimal-report.json")).unwrap(),
    )
    .unwrap();
    value["surprise"] = serde_json::json!(true);
    let err = serde_json::from_value::<Report>(value).unwrap_err();
    assert!(err.to_string().contains("surprise"), "{err}");
}
