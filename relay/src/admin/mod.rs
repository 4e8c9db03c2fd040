//! The admin API: reading reports and their media with an admin token.

pub mod media;
pub mod reports;
