//! The word index rebuilt from the stored articles, in the layout schema step 15 gave it
//! (`migrations/body_first.rs`, a frozen copy that upgrades run): the body as its first
//! column. `Store::rebuild_word_index` runs this one, which follows the live codec and
//! links and so may change with them.
//!
//! Why the body first: in an FTS5 position list, positions in column 0 need no marker, while those of
//! any other column follow two bytes that name it. With the title first, nearly every
//! (word, article) entry of the index paid those two bytes for the body. With the body
//! first, the import bench's 10,000 articles need 2.86 KiB of index each instead of
//! 3.96 (the store: 6.00 KiB per article instead of 7.10), the positions all kept, so
//! phrases and NEAR stay exact and BM25 ranks as before (its weights follow the columns).
//! Searches name columns (`{title}:`), never their numbers, so nothing else changes.

use anyhow::{Context, Result};
use rusqlite::Connection;

use super::codec::Codec;
use super::links;

/// The word index's columns, in their order. Every statement that fills the index names
/// them, so that this order is decided here and in the schema alone.
const LAYOUT: &str = r#"
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    body, title, authors, source,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 33554432);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('pgsz', 16000);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
-- Relevance as before: a match in the title counts most, then authors and source, then
-- the body; the weights follow the columns' order.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(1.0, 8.0, 4.0, 2.0)');
"#;

/// Replaces the word index by one with the body first, and indexes every stored article
/// again: the same text as when it was stored (title, authors, source; the body with its
/// links after it), inside the caller's transaction. Reads every body: about as slow as
/// an import's indexing.
pub(super) fn rebuild(tx: &Connection) -> Result<()> {
    tx.execute_batch(LAYOUT)?;
    let codec = Codec::load(tx)?;
    let mut select = tx.prepare(
        "SELECT a.id, a.title, a.authors, a.source, b.body, l.urls
         FROM articles a JOIN bodies b ON b.id = a.id LEFT JOIN links l ON l.id = a.id",
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO articles_fts (rowid, title, authors, source, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let body = codec
            .decompress(row.get_ref(4)?)
            .with_context(|| format!("reading the body of article {id}"))?;
        let urls = match row.get_ref(5)? {
            rusqlite::types::ValueRef::Null => Vec::new(),
            stored => links::decode(
                &codec
                    .decompress(stored)
                    .with_context(|| format!("reading the links of article {id}"))?,
            ),
        };
        let title: String = row.get(1)?;
        let authors: String = row.get(2)?;
        let source: String = row.get(3)?;
        insert.execute(rusqlite::params![
            id,
            title,
            authors,
            source,
            links::indexed_text(&body, &urls)
        ])?;
    }
    // One segment, as a settled import leaves it.
    tx.execute(
        "INSERT INTO articles_fts (articles_fts) VALUES ('optimize')",
        [],
    )?;
    Ok(())
}
