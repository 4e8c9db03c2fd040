//! The admin API: reading reports with an admin token.

pub mod reports;
