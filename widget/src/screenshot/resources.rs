//! Fetching what the markup's tokens stand for and writing it in as `data:` URLs: an SVG drawn
//! as an image may not load anything itself. Fetched once per URL and kept for the next shot
//! of the page, within byte limits so a page of huge images cannot exhaust memory.

use bugcap_protocol::map::Map;
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::markup::Resource;

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    #[wasm_bindgen(js_name = fetchDataUrls)]
    fn fetch_data_urls(
        urls: js_sys::Array,
        per_max: f64,
        total_max: f64,
        wait_ms: f64,
    ) -> js_sys::Promise;
}

/// Largest single resource inlined.
const MAX_RESOURCE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// Most bytes inlined into one screenshot.
const MAX_TOTAL_BYTES: f64 = 24.0 * 1024.0 * 1024.0;
/// How long the resources of one picture may take, all together. A server that never answers
/// held a screenshot for more than 45 s; past this its image is drawn as nothing.
const MAX_WAIT_MS: f64 = 4000.0;
/// Most distinct URLs fetched for one screenshot.
const MAX_RESOURCES: usize = 400;

/// What an image that could not be read is drawn as: nothing (a transparent pixel), rather
/// than the broken-image icon.
const EMPTY_IMAGE: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/// Most bytes of `data:` URLs kept between shots. Past it the cache starts over, so a long
/// session that visits many image-heavy views holds at most this much.
const MAX_CACHED_BYTES: usize = 32 * 1024 * 1024;

/// Resources fetched by earlier shots of this page, by URL.
#[derive(Default)]
struct Cache {
    entries: Map<Rc<str>>,
    bytes: usize,
}

impl Cache {
    fn get(&self, url: &str) -> Option<&Rc<str>> {
        self.entries.get(url)
    }

    fn insert(&mut self, url: String, data: Rc<str>) {
        let size = url.len() + data.len();
        if self.bytes + size > MAX_CACHED_BYTES {
            self.entries.clear();
            self.bytes = 0;
        }
        if size <= MAX_CACHED_BYTES && !self.entries.contains_key(&url) {
            self.bytes += size;
            self.entries.insert(url, data);
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// The `data:` URL of every `Url` resource in `resources` (same order); frames are left for
/// the caller. Unreadable resources become [`EMPTY_IMAGE`].
pub async fn fetch(resources: &[Resource]) -> Vec<Option<Rc<str>>> {
    let mut out: Vec<Option<Rc<str>>> = vec![None; resources.len()];
    let mut wanted = Vec::new();
    let mut slots = Vec::new();
    CACHE.with_borrow(|cache| {
        for (i, resource) in resources.iter().enumerate() {
            if let Resource::Url(url) = resource {
                if let Some(hit) = cache.get(url) {
                    out[i] = Some(hit.clone());
                } else if wanted.len() < MAX_RESOURCES {
                    wanted.push(url.clone());
                    slots.push(i);
                }
            }
        }
    });
    if !wanted.is_empty() {
        let fetched = JsFuture::from(fetch_data_urls(
            crate::object::strings(&wanted),
            MAX_RESOURCE_BYTES,
            MAX_TOTAL_BYTES,
            MAX_WAIT_MS,
        ))
        .await
        .map(|v| js_sys::Array::from(&v))
        .unwrap_or_default();
        CACHE.with_borrow_mut(|cache| {
            for (k, (url, slot)) in wanted.into_iter().zip(slots).enumerate() {
                if let Some(data) = fetched.get(k as u32).as_string() {
                    let data: Rc<str> = data.into();
                    cache.insert(url, data.clone());
                    out[slot] = Some(data);
                }
            }
        });
    }
    for (slot, resource) in out.iter_mut().zip(resources) {
        if slot.is_none() && matches!(resource, Resource::Url(_)) {
            *slot = Some(EMPTY_IMAGE.into());
        }
    }
    out
}

/// `markup` with every token `\u{1}N\u{2}` replaced by `values[N]` (XML-escaped).
pub fn substitute(markup: &str, values: &[Option<Rc<str>>]) -> String {
    let mut out = String::with_capacity(
        markup.len() + values.iter().flatten().map(|v| v.len()).sum::<usize>(),
    );
    let mut rest = markup;
    while let Some(open) = rest.find('\u{1}') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('\u{2}') else {
            rest = after;
            continue;
        };
        if let Some(Some(value)) = after[..close]
            .parse::<usize>()
            .ok()
            .and_then(|i| values.get(i))
        {
            super::xml::escape(&mut out, value, true);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_starts_over_past_its_byte_limit() {
        let mut cache = Cache::default();
        let big: Rc<str> = "x".repeat(MAX_CACHED_BYTES / 2).into();
        cache.insert("a".into(), big.clone());
        cache.insert("b".into(), "small".into());
        assert!(cache.get("a").is_some() && cache.get("b").is_some());
        cache.insert("c".into(), big.clone());
        assert!(cache.get("a").is_none(), "the cache started over");
        assert!(cache.get("c").is_some());
        assert!(cache.bytes <= MAX_CACHED_BYTES);
        // Inserting a URL twice counts it once.
        cache.insert("c".into(), big);
        assert_eq!(cache.bytes, 1 + MAX_CACHED_BYTES / 2);
    }

    #[test]
    fn tokens_are_replaced_and_escaped() {
        let values = vec![Some(Rc::from("data:a&b")), None];
        assert_eq!(
            substitute(
                "<img src=\"\u{1}0\u{2}\"/><i src=\"\u{1}1\u{2}\"/>\u{1}9\u{2}",
                &values
            ),
            "<img src=\"data:a&amp;b\"/><i src=\"\"/>"
        );
    }
}
