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

/// The shape `beforeSend`'s result is checked against (`shape::OBJECTS`) must be the schema's:
/// every object, every field, every JSON type. A field added to the Rust types and not to the
/// table would be refused from hosts; one in the table and not in the types would pass the
/// check unredacted.
#[test]
fn the_shape_table_is_the_schema() {
    use bugcap_protocol::shape::{Kind, OBJECTS};
    use serde_json::Value;

    let schema = json_schema();
    let defs = schema["$defs"].as_object().unwrap();
    let def = |r: &Value| -> (String, Value) {
        let name = r
            .as_str()
            .unwrap()
            .trim_start_matches("#/$defs/")
            .to_owned();
        let d = defs[&name].clone();
        (name, d)
    };
    fn describe(kind: &Kind) -> String {
        match kind {
            Kind::Str => "str".into(),
            Kind::Num => "num".into(),
            Kind::Bool => "bool".into(),
            Kind::Scalar => "scalar".into(),
            Kind::Any => "any".into(),
            Kind::List(k) => format!("list({})", describe(k)),
            Kind::Map(k) => format!("map({})", describe(k)),
            Kind::Obj(n) => format!("obj({n})"),
        }
    }
    fn of_schema(s: &Value, def: &dyn Fn(&Value) -> (String, Value)) -> String {
        if s == &Value::Bool(true) {
            return "any".into();
        }
        if let Some(r) = s.get("$ref") {
            let (name, d) = def(r);
            return if d.get("properties").is_some() {
                format!("obj({name})")
            } else if d.get("enum").is_some() || d.get("oneOf").is_some() {
                // A string enum (`oneOf` of string constants when its variants are documented).
                "str".into()
            } else if d.get("anyOf").is_some() {
                "scalar".into()
            } else {
                panic!("{name}: {d}")
            };
        }
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            let not_null: Vec<&Value> = any.iter().filter(|a| a["type"] != "null").collect();
            assert_eq!(not_null.len(), 1, "{s}");
            return of_schema(not_null[0], def);
        }
        let ty = match &s["type"] {
            Value::String(t) => t.clone(),
            Value::Array(ts) => {
                let ts: Vec<&str> = ts
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect();
                assert_eq!(ts.len(), 1, "{s}");
                ts[0].to_owned()
            }
            other => panic!("{other} in {s}"),
        };
        match ty.as_str() {
            "string" => "str".into(),
            "integer" | "number" => "num".into(),
            "boolean" => "bool".into(),
            "array" => format!("list({})", of_schema(&s["items"], def)),
            "object" => format!("map({})", of_schema(&s["additionalProperties"], def)),
            t => panic!("{t}"),
        }
    }

    let mut objects: Vec<(String, Value)> = defs
        .iter()
        .filter(|(_, d)| d.get("properties").is_some())
        .map(|(n, d)| (n.clone(), d.clone()))
        .collect();
    objects.push(("Report".into(), schema.clone()));
    assert_eq!(
        objects.len(),
        OBJECTS.len(),
        "every object of the schema is in the table"
    );
    for (name, d) in objects {
        let (_, fields) = OBJECTS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} is not in the shape table"));
        let props = d["properties"].as_object().unwrap();
        assert_eq!(props.len(), fields.len(), "{name}: the fields differ");
        for (field, kind) in fields.iter() {
            let prop = props
                .get(*field)
                .unwrap_or_else(|| panic!("{name}.{field} is not in the schema"));
            assert_eq!(describe(kind), of_schema(prop, &def), "{name}.{field}");
        }
    }
}
