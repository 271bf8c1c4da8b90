//! The fetch log: every failure of a refresh (a feed, an account's sync, a full article,
//! a step as a whole) and of adding a feed, kept in the store so that it outlives the
//! process that met it. Bounded: the newest [`PER_FEED`] entries of a feed and the newest
//! [`MAX_ENTRIES`] in all.

use anyhow::{Context, Result};
use rusqlite::params;

use super::handles::Maintenance;

/// The most entries kept for one feed.
pub const PER_FEED: usize = 20;
/// The most entries kept in all.
pub const MAX_ENTRIES: usize = 500;

/// One entry: when (Unix seconds) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: i64,
    pub text: String,
}

impl Maintenance<'_> {
    /// Adds `entries` (a feed's id, when the failure is a feed's, and the line) at `at`,
    /// in one transaction, and drops what is past the bounds.
    pub fn log_failures(&self, at: i64, entries: &[(Option<i64>, String)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let tx = self.write()?;
        {
            let mut insert =
                tx.prepare_cached("INSERT INTO fetch_log (at, feed_id, text) VALUES (?1, ?2, ?3)")?;
            let mut trim_feed = tx.prepare_cached(
                "DELETE FROM fetch_log WHERE feed_id = ?1 AND id NOT IN (
                     SELECT id FROM fetch_log WHERE feed_id = ?1 ORDER BY id DESC LIMIT ?2)",
            )?;
            for (feed, text) in entries {
                insert.execute(params![at, feed, text])?;
                if let Some(feed) = feed {
                    trim_feed.execute(params![feed, PER_FEED as i64])?;
                }
            }
        }
        tx.execute(
            "DELETE FROM fetch_log WHERE id NOT IN (
                 SELECT id FROM fetch_log ORDER BY id DESC LIMIT ?1)",
            [MAX_ENTRIES as i64],
        )?;
        tx.commit().context("keeping the fetch log")
    }

    /// The log, oldest first.
    pub fn fetch_log(&self) -> Result<Vec<LogEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, text FROM fetch_log ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(LogEntry {
                at: r.get(0)?,
                text: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::Store;

    #[test]
    fn the_log_is_bounded_per_feed_and_in_all() {
        let store = Store::open_in_memory().unwrap();
        let noisy: Vec<(Option<i64>, String)> = (0..50)
            .map(|i| (Some(1), format!("feed 1 failed {i}")))
            .collect();
        store.maintenance().log_failures(10, &noisy).unwrap();
        let log = store.maintenance().fetch_log().unwrap();
        assert_eq!(log.len(), PER_FEED);
        assert_eq!(log[0].text, "feed 1 failed 30");
        let many: Vec<(Option<i64>, String)> =
            (0..600).map(|i| (None, format!("step {i}"))).collect();
        store.maintenance().log_failures(20, &many).unwrap();
        let log = store.maintenance().fetch_log().unwrap();
        assert_eq!(log.len(), MAX_ENTRIES);
        assert_eq!(log.last().unwrap().text, "step 599");
    }
}
