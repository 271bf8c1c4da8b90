//! Step 20: the fetch log kept in the store (store/fetch_log.rs), so that the reader's
//! `L` shows the failures of earlier runs and of `herald fetch` from a timer, as the
//! sources pane's marks and `feed list` already do. Frozen once shipped.

pub(super) const FETCH_LOG: &str = r#"
-- One failure of a refresh a row: when (Unix seconds), the feed it concerns (NULL for an
-- account, a page or a step as a whole), and the line as the log shows it. Bounded by
-- the writes (20 a feed, 500 in all).
CREATE TABLE fetch_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    feed_id INTEGER,
    text    TEXT NOT NULL
);
CREATE INDEX fetch_log_by_feed ON fetch_log(feed_id, id) WHERE feed_id IS NOT NULL;
"#;
