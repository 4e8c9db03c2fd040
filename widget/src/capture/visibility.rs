//! When the page last became visible, for the report's `page.visible_since`: a tab left in the
//! background for hours explains stale data and expired sessions.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// The tracker `trackVisibility` returns: `since()` and `stop()`.
    pub type VisibilityTracker;
    #[wasm_bindgen(js_name = trackVisibility)]
    fn track_visibility(document: &web_sys::Document) -> VisibilityTracker;
    #[wasm_bindgen(method)]
    fn since(this: &VisibilityTracker) -> Option<f64>;
    #[wasm_bindgen(method)]
    fn stop(this: &VisibilityTracker);
}

/// Listens for `visibilitychange` until [`Visibility::uninstall`].
pub struct Visibility(Option<VisibilityTracker>);

impl Visibility {
    pub fn install() -> Visibility {
        Visibility(
            web_sys::window()
                .and_then(|w| w.document())
                .map(|d| track_visibility(&d)),
        )
    }

    /// Epoch milliseconds of the last time the page became visible; `None` while hidden.
    pub fn since(&self) -> Option<f64> {
        self.0.as_ref().and_then(|t| t.since())
    }

    pub fn uninstall(self) {
        if let Some(tracker) = self.0 {
            tracker.stop();
        }
    }
}
