//! Who may do what: widget keys bound to origins, admin tokens with scopes.

pub mod admin;
pub mod origin;
pub mod secret;
pub mod widget_key;

use crate::store::StoreError;

/// Why a request's credentials were refused. The routes turn these into answers (`http/error.rs`).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("a key in the query string")]
    KeyInQuery,
    #[error("no widget key")]
    MissingKey,
    #[error("the widget key is unknown, malformed or revoked")]
    InvalidKey,
    #[error("no admin token")]
    MissingToken,
    #[error("the admin token is unknown, malformed or revoked")]
    InvalidToken,
    #[error("the admin token lacks the {0} scope")]
    InsufficientScope(&'static str),
    /// Why, in words for the developer.
    #[error("{0}")]
    OriginNotAllowed(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}
