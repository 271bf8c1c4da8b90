//! Step 9: an article's links as data, out of its body. It reads every body and rewrites
//! those with links: 1.2–1.5 times the work of step 8's recompression (measured at 5,000
//! and 100,000 articles, nine in ten with links), hence its notice.
//!
//! Frozen once shipped: it reads and writes with the frozen codec and links beside it.

use anyhow::{Context, Result};
use rusqlite::Transaction;

use super::codec::Codec;
use super::links::{pack, split_off};

const LINKS: &str = r#"
-- An article's links (the addresses its text numbers [1], [2], …) as data: before, they
-- were paragraphs at the end of its body (store/links.rs). One row per article that has
-- any; the word index keeps them as it did.
CREATE TABLE links (
    id   INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    -- one address per line, `\` and newlines escaped; zstd-compressed when that is smaller
    urls BLOB NOT NULL
);
"#;

/// Moves the links section at the end of each body into `links`. The word index
/// already holds the body and links in just the shape it gets from them now, so it is
/// left as it is.
pub(super) fn step(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(LINKS)?;
    let codec = Codec::load(tx)?;
    let mut select =
        tx.prepare("SELECT id, body FROM bodies WHERE id > ?1 ORDER BY id LIMIT 512")?;
    let mut update = tx.prepare("UPDATE bodies SET body = ?2 WHERE id = ?1")?;
    let mut insert = tx.prepare("INSERT INTO links (id, urls) VALUES (?1, ?2)")?;
    let mut after = i64::MIN;
    loop {
        let mut moved = Vec::new();
        let mut rows = select.query([after])?;
        let mut any = false;
        while let Some(row) = rows.next()? {
            any = true;
            after = row.get(0)?;
            let body = codec
                .decompress(row.get_ref(1)?)
                .with_context(|| format!("reading the body of article {after}"))?;
            if let Some(split) = split_off(&body) {
                moved.push((after, split));
            }
        }
        if !any {
            return Ok(());
        }
        for (id, (body, links)) in moved {
            update.execute(rusqlite::params![id, codec.compress(&body)])?;
            insert.execute(rusqlite::params![id, pack(&codec, &links)])?;
        }
    }
}
