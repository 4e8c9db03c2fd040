//! Protection against floods: request rate limits and the client address they are keyed by.

pub mod client_ip;
pub mod rate;
pub mod sign_in;
