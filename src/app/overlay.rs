//! What is open over the panes: the help or the fetch log, one at a time.

use super::App;

/// A pop-up over the panes; keys go to it while it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    FetchLog,
}

impl App {
    /// Whether the help is open over the panes.
    pub fn help_open(&self) -> bool {
        self.overlay == Some(Overlay::Help)
    }

    /// Whether the fetch log is open over the panes (`L`); it scrolls like the help.
    pub fn log_open(&self) -> bool {
        self.overlay == Some(Overlay::FetchLog)
    }
}
