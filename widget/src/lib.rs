//! The bugcap widget, built as two wasm modules from this crate:
//!
//! - `capture` (what every page loads at `init`): console, error and network hooks with their
//!   ring buffers, plus `identify`/`setMetadata`. Small, and it never waits for the reporter.
//! - `reporter` (loaded on first `submit`/`redact`): page context, report building, the
//!   redaction engine and the transport.
//!
//! The default build has both, for tests. Nothing leaves the page before `submit`.

/// Talc rather than std's dlmalloc: a third of its code, and no slower in the redaction and
/// capture benchmarks (`npm run bench`). Single-threaded wasm only (no `atomics`), which is
/// what both modules are.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(feature = "reporter")]
pub mod annotate;
#[cfg(feature = "capture")]
pub mod capture;
pub mod captured;
pub mod config;
#[cfg(feature = "capture")]
pub mod context;
#[cfg(feature = "reporter")]
pub mod css;
pub mod error;
pub mod json;
pub mod object;
#[cfg(feature = "reporter")]
pub mod page;
#[cfg(feature = "reporter")]
pub mod privacy;
#[cfg(feature = "reporter")]
pub mod queue;
#[cfg(feature = "reporter")]
pub mod report;
#[cfg(feature = "reporter")]
pub mod reporter;
#[cfg(feature = "reporter")]
pub mod screenshot;
#[cfg(feature = "reporter")]
pub mod send;
#[cfg(feature = "capture")]
pub mod session;
pub mod shortcut;
#[cfg(feature = "reporter")]
pub mod snapshot;
pub mod strings;
pub mod text;
#[cfg(feature = "reporter")]
pub mod transport;
pub mod ui;

/// The widget's version, sent in every report's `client` field.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The element that hosts the widget's UI (launcher and dialog) in its shadow root. Snapshots
/// and screenshots leave it out: it is not part of the page being reported.
pub const UI_TAG: &str = "bugcap-widget";
