//! The store's side of a sync (domain/sync): an account's feeds and articles as its
//! server knows them, and the server's state written back without queueing anything in
//! the outbox (it came from the server; sending it back would be an echo).

use std::collections::HashSet;

use anyhow::{Context, Result};
use rusqlite::params;

use super::counts::adjust_counts;
use super::sources::Tally;
use super::{Feed, Store};
use crate::domain::model::ArticleId;

/// An article of an account as a sync compares it with the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountArticle {
    pub id: ArticleId,
    /// Its id on the server (its guid), when it has one.
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

impl Store {
    /// The feeds of account `account_id`, each with its id on the server.
    pub fn account_feeds(&self, account_id: i64) -> Result<Vec<(Feed, Option<String>)>> {
        let ids: Vec<(i64, Option<String>)> = self
            .conn
            .prepare_cached("SELECT id, remote_id FROM feeds WHERE account_id = ?1 ORDER BY id")?
            .query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut feeds = Vec::new();
        let all = self.feeds()?;
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

    /// Every article of account `account_id`'s feeds, with its flags.
    pub fn account_articles(&self, account_id: i64) -> Result<Vec<AccountArticle>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.guid, a.read, a.starred
             FROM feeds f JOIN articles a ON a.feed_id = f.id
             WHERE f.account_id = ?1",
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
    pub fn add_server_feed(
        &self,
        account_id: i64,
        url: &str,
        name: &str,
        remote_id: &str,
    ) -> Result<Feed> {
        self.conn
            .execute(
                "INSERT INTO feeds (url, name, account_id, remote_id) VALUES (?1, ?2, ?3, ?4)",
                params![url, name, account_id, remote_id],
            )
            .with_context(|| format!("saving the server's subscription {url}"))?;
        self.feed_by_url(url)?
            .context("the subscription just saved is missing")
    }

    /// The server's name and folder for feed `feed_id`; queues nothing.
    pub fn apply_server_feed(&self, feed_id: i64, name: &str, tag: Option<&str>) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE feeds SET name = ?2 WHERE id = ?1 AND name IS NOT ?2",
            params![feed_id, name],
        )?;
        if let Some(tag) = tag
            && let Ok(tag) = super::clean_tag(tag)
        {
            tx.execute(
                "INSERT OR IGNORE INTO feed_tags (feed_id, tag) VALUES (?1, ?2)",
                params![feed_id, tag],
            )?;
        }
        tx.commit().context("saving the server's feed")
    }

    /// Removes a feed the server no longer has (starred articles stay), with anything
    /// that was waiting for it.
    pub fn remove_server_feed(&self, feed_id: i64) -> Result<()> {
        self.remove_feed(feed_id, false)?;
        self.conn
            .execute("DELETE FROM outbox WHERE feed_id = ?1", [feed_id])?;
        Ok(())
    }
}
