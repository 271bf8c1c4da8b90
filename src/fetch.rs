//! Fetching subscriptions over HTTP and HTTPS (ureq with rustls: nothing to install):
//! several at once, each with a timeout, a size cap and a conditional request, so a feed
//! that has not changed costs one 304. Parsing happens on the fetching threads; the one
//! store connection writes.

use std::collections::VecDeque;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, anyhow};
use jiff::Timestamp;

use crate::import::feed;
use crate::model::NewArticle;
use crate::store::{Feed, Store, UpsertCounts};

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub jobs: usize,
    pub timeout: Duration,
    /// A response larger than this is refused.
    pub max_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            jobs: 4,
            timeout: Duration::from_secs(20),
            max_bytes: 16 * 1024 * 1024,
        }
    }
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
}

/// What the network half hands the store half.
enum Fetched {
    NotModified,
    Feed {
        articles: Vec<NewArticle>,
        title: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

fn agent(options: &Options) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("herald/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn fetch(agent: &ureq::Agent, feed: &Feed, options: &Options) -> Result<Fetched> {
    let mut request = agent.get(&feed.url);
    if let Some(etag) = &feed.etag {
        request = request.header("If-None-Match", etag);
    }
    if let Some(modified) = &feed.last_modified {
        request = request.header("If-Modified-Since", modified);
    }
    let mut response = request.call().map_err(|err| anyhow!("{err}"))?;
    let status = response.status().as_u16();
    if status == 304 {
        return Ok(Fetched::NotModified);
    }
    if !(200..300).contains(&status) {
        return Err(anyhow!("the server answered HTTP {status}"));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let bytes = response
        .body_mut()
        .with_config()
        .limit(options.max_bytes)
        .read_to_vec()
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => anyhow!(
                "the feed is larger than the {} MiB limit",
                options.max_bytes / (1024 * 1024)
            ),
            other => anyhow!("{other}"),
        })?;
    let mut parsed = feed::parse(&bytes, feed.name.as_deref())?;
    if parsed.dropped > 0 {
        log::warn!(
            "{}: {} items; kept the first {}",
            feed.url,
            parsed.items,
            parsed.items - parsed.dropped
        );
    }
    for article in &mut parsed.articles {
        for warning in crate::import::cap(article) {
            log::info!("{}: {}: {warning}", feed.url, article.title);
        }
    }
    Ok(Fetched::Feed {
        articles: parsed.articles,
        title: parsed.title,
        etag,
        last_modified,
    })
}

/// How many fetched items one store transaction takes at most.
const BATCH_ITEMS: usize = 2_000;

impl Fetched {
    fn items(&self) -> usize {
        match self {
            Fetched::NotModified => 0,
            Fetched::Feed { articles, .. } => articles.len(),
        }
    }
}

/// Stores what fetching one feed brought and records the outcome on the feed. A failure
/// to record is logged: the articles themselves are stored.
fn store_one(store: &Store, feed: Feed, result: Result<Fetched>, now: Timestamp) -> Report {
    let record = |etag: Option<&str>, modified: Option<&str>, error: Option<&str>| {
        if let Err(err) = store.record_fetch(feed.id, etag, modified, error, now) {
            log::warn!(
                "{}: recording the fetch failed: {}",
                feed.url,
                crate::message::error_chain(&err)
            );
        }
    };
    let outcome = match result {
        Ok(Fetched::NotModified) => {
            record(None, None, None);
            Outcome::NotModified
        }
        Ok(Fetched::Feed {
            articles,
            title,
            etag,
            last_modified,
        }) => match store.upsert(Some(&feed), &articles, now) {
            Ok(counts) => {
                record(etag.as_deref(), last_modified.as_deref(), None);
                if feed.name.is_none()
                    && let Some(title) = &title
                    && let Err(err) = store.name_feed(feed.id, title)
                {
                    log::warn!(
                        "{}: naming the feed failed: {}",
                        feed.url,
                        crate::message::error_chain(&err)
                    );
                }
                Outcome::Stored(counts)
            }
            Err(err) => Outcome::Failed(format!(
                "storing it failed: {}",
                crate::message::error_chain(&err)
            )),
        },
        Err(err) => {
            let reason = crate::message::error_chain(&err);
            record(None, None, Some(&reason));
            Outcome::Failed(reason)
        }
    };
    Report { feed, outcome }
}

/// Fetches `feeds`, `options.jobs` at a time, storing what arrives. `progress` hears of
/// each feed as it finishes (done so far, total, its report).
pub fn fetch_all(
    store: &Store,
    feeds: Vec<Feed>,
    options: Options,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize, &Report),
) -> Vec<Report> {
    let total = feeds.len();
    let queue = Arc::new(Mutex::new(feeds.into_iter().collect::<VecDeque<_>>()));
    let (sender, results) = channel();
    let agent = agent(&options);
    let mut workers = Vec::new();
    for _ in 0..options.jobs.clamp(1, 32).min(total.max(1)) {
        let queue = Arc::clone(&queue);
        let sender = sender.clone();
        let agent = agent.clone();
        workers.push(std::thread::spawn(move || {
            loop {
                let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                let Some(feed) = next else { break };
                let result = fetch(&agent, &feed, &options);
                if sender.send((feed, result)).is_err() {
                    break;
                }
            }
        }));
    }
    drop(sender);
    let mut reports = Vec::with_capacity(total);
    while let Ok(first) = results.recv() {
        // The feeds that have arrived meanwhile share one transaction (see Store::batch).
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
        let mut batch: Vec<Report> = Vec::with_capacity(ready.len());
        let committed = store.batch(|| {
            for (feed, result) in ready {
                batch.push(store_one(store, feed, result, now));
            }
            Ok(())
        });
        if let Err(err) = committed {
            for report in &mut batch {
                if matches!(report.outcome, Outcome::Stored(_)) {
                    report.outcome = Outcome::Failed(format!(
                        "storing it failed: {}",
                        crate::message::error_chain(&err)
                    ));
                }
            }
        }
        for report in batch {
            progress(reports.len() + 1, total, &report);
            reports.push(report);
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
    reports
}
