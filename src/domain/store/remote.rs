//! The store's side of a sync (domain/sync): an account's feeds and articles as its
//! server knows them, and the server's state written back without queueing anything in
//! the outbox (it came from the server; sending it back would be an echo).

use std::collections::HashSet;

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};

use super::Feed;
use super::counts::adjust_counts;
use super::handles::Accounts;
use super::sources::Tally;
use crate::domain::model::ArticleId;

/// An article of an account as a sync compares it with the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountArticle {
    pub id: ArticleId,
    /// Its entry id on the server, when it has one.
    pub remote_id: Option<String>,
    pub read: bool,
    pub starred: bool,
}

/// The server's state for one article: `None` leaves that flag alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerFlags {
    pub id: ArticleId,
    pub read: Option<bool>,
    pub starred: Option<bool>,
}

impl Accounts<'_> {
    /// The feeds of account `account_id`, each with its id on the server.
    pub fn account_feeds(&self, account_id: i64) -> Result<Vec<(Feed, Option<String>)>> {
        let ids: Vec<(i64, Option<String>)> = self
            .conn
            .prepare_cached("SELECT id, remote_id FROM feeds WHERE account_id = ?1 ORDER BY id")?
            .query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut feeds = Vec::new();
        let all = self.feeds().list()?;
        for (id, remote) in ids {
            if let Some(feed) = all.iter().find(|f| f.id == id) {
                feeds.push((feed.clone(), remote));
            }
        }
        Ok(feeds)
    }

    /// The feeds that belong to an account: its server fetches them, not herald.
    pub fn synced_feed_ids(&self) -> Result<HashSet<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM feeds WHERE account_id IS NOT NULL")?;
        let ids = stmt.query_map([], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Every article of account `account_id`'s feeds, with its flags; not those of a
    /// feed kept as an archive, which the server no longer has.
    pub fn account_articles(&self, account_id: i64) -> Result<Vec<AccountArticle>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.remote_id, a.read, a.starred
             FROM feeds f JOIN articles a ON a.feed_id = f.id
             WHERE f.account_id = ?1 AND f.left_at IS NULL",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok(AccountArticle {
                id: r.get(0)?,
                remote_id: r.get(1)?,
                read: r.get(2)?,
                starred: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The articles and the feeds with changes still waiting for account `account_id`.
    pub fn waiting_items(&self, account_id: i64) -> Result<(HashSet<ArticleId>, HashSet<i64>)> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT article_id, feed_id FROM outbox WHERE account_id = ?1")?;
        let mut rows = stmt.query([account_id])?;
        let (mut articles, mut feeds) = (HashSet::new(), HashSet::new());
        while let Some(row) = rows.next()? {
            match row.get::<_, Option<ArticleId>>(0)? {
                Some(article) => {
                    articles.insert(article);
                }
                None => {
                    if let Some(feed) = row.get::<_, Option<i64>>(1)? {
                        feeds.insert(feed);
                    }
                }
            }
        }
        Ok((articles, feeds))
    }

    /// Writes the server's read and starred state, in one transaction, keeping the
    /// counts; queues nothing. Returns how many articles changed.
    pub fn apply_server_flags(&self, flags: &[ServerFlags]) -> Result<usize> {
        let tx = self.write()?;
        let mut changed = 0;
        let mut unread_delta = 0;
        let mut tally = Tally::default();
        {
            let mut read = tx.prepare_cached(
                "UPDATE articles SET read = ?2 WHERE id = ?1 AND read != ?2
                 RETURNING feed_id, source",
            )?;
            let mut star = tx.prepare_cached(
                "UPDATE articles SET starred = ?2 WHERE id = ?1 AND starred != ?2",
            )?;
            for flag in flags {
                if let Some(value) = flag.read {
                    let step = if value { -1 } else { 1 };
                    let mut rows = read.query(params![flag.id, value])?;
                    while let Some(row) = rows.next()? {
                        let source: String = row.get(1)?;
                        tally.add(row.get(0)?, &source, 0, step);
                        unread_delta += step;
                        changed += 1;
                    }
                }
                if let Some(value) = flag.starred {
                    changed += star.execute(params![flag.id, value])?;
                }
            }
        }
        adjust_counts(&tx, 0, unread_delta)?;
        tally.apply(&tx)?;
        tx.commit()
            .context("saving the server's read and starred state")?;
        Ok(changed)
    }

    /// Subscribes to a feed the server has, under account `account_id`; queues nothing.
    /// Another herald that did the same meanwhile (two first syncs at once) is no
    /// error: its row is the one returned.
    pub fn add_server_feed(
        &self,
        account_id: i64,
        url: &str,
        name: &str,
        remote_id: &str,
    ) -> Result<Feed> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO feeds (url, name, account_id, remote_id)
                 VALUES (?1, ?2, ?3, ?4)",
                params![url, name, account_id, remote_id],
            )
            .with_context(|| format!("saving the server's subscription {url}"))?;
        self.account_feed_by_url(account_id, url)?
            .filter(|f| f.1 == Some(account_id))
            .map(|f| f.0)
            .with_context(|| format!("the server's subscription {url} was not saved"))
    }

    /// The feed with address `url` that account `account_id` may take: its own (kept
    /// as an archive, or waiting to be pushed), else a local one; with its account.
    /// Another account's feed of the same address is never this account's.
    pub fn account_feed_by_url(
        &self,
        account_id: i64,
        url: &str,
    ) -> Result<Option<(Feed, Option<i64>)>> {
        let id: Option<(i64, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT id, account_id FROM feeds
                 WHERE url = ?1 AND (account_id = ?2 OR account_id IS NULL)
                 ORDER BY account_id IS NULL LIMIT 1",
                params![url, account_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, account)) = id else {
            return Ok(None);
        };
        Ok(self
            .feeds()
            .list()?
            .into_iter()
            .find(|f| f.id == id)
            .map(|f| (f, account)))
    }

    /// The server's name for feed `feed_id`, and its folders: what the server added
    /// since the last sync becomes a tag, what it took away stops being one; a tag only
    /// herald has stays. Queues nothing.
    pub fn apply_server_feed(&self, feed_id: i64, name: &str, folders: &[String]) -> Result<()> {
        let tx = self.write()?;
        let renamed = tx.execute(
            "UPDATE feeds SET name = ?2 WHERE id = ?1 AND name IS NOT ?2",
            params![feed_id, name],
        )?;
        if renamed > 0 {
            super::rewrite::rename_articles(self, &tx, feed_id, name)?;
        }
        let last: Option<String> = tx.query_row(
            "SELECT remote_folders FROM feeds WHERE id = ?1",
            [feed_id],
            |r| r.get(0),
        )?;
        let last: Vec<&str> = last.as_deref().map_or(Vec::new(), |l| l.lines().collect());
        let now: Vec<String> = folders
            .iter()
            .filter_map(|f| super::clean_tag(f).ok())
            .collect();
        for gone in last.iter().filter(|l| !now.iter().any(|n| n == *l)) {
            tx.execute(
                "DELETE FROM feed_tags WHERE feed_id = ?1 AND tag = ?2",
                params![feed_id, gone],
            )?;
        }
        for added in now.iter().filter(|n| !last.contains(&n.as_str())) {
            tx.execute(
                "INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?1, ?2)",
                params![feed_id, added],
            )?;
        }
        set_remote_folders(&tx, feed_id, &now)?;
        tx.commit().context("saving the server's feed")
    }

    /// The folders the server had for feed `feed_id` when last heard.
    pub fn remote_folders(&self, feed_id: i64) -> Result<Vec<String>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT remote_folders FROM feeds WHERE id = ?1",
                [feed_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(text.map_or(Vec::new(), |t| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        }))
    }

    /// Notes that the server now has `folders` for feed `feed_id` (after a push).
    pub fn pushed_folders(&self, feed_id: i64, folders: &[String]) -> Result<()> {
        set_remote_folders(&self.conn, feed_id, folders)
    }

    /// Keeps feed `feed_id`, which left its account's server, as an archive: its
    /// articles stay (a sync never deletes them), its changes wait no more, and it comes
    /// back with its articles if the server lists it again.
    pub fn archive_server_feed(&self, feed_id: i64, at: i64) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE feeds SET remote_id = NULL, left_at = ?2 WHERE id = ?1",
            params![feed_id, at],
        )?;
        tx.execute("DELETE FROM outbox WHERE feed_id = ?1", [feed_id])?;
        tx.commit().context("keeping the feed as an archive")
    }

    /// Whether any of feed `feed_id`'s articles has an entry id.
    pub fn feed_has_remote_ids(&self, feed_id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE feed_id = ?1 AND remote_id IS NOT NULL)",
            [feed_id],
            |r| r.get(0),
        )?)
    }

    /// Whether feed `feed_id` left its account's server (kept as an archive).
    pub fn feed_left(&self, feed_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT left_at IS NOT NULL FROM feeds WHERE id = ?1",
                [feed_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false))
    }

    /// Forgets the entry ids of feed `feed_id`'s articles that are not in `live` (the
    /// server's entries of the feed, all of them): those entries are gone, and the
    /// articles may be matched again by their links.
    pub fn forget_gone_entries(&self, feed_id: i64, live: &HashSet<String>) -> Result<usize> {
        let tx = self.write()?;
        let ids: Vec<(i64, String)> = tx
            .prepare_cached(
                "SELECT id, remote_id FROM articles WHERE feed_id = ?1 AND remote_id IS NOT NULL",
            )?
            .query_map([feed_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut forgotten = 0;
        for (id, remote) in ids {
            if !live.contains(&remote) {
                tx.execute("UPDATE articles SET remote_id = NULL WHERE id = ?1", [id])?;
                forgotten += 1;
            }
        }
        tx.commit()
            .context("forgetting entries the server no longer has")?;
        Ok(forgotten)
    }
}

fn set_remote_folders(conn: &Connection, feed_id: i64, folders: &[String]) -> Result<()> {
    conn.execute(
        "UPDATE feeds SET remote_folders = ?2 WHERE id = ?1",
        params![feed_id, folders.join("\n")],
    )?;
    Ok(())
}
