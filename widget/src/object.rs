//! Reading plain JS objects property by property. Every reader is total: a missing property, a
//! value of another type, or a getter that throws reads as absent, so a page's odd object can
//! leave a field out but never fail a report.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// `target[key]`; `undefined` when `target` is not an object or the getter throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn string(target: &JsValue, key: &str) -> Option<String> {
    get(target, key).as_string()
}

/// A finite number.
pub fn number(target: &JsValue, key: &str) -> Option<f64> {
    get(target, key).as_f64().filter(|n| n.is_finite())
}

/// A whole number from 0 to `u32::MAX`.
pub fn whole(target: &JsValue, key: &str) -> Option<u32> {
    number(target, key)
        .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
        .map(|n| n as u32)
}

/// A byte count: a whole number from 0.
pub fn size(target: &JsValue, key: &str) -> Option<u64> {
    number(target, key)
        .filter(|n| n.fract() == 0.0 && *n >= 0.0)
        .map(|n| n as u64)
}

/// `true` only for the boolean `true`.
pub fn flag(target: &JsValue, key: &str) -> bool {
    get(target, key).as_bool() == Some(true)
}

/// The object at `key`, if it is one.
pub fn object(target: &JsValue, key: &str) -> Option<JsValue> {
    let value = get(target, key);
    value.is_object().then_some(value)
}

/// The items of the array at `key`; none when it is not an array.
pub fn list(target: &JsValue, key: &str) -> Items {
    Items::of(get(target, key))
}

/// The own enumerable `[name, value]` pairs of the object at `key`.
pub fn entries(target: &JsValue, key: &str) -> impl Iterator<Item = (String, JsValue)> {
    let pairs = match object(target, key) {
        Some(o) => Object::entries(o.unchecked_ref()).into(),
        None => JsValue::UNDEFINED,
    };
    Items::of(pairs).filter_map(|pair| {
        let pair: Array = pair.unchecked_into();
        Some((pair.get(0).as_string()?, pair.get(1)))
    })
}

/// The items of a JS array, in order. A plain counter over the array rather than an adapter
/// chain: every reader iterates with it, and each chain was its own copy of code in the
/// bundle.
pub struct Items {
    array: Array,
    next: u32,
    len: u32,
}

impl Items {
    /// The items of `value`; none when it is not an array.
    pub fn of(value: JsValue) -> Items {
        let len = if Array::is_array(&value) {
            value.unchecked_ref::<Array>().length()
        } else {
            0
        };
        Items {
            array: value.unchecked_into(),
            next: 0,
            len,
        }
    }
}

impl Iterator for Items {
    type Item = JsValue;

    fn next(&mut self) -> Option<JsValue> {
        if self.next >= self.len {
            return None;
        }
        self.next += 1;
        Some(self.array.get(self.next - 1))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.len - self.next) as usize;
        (left, Some(left))
    }
}

/// `items` as a JS array of strings. Built here rather than passed as `Vec<String>`, whose
/// wasm-bindgen conversion (and its glue) cost more bytes than this loop for two short lists
/// of URLs and ids.
pub fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}
