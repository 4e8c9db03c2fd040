//! Report schema v1: the one document the widget builds, the relay stores and the team's backend
//! receives. Field names are the wire names (snake_case JSON). Unknown fields are refused so that a
//! typo or a smuggled field becomes a clear error instead of silently stored data.
//!
//! The structs are declared once, inside [`report_schema!`](crate::schema): the widget's writer,
//! the shape table and both redaction walks are generated from the same field list, so a new
//! field is one line here (with `=> rule` if it carries text to redact) plus its tests.

use crate::map::Map;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The schema version this crate reads and writes. A relay refuses any other value with 422, so
/// an old relay never half-understands a newer widget.
pub const SCHEMA_VERSION: u32 = 1;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

crate::schema::report_schema! {
    /// A bug report as filed from a page.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Report {
        /// Chosen by the client so that a retry of the same report is recognised (idempotency key).
        pub id: Uuid,
        /// Must equal [`SCHEMA_VERSION`].
        pub schema_version: u32,
        /// When the user pressed send, RFC 3339 as the client's clock saw it.
        pub created_at: String,
        /// Set by the relay from the key that filed the report; whatever a client sends is replaced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub project: Option<String>,
        /// Set by the relay from the key that filed the report; whatever a client sends is replaced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub environment: Option<Environment>,
        pub feedback: Feedback => each,
        pub page: Page => each,
        /// Only present when the host app called `identify`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub identity: Option<Identity>,
        /// Host-supplied key/values from `setMetadata`.
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub metadata: Map<MetadataValue> => text,
        #[serde(default)]
        pub console: Vec<ConsoleEntry> => each,
        #[serde(default)]
        pub errors: Vec<ErrorEntry> => each,
        #[serde(default)]
        pub network: Vec<NetworkEntry> => each,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub dom: Option<DomSnapshot> => each,
        #[serde(default)]
        pub annotations: Vec<Annotation> => each,
        /// Media the client will upload after the report is accepted (screenshot, large DOM, files).
        #[serde(default)]
        pub attachments: Vec<Attachment>,
        /// How many values each redaction rule replaced. Never the values themselves.
        #[serde(default)]
        pub redactions: Map<u64>,
        pub client: Client,
    }

    /// What the person filing the report wrote and chose.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Feedback {
        pub text: String => text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub category: Option<String> => text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub severity: Option<Severity>,
        /// Contact address typed into the form when the host did not `identify` the user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
    }

    /// Where the report was filed from. The URL and referrer are scrubbed before they leave the page.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Page {
        pub url: String => url,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub referrer: Option<String> => url,
        #[serde(default)]
        pub title: String => text,
        pub viewport: Size,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub screen: Option<Size>,
        pub device_pixel_ratio: f64,
        #[serde(default)]
        pub user_agent: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub language: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub time_zone: Option<String>,
        /// The user's wall-clock time when the report was built, with its UTC offset
        /// (`2026-11-22T09:15:02.123+01:00`): "it broke at 9" means this clock.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub local_time: Option<String>,
        /// When the page last became visible (RFC 3339, UTC); a page left in a background tab for
        /// hours explains stale data.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub visible_since: Option<String>,
        /// The browser's low-entropy User-Agent Client Hints, where it offers them (Chromium).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_hints: Option<ClientHints>,
        /// The Network Information API's view of the connection, where the browser offers it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub connection: Option<Connection>,
    }

    /// `navigator.userAgentData` without the high-entropy values (which need a prompt-free but
    /// asynchronous request and say more about the device than a bug report needs).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct ClientHints {
        /// `Brand/major` pairs, e.g. `Chromium/131`.
        #[serde(default)]
        pub brands: Vec<String>,
        #[serde(default)]
        pub mobile: bool,
        #[serde(default)]
        pub platform: String,
    }

    /// `navigator.connection`: what the browser estimates about the network.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Connection {
        /// `slow-2g`, `2g`, `3g` or `4g`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub effective_type: Option<String>,
        /// Estimated bandwidth, Mbit/s.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub downlink_mbps: Option<f64>,
        /// Estimated round-trip time, ms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub rtt_ms: Option<f64>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub save_data: bool,
    }

    #[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Size {
        pub width: u32,
        pub height: u32,
    }

    /// Who filed the report, as the host app told the widget through `identify`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Identity {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub email: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
    }

    /// One console call. `args` holds each argument serialized to a bounded string.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct ConsoleEntry {
        pub level: ConsoleLevel,
        /// The arguments joined the way devtools shows them on one line.
        pub message: String => text,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub args: Vec<String> => text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub stack: Option<String> => text,
        /// Milliseconds since the Unix epoch.
        pub timestamp: f64,
        /// Set when an argument was cut at a depth, key-count or length limit.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub truncated: bool,
    }

    /// An uncaught error, unhandled rejection or failed resource load.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct ErrorEntry {
        pub kind: ErrorKind,
        pub message: String => text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source: Option<String> => url,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub line: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub column: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub stack: Option<String> => text,
        /// Milliseconds since the Unix epoch of the first occurrence.
        pub timestamp: f64,
        /// How many identical errors this entry stands for (bursts are de-duplicated).
        #[serde(default = "one")]
        pub count: u32,
    }

    /// One request the page made.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct NetworkEntry {
        pub kind: NetworkKind,
        pub method: String,
        /// Scrubbed: userinfo and sensitive query values are replaced before capture.
        pub url: String => url,
        /// Absent when the request failed or was aborted before a response.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<u16>,
        /// Milliseconds since the Unix epoch.
        pub start_time: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub duration_ms: Option<f64>,
        /// Filtered: sensitive headers keep their name with the value `[REDACTED]`.
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub request_headers: Map<String> => headers,
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub response_headers: Map<String> => headers,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub request_body: Option<Body> => body,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub response_body: Option<Body> => body,
        /// Network failure or abort reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error: Option<String> => text,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub aborted: bool,
    }

    /// A captured request or response body. Only text bodies are ever read, and only a bounded head.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Body {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub content_type: Option<String>,
        /// Redacted text; absent when the body was not read (opaque, binary, not allow-listed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub text: Option<String>,
        /// Size in bytes when known, even when the text was not read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub size: Option<u64>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub truncated: bool,
        /// A cross-origin response whose body the page itself cannot read.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub opaque: bool,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub binary: bool,
    }

    /// The masked DOM snapshot: inline when small, otherwise a declared attachment.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct DomSnapshot {
        /// Serialization format of `node`: `rrweb-snapshot` (rrweb's serialized-node tree).
        pub format: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub node: Option<crate::json::Json> => dom,
        /// Name of the attachment that holds the snapshot when it is too large to inline.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attachment: Option<String>,
        /// The page was larger than the snapshot's node or byte limit, and the rest was left out.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub truncated: bool,
        /// Elements serialized.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nodes: Option<u32>,
    }

    /// A shape drawn on the screenshot, in screenshot pixel coordinates.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Annotation {
        pub kind: AnnotationKind,
        /// Corners for rectangles, start and end for arrows, the path for the pen, the anchor for text.
        pub points: Vec<[f64; 2]>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub color: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub text: Option<String> => text,
    }

    /// Media the client declares in the report and uploads afterwards through a presigned URL.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Attachment {
        /// File-name-like identifier, unique within the report: `[A-Za-z0-9._-]`, 1–64 chars.
        pub name: String,
        pub content_type: String,
        pub size: u64,
        /// Lower-case hex SHA-256 of the bytes.
        pub sha256: String,
    }

    /// The widget that built the report.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[cfg_attr(feature = "schema", derive(JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct Client {
        pub name: String,
        pub version: String,
    }
}

/// The deployment a key is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    Local,
    Staging,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Local => "local",
            Environment::Staging => "staging",
            Environment::Production => "production",
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "local" => Ok(Environment::Local),
            "staging" => Ok(Environment::Staging),
            "production" => Ok(Environment::Production),
            other => Err(format!(
                "unknown environment `{other}`: expected local, staging or production"
            )),
        }
    }
}

impl std::fmt::Display for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The wire name (what serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The severity of a wire name (see [`ConsoleLevel::from_name`]).
    pub fn from_name(name: &str) -> Option<Severity> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

// Written untagged (the bare value); read by hand below, since serde's untagged reading
// buffers each value first and costs the widget's bundle several KB.
/// Metadata values are scalars only, so a host cannot ship an object graph by accident.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum MetadataValue {
    Bool(bool),
    Number(f64),
    String(String),
}

impl<'de> Deserialize<'de> for MetadataValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MetadataVisitor)
    }
}

struct MetadataVisitor;

impl serde::de::Visitor<'_> for MetadataVisitor {
    type Value = MetadataValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_bool<E>(self, v: bool) -> Result<MetadataValue, E> {
        Ok(MetadataValue::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<MetadataValue, E> {
        Ok(MetadataValue::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<MetadataValue, E> {
        Ok(MetadataValue::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<MetadataValue, E> {
        Ok(MetadataValue::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<MetadataValue, E> {
        Ok(MetadataValue::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<MetadataValue, E> {
        Ok(MetadataValue::String(v))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsoleLevel {
    Log,
    Info,
    Warn,
    Error,
    Debug,
    Trace,
    Assert,
    Table,
    Group,
}

impl ConsoleLevel {
    /// The wire name (what serde writes).
    pub fn as_str(self) -> &'static str {
        self.method()
    }

    /// Every level the widget captures, in the order of the `console` methods it wraps.
    pub const ALL: [ConsoleLevel; 9] = [
        ConsoleLevel::Log,
        ConsoleLevel::Info,
        ConsoleLevel::Warn,
        ConsoleLevel::Error,
        ConsoleLevel::Debug,
        ConsoleLevel::Trace,
        ConsoleLevel::Assert,
        ConsoleLevel::Table,
        ConsoleLevel::Group,
    ];

    /// The level of a wire name: how the widget reads what its capture module handed over
    /// without a serde deserializer in the bundle.
    pub fn from_name(name: &str) -> Option<ConsoleLevel> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// The `console` method this level is captured from.
    pub fn method(self) -> &'static str {
        match self {
            ConsoleLevel::Log => "log",
            ConsoleLevel::Info => "info",
            ConsoleLevel::Warn => "warn",
            ConsoleLevel::Error => "error",
            ConsoleLevel::Debug => "debug",
            ConsoleLevel::Trace => "trace",
            ConsoleLevel::Assert => "assert",
            ConsoleLevel::Table => "table",
            ConsoleLevel::Group => "group",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// An uncaught exception (`window.onerror`).
    Error,
    /// A promise rejected with no handler.
    UnhandledRejection,
    /// A script, image or stylesheet that failed to load.
    Resource,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 3] = [
        ErrorKind::Error,
        ErrorKind::UnhandledRejection,
        ErrorKind::Resource,
    ];

    /// The kind of a wire name (see [`ConsoleLevel::from_name`]).
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The wire name (what serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Error => "error",
            ErrorKind::UnhandledRejection => "unhandled_rejection",
            ErrorKind::Resource => "resource",
        }
    }
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    Fetch,
    Xhr,
    Beacon,
}

impl NetworkKind {
    pub const ALL: [NetworkKind; 3] = [NetworkKind::Fetch, NetworkKind::Xhr, NetworkKind::Beacon];

    /// The wire name (what serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkKind::Fetch => "fetch",
            NetworkKind::Xhr => "xhr",
            NetworkKind::Beacon => "beacon",
        }
    }

    /// The kind of a wire name (see [`ConsoleLevel::from_name`]).
    pub fn from_name(name: &str) -> Option<NetworkKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    Rectangle,
    Arrow,
    Pen,
    Text,
    Highlight,
    Redact,
}

impl AnnotationKind {
    pub const ALL: [AnnotationKind; 6] = [
        AnnotationKind::Rectangle,
        AnnotationKind::Arrow,
        AnnotationKind::Pen,
        AnnotationKind::Text,
        AnnotationKind::Highlight,
        AnnotationKind::Redact,
    ];

    /// The wire name, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationKind::Rectangle => "rectangle",
            AnnotationKind::Arrow => "arrow",
            AnnotationKind::Pen => "pen",
            AnnotationKind::Text => "text",
            AnnotationKind::Highlight => "highlight",
            AnnotationKind::Redact => "redact",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        AnnotationKind, ConsoleLevel, Environment, ErrorKind, MetadataValue, NetworkKind, Severity,
    };

    #[test]
    fn wire_names_are_what_serde_writes_and_read_back() {
        for level in ConsoleLevel::ALL {
            assert_eq!(serde_json::to_value(level).unwrap(), level.as_str());
            assert_eq!(ConsoleLevel::from_name(level.as_str()), Some(level));
        }
        for kind in ErrorKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(ErrorKind::from_name(kind.as_str()), Some(kind));
        }
        for kind in NetworkKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            assert_eq!(NetworkKind::from_name(kind.as_str()), Some(kind));
        }
        for kind in AnnotationKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for environment in [
            Environment::Local,
            Environment::Staging,
            Environment::Production,
        ] {
            assert_eq!(
                serde_json::to_value(environment).unwrap(),
                environment.as_str()
            );
        }
        for severity in Severity::ALL {
            assert_eq!(serde_json::to_value(severity).unwrap(), severity.as_str());
            assert_eq!(Severity::from_name(severity.as_str()), Some(severity));
        }
        assert_eq!(ConsoleLevel::from_name("Log"), None);
        assert_eq!(NetworkKind::from_name("websocket"), None);
    }

    #[test]
    fn metadata_values_are_scalars_read_and_written_bare() {
        let read = |s: &str| serde_json::from_str::<MetadataValue>(s).map_err(|e| e.to_string());
        assert_eq!(read("true"), Ok(MetadataValue::Bool(true)));
        assert_eq!(read("4812"), Ok(MetadataValue::Number(4812.0)));
        assert_eq!(read("-3"), Ok(MetadataValue::Number(-3.0)));
        assert_eq!(read("1.5"), Ok(MetadataValue::Number(1.5)));
        assert_eq!(read(r#""pro""#), Ok(MetadataValue::String("pro".into())));
        for bad in ["null", "[1]", r#"{"a": 1}"#] {
            let error = read(bad).expect_err(bad);
            assert!(
                error.contains("a string, number or boolean"),
                "{bad}: {error}"
            );
        }
        let written = serde_json::to_string(&[
            MetadataValue::Bool(false),
            MetadataValue::Number(2.5),
            MetadataValue::String("x".into()),
        ])
        .unwrap();
        assert_eq!(written, r#"[false,2.5,"x"]"#);
    }
}
