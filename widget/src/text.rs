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

/// Appends `s` as a JSON string literal. Written out so the capture module links no JSON
/// library, and the DOM snapshot writes straight into one string.
pub fn json_quote(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            b if b < 0x20 => "",
            _ => continue,
        };
        // Only ASCII bytes are escaped, so `run..i` always falls on character boundaries;
        // `get` rather than indexing keeps the panic formatting out of the capture module.
        out.push_str(s.get(run..i).unwrap_or_default());
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::json_quote;

    #[test]
    fn quotes_what_json_needs_and_keeps_the_rest() {
        let mut out = String::new();
        json_quote(&mut out, "a\"b\\c\nd\u{1}é€\t");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é€\t""#);
        let parsed: String = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, "a\"b\\c\nd\u{1}é€\t");
    }
}
