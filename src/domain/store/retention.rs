//! Retention: how long a feed's articles are kept (`keep_days`) and how many of them
//! (`max_items`), from the config for every feed or set per feed. Starred articles are
//! always kept, unread ones too when asked. Pruned articles are deleted as `herald
//! delete` does: out of the word index, their identity remembered so that a refetch does
//! not bring them back, their pages left free for the next writes to reuse.
//!
//! Only subscribed feeds' articles are pruned: imported files and archives are kept
//! until deleted.

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use rusqlite::params;

use super::handles::{Feeds, Maintenance};
use crate::domain::model::ArticleId;

/// Limits for every feed without its own (the config's `[retention]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Articles published (or, undated, stored) more than this many days ago go.
    pub keep_days: Option<u32>,
    /// Beyond a feed's newest this many, articles go.
    pub max_items: Option<u32>,
    /// Unread articles are kept whatever their age or place.
    pub keep_unread: bool,
}

/// No limits; unread articles kept (as the config's default).
impl Default for Retention {
    fn default() -> Self {
        Retention {
            keep_days: None,
            max_items: None,
            keep_unread: true,
        }
    }
}

/// A feed's own limit: `None` follows the config, `Some(0)` keeps everything.
pub type Limit = Option<u32>;

/// At most this many days or items in a limit (a century; a million items).
const MAX_DAYS: u32 = 36_500;
const MAX_ITEMS: u32 = 1_000_000;

/// What a prune found (and, unless a dry run, deleted), per feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruned {
    pub feeds: Vec<FeedPruned>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPruned {
    pub feed_id: i64,
    pub name: String,
    pub ids: Vec<ArticleId>,
}

impl Pruned {
    pub fn total(&self) -> usize {
        self.feeds.iter().map(|f| f.ids.len()).sum()
    }
}

/// Deleted this many at a time, each batch its own transaction, so that another herald
/// (the reader, a cron fetch) never waits long for the write lock (about a second at
/// 1,000,000 articles). Larger batches write each index page they share once: pruning
/// 50,000 of 1,000,000 feed by feed, each feed a transaction, took 16-19 s.
const CHUNK: usize = 10_000;

/// Checks a limit as a person gives it.
pub fn check_limit(value: u32, what: &str) -> Result<u32> {
    let max = if what == "days" { MAX_DAYS } else { MAX_ITEMS };
    if value > max {
        bail!("at most {max} {what}; 0 keeps everything");
    }
    Ok(value)
}

impl Feeds<'_> {
    /// Sets a feed's own limits; `Some(None)` goes back to the config's.
    pub fn set_feed_retention(
        &self,
        id: i64,
        keep_days: Option<Limit>,
        max_items: Option<Limit>,
    ) -> Result<()> {
        let tx = self.write()?;
        if let Some(days) = keep_days {
            tx.execute(
                "UPDATE feeds SET keep_days = ?2 WHERE id = ?1",
                params![id, days],
            )?;
        }
        if let Some(items) = max_items {
            tx.execute(
                "UPDATE feeds SET max_items = ?2 WHERE id = ?1",
                params![id, items],
            )?;
        }
        tx.commit().context("saving the feed's retention")
    }

    /// A feed's own limits (keep_days, max_items).
    pub fn feed_retention(&self, id: i64) -> Result<(Limit, Limit)> {
        Ok(self.conn.query_row(
            "SELECT keep_days, max_items FROM feeds WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Whether any feed has limits of its own (so a fetch prunes even with no config).
    pub fn has_feed_retention(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM feeds WHERE keep_days > 0 OR max_items > 0)",
            [],
            |r| r.get(0),
        )?)
    }
}

impl Maintenance<'_> {
    /// Finds what the limits let go in every feed, and deletes it unless `dry_run`.
    pub fn prune(&self, global: &Retention, now: Timestamp, dry_run: bool) -> Result<Pruned> {
        let feeds: Vec<(i64, String, Limit, Limit)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, coalesce(name, url), keep_days, max_items FROM feeds")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut pruned = Pruned::default();
        // Deleting touches every index of the table at random places.
        self.with_cache(32, || {
            self.prune_feeds(feeds, global, now, dry_run, &mut pruned)
        })?;
        Ok(pruned)
    }

    fn prune_feeds(
        &self,
        feeds: Vec<(i64, String, Limit, Limit)>,
        global: &Retention,
        now: Timestamp,
        dry_run: bool,
        pruned: &mut Pruned,
    ) -> Result<()> {
        for (feed_id, name, days, items) in feeds {
            let days = days.or(global.keep_days).filter(|d| *d > 0);
            let items = items.or(global.max_items).filter(|n| *n > 0);
            let ids = self.past_limits(feed_id, days, items, global.keep_unread, now)?;
            if !ids.is_empty() {
                pruned.feeds.push(FeedPruned { feed_id, name, ids });
            }
        }
        if dry_run {
            return Ok(());
        }
        // Every feed's together, in the table's order: neighbours share pages.
        let mut all: Vec<ArticleId> = pruned.feeds.iter().flat_map(|f| f.ids.clone()).collect();
        all.sort_unstable();
        for chunk in all.chunks(CHUNK) {
            self.articles()
                .delete_many(chunk)
                .context("pruning the feeds")?;
        }
        Ok(())
    }

    /// A feed's articles past its limits, oldest last; starred ones never, unread ones
    /// not with `keep_unread`. Both walks use the feed's date index.
    fn past_limits(
        &self,
        feed_id: i64,
        days: Option<u32>,
        items: Option<u32>,
        keep_unread: bool,
        now: Timestamp,
    ) -> Result<Vec<ArticleId>> {
        let mut ids: Vec<ArticleId> = Vec::new();
        if let Some(days) = days {
            let cutoff = now.as_second() - i64::from(days) * 86_400;
            // Undated articles carry the smallest sort key: their age is when stored.
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM articles WHERE feed_id = ?1 AND sort_key < ?2
                 AND starred = 0 AND (?3 = 0 OR read = 1)
                 AND (sort_key > ?4 OR added < ?2)",
            )?;
            let rows = stmt.query_map(params![feed_id, cutoff, keep_unread, i64::MIN], |r| {
                r.get(0)
            })?;
            ids = rows.collect::<rusqlite::Result<_>>()?;
        }
        if let Some(items) = items {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM articles WHERE feed_id = ?1
                 AND starred = 0 AND (?3 = 0 OR read = 1)
                 AND id NOT IN (SELECT id FROM articles WHERE feed_id = ?1
                                ORDER BY sort_key DESC, id DESC LIMIT ?2)",
            )?;
            let rows = stmt.query_map(params![feed_id, items, keep_unread], |r| r.get(0))?;
            for id in rows {
                ids.push(id?);
            }
            ids.sort_unstable();
            ids.dedup();
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{NewArticle, Published};
    use crate::domain::store::RuleAction;
    use crate::domain::store::Store;
    use crate::domain::store::testing::now;

    const DAY: i64 = 86_400;

    /// Item `n` of a feed, published `age` days before `now()` (undated with `None`).
    fn item(n: usize, age: Option<i64>) -> NewArticle {
        NewArticle {
            guid: Some(format!("item-{n}")),
            source: "Wire".into(),
            title: format!("Item {n}"),
            published: age.map(|days| {
                let at = Timestamp::from_second(now().as_second() - days * DAY).unwrap();
                Published::parse_rfc3339(&at.to_string()).unwrap()
            }),
            paragraphs: vec![format!("Body of item {n}.")],
            ..Default::default()
        }
    }

    fn titles(store: &Store, feed: i64) -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare("SELECT title FROM articles WHERE feed_id = ?1 ORDER BY sort_key DESC")
            .unwrap();
        stmt.query_map([feed], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn set_flags(store: &Store, title: &str, read: bool, starred: bool) {
        let id: ArticleId = store
            .conn
            .query_row("SELECT id FROM articles WHERE title = ?1", [title], |r| {
                r.get(0)
            })
            .unwrap();
        store.articles().set_read(id, read).unwrap();
        store.articles().set_starred(id, starred).unwrap();
    }

    /// Ten items a day apart (0 to 9 days old), all read but the ones a test changes.
    fn feed_of_ten(store: &Store) -> i64 {
        let feed = store
            .feeds()
            .add_feed("https://wire.example/rss", Some("Wire"))
            .unwrap();
        let items: Vec<NewArticle> = (0..10).map(|n| item(n, Some(n as i64))).collect();
        store.feeds().upsert(Some(&feed), &items, now()).unwrap();
        store.articles().mark_all_read(None).unwrap();
        feed.id
    }

    #[test]
    fn keep_days_lets_old_articles_go_but_starred_and_kept_unread() {
        let store = Store::open_in_memory().unwrap();
        let feed = feed_of_ten(&store);
        set_flags(&store, "Item 8", true, true);
        set_flags(&store, "Item 9", false, false);
        let limits = Retention {
            keep_days: Some(5),
            keep_unread: true,
            ..Default::default()
        };
        let dry = store.maintenance().prune(&limits, now(), true).unwrap();
        assert_eq!(
            dry.total(),
            2,
            "items 6 and 7 (5 is five days old to the second)"
        );
        assert_eq!(titles(&store, feed).len(), 10, "a dry run deletes nothing");
        let done = store.maintenance().prune(&limits, now(), false).unwrap();
        assert_eq!(done, dry);
        assert_eq!(
            titles(&store, feed),
            [
                "Item 0", "Item 1", "Item 2", "Item 3", "Item 4", "Item 5", "Item 8", "Item 9"
            ]
        );
        // Without keep_unread the unread one goes too; the starred one stays.
        let limits = Retention {
            keep_unread: false,
            ..limits
        };
        assert_eq!(
            store
                .maintenance()
                .prune(&limits, now(), false)
                .unwrap()
                .total(),
            1
        );
        assert!(titles(&store, feed).contains(&"Item 8".to_owned()));
        assert_eq!(
            store.maintenance().recount().unwrap().0,
            store.articles().count().unwrap()
        );
        assert_eq!(
            store.articles().source_counts().unwrap(),
            store.maintenance().recount_sources().unwrap()
        );
    }

    #[test]
    fn max_items_keeps_the_newest_and_every_starred_one() {
        let store = Store::open_in_memory().unwrap();
        let feed = feed_of_ten(&store);
        set_flags(&store, "Item 7", true, true);
        let limits = Retention {
            max_items: Some(3),
            ..Default::default()
        };
        store.maintenance().prune(&limits, now(), false).unwrap();
        assert_eq!(
            titles(&store, feed),
            ["Item 0", "Item 1", "Item 2", "Item 7"]
        );
        // Nothing more to do: the limits are met.
        assert_eq!(
            store
                .maintenance()
                .prune(&limits, now(), false)
                .unwrap()
                .total(),
            0
        );
    }

    /// A pruned article is remembered: fetching the same items again does not bring it
    /// back, and the next prune has nothing to do.
    #[test]
    fn a_pruned_article_does_not_come_back_on_refetch() {
        let store = Store::open_in_memory().unwrap();
        let feed_id = feed_of_ten(&store);
        let limits = Retention {
            keep_days: Some(3),
            ..Default::default()
        };
        assert_eq!(
            store
                .maintenance()
                .prune(&limits, now(), false)
                .unwrap()
                .total(),
            6
        );
        let feed = store.feeds().list().unwrap().remove(0);
        let items: Vec<NewArticle> = (0..10).map(|n| item(n, Some(n as i64))).collect();
        let counts = store.feeds().upsert(Some(&feed), &items, now()).unwrap();
        assert_eq!(counts.new, 0);
        assert_eq!(titles(&store, feed_id).len(), 4);
        // Nothing of the store's words points at a pruned article.
        store.maintenance().fts_integrity_check().unwrap();
        assert_eq!(crate::domain::store::testing::fts_hits(&store, "item"), 4);
    }

    #[test]
    fn a_feed_of_its_own_overrides_the_config() {
        let store = Store::open_in_memory().unwrap();
        let feed = feed_of_ten(&store);
        let limits = Retention {
            max_items: Some(2),
            ..Default::default()
        };
        store
            .feeds()
            .set_feed_retention(feed, None, Some(Some(0)))
            .unwrap();
        assert_eq!(
            store
                .maintenance()
                .prune(&limits, now(), false)
                .unwrap()
                .total(),
            0,
            "0: all kept"
        );
        store
            .feeds()
            .set_feed_retention(feed, Some(Some(4)), Some(None))
            .unwrap();
        assert_eq!(store.feeds().feed_retention(feed).unwrap(), (Some(4), None));
        // Its own keep_days (items 5..9 go) and the config's max_items (2 stay).
        store.maintenance().prune(&limits, now(), false).unwrap();
        assert_eq!(titles(&store, feed), ["Item 0", "Item 1"]);
        assert!(check_limit(40_000, "days").is_err());
        assert!(check_limit(365, "days").is_ok());
    }

    /// Undated articles age from when they were stored.
    #[test]
    fn undated_articles_age_from_when_they_were_stored() {
        let store = Store::open_in_memory().unwrap();
        let feed = store
            .feeds()
            .add_feed("https://wire.example/rss", None)
            .unwrap();
        let stored_at = Timestamp::from_second(now().as_second() - 10 * DAY).unwrap();
        store
            .feeds()
            .upsert(Some(&feed), &[item(1, None)], stored_at)
            .unwrap();
        store
            .feeds()
            .upsert(Some(&feed), &[item(2, None)], now())
            .unwrap();
        store.articles().mark_all_read(None).unwrap();
        let limits = Retention {
            keep_days: Some(5),
            ..Default::default()
        };
        store.maintenance().prune(&limits, now(), false).unwrap();
        assert_eq!(titles(&store, feed.id), ["Item 2"]);
    }

    /// Rules and retention together: what a rule starred is kept, what it deleted is
    /// not counted twice.
    #[test]
    fn rules_and_retention_together() {
        let store = Store::open_in_memory().unwrap();
        store
            .rules()
            .add_rule("title:\"item 9\"", RuleAction::Star)
            .unwrap();
        store
            .rules()
            .add_rule("title:\"item 8\"", RuleAction::Delete)
            .unwrap();
        let feed = feed_of_ten(&store);
        let limits = Retention {
            max_items: Some(2),
            ..Default::default()
        };
        let pruned = store.maintenance().prune(&limits, now(), false).unwrap();
        assert_eq!(pruned.total(), 6, "items 2 to 7");
        assert_eq!(titles(&store, feed), ["Item 0", "Item 1", "Item 9"]);
    }
}
