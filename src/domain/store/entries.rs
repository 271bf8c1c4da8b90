//! Storing the entries a sync pulls from an account's server. An entry's identity is
//! (account, entry id): two entry ids from one server are never one article, whatever
//! link or title they share, and the same entry id on two servers is two articles.
//!
//! An entry the store does not know by its id may be an article the store already has
//! under another identity: read in the feed before an account followed it, or kept when
//! its feed left the account and came back with new entry ids. Such an article is
//! adopted when exactly one article of the same feed, with no live entry id, has the
//! entry's link: it takes the entry id, keeps its read and starred state and position,
//! and from then on its changes go to the server. Two candidates (items that share a
//! link) adopt nothing: the entry becomes an article of its own.

use std::collections::HashSet;

use anyhow::{Context, Result};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::handles::{Accounts, RulesOnNew};
use super::outbox::Change;
use super::{Feed, Prepared, UpsertCounts};
use crate::domain::model::{ArticleId, NewArticle};

/// An entry as a sync hands it to the store: its id on the server, and the article.
#[derive(Debug, Clone)]
pub struct SyncedEntry {
    pub remote_id: String,
    pub article: NewArticle,
}

/// The dedup key of account `account_id`'s entry `remote_id`.
fn entry_key(account_id: i64, remote_id: &str) -> String {
    format!("acct:{account_id}:entry:{remote_id}")
}

impl Accounts<'_> {
    /// Stores `entries` of `feed`, a feed of account `account_id`, in one transaction:
    /// known ones (by entry id) updated in place, others adopted or added. `live`, when
    /// the caller has every entry id the server has for this feed, lets an article whose
    /// entry id the server no longer has be adopted again by its link.
    pub fn upsert_entries(
        &self,
        account_id: i64,
        feed: &Feed,
        entries: &[SyncedEntry],
        added: Timestamp,
        live: Option<&HashSet<String>>,
    ) -> Result<(UpsertCounts, usize)> {
        let mut counts = UpsertCounts::default();
        let mut adopted = 0;
        let mut fresh = Vec::new();
        let tx = self.write()?;
        let before = super::fulltext::last_id(&tx)?;
        {
            let mut by_remote = tx.prepare_cached(
                "SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id
                 WHERE a.remote_id = ?1 AND f.account_id = ?2",
            )?;
            let mut by_url = tx.prepare_cached(
                "SELECT id, remote_id, read, starred FROM articles
                 WHERE feed_id = ?1 AND url = ?2",
            )?;
            let mut take = tx.prepare_cached("UPDATE articles SET remote_id = ?2 WHERE id = ?1")?;
            let codec = self.loaded_codec()?;
            let mut seen = HashSet::new();
            for entry in entries {
                if !seen.insert(entry.remote_id.as_str()) {
                    continue; // the same entry twice in one page
                }
                let mut row = Prepared::new(&entry.article, codec);
                row.dedup_key = entry_key(account_id, &entry.remote_id);
                row.feed_id = Some(feed.id);
                row.remote_id = Some(entry.remote_id.clone());
                let mut found: Option<i64> = by_remote
                    .query_row(params![entry.remote_id, account_id], |r| r.get(0))
                    .optional()?;
                if found.is_none()
                    && let Some(url) = &row.url
                {
                    let candidates: Vec<(i64, Option<String>, bool, bool)> = by_url
                        .query_map(params![feed.id, url], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                        })?
                        .collect::<rusqlite::Result<_>>()?;
                    let free: Vec<_> = candidates
                        .into_iter()
                        .filter(|(_, remote, _, _)| match (remote, live) {
                            (None, _) => true,
                            (Some(id), Some(live)) => !live.contains(id),
                            (Some(_), None) => false,
                        })
                        .collect();
                    if let [(id, _, read, starred)] = free[..] {
                        take.execute(params![id, entry.remote_id])?;
                        // What the person did here and the server does not know yet goes
                        // to it; what the server knows comes back with the reconciliation.
                        if read && !entry.article.read {
                            super::outbox::articles(&tx, &[ArticleId(id)], Change::Read)?;
                        }
                        if starred && !entry.article.starred {
                            super::outbox::articles(&tx, &[ArticleId(id)], Change::Star)?;
                        }
                        adopted += 1;
                        found = Some(id);
                    }
                }
                self.update_or_keep(&tx, found, &entry.article, row, &mut fresh, &mut counts)?;
            }
        }
        let full_text = feed.full_text.then_some(feed.id);
        counts.add(self.insert_fresh(&tx, &fresh, added, before, RulesOnNew::Now, full_text)?);
        tx.commit().context("saving the server's entries")?;
        Ok((counts, adopted))
    }
}
