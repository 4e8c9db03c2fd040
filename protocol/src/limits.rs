//! Size and count limits shared by the widget (which trims to them before sending) and the relay
//! (which refuses anything beyond them). One table, so the two never disagree about what fits.

/// Limits a report must stay within. The defaults are the relay's defaults; a relay may lower or
/// raise them through its config, and the widget trims its ring buffers to the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Deepest JSON nesting accepted anywhere in the body.
    pub max_json_depth: usize,
    /// Longest feedback text, in bytes.
    pub max_feedback_bytes: usize,
    /// Longest single string anywhere else (console message, URL, body head), in bytes.
    pub max_string_bytes: usize,
    pub max_console_entries: usize,
    pub max_console_args: usize,
    pub max_error_entries: usize,
    pub max_network_entries: usize,
    pub max_headers: usize,
    pub max_annotations: usize,
    pub max_annotation_points: usize,
    pub max_attachments: usize,
    pub max_metadata_entries: usize,
    pub max_redaction_rules: usize,
}

/// Default request body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_json_depth: 64,
            max_feedback_bytes: 20_000,
            max_string_bytes: 64 * 1024,
            max_console_entries: 1_000,
            max_console_args: 32,
            max_error_entries: 200,
            max_network_entries: 500,
            max_headers: 100,
            max_annotations: 500,
            max_annotation_points: 10_000,
            max_attachments: 16,
            max_metadata_entries: 100,
            max_redaction_rules: 200,
        }
    }
}
