//! Rebuilds a report's masked DOM snapshot (rrweb's serialized-node tree) as an HTML document
//! for the report page's frame.
//!
//! The snapshot is hostile input: it is whatever the reporting page (or someone posting to the
//! relay with its public key) put there. Three walls stand between it and the engineer:
//! 1. This rebuild writes every text and attribute value escaped, keeps only well-formed tag
//!    and attribute names, and drops what can run code or fetch: scripts, event handlers,
//!    frames and objects, `<base>`, `<meta http-equiv>`, links, `srcdoc`, and every URL
//!    attribute that is not an inline image. Style text stays CSS (it cannot close its
//!    `<style>`); its `url()`s are left to the CSP.
//! 2. The document is served with a CSP of its own: `sandbox` (no scripts, an opaque origin)
//!    and `default-src 'none'` (nothing is loaded from anywhere; inline styles and `data:`
//!    images only).
//! 3. The report page embeds it in an `<iframe sandbox>` without `allow-scripts` or
//!    `allow-same-origin`.

use serde_json::{Map, Value};

/// Elements left out with everything inside them.
const DROPPED: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "portal",
    "base",
    "noscript",
    "template",
    "link",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "handler",
    "listener",
];

/// Elements that have no end tag.
const VOID: &[&str] = &[
    "area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
];

/// Attributes whose value is a URL (or a list of them).
const URL_ATTRIBUTES: &[&str] = &[
    "src",
    "href",
    "xlink:href",
    "srcset",
    "poster",
    "background",
    "action",
    "formaction",
    "data",
    "cite",
    "longdesc",
    "usemap",
    "manifest",
    "codebase",
    "ping",
    "lowsrc",
    "dynsrc",
    "imagesrcset",
];

/// Attributes dropped whatever their value.
const DROPPED_ATTRIBUTES: &[&str] = &["srcdoc", "http-equiv", "target", "integrity", "nonce"];

/// The CSP the rebuilt document is served with.
pub const CSP: &str = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                       font-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'";

/// The snapshot as a document. Unknown or broken nodes are skipped, never an error: a damaged
/// snapshot still shows what it can.
pub fn rebuild(node: &Value) -> String {
    let mut out = String::from("<!DOCTYPE html>");
    write_node(&mut out, node, false, 0);
    out
}

/// A document for the frame that says, as text, why there is no snapshot to show.
pub fn notice(why: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html><body style=\"font:15px/1.5 system-ui,sans-serif;padding:1rem\"><p>",
    );
    escape_into(&mut out, why);
    out.push_str(" The file is in the attachments.</p></body></html>");
    out
}

/// Deeper nodes are left out. Chromium's HTML parser nests no deeper than 512 either, so only
/// a page built by script goes past it.
const MAX_DEPTH: usize = 512;

/// How deep the JSON of a snapshot sent as an attachment may nest to be rebuilt: an element
/// takes two levels (the node, its `childNodes`), so this covers [`MAX_DEPTH`] elements twice
/// over. Deeper text is refused before it is parsed, and what is parsed is parsed on a stack
/// sized for this depth ([`DEEP_STACK`]), not on the runtime's.
const MAX_JSON_DEPTH: usize = 4 * MAX_DEPTH;
/// The stack a large snapshot is parsed, rebuilt and dropped on (each is recursive).
const DEEP_STACK: usize = 64 << 20;

/// The largest snapshot attachment rebuilt in the app (the widget sends at most 16 MiB); a
/// parsed tree takes several times its text, so rebuilds also take turns ([`REBUILDS`]).
pub const MAX_REBUILD_BYTES: u64 = 16 * 1024 * 1024;
/// One large rebuild at a time: a burst of page views costs waiting, not memory.
pub static REBUILDS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Why a snapshot sent as an attachment could not be rebuilt.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("it nests deeper than {MAX_JSON_DEPTH} levels")]
    TooDeep,
    #[error("it is not valid JSON ({0})")]
    Json(#[from] serde_json::Error),
    #[error("the rebuild could not run ({0})")]
    Thread(String),
}

/// Parses and rebuilds snapshot JSON of any allowed depth. Recursive all the way (parse,
/// rebuild, drop): call it on a [`DEEP_STACK`] thread, as [`rebuild_stored`] does.
fn rebuild_json(bytes: &[u8]) -> Result<String, SnapshotError> {
    if crate::http::body::json_depth(bytes) > MAX_JSON_DEPTH {
        return Err(SnapshotError::TooDeep);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    // The depth was checked above; serde_json's own limit (128) is far below a real page's.
    de.disable_recursion_limit();
    let value = <Value as serde::Deserialize>::deserialize(&mut de)?;
    de.end()?;
    Ok(rebuild(&value))
}

/// Rebuilds a snapshot that travelled as an attachment (`dom.json`), on a thread of its own
/// with a stack deep enough for it.
pub async fn rebuild_stored(bytes: Vec<u8>) -> Result<String, SnapshotError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("dom-rebuild".into())
        .stack_size(DEEP_STACK)
        .spawn(move || {
            let _ = tx.send(rebuild_json(&bytes));
        })
        .map_err(|e| SnapshotError::Thread(e.to_string()))?;
    rx.await
        .map_err(|_| SnapshotError::Thread("it stopped".into()))?
}

fn children(node: &Map<String, Value>) -> &[Value] {
    node.get("childNodes")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn write_node(out: &mut String, node: &Value, in_style: bool, depth: usize) {
    let Some(node) = node.as_object() else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    match node.get("type").and_then(Value::as_u64) {
        // Document: its children.
        Some(0) => {
            for child in children(node) {
                write_node(out, child, false, depth + 1);
            }
        }
        // Element.
        Some(2) => write_element(out, node, depth),
        // Text (and CDATA): escaped; inside <style> kept raw but unable to close the element.
        Some(3) | Some(4) => {
            let text = node
                .get("textContent")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if in_style {
                out.push_str(&style_text(text));
            } else {
                escape_into(out, text);
            }
        }
        // Doctype (written once, above), comments and anything unknown: nothing.
        _ => {}
    }
}

/// A valid HTML or SVG tag name, lower-cased (SVG's camel case kept).
fn tag_name(raw: &str) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw.starts_with(|c: char| c.is_ascii_alphabetic())
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then(|| raw.to_owned())
}

fn attribute_name(raw: &str) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= 64
        && raw.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c));
    ok.then(|| raw.to_ascii_lowercase())
}

/// Text for a `<style>` element: it cannot close the element (`</` becomes `<\/`, which CSS
/// reads as the same characters).
fn style_text(css: &str) -> String {
    css.replace("</", "<\\/")
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// An attribute value as text (rrweb writes strings, numbers and booleans).
fn attribute_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(true) => Some(String::new()),
        _ => None,
    }
}

/// Whether a URL may stay: an inline image only. Everything else would load from the page's
/// hosts (or run, for `javascript:`), so it goes.
fn inline_image(url: &str) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    url.starts_with("data:image/") && !url.starts_with("data:image/svg")
}

fn write_element(out: &mut String, node: &Map<String, Value>, depth: usize) {
    let Some(tag) = node
        .get("tagName")
        .and_then(Value::as_str)
        .and_then(tag_name)
    else {
        return;
    };
    let lower = tag.to_ascii_lowercase();
    if DROPPED.contains(&lower.as_str()) {
        // A stylesheet the snapshot inlined becomes a <style>.
        if lower == "link"
            && let Some(css) = node
                .get("attributes")
                .and_then(|a| a.get("_cssText"))
                .and_then(Value::as_str)
        {
            out.push_str("<style>");
            out.push_str(&style_text(css));
            out.push_str("</style>");
        }
        return;
    }
    let attributes = node.get("attributes").and_then(Value::as_object);
    if lower == "meta"
        && attributes.is_some_and(|a| {
            a.keys()
                .any(|k| k.eq_ignore_ascii_case("http-equiv") || k.eq_ignore_ascii_case("charset"))
        })
    {
        return;
    }
    // An element the page blocked from capture: a box of its size.
    if let Some(a) = attributes
        && (a.contains_key("rr_width") || a.contains_key("rr_height"))
    {
        let size = |k: &str| {
            a.get(k)
                .and_then(Value::as_str)
                .map(|v| v.trim_end_matches("px"))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        out.push_str(&format!(
            "<div style=\"width:{:.0}px;height:{:.0}px;background:#8884\"></div>",
            size("rr_width").clamp(0.0, 100_000.0),
            size("rr_height").clamp(0.0, 100_000.0)
        ));
        return;
    }
    out.push('<');
    out.push_str(&tag);
    if let Some(attributes) = attributes {
        for (raw, value) in attributes {
            let Some(name) = attribute_name(raw) else {
                continue;
            };
            let Some(text) = attribute_text(value) else {
                continue;
            };
            if name.starts_with("on") || DROPPED_ATTRIBUTES.contains(&name.as_str()) {
                continue;
            }
            if name == "_csstext" {
                continue;
            }
            if URL_ATTRIBUTES.contains(&name.as_str()) && !(name == "src" && inline_image(&text)) {
                continue;
            }
            out.push(' ');
            out.push_str(&name);
            out.push_str("=\"");
            escape_into(out, &text);
            out.push('"');
        }
    }
    out.push('>');
    if VOID.contains(&lower.as_str()) {
        return;
    }
    if lower == "style" {
        if let Some(css) = attributes
            .and_then(|a| a.get("_cssText"))
            .and_then(Value::as_str)
        {
            out.push_str(&style_text(css));
        } else {
            for child in children(node) {
                write_node(out, child, true, depth + 1);
            }
        }
    } else {
        for child in children(node) {
            write_node(out, child, false, depth + 1);
        }
    }
    out.push_str("</");
    out.push_str(&tag);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn element(tag: &str, attributes: Value, children: Vec<Value>) -> Value {
        json!({ "type": 2, "tagName": tag, "attributes": attributes, "childNodes": children })
    }

    fn text(t: &str) -> Value {
        json!({ "type": 3, "textContent": t })
    }

    #[test]
    fn text_and_attributes_are_escaped_and_nothing_that_runs_or_fetches_survives() {
        let doc = json!({ "type": 0, "childNodes": [
            { "type": 1, "name": "html" },
            element("html", json!({}), vec![
                element("head", json!({}), vec![
                    element("meta", json!({ "http-equiv": "refresh", "content": "0;url=https://evil.test" }), vec![]),
                    element("base", json!({ "href": "https://evil.test/" }), vec![]),
                    element("link", json!({ "rel": "stylesheet", "href": "https://evil.test/a.css", "_cssText": "b{color:red}</style><script>alert(1)</script>" }), vec![]),
                    element("script", json!({}), vec![text("alert(1)")]),
                    element("style", json!({}), vec![json!({ "type": 3, "textContent": "p{background:url(https://evil.test/x)}</style><img src=x onerror=alert(1)>", "isStyle": true })]),
                ]),
                element("body", json!({ "onload": "alert(1)" }), vec![
                    element("p", json!({ "title": "\"><script>alert(1)</script>", "style": "color:red" }), vec![text("<img src=x onerror=alert(1)>")]),
                    element("a", json!({ "href": "javascript:alert(1)" }), vec![text("link")]),
                    element("img", json!({ "src": "https://evil.test/pixel.gif", "srcset": "https://evil.test/a 1x" }), vec![]),
                    element("img", json!({ "src": "data:image/png;base64,AAAA" }), vec![]),
                    element("img", json!({ "src": "data:image/svg+xml,<svg onload=alert(1)>" }), vec![]),
                    element("iframe", json!({ "srcdoc": "<script>alert(1)</script>" }), vec![]),
                    element("svg", json!({}), vec![element("script", json!({}), vec![text("alert(1)")]), element("set", json!({ "attributeName": "href", "to": "javascript:alert(1)" }), vec![])]),
                    element("div", json!({ "rr_width": "300px", "rr_height": "50px" }), vec![]),
                    element("x\"><script>", json!({}), vec![]),
                    element("p", json!({ "a\"b": "1", "ONCLICK": "alert(1)" }), vec![text("ok")]),
                ]),
            ]),
        ]});
        let html = rebuild(&doc);
        // Style text is CSS, kept (its url()s are stopped by the CSP), but it cannot close its
        // element: every <style> ends where it should.
        assert_eq!(html.matches("<style>").count(), 2);
        assert_eq!(html.matches("</style>").count(), 2);
        let mut outside = String::new();
        for (i, part) in html.split("<style>").enumerate() {
            outside.push_str(if i == 0 {
                part
            } else {
                part.split_once("</style>").map_or("", |(_, after)| after)
            });
        }
        let lower = outside.to_ascii_lowercase();
        for banned in [
            "<script",
            "onerror=\"",
            "onload=\"",
            "onclick=\"",
            "javascript:",
            "evil.test",
            "<iframe",
            "<base",
            "http-equiv",
            "srcdoc",
            "<set",
            "data:image/svg",
        ] {
            assert!(!lower.contains(banned), "{banned} in {html}");
        }
        assert!(html.contains("&lt;img src=x"), "{html}");
        assert!(html.contains("<style>b{color:red}<\\/style>"), "{html}");
        assert!(html.contains("src=\"data:image/png;base64,AAAA\""));
        assert!(html.contains("width:300px;height:50px"));
        assert!(
            html.contains("<p style=\"color:red\" title=\"&quot;&gt;&lt;script"),
            "{html}"
        );
        assert!(html.starts_with("<!DOCTYPE html><html><head>"));
    }

    /// A snapshot deeper than serde_json's 128 levels, as a script-built page makes, rebuilds
    /// down to the rebuild's own limit; deeper text is refused before it is parsed.
    #[tokio::test]
    async fn deep_snapshots_rebuild_on_their_own_stack() {
        let nest = |levels: usize| {
            let mut json = String::new();
            for _ in 0..levels {
                json.push_str(r#"{"type":2,"tagName":"div","attributes":{},"childNodes":["#);
            }
            json.push_str(r#"{"type":3,"textContent":"bottom <b>"}"#);
            json.push_str(&"]}".repeat(levels));
            json.into_bytes()
        };
        let html = rebuild_stored(nest(300)).await.unwrap();
        assert!(html.contains("bottom &lt;b&gt;"));
        assert_eq!(html.matches("<div>").count(), 300);
        let html = rebuild_stored(nest(MAX_JSON_DEPTH / 2 - 1)).await.unwrap();
        assert!(!html.contains("bottom"), "cut at the rebuild's depth");
        assert!(matches!(
            rebuild_stored(nest(MAX_JSON_DEPTH)).await,
            Err(SnapshotError::TooDeep)
        ));
        let brackets = "[".repeat(10_000_000).into_bytes();
        assert!(matches!(
            rebuild_stored(brackets).await,
            Err(SnapshotError::TooDeep)
        ));
        assert!(matches!(
            rebuild_stored(b"{\"type\":0,".to_vec()).await,
            Err(SnapshotError::Json(_))
        ));
    }

    #[test]
    fn broken_nodes_are_skipped() {
        for node in [
            json!(null),
            json!([]),
            json!({ "type": 2 }),
            json!({ "type": 9 }),
        ] {
            assert_eq!(rebuild(&node), "<!DOCTYPE html>");
        }
        let mut deep = text("bottom");
        for _ in 0..600 {
            deep = element("div", json!({}), vec![deep]);
        }
        assert!(!rebuild(&deep).contains("bottom"));
    }
}
