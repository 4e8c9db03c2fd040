//! A report as JSON text, written field by field: what the widget sends and hands to a host.
//!
//! Why not serde: serde's derived `Serialize` and serde_json's writer, monomorphized for every
//! type of the report, were a large part of the widget's wasm, for one document shape the browser
//! writes. This writer is a fraction of that, and it takes the float formatter as an argument,
//! so the widget lets the browser print numbers (`Number.prototype.toString`: the shortest text
//! that reads back as the same `f64`) instead of linking a float printer. The relay still reads
//! and writes reports with serde; a test holds this writer to serde's output for reports with
//! every field filled, so the two cannot drift apart.
//!
//! What each object writes is generated from the report's declaration ([`crate::schema`]);
//! this file has the writer and how each kind of value is written.

use crate::json::Json;
use crate::json::{write_string, write_uint};
use crate::map::Map;
use crate::report::*;

/// Appends an `f64` as JSON: finite numbers only are ever given.
pub type FloatText = fn(f64, &mut String);

/// `report` as compact JSON, floats printed by `float`.
pub fn report(report: &Report, float: FloatText) -> String {
    let mut w = Writer {
        out: String::with_capacity(4096),
        float,
    };
    report.write(&mut w);
    w.out
}

/// Rust's own float printing, where its size does not matter (the relay, tests). A number
/// that is not finite, which JSON cannot hold, is written `null`, as serde_json does.
pub fn std_float(n: f64, out: &mut String) {
    if n.is_finite() {
        out.push_str(&n.to_string());
    } else {
        out.push_str("null");
    }
}

/// The JSON text being written.
pub(crate) struct Writer {
    out: String,
    float: FloatText,
}

impl Writer {
    fn float(&mut self, n: f64) {
        if n.is_finite() {
            (self.float)(n, &mut self.out);
        } else {
            self.out.push_str("null");
        }
    }

    /// An object whose members `fields` writes.
    pub(crate) fn object(&mut self, fields: impl FnOnce(&mut Fields)) {
        self.out.push('{');
        let mut f = Fields {
            w: self,
            any: false,
        };
        fields(&mut f);
        self.out.push('}');
    }
}

/// The members of one object being written.
pub(crate) struct Fields<'a> {
    w: &'a mut Writer,
    any: bool,
}

impl Fields<'_> {
    /// The member `key`: `value`.
    pub(crate) fn value(&mut self, key: &str, value: &(impl Write + ?Sized)) {
        if self.any {
            self.w.out.push(',');
        }
        self.any = true;
        write_string(key, &mut self.w.out);
        self.w.out.push(':');
        value.write(self.w);
    }
}

/// A value as JSON.
pub(crate) trait Write {
    fn write(&self, w: &mut Writer);
}

impl Write for String {
    fn write(&self, w: &mut Writer) {
        write_string(self, &mut w.out);
    }
}

impl Write for uuid::Uuid {
    fn write(&self, w: &mut Writer) {
        write_string(&self.to_string(), &mut w.out);
    }
}

impl Write for u16 {
    fn write(&self, w: &mut Writer) {
        write_uint(u64::from(*self), &mut w.out);
    }
}

impl Write for u32 {
    fn write(&self, w: &mut Writer) {
        write_uint(u64::from(*self), &mut w.out);
    }
}

impl Write for u64 {
    fn write(&self, w: &mut Writer) {
        write_uint(*self, &mut w.out);
    }
}

impl Write for f64 {
    fn write(&self, w: &mut Writer) {
        w.float(*self);
    }
}

impl Write for bool {
    fn write(&self, w: &mut Writer) {
        w.out.push_str(if *self { "true" } else { "false" });
    }
}

/// The DOM snapshot's tree, as it is held.
impl Write for Json {
    fn write(&self, w: &mut Writer) {
        Json::write(self, &mut w.out);
    }
}

/// An annotation's point: `[x, y]`.
impl Write for [f64; 2] {
    fn write(&self, w: &mut Writer) {
        w.out.push('[');
        w.float(self[0]);
        w.out.push(',');
        w.float(self[1]);
        w.out.push(']');
    }
}

impl<T: Write> Write for Vec<T> {
    fn write(&self, w: &mut Writer) {
        w.out.push('[');
        for (i, x) in self.iter().enumerate() {
            if i > 0 {
                w.out.push(',');
            }
            x.write(w);
        }
        w.out.push(']');
    }
}

impl<V: Write> Write for Map<V> {
    fn write(&self, w: &mut Writer) {
        w.out.push('{');
        for (i, (k, v)) in self.iter().enumerate() {
            if i > 0 {
                w.out.push(',');
            }
            write_string(k, &mut w.out);
            w.out.push(':');
            v.write(w);
        }
        w.out.push('}');
    }
}

impl Write for MetadataValue {
    fn write(&self, w: &mut Writer) {
        match self {
            MetadataValue::Bool(b) => b.write(w),
            MetadataValue::Number(n) => w.float(*n),
            MetadataValue::String(s) => s.write(w),
        }
    }
}

/// The report's enums are written by their wire names.
macro_rules! by_name {
    ($($kind:ty),*) => {$(
        impl Write for $kind {
            fn write(&self, w: &mut Writer) {
                write_string(self.as_str(), &mut w.out);
            }
        }
    )*};
}

by_name!(
    Environment,
    Severity,
    ConsoleLevel,
    ErrorKind,
    NetworkKind,
    AnnotationKind
);
