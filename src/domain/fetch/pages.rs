//! Full articles for feeds that carry only a teaser: the pages of the items waiting
//! for theirs (or of one article, asked for with `x`) fetched as feeds are, several at
//! once and at most `per_host` at once from one host, naming herald, with the timeout
//! and size cap; each page's article extracted on the fetching thread
//! (`domain/extract`) and stored by the calling thread, which owns the store. A server
//! that answers 429 or 503 with Retry-After is asked nothing more in this run: its
//! pages stay waiting for the next.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::Options;
use super::hosts::{Addressed, Pool, Refusals};
use super::http::{self, Refused};
use crate::domain::extract::extract;
use crate::domain::model::{ArticleId, NewArticle};
use crate::domain::store::{Kept, Store, Waiting};

/// The most pages one fetch asks for; the rest wait for the next.
pub const MAX_PAGES: usize = 100;

/// No page is started after this long: 100 pages of one slow host, two at a time,
/// could otherwise hold a fetch for half an hour. The rest wait for the next fetch.
pub const MAX_RUN: Duration = Duration::from_secs(120);

/// What fetching one article's page came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOutcome {
    /// The body is the full article now, of this many words.
    Stored(usize),
    /// The feed's text stays, for this reason (recorded on the article).
    Failed(String),
    /// Not asked now (its server asked to wait); it waits for a fetch after the wait.
    Deferred(String),
}

#[derive(Debug, Clone)]
pub struct PageReport {
    pub page: Waiting,
    pub outcome: PageOutcome,
}

impl Addressed for Waiting {
    fn address(&self) -> &str {
        &self.url
    }
}

/// What a fetching thread hands the storing one.
enum Got {
    Article(Box<NewArticle>),
    Failed(String),
    /// The server asked to wait this long (for this page or another of its host's).
    Deferred(String, Duration),
    /// Not asked in this run, for this reason; it waits for the next.
    Later(String),
}

/// Fetches the pages of the items waiting for them, up to [`MAX_PAGES`], newest first.
/// `progress` hears of each page as it is stored (done so far, total, its report).
pub fn fetch_waiting(
    store: &Store,
    options: Options,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize, &PageReport),
) -> Result<Vec<PageReport>> {
    let waiting = store.articles().due_full_texts(MAX_PAGES, now)?;
    Ok(fetch_pages(store, waiting, options, now, progress))
}

/// Fetches the page of article `id` (`x` in the reader), whatever its feed's setting.
pub fn fetch_one(
    store: &Store,
    id: ArticleId,
    options: Options,
    now: Timestamp,
) -> Result<PageReport> {
    let summary = store
        .articles()
        .summary(id)?
        .with_context(|| format!("article {id} is no longer in the store"))?;
    let url = summary
        .url
        .context("the article has no address to fetch its page from")?;
    let page = Waiting {
        id,
        url,
        title: summary.title,
    };
    fetch_pages(store, vec![page], options, now, &mut |_, _, _| {})
        .pop()
        .context("fetching the page gave no answer")
}

/// Fetches `pages`, stores what each gives, and reports each; none is started after
/// [`MAX_RUN`].
pub fn fetch_pages(
    store: &Store,
    pages: Vec<Waiting>,
    options: Options,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize, &PageReport),
) -> Vec<PageReport> {
    fetch_pages_within(store, pages, options, now, MAX_RUN, progress)
}

/// As [`fetch_pages`], starting no page after `budget`.
pub fn fetch_pages_within(
    store: &Store,
    pages: Vec<Waiting>,
    options: Options,
    now: Timestamp,
    budget: Duration,
    progress: &mut dyn FnMut(usize, usize, &PageReport),
) -> Vec<PageReport> {
    let deadline = std::time::Instant::now() + budget;
    let total = pages.len();
    let agent = http::agent(&options);
    let refusals = Arc::new(Refusals::default());
    let pool = Pool::start(
        pages,
        options.per_host,
        options.jobs.clamp(1, 32),
        move |page: &Waiting, slot| {
            let fetched = if std::time::Instant::now() >= deadline {
                Err(Got::Later("the fetch's time for pages ran out".into()))
            } else if let Some(wait) = refusals.wait_for(slot.host()) {
                Err(Got::Deferred("its server asked to wait".into(), wait))
            } else {
                http::page(&agent, &page.url, &options).map_err(|err| {
                    match err.downcast_ref::<Refused>() {
                        Some(r) => {
                            refusals.note(slot.host(), r.wait);
                            Got::Deferred(r.to_string(), r.wait)
                        }
                        None => Got::Failed(crate::domain::message::error_chain(&err)),
                    }
                })
            };
            // The host's turn ends with the network: extracting does not hold it.
            drop(slot);
            match fetched {
                Ok(text) => match extract(&text, &page.url) {
                    Ok(extracted) => Got::Article(Box::new(extracted.article)),
                    Err(failure) => Got::Failed(failure.to_string()),
                },
                Err(got) => got,
            }
        },
    );
    let mut reports = Vec::with_capacity(total);
    while let Ok((page, got)) = pool.results.recv() {
        let outcome = store_page(store, &page, got, now);
        let report = PageReport { page, outcome };
        progress(reports.len() + 1, total, &report);
        reports.push(report);
    }
    pool.finish();
    reports
}

/// Stores what one page gave, or records why it gave nothing.
fn store_page(store: &Store, page: &Waiting, got: Got, now: Timestamp) -> PageOutcome {
    let outcome = match got {
        Got::Article(article) => match store.articles().store_full_text(page.id, &article, now) {
            Ok(Kept::Stored(words)) => return PageOutcome::Stored(words),
            Ok(Kept::NotLonger { page, feed }) => {
                return PageOutcome::Failed(format!(
                    "the page's text ({page} words) is no longer than the feed's ({feed}): \
                     a paywall or a teaser?"
                ));
            }
            Err(err) => PageOutcome::Failed(format!(
                "storing it failed: {}",
                crate::domain::message::error_chain(&err)
            )),
        },
        Got::Failed(reason) => PageOutcome::Failed(reason),
        Got::Deferred(reason, wait) => {
            let until = now
                .checked_add(jiff::SignedDuration::try_from(wait).unwrap_or_default())
                .unwrap_or(now);
            if let Err(err) = store.articles().defer_full_text(page.id, until) {
                log::error!("{}: recording the wait: {err:#}", page.url);
            }
            return PageOutcome::Deferred(reason);
        }
        Got::Later(reason) => return PageOutcome::Deferred(reason),
    };
    if let PageOutcome::Failed(reason) = &outcome {
        log::warn!("{}: full article: {reason}", page.url);
        if let Err(err) = store
            .articles()
            .record_full_text_failure(page.id, reason, now)
        {
            log::error!("{}: recording the failure: {err:#}", page.url);
        }
    }
    outcome
}
