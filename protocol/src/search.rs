//! Finding a short piece of text in another, for the few places that look for a literal
//! (`"://"`, `"[REDACTED"`, a placeholder such as `"{size}"`).
//!
//! Why not `str::find(&str)`: its Two-Way searcher, forwards and backwards, is about 2 KB of
//! the widget's wasm, and these needles are a few bytes long in texts that are short, or are
//! scanned once: a plain search is as quick there.

/// The byte offset of the first `needle` in `haystack`.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return Some(0);
    }
    (0..=hay.len().checked_sub(needle.len())?).find(|&i| hay[i..].starts_with(needle))
}

/// The byte offset of the last `needle` in `haystack`.
pub fn rfind(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..].starts_with(needle))
}

pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// `text` with every `from` replaced by `to`, left to right, as `str::replace` does.
pub fn replace(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(&rest[..at]);
        out.push_str(to);
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_std() {
        let texts = [
            "",
            "a",
            "abcabc",
            "://x://",
            "[REDACTED:x] [REDACTED",
            "ééé{size}é",
            "aaaa",
        ];
        let needles = [
            "",
            "a",
            "bc",
            "://",
            "[REDACTED",
            "{size}",
            "aa",
            "abcabcd",
            "é",
        ];
        for t in texts {
            for n in needles {
                assert_eq!(find(t, n), t.find(n), "find {n:?} in {t:?}");
                assert_eq!(rfind(t, n), t.rfind(n), "rfind {n:?} in {t:?}");
                assert_eq!(contains(t, n), t.contains(n));
                if !n.is_empty() {
                    assert_eq!(
                        replace(t, n, "<>"),
                        t.replace(n, "<>"),
                        "replace {n:?} in {t:?}"
                    );
                }
            }
        }
    }
}
