//! Fetching subscriptions over HTTP and HTTPS (ureq with rustls: nothing to install):
//! several at once, each with a timeout, a size cap and a conditional request, so a feed
//! that has not changed costs one 304. Parsing happens on the fetching threads; the one
//! store connection writes. `pages` fetches the full articles of teaser-only feeds the
//! same way.

pub mod after;
mod hosts;
mod http;
mod pages;
mod pictures;

use std::time::Duration;

use anyhow::Result;
#[cfg(test)]
use anyhow::anyhow;
use jiff::Timestamp;

use crate::domain::store::{Attempt, Feed, Feeds, Store, UpsertCounts};
pub use hosts::host_of;
use http::Fetched;
pub(crate) use http::agent;
pub use http::{MAX_RETRY_AFTER, Refused, USER_AGENT, retry_after};
pub use pages::{
    MAX_PAGES, MAX_RUN, PageOutcome, PageReport, fetch_one, fetch_pages, fetch_pages_within,
    fetch_waiting,
};
pub use pictures::{MAX_PICTURE_BYTES, fetch_pictures};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub jobs: usize,
    pub timeout: Duration,
    /// A response larger than this, counted after decompression, is refused.
    pub max_bytes: u64,
    /// At most this many requests at once to one host, whatever `jobs` is.
    pub per_host: usize,
    /// How long after a fetch a feed without its own refresh is due again.
    pub refresh: Duration,
    /// The config's retention, applied after a fetch (with each feed's own limits).
    pub retention: crate::domain::store::Retention,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            jobs: 4,
            timeout: Duration::from_secs(20),
            max_bytes: 16 * 1024 * 1024,
            per_host: 2,
            refresh: Duration::from_secs(30 * 60),
            retention: crate::domain::store::Retention::default(),
        }
    }
}

/// Applies the retention limits after a fetch, when there are any: the config's in
/// `options` or a feed's own. Returns how many articles went.
pub fn prune_after(store: &Store, options: &Options, now: Timestamp) -> Result<usize> {
    let global = options.retention;
    if global == crate::domain::store::Retention::default()
        && !store.feeds().has_feed_retention()?
    {
        return Ok(0);
    }
    Ok(store.maintenance().prune(&global, now, false)?.total())
}

/// What fetching one feed came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server said 304: nothing new since the last fetch.
    NotModified,
    Stored(UpsertCounts),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct Report {
    pub feed: Feed,
    pub outcome: Outcome,
}

impl Report {
    /// The feed's name for messages: its own name, else its url.
    pub fn label(&self) -> &str {
        self.feed.name.as_deref().unwrap_or(&self.feed.url)
    }

    /// New and updated articles it stored.
    pub fn stored(&self) -> (usize, usize) {
        match &self.outcome {
            Outcome::Stored(c) => (c.new, c.updated),
            _ => (0, 0),
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
    }
}

/// How many fetched items one store transaction takes at most.
const BATCH_ITEMS: usize = 2_000;

/// Stores what fetching one feed brought and records the outcome on the feed. Every
/// store write that fails is logged and makes the outcome a failure that says what was
/// stored and what was not: a store that cannot record its fetches (a full disk, a
/// read-only file) needs attention, even when the articles went in.
fn store_one(
    feeds: &Feeds,
    feed: Feed,
    result: Result<Fetched>,
    now: Timestamp,
    refresh: Duration,
) -> Report {
    let mut failed_writes: Vec<String> = Vec::new();
    let mut write = |what: &str, done: Result<()>| {
        if let Err(err) = done {
            let reason = format!(
                "{what} failed: {}",
                crate::domain::message::error_chain(&err)
            );
            log::error!("{}: {reason}", feed.url);
            failed_writes.push(reason);
        }
    };
    let outcome = match result {
        Ok(Fetched::NotModified) => {
            write(
                "recording the fetch",
                feeds.record_fetch(feed.id, None, None, None, now),
            );
            write(
                "scheduling the next fetch",
                feeds.schedule(&feed, Attempt::Succeeded, refresh, now),
            );
            Outcome::NotModified
        }
        Ok(Fetched::Feed {
            articles,
            title,
            etag,
            last_modified,
        }) => match feeds.upsert(Some(&feed), &articles, now) {
            Ok(counts) => {
                write(
                    "recording the fetch",
                    feeds.record_fetch(
                        feed.id,
                        etag.as_deref(),
                        last_modified.as_deref(),
                        None,
                        now,
                    ),
                );
                if feed.name.is_none()
                    && let Some(title) = &title
                {
                    write("naming the feed", feeds.name_feed(feed.id, title));
                }
                write(
                    "scheduling the next fetch",
                    feeds.schedule(&feed, Attempt::Succeeded, refresh, now),
                );
                Outcome::Stored(counts)
            }
            Err(err) => {
                let reason = format!(
                    "storing it failed: {}",
                    crate::domain::message::error_chain(&err)
                );
                log::error!("{}: {reason}", feed.url);
                Outcome::Failed(reason)
            }
        },
        Err(err) => {
            let reason = crate::domain::message::error_chain(&err);
            write(
                "recording the error",
                feeds.record_fetch(feed.id, None, None, Some(&reason), now),
            );
            let attempt = match err.downcast_ref::<Refused>() {
                Some(refused) => Attempt::Refused(refused.wait),
                None => Attempt::Failed,
            };
            write(
                "scheduling the next fetch",
                feeds.schedule(&feed, attempt, refresh, now),
            );
            Outcome::Failed(reason)
        }
    };
    let outcome = if failed_writes.is_empty() {
        outcome
    } else {
        Outcome::Failed(with_failed_writes(&outcome, &failed_writes.join("; ")))
    };
    Report { feed, outcome }
}

/// The words for `outcome` followed by store writes that failed after it.
fn with_failed_writes(outcome: &Outcome, failed: &str) -> String {
    match outcome {
        Outcome::NotModified => format!("not modified, but {failed}"),
        Outcome::Stored(c) => format!(
            "{} new and {} updated stored, but {failed}",
            c.new, c.updated
        ),
        Outcome::Failed(reason) => format!("{reason}; {failed}"),
    }
}

/// Stores the feeds that have arrived together in one transaction (see
/// [`Store::batch`]). When the transaction cannot commit, nothing of it was written:
/// every feed in it has failed to store.
fn store_arrived(
    feeds: &Feeds,
    arrived: Vec<(Feed, Result<Fetched>)>,
    now: Timestamp,
    refresh: Duration,
) -> Vec<Report> {
    let mut batch: Vec<Report> = Vec::with_capacity(arrived.len());
    let committed = feeds.batch(|| {
        for (feed, result) in arrived {
            batch.push(store_one(feeds, feed, result, now, refresh));
        }
        Ok(())
    });
    if let Err(err) = committed {
        let failed = format!(
            "storing it failed: {}",
            crate::domain::message::error_chain(&err)
        );
        log::error!("{failed} ({} feeds)", batch.len());
        for report in &mut batch {
            report.outcome = Outcome::Failed(match &report.outcome {
                Outcome::Failed(reason) => format!("{reason}; {failed}"),
                _ => failed.clone(),
            });
        }
    }
    batch
}

/// Whether `feed`'s server asked not to be asked before a time still ahead of `now`.
pub fn held_back(feed: &Feed, now: Timestamp) -> bool {
    feed.retry_after.is_some_and(|t| t > now.as_second())
}

/// Fetches `feeds`, `options.jobs` at a time and at most `options.per_host` at once from
/// one host, storing what arrives and scheduling each feed's next fetch. A feed inside
/// its server's Retry-After is never asked: it is left out, with no report (callers
/// that want to say so check [`held_back`] first). `progress` hears of each feed as it
/// finishes (done so far, total, its report).
pub fn fetch_all(
    store: &Store,
    feeds: Vec<Feed>,
    options: Options,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize, &Report),
) -> Vec<Report> {
    // An account's feeds are fetched by its server and come in through `herald sync`.
    let synced = store.accounts().synced_feed_ids().unwrap_or_default();
    let feeds = feeds.into_iter().filter(|f| !synced.contains(&f.id));
    let (held, feeds): (Vec<Feed>, Vec<Feed>) = feeds.partition(|f| held_back(f, now));
    for feed in &held {
        log::info!(
            "{}: not asked: its server's Retry-After runs until {}",
            feed.url,
            feed.retry_after.unwrap_or_default()
        );
    }
    let total = feeds.len();
    let agent = http::agent(&options);
    let pool = hosts::Pool::start(
        feeds,
        options.per_host,
        options.jobs.clamp(1, 32),
        // The slot is held to the end: storing happens on the calling thread.
        move |feed, _slot| http::fetch(&agent, feed, &options),
    );
    let results = &pool.results;
    let mut reports = Vec::with_capacity(total);
    let before = store.articles().last_article_id().ok();
    // The rules wait for the end of the fetch: see `Feeds::deferring_rules`.
    let deferring = store.feeds().deferring_rules();
    while let Ok(first) = results.recv() {
        // The feeds that have arrived meanwhile share one transaction.
        let mut ready = vec![first];
        let mut items = ready[0].1.as_ref().map_or(0, Fetched::items);
        while items < BATCH_ITEMS {
            match results.try_recv() {
                Ok(next) => {
                    items += next.1.as_ref().map_or(0, Fetched::items);
                    ready.push(next);
                }
                Err(_) => break,
            }
        }
        for report in store_arrived(&deferring, ready, now, options.refresh) {
            progress(reports.len() + 1, total, &report);
            reports.push(report);
        }
    }
    // The rules, once over every feed's new articles. Should this fail, the store keeps
    // where they start, and the next write applies them.
    if let Err(err) = store.rules().apply_pending() {
        log::error!(
            "applying the rules after the fetch: {}",
            crate::domain::message::error_chain(&err)
        );
    }
    pool.finish();
    // "New" counts what is stored: not what a delete rule took at once.
    if let Some(before) = before {
        for report in &mut reports {
            if let Outcome::Stored(counts) = &mut report.outcome
                && counts.new > 0
                && let Ok(kept) = store.articles().feed_articles_after(report.feed.id, before)
            {
                counts.new = counts.new.min(kept);
            }
        }
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;

    const REFRESH: Duration = Duration::from_secs(1800);

    fn now() -> Timestamp {
        Timestamp::from_second(1_750_000_000).unwrap()
    }

    fn fetched(titles: &[&str]) -> Fetched {
        Fetched::Feed {
            articles: titles
                .iter()
                .map(|t| NewArticle {
                    guid: Some((*t).to_owned()),
                    title: (*t).to_owned(),
                    paragraphs: vec![format!("Text of {t}.")],
                    ..Default::default()
                })
                .collect(),
            title: Some("Harbour feed".into()),
            etag: Some("\"v1\"".into()),
            last_modified: None,
        }
    }

    /// A store whose feed rows cannot be written: the items go in, the record of the
    /// fetch does not.
    fn store_that_cannot_record() -> (Store, Feed) {
        let store = Store::open_in_memory().unwrap();
        let feed = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        store
            .connection()
            .execute_batch(
                "CREATE TEMP TRIGGER no_record BEFORE UPDATE ON main.feeds
                 BEGIN SELECT RAISE(ABORT, 'the feed row cannot be written'); END;",
            )
            .unwrap();
        (store, feed)
    }

    fn failure(report: &Report) -> &str {
        match &report.outcome {
            Outcome::Failed(reason) => reason,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn stored_items_whose_fetch_cannot_be_recorded_are_reported() {
        let (store, feed) = store_that_cannot_record();
        let report = store_one(
            &store.feeds(),
            feed,
            Ok(fetched(&["One", "Two"])),
            now(),
            REFRESH,
        );
        let reason = failure(&report);
        assert!(reason.contains("2 new"), "{reason}");
        assert!(reason.contains("cannot be written"), "{reason}");
        assert_eq!(store.articles().count().unwrap(), 2, "the items are stored");
    }

    #[test]
    fn a_not_modified_feed_whose_fetch_cannot_be_recorded_is_reported() {
        let (store, feed) = store_that_cannot_record();
        let report = store_one(
            &store.feeds(),
            feed,
            Ok(Fetched::NotModified),
            now(),
            REFRESH,
        );
        assert!(failure(&report).contains("cannot be written"));
    }

    #[test]
    fn a_failed_fetch_that_cannot_be_recorded_says_both() {
        let (store, feed) = store_that_cannot_record();
        let report = store_one(
            &store.feeds(),
            feed,
            Err(anyhow!("the server answered HTTP 500")),
            now(),
            REFRESH,
        );
        let reason = failure(&report);
        assert!(reason.contains("HTTP 500"), "{reason}");
        assert!(reason.contains("cannot be written"), "{reason}");
    }

    #[test]
    fn a_read_only_store_fails_every_feed_it_could_not_write() {
        let store = Store::open_in_memory().unwrap();
        let feed = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        store
            .connection()
            .pragma_update(None, "query_only", true)
            .unwrap();
        for result in [Ok(Fetched::NotModified), Ok(fetched(&["One"]))] {
            let report = store_one(&store.feeds(), feed.clone(), result, now(), REFRESH);
            assert!(
                failure(&report).contains("readonly"),
                "{:?}",
                report.outcome
            );
        }
    }

    #[test]
    fn a_fetch_that_stores_and_records_is_stored() {
        let store = Store::open_in_memory().unwrap();
        let feed = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let report = store_one(&store.feeds(), feed, Ok(fetched(&["One"])), now(), REFRESH);
        assert!(matches!(report.outcome, Outcome::Stored(c) if c.new == 1));
        let feed = store
            .feeds()
            .feed_by_url("https://a.example/rss")
            .unwrap()
            .unwrap();
        assert_eq!(feed.etag.as_deref(), Some("\"v1\""));
        assert_eq!(feed.name.as_deref(), Some("Harbour feed"));
    }

    /// Feeds stored together whose transaction cannot commit: nothing of theirs was
    /// written, the not-modified one's record included.
    #[test]
    fn a_batch_that_cannot_commit_fails_every_feed_in_it() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let b = store
            .feeds()
            .add_feed("https://b.example/rss", None)
            .unwrap();
        let c = store
            .feeds()
            .add_feed("https://c.example/rss", None)
            .unwrap();
        // A deferred constraint that every record of a fetch breaks: checked at commit.
        store
            .connection()
            .execute_batch(
                "CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY);
                 CREATE TEMP TABLE child (parent INTEGER
                     REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                 CREATE TEMP TRIGGER broken AFTER UPDATE ON main.feeds
                 BEGIN INSERT INTO child (parent) VALUES (7); END;",
            )
            .unwrap();
        let reports = store_arrived(
            &store.feeds(),
            vec![
                (a, Ok(Fetched::NotModified)),
                (b, Ok(fetched(&["One"]))),
                (c, Err(anyhow!("the server answered HTTP 500"))),
            ],
            now(),
            REFRESH,
        );
        for report in &reports {
            assert!(
                failure(report).contains("storing it failed"),
                "{:?}",
                report.outcome
            );
        }
        assert!(failure(&reports[2]).contains("HTTP 500"));
        assert_eq!(store.articles().count().unwrap(), 0);
    }
}
