//! Turning arbitrary JS values into short, safe text: bounded depth, key count and length,
//! cycles shown as `[Circular]`, DOM nodes as `<tag#id.class>`, errors with their stack.
//! It never throws: a value whose inspection fails (a throwing getter, a revoked proxy) is
//! shown as `[Unreadable]`.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::text::{json_quote, number};

/// Bounds on how much of one value is serialized.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_keys: usize,
    pub max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 5,
            max_keys: 50,
            max_string_bytes: 2_000,
        }
    }
}

pub struct Serialized {
    pub text: String,
    pub truncated: bool,
}

pub fn to_text(value: &JsValue, limits: &Limits) -> Serialized {
    let mut w = Writer {
        out: String::new(),
        truncated: false,
        limits: *limits,
        seen: Vec::new(),
    };
    // Strings at the top level print raw, as devtools shows them.
    match value.as_string() {
        Some(s) => w.out = s,
        None => w.value(value, 0),
    }
    let mut truncated = w.truncated;
    let text = clip(w.out, limits.max_string_bytes, &mut truncated);
    Serialized { text, truncated }
}

pub use crate::text::clip;

struct Writer {
    out: String,
    truncated: bool,
    limits: Limits,
    seen: Vec<JsValue>,
}

impl Writer {
    fn full(&mut self) -> bool {
        if self.out.len() > self.limits.max_string_bytes {
            self.truncated = true;
            true
        } else {
            false
        }
    }

    fn value(&mut self, v: &JsValue, depth: usize) {
        if self.full() {
            return;
        }
        if let Some(s) = v.as_string() {
            json_quote(&mut self.out, &s);
        } else if let Some(n) = v.as_f64() {
            self.out.push_str(&number(n));
        } else if let Some(b) = v.as_bool() {
            self.out.push_str(if b { "true" } else { "false" });
        } else if v.is_null() {
            self.out.push_str("null");
        } else if v.is_undefined() {
            self.out.push_str("undefined");
        } else if v.is_bigint() || v.is_symbol() {
            self.out.push_str(&stringify(v));
            if v.is_bigint() {
                self.out.push('n');
            }
        } else if v.is_function() {
            let name = Reflect::get(v, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            self.out.push_str(&if name.is_empty() {
                "[Function]".into()
            } else {
                format!("[Function {name}]")
            });
        } else if v.is_object() {
            self.object(v, depth);
        } else {
            self.out.push_str(&stringify(v));
        }
    }

    fn object(&mut self, v: &JsValue, depth: usize) {
        if self.seen.iter().any(|s| Object::is(s, v)) {
            self.out.push_str("[Circular]");
            return;
        }
        if let Some(error) = v.dyn_ref::<js_sys::Error>() {
            let name = String::from(error.name());
            let message = String::from(error.message());
            let stack = Reflect::get(v, &"stack".into())
                .ok()
                .and_then(|s| s.as_string());
            // Chromium's stack already starts with "Name: message".
            match stack {
                Some(stack) if stack.starts_with(&name) => self.out.push_str(&stack),
                Some(stack) => self.out.push_str(&format!("{name}: {message}\n{stack}")),
                None => self.out.push_str(&format!("{name}: {message}")),
            }
            return;
        }
        if let Some(node) = v.dyn_ref::<web_sys::Node>() {
            self.out.push_str(&describe_node(node));
            return;
        }
        if depth >= self.limits.max_depth {
            self.out.push_str(if Array::is_array(v) {
                "[Array]"
            } else {
                "[Object]"
            });
            self.truncated = true;
            return;
        }
        self.seen.push(v.clone());
        if Array::is_array(v) {
            let array: &Array = v.unchecked_ref();
            self.items(
                "[",
                "]",
                array.iter(),
                array.length() as usize,
                depth,
                |w, item, d| w.value(&item, d),
            );
        } else if let Some(map) = v.dyn_ref::<js_sys::Map>() {
            self.out.push_str(&format!("Map({}) ", map.size()));
            let entries: Vec<JsValue> = map.entries().into_iter().filter_map(Result::ok).collect();
            let len = entries.len();
            self.items("{", "}", entries.into_iter(), len, depth, |w, pair, d| {
                let pair: Array = pair.unchecked_into();
                w.value(&pair.get(0), d);
                w.out.push_str(" => ");
                w.value(&pair.get(1), d);
            });
        } else if let Some(set) = v.dyn_ref::<js_sys::Set>() {
            self.out.push_str(&format!("Set({}) ", set.size()));
            let values: Vec<JsValue> = set.values().into_iter().filter_map(Result::ok).collect();
            let len = values.len();
            self.items("{", "}", values.into_iter(), len, depth, |w, item, d| {
                w.value(&item, d)
            });
        } else {
            match Reflect::own_keys(v) {
                Ok(keys) => {
                    let keys: Vec<JsValue> = keys.iter().filter(|k| k.is_string()).collect();
                    let len = keys.len();
                    self.items("{", "}", keys.into_iter(), len, depth, |w, key, d| {
                        let name = key.as_string().unwrap_or_default();
                        json_quote(&mut w.out, &name);
                        w.out.push_str(": ");
                        match Reflect::get(v, &key) {
                            Ok(value) => w.value(&value, d),
                            Err(_) => w.out.push_str("[Unreadable]"),
                        }
                    });
                }
                Err(_) => self.out.push_str("[Unreadable]"),
            }
        }
        self.seen.pop();
    }

    fn items(
        &mut self,
        open: &str,
        close: &str,
        items: impl Iterator<Item = JsValue>,
        len: usize,
        depth: usize,
        mut each: impl FnMut(&mut Writer, JsValue, usize),
    ) {
        self.out.push_str(open);
        for (i, item) in items.take(self.limits.max_keys).enumerate() {
            if self.full() {
                break;
            }
            if i > 0 {
                self.out.push_str(", ");
            }
            each(self, item, depth + 1);
        }
        if len > self.limits.max_keys {
            self.out
                .push_str(&format!(", … {} more", len - self.limits.max_keys));
            self.truncated = true;
        }
        self.out.push_str(close);
    }
}

/// `String(v)` for the primitives that are not strings, numbers or booleans.
fn stringify(v: &JsValue) -> String {
    if let Some(big) = v.dyn_ref::<js_sys::BigInt>() {
        return big.to_string(10).map(String::from).unwrap_or_default();
    }
    if let Some(sym) = v.dyn_ref::<js_sys::Symbol>() {
        return String::from(sym.to_string());
    }
    // No other primitive exists today. A future one is shown as unreadable rather than through
    // `Debug`, which would bring wasm-bindgen's value-describing glue into the module every page
    // loads.
    "[Unreadable]".to_owned()
}

fn describe_node(node: &web_sys::Node) -> String {
    match node.dyn_ref::<web_sys::Element>() {
        Some(el) => {
            let mut s = format!("<{}", el.tag_name().to_ascii_lowercase());
            let id = el.id();
            if !id.is_empty() {
                s.push('#');
                s.push_str(&id);
            }
            for class in el.class_name().split_whitespace().take(3) {
                s.push('.');
                s.push_str(class);
            }
            s.push('>');
            s
        }
        None => format!("[{}]", node.node_name()),
    }
}
