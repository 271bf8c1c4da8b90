//! Subscriptions, and storing feed items so that a fetched item already in the store is
//! updated in place (matched by guid, then url), keeping its read and starred state and
//! the reader's position.

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Prepared, Store};
use crate::model::NewArticle;

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub id: i64,
    pub url: String,
    pub name: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetched: Option<i64>,
    pub last_error: Option<String>,
}

/// What storing a batch of feed items did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpsertCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Store {
    /// Adds a subscription; adding one that exists is an error naming it.
    pub fn add_feed(&self, url: &str, name: Option<&str>) -> Result<Feed> {
        if self.feed_by_url(url)?.is_some() {
            bail!("already subscribed to {url}");
        }
        self.conn
            .execute(
                "INSERT INTO feeds (url, name) VALUES (?1, ?2)",
                params![url, name],
            )
            .context("saving the subscription")?;
        self.feed_by_url(url)?
            .context("the subscription just saved is missing")
    }

    pub fn feeds(&self) -> Result<Vec<Feed>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, url, name, etag, last_modified, last_fetched, last_error
             FROM feeds ORDER BY id",
        )?;
        let rows = stmt.query_map([], feed_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn feed_by_url(&self, url: &str) -> Result<Option<Feed>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, url, name, etag, last_modified, last_fetched, last_error
                 FROM feeds WHERE url = ?1",
                [url],
                feed_from_row,
            )
            .optional()?)
    }

    /// Removes a subscription by url or id; its articles stay.
    pub fn remove_feed(&self, url_or_id: &str) -> Result<Feed> {
        let feed = match url_or_id.parse::<i64>() {
            Ok(id) => self.feeds()?.into_iter().find(|f| f.id == id),
            Err(_) => self.feed_by_url(url_or_id)?,
        };
        let Some(feed) = feed else {
            bail!("no subscription {url_or_id}; `herald feed list` shows them");
        };
        self.conn
            .execute("DELETE FROM feeds WHERE id = ?1", [feed.id])?;
        Ok(feed)
    }

    /// Gives an unnamed subscription its feed's own title.
    pub fn name_feed(&self, id: i64, name: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE feeds SET name = ?2 WHERE id = ?1 AND name IS NULL",
            params![id, name],
        )?;
        Ok(())
    }

    /// Records the outcome of a fetch: the validators for the next conditional request,
    /// or the error.
    pub fn record_fetch(
        &self,
        id: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
        error: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE feeds SET etag = coalesce(?2, etag), last_modified = coalesce(?3, last_modified),
                 last_error = ?4, last_fetched = ?5 WHERE id = ?1",
            params![id, etag, last_modified, error, at.as_second()],
        )?;
        Ok(())
    }

    /// Stores feed items: known ones (same guid, else same url) are updated in place when
    /// their content changed, in one transaction; new ones are then added in another.
    pub fn upsert(&self, articles: &[NewArticle], added: Timestamp) -> Result<UpsertCounts> {
        let mut counts = UpsertCounts::default();
        let mut fresh = Vec::new();
        let tx = self.conn.unchecked_transaction()?;
        for article in articles {
            let by_guid: Option<i64> = match &article.guid {
                Some(guid) => tx
                    .query_row(
                        "SELECT id FROM articles WHERE guid = ?1 OR dedup_key = ?2",
                        params![guid, format!("guid:{}", guid.trim())],
                        |r| r.get(0),
                    )
                    .optional()?,
                None => None,
            };
            let found = match (by_guid, &article.url) {
                (Some(id), _) => Some(id),
                (None, Some(url)) => tx
                    .query_row("SELECT id FROM articles WHERE url = ?1", [url], |r| {
                        r.get(0)
                    })
                    .optional()?,
                (None, None) => None,
            };
            let row = Prepared::new(article);
            match found {
                Some(id) => {
                    if update_article(&tx, id, &row)? {
                        counts.updated += 1;
                    } else {
                        counts.unchanged += 1;
                    }
                }
                None => fresh.push(row),
            }
        }
        tx.commit().context("saving the feed items")?;
        let inserted = self.import_prepared(&fresh, added)?;
        counts.new += inserted.imported;
        counts.unchanged += inserted.already_present;
        Ok(counts)
    }
}

/// Rewrites an article's content and index entries; state and position stay. Returns
/// false when nothing had changed.
fn update_article(tx: &rusqlite::Transaction<'_>, id: i64, row: &Prepared) -> Result<bool> {
    let same: bool = tx.query_row(
        "SELECT a.title = ?2 AND a.authors = ?3 AND a.source = ?4 AND b.body = ?5
           AND a.published IS ?6
         FROM articles a JOIN bodies b ON b.id = a.id WHERE a.id = ?1",
        params![
            id,
            row.title,
            row.authors,
            row.source,
            row.body,
            row.published
        ],
        |r| r.get(0),
    )?;
    if same {
        return Ok(false);
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
        params![id, row.body],
    )?;
    tx.execute("DELETE FROM articles_fts WHERE rowid = ?1", [id])?;
    tx.execute(
        "INSERT INTO articles_fts (rowid, title, authors, source, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, row.title, row.authors, row.source, row.body],
    )?;
    tx.execute("DELETE FROM articles_cjk WHERE rowid = ?1", [id])?;
    if let Some(cjk) = &row.cjk {
        tx.execute(
            "INSERT INTO articles_cjk (rowid, title, authors, source, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, cjk[0], cjk[1], cjk[2], cjk[3]],
        )?;
    }
    Ok(true)
}

fn feed_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Feed> {
    Ok(Feed {
        id: row.get(0)?,
        url: row.get(1)?,
        name: row.get(2)?,
        etag: row.get(3)?,
        last_modified: row.get(4)?,
        last_fetched: row.get(5)?,
        last_error: row.get(6)?,
    })
}
