//! The masked DOM snapshot, in rrweb's serialized-node format so rrweb-snapshot's `rebuild` and
//! rrweb-player can show it. Taken by the reporter when a report is built (never at `init`): the
//! page pays for it only when someone files a report.

mod walk;

use bugcap_protocol::redact::{Counts, Redactor};

use crate::error::WidgetError;

pub use walk::Stats;

/// The format name written in the report's `dom.format`.
pub const FORMAT: &str = "rrweb-snapshot";

/// Most nodes written; a larger page is cut (and marked truncated) rather than stalling the tab.
pub const MAX_NODES: u32 = 200_000;
/// Most bytes of JSON written: under the relay's 20 MiB limit for a non-image attachment.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Deepest element nesting followed.
pub const MAX_DEPTH: usize = 400;

/// The privacy options of the snapshot, from `init`.
#[derive(Debug, Clone, Default)]
pub struct Masking {
    /// Input, textarea, select and contenteditable values masked (default `true`). Password
    /// values are never read either way.
    pub mask_inputs: bool,
    /// Host selector for elements replaced by a same-size box, beside `data-bugcap-block`.
    pub block_selector: Option<String>,
    /// Host selector for elements whose text is masked, beside `data-bugcap-mask`.
    pub mask_selector: Option<String>,
}

/// A snapshot as JSON text, with what the reporter needs to decide how to send it.
pub struct Snapshot {
    pub json: String,
    pub stats: Stats,
    /// Secrets the redaction engine replaced in the page's text.
    pub counts: Counts,
}

/// Serializes the page's document with `masking` applied and every text through `redactor`.
pub fn take(masking: &Masking, redactor: &Redactor) -> Result<Snapshot, WidgetError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| WidgetError::Environment("no document".into()))?;
    let mut walker = walk::Walker::new(walk::Settings {
        mask_inputs: masking.mask_inputs,
        block_selector: masking.block_selector.as_deref(),
        mask_selector: masking.mask_selector.as_deref(),
        redactor,
        max_nodes: MAX_NODES,
        max_bytes: MAX_BYTES,
        max_depth: MAX_DEPTH,
    });
    walker.document(&document, 0);
    let (json, stats, counts) = walker.finish();
    Ok(Snapshot {
        json,
        stats,
        counts,
    })
}
