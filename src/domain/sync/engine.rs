//! One sync of an account, whatever its server's protocol ([`Server`]): push the outbox
//! (feed changes in order, then each article's last read and star state, in batches,
//! each batch deleted from the outbox once the server has it), pull the feeds and
//! folders (`pull.rs`), pull the new and changed entries (paged, stored by entry id),
//! then reconcile the server's unread and starred ID lists with the store. A local
//! change not yet pushed wins over the server's state; otherwise the server wins.
//!
//! Stopped anywhere (the server gone, the network down), nothing is lost: what was not
//! pushed stays in the outbox, and the pull's mark moves only past what was stored, so
//! the next sync does the rest. A sync is bounded in time and in entries ([`Budget`]).
//! A server answer never deletes an article: a feed that leaves the account is kept as
//! an archive.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::greader::GReader;
use super::miniflux::Client;
use super::miniflux_server::Miniflux;
use super::outcome::Synced;
use super::pull::{pull_entries, pull_feeds};
use super::server::{Budget, Server};
use crate::domain::store::{Account, AccountKind, Change, Pending, ServerFlags, Store};

/// How many outbox rows one push batch takes.
const PUSH_BATCH: usize = 1000;
/// How long one sync's pull may run, and how many entries it may take: past either it
/// stops with a message, and the next sync goes on from there.
pub const SYNC_TIME: Duration = Duration::from_secs(15 * 60);
pub const SYNC_ENTRIES: usize = 100_000;

/// Syncs `account`, whose secret is `secret`. The error names the account.
pub fn sync(store: &Store, account: &Account, secret: String, timeout: Duration) -> Result<Synced> {
    let mut budget = Budget::new(SYNC_TIME, SYNC_ENTRIES);
    let result = connect(account, secret, timeout)
        .and_then(|server| run(store, account, server.as_ref(), &mut budget));
    let now = Timestamp::now().as_second();
    let recorded = match &result {
        Ok(_) => store.accounts().record_sync(account.id, now, None),
        Err(err) => store
            .accounts()
            .record_sync(account.id, now, Some(&format!("{err:#}"))),
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

/// Pushes, then pulls, through `server`, within `budget`.
pub fn run(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    budget: &mut Budget,
) -> Result<Synced> {
    let mut done = Synced::default();
    push(store, account, server, &mut done).context("pushing local changes")?;
    let pulled = pull_feeds(store, account, server, &mut done).context("pulling the feeds")?;
    pull_entries(store, account, server, &pulled, budget, &mut done)
        .context("pulling the entries")?;
    if let Some(reason) = &budget.stopped {
        done.warnings.push(format!(
            "the pull stopped early: {reason}; what it stored is kept, and the next sync \
             goes on from there"
        ));
    }
    reconcile(store, account, server, &mut done).context("reconciling read and starred")?;
    for warning in &done.warnings {
        log::warn!("account {}: {warning}", account.name);
    }
    Ok(done)
}

fn push(store: &Store, account: &Account, server: &dyn Server, done: &mut Synced) -> Result<()> {
    let mut after = 0;
    // Feeds whose subscription the server refused: their later changes wait with it.
    let mut refused: HashSet<i64> = HashSet::new();
    loop {
        let batch = store
            .accounts()
            .pending_after(account.id, after, PUSH_BATCH)?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.id;
        // Feed changes in order, each marked done as it lands.
        for change in batch.iter().filter(|p| p.article.is_none()) {
            if change.feed.is_some_and(|f| refused.contains(&f)) {
                continue;
            }
            match push_feed_change(store, server, change, done) {
                Ok(()) => {
                    store.accounts().pushed(&[change.id])?;
                    done.pushed += 1;
                }
                Err(err) if change.change == Change::Subscribe && is_refusal(&err) => {
                    // One refused subscription does not hold up the rest: it waits in
                    // the outbox, said each sync, until it is removed.
                    refused.extend(change.feed);
                    done.warnings.push(format!("{err:#}"));
                }
                Err(err) => return Err(err),
            }
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
        // Only these rows, by ids never reused: a change made meanwhile stays.
        store.accounts().pushed(&ids)?;
        done.pushed += ids.len();
    }
}

/// Whether `err` is the server refusing this one request (a 4xx other than a refused
/// sign-in or a rate limit, which hold for every request).
fn is_refusal(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<super::miniflux::Status>())
        .any(|s| (400..500).contains(&s.code) && ![401, 403, 429].contains(&s.code))
}

fn push_feed_change(
    store: &Store,
    server: &dyn Server,
    change: &Pending,
    done: &mut Synced,
) -> Result<()> {
    let Some(feed_id) = change.feed else {
        return Ok(());
    };
    // The feed's server id now (a subscription pushed earlier in this sync has one).
    let current = store.accounts().feed_account(feed_id)?;
    let remote: Option<String> = change
        .remote_id
        .clone()
        .or_else(|| current.as_ref().and_then(|c| c.1.clone()));
    let value = change.value.as_deref();
    match (change.change, remote) {
        (Change::Subscribe, None) => {
            let Some((account_id, _)) = current else {
                return Ok(()); // unsubscribed since
            };
            let url = value.unwrap_or_default();
            let folders = folders_to_send(store, server, feed_id, change, done)?;
            let id = server
                .subscribe(url, &folders)
                .with_context(|| refused_subscription(url))?;
            store
                .accounts()
                .set_feed_account(feed_id, Some(account_id), Some(&id))?;
            store.accounts().pushed_folders(feed_id, &folders)?;
        }
        (Change::Unsubscribe, Some(remote)) => server.unsubscribe(&remote)?,
        (Change::Rename, Some(remote)) => {
            if let Some(title) = value {
                server.rename(&remote, title)?;
            }
        }
        (Change::Tag | Change::Untag, Some(remote)) => {
            let folders = folders_to_send(store, server, feed_id, change, done)?;
            server.set_folders(&remote, &folders)?;
            store.accounts().pushed_folders(feed_id, &folders)?;
        }
        // Already there, never there, or not a feed change.
        _ => {}
    }
    Ok(())
}

/// The folders to give a feed on its server after `change`: all its tags, or, where a
/// feed has one folder (Miniflux's category), the tag just given, else the category it
/// has unless that tag was just taken away. Tags a one-folder server cannot hold stay
/// in herald, and the person is told which became the category.
fn folders_to_send(
    store: &Store,
    server: &dyn Server,
    feed_id: i64,
    change: &Pending,
    done: &mut Synced,
) -> Result<Vec<String>> {
    let tags = store.feeds().tags_of(feed_id)?;
    if !server.one_folder() {
        return Ok(tags);
    }
    let value = change.value.as_ref();
    let current = store.accounts().remote_folders(feed_id)?.into_iter().next();
    let chosen = match change.change {
        Change::Tag => value.filter(|v| tags.contains(v)).cloned(),
        _ => current.filter(|c| tags.contains(c)),
    }
    .or_else(|| tags.first().cloned());
    if let Some(category) = &chosen
        && tags.len() > 1
    {
        let others: Vec<&str> = tags
            .iter()
            .filter(|t| *t != category)
            .map(String::as_str)
            .collect();
        let name = store
            .feeds()
            .list()?
            .into_iter()
            .find(|f| f.id == feed_id)
            .map(|f| f.name.unwrap_or(f.url))
            .unwrap_or_default();
        done.warnings.push(format!(
            "{name}: the server keeps one category per feed: `{category}` is its category; \
             the other tags ({}) stay in herald only",
            others.join(", ")
        ));
    }
    Ok(chosen.into_iter().collect())
}

fn refused_subscription(url: &str) -> String {
    format!("subscribing to {url} (it waits in the outbox; `herald feed remove {url}` drops it)")
}

fn reconcile(
    store: &Store,
    account: &Account,
    server: &dyn Server,
    done: &mut Synced,
) -> Result<()> {
    let unread = server.unread_ids()?;
    let starred = server.starred_ids()?;
    let (waiting, _) = store.accounts().waiting_items(account.id)?;
    let mut flags = Vec::new();
    for article in store.accounts().account_articles(account.id)? {
        if waiting.contains(&article.id) {
            continue; // a local change not pushed yet wins
        }
        // Only an article the server knows by its entry id.
        let Some(remote) = article.remote_id.as_ref() else {
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
    done.flags = store.accounts().apply_server_flags(&flags)?;
    Ok(())
}
