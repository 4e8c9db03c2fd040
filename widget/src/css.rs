//! The page's stylesheets as text, read the same way by the DOM snapshot and the screenshot:
//! rules of readable sheets (imports followed), constructed sheets, and `url(…)` references
//! rewritten (made absolute for the snapshot, inlined as `data:` URLs for the screenshot).

use std::borrow::Cow;

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Rewrites every relative `url(…)` in `css` through `resolve` (which makes it absolute, or
/// gives `None` to leave it). Absolute, `data:` and fragment references are left as they are.
pub fn absolutify<'a>(
    css: &'a str,
    mut resolve: impl FnMut(&str) -> Option<String>,
) -> Cow<'a, str> {
    rewrite_urls(
        css,
        |url| if is_relative(url) { resolve(url) } else { None },
    )
}

/// Rewrites every `url(…)` in `css` through `rewrite`, which gives the replacement or `None` to
/// leave that one as it is.
pub fn rewrite_urls<'a>(
    css: &'a str,
    mut rewrite: impl FnMut(&str) -> Option<String>,
) -> Cow<'a, str> {
    let bytes = css.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = find_url_open(&bytes[at..]) {
        let open = at + found + 4; // after `url(`
        let Some((start, end, close)) = url_token(css, open) else {
            at = open;
            continue;
        };
        at = close;
        let url = &css[start..end];
        if let Some(absolute) = rewrite(url) {
            out.push_str(&css[copied..start]);
            out.push_str(
                &absolute
                    .replace('"', "%22")
                    .replace('\'', "%27")
                    .replace(')', "%29"),
            );
            copied = end;
        }
    }
    if copied == 0 {
        Cow::Borrowed(css)
    } else {
        out.push_str(&css[copied..]);
        Cow::Owned(out)
    }
}

fn find_url_open(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w[3] == b'(' && w[..3].eq_ignore_ascii_case(b"url"))
}

/// The URL inside `url(` starting at `open`: (start, end, index after the closing paren).
fn url_token(css: &str, open: usize) -> Option<(usize, usize, usize)> {
    let bytes = css.as_bytes();
    let mut i = open;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    let quote = match bytes.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            i += 1;
            Some(q)
        }
        _ => None,
    };
    let start = i;
    let end = match quote {
        Some(q) => start + bytes[start..].iter().position(|&b| b == q)?,
        None => {
            start
                + bytes[start..]
                    .iter()
                    .position(|&b| b == b')' || b.is_ascii_whitespace())?
        }
    };
    let close = end + bytes[end..].iter().position(|&b| b == b')')? + 1;
    Some((start, end, close))
}

/// `url` made absolute against `base`, or `None` when it already is (or cannot be).
pub fn resolve(url: &str, base: &str) -> Option<String> {
    let trimmed = url.trim();
    let starts = |p: &str| {
        trimmed.len() >= p.len() && trimmed.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    if trimmed.is_empty()
        || trimmed.starts_with('#')
        || starts("http:")
        || starts("https:")
        || starts("data:")
        || starts("blob:")
        || starts("mailto:")
        || starts("tel:")
    {
        return None;
    }
    resolve_plain(trimmed, base).or_else(|| {
        web_sys::Url::new_with_base(trimmed, base)
            .ok()
            .map(|u| u.href())
    })
}

/// `url` made absolute against an `http(s)` `base` (a URL as the browser writes it, such as
/// `document.baseURI`) without the browser's parser, for what pages are mostly made of: a path
/// (`/orders/7?ref=list`, `img/a.png`) or a query (`?page=2`) of plain characters. `None` for
/// anything the parser would change beyond joining (dot segments, characters it escapes, `\`,
/// `//host`, a first segment that could be a scheme), which [`resolve`] leaves to the browser.
///
/// Why: one `new URL()` per link and image was the largest single cost of a DOM snapshot
/// (`npm run bench`), and a browser test holds this to the parser.
pub fn resolve_plain(url: &str, base: &str) -> Option<String> {
    let plain = |c: u8| c.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/?#%".contains(&c);
    let bytes = url.as_bytes();
    let dotted = url.starts_with('.')
        || bugcap_protocol::search::contains(url, "/.")
        || bytes
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'2' && w[2] | 0x20 == b'e');
    if url.is_empty() || !bytes.iter().all(|&c| plain(c)) || dotted || url.starts_with("//") {
        return None;
    }
    let after_scheme = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))?;
    let authority_end = base.len() - after_scheme.len()
        + after_scheme
            .find(['/', '?', '#'])
            .unwrap_or(after_scheme.len());
    let path_end = authority_end
        + base[authority_end..]
            .find(['?', '#'])
            .unwrap_or(base.len() - authority_end);
    let (origin, path) = (&base[..authority_end], &base[authority_end..path_end]);
    let directory = match path.rfind('/') {
        Some(slash) => &path[..=slash],
        None => "/",
    };
    let middle = match bytes[0] {
        b'/' => "",
        b'?' if path.is_empty() => "/",
        b'?' => path,
        b'#' => return None,
        // `mailto:x` or `foo:bar` is a URL of its own, not a path.
        _ if url
            .split(['/', '?', '#'])
            .next()
            .is_some_and(|s| s.contains(':')) =>
        {
            return None;
        }
        _ => directory,
    };
    let mut joined = String::with_capacity(origin.len() + middle.len() + url.len());
    for part in [origin, middle, url] {
        joined.push_str(part);
    }
    Some(joined)
}

/// Whether a `<link>`'s attributes make it a stylesheet.
pub fn is_stylesheet_link(list: &[(String, String)]) -> bool {
    list.iter().any(|(n, v)| {
        n == "rel"
            && v.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("stylesheet"))
    })
}

/// The `CSSStyleSheet` of a `<style>` or `<link>` element, when it has loaded.
pub fn sheet_of(el: &web_sys::Element) -> Option<JsValue> {
    Reflect::get(el, &"sheet".into())
        .ok()
        .filter(|s| !s.is_null() && !s.is_undefined())
}

/// The text of every rule of `sheet`, with `@import`ed sheets written in place of their rule;
/// `None` when the sheet is cross-origin (unreadable). An unreadable import is left as the rule.
pub fn rules_text(sheet: &JsValue) -> Option<String> {
    let mut text = String::new();
    append_rules(sheet, &mut text, 0)?;
    Some(text)
}

/// How deep `@import` chains are followed.
const MAX_IMPORT_DEPTH: u32 = 4;

fn append_rules(sheet: &JsValue, text: &mut String, depth: u32) -> Option<()> {
    let sheet: &web_sys::CssStyleSheet = sheet.unchecked_ref();
    let rules = sheet.css_rules().ok()?;
    for i in 0..rules.length() {
        let Some(rule) = rules.item(i) else { continue };
        // CSSRule.IMPORT_RULE; a media-qualified import is kept as the rule, which only loses
        // it where the sheet cannot be fetched (the screenshot), not its media condition.
        if rule.type_() == 3 && depth < MAX_IMPORT_DEPTH {
            let imported = Reflect::get(&rule, &"styleSheet".into()).ok();
            let media = Reflect::get(&rule, &"media".into())
                .ok()
                .and_then(|m| Reflect::get(&m, &"mediaText".into()).ok())
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            if let Some(imported) = imported.filter(|s| s.is_object())
                && media.is_empty()
            {
                let mark = text.len();
                if append_rules(&imported, text, depth + 1).is_some() {
                    continue;
                }
                text.truncate(mark);
            }
        }
        text.push_str(&rule.css_text());
    }
    Some(())
}

/// The text of a document's or shadow root's `adoptedStyleSheets`, when it has any.
pub fn adopted_css(target: &JsValue) -> Option<String> {
    let sheets = Reflect::get(target, &"adoptedStyleSheets".into()).ok()?;
    if !Array::is_array(&sheets) {
        return None;
    }
    let text: String = Array::from(&sheets)
        .iter()
        .filter_map(|sheet| rules_text(&sheet))
        .collect();
    (!text.is_empty()).then_some(text)
}

fn is_relative(url: &str) -> bool {
    let lower = |p: &str| {
        url.len() >= p.len() && url.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    !(url.is_empty()
        || url.starts_with('#')
        || url.starts_with("//")
        || lower("data:")
        || lower("http:")
        || lower("https:")
        || lower("blob:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(u: &str) -> Option<String> {
        Some(format!("https://cdn.test/css/{u}"))
    }

    #[test]
    fn rewrites_relative_urls_in_every_quoting() {
        let css = r#"a{background:url(img/a.png)} b{src:URL( "f.woff2" )} c{x:url('c.svg#i')}"#;
        assert_eq!(
            absolutify(css, base),
            r#"a{background:url(https://cdn.test/css/img/a.png)} b{src:URL( "https://cdn.test/css/f.woff2" )} c{x:url('https://cdn.test/css/c.svg#i')}"#
        );
    }

    #[test]
    fn leaves_absolute_data_and_fragment_urls() {
        let css = "a{b:url(https://x/y.png)}c{d:url(data:image/png;base64,AA==)}e{f:url(#g)}";
        assert!(matches!(absolutify(css, base), Cow::Borrowed(_)));
    }

    #[test]
    fn unterminated_url_is_left_alone() {
        assert_eq!(absolutify("a{b:url(x.png", base), "a{b:url(x.png");
    }
}
