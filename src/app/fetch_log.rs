//! The fetch log: the failures of refreshes (this reader's, a timer's `herald fetch`,
//! earlier runs') and of adding a feed, in full, in a pop-up (`L`). The status line only
//! summarises a fetch; this is where the whole reason can be read. The store keeps the
//! log (store/fetch_log.rs); this is the copy the pop-up shows, read again after each
//! fetch, when the store changes and when the pop-up opens.

use std::collections::VecDeque;

use super::{App, Effect, layout};

/// The most errors kept: a feed failing every few minutes for days must not grow memory.
pub const MAX_ENTRIES: usize = 500;

/// The log's entries, oldest first, at most `MAX_ENTRIES`.
#[derive(Debug, Clone, Default)]
pub struct FetchLog {
    entries: VecDeque<String>,
}

impl FetchLog {
    /// Adds a fetch's failures, each with the time it ended.
    pub fn record(&mut self, when: &str, failures: &[String]) {
        for failure in failures {
            if self.entries.len() == MAX_ENTRIES {
                self.entries.pop_front();
            }
            self.entries.push_back(format!("{when}  {failure}"));
        }
    }

    /// The store's log, oldest first, each entry stamped as `stamp` says.
    pub fn replace(&mut self, entries: impl Iterator<Item = String>) {
        self.entries = entries.collect();
        while self.entries.len() > MAX_ENTRIES {
            self.entries.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl App {
    /// The log's lines as the pop-up shows them: each entry wrapped to its width, newest
    /// first, never cut.
    pub fn fetch_log_lines(&self) -> Vec<String> {
        if self.fetch_log.is_empty() {
            return vec!["No fetch errors kept.".to_owned()];
        }
        let width = usize::from(layout::HELP_WIDTH.min(self.size.width).saturating_sub(2)).max(1);
        let newest_first: Vec<String> = self.fetch_log.entries.iter().rev().cloned().collect();
        let filled = crate::domain::text::fill(&newest_first, width);
        filled.lines().map(str::to_owned).collect()
    }

    /// How far the log can scroll on this screen.
    pub(super) fn log_max_scroll(&self) -> usize {
        layout::help_max_scroll(self.size, self.fetch_log_lines().len())
    }

    /// Records failures met here (adding a feed): shown at once, and kept in the store
    /// by the effect returned.
    pub(super) fn log_failures(&mut self, failures: &[String]) -> Option<Effect> {
        if failures.is_empty() {
            return None;
        }
        let when = self.stamp(self.clock.now().as_second());
        self.fetch_log.record(&when, failures);
        Some(Effect::LogFailures(failures.to_vec()))
    }

    /// The store's log as it was read: the pop-up's copy.
    pub(super) fn fetch_log_loaded(&mut self, entries: Vec<crate::domain::store::LogEntry>) {
        let lines: Vec<String> = entries
            .into_iter()
            .map(|e| format!("{}  {}", self.stamp(e.at), e.text))
            .collect();
        self.fetch_log.replace(lines.into_iter());
        self.log_scroll = self.log_scroll.min(self.log_max_scroll());
    }

    /// A time as the log shows it: the local date and minute.
    fn stamp(&self, at: i64) -> String {
        jiff::Timestamp::from_second(at).map_or_else(
            |_| at.to_string(),
            |t| {
                self.zone
                    .to_datetime(t)
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_newest_entries_up_to_its_cap() {
        let mut log = FetchLog::default();
        let failures: Vec<String> = (0..MAX_ENTRIES + 20).map(|i| format!("feed {i}")).collect();
        log.record("2026-11-30 23:00", &failures);
        assert_eq!(log.len(), MAX_ENTRIES);
        assert_eq!(log.entries.front().unwrap(), "2026-11-30 23:00  feed 20");
        assert!(
            log.entries
                .back()
                .unwrap()
                .ends_with(&format!("feed {}", MAX_ENTRIES + 19))
        );
    }
}
