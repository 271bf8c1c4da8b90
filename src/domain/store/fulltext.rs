//! Full articles for feeds that carry only a teaser. A feed with `full_text` on has each
//! new item marked as waiting; the fetch (`domain/fetch/pages.rs`) asks for the waiting
//! pages, and each extracted article becomes the item's body, its word index rewritten,
//! with the feed's own text kept as the summary. A page that fails leaves the feed's
//! text and records why. A later fetch of the feed updates the item's title, authors
//! and date but keeps the full body.

use anyhow::{Context, Result};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::handles::{Articles, Feeds};
use super::{Codec, Prepared, Store, body_of};
use crate::domain::model::{Article, ArticleId, NewArticle};

/// An item whose page is waiting to be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: ArticleId,
    pub url: String,
    pub title: String,
}

/// Where an article's full text stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FullText {
    /// Its page is waiting to be fetched.
    Waiting,
    /// Its body is the full article.
    Stored,
    /// Its page was tried and the feed's text kept, for this reason.
    Failed(String),
}

/// What storing an extracted article did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// The body is the full article now, of this many words.
    Stored(usize),
    /// The feed's text stays: the page had no more to say. Recorded as a failure.
    NotLonger { page: usize, feed: usize },
}

fn words(paragraphs: &[String]) -> usize {
    paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum()
}

impl Feeds<'_> {
    /// Turns fetching full articles on or off for subscription `id`.
    pub fn set_full_text(&self, id: i64, on: bool) -> Result<()> {
        let n = self
            .conn
            .execute(
                "UPDATE feeds SET full_text = ?2 WHERE id = ?1",
                params![id, on],
            )
            .context("saving the subscription's full-text setting")?;
        if n == 0 {
            anyhow::bail!("no subscription {id}; `herald feed list` shows them");
        }
        Ok(())
    }
}

impl Articles<'_> {
    /// Up to `limit` items waiting for their page, newest first.
    pub fn waiting_full_texts(&self, limit: usize) -> Result<Vec<Waiting>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.id, a.url, a.title FROM full_texts t JOIN articles a ON a.id = t.id
             WHERE t.tried IS NULL AND a.url IS NOT NULL ORDER BY t.id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(Waiting {
                id: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the articles waiting for their full text")
    }

    /// Up to `limit` items waiting for their page whose server asked for no wait past
    /// `now`, newest first: the pages a fetch asks for.
    pub fn due_full_texts(&self, limit: usize, now: Timestamp) -> Result<Vec<Waiting>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.id, a.url, a.title FROM full_texts t JOIN articles a ON a.id = t.id
             WHERE t.tried IS NULL AND coalesce(t.not_before, 0) <= ?2 AND a.url IS NOT NULL
             ORDER BY t.id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64, now.as_second()], |r| {
            Ok(Waiting {
                id: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the articles waiting for their full text")
    }

    /// Item `id`'s page waits, not to be asked before `until` (its server's Retry-After).
    pub fn defer_full_text(&self, id: ArticleId, until: Timestamp) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO full_texts (id, not_before) VALUES (?1, ?2)
             ON CONFLICT (id) DO UPDATE SET not_before = ?2",
            params![id, until.as_second()],
        )?;
        tx.commit()
            .context("recording when to ask for the page again")
    }

    /// Where article `id`'s full text stands; `None` when it was never asked for.
    pub fn full_text(&self, id: ArticleId) -> Result<Option<FullText>> {
        let row: Option<(Option<i64>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT tried, error FROM full_texts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(tried, error)| match (tried, error) {
            (None, _) => FullText::Waiting,
            (Some(_), None) => FullText::Stored,
            (Some(_), Some(reason)) => FullText::Failed(reason),
        }))
    }

    /// Stores `page` (an article extracted from item `id`'s page) as its body, keeping
    /// the feed's text as the summary and the item's own title, source and address; the
    /// page's authors and date fill the item's where it has none. A page with no more
    /// words than the feed's text is recorded as a failure and changes nothing else.
    pub fn store_full_text(&self, id: ArticleId, page: &NewArticle, at: Timestamp) -> Result<Kept> {
        let tx = self.write()?;
        let current = self
            .article(id)?
            .with_context(|| format!("article {id} is no longer in the store"))?;
        // Fetched again (with `x`): the feed's text is the summary already.
        let feed_text: Vec<String> = match (self.full_text(id)?, &current.summary_text) {
            (Some(FullText::Stored), Some(summary)) => summary
                .split(super::PARAGRAPH_BREAK)
                .map(str::to_owned)
                .collect(),
            _ => current.paragraphs.clone(),
        };
        let (page_words, feed_words) = (words(&page.paragraphs), words(&feed_text));
        if page_words <= feed_words {
            let reason = format!(
                "the page's text ({page_words} words) is no longer than the feed's \
                 ({feed_words}): a paywall or a teaser?"
            );
            record(&tx, id, Some(&reason), at)?;
            tx.commit().context("recording the full text's failure")?;
            return Ok(Kept::NotLonger {
                page: page_words,
                feed: feed_words,
            });
        }
        let full = with_body(&current, &feed_text, page);
        let row = Prepared::new(&full, self.loaded_codec()?);
        super::rewrite::update_article(&tx, id.0, &row)?;
        record(&tx, id, None, at)?;
        tx.commit().context("saving the full article")?;
        Ok(Kept::Stored(page_words))
    }

    /// Records that item `id`'s page failed, for `reason`; its text stays the feed's.
    pub fn record_full_text_failure(
        &self,
        id: ArticleId,
        reason: &str,
        at: Timestamp,
    ) -> Result<()> {
        let tx = self.write()?;
        record(&tx, id, Some(reason), at)?;
        tx.commit().context("recording the full text's failure")
    }
}

/// The article `current` with the page's text as its body and the feed's as summary.
fn with_body(current: &Article, feed_text: &[String], page: &NewArticle) -> NewArticle {
    let s = &current.summary;
    NewArticle {
        guid: current.guid.clone(),
        source: s.source.clone(),
        title: s.title.clone(),
        authors: if s.authors.is_empty() {
            page.authors.clone()
        } else {
            s.authors.clone()
        },
        published: s.published.or(page.published),
        url: s.url.clone().or_else(|| page.url.clone()),
        summary: Some(body_of(feed_text)),
        paragraphs: page.paragraphs.clone(),
        links: page.links.clone(),
        enclosures: current.enclosures.clone(),
        read: s.read,
        starred: s.starred,
    }
}

fn record(
    tx: &rusqlite::Connection,
    id: ArticleId,
    error: Option<&str>,
    at: Timestamp,
) -> Result<()> {
    tx.execute(
        "INSERT INTO full_texts (id, tried, error) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET tried = ?2, error = ?3",
        params![id, at.as_second(), error],
    )?;
    Ok(())
}

/// Marks the items of feed `feed_id` added after article `after` as waiting for their
/// page (inside the transaction that added them).
pub(super) fn mark_waiting(tx: &rusqlite::Connection, feed_id: i64, after: i64) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO full_texts (id)
         SELECT id FROM articles WHERE id > ?1 AND feed_id = ?2 AND url IS NOT NULL",
        params![after, feed_id],
    )?;
    Ok(())
}

/// The highest article id now: the items added after it are new.
pub(super) fn last_id(tx: &rusqlite::Connection) -> Result<i64> {
    Ok(
        tx.query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
            r.get(0)
        })?,
    )
}

/// A feed's new version of item `id` as the row to store, when its body is the full
/// article: the feed's title, authors and date, the stored body and links, and the
/// feed's text as the summary. `None` when the item has no full text stored.
pub(super) fn keeping_full_text(
    store: &Store,
    codec: &Codec,
    id: i64,
    item: &NewArticle,
) -> Result<Option<Prepared>> {
    if store.articles().full_text(ArticleId(id))? != Some(FullText::Stored) {
        return Ok(None);
    }
    let Some(current) = store.articles().article(ArticleId(id))? else {
        return Ok(None);
    };
    let kept = NewArticle {
        summary: Some(body_of(&item.paragraphs)),
        paragraphs: current.paragraphs,
        links: current.links,
        ..item.clone()
    };
    Ok(Some(Prepared::new(&kept, codec)))
}

#[cfg(test)]
mod tests;
