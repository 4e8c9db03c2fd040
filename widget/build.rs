//! Writes the widget's stylesheets, minified, where `include_str!` finds them (`OUT_DIR`).

#[path = "build/minify_css.rs"]
mod minify_css;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    for name in ["dialog.css", "launcher.css"] {
        let source = format!("src/ui/{name}");
        println!("cargo::rerun-if-changed={source}");
        let css = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
        std::fs::write(format!("{out}/{name}"), minify_css::minify_css(&css))
            .unwrap_or_else(|e| panic!("writing {name}: {e}"));
    }
    println!("cargo::rerun-if-changed=build/minify_css.rs");
}
