//! One refresh, whoever asks for it: `herald fetch`, `herald sync`, `R` and the reader's
//! schedule all run [`refresh`], and only the way each shows the [`Summary`] differs.
//!
//! The steps, in order: fetch the local feeds (rules run on the new items at the end of
//! the fetch), sync the accounts (push, pull, reconcile), fetch the full articles waiting
//! (new items of full-text feeds, fetched and synced alike), apply retention, and run
//! the `after_fetch` command when new articles came. A step that fails is one of the
//! summary's failures; the steps after it still run.

use std::time::Duration;

use jiff::Timestamp;

use crate::domain::fetch::{self, Options, PageReport};
use crate::domain::message::error_chain;
use crate::domain::store::{Account, Feed, Store};
use crate::domain::sync::{self, Synced};

/// Which local feeds a refresh fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feeds {
    None,
    All,
    /// Those whose schedule says they are due.
    Due,
    /// These, by id (the reader's `r` on one feed).
    Only(Vec<i64>),
}

/// Which accounts a refresh syncs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accounts {
    None,
    All,
    /// Those a refresh after their last attempt.
    Due,
    Named(String),
}

/// What to refresh, and how.
#[derive(Debug, Clone)]
pub struct Plan {
    pub feeds: Feeds,
    pub accounts: Accounts,
    /// Jobs, timeouts, the per-host limit, the refresh and the retention: the config's.
    pub options: Options,
    /// The config's `after_fetch` command; empty for none.
    pub after_fetch: Vec<String>,
    /// Keep the new articles' pictures for offline reading, in the cache of this many
    /// megabytes beside the store; `None` when pictures are off.
    pub pictures: Option<u64>,
}

/// The most pictures one refresh fetches ahead, newest articles first: a refresh of
/// thousands of new items does not fetch thousands of pictures (the rest come when an
/// article is opened).
pub const PREFETCH_PICTURES: usize = 60;
/// The most new articles whose pictures one refresh looks at.
const PREFETCH_ARTICLES: usize = 200;

/// How far a refresh has come, for a progress bar or a status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Feeds { done: usize, total: usize },
    Account { done: usize, total: usize },
    Pages { done: usize, total: usize },
}

/// How one account's sync went.
#[derive(Debug, Clone)]
pub struct AccountOutcome {
    pub name: String,
    pub result: Result<Synced, String>,
    /// Changes still waiting for the next sync.
    pub waiting: usize,
}

/// What a refresh did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Each local feed fetched.
    pub feeds: Vec<fetch::Report>,
    /// Feeds not asked: their server's Retry-After still runs.
    pub held: Vec<Feed>,
    pub accounts: Vec<AccountOutcome>,
    pub pages: Vec<PageReport>,
    /// Articles past the retention limits, deleted.
    pub pruned: usize,
    /// New articles' pictures fetched and kept for offline reading.
    pub pictures: usize,
    /// Whether the `after_fetch` command was started.
    pub after_fetch: bool,
    /// Steps that failed as a whole (reading what to fetch, the pages, retention, the
    /// `after_fetch` command), each in words.
    pub failures: Vec<String>,
}

impl Summary {
    /// New articles, from feeds and accounts.
    pub fn new_articles(&self) -> usize {
        let feeds: usize = self.feeds.iter().map(|r| r.stored().0).sum();
        let synced: usize = self.synced().map(|s| s.new).sum();
        feeds + synced
    }

    pub fn updated(&self) -> usize {
        let feeds: usize = self.feeds.iter().map(|r| r.stored().1).sum();
        let synced: usize = self.synced().map(|s| s.updated).sum();
        feeds + synced
    }

    /// Changes the servers took.
    pub fn pushed(&self) -> usize {
        self.synced().map(|s| s.pushed).sum()
    }

    fn synced(&self) -> impl Iterator<Item = &Synced> {
        self.accounts.iter().filter_map(|a| a.result.as_ref().ok())
    }

    /// Whether there was anything to refresh at all.
    pub fn asked(&self) -> bool {
        !self.feeds.is_empty() || !self.accounts.is_empty()
    }

    /// Every failure and warning, one line each, naming its feed, account or page: what
    /// the reader's fetch log keeps.
    pub fn problems(&self) -> Vec<String> {
        self.problems_by_feed().into_iter().map(|p| p.1).collect()
    }

    /// As [`Summary::problems`], each with its feed's id when it is a feed's.
    pub fn problems_by_feed(&self) -> Vec<(Option<i64>, String)> {
        let mut lines = Vec::new();
        for report in &self.feeds {
            if let fetch::Outcome::Failed(reason) = &report.outcome {
                lines.push((
                    Some(report.feed.id),
                    format!("{}: {reason}", report.label()),
                ));
            }
        }
        for account in &self.accounts {
            match &account.result {
                Ok(done) => lines.extend(
                    done.warnings
                        .iter()
                        .map(|w| (None, format!("account {}: {w}", account.name))),
                ),
                Err(err) => lines.push((
                    None,
                    format!("{err} ({} changes wait for the next sync)", account.waiting),
                )),
            }
        }
        for page in &self.pages {
            if let fetch::PageOutcome::Failed(reason) = &page.outcome {
                lines.push((None, format!("{}: full article: {reason}", page.page.title)));
            }
        }
        lines.extend(self.failures.iter().map(|f| (None, f.clone())));
        lines
    }
}

/// Runs `plan` against `store`; `progress` hears how far it has come. Never fails as a
/// whole: what failed is in the summary.
pub fn refresh(store: &Store, plan: &Plan, progress: &mut dyn FnMut(Progress)) -> Summary {
    let now = Timestamp::now();
    let mut summary = Summary::default();
    let before = fetch::after::newest_id(store).unwrap_or(0);
    let options = plan.options;

    // Local feeds.
    match feeds_to_fetch(store, &plan.feeds, now) {
        Ok(feeds) => {
            let (held, feeds): (Vec<Feed>, Vec<Feed>) =
                feeds.into_iter().partition(|f| fetch::held_back(f, now));
            summary.held = held;
            if !feeds.is_empty() {
                summary.feeds =
                    fetch::fetch_all(store, feeds, options, now, &mut |done, total, _| {
                        progress(Progress::Feeds { done, total })
                    });
            }
        }
        Err(err) => summary
            .failures
            .push(format!("reading the feeds to fetch: {}", error_chain(&err))),
    }

    // Accounts: each on its own, a failure named and recorded.
    match accounts_to_sync(store, &plan.accounts, now, options.refresh) {
        Ok(accounts) => {
            let total = accounts.len();
            for (done, account) in accounts.iter().enumerate() {
                progress(Progress::Account { done, total });
                summary
                    .accounts
                    .push(sync_one(store, account, options.timeout));
            }
        }
        Err(err) => summary.failures.push(format!(
            "reading the accounts to sync: {}",
            error_chain(&err)
        )),
    }

    // The full articles of new items of full-text feeds, local and synced alike.
    match fetch::fetch_waiting(store, options, now, &mut |done, total, _| {
        progress(Progress::Pages { done, total })
    }) {
        Ok(pages) => summary.pages = pages,
        Err(err) => summary
            .failures
            .push(format!("full articles: {}", error_chain(&err))),
    }

    // The new articles' pictures, kept beside the store so they show offline.
    if let (Some(cap_mb), Some(path)) = (plan.pictures, store.path()) {
        match prefetch_pictures(store, path, cap_mb, before, options) {
            Ok(kept) => summary.pictures = kept,
            Err(err) => summary
                .failures
                .push(format!("keeping pictures: {}", error_chain(&err))),
        }
    }

    // Retention, with each feed's own limits.
    match fetch::prune_after(store, &options, now) {
        Ok(pruned) => summary.pruned = pruned,
        Err(err) => summary
            .failures
            .push(format!("pruning after the fetch: {}", error_chain(&err))),
    }

    // The person's command, when new articles came.
    let new = summary.new_articles();
    if !plan.after_fetch.is_empty() && new > 0 {
        let failed = summary.feeds.iter().filter(|r| r.failed()).count()
            + summary
                .accounts
                .iter()
                .filter(|a| a.result.is_err())
                .count();
        let brought = fetch::after::new_titles(store, before).and_then(|titles| {
            fetch::after::run(
                &plan.after_fetch,
                &fetch::after::Brought {
                    new,
                    updated: summary.updated(),
                    failed,
                    titles,
                },
            )
        });
        match brought {
            Ok(started) => summary.after_fetch = started,
            Err(err) => summary.failures.push(error_chain(&err)),
        }
    }
    // The fetch log, kept in the store: the reader's `L` shows it, whoever ran this.
    if let Err(err) = store
        .maintenance()
        .log_failures(now.as_second(), &summary.problems_by_feed())
    {
        log::error!("keeping the fetch log: {}", error_chain(&err));
    }
    summary
}

/// Fetches and keeps the pictures of the articles stored after `before`, newest first,
/// at most [`PREFETCH_PICTURES`], through the pictures' polite fetch (per-host limits,
/// Retry-After, caps) and decoding bounds; returns how many were kept.
fn prefetch_pictures(
    store: &Store,
    path: &std::path::Path,
    cap_mb: u64,
    before: i64,
    options: Options,
) -> anyhow::Result<usize> {
    use crate::domain::images;
    let cache = images::Cache::beside(path, cap_mb);
    let mut left = PREFETCH_PICTURES;
    let mut kept = 0;
    for id in store
        .articles()
        .ids_after(crate::domain::model::ArticleId(before), PREFETCH_ARTICLES)?
    {
        if left == 0 {
            break;
        }
        let Some(article) = store.articles().article(id)? else {
            continue;
        };
        let urls: Vec<String> = images::figures(&article)
            .into_iter()
            .filter_map(|f| f.url)
            .filter(|url| !cache.contains(url))
            .take(left)
            .collect();
        left -= urls.len();
        images::load(
            &urls,
            id,
            Some(&cache),
            options,
            false,
            &mut |url, got| match got {
                Ok(_) => kept += 1,
                Err(err) => log::info!("{url}: not kept: {err:#}"),
            },
        );
    }
    Ok(kept)
}

fn feeds_to_fetch(store: &Store, which: &Feeds, now: Timestamp) -> anyhow::Result<Vec<Feed>> {
    Ok(match which {
        Feeds::None => Vec::new(),
        Feeds::All => store.feeds().list()?,
        Feeds::Due => store.feeds().due_feeds(now)?,
        Feeds::Only(ids) => store
            .feeds()
            .list()?
            .into_iter()
            .filter(|f| ids.contains(&f.id))
            .collect(),
    }
    .into_iter()
    // An account's feeds come in by its sync, never fetched by herald.
    .filter(|f| f.account_id.is_none())
    .collect())
}

fn accounts_to_sync(
    store: &Store,
    which: &Accounts,
    now: Timestamp,
    refresh: Duration,
) -> anyhow::Result<Vec<Account>> {
    Ok(match which {
        Accounts::None => Vec::new(),
        Accounts::All => store.accounts().list()?,
        Accounts::Due => store.accounts().accounts_due(now, refresh)?,
        Accounts::Named(name) => match store.accounts().account(name)? {
            Some(account) => vec![account],
            None => anyhow::bail!("no account {name}; `herald account list` shows them"),
        },
    })
}

/// Syncs one account. Whatever failed (the secret, the server), the attempt is recorded,
/// so the account is due again a refresh later, never at once in a loop.
fn sync_one(store: &Store, account: &Account, timeout: Duration) -> AccountOutcome {
    let result = sync::secret::secret(account)
        .and_then(|secret| sync::sync(store, account, secret, timeout));
    let result = match result {
        Ok(done) => Ok(done),
        Err(err) => {
            let at = Timestamp::now().as_second();
            if let Err(record) =
                store
                    .accounts()
                    .record_sync(account.id, at, Some(&format!("{err:#}")))
            {
                log::error!("recording {}'s failed sync: {record:#}", account.name);
            }
            log::warn!("syncing {}: {err:#}", account.name);
            Err(format!("{err:#}"))
        }
    };
    let waiting = store
        .accounts()
        .account_counts(account.id)
        .map_or(0, |(_, w)| w);
    AccountOutcome {
        name: account.name.clone(),
        result,
        waiting,
    }
}
