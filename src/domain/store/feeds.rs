//! Subscriptions, and storing feed items so that a fetched item already in the store is
//! updated in place (matched by guid, then url), keeping its read and starred state and
//! the reader's position.

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::Prepared;
use super::handles::Feeds;
use crate::domain::model::NewArticle;

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
    /// Seconds between fetches for this feed; `None` follows the config's `refresh`.
    pub refresh: Option<i64>,
    /// When the feed is due again (Unix seconds); `None` when never scheduled: due now.
    pub next_due: Option<i64>,
    /// Fetches that failed in a row since the last one that worked.
    pub failures: u32,
    /// No request before this (Unix seconds): the server's Retry-After.
    pub retry_after: Option<i64>,
    /// Each new item's page is fetched and its article stored as the body.
    pub full_text: bool,
    /// The account whose server fetches it; `None` for a feed herald fetches.
    pub account_id: Option<i64>,
    /// When it left its account's server (Unix seconds): kept as an archive since.
    pub left_at: Option<i64>,
}

/// What removing a subscription did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    /// Articles deleted.
    pub articles: usize,
    /// Starred articles kept, now without a feed.
    pub starred_kept: usize,
}

/// What storing a batch of feed items did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpsertCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl UpsertCounts {
    /// Counts what an insert stored as new, and what it found already there.
    pub(super) fn add(&mut self, inserted: super::ImportCounts) {
        self.new += inserted.imported;
        self.unchanged += inserted.already_present;
    }
}

impl Feeds<'_> {
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

    pub fn list(&self) -> Result<Vec<Feed>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{FEED_COLUMNS} ORDER BY id"))?;
        let rows = stmt.query_map([], feed_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn feed_by_url(&self, url: &str) -> Result<Option<Feed>> {
        Ok(self
            .conn
            .query_row(
                &format!("{FEED_COLUMNS} WHERE url = ?1 ORDER BY account_id IS NOT NULL, id"),
                [url],
                feed_from_row,
            )
            .optional()?)
    }

    /// Removes a subscription with its articles, in one transaction; starred articles
    /// stay (without their feed) unless `include_starred`. Its tags go with it.
    pub fn remove_feed(&self, id: i64, include_starred: bool) -> Result<Removed> {
        let tx = self.write()?;
        let mut removed = Removed::default();
        {
            let mut select = tx.prepare_cached(
                "SELECT id, read = 0, starred != 0, source FROM articles WHERE feed_id = ?1",
            )?;
            let mut delete_fts = tx.prepare_cached("DELETE FROM articles_fts WHERE rowid = ?1")?;
            let mut delete_cjk = tx.prepare_cached("DELETE FROM articles_cjk WHERE rowid = ?1")?;
            let mut delete = tx.prepare_cached("DELETE FROM articles WHERE id = ?1")?;
            let rows: Vec<(i64, bool, bool, String)> = select
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut unread = 0;
            let mut tally = super::sources::Tally::default();
            for (article, is_unread, starred, source) in rows {
                // Every article leaves the feed: deleted, or kept as one of no feed
                // (the schema sets its feed to NULL), counted under its source text.
                tally.add(Some(id), "", -1, -i64::from(is_unread));
                if starred && !include_starred {
                    removed.starred_kept += 1;
                    tally.add(None, &source, 1, i64::from(is_unread));
                    continue;
                }
                delete_fts.execute([article])?;
                delete_cjk.execute([article])?;
                delete.execute([article])?;
                removed.articles += 1;
                unread += i64::from(is_unread);
            }
            super::counts::adjust_counts(&tx, -(removed.articles as i64), -unread)?;
            tally.apply(&tx)?;
        }
        super::outbox::feed(&tx, id, super::outbox::Change::Unsubscribe, None)?;
        let n = tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
        if n == 0 {
            bail!("no subscription {id}; `herald feed list` shows them");
        }
        tx.commit().context("removing the subscription")?;
        Ok(removed)
    }

    /// Names subscription `id`: its articles show and are found under the new name at
    /// once.
    pub fn rename_feed(&self, id: i64, name: &str) -> Result<()> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().any(crate::domain::text::is_unsafe) {
            bail!("a feed's name must have some text and no control characters");
        }
        let tx = self.write()?;
        tx.execute(
            "UPDATE feeds SET name = ?2 WHERE id = ?1",
            params![id, name],
        )
        .context("renaming the subscription")?;
        super::rewrite::rename_articles(self, &tx, id, &name)?;
        super::outbox::feed(&tx, id, super::outbox::Change::Rename, Some(&name))?;
        tx.commit().context("renaming the subscription")
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

    /// Stores a subscription's items: known ones are updated in place when their content
    /// changed, new ones added, all in one transaction. An item is known when its feed
    /// already has it: the same guid, else the same url. `None` stores items with no
    /// feed at all, matched among the other such articles (a newsboat article whose feed
    /// is not subscribed).
    pub fn upsert(
        &self,
        feed: Option<&Feed>,
        articles: &[NewArticle],
        added: Timestamp,
    ) -> Result<UpsertCounts> {
        let scope = feed.map(|f| (Some(f.id), feed_scope(&f.url)));
        let full_text = feed.filter(|f| f.full_text).map(|f| f.id);
        self.upsert_scoped(scope, articles, added, full_text)
    }

    /// As [`Feeds::upsert`] for a feed file imported from disk, which has no
    /// subscription: its items are matched only among the items of the same feed
    /// document, told by `identity` (its link, else its title), so two files' items with
    /// the same guid stay two articles.
    pub fn upsert_file(
        &self,
        identity: Option<&str>,
        articles: &[NewArticle],
        added: Timestamp,
    ) -> Result<UpsertCounts> {
        let scope = identity.map(|i| (None, format!("file{}", feed_scope(i))));
        self.upsert_scoped(scope, articles, added, None)
    }

    fn upsert_scoped(
        &self,
        scope: Option<(Option<i64>, String)>,
        articles: &[NewArticle],
        added: Timestamp,
        full_text: Option<i64>,
    ) -> Result<UpsertCounts> {
        let mut counts = UpsertCounts::default();
        let mut fresh = Vec::new();
        let tx = self.write()?;
        // The items added after this id are new: the rules see them, and with
        // `full_text` their pages wait.
        let before = super::fulltext::last_id(&tx)?;
        {
            let mut by_key =
                tx.prepare_cached("SELECT id, source FROM articles WHERE dedup_key = ?1")?;
            let mut by_url = tx.prepare_cached(
                "SELECT id, dedup_key FROM articles WHERE feed_id IS ?1 AND url = ?2",
            )?;
            let mut adopt =
                tx.prepare_cached("UPDATE articles SET dedup_key = ?2 WHERE id = ?1")?;
            let prefix = scope.as_ref().map_or("", |(_, s)| s.as_str());
            for article in articles {
                let row = match &scope {
                    Some((id, scope)) => {
                        Prepared::in_scope(article, self.loaded_codec()?, *id, scope)
                    }
                    None => self.articles().prepare(article)?,
                };
                let mut found: Option<i64> = by_key
                    .query_row([&row.dedup_key], |r| r.get(0))
                    .optional()?;
                if found.is_none()
                    && let Some(url) = &row.url
                {
                    // Among the rows of this feed (or, without one, of this scope), one
                    // stored without a guid: its link was its identity. A row with a guid
                    // of its own is another item, whatever link it shares (comic strips,
                    // live blogs, feeds whose items all link to the home page). The row
                    // takes this item's key, so the next item with the same link does
                    // not find it again.
                    let mut rows = by_url.query(params![row.feed_id, url])?;
                    while let Some(r) = rows.next()? {
                        let key: String = r.get(1)?;
                        if key
                            .strip_prefix(prefix)
                            .is_some_and(|k| !k.starts_with("guid:"))
                        {
                            found = Some(r.get(0)?);
                            break;
                        }
                    }
                    drop(rows);
                    if let Some(id) = found
                        && row.dedup_key.starts_with(prefix)
                    {
                        adopt.execute(params![id, row.dedup_key])?;
                    }
                }
                if found.is_none()
                    && row.feed_id.is_none()
                    && !prefix.is_empty()
                    && let Some(legacy) = row.dedup_key.strip_prefix(prefix)
                {
                    // Stored by a build before file scopes: the same key unscoped, from
                    // the same source (a feed file's title). It joins the scope.
                    let old: Option<(i64, String)> = by_key
                        .query_row([legacy], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    if let Some((id, _)) = old.filter(|(_, source)| *source == row.source) {
                        adopt.execute(params![id, row.dedup_key])?;
                        found = Some(id);
                    }
                }
                self.update_or_keep(&tx, found, article, row, &mut fresh, &mut counts)?;
            }
        }
        counts.add(self.insert_fresh(&tx, &fresh, added, before, self.rules, full_text)?);
        tx.commit().context("saving the feed items")?;
        Ok(counts)
    }
}

/// The columns every read of a feed names, in [`feed_from_row`]'s order.
pub(super) const FEED_COLUMNS: &str = "SELECT id, url, name, etag, last_modified, last_fetched,
     last_error, refresh, next_due, failures, retry_after, full_text, account_id, left_at
     FROM feeds";

/// Reads a feed from a row of [`FEED_COLUMNS`].
pub(super) fn feed_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Feed> {
    Ok(Feed {
        id: row.get(0)?,
        url: row.get(1)?,
        name: row.get(2)?,
        etag: row.get(3)?,
        last_modified: row.get(4)?,
        last_fetched: row.get(5)?,
        last_error: row.get(6)?,
        refresh: row.get(7)?,
        next_due: row.get(8)?,
        failures: row.get(9)?,
        retry_after: row.get(10)?,
        full_text: row.get(11)?,
        account_id: row.get(12)?,
        left_at: row.get(13)?,
    })
}

/// The prefix of the dedup keys of one feed's items: a digest of its address, so the
/// same guid in two feeds is two articles, and a feed removed and added again finds
/// its articles again.
pub(crate) fn feed_scope(url: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(url.trim().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("feed:{hex}:")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::ArticleId;
    use crate::domain::store::Store;
    use crate::domain::store::testing::{article, fts_hits, now};

    fn item(guid: Option<&str>, url: Option<&str>, title: &str, source: &str) -> NewArticle {
        NewArticle {
            guid: guid.map(str::to_owned),
            url: url.map(str::to_owned),
            title: title.into(),
            source: source.into(),
            paragraphs: vec![format!("Text of {title}.")],
            ..Default::default()
        }
    }

    fn titles(store: &Store) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = store
            .articles()
            .summaries(None, 0)
            .unwrap()
            .into_iter()
            .map(|s| (s.source, s.title))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn an_item_never_replaces_another_feeds_article() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", Some("A"))
            .unwrap();
        let b = store
            .feeds()
            .add_feed("https://b.example/rss", Some("B"))
            .unwrap();
        let now = Timestamp::now();
        let shared = "https://news.example/story";
        store
            .feeds()
            .upsert(
                Some(&a),
                &[item(Some("a-1"), Some(shared), "A's story", "A")],
                now,
            )
            .unwrap();
        // A new guid, but the link of feed A's article.
        let counts = store
            .feeds()
            .upsert(
                Some(&b),
                &[item(Some("b-1"), Some(shared), "B's story", "B")],
                now,
            )
            .unwrap();
        assert_eq!(counts.new, 1);
        // The same guid in two feeds is two articles.
        store
            .feeds()
            .upsert(Some(&a), &[item(Some("1"), None, "A one", "A")], now)
            .unwrap();
        let counts = store
            .feeds()
            .upsert(Some(&b), &[item(Some("1"), None, "B one", "B")], now)
            .unwrap();
        assert_eq!(counts.new, 1);
        assert_eq!(
            titles(&store),
            [
                ("A".to_owned(), "A one".to_owned()),
                ("A".to_owned(), "A's story".to_owned()),
                ("B".to_owned(), "B one".to_owned()),
                ("B".to_owned(), "B's story".to_owned()),
            ]
        );
        assert_eq!(store.maintenance().recount().unwrap(), (4, 4));
    }

    /// Items with guids of their own that share one link (a comic strip, a live blog, a
    /// feed whose items all link to its home page) are as many articles, over fetches;
    /// a starred one keeps its own title.
    #[test]
    fn items_with_their_own_guids_that_share_a_link_stay_apart() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", Some("A"))
            .unwrap();
        let now = Timestamp::now();
        let home = "https://a.example/";
        for fetch in 0..3 {
            let items: Vec<NewArticle> = (0..5)
                .map(|i| {
                    let n = fetch * 5 + i;
                    item(
                        Some(&format!("strip-{n}")),
                        Some(home),
                        &format!("Strip {n}"),
                        "A",
                    )
                })
                .collect();
            let counts = store.feeds().upsert(Some(&a), &items, now).unwrap();
            assert_eq!(counts.new, 5, "fetch {fetch}");
            if fetch == 0 {
                let first = store.articles().summaries(None, 0).unwrap();
                let strip0 = first.iter().find(|s| s.title == "Strip 0").unwrap();
                store.articles().set_starred(strip0.id, true).unwrap();
            }
        }
        let all = store.articles().summaries(None, 0).unwrap();
        assert_eq!(all.len(), 15);
        let starred: Vec<_> = all.iter().filter(|s| s.starred).collect();
        assert_eq!(starred.len(), 1);
        assert_eq!(starred[0].title, "Strip 0");
        // The same guid again is the same article, updated in place.
        let counts = store
            .feeds()
            .upsert(
                Some(&a),
                &[item(Some("strip-0"), Some(home), "Strip 0, fixed", "A")],
                now,
            )
            .unwrap();
        assert_eq!((counts.new, counts.updated), (0, 1));
    }

    /// An item stored with no guid is known by its link; when the feed starts giving
    /// guids, the first item with that link takes the article over, and the next one
    /// with the same link is another article.
    #[test]
    fn a_link_is_the_identity_only_of_an_item_with_no_guid() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", Some("A"))
            .unwrap();
        let now = Timestamp::now();
        let url = "https://a.example/1";
        store
            .feeds()
            .upsert(Some(&a), &[item(None, Some(url), "First", "A")], now)
            .unwrap();
        let id = store.articles().summaries(None, 0).unwrap()[0].id;
        store.articles().set_read(id, true).unwrap();
        let counts = store
            .feeds()
            .upsert(
                Some(&a),
                &[
                    item(Some("y-1"), Some(url), "First, revised", "A"),
                    item(Some("y-2"), Some(url), "Second", "A"),
                ],
                now,
            )
            .unwrap();
        assert_eq!((counts.new, counts.updated), (1, 1));
        let again = store.articles().summaries(None, 0).unwrap();
        let first = again.iter().find(|s| s.id == id).unwrap();
        assert_eq!(first.title, "First, revised");
        assert!(first.read, "state is kept");
        // Unchanged on the next fetch: each is found by its guid now.
        let counts = store
            .feeds()
            .upsert(
                Some(&a),
                &[
                    item(Some("y-1"), Some(url), "First, revised", "A"),
                    item(Some("y-2"), Some(url), "Second", "A"),
                ],
                now,
            )
            .unwrap();
        assert_eq!(counts.unchanged, 2);
        // Two guids are never one article: a rewritten guid is a new item.
        let counts = store
            .feeds()
            .upsert(Some(&a), &[item(Some("z-1"), Some(url), "Third", "A")], now)
            .unwrap();
        assert_eq!(counts.new, 1);
    }

    /// A renamed feed's articles show and are found under the new name at once, their
    /// text still found; the old name finds nothing (before, only the next fetch's new
    /// items took the name).
    #[test]
    fn renaming_a_feed_renames_its_articles() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", Some("Quayside"))
            .unwrap();
        let items: Vec<NewArticle> = (1..=3)
            .map(|i| {
                item(
                    Some(&format!("q-{i}")),
                    None,
                    &format!("Tide {i}"),
                    "Quayside",
                )
            })
            .collect();
        store
            .feeds()
            .upsert(Some(&a), &items, Timestamp::now())
            .unwrap();
        store
            .articles()
            .import(&[article("Elsewhere", None)], Timestamp::now())
            .unwrap();
        assert_eq!(fts_hits(&store, "source:quayside"), 3);
        store.feeds().rename_feed(a.id, "Harbour Gazette").unwrap();
        assert_eq!(fts_hits(&store, "source:quayside"), 0);
        assert_eq!(fts_hits(&store, "source:gazette"), 3);
        assert_eq!(fts_hits(&store, "tide"), 3, "the text is still found");
        let sources: Vec<String> = store
            .articles()
            .summaries(None, 0)
            .unwrap()
            .into_iter()
            .map(|s| s.source)
            .collect();
        assert_eq!(
            sources.iter().filter(|s| *s == "Harbour Gazette").count(),
            3
        );
        assert!(
            sources.contains(&"Test Wire".to_owned()),
            "another source untouched"
        );
        store
            .connection()
            .execute(
                "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 0)",
                [],
            )
            .unwrap();
    }

    #[test]
    fn two_feed_files_with_the_same_guids_keep_their_own_articles() {
        let store = Store::open_in_memory().unwrap();
        let now = Timestamp::now();
        let a = [item(
            Some("1"),
            Some("https://a.example/1"),
            "A first",
            "Desk A",
        )];
        let b = [item(
            Some("1"),
            Some("https://a.example/1"),
            "B first",
            "Desk B",
        )];
        store
            .feeds()
            .upsert_file(Some("https://a.example/"), &a, now)
            .unwrap();
        let counts = store
            .feeds()
            .upsert_file(Some("https://b.example/"), &b, now)
            .unwrap();
        assert_eq!(
            counts.new, 1,
            "another file's item, though guid and link match"
        );
        let again = store
            .feeds()
            .upsert_file(Some("https://a.example/"), &a, now)
            .unwrap();
        assert_eq!(again.unchanged, 1);
        assert_eq!(
            titles(&store),
            [
                ("Desk A".to_owned(), "A first".to_owned()),
                ("Desk B".to_owned(), "B first".to_owned())
            ]
        );
    }

    #[test]
    fn a_feed_file_imported_before_scopes_finds_its_articles() {
        let store = Store::open_in_memory().unwrap();
        let now = Timestamp::now();
        // As a build before file scopes stored it: the bare guid key.
        let old = [item(Some("7"), None, "Old copy", "Desk A")];
        store.articles().import(&old, now).unwrap();
        let counts = store
            .feeds()
            .upsert_file(Some("https://a.example/"), &old, now)
            .unwrap();
        assert_eq!((counts.new, counts.unchanged), (0, 1));
        // Another file's item with that guid is not taken for it.
        let other = [item(Some("7"), None, "Other", "Desk B")];
        let counts = store
            .feeds()
            .upsert_file(Some("https://b.example/"), &other, now)
            .unwrap();
        assert_eq!(counts.new, 1);
        assert_eq!(store.articles().count().unwrap(), 2);
    }

    #[test]
    fn a_feed_removed_and_added_again_finds_its_starred_articles() {
        let store = Store::open_in_memory().unwrap();
        let now = Timestamp::now();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", Some("A"))
            .unwrap();
        store
            .feeds()
            .upsert(
                Some(&a),
                &[
                    item(Some("k"), None, "Kept", "A"),
                    item(Some("g"), None, "Gone", "A"),
                ],
                now,
            )
            .unwrap();
        let kept = store
            .articles()
            .summaries(None, 0)
            .unwrap()
            .into_iter()
            .find(|s| s.title == "Kept")
            .unwrap();
        store.articles().set_starred(kept.id, true).unwrap();
        let removed = store.feeds().remove_feed(a.id, false).unwrap();
        assert_eq!((removed.articles, removed.starred_kept), (1, 1));
        assert_eq!(store.maintenance().recount().unwrap(), (1, 1));
        assert_eq!(
            (
                store.articles().count().unwrap(),
                store.articles().count_unread().unwrap()
            ),
            (1, 1)
        );
        assert!(fts_hits(&store, "gone") == 0, "its index entries go too");
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", Some("A"))
            .unwrap();
        let counts = store
            .feeds()
            .upsert(Some(&a), &[item(Some("k"), None, "Kept", "A")], now)
            .unwrap();
        assert_eq!(counts.unchanged, 1);
        assert_eq!(store.articles().count().unwrap(), 1);
    }

    /// A re-fetched item's links replace the ones it had; the same links again change
    /// nothing.
    #[test]
    fn an_updated_item_gets_its_new_links() {
        let store = Store::open_in_memory().unwrap();
        let mut item = article("Item", None);
        item.guid = Some("g".into());
        item.links = vec![
            "https://old.example/one".into(),
            "https://old.example/two".into(),
        ];
        store.feeds().upsert(None, &[item.clone()], now()).unwrap();
        item.links = vec!["https://new.example/only".into()];
        let counts = store.feeds().upsert(None, &[item.clone()], now()).unwrap();
        assert_eq!(counts.updated, 1, "new links are a change");
        let back = store.articles().article(ArticleId(1)).unwrap().unwrap();
        assert_eq!(back.links, ["https://new.example/only"]);
        assert_eq!(fts_hits(&store, "old"), 0);
        assert_eq!(fts_hits(&store, "new"), 1);
        assert_eq!(
            store
                .feeds()
                .upsert(None, &[item.clone()], now())
                .unwrap()
                .unchanged,
            1
        );
        item.links.clear();
        assert_eq!(
            store.feeds().upsert(None, &[item], now()).unwrap().updated,
            1
        );
        assert!(
            store
                .articles()
                .article(ArticleId(1))
                .unwrap()
                .unwrap()
                .links
                .is_empty()
        );
        store.maintenance().fts_integrity_check().unwrap();
    }
}
