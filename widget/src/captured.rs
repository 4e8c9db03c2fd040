//! What the capture module hands the reporter when a report is built: the contract between the
//! two wasm modules (the small one every page loads at `init`, and the reporter loaded on first
//! use). It crosses as a plain JS object, written by [`write`] and read as [`Captured`].

use bugcap_protocol::map::Map;

use bugcap_protocol::{Body, ConsoleEntry, ErrorEntry, Identity, MetadataValue, NetworkEntry};

#[derive(Debug, Clone, Default)]
pub struct Captured {
    pub console: Vec<ConsoleEntry>,
    pub errors: Vec<ErrorEntry>,
    pub network: Vec<NetworkEntry>,
    pub identity: Option<Identity>,
    pub metadata: Map<MetadataValue>,
    /// Epoch milliseconds the page last became visible; absent while hidden.
    pub visible_since: Option<f64>,
}

/// The capture module's side: builds the object field by field. A serde serializer for JS
/// values would cost every page more at `init` than these few flat records are worth.
#[cfg(feature = "capture")]
pub mod write {
    use bugcap_protocol::map::Map;

    use bugcap_protocol::{ConsoleEntry, ErrorEntry, Identity, MetadataValue};
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::JsValue;

    /// What [`super::Captured`] is read from. `network` holds the hooks' own objects.
    pub struct Out<'a> {
        pub console: &'a [ConsoleEntry],
        pub errors: &'a [ErrorEntry],
        pub network: Array,
        pub identity: Option<&'a Identity>,
        pub metadata: &'a Map<MetadataValue>,
        pub visible_since: Option<f64>,
    }

    /// The plain object for `out`.
    pub fn captured(out: Out) -> JsValue {
        let o = Object::new();
        set(
            &o,
            "console",
            out.console.iter().map(console).collect::<Array>(),
        );
        set(
            &o,
            "errors",
            out.errors.iter().map(error).collect::<Array>(),
        );
        set(&o, "network", out.network);
        if let Some(identity) = out.identity {
            let i = Object::new();
            for (key, value) in [
                ("id", &identity.id),
                ("email", &identity.email),
                ("name", &identity.name),
            ] {
                set_some(&i, key, value.as_deref().map(JsValue::from_str));
            }
            set(&o, "identity", i);
        }
        let metadata = Object::new();
        for (key, value) in out.metadata {
            let value = match value {
                MetadataValue::Bool(b) => JsValue::from_bool(*b),
                MetadataValue::Number(n) => JsValue::from_f64(*n),
                MetadataValue::String(s) => JsValue::from_str(s),
            };
            set(&metadata, key, value);
        }
        set(&o, "metadata", metadata);
        set_some(
            &o,
            "visible_since",
            out.visible_since.map(JsValue::from_f64),
        );
        o.into()
    }

    fn console(entry: &ConsoleEntry) -> JsValue {
        let o = Object::new();
        set(&o, "level", JsValue::from_str(entry.level.as_str()));
        set(&o, "message", JsValue::from_str(&entry.message));
        if !entry.args.is_empty() {
            let args: Array = entry.args.iter().map(|a| JsValue::from_str(a)).collect();
            set(&o, "args", args);
        }
        set_some(&o, "stack", entry.stack.as_deref().map(JsValue::from_str));
        set(&o, "timestamp", JsValue::from_f64(entry.timestamp));
        if entry.truncated {
            set(&o, "truncated", JsValue::TRUE);
        }
        o.into()
    }

    fn error(entry: &ErrorEntry) -> JsValue {
        let o = Object::new();
        set(&o, "kind", JsValue::from_str(entry.kind.as_str()));
        set(&o, "message", JsValue::from_str(&entry.message));
        set_some(&o, "source", entry.source.as_deref().map(JsValue::from_str));
        set_some(&o, "line", entry.line.map(JsValue::from));
        set_some(&o, "column", entry.column.map(JsValue::from));
        set_some(&o, "stack", entry.stack.as_deref().map(JsValue::from_str));
        set(&o, "timestamp", JsValue::from_f64(entry.timestamp));
        set(&o, "count", JsValue::from(entry.count));
        o.into()
    }

    /// `object[key] = value`; an object the widget just made cannot refuse it.
    pub(crate) fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
        let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
    }

    fn set_some(object: &Object, key: &str, value: Option<JsValue>) {
        if let Some(value) = value {
            set(object, key, value);
        }
    }
}

/// The reporter's side: reads the object property by property. Reading it with serde_json
/// (as JSON text) would bring a deserializer into the reporter for this alone (the typed
/// report reader `beforeSend` no longer needs). An entry not of the shape the capture module writes is left
/// out rather than failing the report: the network entries are built by hooks that run among
/// the page's own scripts.
#[cfg(feature = "reporter")]
pub mod read {
    use bugcap_protocol::{
        Body, ConsoleEntry, ConsoleLevel, ErrorEntry, ErrorKind, Identity, MetadataValue,
        NetworkEntry, NetworkKind,
    };
    use wasm_bindgen::JsValue;

    use super::Captured;
    use crate::object::{entries, flag, list, number, object, size, string, whole};

    pub fn captured(value: &JsValue) -> Result<Captured, String> {
        if !value.is_object() {
            return Err("not an object".into());
        }
        Ok(Captured {
            console: list(value, "console").filter_map(|e| console(&e)).collect(),
            errors: list(value, "errors").filter_map(|e| error(&e)).collect(),
            network: list(value, "network").filter_map(|e| network(&e)).collect(),
            identity: object(value, "identity").map(|i| Identity {
                id: string(&i, "id"),
                email: string(&i, "email"),
                name: string(&i, "name"),
            }),
            metadata: entries(value, "metadata")
                .filter_map(|(key, v)| Some((key, metadata(&v)?)))
                .collect(),
            visible_since: number(value, "visible_since"),
        })
    }

    fn console(e: &JsValue) -> Option<ConsoleEntry> {
        Some(ConsoleEntry {
            level: ConsoleLevel::from_name(&string(e, "level")?)?,
            message: string(e, "message")?,
            args: list(e, "args").filter_map(|a| a.as_string()).collect(),
            stack: string(e, "stack"),
            timestamp: number(e, "timestamp")?,
            truncated: flag(e, "truncated"),
        })
    }

    fn error(e: &JsValue) -> Option<ErrorEntry> {
        Some(ErrorEntry {
            kind: ErrorKind::from_name(&string(e, "kind")?)?,
            message: string(e, "message")?,
            source: string(e, "source"),
            line: whole(e, "line"),
            column: whole(e, "column"),
            stack: string(e, "stack"),
            timestamp: number(e, "timestamp")?,
            count: whole(e, "count").unwrap_or(1),
        })
    }

    pub fn network(e: &JsValue) -> Option<NetworkEntry> {
        let headers = |key| {
            entries(e, key)
                .filter_map(|(name, v)| Some((name, v.as_string()?)))
                .collect()
        };
        let body = |key| object(e, key).map(|b| body(&b));
        Some(NetworkEntry {
            kind: NetworkKind::from_name(&string(e, "kind")?)?,
            method: string(e, "method")?,
            url: string(e, "url")?,
            status: whole(e, "status").and_then(|s| u16::try_from(s).ok()),
            start_time: number(e, "start_time")?,
            duration_ms: number(e, "duration_ms"),
            request_headers: headers("request_headers"),
            response_headers: headers("response_headers"),
            request_body: body("request_body"),
            response_body: body("response_body"),
            error: string(e, "error"),
            aborted: flag(e, "aborted"),
        })
    }

    fn body(b: &JsValue) -> Body {
        Body {
            content_type: string(b, "content_type"),
            text: string(b, "text"),
            size: size(b, "size"),
            truncated: flag(b, "truncated"),
            opaque: flag(b, "opaque"),
            binary: flag(b, "binary"),
        }
    }

    fn metadata(v: &JsValue) -> Option<MetadataValue> {
        if let Some(b) = v.as_bool() {
            Some(MetadataValue::Bool(b))
        } else if let Some(n) = v.as_f64() {
            n.is_finite().then_some(MetadataValue::Number(n))
        } else {
            v.as_string().map(MetadataValue::String)
        }
    }
}

const MAX_HEADERS: usize = 64;
const MAX_URL_BYTES: usize = 8 * 1024;
const MAX_HEADER_VALUE_BYTES: usize = 4 * 1024;
const MAX_BODY_BYTES: usize = crate::config::MAX_BODY_LIMIT;

/// Network entries as the hooks built them, held within the schema's limits whatever the page
/// produced, oldest first by start time.
pub fn bound_network(mut entries: Vec<NetworkEntry>) -> Vec<NetworkEntry> {
    entries.sort_by(|a, b| a.start_time.total_cmp(&b.start_time));
    entries.into_iter().map(bounded).collect()
}

/// [`crate::text::clip`] in place.
fn clip(s: &mut String, max: usize, cut: &mut bool) {
    *s = crate::text::clip(std::mem::take(s), max, cut);
}

fn bounded(mut entry: NetworkEntry) -> NetworkEntry {
    let mut cut = false;
    clip(&mut entry.method, 28, &mut cut);
    clip(&mut entry.url, MAX_URL_BYTES, &mut cut);
    for headers in [&mut entry.request_headers, &mut entry.response_headers] {
        while headers.len() > MAX_HEADERS {
            headers.pop_last();
        }
        headers.retain(|name, _| name.len() <= 256);
        for value in headers.values_mut() {
            clip(value, MAX_HEADER_VALUE_BYTES, &mut cut);
        }
    }
    for body in [&mut entry.request_body, &mut entry.response_body]
        .into_iter()
        .flatten()
    {
        bound_body(body);
    }
    if let Some(error) = &mut entry.error {
        clip(error, 1000, &mut cut);
    }
    entry
}

fn bound_body(body: &mut Body) {
    if let Some(text) = &mut body.text {
        let mut cut = false;
        clip(text, MAX_BODY_BYTES, &mut cut);
        body.truncated |= cut;
    }
    if let Some(ct) = &mut body.content_type {
        clip(ct, 200, &mut false);
    }
}
