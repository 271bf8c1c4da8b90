//! One sync of a Miniflux account: push the outbox (feed changes in order, then each
//! article's last read and star state, in batches, each batch deleted from the outbox
//! once the server has it), pull the feeds and folders, pull the entries changed since
//! the last sync (paged, stored through the store's normal insert path), then reconcile
//! the server's unread and starred ID lists with the store. A local change not yet
//! pushed wins over the server's state; otherwise the server wins.
//!
//! Stopped anywhere (the server gone, the network down), nothing is lost: what was not
//! pushed stays in the outbox, and the pull's high-water mark moves only after a pull
//! that finished, so the next sync does the rest.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;

use super::entry;
use super::miniflux::{self, Category, Client, PAGE};
use crate::domain::model::NewArticle;
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
    let result = run(store, account, secret, timeout);
    let now = Timestamp::now().as_second();
    let recorded = match &result {
        Ok(_) => store.record_sync(account.id, now, None),
        Err(err) => store.record_sync(account.id, now, Some(&format!("{err:#}"))),
    };
    let done = result.with_context(|| format!("account {}", account.name))?;
    recorded.with_context(|| format!("account {}: saving how the sync went", account.name))?;
    Ok(done)
}

fn run(store: &Store, account: &Account, secret: String, timeout: Duration) -> Result<Synced> {
    if account.kind != AccountKind::Miniflux {
        bail!("syncing with the Google Reader API is not built yet; only --kind miniflux syncs");
    }
    let client = Client::new(account, secret, timeout);
    let mut done = Synced::default();
    push(store, account, &client, &mut done).context("pushing local changes")?;
    let feeds = pull_feeds(store, account, &client, &mut done).context("pulling the feeds")?;
    pull_entries(store, account, &client, &feeds, &mut done).context("pulling the entries")?;
    reconcile(store, account, &client, &mut done).context("reconciling read and starred")?;
    Ok(done)
}

fn push(store: &Store, account: &Account, client: &Client, done: &mut Synced) -> Result<()> {
    let mut categories: Option<Vec<Category>> = None;
    loop {
        let batch = store.pending(account.id, PUSH_BATCH)?;
        if batch.is_empty() {
            return Ok(());
        }
        // Feed changes in order, each marked done as it lands.
        for change in batch.iter().filter(|p| p.article.is_none()) {
            push_feed_change(store, account, client, change, &mut categories)?;
            store.pushed(&[change.id])?;
            done.pushed += 1;
        }
        // Each article's last state in the batch: the form sent is absolute, so sending
        // it again after a failure changes nothing.
        let mut read: HashMap<i64, bool> = HashMap::new();
        let mut starred: HashMap<i64, bool> = HashMap::new();
        let mut ids = Vec::new();
        for change in batch.iter().filter(|p| p.article.is_some()) {
            ids.push(change.id);
            let Some(remote) = change.remote_id.as_deref().and_then(|r| r.parse().ok()) else {
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
        for value in [true, false] {
            let these: Vec<i64> = read
                .iter()
                .filter(|e| *e.1 == value)
                .map(|e| *e.0)
                .collect();
            if !these.is_empty() {
                client.set_read(&these, value)?;
            }
            let these: Vec<i64> = starred
                .iter()
                .filter(|e| *e.1 == value)
                .map(|e| *e.0)
                .collect();
            if !these.is_empty() {
                client.set_starred(&these, value)?;
            }
        }
        store.pushed(&ids)?;
        done.pushed += ids.len();
    }
}

/// The category titled `title`, made when the server has none.
fn category(
    client: &Client,
    cache: &mut Option<Vec<Category>>,
    title: Option<&str>,
) -> Result<i64> {
    let all = match cache {
        Some(all) => all,
        None => cache.insert(client.categories()?),
    };
    let Some(title) = title else {
        return Ok(all.first().map_or(0, |c| c.id));
    };
    if let Some(found) = all.iter().find(|c| c.title == title) {
        return Ok(found.id);
    }
    let made = client.create_category(title)?;
    all.push(made.clone());
    Ok(made.id)
}

fn push_feed_change(
    store: &Store,
    account: &Account,
    client: &Client,
    change: &Pending,
    categories: &mut Option<Vec<Category>>,
) -> Result<()> {
    let Some(feed_id) = change.feed else {
        return Ok(());
    };
    // The feed's server id now (a subscription pushed earlier in this sync has one).
    let current = store.feed_account(feed_id)?;
    let remote: Option<i64> = change
        .remote_id
        .clone()
        .or_else(|| current.as_ref().and_then(|c| c.1.clone()))
        .and_then(|r| r.parse().ok());
    let value = change.value.as_deref();
    match change.change {
        Change::Subscribe => {
            if current.is_none() || remote.is_some() {
                return Ok(()); // unsubscribed since, or already there
            }
            let url = value.unwrap_or_default();
            let tags = store.tags_of(feed_id)?;
            let cat = category(client, categories, tags.first().map(String::as_str))?;
            let id = match client.create_feed(url, cat) {
                Ok(id) => id,
                Err(err) if miniflux::is_status(&err, 400) => {
                    // Already there (subscribed on another device): adopt it.
                    match client.feeds()?.into_iter().find(|f| f.feed_url == url) {
                        Some(found) => found.id,
                        None => return Err(err).with_context(|| refused_subscription(url)),
                    }
                }
                Err(err) => return Err(err).with_context(|| refused_subscription(url)),
            };
            store.set_feed_account(feed_id, Some(account.id), Some(&id.to_string()))?;
        }
        Change::Unsubscribe => {
            if let Some(remote) = remote {
                client.delete_feed(remote)?;
            }
        }
        Change::Rename => {
            if let Some(remote) = remote {
                client.update_feed(remote, value, None)?;
            }
        }
        Change::Tag | Change::Untag => {
            if let Some(remote) = remote {
                // A Miniflux feed is in one category: the feed's first tag, else the
                // first category.
                let tags = store.tags_of(feed_id)?;
                let cat = category(client, categories, tags.first().map(String::as_str))?;
                client.update_feed(remote, None, Some(cat))?;
            }
        }
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
    client: &Client,
    done: &mut Synced,
) -> Result<HashMap<i64, Feed>> {
    let remote = client.feeds()?;
    let (_, waiting_feeds) = store.waiting_items(account.id)?;
    let local = store.account_feeds(account.id)?;
    let mut by_remote: HashMap<i64, Feed> = HashMap::new();
    for (feed, id) in &local {
        if let Some(id) = id.as_deref().and_then(|i| i.parse().ok()) {
            by_remote.insert(id, feed.clone());
        }
    }
    let mut seen = HashSet::new();
    for server in &remote {
        seen.insert(server.id);
        if !usable_url(&server.feed_url) {
            log::warn!(
                "account {}: skipped the server's feed {}",
                account.name,
                server.id
            );
            continue;
        }
        let title = feed_name(&server.title, &server.feed_url);
        let tag = server
            .category
            .as_ref()
            .map(|c| c.title.as_str())
            .filter(|t| *t != "All");
        if let Some(feed) = by_remote.get(&server.id) {
            if !waiting_feeds.contains(&feed.id) {
                store.apply_server_feed(feed.id, &title, tag)?;
            }
            continue;
        }
        let feed = match store.feed_by_url(&server.feed_url)? {
            Some(feed) => match store.feed_account(feed.id)? {
                // A local feed, or this account's waiting to be pushed: it is this one.
                None => feed,
                Some((owner, _)) if owner == account.id => feed,
                Some(_) => continue, // another account's
            },
            None => {
                done.feeds_added += 1;
                store.add_server_feed(
                    account.id,
                    &server.feed_url,
                    &title,
                    &server.id.to_string(),
                )?
            }
        };
        store.set_feed_account(feed.id, Some(account.id), Some(&server.id.to_string()))?;
        store.apply_server_feed(feed.id, &title, tag)?;
        by_remote.insert(server.id, feed);
    }
    // Gone from the server, and not waiting to be pushed: unsubscribed elsewhere.
    for (feed, id) in &local {
        let Some(id) = id.as_deref().and_then(|i| i.parse::<i64>().ok()) else {
            continue;
        };
        if !seen.contains(&id) && !waiting_feeds.contains(&feed.id) {
            store.remove_server_feed(feed.id)?;
            by_remote.remove(&id);
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
    client: &Client,
    feeds: &HashMap<i64, Feed>,
    done: &mut Synced,
) -> Result<()> {
    let last = account.last_entry.unwrap_or(0);
    let mut mark = Mark {
        newest: account.synced_until.unwrap_or(0),
        last,
        skipped: None,
    };
    // New entries by id, then (after a first sync) the older ones changed since the last
    // sync. changed_after is strict: an entry changed in the same second as the newest
    // one seen, after this pull read it, has its read and starred state brought by the
    // reconciliation; only a change of its text waits for its next change.
    pull_pages(store, client, feeds, done, &mut mark, (0, last, None))?;
    if let Some(since) = account.synced_until {
        pull_pages(
            store,
            client,
            feeds,
            done,
            &mut mark,
            (since, 0, Some(last + 1)),
        )?;
    }
    // An entry of a feed this sync did not know (added on the server meanwhile) is
    // asked for again next time.
    let last = match mark.skipped {
        Some(skipped) => mark.last.min(skipped - 1),
        None => mark.last,
    };
    store.set_synced_until(account.id, mark.newest, last)?;
    Ok(())
}

/// How far a pull went: the newest change and the highest entry id seen, and the
/// lowest id of an entry left for want of its feed.
struct Mark {
    newest: i64,
    last: i64,
    skipped: Option<i64>,
}

/// Every page of `(changed_after, after_id, before_id)`, stored feed by feed.
fn pull_pages(
    store: &Store,
    client: &Client,
    feeds: &HashMap<i64, Feed>,
    done: &mut Synced,
    mark: &mut Mark,
    (since, mut after_id, before): (i64, i64, Option<i64>),
) -> Result<()> {
    for _ in 0..miniflux::MAX_IDS / PAGE {
        let page = client.changed_entries(since, after_id, before)?;
        let count = page.entries.len();
        let mut by_feed: HashMap<i64, Vec<NewArticle>> = HashMap::new();
        for entry in &page.entries {
            after_id = after_id.max(entry.id);
            mark.last = mark.last.max(entry.id);
            if let Some(at) = entry::changed_at(entry) {
                mark.newest = mark.newest.max(at);
            }
            let Some(feed) = feeds.get(&entry.feed_id) else {
                mark.skipped = Some(mark.skipped.map_or(entry.id, |s| s.min(entry.id)));
                continue;
            };
            let source = feed.name.as_deref().unwrap_or(&feed.url);
            by_feed
                .entry(entry.feed_id)
                .or_default()
                .push(entry::article(entry, source));
        }
        let now = Timestamp::now();
        store.batch(|| {
            for (feed_id, articles) in &by_feed {
                if let Some(feed) = feeds.get(feed_id) {
                    let counts = store.upsert(Some(feed), articles, now)?;
                    done.new += counts.new;
                    done.updated += counts.updated;
                }
            }
            Ok(())
        })?;
        if count < PAGE {
            return Ok(());
        }
    }
    bail!(
        "the server has more than {} changed entries",
        miniflux::MAX_IDS
    )
}

fn reconcile(store: &Store, account: &Account, client: &Client, done: &mut Synced) -> Result<()> {
    let unread: HashSet<i64> = client.ids("status=unread")?.into_iter().collect();
    let starred: HashSet<i64> = client.ids("starred=true")?.into_iter().collect();
    let (waiting, _) = store.waiting_items(account.id)?;
    let mut flags = Vec::new();
    for article in store.account_articles(account.id)? {
        if waiting.contains(&article.id) {
            continue; // a local change not pushed yet wins
        }
        let Some(remote) = article
            .remote_id
            .as_deref()
            .and_then(|r| r.parse::<i64>().ok())
        else {
            continue;
        };
        let read = !unread.contains(&remote);
        let star = starred.contains(&remote);
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
