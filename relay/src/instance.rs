//! This relay process's name where relays sharing a database take turns: outbox leases and
//! periodic sweeps. Host, process id and a random part, so two relays (or one restarted with
//! the same process id in a container) never share one.

pub fn name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().chars().take(64).collect::<String>())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "relay".into());
    let mut random = [0u8; 4];
    let _ = getrandom::fill(&mut random);
    format!(
        "{host}/{}/{}",
        std::process::id(),
        crate::hex::encode(&random)
    )
}
