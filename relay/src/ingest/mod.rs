//! Taking reports and their media in from widgets.

pub mod gate;
pub mod media;
pub mod report;
pub mod upload;
