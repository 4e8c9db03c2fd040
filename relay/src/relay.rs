//! The composition root: builds the relay's parts from its resolved settings (store, object
//! store, redactor, limits, webhook), runs the HTTP server, the delivery worker and the
//! retention sweep, and on SIGTERM stops them in order. The CLI only parses arguments.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bugcap_protocol::redact::Redactor;

use crate::config::{MediaBackend, Settings};
use crate::delivery::webhook::{SEND_TIMEOUT, Webhook};
use crate::limit::client_ip::TrustedProxies;
use crate::limit::rate::{Rate, RateLimits};
use crate::media::{LocalStore, MediaError, ObjectStore, S3Store};
use crate::server;
use crate::state::AppState;
use crate::store::{Location, Store, StoreError};

/// The longest a single upload to the local store may take.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// Why the relay could not start (or stopped with an error).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("media storage: {0}")]
    Media(#[from] MediaError),
    #[error("{0}")]
    Setting(String),
    #[error("cannot serve: {0}")]
    Io(#[from] std::io::Error),
}

/// Where media live, as the settings say.
pub fn object_store(data_dir: &Path, settings: &Settings) -> Result<ObjectStore, MediaError> {
    Ok(match &settings.media_backend {
        MediaBackend::Local => {
            ObjectStore::Local(LocalStore::open(data_dir, settings.public_url.clone())?)
        }
        MediaBackend::S3(config) => ObjectStore::S3(S3Store::new(config)?),
    })
}

/// Builds the relay and serves until SIGTERM or Ctrl+C.
pub fn run(data_dir: &Path, location: &Location, settings: &Settings) -> Result<(), StartError> {
    let redactor =
        Redactor::new(&settings.redaction).map_err(|e| StartError::Setting(e.to_string()))?;
    let trusted_proxies =
        TrustedProxies::parse(&settings.trusted_proxies).map_err(StartError::Setting)?;
    let store = Store::open_at(location)?;
    let database = location.describe();
    let store_metrics = store.metrics.clone();
    let objects = object_store(data_dir, settings)?;
    let webhook = settings
        .webhook
        .as_ref()
        .map(|w| Webhook::new(w.url.clone(), &w.secret))
        .transpose()
        .map_err(StartError::Setting)?;
    let state = Arc::new(AppState {
        store,
        limits: settings.limits,
        hsts: settings.hsts,
        redactor,
        rate_limits: RateLimits::new(
            Rate {
                per_minute: settings.rate_per_ip.0,
                burst: settings.rate_per_ip.1,
            },
            Rate {
                per_minute: settings.rate_per_key.0,
                burst: settings.rate_per_key.1,
            },
        ),
        trusted_proxies,
        metrics: crate::metrics::Metrics::new(&store_metrics),
        body_timeout: settings.body_timeout,
        objects,
        media_policy: settings.media_policy.clone(),
        upload_timeout: UPLOAD_TIMEOUT,
        delivery: settings.delivery,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let instance = crate::instance::name();
        tracing::info!(%instance, "relay starting");
        let delivery = tokio::spawn(crate::delivery::run(
            state.clone(),
            webhook,
            instance.clone(),
            stopping.clone(),
        ));
        tokio::spawn(crate::retention::run(
            state.clone(),
            settings.retention,
            instance,
            stopping,
        ));
        let listener = server::bind(settings.listen).await?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, data_dir = %data_dir.display(), %database, "relay listening");
        // The one line on stdout: scripts and tests read the bound address from it.
        println!("bugcap-relay listening on http://{addr}");
        let served = server::serve(
            listener,
            state,
            settings.max_connections,
            server::shutdown_signal(),
        )
        .await;
        // The delivery worker finishes its requests in flight and releases what it holds, so
        // another relay can take it at once; a send cannot take longer than this.
        let _ = stop.send(true);
        if tokio::time::timeout(SEND_TIMEOUT + Duration::from_secs(5), delivery)
            .await
            .is_err()
        {
            tracing::warn!(
                "the delivery worker did not stop in time; its leases run out by themselves"
            );
        }
        served
    })?;
    Ok(())
}
