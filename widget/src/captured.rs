//! What the capture module hands the reporter when a report is built: the contract between the
//! two wasm modules (the small one every page loads at `init`, and the reporter loaded on first
//! use). It crosses as a plain JS object.

use std::collections::BTreeMap;

use bugcap_protocol::{ConsoleEntry, ErrorEntry, Identity, MetadataValue, NetworkEntry};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Captured {
    pub console: Vec<ConsoleEntry>,
    pub errors: Vec<ErrorEntry>,
    pub network: Vec<NetworkEntry>,
    pub identity: Option<Identity>,
    pub metadata: BTreeMap<String, MetadataValue>,
}
