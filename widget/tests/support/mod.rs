//! What the widget's browser tests share.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function js(text) { return (0, eval)("(" + text + ")"); }
"#)]
extern "C" {
    /// Evaluates a JS expression: a test's input exactly as a host page would write it.
    pub fn js(text: &str) -> JsValue;
}
