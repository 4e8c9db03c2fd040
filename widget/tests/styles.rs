//! The stylesheets the widget ships are its sources minified at build time (widget/build.rs):
//! the browser must read each into the same rules as the source it came from.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The rules of `css` as Chromium serialises them, one per line. Chromium keeps a custom
/// property's value as written, so the spaces after its commas (which the minifier drops and
/// `var()` ignores) are dropped here too.
fn rules(css: &str) -> String {
    let sheet = web_sys::CssStyleSheet::new().expect("constructable stylesheets");
    sheet.replace_sync(css).expect("the stylesheet parses");
    let list = sheet.css_rules().expect("readable rules");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|rule| rule.unchecked_into::<web_sys::CssRule>().css_text())
        .collect::<Vec<_>>()
        .join("\n")
        .replace(", ", ",")
}

#[wasm_bindgen_test]
fn minified_stylesheets_hold_the_same_rules_as_their_sources() {
    for (source, shipped) in [
        (
            include_str!("../src/ui/dialog.css"),
            include_str!(concat!(env!("OUT_DIR"), "/dialog.css")),
        ),
        (
            include_str!("../src/ui/launcher.css"),
            include_str!(concat!(env!("OUT_DIR"), "/launcher.css")),
        ),
    ] {
        assert!(
            shipped.len() < source.len() * 9 / 10,
            "the shipped sheet is minified"
        );
        let expected = rules(source);
        assert!(expected.lines().count() > 10, "the source has its rules");
        assert_eq!(rules(shipped), expected);
    }
}
