//! The redaction corpus, shared by the native tests and the wasm-bindgen tests in Chromium.
//! Both compare their outputs with `expected.json`, so the two targets must agree byte for byte.

#![allow(dead_code)]

use bugcap_protocol::map::Map;

use bugcap_protocol::redact::{Counts, Redactor};
use serde::Deserialize;
use serde_json::{Value, json};

pub const SECRETS: &str = include_str!("secrets.json");
pub const CLEAN: &str = include_str!("clean.json");
pub const EXPECTED: &str = include_str!("expected.json");

#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    pub kind: String,
    pub input: String,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub rule: Option<String>,
}

pub fn cases(json: &str) -> Vec<Case> {
    serde_json::from_str(json).expect("corpus file is valid")
}

/// Runs one case through the entry point its kind uses in real reports.
pub fn run(redactor: &Redactor, kind: &str, input: &str) -> (String, Counts) {
    let mut c = Counts::default();
    let out = match kind {
        "text" => redactor.text(input, &mut c).into_owned(),
        "url" => redactor.url(input, &mut c),
        "json" => redactor
            .body(Some("application/json"), input, &mut c)
            .into_owned(),
        "form" => redactor
            .body(Some("application/x-www-form-urlencoded"), input, &mut c)
            .into_owned(),
        "headers" => {
            let mut map: Map<String> =
                serde_json::from_str(input).expect("headers case is a JSON object");
            redactor.headers().apply(&mut map, &mut c);
            if c.total() == 0 {
                input.to_owned()
            } else {
                serde_json::to_string(&map).expect("serializable")
            }
        }
        other => panic!("unknown corpus kind {other}"),
    };
    (out, c)
}

/// Every output of both corpus files, in the form committed as `expected.json`.
pub fn all_outputs() -> Value {
    let redactor = Redactor::default();
    let outputs = |file: &str| -> Vec<Value> {
        cases(file)
            .iter()
            .map(|case| {
                let (output, counts) = run(&redactor, &case.kind, &case.input);
                json!({ "name": case.name, "output": output, "counts": counts.0 })
            })
            .collect()
    };
    json!({ "secrets": outputs(SECRETS), "clean": outputs(CLEAN) })
}

pub fn render(outputs: &Value) -> String {
    serde_json::to_string_pretty(outputs).expect("serializable") + "\n"
}
