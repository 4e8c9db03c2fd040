//! Joining a page's relative URLs to its base without the browser's parser
//! (`css::resolve_plain`) must give what the parser gives, or leave the URL to it.

use bugcap_widget::css::resolve_plain;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn parsed(url: &str, base: &str) -> Option<String> {
    web_sys::Url::new_with_base(url, base)
        .ok()
        .map(|u| u.href())
}

#[wasm_bindgen_test]
fn plain_joins_agree_with_the_url_parser_and_the_rest_is_left_to_it() {
    let bases = [
        "http://localhost:8080/",
        "https://shop.example.com/orders/list.html?page=2#top",
        "https://u:p@example.com/a/b/",
        "http://example.com",
        "https://example.com/dir/page?x=1",
    ];
    let urls = [
        "/orders/7?ref=list",
        "img/a.png",
        "a.png?v=2#frag",
        "?page=3",
        "/",
        "x/y/z",
        "/a%20b",
        "./a.png",
        "../up.png",
        "/a/../b",
        "/a/%2e%2E/b",
        "a b.png",
        "/q?it's",
        "//cdn.example.com/x.js",
        "mailto:someone@example.com",
        "foo:bar",
        "a:b/c",
        "dir/a:b",
        "/path\\with",
        "/ünï",
        "#only",
        "/x?a=1&b=2;c=(3)*4!5$6",
        "@scope/pkg",
        "~user/page",
    ];
    for base in bases {
        for url in urls {
            if let Some(joined) = resolve_plain(url, base) {
                assert_eq!(Some(joined), parsed(url, base), "{url} against {base}");
            }
        }
    }
    // The common cases take the plain path.
    for url in [
        "/orders/7?ref=list",
        "img/a.png",
        "?page=3",
        "a.png?v=2#frag",
    ] {
        assert!(resolve_plain(url, bases[1]).is_some(), "{url}");
    }
    // And what the parser would change does not.
    for url in [
        "./a.png",
        "/a/../b",
        "/a/%2e%2E/b",
        "a b.png",
        "//cdn.example.com/x.js",
        "foo:bar",
        "/ünï",
    ] {
        assert_eq!(resolve_plain(url, bases[1]), None, "{url}");
    }
    assert_eq!(resolve_plain("/x", "file:///tmp/a.html"), None);
}
