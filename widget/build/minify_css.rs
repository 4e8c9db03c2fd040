/// The widget's stylesheets with what a browser ignores taken out: comments, indentation, line
/// breaks, the spaces around `{ } ; , >` and after a property's colon, and a block's last `;`.
/// Each stylesheet is data in a wasm module every reporting page downloads. Nothing else is rewritten, so strings and `calc()` keep
/// their spaces; a browser test holds the result to the source rule for rule
/// (widget/tests/styles.rs).
pub fn minify_css(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    text.push_str(rest);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::with_capacity(text.len());
    for word in words {
        let glued =
            out.ends_with(['{', '}', ';', ',', '>']) || word.starts_with(['{', '}', ';', ',', '>']);
        // `color: red` after `{` or `;` is a declaration: its colon needs no space after it.
        let after_colon = out.ends_with(':') && {
            let start = out.rfind(['{', ';']).map_or(0, |k| k + 1);
            !out[start..].contains(['(', ' '])
        };
        if !out.is_empty() && !glued && !after_colon {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.replace(";}", "}")
}
