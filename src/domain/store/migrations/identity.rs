//! Step 19: one identity for an article of an account, and for a feed per account.
//!
//! Frozen once shipped: this step's SQL and code call nothing outside this file, so a
//! later change elsewhere cannot change what an upgrade does.
//!
//! - An article's id on its account's server moves out of its guid into its own column,
//!   `articles.remote_id`: before, a feed read locally before an account followed it
//!   kept its items' guids as their "server ids", so its marks never reached the server.
//! - A feed's address is unique among the local feeds and within each account, no
//!   longer across the store: two accounts whose servers follow one address each keep
//!   their own feed, entries and mark.
//! - `feeds.left_at`: when the feed left its account's server. Such a feed is kept as
//!   an archive (its articles are never deleted by a sync) until it comes back or the
//!   person removes it.
//! - `feeds.remote_folders`: the folders the server last had for the feed, so a folder
//!   moved or removed on the server moves or goes in herald too, and one removed in
//!   herald is removed on the server.
//! - Outbox ids are never reused (AUTOINCREMENT): a sync clears only the rows it sent,
//!   and a change made while it pushed could take a sent row's id before.

use anyhow::{Result, bail};
use rusqlite::Transaction;

/// The feeds table as step 3 made it; its `url` column loses its UNIQUE.
const FEEDS_URL_UNIQUE: &str = "url           TEXT NOT NULL UNIQUE,";
const FEEDS_URL: &str = "url           TEXT NOT NULL,";

const AFTER: &str = r#"
CREATE UNIQUE INDEX feeds_remote ON feeds(account_id, remote_id) WHERE remote_id IS NOT NULL;
-- One local feed per address, and one per address within an account.
CREATE UNIQUE INDEX feeds_local_url ON feeds(url) WHERE account_id IS NULL;
CREATE UNIQUE INDEX feeds_account_url ON feeds(account_id, url) WHERE account_id IS NOT NULL;
ALTER TABLE feeds ADD COLUMN left_at INTEGER;
-- The feed's folders as its server last had them, one per line: a sync tells a folder
-- the server added or took away from a tag that only herald has.
ALTER TABLE feeds ADD COLUMN remote_folders TEXT;

-- An article's entry id on its account's server (its feed's account).
ALTER TABLE articles ADD COLUMN remote_id TEXT;
CREATE INDEX articles_remote ON articles(remote_id) WHERE remote_id IS NOT NULL;
-- Articles synced before this step carry the entry id as their guid (a number for both
-- protocols); an article read before its feed joined the account carries the feed's guid,
-- and gets its entry id when the next sync matches it by its link.
UPDATE articles SET remote_id = guid
 WHERE guid IS NOT NULL AND guid != '' AND guid NOT GLOB '*[^0-9]*'
   AND feed_id IN (SELECT id FROM feeds WHERE account_id IS NOT NULL);

CREATE TABLE outbox_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    change     TEXT NOT NULL,
    article_id INTEGER,
    feed_id    INTEGER,
    remote_id  TEXT,
    value      TEXT,
    made       INTEGER NOT NULL
);
INSERT INTO outbox_new (id, account_id, change, article_id, feed_id, remote_id, value, made)
    SELECT id, account_id, change, article_id, feed_id, remote_id, value, made FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_by_account ON outbox(account_id, id);
CREATE INDEX outbox_by_article ON outbox(article_id) WHERE article_id IS NOT NULL;
"#;

/// Runs the step inside the upgrade's transaction, with foreign keys off (schema.rs).
/// The feeds table is rebuilt under the articles that name it: renamed aside with the
/// legacy rename (which leaves the other tables' references naming `feeds`), made anew,
/// filled, and the old one dropped.
pub(super) fn step(tx: &Transaction<'_>) -> Result<()> {
    let sql: String = tx.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'feeds'",
        [],
        |r| r.get(0),
    )?;
    if !sql.contains(FEEDS_URL_UNIQUE) || !sql.starts_with("CREATE TABLE feeds (") {
        bail!("the feeds table is not as herald made it; the store was changed by hand");
    }
    let enforced: bool = tx.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    if enforced {
        bail!("the feeds table can be rebuilt only with foreign keys off (schema::prepare)");
    }
    let rebuilt = sql.replacen(FEEDS_URL_UNIQUE, FEEDS_URL, 1);
    tx.pragma_update(None, "legacy_alter_table", true)?;
    tx.execute_batch("ALTER TABLE feeds RENAME TO feeds_old;")?;
    tx.pragma_update(None, "legacy_alter_table", false)?;
    tx.execute_batch(&rebuilt)?;
    tx.execute_batch(
        "INSERT INTO feeds SELECT * FROM feeds_old;
         DROP TABLE feeds_old;",
    )?;
    tx.execute_batch(AFTER)?;
    Ok(())
}
