//! Step 7: feed items scoped to their feed, and the articles earlier builds fetched
//! adopted by it.
//!
//! Frozen once shipped: this step's SQL and code call nothing outside `migrations/`. The
//! scope it gives an adopted article's dedup key is the one feeds.rs gave fetched items
//! when the step shipped; should feeds.rs ever scope keys otherwise, that change needs a
//! step of its own, and this one must still write what it wrote.

use anyhow::Result;
use rusqlite::Transaction;
use sha2::{Digest, Sha256};

const FEED_SCOPES: &str = r#"
-- A feed item is the same article as another only within its own feed: (feed, guid),
-- else (feed, url). The dedup key of a feed item carries its feed's key (see
-- store::feed_scope), and an item is looked up by that key (the unique index) or by its
-- feed and url. Before, an item whose link matched another feed's article replaced it,
-- and the lookup by guid read the whole table (19 s per fetch at 100,000 articles).
ALTER TABLE articles ADD COLUMN feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL;
DROP INDEX articles_url;
CREATE INDEX articles_feed_url ON articles(feed_id, url);
"#;

pub(super) fn step(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(FEED_SCOPES)?;
    adopt_feed_items(tx)
}

/// Gives the articles that earlier builds fetched their feed: a fetched article's source
/// is its feed's name, so a name that one feed alone has tells it. Their dedup keys move
/// into the feed's scope, so the next fetch updates them instead of adding them again.
fn adopt_feed_items(tx: &Transaction<'_>) -> Result<()> {
    let mut feeds = tx.prepare(
        "SELECT id, url, name FROM feeds WHERE name IS NOT NULL
         AND name IN (SELECT name FROM feeds GROUP BY name HAVING count(*) = 1)",
    )?;
    let named = feeds
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut adopt = tx.prepare(
        "UPDATE articles SET feed_id = ?1, dedup_key = ?2 || dedup_key
         WHERE feed_id IS NULL AND source = ?3",
    )?;
    for (id, url, name) in named {
        adopt.execute(rusqlite::params![id, scope(&url), name])?;
    }
    Ok(())
}

/// The prefix of a feed's items' dedup keys: the first 8 bytes of the SHA-256 of its
/// address, trimmed, in hex.
fn scope(url: &str) -> String {
    let digest = Sha256::digest(url.trim().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("feed:{hex}:")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scope is pinned to its value when the step shipped (worked out apart from
    /// herald: the first 16 hex digits of SHA-256 of `https://a.example/rss`).
    #[test]
    fn the_scope_is_as_shipped() {
        assert_eq!(scope(" https://a.example/rss\n"), "feed:f14074e5979b9d9b:");
    }
}
