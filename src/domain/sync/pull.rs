//! A sync's pull: the account's feeds and folders brought in step with the server's,
//! then its entries stored by (account, entry id).
//!
//! A feed is the account's by its id on the server; a server feed herald does not know
//! by id is matched by its address to a feed of this account (kept as an archive, or
//! waiting to be pushed) or to a local one, never to another account's: two accounts
//! whose servers follow one address keep a feed each. A feed that joins the account
//! this way has its entries pulled whole, so its articles are matched to their entries
//! (store/entries.rs). A feed the server no longer lists is kept as an archive.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use jiff::Timestamp;

use super::outcome::Synced;
use super::server::{Budget, Mark, Server, ServerEntry};
use crate::domain::store::{Account, Feed, Store, SyncedEntry};

/// What the feeds' pull found for the entries' pull.
pub struct Pulled {
    /// The account's feeds, by their id on the server.
    feeds: HashMap<String, Feed>,
    /// Server feeds herald does not keep (an address it cannot use): their entries are
    /// dropped, never waited for.
    skipped: HashSet<String>,
    /// Feeds that joined the account in this sync (local ones, or archives that came
    /// back), with their server ids: their entries are pulled whole.
    joined: Vec<(Feed, String)>,
}

/// Brings the account's feeds in step with the server's.
pub fn pull_feeds(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    done: &mut Synced,
) -> Result<Pulled> {
    let remote = server.feeds()?;
    if remote.len() > super::miniflux::MAX_FEEDS {
        anyhow::bail!(
            "the server lists more than {} feeds",
            super::miniflux::MAX_FEEDS
        );
    }
    let (_, waiting_feeds) = store.accounts().waiting_items(account.id)?;
    let local = store.accounts().account_feeds(account.id)?;
    let mut pulled = Pulled {
        feeds: HashMap::new(),
        skipped: HashSet::new(),
        joined: Vec::new(),
    };
    for (feed, id) in &local {
        if let Some(id) = id {
            pulled.feeds.insert(id.clone(), feed.clone());
        }
    }
    let mut seen = HashSet::new();
    for theirs in &remote {
        seen.insert(theirs.id.clone());
        if !usable_url(&theirs.url) {
            log::warn!(
                "account {}: skipped the server's feed {}",
                account.name,
                theirs.id
            );
            pulled.skipped.insert(theirs.id.clone());
            continue;
        }
        let title = feed_name(&theirs.title, &theirs.url);
        if let Some(feed) = pulled.feeds.get(&theirs.id) {
            if !waiting_feeds.contains(&feed.id) {
                store
                    .accounts()
                    .apply_server_feed(feed.id, &title, &theirs.folders)?;
            }
            continue;
        }
        let feed = match store
            .accounts()
            .account_feed_by_url(account.id, &theirs.url)?
        {
            Some((feed, owner)) => {
                // A local feed, or this account's archive: it joins with its articles.
                // One waiting to be pushed is this one, already the account's.
                if owner.is_none() || store.accounts().feed_left(feed.id)? {
                    pulled.joined.push((feed.clone(), theirs.id.clone()));
                }
                store
                    .accounts()
                    .set_feed_account(feed.id, Some(account.id), Some(&theirs.id))?;
                feed
            }
            None => {
                done.feeds_added += 1;
                store
                    .accounts()
                    .add_server_feed(account.id, &theirs.url, &title, &theirs.id)?
            }
        };
        store
            .accounts()
            .apply_server_feed(feed.id, &title, &theirs.folders)?;
        pulled.feeds.insert(theirs.id.clone(), feed);
    }
    // Gone from the server, and not waiting to be pushed: unsubscribed elsewhere, or a
    // server that lost its list. Kept, with every article, as an archive.
    let had = local.iter().filter(|(_, id)| id.is_some()).count();
    let now = Timestamp::now().as_second();
    for (feed, id) in &local {
        let Some(id) = id else { continue };
        if !seen.contains(id) && !waiting_feeds.contains(&feed.id) {
            store.accounts().archive_server_feed(feed.id, now)?;
            pulled.feeds.remove(id);
            done.feeds_removed += 1;
        }
    }
    if had > 1 && done.feeds_removed == had {
        done.warnings.push(format!(
            "the server no longer lists any of the account's {had} feeds; herald keeps \
             all {had}, with every article, as archives (they come back with their \
             articles if the server lists them again; `herald feed remove` clears one)"
        ));
    }
    // The names as stored now, for the articles' source.
    let all = store.feeds().list()?;
    for feed in pulled
        .feeds
        .values_mut()
        .chain(pulled.joined.iter_mut().map(|j| &mut j.0))
    {
        if let Some(now) = all.iter().find(|f| f.id == feed.id) {
            *feed = now.clone();
        }
    }
    Ok(pulled)
}

/// Pulls the entries: those of feeds that joined, whole, then the new and changed ones
/// since the account's mark, which moves past what was stored.
pub fn pull_entries(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    pulled: &Pulled,
    budget: &mut Budget,
    done: &mut Synced,
) -> Result<()> {
    let mut adopted = 0;
    let mut sink = |entries: Vec<ServerEntry>| -> Result<Vec<String>> {
        let mut by_feed: HashMap<&str, Vec<SyncedEntry>> = HashMap::new();
        let mut left = Vec::new();
        for entry in entries {
            let Some(remote_id) = entry.article.guid.clone() else {
                continue;
            };
            let Some(feed) = pulled.feeds.get(&entry.feed_id) else {
                // A feed herald skips: dropped. A feed the server listed after herald
                // asked: asked for again next time.
                if !pulled.skipped.contains(&entry.feed_id) {
                    left.push(remote_id);
                }
                continue;
            };
            let mut article = entry.article;
            article.source = feed.name.clone().unwrap_or_else(|| feed.url.clone());
            let key = pulled
                .feeds
                .get_key_value(&entry.feed_id)
                .map_or("", |(k, _)| k.as_str());
            by_feed
                .entry(key)
                .or_default()
                .push(SyncedEntry { remote_id, article });
        }
        let now = Timestamp::now();
        store.batch(|| {
            for (feed_id, entries) in &by_feed {
                if let Some(feed) = pulled.feeds.get(*feed_id) {
                    let (counts, took) = store
                        .accounts()
                        .upsert_entries(account.id, feed, entries, now, None)?;
                    done.new += counts.new;
                    done.updated += counts.updated;
                    adopted += took;
                }
            }
            Ok(())
        })?;
        Ok(left)
    };
    // A feed that joined: its entries whole, where the mark would not bring them (they
    // are older than it), or where it came back and its articles hold entry ids the
    // server may have replaced: those it no longer has are forgotten first, so the
    // articles are matched by link to the new entries.
    for (feed, remote) in &pulled.joined {
        let old_ids = store.accounts().feed_has_remote_ids(feed.id)?;
        if account.last_entry.is_none() && !old_ids {
            continue; // the first pull brings every entry anyway
        }
        if old_ids {
            let mut listed = |_: Vec<ServerEntry>| -> Result<Vec<String>> { Ok(Vec::new()) };
            if let Some(live) = server.feed_entries(remote, budget, &mut listed)? {
                store.accounts().forget_gone_entries(feed.id, &live)?;
            }
        }
        server.feed_entries(remote, budget, &mut sink)?;
    }
    let known: HashSet<String> = store
        .accounts()
        .account_articles(account.id)?
        .into_iter()
        .filter_map(|a| a.remote_id)
        .collect();
    let mark = Mark {
        since: account.synced_until,
        last: account.last_entry,
    };
    let next = server.pull(mark, &|id| known.contains(id), budget, &mut sink)?;
    store
        .accounts()
        .set_synced_until(account.id, next.since, next.last)?;
    done.adopted += adopted;
    Ok(())
}

/// A server's feed title as a feed's name: printable, one line, at most 200 characters;
/// its address when it has none.
pub(super) fn feed_name(title: &str, url: &str) -> String {
    let spaced: String = title
        .chars()
        .map(|c| {
            if crate::domain::text::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let name: String = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let name: String = name.chars().take(200).collect();
    if name.is_empty() {
        url.to_owned()
    } else {
        name
    }
}

/// Whether the server's feed address is one herald can keep: http(s), no white space or
/// control characters, not absurdly long.
pub(super) fn usable_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && url.len() <= 4096
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_servers_feed_titles_and_addresses_are_made_safe() {
        assert_eq!(
            feed_name("  Harbour\u{1b}[31m  Wire\n", "u"),
            "Harbour [31m Wire"
        );
        assert_eq!(
            feed_name("\u{202e}", "https://x.example/"),
            "https://x.example/"
        );
        assert_eq!(feed_name(&"w".repeat(10_000), "u").chars().count(), 200);
        assert!(usable_url("https://example.org/feed.xml"));
        for bad in [
            "file:///etc/passwd",
            "https://a b",
            "javascript:alert(1)",
            "https://x\n",
        ] {
            assert!(!usable_url(bad), "{bad}");
        }
        assert!(!usable_url(&format!("https://{}", "a".repeat(5000))));
    }
}
