//! Taking reports in from widgets.

pub mod report;
