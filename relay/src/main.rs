use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let mut filter =
        EnvFilter::try_from_env("BUGCAP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // The MCP SDK logs each request's start and end at info (one line per agent call would
    // drown the relay's own log) and every tool result at debug (report content, which the log
    // must never hold): it speaks only of problems, whatever BUGCAP_LOG asks.
    if let Ok(quiet) = "rmcp=warn".parse() {
        filter = filter.add_directive(quiet);
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = bugcap_relay::cli::Cli::parse();
    match bugcap_relay::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
