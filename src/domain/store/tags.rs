//! Tags are folders: a feed has any number of them, kept in their own table
//! (`feed_tags`), and each feed's article counts for listing it.

use anyhow::{Context, Result, bail};
use rusqlite::params;

use super::handles::Feeds;

/// The longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 100;

/// The most tags one feed holds.
pub const MAX_TAGS_PER_FEED: usize = 100;

/// A feed's article counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FeedCounts {
    pub total: usize,
    pub unread: usize,
    pub starred: usize,
}

/// `tag` as stored: white space folded and trimmed, control characters refused, not
/// empty, at most [`MAX_TAG_CHARS`].
pub fn clean_tag(tag: &str) -> Result<String> {
    let folded = tag.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().any(crate::domain::text::is_unsafe) {
        bail!("a tag cannot hold control characters");
    }
    if folded.is_empty() {
        bail!("a tag cannot be empty");
    }
    if folded.chars().count() > MAX_TAG_CHARS {
        bail!("the tag `{folded}` is longer than {MAX_TAG_CHARS} characters");
    }
    Ok(folded)
}

impl Feeds<'_> {
    /// Gives feed `id` the tag (cleaned by [`clean_tag`]); a tag it has already is no
    /// change. Returns the tag as stored.
    pub fn tag_feed(&self, id: i64, tag: &str) -> Result<String> {
        let tag = clean_tag(tag)?;
        let tags = self.tags_of(id)?;
        if tags.contains(&tag) {
            return Ok(tag);
        }
        if tags.len() >= MAX_TAGS_PER_FEED {
            bail!("a feed holds at most {MAX_TAGS_PER_FEED} tags");
        }
        let tx = self.write()?;
        tx.prepare_cached("INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?1, ?2)")?
            .execute(params![id, tag])
            .context("saving the tag")?;
        super::outbox::feed(&tx, id, super::outbox::Change::Tag, Some(&tag))?;
        tx.commit().context("saving the tag")?;
        Ok(tag)
    }

    /// Takes the tag from feed `id`; false when it did not have it.
    pub fn untag_feed(&self, id: i64, tag: &str) -> Result<bool> {
        let tag = clean_tag(tag)?;
        let tx = self.write()?;
        let n = tx
            .prepare_cached("DELETE FROM feed_tags WHERE feed_id = ?1 AND tag = ?2")?
            .execute(params![id, tag])
            .context("removing the tag")?;
        if n > 0 {
            super::outbox::feed(&tx, id, super::outbox::Change::Untag, Some(&tag))?;
        }
        tx.commit().context("removing the tag")?;
        Ok(n > 0)
    }

    /// Feed `id`'s tags, in order.
    pub fn tags_of(&self, id: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT tag FROM feed_tags WHERE feed_id = ?1 ORDER BY tag")?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// Every (feed id, tag), by tag then feed.
    pub fn all_tags(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT feed_id, tag FROM feed_tags ORDER BY tag, feed_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Feed `id`'s article counts, by the index on the articles' feed.
    pub fn feed_counts(&self, id: i64) -> Result<FeedCounts> {
        let (total, unread, starred): (i64, i64, i64) = self
            .conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(read = 0), 0), coalesce(sum(starred != 0), 0)
                 FROM articles WHERE feed_id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .context("counting the feed's articles")?;
        Ok(FeedCounts {
            total: total.max(0) as usize,
            unread: unread.max(0) as usize,
            starred: starred.max(0) as usize,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;
    use crate::domain::store::Store;
    use jiff::Timestamp;

    #[test]
    fn tags_are_cleaned_kept_once_and_go_with_their_feed() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let b = store
            .feeds()
            .add_feed("https://b.example/rss", None)
            .unwrap();
        assert_eq!(
            store.feeds().tag_feed(a.id, "  news \t daily ").unwrap(),
            "news daily"
        );
        store.feeds().tag_feed(a.id, "news daily").unwrap();
        store.feeds().tag_feed(a.id, "Tech").unwrap();
        store.feeds().tag_feed(b.id, "Tech").unwrap();
        assert_eq!(store.feeds().tags_of(a.id).unwrap(), ["Tech", "news daily"]);
        assert_eq!(
            store.feeds().all_tags().unwrap(),
            [
                (a.id, "Tech".to_owned()),
                (b.id, "Tech".to_owned()),
                (a.id, "news daily".to_owned())
            ]
        );
        assert!(store.feeds().untag_feed(a.id, "Tech").unwrap());
        assert!(!store.feeds().untag_feed(a.id, "Tech").unwrap());
        for bad in ["", "   ", "a\u{1b}[2J", &"x".repeat(MAX_TAG_CHARS + 1)] {
            assert!(store.feeds().tag_feed(a.id, bad).is_err(), "{bad:?}");
        }
        for i in 1..MAX_TAGS_PER_FEED {
            store.feeds().tag_feed(a.id, &format!("t{i}")).unwrap();
        }
        assert!(store.feeds().tag_feed(a.id, "one too many").is_err());
        store.feeds().remove_feed(a.id, false).unwrap();
        assert_eq!(
            store.feeds().all_tags().unwrap(),
            [(b.id, "Tech".to_owned())]
        );
    }

    #[test]
    fn counts_are_per_feed() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let b = store
            .feeds()
            .add_feed("https://b.example/rss", None)
            .unwrap();
        let item = |i: usize| NewArticle {
            guid: Some(format!("g{i}")),
            title: format!("Item {i}"),
            source: "S".into(),
            paragraphs: vec!["Text.".into()],
            ..Default::default()
        };
        let items: Vec<NewArticle> = (0..3).map(item).collect();
        store
            .feeds()
            .upsert(Some(&a), &items, Timestamp::now())
            .unwrap();
        store
            .feeds()
            .upsert(Some(&b), &items[..1], Timestamp::now())
            .unwrap();
        let ids = store.articles().summaries(None, 0).unwrap();
        let first_of_a = ids.iter().find(|s| s.title == "Item 2").unwrap().id;
        store.articles().set_read(first_of_a, true).unwrap();
        store.articles().set_starred(first_of_a, true).unwrap();
        let counts = store.feeds().feed_counts(a.id).unwrap();
        assert_eq!(
            (counts.total, counts.unread, counts.starred),
            (3, 2, 1),
            "{counts:?}"
        );
        assert_eq!(store.feeds().feed_counts(b.id).unwrap().total, 1);
        assert_eq!(
            store.feeds().feed_counts(999).unwrap(),
            FeedCounts::default()
        );
    }
}
