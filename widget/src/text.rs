//! Text helpers for both modules: bounding what is recorded and sent, and JSON string quoting.

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut with `…`.
pub fn clip(mut s: String, max: usize, truncated: &mut bool) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
        *truncated = true;
    }
    s
}

/// `names` joined by `, `, for the messages that list what is allowed: one plain loop, where
/// `[&str]::join` links a generic copy of itself into each module.
pub fn list(names: &[&str]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

/// Appends `s` as a JSON string literal: the capture module and the DOM snapshot write their
/// JSON straight into one string, with the protocol's own escaping.
pub fn json_quote(out: &mut String, s: &str) {
    bugcap_protocol::json::write_string(s, out);
}

/// `n` as JavaScript writes it (`String(n)`): `12`, `0.5`, `NaN`, `-Infinity`. The browser
/// formats it, so neither module links core's float formatter and its tables for the few
/// numbers they write as text: CSS lengths and console arguments.
pub fn number(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{json_quote, list};

    #[test]
    fn lists_are_joined_as_join_would() {
        for names in [&[][..], &["a"], &["key", "relay", "consoleLimit"]] {
            assert_eq!(list(names), names.join(", "));
        }
    }

    #[test]
    fn quotes_what_json_needs_and_keeps_the_rest() {
        let mut out = String::new();
        json_quote(&mut out, "a\"b\\c\nd\u{1}é€\t");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é€\t""#);
        let parsed: String = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, "a\"b\\c\nd\u{1}é€\t");
    }
}
