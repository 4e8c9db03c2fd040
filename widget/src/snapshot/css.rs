//! Stylesheet text for the snapshot: relative `url(…)` references made absolute, so the
//! snapshot renders the same fonts and images away from the page.

use std::borrow::Cow;

/// Rewrites every relative `url(…)` in `css` through `resolve` (which makes it absolute, or
/// gives `None` to leave it). Absolute, `data:` and fragment references are left as they are.
pub fn absolutify<'a>(
    css: &'a str,
    mut resolve: impl FnMut(&str) -> Option<String>,
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
        if !is_relative(url) {
            continue;
        }
        if let Some(absolute) = resolve(url) {
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
