//! A report as JSON text, written field by field: what the widget sends and hands to a host.
//!
//! Why not serde: serde's derived `Serialize` and serde_json's writer, monomorphized for every
//! type of the report, were a large part of the widget's wasm, for one document shape the browser
//! writes. This writer is a fraction of that, and it takes the float formatter as an argument,
//! so the widget lets the browser print numbers (`Number.prototype.toString`: the shortest text
//! that reads back as the same `f64`) instead of linking a float printer. The relay still reads
//! and writes reports with serde; a test holds this writer to serde's output for reports with
//! every field filled, so the two cannot drift apart.

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

struct Writer {
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

    fn object(&mut self, fields: impl FnOnce(&mut Fields)) {
        self.out.push('{');
        let mut f = Fields {
            w: self,
            any: false,
        };
        fields(&mut f);
        self.out.push('}');
    }

    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Writer, &T)) {
        self.out.push('[');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            item(self, x);
        }
        self.out.push(']');
    }

    fn map<V>(&mut self, map: &Map<V>, mut value: impl FnMut(&mut Writer, &V)) {
        self.out.push('{');
        for (i, (k, v)) in map.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_string(k, &mut self.out);
            self.out.push(':');
            value(self, v);
        }
        self.out.push('}');
    }
}

/// The fields of one object being written.
struct Fields<'a> {
    w: &'a mut Writer,
    any: bool,
}

impl Fields<'_> {
    fn key(&mut self, key: &str) -> &mut Writer {
        if self.any {
            self.w.out.push(',');
        }
        self.any = true;
        write_string(key, &mut self.w.out);
        self.w.out.push(':');
        self.w
    }

    fn str(&mut self, key: &str, value: &str) {
        write_string(value, &mut self.key(key).out);
    }

    fn opt_str(&mut self, key: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.str(key, v);
        }
    }

    fn uint(&mut self, key: &str, value: u64) {
        write_uint(value, &mut self.key(key).out);
    }

    fn opt_uint(&mut self, key: &str, value: Option<u64>) {
        if let Some(v) = value {
            self.uint(key, v);
        }
    }

    fn float(&mut self, key: &str, value: f64) {
        self.key(key).float(value);
    }

    fn opt_float(&mut self, key: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.float(key, v);
        }
    }

    fn bool(&mut self, key: &str, value: bool) {
        let w = self.key(key);
        w.out.push_str(if value { "true" } else { "false" });
    }

    /// A flag written only when set.
    fn flag(&mut self, key: &str, value: bool) {
        if value {
            self.bool(key, true);
        }
    }

    fn value(&mut self, key: &str, value: &impl Write) {
        value.write(self.key(key));
    }

    fn opt(&mut self, key: &str, value: &Option<impl Write>) {
        if let Some(v) = value {
            self.value(key, v);
        }
    }

    fn list<T: Write>(&mut self, key: &str, items: &[T]) {
        self.key(key).list(items, |w, x| x.write(w));
    }

    fn strings(&mut self, key: &str, items: &[String]) {
        self.key(key)
            .list(items, |w, s| write_string(s, &mut w.out));
    }

    fn headers(&mut self, key: &str, map: &Map<String>) {
        if !map.is_empty() {
            self.key(key).map(map, |w, v| write_string(v, &mut w.out));
        }
    }
}

trait Write {
    fn write(&self, w: &mut Writer);
}

impl Write for Report {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("id", &self.id.to_string());
            f.uint("schema_version", self.schema_version.into());
            f.str("created_at", &self.created_at);
            f.opt_str("project", &self.project);
            if let Some(environment) = self.environment {
                f.str("environment", environment.as_str());
            }
            f.value("feedback", &self.feedback);
            f.value("page", &self.page);
            f.opt("identity", &self.identity);
            if !self.metadata.is_empty() {
                f.key("metadata").map(&self.metadata, |w, v| v.write(w));
            }
            f.list("console", &self.console);
            f.list("errors", &self.errors);
            f.list("network", &self.network);
            f.opt("dom", &self.dom);
            f.list("annotations", &self.annotations);
            f.list("attachments", &self.attachments);
            f.key("redactions")
                .map(&self.redactions, |w, n| write_uint(*n, &mut w.out));
            f.value("client", &self.client);
        });
    }
}

impl Write for Feedback {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("text", &self.text);
            f.opt_str("category", &self.category);
            if let Some(severity) = self.severity {
                f.str("severity", severity.as_str());
            }
            f.opt_str("email", &self.email);
        });
    }
}

impl Write for Page {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("url", &self.url);
            f.opt_str("referrer", &self.referrer);
            f.str("title", &self.title);
            f.value("viewport", &self.viewport);
            f.opt("screen", &self.screen);
            f.float("device_pixel_ratio", self.device_pixel_ratio);
            f.str("user_agent", &self.user_agent);
            f.opt_str("language", &self.language);
            f.opt_str("time_zone", &self.time_zone);
            f.opt_str("local_time", &self.local_time);
            f.opt_str("visible_since", &self.visible_since);
            f.opt("client_hints", &self.client_hints);
            f.opt("connection", &self.connection);
        });
    }
}

impl Write for Size {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.uint("width", self.width.into());
            f.uint("height", self.height.into());
        });
    }
}

impl Write for ClientHints {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.strings("brands", &self.brands);
            f.bool("mobile", self.mobile);
            f.str("platform", &self.platform);
        });
    }
}

impl Write for Connection {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.opt_str("effective_type", &self.effective_type);
            f.opt_float("downlink_mbps", self.downlink_mbps);
            f.opt_float("rtt_ms", self.rtt_ms);
            f.flag("save_data", self.save_data);
        });
    }
}

impl Write for Identity {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.opt_str("id", &self.id);
            f.opt_str("email", &self.email);
            f.opt_str("name", &self.name);
        });
    }
}

impl Write for MetadataValue {
    fn write(&self, w: &mut Writer) {
        match self {
            MetadataValue::Bool(b) => w.out.push_str(if *b { "true" } else { "false" }),
            MetadataValue::Number(n) => w.float(*n),
            MetadataValue::String(s) => write_string(s, &mut w.out),
        }
    }
}

impl Write for ConsoleEntry {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("level", self.level.as_str());
            f.str("message", &self.message);
            if !self.args.is_empty() {
                f.strings("args", &self.args);
            }
            f.opt_str("stack", &self.stack);
            f.float("timestamp", self.timestamp);
            f.flag("truncated", self.truncated);
        });
    }
}

impl Write for ErrorEntry {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("kind", self.kind.as_str());
            f.str("message", &self.message);
            f.opt_str("source", &self.source);
            f.opt_uint("line", self.line.map(u64::from));
            f.opt_uint("column", self.column.map(u64::from));
            f.opt_str("stack", &self.stack);
            f.float("timestamp", self.timestamp);
            f.uint("count", self.count.into());
        });
    }
}

impl Write for NetworkEntry {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("kind", self.kind.as_str());
            f.str("method", &self.method);
            f.str("url", &self.url);
            f.opt_uint("status", self.status.map(u64::from));
            f.float("start_time", self.start_time);
            f.opt_float("duration_ms", self.duration_ms);
            f.headers("request_headers", &self.request_headers);
            f.headers("response_headers", &self.response_headers);
            f.opt("request_body", &self.request_body);
            f.opt("response_body", &self.response_body);
            f.opt_str("error", &self.error);
            f.flag("aborted", self.aborted);
        });
    }
}

impl Write for Body {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.opt_str("content_type", &self.content_type);
            f.opt_str("text", &self.text);
            f.opt_uint("size", self.size);
            f.flag("truncated", self.truncated);
            f.flag("opaque", self.opaque);
            f.flag("binary", self.binary);
        });
    }
}

impl Write for DomSnapshot {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("format", &self.format);
            if let Some(node) = &self.node {
                node.write(&mut f.key("node").out);
            }
            f.opt_str("attachment", &self.attachment);
            f.flag("truncated", self.truncated);
            f.opt_uint("nodes", self.nodes.map(u64::from));
        });
    }
}

impl Write for Annotation {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("kind", self.kind.as_str());
            f.key("points").list(&self.points, |w, [x, y]| {
                w.out.push('[');
                w.float(*x);
                w.out.push(',');
                w.float(*y);
                w.out.push(']');
            });
            f.opt_str("color", &self.color);
            f.opt_str("text", &self.text);
        });
    }
}

impl Write for Attachment {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("name", &self.name);
            f.str("content_type", &self.content_type);
            f.uint("size", self.size);
            f.str("sha256", &self.sha256);
        });
    }
}

impl Write for Client {
    fn write(&self, w: &mut Writer) {
        w.object(|f| {
            f.str("name", &self.name);
            f.str("version", &self.version);
        });
    }
}
