//! One sync of an account, whatever its server's protocol ([`Server`]): push the outbox
//! (feed changes in order, then each article's last read and star state, in batches,
//! each batch deleted from the outbox once the server has it), pull the feeds and
//! folders, pull the new and changed entries (paged, stored through the store's normal
//! insert path), then reconcile the server's unread and starred ID lists with the store.
//! A local change not yet pushed wins over the server's state; otherwise the server wins.
//!
//! Stopped anywhere (the server gone, the network down), nothing is lost: what was not
//! pushed stays in the outbox, and the pull's mark moves only after a pull that
//! finished, so the next sync does the rest.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::greader::GReader;
use super::miniflux::Client;
use super::miniflux_server::Miniflux;
use super::server::{Mark, Server};
use crate::domain::store::{Account, AccountKind, Change, Feed, Pending, ServerFlags, Store};

/// How many outbox rows one push batch takes.
const PUSH_BATCH: usize = 1000;

/// What one sync did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    /// Outbox rows the server now has.
    pub pushed: usize,
    /// Feeds added and removed because the server had them, or no longer had them.
    pub feeds_added: usize,
    pub feeds_removed: usize,
    /// Entries pulled: new articles, and articles updated.
    pub new: usize,
    pub updated: usize,
    /// Articles whose read or starred state the server changed.
    pub flags: usize,
}

/// Syncs `account`, whose secret is `secret`. The error names the account.
pub fn sync(store: &Store, account: &Account, secret: String, timeout: Duration) -> Result<Synced> {
    let result =
        connect(account, secret, timeout).and_then(|server| run(store, account, server.as_ref()));
    let now = Timestamp::now().as_second();
    let recorded = match &result {
        Ok(_) => store.record_sync(account.id, now, None),
        Err(err) => store.record_sync(account.id, now, Some(&format!("{err:#}"))),
    };
    let done = result.with_context(|| format!("account {}", account.name))?;
    recorded.with_context(|| format!("account {}: saving how the sync went", account.name))?;
    Ok(done)
}

fn connect(account: &Account, secret: String, timeout: Duration) -> Result<Box<dyn Server>> {
    Ok(match account.kind {
        AccountKind::Miniflux => Box::new(Miniflux::new(Client::new(account, secret, timeout))),
        AccountKind::GReader => Box::new(GReader::login(account, &secret, timeout)?),
    })
}

/// Pushes, then pulls, through `server`.
pub fn run(store: &Store, account: &Account, server: &dyn Server) -> Result<Synced> {
    let mut done = Synced::default();
    push(store, account, server, &mut done).context("pushing local changes")?;
    let feeds = pull_feeds(store, account, server, &mut done).context("pulling the feeds")?;
    pull_entries(store, account, server, &feeds, &mut done).context("pulling the entries")?;
    reconcile(store, account, server, &mut done).context("reconciling read and starred")?;
    Ok(done)
}

fn push(store: &Store, account: &Account, server: &dyn Server, done: &mut Synced) -> Result<()> {
    loop {
        let batch = store.pending(account.id, PUSH_BATCH)?;
        if batch.is_empty() {
            return Ok(());
        }
        // Feed changes in order, each marked done as it lands.
        for change in batch.iter().filter(|p| p.article.is_none()) {
            push_feed_change(store, account, server, change)?;
            store.pushed(&[change.id])?;
            done.pushed += 1;
        }
        // Each article's last state in the batch: the form sent is absolute, so sending
        // it again after a failure changes nothing.
        let mut read: HashMap<String, bool> = HashMap::new();
        let mut starred: HashMap<String, bool> = HashMap::new();
        let mut ids = Vec::new();
        for change in batch.iter().filter(|p| p.article.is_some()) {
            ids.push(change.id);
            let Some(remote) = change.remote_id.clone() else {
                continue; // an article the server never sent: nothing to tell it
            };
            match change.change {
                Change::Read => read.insert(remote, true),
                Change::Unread => read.insert(remote, false),
                Change::Star => starred.insert(remote, true),
                Change::Unstar => starred.insert(remote, false),
                _ => None,
            };
        }
        let with = |map: &HashMap<String, bool>, value: bool| -> Vec<String> {
            map.iter()
                .filter(|e| *e.1 == value)
                .map(|e| e.0.clone())
                .collect()
        };
        for value in [true, false] {
            let these = with(&read, value);
            if !these.is_empty() {
                server.set_read(&these, value)?;
            }
            let these = with(&starred, value);
            if !these.is_empty() {
                server.set_starred(&these, value)?;
            }
        }
        store.pushed(&ids)?;
        done.pushed += ids.len();
    }
}

fn push_feed_change(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    change: &Pending,
) -> Result<()> {
    let Some(feed_id) = change.feed else {
        return Ok(());
    };
    // The feed's server id now (a subscription pushed earlier in this sync has one).
    let current = store.feed_account(feed_id)?;
    let remote: Option<String> = change
        .remote_id
        .clone()
        .or_else(|| current.as_ref().and_then(|c| c.1.clone()));
    let value = change.value.as_deref();
    match (change.change, remote) {
        (Change::Subscribe, None) => {
            if current.is_none() {
                return Ok(()); // unsubscribed since
            }
            let url = value.unwrap_or_default();
            let tags = store.tags_of(feed_id)?;
            let id = server
                .subscribe(url, tags.first().map(String::as_str))
                .with_context(|| refused_subscription(url))?;
            store.set_feed_account(feed_id, Some(account.id), Some(&id))?;
        }
        (Change::Unsubscribe, Some(remote)) => server.unsubscribe(&remote)?,
        (Change::Rename, Some(remote)) => {
            if let Some(title) = value {
                server.rename(&remote, title)?;
            }
        }
        (Change::Tag | Change::Untag, Some(remote)) => {
            // One folder per feed on these servers: the feed's first tag, else the
            // default.
            let tags = store.tags_of(feed_id)?;
            server.move_to(&remote, tags.first().map(String::as_str))?;
        }
        // Already there, never there, or not a feed change.
        _ => {}
    }
    Ok(())
}

fn refused_subscription(url: &str) -> String {
    format!("subscribing to {url} (it waits in the outbox; `herald feed remove {url}` drops it)")
}

/// A server's feed title as a feed's name: printable, one line, at most 200 characters;
/// its address when it has none.
fn feed_name(title: &str, url: &str) -> String {
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
fn usable_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && url.len() <= 4096
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Brings the account's feeds in step with the server's; returns them by server id.
fn pull_feeds(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    done: &mut Synced,
) -> Result<HashMap<String, Feed>> {
    let remote = server.feeds()?;
    if remote.len() > super::miniflux::MAX_FEEDS {
        anyhow::bail!(
            "the server lists more than {} feeds",
            super::miniflux::MAX_FEEDS
        );
    }
    let (_, waiting_feeds) = store.waiting_items(account.id)?;
    let local = store.account_feeds(account.id)?;
    let mut by_remote: HashMap<String, Feed> = HashMap::new();
    for (feed, id) in &local {
        if let Some(id) = id {
            by_remote.insert(id.clone(), feed.clone());
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
            continue;
        }
        let title = feed_name(&theirs.title, &theirs.url);
        let tag = theirs.folder.as_deref();
        if let Some(feed) = by_remote.get(&theirs.id) {
            if !waiting_feeds.contains(&feed.id) {
                store.apply_server_feed(feed.id, &title, tag)?;
            }
            continue;
        }
        let feed = match store.feed_by_url(&theirs.url)? {
            Some(feed) => match store.feed_account(feed.id)? {
                // A local feed, or this account's waiting to be pushed: it is this one.
                None => feed,
                Some((owner, _)) if owner == account.id => feed,
                Some(_) => continue, // another account's
            },
            None => {
                done.feeds_added += 1;
                store.add_server_feed(account.id, &theirs.url, &title, &theirs.id)?
            }
        };
        store.set_feed_account(feed.id, Some(account.id), Some(&theirs.id))?;
        store.apply_server_feed(feed.id, &title, tag)?;
        by_remote.insert(theirs.id.clone(), feed);
    }
    // Gone from the server, and not waiting to be pushed: unsubscribed elsewhere.
    for (feed, id) in &local {
        let Some(id) = id else { continue };
        if !seen.contains(id) && !waiting_feeds.contains(&feed.id) {
            store.remove_server_feed(feed.id)?;
            by_remote.remove(id);
            done.feeds_removed += 1;
        }
    }
    // The names as stored now, for the articles' source.
    let all = store.feeds()?;
    for feed in by_remote.values_mut() {
        if let Some(now) = all.iter().find(|f| f.id == feed.id) {
            *feed = now.clone();
        }
    }
    Ok(by_remote)
}

fn pull_entries(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    feeds: &HashMap<String, Feed>,
    done: &mut Synced,
) -> Result<()> {
    let known: HashSet<String> = store
        .account_articles(account.id)?
        .into_iter()
        .filter_map(|a| a.remote_id)
        .collect();
    let mark = Mark {
        since: account.synced_until,
        last: account.last_entry,
    };
    let mut store_page = |entries: Vec<super::server::ServerEntry>| -> Result<Vec<String>> {
        let mut by_feed: HashMap<&str, Vec<_>> = HashMap::new();
        let mut left = Vec::new();
        for entry in &entries {
            let Some(feed) = feeds.get(&entry.feed_id) else {
                left.extend(entry.article.guid.clone());
                continue;
            };
            let mut article = entry.article.clone();
            article.source = feed.name.clone().unwrap_or_else(|| feed.url.clone());
            by_feed
                .entry(entry.feed_id.as_str())
                .or_default()
                .push(article);
        }
        let now = Timestamp::now();
        store.batch(|| {
            for (feed_id, articles) in &by_feed {
                if let Some(feed) = feeds.get(*feed_id) {
                    let counts = store.upsert(Some(feed), articles, now)?;
                    done.new += counts.new;
                    done.updated += counts.updated;
                }
            }
            Ok(())
        })?;
        Ok(left)
    };
    let next = server.pull(mark, &|id| known.contains(id), &mut store_page)?;
    store.set_synced_until(account.id, next.since, next.last)?;
    Ok(())
}

fn reconcile(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    done: &mut Synced,
) -> Result<()> {
    let unread = server.unread_ids()?;
    let starred = server.starred_ids()?;
    let (waiting, _) = store.waiting_items(account.id)?;
    let mut flags = Vec::new();
    for article in store.account_articles(account.id)? {
        if waiting.contains(&article.id) {
            continue; // a local change not pushed yet wins
        }
        // Server ids are numbers (Miniflux's, and the Google Reader API's short form):
        // an article kept from before its feed joined the account has the feed's guid.
        let Some(remote) = article
            .remote_id
            .as_ref()
            .filter(|r| r.parse::<i64>().is_ok())
        else {
            continue;
        };
        let read = !unread.contains(remote);
        let star = starred.contains(remote);
        if read != article.read || star != article.starred {
            flags.push(ServerFlags {
                id: article.id,
                read: Some(read).filter(|r| *r != article.read),
                starred: Some(star).filter(|s| *s != article.starred),
            });
        }
    }
    done.flags = store.apply_server_flags(&flags)?;
    Ok(())
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
