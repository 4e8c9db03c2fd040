//! Command line: `serve`, and the key and token management commands that work directly on the
//! data directory (so a team can create the first key before anything is running).

use std::net::SocketAddr;
use std::path::PathBuf;

use bugcap_protocol::Environment;
use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::auth::origin::OriginPattern;
use crate::config::{self, FileConfig, Overrides, Settings};
use crate::store::{KeyInfo, Location, NewWidgetKey, Scope, Store, TokenInfo};

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
    /// Keep the relay's data in this Postgres database (postgres://user:password@host/db),
    /// shared by every relay given the same URL, instead of SQLite in the data directory.
    /// Prefer the environment variable: a flag's value shows in the process list.
    #[arg(
        long,
        global = true,
        env = "BUGCAP_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Where this relay's data lives.
    fn location(&self) -> Location {
        Location::of(self.database_url.as_deref(), &self.data_dir)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API.
    Serve(Box<ServeArgs>),
    /// Manage widget keys (public, create-only, bound to origins).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage admin tokens (read and triage reports).
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Manage the accounts that sign in to the inbox at /app/.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Show the audit log, newest first: key, token and account changes, and agents' tool
    /// calls (token prefix, tool, report id).
    Audit {
        /// How many entries to show (at most 1000).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Delete reports.
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// Run the retention sweep.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// See and replay the delivery outbox: reports waiting, retrying, and dead letters.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Copy this data directory's SQLite store into a Postgres database (keys, tokens,
    /// accounts, reports, triage, audit log, outbox), then compare counts. Safe to run again:
    /// rows already copied are skipped. Media files stay where they are (see docs/relay.md).
    MigrateStore {
        /// The Postgres database (postgres://user:password@host/db); its schema is created.
        #[arg(long, env = "BUGCAP_MIGRATE_TO", hide_env_values = true)]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// Bring the database's schema up to date and exit (`serve` does it too, at start; run
    /// this first in a deploy step to keep it out of the relays' start).
    Migrate,
    /// Redact a report, any JSON document or plain text from stdin to stdout, as ingest would.
    Redact {
        /// Redaction config (JSON): emails, ip_addresses, extra_keys, extra_patterns, headers.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// TOML config file (see docs/relay.md); flags and BUGCAP_* variables override it.
    #[arg(long, env = "BUGCAP_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8787]; port 0 picks a free port (the bound address is printed).
    #[arg(long, env = "BUGCAP_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Largest report body accepted, in bytes [default: 1048576].
    #[arg(long, env = "BUGCAP_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Send Strict-Transport-Security (set when clients reach the relay over HTTPS).
    #[arg(long, env = "BUGCAP_HSTS")]
    pub hsts: bool,
    /// Report submissions per minute from one client IP; 0 turns the limit off [default: 30].
    #[arg(long, env = "BUGCAP_RATE_PER_IP")]
    pub rate_per_ip: Option<u32>,
    /// Burst allowed above the per-IP rate [default: 10].
    #[arg(long, env = "BUGCAP_RATE_IP_BURST")]
    pub rate_ip_burst: Option<u32>,
    /// Report submissions per minute with one widget key, all clients together; 0: off [default: 600].
    #[arg(long, env = "BUGCAP_RATE_PER_KEY")]
    pub rate_per_key: Option<u32>,
    /// Burst allowed above the per-key rate [default: 100].
    #[arg(long, env = "BUGCAP_RATE_KEY_BURST")]
    pub rate_key_burst: Option<u32>,
    /// Proxy address or CIDR whose X-Forwarded-For / Forwarded headers are believed. Repeatable.
    #[arg(
        long = "trusted-proxy",
        env = "BUGCAP_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Most connections served at once; more wait in the listen backlog [default: 4096].
    #[arg(long, env = "BUGCAP_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a client may take to send a request body, 408 after that [default: 30].
    #[arg(long, env = "BUGCAP_BODY_TIMEOUT_SECS")]
    pub body_timeout_secs: Option<u64>,
    /// Redaction config (JSON) applied to every stored report; replaces the file's [redaction].
    #[arg(long, env = "BUGCAP_REDACTION_CONFIG")]
    pub redaction_config: Option<PathBuf>,
    /// Base URL browsers reach the relay at (for the local store's upload URLs) [default: the request's Host].
    #[arg(long, env = "BUGCAP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds an upload URL stays valid, 1-300 [default: 120].
    #[arg(long, env = "BUGCAP_UPLOAD_URL_TTL_SECS")]
    pub upload_url_ttl_secs: Option<u64>,
    /// Seconds a report waits for its declared media before it is delivered without them [default: 600].
    #[arg(long, env = "BUGCAP_MEDIA_GRACE_SECS")]
    pub media_grace_secs: Option<u64>,
    /// S3 access key id (overrides media.s3.access_key_id).
    #[arg(long, env = "BUGCAP_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    /// S3 secret access key; prefer the environment variable to a flag.
    #[arg(long, env = "BUGCAP_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Where finished reports are POSTed (Standard Webhooks signed).
    #[arg(long, env = "BUGCAP_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Webhook signing secret, whsec_ + base64; prefer the environment variable to a flag.
    #[arg(long, env = "BUGCAP_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// Seconds a relay holds the reports it is delivering; a relay that dies holding some
    /// leaves them to the others after this, 30-3600 [default: 120].
    #[arg(long, env = "BUGCAP_DELIVERY_LEASE_SECS")]
    pub delivery_lease_secs: Option<u64>,
    /// Hours a report's delivery is retried before it becomes a dead letter (see `outbox
    /// list`), 1-8760 [default: 72].
    #[arg(long, env = "BUGCAP_DELIVERY_HORIZON_HOURS")]
    pub delivery_horizon_hours: Option<u64>,
    /// Delete reports and their media this many days after they arrived [default: never].
    #[arg(long, env = "BUGCAP_RETENTION_DAYS")]
    pub retention_days: Option<u64>,
    /// Delete audit entries this many days old [default: never].
    #[arg(long, env = "BUGCAP_AUDIT_RETENTION_DAYS")]
    pub audit_retention_days: Option<u64>,
}

/// Where a command that deletes media finds the object store (as `serve` would).
#[derive(Debug, Args)]
pub struct StorageArgs {
    /// The relay's TOML config file (its [media] section).
    #[arg(long, env = "BUGCAP_CONFIG")]
    pub config: Option<PathBuf>,
    #[arg(long, env = "BUGCAP_S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "BUGCAP_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
}

impl StorageArgs {
    /// The settings `serve` would resolve, with `overrides` for the rest.
    fn settings(&self, overrides: Overrides) -> Result<Settings, CliError> {
        let file = match &self.config {
            Some(path) => config::read_file(path)?,
            None => FileConfig::default(),
        };
        Ok(Settings::resolve(
            &Overrides {
                s3_access_key_id: self.s3_access_key_id.clone(),
                s3_secret_access_key: self.s3_secret_access_key.clone(),
                ..overrides
            },
            file,
        )?)
    }
}

#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// Delete a report, its media and everything about it (a user's data-deletion request).
    Delete {
        report_id: String,
        #[command(flatten)]
        storage: StorageArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Delete now what is older than the retention settings allow (serve does it hourly).
    Sweep {
        #[command(flatten)]
        storage: StorageArgs,
        /// Reports older than this many days, with their media [default: the config's].
        #[arg(long, env = "BUGCAP_RETENTION_DAYS")]
        retention_days: Option<u64>,
        /// Audit entries older than this many days [default: the config's].
        #[arg(long, env = "BUGCAP_AUDIT_RETENTION_DAYS")]
        audit_retention_days: Option<u64>,
        #[arg(long)]
        json: bool,
    },
}

impl ServeArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            listen: self.listen,
            hsts: self.hsts,
            trusted_proxies: self.trusted_proxies.clone(),
            max_connections: self.max_connections,
            body_timeout_secs: self.body_timeout_secs,
            max_body_bytes: self.max_body_bytes,
            rate_per_ip: self.rate_per_ip,
            ip_burst: self.rate_ip_burst,
            rate_per_key: self.rate_per_key,
            key_burst: self.rate_key_burst,
            redaction_config: self.redaction_config.clone(),
            public_url: self.public_url.clone(),
            upload_url_ttl_secs: self.upload_url_ttl_secs,
            media_grace_secs: self.media_grace_secs,
            s3_access_key_id: self.s3_access_key_id.clone(),
            s3_secret_access_key: self.s3_secret_access_key.clone(),
            webhook_url: self.webhook_url.clone(),
            webhook_secret: self.webhook_secret.clone(),
            delivery_lease_secs: self.delivery_lease_secs,
            delivery_horizon_hours: self.delivery_horizon_hours,
            retention_days: self.retention_days,
            audit_retention_days: self.audit_retention_days,
        }
    }
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
        /// reports:read, or reports:write (triage, comments, share links; includes reading). Repeatable.
        #[arg(long = "scope", required = true)]
        scopes: Vec<Scope>,
        /// Limit the token to this project's reports (lists, search, every read and write by
        /// id). Repeatable; without it the token reaches every project.
        #[arg(long = "project")]
        projects: Vec<String>,
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

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Reports not delivered yet, oldest first: attempts, next try, last error, lease.
    List {
        /// Only dead letters (retried past the horizon).
        #[arg(long)]
        dead: bool,
        /// How many to show (at most 1000).
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Put dead letters back in the queue, due now: one report, or all of them.
    Replay {
        /// The report id; with --all, every dead letter.
        report_id: Option<String>,
        #[arg(long, conflicts_with = "report_id")]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account. The password is asked for on a terminal, read from the first line of
    /// stdin otherwise, or generated and printed once with --generate-password.
    Create {
        name: String,
        /// Read reports only: no triage, comments or share links.
        #[arg(long)]
        read_only: bool,
        /// Make up a strong password and print it once.
        #[arg(long)]
        generate_password: bool,
        #[arg(long)]
        json: bool,
    },
    /// List accounts (never their passwords).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a new password (asked for as on create); the account's sessions end.
    Password {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Disable an account; its sessions end at once.
    Disable {
        name: String,
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
    Start(#[from] crate::relay::StartError),
    #[error(transparent)]
    Redact(#[from] crate::redact_cmd::RedactCmdError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Origin(#[from] crate::auth::origin::OriginError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot serve: {0}")]
    Io(#[from] std::io::Error),
    #[error("media storage: {0}")]
    Media(#[from] crate::media::MediaError),
    #[error(transparent)]
    User(#[from] crate::store::UserError),
    #[error(transparent)]
    Retention(#[from] crate::retention::RetentionError),
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let location = cli.location();
    match cli.command {
        Command::Serve(args) => serve(cli.data_dir, &location, *args),
        Command::Keys(cmd) => keys(&Store::open_at(&location)?, cmd),
        Command::Tokens(cmd) => tokens(&Store::open_at(&location)?, cmd),
        Command::Users(cmd) => users(&Store::open_at(&location)?, cmd),
        Command::Audit { limit, json } => audit(&Store::open_at(&location)?, limit, json),
        Command::Outbox(cmd) => outbox(&Store::open_at(&location)?, cmd),
        Command::Reports(cmd) => reports(&cli.data_dir, &location, cmd),
        Command::Retention(cmd) => retention(&cli.data_dir, &location, cmd),
        Command::MigrateStore { to, json } => migrate_store(&cli.data_dir, &to, json),
        Command::Migrate => {
            Store::open_at(&location)?;
            println!("the schema of {} is up to date", location.describe());
            Ok(())
        }
        Command::Redact { config } => Ok(crate::redact_cmd::run(config.as_deref())?),
    }
}

fn serve(data_dir: PathBuf, location: &Location, args: ServeArgs) -> Result<(), CliError> {
    let file = match &args.config {
        Some(path) => config::read_file(path)?,
        None => FileConfig::default(),
    };
    let settings = Settings::resolve(&args.overrides(), file)?;
    crate::relay::run(&data_dir, location, &settings)?;
    Ok(())
}

fn migrate_store(data_dir: &std::path::Path, to: &str, json: bool) -> Result<(), CliError> {
    if !data_dir.join(crate::store::DB_FILE).exists() {
        return Err(CliError::Usage(format!(
            "no SQLite store in {}: give the relay's --data-dir",
            data_dir.display()
        )));
    }
    let source = Store::open(data_dir)?;
    let destination = Store::open_postgres(to)?;
    let copied = source.copy_to(&destination)?;
    let short: Vec<&crate::store::Copied> =
        copied.iter().filter(|c| c.destination < c.source).collect();
    if json {
        println!(
            "{}",
            json!({ "tables": copied, "complete": short.is_empty() })
        );
    } else {
        for c in &copied {
            println!(
                "{:<14} {:>9} copied  {:>9} in Postgres",
                c.table, c.source, c.destination
            );
        }
    }
    if let Some(c) = short.first() {
        return Err(CliError::Usage(format!(
            "{} has {} rows in Postgres, fewer than the {} in SQLite: run migrate-store again",
            c.table, c.destination, c.source
        )));
    }
    if !json {
        println!(
            "done: start the relays with BUGCAP_DATABASE_URL set to {}",
            crate::store::Location::Postgres(to.to_owned()).describe()
        );
    }
    Ok(())
}

/// Runs async work (object-store requests) from a command.
fn block_on<T>(work: impl std::future::Future<Output = T>) -> Result<T, CliError> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(work))
}

fn reports(
    data_dir: &std::path::Path,
    location: &Location,
    cmd: ReportsCommand,
) -> Result<(), CliError> {
    let ReportsCommand::Delete {
        report_id,
        storage,
        json,
    } = cmd;
    let settings = storage.settings(Overrides::default())?;
    let objects = crate::relay::object_store(data_dir, &settings)?;
    let store = Store::open_at(location)?;
    let deleted = block_on(crate::retention::delete_report(
        &store, &objects, &report_id, "request",
    ))??;
    let Some(objects) = deleted else {
        return Err(CliError::Usage(format!("no report {report_id}")));
    };
    if json {
        println!("{}", json!({ "deleted": report_id, "objects": objects }));
    } else {
        println!("deleted report {report_id} and {objects} attachment(s)");
    }
    Ok(())
}

fn retention(
    data_dir: &std::path::Path,
    location: &Location,
    cmd: RetentionCommand,
) -> Result<(), CliError> {
    let RetentionCommand::Sweep {
        storage,
        retention_days,
        audit_retention_days,
        json,
    } = cmd;
    let settings = storage.settings(Overrides {
        retention_days,
        audit_retention_days,
        ..Overrides::default()
    })?;
    if settings.retention.is_off() {
        return Err(CliError::Usage(
            "nothing to sweep: give --retention-days or --audit-retention-days (or [retention] in the config)".into(),
        ));
    }
    let objects = crate::relay::object_store(data_dir, &settings)?;
    let store = Store::open_at(location)?;
    let swept = block_on(crate::retention::sweep(
        &store,
        &objects,
        &settings.retention,
    ))??;
    if json {
        println!("{}", serde_json::to_string(&swept).unwrap_or_default());
    } else {
        println!(
            "deleted {} report(s) with {} attachment(s), and {} audit entries",
            swept.reports, swept.objects, swept.audit_entries
        );
    }
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
        TokensCommand::Create {
            scopes,
            projects,
            json,
        } => {
            if projects
                .iter()
                .any(|p| p.trim().is_empty() || p.len() > 100)
            {
                return Err(CliError::Usage("--project must be 1-100 characters".into()));
            }
            let (token, info) = store.create_admin_token(&scopes, &projects)?;
            if json {
                println!(
                    "{}",
                    json!({ "token": token, "prefix": info.prefix, "scopes": info.scopes, "projects": info.projects })
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

/// Milliseconds since the epoch as an RFC 3339 time, or `-`.
fn time(ms: Option<i64>) -> String {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map_or_else(|| "-".into(), |t| t.to_string())
}

fn outbox(store: &Store, cmd: OutboxCommand) -> Result<(), CliError> {
    match cmd {
        OutboxCommand::List { dead, limit, json } => {
            let entries = store.outbox_entries(dead, limit.min(1000))?;
            if json {
                println!("{}", serde_json::to_string(&entries).unwrap_or_default());
            } else if entries.is_empty() {
                println!(
                    "{}",
                    if dead {
                        "no dead letters"
                    } else {
                        "the outbox is empty"
                    }
                );
            } else {
                for e in &entries {
                    let state = if e.dead_at.is_some() {
                        format!("dead since {}", time(e.dead_at))
                    } else if let Some(by) = &e.leased_by {
                        format!("being delivered by {by} until {}", time(e.leased_until))
                    } else {
                        format!("next try {}", time(e.next_attempt_at))
                    };
                    println!(
                        "{}  {:<12} attempts {:<3} {state}  {}",
                        e.report_id,
                        e.project,
                        e.attempts,
                        e.last_error.as_deref().unwrap_or("")
                    );
                }
            }
        }
        OutboxCommand::Replay {
            report_id,
            all,
            json,
        } => {
            if report_id.is_none() && !all {
                return Err(CliError::Usage(
                    "name a report id, or --all for every dead letter".into(),
                ));
            }
            let replayed = store.replay_dead(report_id.as_deref())?;
            if report_id.is_some() && replayed == 0 {
                return Err(CliError::Usage(
                    "that report is not a dead letter (see outbox list --dead)".into(),
                ));
            }
            if json {
                println!("{}", json!({ "replayed": replayed }));
            } else {
                println!(
                    "{replayed} report(s) back in the queue; a running relay delivers them within seconds"
                );
            }
        }
    }
    Ok(())
}

fn audit(store: &Store, limit: usize, json: bool) -> Result<(), CliError> {
    let entries = store.audit_log(limit)?;
    if json {
        println!("{}", serde_json::to_string(&entries).unwrap_or_default());
        return Ok(());
    }
    for e in &entries {
        let at = time(Some(e.at));
        println!("{at}  {:<28} {:<16} {}", e.action, e.subject, e.detail);
    }
    Ok(())
}

/// A new password: asked twice on a terminal, else the first line of stdin.
fn read_password() -> Result<String, CliError> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            return Err(CliError::Usage("the two passwords differ".into()));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn users(store: &Store, cmd: UsersCommand) -> Result<(), CliError> {
    match cmd {
        UsersCommand::Create {
            name,
            read_only,
            generate_password,
            json,
        } => {
            let password = if generate_password {
                let made = crate::auth::secret::generate(crate::auth::secret::SecretKind::Session)
                    .map_err(|e| CliError::Usage(e.to_string()))?;
                made[crate::auth::secret::SecretKind::Session.tag().len()..][..24].to_owned()
            } else {
                read_password()?
            };
            let scopes = if read_only {
                vec![Scope::ReportsRead]
            } else {
                vec![Scope::ReportsWrite]
            };
            let info = store.create_user(&name, &password, &scopes)?;
            if json {
                let mut out = json!({ "name": info.name, "scopes": info.scopes });
                if generate_password {
                    out["password"] = password.into();
                }
                println!("{out}");
            } else {
                println!("created {} ({})", info.name, info.scopes.join(" "));
                if generate_password {
                    println!("Password (shown once):\n  {password}");
                }
            }
        }
        UsersCommand::List { json } => {
            let list = store.list_users()?;
            if json {
                println!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else if list.is_empty() {
                println!("no accounts");
            } else {
                for u in &list {
                    let state = if u.disabled_at.is_some() {
                        "disabled"
                    } else {
                        "active"
                    };
                    println!("{}  {}  {state}", u.name, u.scopes.join(" "));
                }
            }
        }
        UsersCommand::Password { name, json } => {
            let password = read_password()?;
            store.set_password(&name, &password)?;
            if json {
                println!("{}", json!({ "name": name, "password_set": true }));
            } else {
                println!("new password set for {name}; their sessions have ended");
            }
        }
        UsersCommand::Disable { name, json } => {
            store.disable_user(&name)?;
            if json {
                println!("{}", json!({ "name": name, "disabled": true }));
            } else {
                println!("disabled {name}; their sessions have ended");
            }
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
    let projects = if t.projects.is_empty() {
        "*".to_owned()
    } else {
        t.projects.join(",")
    };
    println!(
        "{}  {}  scopes={} projects={projects} created={} last_used={}",
        t.prefix,
        state,
        t.scopes.join(","),
        t.created_at,
        t.last_used_at.map_or("never".into(), |t| t.to_string())
    );
}
