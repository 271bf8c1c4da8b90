//! Time as herald reads it: when the process began.

/// When the process began, as near as herald can tell: for start-up measurements.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
