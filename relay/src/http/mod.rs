//! HTTP plumbing shared by every route: errors, responses, CORS.

pub mod body;
pub mod cors;
pub mod error;
pub mod response;

pub use error::ApiError;
