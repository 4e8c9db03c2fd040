//! Who may do what: widget keys bound to origins, admin tokens with scopes.

pub mod admin;
pub mod origin;
pub mod secret;
pub mod widget_key;
