//! The outbox: each change a person makes to an article or a feed of an account (read,
//! unread, star, unstar, mark all read, subscribe, unsubscribe, rename, tag, untag),
//! written by the store's own write paths in the same transaction as the change, so that
//! a change is never applied without being queued or queued without being applied. A
//! sync pushes the rows in order and deletes them once the server has them. Articles and
//! feeds of no account record nothing.
//!
//! An article's id on its server is `articles.remote_id` (store/entries.rs). Outbox ids
//! are never reused (AUTOINCREMENT), so a sync that clears the rows it sent never clears
//! a change made while it was pushing.

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};

use super::handles::Accounts;
use crate::domain::model::ArticleId;

/// One kind of change, as the outbox's `change` column spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Read,
    Unread,
    Star,
    Unstar,
    Subscribe,
    Unsubscribe,
    Rename,
    Tag,
    Untag,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Read => "read",
            Change::Unread => "unread",
            Change::Star => "star",
            Change::Unstar => "unstar",
            Change::Subscribe => "subscribe",
            Change::Unsubscribe => "unsubscribe",
            Change::Rename => "rename",
            Change::Tag => "tag",
            Change::Untag => "untag",
        }
    }

    fn parse(text: &str) -> Option<Change> {
        Some(match text {
            "read" => Change::Read,
            "unread" => Change::Unread,
            "star" => Change::Star,
            "unstar" => Change::Unstar,
            "subscribe" => Change::Subscribe,
            "unsubscribe" => Change::Unsubscribe,
            "rename" => Change::Rename,
            "tag" => Change::Tag,
            "untag" => Change::Untag,
            _ => return None,
        })
    }

    pub(super) fn read(read: bool) -> Change {
        if read { Change::Read } else { Change::Unread }
    }

    pub(super) fn star(starred: bool) -> Change {
        if starred {
            Change::Star
        } else {
            Change::Unstar
        }
    }
}

/// A change waiting to be pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Its place in the outbox: changes are pushed in this order.
    pub id: i64,
    pub change: Change,
    pub article: Option<ArticleId>,
    pub feed: Option<i64>,
    /// The item's id on the server when the change was made.
    pub remote_id: Option<String>,
    /// The url (subscribe), name (rename) or tag (tag, untag).
    pub value: Option<String>,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Records `change` for each article of `ids` that belongs to an account's feed.
pub(super) fn articles(tx: &Connection, ids: &[ArticleId], change: Change) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // Only the last read and the last star change of an article matter (they are sent
    // as states): the earlier one goes, so the outbox holds at most two rows per
    // article however often it is toggled.
    let (this, other) = match change {
        Change::Read | Change::Unread => ("read", "unread"),
        _ => ("star", "unstar"),
    };
    let mut superseded =
        tx.prepare_cached("DELETE FROM outbox WHERE article_id = ?1 AND change IN (?2, ?3)")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO outbox (account_id, change, article_id, feed_id, remote_id, made)
         SELECT f.account_id, ?2, a.id, a.feed_id, a.remote_id, ?3
         FROM articles a JOIN feeds f ON f.id = a.feed_id
         WHERE a.id = ?1 AND f.account_id IS NOT NULL AND f.left_at IS NULL",
    )?;
    let made = now();
    for id in ids {
        superseded.execute(params![id, this, other])?;
        insert
            .execute(params![id, change.as_str(), made])
            .context("queueing the change for the account's server")?;
    }
    Ok(())
}

/// Records `read` for every unread article of an account's feeds: the part of "mark all
/// read" its servers need to hear. Walks the accounts' feeds, not the whole table.
pub(super) fn all_unread(tx: &Connection) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM outbox WHERE change IN ('read', 'unread') AND article_id IN (
             SELECT a.id FROM feeds f JOIN articles a ON a.feed_id = f.id
             WHERE f.account_id IS NOT NULL AND a.read = 0)",
    )?
    .execute([])?;
    tx.prepare_cached(
        "INSERT INTO outbox (account_id, change, article_id, feed_id, remote_id, made)
         SELECT f.account_id, 'read', a.id, a.feed_id, a.remote_id, ?1
         FROM feeds f JOIN articles a ON a.feed_id = f.id
         WHERE f.account_id IS NOT NULL AND f.left_at IS NULL AND a.read = 0",
    )?
    .execute([now()])
    .context("queueing the change for the accounts' servers")?;
    Ok(())
}

/// Records `change` (with its url, name or tag) for feed `feed_id` if it belongs to an
/// account.
pub(super) fn feed(
    tx: &Connection,
    feed_id: i64,
    change: Change,
    value: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (account_id, change, feed_id, remote_id, value, made)
         SELECT account_id, ?2, id, remote_id, ?3, ?4
         FROM feeds WHERE id = ?1 AND account_id IS NOT NULL",
    )?
    .execute(params![feed_id, change.as_str(), value, now()])
    .context("queueing the change for the account's server")?;
    Ok(())
}

impl Accounts<'_> {
    /// Subscribes to `url` under account `account_id`, and queues the subscription for
    /// its server, in one transaction.
    pub fn add_account_feed(
        &self,
        account_id: i64,
        url: &str,
        name: Option<&str>,
    ) -> Result<super::Feed> {
        if self.feeds().feed_by_url(url)?.is_some() {
            bail!("already subscribed to {url}");
        }
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO feeds (url, name, account_id) VALUES (?1, ?2, ?3)",
            params![url, name, account_id],
        )
        .context("saving the subscription")?;
        let id = tx.last_insert_rowid();
        feed(&tx, id, Change::Subscribe, Some(url))?;
        tx.commit().context("saving the subscription")?;
        self.feeds()
            .feed_by_url(url)?
            .context("the subscription just saved is missing")
    }

    /// The first `limit` changes waiting for account `account_id`, oldest first.
    pub fn pending(&self, account_id: i64, limit: usize) -> Result<Vec<Pending>> {
        self.pending_after(account_id, 0, limit)
    }

    /// As [`Accounts::pending`], for the changes after outbox id `after` (a push goes on
    /// past a change the server refused, which stays).
    pub fn pending_after(&self, account_id: i64, after: i64, limit: usize) -> Result<Vec<Pending>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, change, article_id, feed_id, remote_id, value FROM outbox
             WHERE account_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![account_id, after, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<ArticleId>>(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        let mut pending = Vec::new();
        for row in rows {
            let (id, change, article, feed, remote_id, value) = row?;
            let Some(change) = Change::parse(&change) else {
                bail!("the outbox holds an unknown change `{change}`: a newer herald wrote it");
            };
            pending.push(Pending {
                id,
                change,
                article,
                feed,
                remote_id,
                value,
            });
        }
        Ok(pending)
    }

    /// Deletes the changes `ids` from the outbox: the server has them.
    pub fn pushed(&self, ids: &[i64]) -> Result<()> {
        let tx = self.write()?;
        {
            let mut delete = tx.prepare_cached("DELETE FROM outbox WHERE id = ?1")?;
            for id in ids {
                delete.execute([id])?;
            }
        }
        tx.commit().context("clearing the pushed changes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;
    use crate::domain::store::Store;
    use crate::domain::store::{AccountKind, NewAccount, SecretSource};
    use jiff::Timestamp;

    /// A store with one local feed and one feed of account `home`, two articles each.
    fn store() -> (Store, i64, i64, Vec<ArticleId>, Vec<ArticleId>) {
        let store = Store::open_in_memory().unwrap();
        let account = store
            .accounts()
            .add_account(&NewAccount {
                name: "home".into(),
                kind: AccountKind::Miniflux,
                url: "http://127.0.0.1:9".into(),
                user: None,
                secret: SecretSource::Env("T".into()),
            })
            .unwrap();
        let local = store
            .feeds()
            .add_feed("https://local.example/rss", None)
            .unwrap();
        let remote = store
            .feeds()
            .add_feed("https://remote.example/rss", None)
            .unwrap();
        store
            .accounts()
            .set_feed_account(remote.id, Some(account.id), Some("12"))
            .unwrap();
        let items = |prefix: &str| -> Vec<NewArticle> {
            (1..=2)
                .map(|i| NewArticle {
                    guid: Some(format!("{prefix}{i}")),
                    source: "Wire".into(),
                    title: format!("{prefix} {i}"),
                    paragraphs: vec!["Text.".into()],
                    ..Default::default()
                })
                .collect()
        };
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        store
            .feeds()
            .upsert(Some(&local), &items("l"), now)
            .unwrap();
        let entries: Vec<crate::domain::store::SyncedEntry> = items("10")
            .into_iter()
            .map(|article| crate::domain::store::SyncedEntry {
                remote_id: article.guid.clone().unwrap(),
                article,
            })
            .collect();
        store
            .accounts()
            .upsert_entries(account.id, &remote, &entries, now, None)
            .unwrap();
        let ids_of = |feed: i64| -> Vec<ArticleId> {
            let mut stmt = store
                .conn
                .prepare("SELECT id FROM articles WHERE feed_id = ?1 ORDER BY id")
                .unwrap();
            stmt.query_map([feed], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let (l, r) = (ids_of(local.id), ids_of(remote.id));
        (store, account.id, remote.id, l, r)
    }

    fn kinds(store: &Store, account: i64) -> Vec<(&'static str, Option<String>, Option<String>)> {
        store
            .accounts()
            .pending(account, 1000)
            .unwrap()
            .into_iter()
            .map(|p| (p.change.as_str(), p.remote_id, p.value))
            .collect()
    }

    #[test]
    fn every_change_to_an_accounts_items_is_queued_and_local_ones_are_not() {
        let (store, account, feed, local, remote) = store();
        let all: Vec<ArticleId> = local.iter().chain(&remote).copied().collect();
        store.articles().set_read(remote[0], true).unwrap();
        store.articles().set_read(remote[0], true).unwrap(); // no change: nothing queued
        store.articles().set_read(remote[0], false).unwrap();
        store.articles().set_starred(remote[1], true).unwrap();
        store.articles().set_starred_many(&all, false).unwrap();
        store.articles().set_read_many(&all, true).unwrap();
        store.articles().set_read_many(&all, false).unwrap();
        store.articles().mark_all_read(Some(&all)).unwrap();
        store.articles().set_read_many(&all, false).unwrap();
        store.articles().mark_all_read(None).unwrap();
        store.feeds().rename_feed(feed, "Remote Wire").unwrap();
        store.feeds().tag_feed(feed, "news").unwrap();
        store.feeds().untag_feed(feed, "news").unwrap();
        let some = |s: &str| Some(s.to_owned());
        let r1 = || some("101");
        let r2 = || some("102");
        // Each article's last read change and last star change, in the order made (the
        // earlier ones were superseded); mark all read walks the accounts' feeds, so its
        // two rows come in SQLite's order.
        let got = kinds(&store, account);
        assert_eq!(got[0], ("unstar", r2(), None));
        let mut all_read: Vec<_> = got[1..3].to_vec();
        all_read.sort();
        assert_eq!(all_read, vec![("read", r1(), None), ("read", r2(), None)]);
        let expected = vec![
            ("rename", some("12"), some("Remote Wire")),
            ("tag", some("12"), some("news")),
            ("untag", some("12"), some("news")),
        ];
        assert_eq!(got[3..].to_vec(), expected);

        // Subscribing under the account, and unsubscribing, queue too; a local feed's
        // changes do not.
        let before = kinds(&store, account).len();
        let local_feed = store
            .feeds()
            .feed_by_url("https://local.example/rss")
            .unwrap()
            .unwrap();
        store.feeds().rename_feed(local_feed.id, "Local").unwrap();
        store.feeds().tag_feed(local_feed.id, "x").unwrap();
        store.feeds().remove_feed(local_feed.id, false).unwrap();
        assert_eq!(
            kinds(&store, account).len(),
            before,
            "local changes queue nothing"
        );
        let added = store
            .accounts()
            .add_account_feed(account, "https://new.example/rss", None)
            .unwrap();
        store.feeds().remove_feed(feed, false).unwrap();
        let got = kinds(&store, account);
        assert_eq!(
            got[before..].to_vec(),
            vec![
                ("subscribe", None, some("https://new.example/rss")),
                ("unsubscribe", some("12"), None),
            ]
        );
        assert_eq!(
            store.accounts().feed_account(added.id).unwrap(),
            Some((account, None))
        );

        // Pushed changes leave the outbox.
        let ids: Vec<i64> = store
            .accounts()
            .pending(account, 3)
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        store.accounts().pushed(&ids).unwrap();
        assert_eq!(kinds(&store, account).len(), got.len() - 3);
    }

    #[test]
    fn each_kind_of_article_change_is_queued_as_made() {
        let (store, account, _, _, remote) = store();
        let some = |s: &str| Some(s.to_owned());
        store.articles().set_read(remote[0], true).unwrap();
        store.articles().set_starred(remote[1], true).unwrap();
        assert_eq!(
            kinds(&store, account),
            vec![("read", some("101"), None), ("star", some("102"), None)]
        );
        store.articles().set_read(remote[0], false).unwrap();
        store.articles().set_starred(remote[1], false).unwrap();
        assert_eq!(
            kinds(&store, account),
            vec![("unread", some("101"), None), ("unstar", some("102"), None)]
        );
    }

    /// Toggled ten thousand times, an article holds at most two rows: the outbox is
    /// bounded by the articles, not by the clicks.
    #[test]
    fn the_outbox_is_bounded_by_articles_not_by_changes() {
        let (store, account, _, _, remote) = store();
        for i in 0..10_000 {
            store.articles().set_read(remote[0], i % 2 == 0).unwrap();
            store.articles().set_starred(remote[0], i % 2 == 0).unwrap();
        }
        store.articles().set_read_many(&remote, true).unwrap();
        store.articles().mark_all_read(None).unwrap();
        let got = kinds(&store, account);
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn a_change_that_fails_queues_nothing() {
        let (store, account, feed, _, remote) = store();
        // A change whose transaction fails after the outbox row is written: the trigger
        // fails the article's update, and the whole write is rolled back.
        store
            .conn
            .execute_batch(
                "CREATE TRIGGER fail_read BEFORE UPDATE OF read ON articles
                 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;
                 CREATE TRIGGER fail_star BEFORE UPDATE OF starred ON articles
                 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;
                 CREATE TRIGGER fail_rename BEFORE UPDATE OF name ON feeds
                 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;
                 CREATE TRIGGER fail_tag BEFORE INSERT ON feed_tags
                 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
            )
            .unwrap();
        assert!(store.articles().set_read_many(&remote, true).is_err());
        assert!(store.articles().set_starred(remote[0], true).is_err());
        assert!(store.articles().mark_all_read(None).is_err());
        assert!(store.feeds().rename_feed(feed, "New").is_err());
        assert!(store.feeds().tag_feed(feed, "news").is_err());
        // And a failure in the outbox itself undoes the change.
        store
            .conn
            .execute_batch(
                "DROP TRIGGER fail_read;
                 CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox
                 BEGIN SELECT RAISE(ABORT, 'outbox full'); END;",
            )
            .unwrap();
        assert!(store.articles().set_read(remote[0], true).is_err());
        let read: i64 = store
            .conn
            .query_row("SELECT count(*) FROM articles WHERE read = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(read, 0, "the change went with its outbox row");
        assert!(kinds(&store, account).is_empty());
    }
}
