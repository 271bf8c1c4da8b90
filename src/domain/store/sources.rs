//! Article counts per source, kept by every write like the totals in `counts`, so that
//! the sources pane shows the unread count of hundreds of feeds without counting an
//! archive. A source is a feed (its articles, whatever their source text says), or, for
//! articles of no feed (imported files, the samples, a removed feed's starred articles),
//! their source text.
//!
//! Triggers on `articles` would keep these counts with no help from the writers, but a
//! trigger makes each insert a statement with a savepoint, at which FTS5 flushes its
//! pending index (see the schema's note): bulk imports would slow several times. So each
//! writer tallies what it changed and applies the tally in its transaction.

use std::collections::HashMap;

use anyhow::{Context, Result};
use rusqlite::{Connection, params};

use super::handles::{Articles, Maintenance};

/// One source's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCount {
    /// The feed, or `None` for articles of no feed, named by `source`.
    pub feed_id: Option<i64>,
    /// The source text of articles of no feed; empty for a feed.
    pub source: String,
    pub total: usize,
    pub unread: usize,
}

/// What one write changed, per source, applied at its end.
#[derive(Debug, Default)]
pub(super) struct Tally(HashMap<(i64, String), (i64, i64)>);

impl Tally {
    /// Moves the counts of the source of an article of `feed_id` (else of `source`).
    pub(super) fn add(&mut self, feed_id: Option<i64>, source: &str, total: i64, unread: i64) {
        let key = match feed_id {
            Some(id) => (id, String::new()),
            None => (0, source.to_owned()),
        };
        let entry = self.0.entry(key).or_default();
        entry.0 += total;
        entry.1 += unread;
    }

    /// Writes the tally inside the caller's transaction. A source left with no articles
    /// goes, so the table holds only sources that have some.
    pub(super) fn apply(self, conn: &Connection) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let mut upsert = conn.prepare_cached(
            "INSERT INTO source_counts (feed_id, source, total, unread) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (feed_id, source) DO UPDATE
                 SET total = total + excluded.total, unread = unread + excluded.unread",
        )?;
        let mut empty = conn.prepare_cached(
            "DELETE FROM source_counts WHERE feed_id = ?1 AND source = ?2 AND total <= 0",
        )?;
        for ((feed, source), (total, unread)) in self.0 {
            if total == 0 && unread == 0 {
                continue;
            }
            upsert.execute(params![feed, source, total, unread])?;
            if total < 0 {
                empty.execute(params![feed, source])?;
            }
        }
        Ok(())
    }
}

/// Marks every source's articles read, inside the caller's transaction.
pub(super) fn all_read(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE source_counts SET unread = 0", [])?;
    Ok(())
}

/// The most sources of no feed the store lists at once: a folder of files with a
/// source each could name a hundred thousand; the pane shows the first ones and says
/// how many more there are.
pub const MAX_LOCAL_SOURCES: usize = 1_000;

impl Articles<'_> {
    /// Every feed's counts by id, then the sources of no feed by name (at most
    /// [`MAX_LOCAL_SOURCES`]), from the kept counts: a read of one small table.
    pub fn source_counts(&self) -> Result<Vec<SourceCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT * FROM (SELECT feed_id, source, total, unread FROM source_counts
                            WHERE feed_id != 0 ORDER BY feed_id)
             UNION ALL
             SELECT * FROM (SELECT feed_id, source, total, unread FROM source_counts
                            WHERE feed_id = 0 ORDER BY source LIMIT ?1)",
        )?;
        let rows = stmt.query_map([MAX_LOCAL_SOURCES as i64 + 1], |r| {
            let feed: i64 = r.get(0)?;
            let total: i64 = r.get(2)?;
            let unread: i64 = r.get(3)?;
            Ok(SourceCount {
                feed_id: (feed != 0).then_some(feed),
                source: r.get(1)?,
                total: total.max(0) as usize,
                unread: unread.max(0) as usize,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the counts per source")
    }

    /// Deletes the articles of no feed whose source is `source` (the samples, a folder's
    /// files), in one transaction; starred ones stay. Returns (deleted, starred kept).
    pub fn remove_local_source(&self, source: &str) -> Result<(usize, usize)> {
        let tx = self.write()?;
        let rows: Vec<(i64, bool, bool)> = tx
            .prepare_cached(
                "SELECT id, read = 0, starred != 0 FROM articles
                 WHERE feed_id IS NULL AND source = ?1",
            )?
            .query_map([source], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let (mut deleted, mut kept, mut unread) = (0, 0, 0);
        {
            let mut delete_fts = tx.prepare_cached("DELETE FROM articles_fts WHERE rowid = ?1")?;
            let mut delete_cjk = tx.prepare_cached("DELETE FROM articles_cjk WHERE rowid = ?1")?;
            let mut delete = tx.prepare_cached("DELETE FROM articles WHERE id = ?1")?;
            for (id, is_unread, starred) in rows {
                if starred {
                    kept += 1;
                    continue;
                }
                delete_fts.execute([id])?;
                delete_cjk.execute([id])?;
                delete.execute([id])?;
                deleted += 1;
                unread += i64::from(is_unread);
            }
        }
        super::counts::adjust_counts(&tx, -(deleted as i64), -unread)?;
        let mut tally = Tally::default();
        tally.add(None, source, -(deleted as i64), -unread);
        tally.apply(&tx)?;
        tx.commit().context("deleting the source's articles")?;
        Ok((deleted, kept))
    }
}

impl Maintenance<'_> {
    /// The counts worked out the slow way; the kept ones must agree (for tests).
    pub fn recount_sources(&self) -> Result<Vec<SourceCount>> {
        let mut stmt = self.conn.prepare(
            "SELECT coalesce(feed_id, 0), CASE WHEN feed_id IS NULL THEN source ELSE '' END,
                    count(*), coalesce(sum(read = 0), 0)
             FROM articles GROUP BY 1, 2 ORDER BY feed_id IS NULL, 1, 2",
        )?;
        let rows = stmt.query_map([], |r| {
            let feed: i64 = r.get(0)?;
            let total: i64 = r.get(2)?;
            let unread: i64 = r.get(3)?;
            Ok(SourceCount {
                feed_id: (feed != 0).then_some(feed),
                source: r.get(1)?,
                total: total as usize,
                unread: unread as usize,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;
    use crate::domain::store::Store;
    use crate::domain::store::testing::now;

    fn article(guid: &str, source: &str) -> NewArticle {
        NewArticle {
            guid: Some(guid.into()),
            source: source.into(),
            title: format!("Story {guid}"),
            paragraphs: vec![format!("Words of story {guid}.")],
            ..Default::default()
        }
    }

    fn kept(store: &Store) -> Vec<SourceCount> {
        store.articles().source_counts().unwrap()
    }

    fn assert_agree(store: &Store, step: &str) {
        assert_eq!(
            kept(store),
            store.maintenance().recount_sources().unwrap(),
            "after {step}"
        );
    }

    #[test]
    fn kept_counts_follow_every_kind_of_write() {
        let store = Store::open_in_memory().unwrap();
        store
            .articles()
            .import(
                &[
                    article("1", "Desk"),
                    article("2", "Desk"),
                    article("3", "Notes"),
                ],
                now(),
            )
            .unwrap();
        assert_agree(&store, "an import");
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let b = store
            .feeds()
            .add_feed("https://b.example/rss", None)
            .unwrap();
        let items = [article("x", "A"), article("y", "A"), article("z", "A")];
        store.feeds().upsert(Some(&a), &items, now()).unwrap();
        store.feeds().upsert(Some(&b), &items[..1], now()).unwrap();
        assert_agree(&store, "fetches");
        // The same items again, one changed: updated in place, counted once.
        let mut changed = items.clone();
        changed[0].title = "A new title".into();
        store.feeds().upsert(Some(&a), &changed, now()).unwrap();
        assert_agree(&store, "an update in place");
        // A feed file's items take the file's title as their source: a new title moves
        // them to the new source.
        store
            .feeds()
            .upsert_file(Some("f"), &[article("p", "Old title")], now())
            .unwrap();
        store
            .feeds()
            .upsert_file(Some("f"), &[article("p", "New title")], now())
            .unwrap();
        assert_agree(&store, "a feed file renamed");
        assert!(kept(&store).iter().all(|s| s.source != "Old title"));

        let ids = store
            .articles()
            .search(&Default::default(), Default::default())
            .unwrap()
            .ids;
        store.articles().set_read(ids[0], true).unwrap();
        store.articles().set_read(ids[0], true).unwrap();
        store.articles().set_read_many(&ids[1..3], true).unwrap();
        assert_agree(&store, "read marks");
        store.articles().set_read(ids[1], false).unwrap();
        store.articles().mark_all_read(Some(&ids[3..5])).unwrap();
        assert_agree(&store, "mark all read in a view");
        store.articles().set_starred(ids[5], true).unwrap();
        store.articles().delete(ids[6]).unwrap();
        assert_agree(&store, "a delete");
        store.articles().mark_all_read(None).unwrap();
        assert_agree(&store, "mark all read");
        store.articles().set_read_many(&ids, false).unwrap();

        // Removing a feed keeps its starred articles, now of no feed.
        let star = store
            .articles()
            .search(&Default::default(), Default::default())
            .unwrap()
            .ids
            .into_iter()
            .find(|id| {
                store
                    .articles()
                    .summary(*id)
                    .unwrap()
                    .is_some_and(|s| s.source == "A")
            })
            .unwrap();
        store.articles().set_starred(star, true).unwrap();
        store.feeds().remove_feed(a.id, false).unwrap();
        assert_agree(&store, "removing a feed");
        store.feeds().remove_feed(b.id, true).unwrap();
        assert_agree(&store, "removing a feed with its starred articles");
        // Removing a source of files: its starred article stays, the rest go.
        store
            .articles()
            .import(&[article("4", "Desk"), article("5", "Desk")], now())
            .unwrap();
        let desk = store
            .articles()
            .search(&Default::default(), Default::default())
            .unwrap()
            .ids;
        let starred = desk
            .into_iter()
            .find(|id| {
                store
                    .articles()
                    .summary(*id)
                    .unwrap()
                    .is_some_and(|s| s.source == "Desk")
            })
            .unwrap();
        store.articles().set_starred(starred, true).unwrap();
        let desk_total = store
            .maintenance()
            .recount_sources()
            .unwrap()
            .into_iter()
            .find(|s| s.source == "Desk")
            .unwrap()
            .total;
        assert_eq!(
            store.articles().remove_local_source("Desk").unwrap(),
            (desk_total - 1, 1)
        );
        assert_agree(&store, "removing a source of files");
        assert_eq!(
            store.articles().remove_local_source("Nowhere").unwrap(),
            (0, 0)
        );
        assert_eq!(
            store.maintenance().recount().unwrap(),
            (
                store.articles().count().unwrap(),
                store.articles().count_unread().unwrap()
            )
        );
        assert!(
            kept(&store).iter().all(|s| s.total > 0),
            "{:?}",
            kept(&store)
        );
    }

    #[test]
    fn local_sources_are_capped_and_feeds_always_listed() {
        let store = Store::open_in_memory().unwrap();
        let many: Vec<NewArticle> = (0..MAX_LOCAL_SOURCES + 5)
            .map(|i| article(&i.to_string(), &format!("source {i:05}")))
            .collect();
        store.articles().import(&many, now()).unwrap();
        let feed = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        store
            .feeds()
            .upsert(Some(&feed), &[article("f", "A")], now())
            .unwrap();
        let listed = store.articles().source_counts().unwrap();
        assert_eq!(
            listed.iter().filter(|s| s.feed_id.is_none()).count(),
            MAX_LOCAL_SOURCES + 1
        );
        assert!(listed.iter().any(|s| s.feed_id == Some(feed.id)));
    }
}
