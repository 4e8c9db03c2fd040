//! The engine's JSON tree (`bugcap_protocol::json`) against serde_json on generated documents
//! and near-documents: the same texts are JSON to both, they read the same values, and what
//! the tree writes reads back to them.
#![cfg(not(target_arch = "wasm32"))]

use bugcap_protocol::json::Json;
use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value, nested a few levels, with strings full of what needs escaping.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        "[\"\\\\/\u{0}-\u{1f}\u{7f}\u{2028}é😀 a]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Text that is often almost JSON: fragments of it glued together.
fn near_json() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just(" ".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("\\u".to_owned()),
        Just("\"a\"".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("-".to_owned()),
        Just(".".to_owned()),
        Just("e".to_owned()),
        "[0-9]{1,3}".prop_map(|s| s),
        "[a-f0-9]{1,4}".prop_map(|s| s),
        "\\PC{0,2}".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 1..14).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn reads_what_serde_writes_and_writes_what_serde_reads(v in value()) {
        for text in [serde_json::to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap()] {
            let ours = Json::parse(&text).unwrap();
            let back: Value = serde_json::from_str(&ours.to_string()).unwrap();
            // Against serde's own reading of the text: serde_json's float parser does not
            // round every float it prints back to the same bits, and that is not ours to test.
            let theirs: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &theirs);
        }
    }

    #[test]
    fn takes_the_same_texts_as_serde(text in near_json()) {
        let ours = Json::parse(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => {
                let back: Value = serde_json::from_str(&a.to_string()).unwrap();
                prop_assert_eq!(&back, b);
            }
            (Err(_), Err(_)) => {}
            // A number too large for an f64 is JSON by the grammar, and kept as written; serde
            // refuses it. (The relay refuses such a report with a clear error.)
            (Ok(_), Err(e)) if e.to_string().contains("number out of range") => {}
            _ => prop_assert!(false, "{text:?}: ours {ours:?}, serde {theirs:?}"),
        }
    }
}
