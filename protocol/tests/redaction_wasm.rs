//! The redaction corpus in headless Chromium: outputs must equal `expected.json`, the file the
//! native run produces, byte for byte.

#![cfg(target_arch = "wasm32")]

mod corpus;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_outputs_are_byte_identical_to_native() {
    let rendered = corpus::render(&corpus::all_outputs());
    assert!(
        rendered == corpus::EXPECTED,
        "the wasm build redacts differently from the native build"
    );
}
