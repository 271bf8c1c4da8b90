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
            parsed.dropped + parsed.articles.len(),
            parsed.articles.len()
        );
    }
    for article in &mut parsed.articles {
        crate::import::cap(article);
    }
    Ok(Fetched::Feed {
        articles: parsed.articles,
        title: parsed.title,
        etag,
        last_modified,
    })
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
    for (feed, result) in results {
        let outcome = match result {
            Ok(Fetched::NotModified) => {
                let _ = store.record_fetch(feed.id, None, None, None, now);
                Outcome::NotModified
            }
            Ok(Fetched::Feed {
                articles,
                title,
                etag,
                last_modified,
            }) => match store.upsert(Some(&feed), &articles, now) {
                Ok(counts) => {
                    let _ = store.record_fetch(
                        feed.id,
                        etag.as_deref(),
                        last_modified.as_deref(),
                        None,
                        now,
                    );
                    if feed.name.is_none()
                        && let Some(title) = &title
                    {
                        let _ = store.name_feed(feed.id, title);
                    }
                    Outcome::Stored(counts)
                }
                Err(err) => Outcome::Failed(format!("storing it failed: {err:#}")),
            },
            Err(err) => {
                let reason = format!("{err:#}");
                let _ = store.record_fetch(feed.id, None, None, Some(&reason), now);
                Outcome::Failed(reason)
            }
        };
        let report = Report { feed, outcome };
        progress(reports.len() + 1, total, &report);
        reports.push(report);
    }
    for worker in workers {
        let _ = worker.join();
    }
    reports
}
