//! bugcap-relay: the small server a team runs beside its backend. It takes reports from the
//! bugcap widget, checks the widget key against the request's origin, validates, stores durably
//! and serves the stored reports: to admin-token holders over the API, and to the team in the
//! inbox web app at `/app/`.

pub mod admin;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod hex;
pub mod http;
pub mod ingest;
pub mod instance;
pub mod limit;
pub mod mcp;
pub mod media;
pub mod metrics;
pub mod redact_cmd;
pub mod relay;
pub mod retention;
pub mod routes;
pub mod server;
pub mod state;
pub mod store;
