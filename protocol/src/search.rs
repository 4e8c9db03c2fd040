//! Finding a short piece of text in another, for the places that look for a literal (`"://"`,
//! `"[REDACTED"`, `"-----END "`, a placeholder such as `"{size}"`).
//!
//! Why not `str::find(&str)`: its Two-Way searcher, forwards and backwards, is a sizeable part
//! of the widget's wasm, and these needles are a few bytes long in texts that are short, or are
//! scanned once: a plain search is as quick there.

/// The offset of the first `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The offset of the last `needle` in `haystack`.
pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(haystack.len());
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack.as_bytes(), needle.as_bytes()).is_some()
}

/// `text` with every `from` replaced by `to`, left to right, as `str::replace` does. The
/// offsets found are character boundaries: both texts are UTF-8.
pub fn replace(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest.as_bytes(), from.as_bytes()).filter(|_| !from.is_empty()) {
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
                let (tb, nb) = (t.as_bytes(), n.as_bytes());
                assert_eq!(find(tb, nb), t.find(n), "find {n:?} in {t:?}");
                assert_eq!(rfind(tb, nb), t.rfind(n), "rfind {n:?} in {t:?}");
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
