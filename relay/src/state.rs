//! What every request handler shares.

use bugcap_protocol::Limits;
use bugcap_protocol::redact::Redactor;

use crate::limit::client_ip::TrustedProxies;
use crate::limit::rate::RateLimits;
use crate::media::{MediaPolicy, ObjectStore};
use crate::store::Store;

pub struct AppState {
    pub store: Store,
    pub limits: Limits,
    /// Send `Strict-Transport-Security` (only when the relay is reached over HTTPS).
    pub hsts: bool,
    /// Applied to every report before it is stored, whatever the client already did.
    pub redactor: Redactor,
    pub rate_limits: RateLimits,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` headers name the real client.
    pub trusted_proxies: TrustedProxies,
    pub metrics: crate::metrics::Metrics,
    /// How long a client may take to send a request body.
    pub body_timeout: std::time::Duration,
    /// Where report media live: the relay's own folder or an S3-compatible bucket.
    pub objects: ObjectStore,
    /// Which media a report may declare, how large, and how long upload URLs live.
    pub media_policy: MediaPolicy,
    /// How long a client may take to upload one attachment to the local store.
    pub upload_timeout: std::time::Duration,
    /// Outbox leases and the retry horizon.
    pub delivery: crate::config::DeliveryPolicy,
}
