//! What every request handler shares.

use bugcap_protocol::Limits;

use crate::store::Store;

pub struct AppState {
    pub store: Store,
    pub limits: Limits,
    /// Send `Strict-Transport-Security` (only when the relay is reached over HTTPS).
    pub hsts: bool,
}
