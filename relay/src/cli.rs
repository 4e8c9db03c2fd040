//! Command line: `serve`, and the key and token management commands that work directly on the
//! data directory (so a team can create the first key before anything is running).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use bugcap_protocol::{Environment, Limits};
use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::auth::origin::OriginPattern;
use crate::limit::client_ip::TrustedProxies;
use crate::limit::rate::{Rate, RateLimits};
use crate::server;
use crate::state::AppState;
use crate::store::{KeyInfo, NewWidgetKey, Scope, Store, TokenInfo};

#[derive(Debug, Parser)]
#[command(
    name = "bugcap-relay",
    version,
    about = "Receives bug reports from the bugcap widget, checks and stores them"
)]
pub struct Cli {
    /// Where the relay keeps its database and media.
    #[arg(
        long,
        global = true,
        env = "BUGCAP_DATA_DIR",
        default_value = "./bugcap-data"
    )]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API.
    Serve(ServeArgs),
    /// Manage widget keys (public, create-only, bound to origins).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage admin tokens (read reports, manage keys).
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Redact a report, any JSON document or plain text from stdin to stdout, as ingest would.
    Redact {
        /// Redaction config (JSON): emails, ip_addresses, extra_keys, extra_patterns, headers.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the bound address is printed).
    #[arg(long, env = "BUGCAP_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Largest report body accepted, in bytes.
    #[arg(long, env = "BUGCAP_MAX_BODY_BYTES", default_value_t = bugcap_protocol::limits::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Send Strict-Transport-Security (set when clients reach the relay over HTTPS).
    #[arg(long, env = "BUGCAP_HSTS")]
    pub hsts: bool,
    /// Report submissions per minute from one client IP (0 turns the limit off).
    #[arg(long, env = "BUGCAP_RATE_PER_IP", default_value_t = 30)]
    pub rate_per_ip: u32,
    /// Burst allowed above the per-IP rate.
    #[arg(long, env = "BUGCAP_RATE_IP_BURST", default_value_t = 10)]
    pub rate_ip_burst: u32,
    /// Report submissions per minute with one widget key, all clients together (0: off).
    #[arg(long, env = "BUGCAP_RATE_PER_KEY", default_value_t = 600)]
    pub rate_per_key: u32,
    /// Burst allowed above the per-key rate.
    #[arg(long, env = "BUGCAP_RATE_KEY_BURST", default_value_t = 100)]
    pub rate_key_burst: u32,
    /// Proxy address or CIDR whose X-Forwarded-For / Forwarded headers are believed. Repeatable.
    #[arg(
        long = "trusted-proxy",
        env = "BUGCAP_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Most connections served at once; more wait in the listen backlog.
    #[arg(long, env = "BUGCAP_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,
    /// Seconds a client may take to send a request body (408 after that).
    #[arg(long, env = "BUGCAP_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// Redaction config (JSON) applied to every stored report, on top of the defaults.
    #[arg(long, env = "BUGCAP_REDACTION_CONFIG")]
    pub redaction_config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a widget key; its plaintext is printed once.
    Create {
        #[arg(long)]
        project: String,
        #[arg(long = "env", value_parser = parse_env)]
        environment: Environment,
        /// Allowed page origin: https://app.example.com, http://localhost:8080 or https://*.example.com. Repeatable.
        #[arg(long = "origin", required = true)]
        origins: Vec<String>,
        /// Permit the pattern `*` (any site may file reports with this key).
        #[arg(long)]
        allow_any_origin: bool,
        #[arg(long)]
        json: bool,
    },
    /// List keys by prefix with their settings and times.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create a successor with the same settings; the old key works until revoked.
    Rotate {
        prefix: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key; the next request with it is refused.
    Revoke {
        prefix: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create an admin token; its plaintext is printed once.
    Create {
        /// reports:read or keys:manage. Repeatable.
        #[arg(long = "scope", required = true)]
        scopes: Vec<Scope>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Revoke {
        prefix: String,
        #[arg(long)]
        json: bool,
    },
}

impl clap::builder::ValueParserFactory for Scope {
    type Parser = clap::builder::ValueParser;
    fn value_parser() -> Self::Parser {
        clap::builder::ValueParser::new(|s: &str| s.parse::<Scope>())
    }
}

fn parse_env(s: &str) -> Result<Environment, String> {
    s.parse()
}

/// Errors a command reports before exiting non-zero.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Origin(#[from] crate::auth::origin::OriginError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot serve: {0}")]
    Io(#[from] std::io::Error),
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(args) => serve(cli.data_dir, args),
        Command::Keys(cmd) => keys(&Store::open(&cli.data_dir)?, cmd),
        Command::Tokens(cmd) => tokens(&Store::open(&cli.data_dir)?, cmd),
        Command::Redact { config } => crate::redact_cmd::run(config.as_deref()),
    }
}

fn serve(data_dir: PathBuf, args: ServeArgs) -> Result<(), CliError> {
    let redactor = crate::redact_cmd::load_config(args.redaction_config.as_deref())?;
    let trusted_proxies = TrustedProxies::parse(&args.trusted_proxies).map_err(CliError::Usage)?;
    let store = Store::open(&data_dir)?;
    let store_metrics = store.metrics.clone();
    let limits = Limits {
        max_body_bytes: args.max_body_bytes,
        ..Limits::default()
    };
    let state = Arc::new(AppState {
        store,
        limits,
        hsts: args.hsts,
        redactor,
        rate_limits: RateLimits::new(
            Rate {
                per_minute: args.rate_per_ip,
                burst: args.rate_ip_burst,
            },
            Rate {
                per_minute: args.rate_per_key,
                burst: args.rate_key_burst,
            },
        ),
        trusted_proxies,
        metrics: crate::metrics::Metrics::new(&store_metrics),
        body_timeout: std::time::Duration::from_secs(args.body_timeout_secs.max(1)),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = server::bind(args.listen).await?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, data_dir = %data_dir.display(), "relay listening");
        // The one line on stdout: scripts and tests read the bound address from it.
        println!("bugcap-relay listening on http://{addr}");
        server::serve(
            listener,
            state,
            args.max_connections,
            server::shutdown_signal(),
        )
        .await
    })?;
    Ok(())
}

fn keys(store: &Store, cmd: KeysCommand) -> Result<(), CliError> {
    match cmd {
        KeysCommand::Create {
            project,
            environment,
            origins,
            allow_any_origin,
            json,
        } => {
            if project.trim().is_empty() || project.len() > 100 {
                return Err(CliError::Usage("--project must be 1-100 characters".into()));
            }
            let origins = origins
                .iter()
                .map(|o| OriginPattern::parse(o, allow_any_origin))
                .collect::<Result<Vec<_>, _>>()?;
            let (key, info) = store.create_widget_key(&NewWidgetKey {
                project,
                environment,
                origins,
            })?;
            if json {
                println!(
                    "{}",
                    json!({ "key": key, "prefix": info.prefix, "project": info.project, "environment": info.environment, "origins": info.origins })
                );
            } else {
                println!(
                    "Widget key (shown once; it is public and create-only, put it in your page):\n  {key}\n"
                );
                print_key(&info);
            }
        }
        KeysCommand::List { json } => {
            let list = store.list_widget_keys()?;
            if json {
                println!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else if list.is_empty() {
                println!("no widget keys");
            } else {
                list.iter().for_each(print_key);
            }
        }
        KeysCommand::Rotate { prefix, json } => {
            let (key, info) = store.rotate_widget_key(&prefix)?;
            if json {
                println!(
                    "{}",
                    json!({ "key": key, "prefix": info.prefix, "replaces": prefix, "project": info.project, "environment": info.environment, "origins": info.origins })
                );
            } else {
                println!(
                    "Successor of {prefix} (shown once); revoke {prefix} once your pages use it:\n  {key}\n"
                );
                print_key(&info);
            }
        }
        KeysCommand::Revoke { prefix, json } => {
            store.revoke_widget_key(&prefix)?;
            report_revoked(&prefix, json);
        }
    }
    Ok(())
}

fn tokens(store: &Store, cmd: TokensCommand) -> Result<(), CliError> {
    match cmd {
        TokensCommand::Create { scopes, json } => {
            let (token, info) = store.create_admin_token(&scopes)?;
            if json {
                println!(
                    "{}",
                    json!({ "token": token, "prefix": info.prefix, "scopes": info.scopes })
                );
            } else {
                println!("Admin token (shown once; keep it secret):\n  {token}\n");
                print_token(&info);
            }
        }
        TokensCommand::List { json } => {
            let list = store.list_admin_tokens()?;
            if json {
                println!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else if list.is_empty() {
                println!("no admin tokens");
            } else {
                list.iter().for_each(print_token);
            }
        }
        TokensCommand::Revoke { prefix, json } => {
            store.revoke_admin_token(&prefix)?;
            report_revoked(&prefix, json);
        }
    }
    Ok(())
}

fn report_revoked(prefix: &str, json: bool) {
    if json {
        println!("{}", json!({ "prefix": prefix, "revoked": true }));
    } else {
        println!("revoked {prefix}");
    }
}

fn print_key(k: &KeyInfo) {
    let state = if k.revoked_at.is_some() {
        "revoked"
    } else {
        "active"
    };
    println!(
        "{}  {}  project={} env={} origins={} created={} last_used={}",
        k.prefix,
        state,
        k.project,
        k.environment,
        k.origins.join(","),
        k.created_at,
        k.last_used_at.map_or("never".into(), |t| t.to_string())
    );
}

fn print_token(t: &TokenInfo) {
    let state = if t.revoked_at.is_some() {
        "revoked"
    } else {
        "active"
    };
    println!(
        "{}  {}  scopes={} created={} last_used={}",
        t.prefix,
        state,
        t.scopes.join(","),
        t.created_at,
        t.last_used_at.map_or("never".into(), |t| t.to_string())
    );
}
