//! Prometheus metrics at `/metrics`: requests by route and status, rejects by reason, request
//! latency, and the store's commit time and batch size (which shows group commit at work).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
}

/// Store-side instruments, updated by the writer thread.
#[derive(Clone)]
pub struct StoreMetrics {
    pub commit_seconds: Histogram,
    pub batch_size: Histogram,
}

impl Default for StoreMetrics {
    fn default() -> Self {
        StoreMetrics {
            commit_seconds: Histogram::new(exponential_buckets(0.000_1, 2.0, 16)),
            batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 9)),
        }
    }
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    rejects: Family<RejectLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
}

impl Metrics {
    pub fn new(store: &StoreMetrics) -> Metrics {
        let mut registry = Registry::with_prefix("bugcap");
        let requests = Family::<RequestLabels, Counter>::default();
        let rejects = Family::<RejectLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
        });
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_rejects",
            "Requests refused, by error code",
            rejects.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request",
            latency.clone(),
        );
        registry.register(
            "store_commit_duration_seconds",
            "Time of one durable (fsync'd) report commit",
            store.commit_seconds.clone(),
        );
        registry.register(
            "store_commit_batch_size",
            "Reports written per commit",
            store.batch_size.clone(),
        );
        Metrics {
            registry,
            requests,
            rejects,
            latency,
        }
    }

    /// Records one answered request; `reject` is the error code when it was refused.
    pub fn observe(
        &self,
        route: &'static str,
        status: u16,
        seconds: f64,
        reject: Option<&'static str>,
    ) {
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { route })
            .observe(seconds);
        if let Some(reason) = reject {
            self.rejects.get_or_create(&RejectLabels { reason }).inc();
        }
    }

    /// The exposition text (OpenMetrics, which Prometheus reads).
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}
