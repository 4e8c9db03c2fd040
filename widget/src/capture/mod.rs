//! What the widget records about the page, from `init` until the report is sent.

pub mod console;
pub mod errors;
pub mod network;
pub mod ring;
pub mod serialize;
pub mod visibility;
