//! What the capture module hands the reporter when a report is built: the contract between the
//! two wasm modules (the small one every page loads at `init`, and the reporter loaded on first
//! use). It crosses as a plain JS object.

use std::collections::BTreeMap;

use bugcap_protocol::{Body, ConsoleEntry, ErrorEntry, Identity, MetadataValue, NetworkEntry};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Captured {
    pub console: Vec<ConsoleEntry>,
    pub errors: Vec<ErrorEntry>,
    pub network: Vec<NetworkEntry>,
    pub identity: Option<Identity>,
    pub metadata: BTreeMap<String, MetadataValue>,
    /// Epoch milliseconds the page last became visible; absent while hidden.
    #[serde(default)]
    pub visible_since: Option<f64>,
}

const MAX_HEADERS: usize = 64;
const MAX_URL_BYTES: usize = 8 * 1024;
const MAX_HEADER_VALUE_BYTES: usize = 4 * 1024;
const MAX_BODY_BYTES: usize = crate::config::MAX_BODY_LIMIT;

/// Network entries as the hooks built them, held within the schema's limits whatever the page
/// produced, oldest first by start time.
pub fn bound_network(mut entries: Vec<NetworkEntry>) -> Vec<NetworkEntry> {
    entries.sort_by(|a, b| a.start_time.total_cmp(&b.start_time));
    entries.into_iter().map(bounded).collect()
}

/// [`crate::text::clip`] in place.
fn clip(s: &mut String, max: usize, cut: &mut bool) {
    *s = crate::text::clip(std::mem::take(s), max, cut);
}

fn bounded(mut entry: NetworkEntry) -> NetworkEntry {
    let mut cut = false;
    clip(&mut entry.method, 28, &mut cut);
    clip(&mut entry.url, MAX_URL_BYTES, &mut cut);
    for headers in [&mut entry.request_headers, &mut entry.response_headers] {
        while headers.len() > MAX_HEADERS {
            headers.pop_last();
        }
        headers.retain(|name, _| name.len() <= 256);
        for value in headers.values_mut() {
            clip(value, MAX_HEADER_VALUE_BYTES, &mut cut);
        }
    }
    for body in [&mut entry.request_body, &mut entry.response_body]
        .into_iter()
        .flatten()
    {
        bound_body(body);
    }
    if let Some(error) = &mut entry.error {
        clip(error, 1000, &mut cut);
    }
    entry
}

fn bound_body(body: &mut Body) {
    if let Some(text) = &mut body.text {
        let mut cut = false;
        clip(text, MAX_BODY_BYTES, &mut cut);
        body.truncated |= cut;
    }
    if let Some(ct) = &mut body.content_type {
        clip(ct, 200, &mut false);
    }
}
