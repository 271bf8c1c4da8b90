//! Rewriting a stored article in place: its row, body, links, enclosures and both word
//! indexes, as a feed's changed item or a fetched full article replaces its content.
//! Read and starred state and the reader's position stay.

use anyhow::Result;
use rusqlite::params;

use super::{Prepared, Store};
use crate::domain::model::{ArticleId, NewArticle};

/// Rewrites an article's content and index entries; state and position stay. Returns
/// false when nothing had changed.
pub(super) fn update_article(tx: &rusqlite::Connection, id: i64, row: &Prepared) -> Result<bool> {
    let same: bool = tx.query_row(
        "SELECT a.title = ?2 AND a.authors = ?3 AND a.source = ?4 AND b.body = ?5
           AND a.published IS ?6 AND l.urls IS ?7
         FROM articles a JOIN bodies b ON b.id = a.id LEFT JOIN links l ON l.id = a.id
         WHERE a.id = ?1",
        params![
            id,
            row.title,
            row.authors,
            row.source,
            row.stored,
            row.published,
            row.stored_links
        ],
        |r| r.get(0),
    )?;
    // The item's enclosures now, replacing any it had.
    let enclosures_changed = super::enclosures::replace(tx, id, &row.enclosures)?;
    if same {
        return Ok(enclosures_changed);
    }
    // An article of no feed is counted under its source text (store/sources.rs): a feed
    // file whose title changed moves its items to the new source.
    let (feed, source, unread): (Option<i64>, String, bool) = tx.query_row(
        "SELECT feed_id, source, read = 0 FROM articles WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if feed.is_none() && source != row.source {
        let mut tally = super::sources::Tally::default();
        tally.add(None, &source, -1, -i64::from(unread));
        tally.add(None, &row.source, 1, i64::from(unread));
        tally.apply(tx)?;
    }
    tx.execute(
        "UPDATE articles SET title = ?2, authors = ?3, source = ?4, published = ?5,
             sort_key = ?6, url = coalesce(?7, url), summary = ?8 WHERE id = ?1",
        params![
            id,
            row.title,
            row.authors,
            row.source,
            row.published,
            row.sort_key,
            row.url,
            row.summary
        ],
    )?;
    tx.execute(
        "UPDATE bodies SET body = ?2 WHERE id = ?1",
        params![id, row.stored],
    )?;
    // The item's links now, replacing any it had.
    tx.execute("DELETE FROM links WHERE id = ?1", [id])?;
    if let Some(urls) = &row.stored_links {
        tx.execute(
            "INSERT INTO links (id, urls) VALUES (?1, ?2)",
            params![id, urls],
        )?;
    }
    reindex(tx, id, row)?;
    Ok(true)
}

/// Writes article `id`'s entries in both word indexes again from `row`: contentless
/// indexes take an entry whole, so it is deleted and written anew.
fn reindex(tx: &rusqlite::Connection, id: i64, row: &Prepared) -> Result<()> {
    tx.execute("DELETE FROM articles_fts WHERE rowid = ?1", [id])?;
    tx.execute(
        "INSERT INTO articles_fts (rowid, title, authors, source, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, row.title, row.authors, row.source, row.words()],
    )?;
    tx.execute("DELETE FROM articles_cjk WHERE rowid = ?1", [id])?;
    if let Some(cjk) = &row.cjk {
        tx.execute(
            "INSERT INTO articles_cjk (rowid, title, authors, source, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, cjk[0], cjk[1], cjk[2], cjk[3]],
        )?;
    }
    Ok(())
}

/// Gives every article of feed `feed_id` the source `name`, in the caller's transaction,
/// with both word indexes (contentless: an entry is written whole again), so that a
/// renamed feed's articles show and are found under its new name at once. Returns how
/// many articles it renamed.
pub(super) fn rename_articles(
    store: &Store,
    tx: &rusqlite::Connection,
    feed_id: i64,
    name: &str,
) -> Result<usize> {
    let ids: Vec<ArticleId> = tx
        .prepare_cached("SELECT id FROM articles WHERE feed_id = ?1 AND source != ?2")?
        .query_map(params![feed_id, name], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let codec = store.loaded_codec()?;
    for id in &ids {
        let Some(a) = store.articles().article(*id)? else {
            continue;
        };
        let row = Prepared::new(
            &NewArticle {
                title: a.summary.title.clone(),
                authors: a.summary.authors.clone(),
                source: name.to_owned(),
                paragraphs: a.paragraphs,
                links: a.links,
                ..Default::default()
            },
            codec,
        );
        tx.execute(
            "UPDATE articles SET source = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        reindex(tx, id.0, &row)?;
    }
    Ok(ids.len())
}
