//! Time as herald reads it: when the process began, and the clock the app asks for
//! "now" whenever it needs it (so `since:1d` means the last day even after a week open).

use jiff::Timestamp;

/// When the process began, as near as herald can tell: for start-up measurements.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Where "now" comes from: the system's clock, or a time a test sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(Timestamp),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(at) => *at,
        }
    }
}
