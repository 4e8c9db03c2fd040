//! XML text for the copy: escaping, with the resource tokens of [`super::markup`] kept where
//! the writer put them and dropped wherever the page's own text held their marker characters,
//! and the attribute names XML can hold.

/// CSS from the writer (`Writer::css` in [`super::markup`]), XML-escaped into `out` with its
/// resource tokens kept for [`super::resources::substitute`]. (Plain [`escape`] drops the token
/// characters: every `url()` in a stylesheet or a style attribute was lost that way, and no CSS
/// background image was ever drawn.)
pub fn escape_css(out: &mut String, css: &str, attribute: bool) {
    let mut rest = css;
    while let Some(open) = rest.find('\u{1}') {
        escape(out, &rest[..open], attribute);
        let after = &rest[open..];
        let close = after.find('\u{2}').map_or(after.len(), |c| c + 1);
        let token = &after[..close];
        let digits = token[1..].strip_suffix('\u{2}').unwrap_or("");
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(token);
        }
        rest = &after[close..];
    }
    escape(out, rest, attribute);
}

/// The characters a resource token is made of: never from the page.
pub const TOKEN_MARKS: [char; 2] = ['\u{1}', '\u{2}'];

/// Attribute names XML accepts without a namespace declaration (framework syntax such as
/// `@click` or `:value` is left out), plus the `xlink:`/`xml:` ones SVG uses.
pub fn is_xml_name(name: &str) -> bool {
    if let Some(rest) = name
        .strip_prefix("xlink:")
        .or_else(|| name.strip_prefix("xml:"))
    {
        return !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    }
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// XML-escapes `value` into `out`, dropping characters XML cannot hold (which also keeps the
/// resource tokens' marker characters out of anything the page wrote).
pub fn escape(out: &mut String, value: &str, attribute: bool) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_drops_control_characters_so_tokens_cannot_be_forged() {
        let mut out = String::new();
        escape(&mut out, "a<b & \"c\"\u{1}0\u{2}", true);
        assert_eq!(out, "a&lt;b &amp; &quot;c&quot;0");
    }

    #[test]
    fn css_keeps_its_resource_tokens_and_escapes_the_rest() {
        let mut out = String::new();
        escape_css(
            &mut out,
            "a{background:url(\u{1}3\u{2})} b>c{content:\"&\"}",
            true,
        );
        assert_eq!(
            out,
            "a{background:url(\u{1}3\u{2})} b&gt;c{content:&quot;&amp;&quot;}"
        );
        // Only a token of digits passes; anything else between the marks is dropped.
        let mut out = String::new();
        escape_css(&mut out, "x\u{1}<y>\u{2}z\u{1}", false);
        assert_eq!(out, "xz");
    }

    #[test]
    fn framework_attribute_syntax_is_not_written() {
        assert!(is_xml_name("data-x"));
        assert!(is_xml_name("xlink:href"));
        assert!(!is_xml_name("@click"));
        assert!(!is_xml_name(":value"));
        assert!(!is_xml_name("v-on:click"));
    }
}
