//! The threads that work beside the event loop: the search worker and feed fetches, each
//! with its own store connection, reporting back on the loop's channel.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;

use super::event::Event;
use super::worker::SearchRequest;
use crate::app::Report;
use crate::domain::store::Store;

/// Full articles being fetched for `x`: at most the per-host limit at once, so a key
/// held down cannot send a site a burst of requests (or start a thread per press).
static FULL_TEXTS_UNDER_WAY: AtomicUsize = AtomicUsize::new(0);

/// One of [`FULL_TEXTS_UNDER_WAY`], given back when dropped, a panic included.
struct UnderWay;

impl Drop for UnderWay {
    fn drop(&mut self) {
        FULL_TEXTS_UNDER_WAY.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The threads that work beside the event loop, each with its own store connection.
pub struct Background {
    pub search: Sender<SearchRequest>,
    /// The views to count for the sources pane; only the newest request is worked on.
    pub counts: Sender<Vec<(u8, crate::domain::search::Query)>>,
    pub store_path: std::path::PathBuf,
    pub events: Sender<Event>,
    /// How fetches run: jobs, timeout, the per-host limit, the config's refresh.
    pub fetch: crate::domain::fetch::Options,
    /// Saves read and starred marks and positions off the loop's thread; `None`: the
    /// loop saves them itself.
    pub writer: Option<super::writer::Writer>,
    /// The config's `after_fetch` command (empty: none), run when a fetch brought new
    /// articles.
    pub after_fetch: Vec<String>,
    /// Draws the open article's pictures; `None` when pictures are off.
    pub pictures: Option<super::pictures::Pictures>,
}

impl Background {
    /// Lets every change handed to the writer be saved, then stops.
    pub fn finish(self) {
        if let Some(writer) = self.writer {
            writer.finish();
        }
    }

    /// Fetches every feed on a thread of its own; progress and the result arrive as
    /// reports, so keys keep working the whole time.
    pub fn fetch_feeds(&self) {
        self.spawn_fetch(Which::All);
    }

    /// Fetches the feeds that are due, the same way.
    pub fn fetch_due(&self) {
        self.spawn_fetch(Which::Due);
    }

    /// Looks for feeds at `address` on a thread of its own: the network never holds up a
    /// key. The answer arrives as `Report::FeedsFound`.
    pub fn discover(&self, address: String) {
        let events = self.events.clone();
        let options = self.fetch;
        std::thread::spawn(move || {
            let found = look_for_feeds(&address, options);
            let _ = events.send(Event::Report(Report::FeedsFound { address, found }));
        });
    }

    /// Fetches article `id`'s full article on a thread of its own (`x`); the end
    /// arrives as `Report::FullTextFetched`.
    pub fn fetch_full_text(&self, id: crate::domain::model::ArticleId) {
        let path = self.store_path.clone();
        let events = self.events.clone();
        let options = self.fetch;
        let under_way = UnderWay;
        if FULL_TEXTS_UNDER_WAY.fetch_add(1, Ordering::SeqCst) >= options.per_host.max(1) {
            drop(under_way);
            let busy = "full articles are being fetched already; try again when they are in";
            let _ = events.send(Event::Report(Report::FullTextFetched {
                id,
                outcome: Err(busy.into()),
            }));
            return;
        }
        std::thread::spawn(move || {
            let _under_way = under_way;
            let report = match Store::open(&path) {
                Ok(store) => full_text(&store, id, options),
                Err(err) => Report::FullTextFetched {
                    id,
                    outcome: Err(crate::domain::message::error_chain(&err)),
                },
            };
            let _ = events.send(Event::Report(report));
        });
    }

    fn spawn_fetch(&self, which: Which) {
        let path = self.store_path.clone();
        let events = self.events.clone();
        let options = self.fetch;
        let after_fetch = self.after_fetch.clone();
        std::thread::spawn(move || {
            let (done, next) = match Store::open(&path) {
                Ok(store) => {
                    let before = crate::domain::fetch::after::newest_id(&store).unwrap_or(0);
                    let done = fetch_with(&store, which, options, &mut |done, total| {
                        let _ = events.send(Event::Report(Report::FetchProgress { done, total }));
                    });
                    if let Report::FetchDone {
                        new,
                        updated,
                        failures,
                    } = &done
                        && let Err(err) = run_after_fetch(
                            &store,
                            &after_fetch,
                            before,
                            (*new, *updated, failures.len()),
                        )
                    {
                        let message = crate::domain::message::error_chain(&err);
                        log::error!("{message}");
                        let _ = events.send(Event::Report(Report::Notify(message)));
                    }
                    (done, next_due(&store, options.refresh))
                }
                Err(err) => (
                    Report::FetchDone {
                        new: 0,
                        updated: 0,
                        failures: vec![crate::domain::message::error_chain(&err)],
                    },
                    None,
                ),
            };
            let _ = events.send(Event::Report(done));
            let _ = events.send(Event::Report(Report::Scheduled(next)));
        });
    }
}

/// Runs the `after_fetch` command for a fetch that brought `counts` (new, updated,
/// failed), with the titles of the articles stored after `before`.
fn run_after_fetch(
    store: &Store,
    command: &[String],
    before: i64,
    (new, updated, failed): (usize, usize, usize),
) -> anyhow::Result<()> {
    if command.is_empty() || new == 0 {
        return Ok(());
    }
    let brought = crate::domain::fetch::after::Brought {
        new,
        updated,
        failed,
        titles: crate::domain::fetch::after::new_titles(store, before)?,
    };
    crate::domain::fetch::after::run(command, &brought).map(|_| ())
}

/// Every feed (`R`), or only those due (a refresh the app started by itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    Due,
}

/// When the next feed is due, as the store says; a store that cannot say gives no time,
/// so the app does not wake for it (the failure is logged).
pub fn next_due(store: &Store, refresh: std::time::Duration) -> Option<jiff::Timestamp> {
    let due = store.next_due_at().and_then(|feeds| {
        let accounts = store.next_sync_at(refresh)?;
        Ok(match (feeds, accounts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    });
    due.unwrap_or_else(|err| {
        log::error!(
            "reading when feeds are due: {}",
            crate::domain::message::error_chain(&err)
        );
        None
    })
}

/// Fetches the feeds of `store` that `which` says, reporting progress; the summary as a
/// report.
pub fn fetch_with(
    store: &Store,
    which: Which,
    options: crate::domain::fetch::Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    let now = jiff::Timestamp::now();
    let feeds = match which {
        Which::All => store.feeds(),
        Which::Due => store.due_feeds(now),
    };
    let accounts = match which {
        Which::All => store.accounts(),
        Which::Due => store.accounts_due(now, options.refresh),
    };
    let (feeds, accounts) = match (feeds, accounts) {
        (Ok(feeds), Ok(accounts)) => (feeds, accounts),
        (Err(err), _) | (_, Err(err)) => {
            return Report::FetchDone {
                new: 0,
                updated: 0,
                failures: vec![crate::domain::message::error_chain(&err)],
            };
        }
    };
    if feeds.is_empty() && accounts.is_empty() {
        return Report::NothingToFetch;
    }
    let reports =
        crate::domain::fetch::fetch_all(store, feeds, options, now, &mut |done, total, _| {
            progress(done, total)
        });
    let (mut new, mut updated, mut failures) = (0, 0, Vec::new());
    // Each account's server: push what waits, pull what is new (sync/engine.rs); before
    // the full articles, so that synced entries of full-text feeds get theirs too.
    for account in &accounts {
        let synced = crate::domain::sync::secret::secret(account)
            .and_then(|secret| crate::domain::sync::sync(store, account, secret, options.timeout));
        match synced {
            Ok(done) => {
                new += done.new;
                updated += done.updated;
                // What the sync went on past (a refused subscription, a pull stopped
                // early, every feed gone at once) goes to the fetch log.
                failures.extend(
                    done.warnings
                        .iter()
                        .map(|w| format!("{}: {w}", account.name)),
                );
            }
            Err(err) => {
                // Whatever failed (the secret, the server), the attempt is recorded: the
                // account is due again a refresh later, not at once, in a loop.
                let at = jiff::Timestamp::now().as_second();
                if let Err(record) = store.record_sync(account.id, at, Some(&format!("{err:#}"))) {
                    log::error!("recording {}'s failed sync: {record:#}", account.name);
                }
                let waiting = store.account_counts(account.id).map_or(0, |(_, w)| w);
                log::warn!("syncing {}: {err:#}", account.name);
                failures.push(format!(
                    "{err:#} ({waiting} changes wait for the next sync)"
                ));
            }
        }
    }
    // The full articles of the new items of feeds with `full_text` on.
    match crate::domain::fetch::fetch_waiting(store, options, now, &mut |_, _, _| {}) {
        Ok(pages) => {
            for page in pages {
                if let crate::domain::fetch::PageOutcome::Failed(reason) = page.outcome {
                    failures.push(format!("{}: full article: {reason}", page.page.title));
                }
            }
        }
        Err(err) => failures.push(format!(
            "full articles: {}",
            crate::domain::message::error_chain(&err)
        )),
    }
    // Retention, after every fetch: here, so that the background fetch and the one run
    // on the loop's thread (tests, in-memory stores) both apply it.
    if let Err(err) = crate::domain::fetch::prune_after(store, &options, now) {
        failures.push(format!(
            "pruning after the fetch: {}",
            crate::domain::message::error_chain(&err)
        ));
    }
    for report in &reports {
        match &report.outcome {
            crate::domain::fetch::Outcome::Stored(c) => {
                new += c.new;
                updated += c.updated;
            }
            crate::domain::fetch::Outcome::NotModified => {}
            crate::domain::fetch::Outcome::Failed(reason) => {
                log::warn!("fetching {}: {reason}", report.feed.url);
                failures.push(format!("{}: {reason}", report.label()));
            }
        }
    }
    Report::FetchDone {
        new,
        updated,
        failures,
    }
}

/// Fetches article `id`'s full article now, as a report for the app.
pub fn full_text(
    store: &Store,
    id: crate::domain::model::ArticleId,
    options: crate::domain::fetch::Options,
) -> Report {
    use crate::domain::fetch::PageOutcome;
    let outcome = match crate::domain::fetch::fetch_one(store, id, options, jiff::Timestamp::now())
    {
        Ok(report) => match report.outcome {
            PageOutcome::Stored(words) => Ok(words),
            PageOutcome::Failed(reason) | PageOutcome::Deferred(reason) => Err(reason),
        },
        Err(err) => Err(crate::domain::message::error_chain(&err)),
    };
    Report::FullTextFetched { id, outcome }
}

/// The feeds at `address`, or why there are none, in words for the status line.
pub fn look_for_feeds(
    address: &str,
    options: crate::domain::fetch::Options,
) -> Result<Vec<crate::domain::discover::Candidate>, String> {
    crate::domain::discover::discover(address, &options)
        .map_err(|err| crate::domain::message::error_chain(&err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::ArticleId;

    /// With as many `x` fetches under way as the per-host limit, another is refused at
    /// once and says why; nothing is started and the count is as it was.
    #[test]
    fn x_fetches_beyond_the_per_host_limit_are_refused_at_once() {
        let (search, _searches) = std::sync::mpsc::channel();
        let (events, reports) = std::sync::mpsc::channel();
        let background = Background {
            search,
            counts: std::sync::mpsc::channel().0,
            writer: None,
            after_fetch: Vec::new(),
            pictures: None,
            store_path: std::path::PathBuf::from("/nonexistent/herald.db"),
            events,
            fetch: crate::domain::fetch::Options {
                per_host: 2,
                ..Default::default()
            },
        };
        FULL_TEXTS_UNDER_WAY.store(2, Ordering::SeqCst);
        background.fetch_full_text(ArticleId(7));
        let report = reports.recv_timeout(std::time::Duration::from_secs(5));
        assert_eq!(FULL_TEXTS_UNDER_WAY.load(Ordering::SeqCst), 2);
        FULL_TEXTS_UNDER_WAY.store(0, Ordering::SeqCst);
        match report {
            Ok(Event::Report(Report::FullTextFetched { id, outcome })) => {
                assert_eq!(id, ArticleId(7));
                assert!(outcome.unwrap_err().contains("already"));
            }
            other => panic!("{other:?}"),
        }
    }
}
