//! Reading articles back: list rows, whole articles with their bodies and links
//! decompressed, and every article in turn for an export.

use anyhow::{Context, Result};
use jiff::Timestamp;
use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, Row, params};

use super::handles::Articles;
use super::{PARAGRAPH_BREAK, links};
use crate::domain::model::{Article, ArticleId, Position, Published, Summary};

const SUMMARY_COLUMNS: &str = "articles.id, source, title, authors, published, url, read, starred";

/// The columns of a whole article: [`SUMMARY_COLUMNS`], then those `article_from_row`
/// reads by number.
const ARTICLE_COLUMNS: &str = "articles.id, source, title, authors, published, url, read, starred,
     guid, summary, body, added, pos_paragraph, pos_offset, links.urls";
const ARTICLE_TABLES: &str = "articles JOIN bodies USING (id) LEFT JOIN links USING (id)";

impl Articles<'_> {
    /// The highest article id there is (0 for none): what a fetch stores comes after it.
    pub fn last_article_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
                r.get(0)
            })?)
    }

    /// How many of feed `feed`'s articles have ids past `after`: those a fetch stored
    /// and its rules kept.
    pub fn feed_articles_after(&self, feed: i64, after: i64) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM articles WHERE feed_id = ?1 AND id > ?2",
            params![feed, after],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Newest first, undated last; `limit` rows from `offset`. What a rule hid is left
    /// out (the date index holds `hidden`, so skipping it reads no row).
    pub fn summaries(&self, limit: Option<usize>, offset: usize) -> Result<Vec<Summary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE hidden = 0
             ORDER BY sort_key DESC, id DESC LIMIT ?1 OFFSET ?2"
        ))?;
        let limit = limit.map_or(-1, |l| l as i64);
        let rows = stmt.query_map(params![limit, offset as i64], summary_from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the article list")
    }

    pub fn summary(&self, id: ArticleId) -> Result<Option<Summary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE id = ?1"
        ))?;
        Ok(stmt.query_row([id], summary_from_row).optional()?)
    }

    /// The highest article id (0 in an empty store): by the primary key, at once.
    pub fn newest_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
                r.get(0)
            })?)
    }

    /// The titles of the first `limit` articles with ids after `after`, oldest first.
    pub fn titles_after(&self, after: ArticleId, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT title FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2")?;
        let rows = stmt.query_map(rusqlite::params![after, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// The ids of the articles stored after `after`, newest first, at most `limit`.
    pub fn ids_after(&self, after: ArticleId, limit: usize) -> Result<Vec<ArticleId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM articles WHERE id > ?1 ORDER BY id DESC LIMIT ?2")?;
        let rows = stmt.query_map(rusqlite::params![after, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<ArticleId>>>()?)
    }

    pub fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_TABLES} WHERE id = ?1"
        ))?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(row) => Ok(Some(self.article_from_row(row, &|_| true)?)),
            None => Ok(None),
        }
    }

    /// Calls `each` with every article, oldest id first, without holding them all in memory.
    pub fn for_each_article(&self, mut each: impl FnMut(Article) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_TABLES} ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        // Enclosures are looked up only for the articles that have some.
        let holders = super::enclosures::holders(&self.conn)?;
        while let Some(row) = rows.next()? {
            each(self.article_from_row(row, &|id| holders.contains(&id))?)?;
        }
        Ok(())
    }

    /// The article in `row`, its enclosures read when `has_enclosures` says it may have some.
    fn article_from_row(
        &self,
        row: &Row<'_>,
        has_enclosures: &dyn Fn(i64) -> bool,
    ) -> Result<Article> {
        let summary = summary_from_row(row)?;
        let body = self
            .body_text(row.get_ref(10)?)
            .with_context(|| format!("reading article {}", summary.id))?;
        let added: i64 = row.get(11)?;
        Ok(Article {
            guid: row.get(8)?,
            summary_text: row.get(9)?,
            paragraphs: split_paragraphs(&body),
            links: self
                .links_text(row.get_ref(14)?)
                .with_context(|| format!("reading the links of article {}", summary.id))?
                .as_deref()
                .map(links::decode)
                .unwrap_or_default(),
            enclosures: if has_enclosures(summary.id.0) {
                super::enclosures::of(&self.conn, summary.id.0)?
            } else {
                Vec::new()
            },
            added: Timestamp::from_second(added).unwrap_or(Timestamp::UNIX_EPOCH),
            position: Position {
                paragraph: row.get::<_, i64>(12)?.max(0) as usize,
                offset: row.get::<_, i64>(13)?.max(0) as usize,
            },
            summary,
        })
    }

    /// A stored body as text, loading a dictionary another process trained if needed.
    fn body_text(&self, stored: ValueRef<'_>) -> Result<String> {
        if self.codec.lacks_dictionary_for(stored) {
            self.codec.reload(&self.conn)?;
        }
        self.codec.decompress(stored)
    }

    /// The stored links as text (`None` when the article has none).
    fn links_text(&self, stored: ValueRef<'_>) -> Result<Option<String>> {
        match stored {
            ValueRef::Null => Ok(None),
            stored => self.codec.decompress(stored).map(Some),
        }
    }
}

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<Summary> {
    let authors: String = row.get(3)?;
    let published: Option<String> = row.get(4)?;
    Ok(Summary {
        id: row.get(0)?,
        source: row.get(1)?,
        title: row.get(2)?,
        authors: split_authors(&authors),
        published: published.and_then(|p| Published::parse_rfc3339(&p).ok()),
        url: row.get(5)?,
        read: row.get(6)?,
        starred: row.get(7)?,
    })
}

fn split_authors(authors: &str) -> Vec<String> {
    authors
        .lines()
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

fn split_paragraphs(body: &str) -> Vec<String> {
    if body.is_empty() {
        return Vec::new();
    }
    body.split(PARAGRAPH_BREAK).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;
    use crate::domain::store::Store;
    use crate::domain::store::codec;
    use crate::domain::store::prepared::body_of;
    use crate::domain::store::testing::{article, now};

    #[test]
    fn article_round_trips_fields_and_state() {
        let store = Store::open_in_memory().unwrap();
        store
            .articles()
            .import(&[article("One", Some("2024-12-03T18:09:00-00:00"))], now())
            .unwrap();
        let id = store.articles().summaries(Some(1), 0).unwrap()[0].id;
        store.articles().set_read(id, true).unwrap();
        store.articles().set_starred(id, true).unwrap();
        store
            .articles()
            .save_position(
                id,
                Position {
                    paragraph: 1,
                    offset: 3,
                },
            )
            .unwrap();
        let a = store.articles().article(id).unwrap().unwrap();
        assert_eq!(a.summary.authors, ["Ana Lima", "Bo Chen"]);
        assert_eq!(a.paragraphs, ["First paragraph.", "Second one."]);
        assert!(a.summary.read && a.summary.starred);
        assert_eq!(
            a.position,
            Position {
                paragraph: 1,
                offset: 3
            }
        );
        assert_eq!(a.summary.published.unwrap().offset, None);
        assert_eq!(store.articles().count_unread().unwrap(), 0);
        assert_eq!(store.articles().rank_of(id).unwrap(), Some(0));
    }

    /// Bodies are compressed, with a dictionary once there are enough of them; every
    /// body reads back, also in a second process that opened the store before the
    /// dictionary existed.
    #[test]
    fn bodies_are_compressed_and_read_back_across_processes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let first = Store::open(&path).unwrap();
        let second = Store::open(&path).unwrap();
        let words = [
            "tide", "harbour", "ferry", "crane", "pier", "gull", "net", "buoy",
        ];
        let articles: Vec<NewArticle> = (0..codec::TRAIN_AT + 200)
            .map(|i| {
                let mut a = article(&format!("Report {i}"), None);
                a.paragraphs = (0..6)
                    .map(|p| {
                        (0..60)
                            .map(|w| words[(i + p * 3 + w * w) % words.len()])
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                a
            })
            .collect();
        second.articles().import(&articles[..10], now()).unwrap();
        assert!(!first.codec.has_dictionary());
        first.articles().import(&articles[10..], now()).unwrap();
        assert!(
            first.codec.has_dictionary(),
            "trained past {}",
            codec::TRAIN_AT
        );
        let stored: Vec<u8> = first
            .conn
            .query_row(
                "SELECT body FROM bodies ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let text_length = body_of(&articles.last().unwrap().paragraphs).len();
        assert!(
            stored.len() * 3 < text_length,
            "{} bytes stored for {text_length}",
            stored.len()
        );
        // The second connection has not seen the dictionary; it loads it when needed.
        assert!(!second.codec.has_dictionary());
        for (store, name) in [(&first, "first"), (&second, "second")] {
            let mut count = 0;
            store
                .articles()
                .for_each_article(|a| {
                    let i: usize = a.summary.title["Report ".len()..].parse().unwrap();
                    assert_eq!(a.paragraphs, articles[i].paragraphs, "{name}: {i}");
                    count += 1;
                    Ok(())
                })
                .unwrap();
            assert_eq!(count, articles.len());
        }
        // Unchanged feed items stay unchanged under the dictionary.
        let counts = second.feeds().upsert(None, &articles[..50], now()).unwrap();
        assert_eq!(counts.unchanged, 50);
        assert_eq!(first.maintenance().integrity_check().unwrap(), "ok");
    }
}
