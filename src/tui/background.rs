//! The threads that work beside the event loop: the search worker and feed fetches, each
//! with its own store connection, reporting back on the loop's channel.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;

use super::event::Event;
use super::worker::{SearchRequest, Searcher};
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
    pub search: Searcher,
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
    /// The cache's cap for a refresh to keep new articles' pictures in, if any.
    pub keep_pictures: Option<u64>,
    /// Work handed to these threads and not answered yet.
    pub busy: super::busy::Busy,
}

impl Background {
    /// Starts the threads on the store at `path`, their answers on `events`, with the
    /// reader's settings: the route the reader's effects take, for the reader and for
    /// the key-flow tests alike. `watch`: whether the writer looks for other processes'
    /// writes (tests that write to the store themselves leave it off).
    pub fn start(
        path: &std::path::Path,
        events: Sender<Event>,
        settings: &crate::app::Settings,
        watch: bool,
    ) -> Background {
        let busy = super::busy::Busy::default();
        Background {
            search: super::worker::spawn(path.to_path_buf(), events.clone(), busy.clone()),
            counts: super::worker::spawn_counter(path.to_path_buf(), events.clone(), busy.clone()),
            writer: Some(super::writer::Writer::spawn(
                path.to_path_buf(),
                events.clone(),
                busy.clone(),
                watch.then_some(super::writer::WATCH_EVERY),
            )),
            store_path: path.to_path_buf(),
            events,
            fetch: settings.fetch,
            after_fetch: settings.after_fetch.clone(),
            keep_pictures: settings.keep_pictures,
            busy,
            // Started by the event loop when pictures are on (tui/pictures.rs).
            pictures: None,
        }
    }

    /// Hands a search to the worker; false when it is gone.
    pub fn search(&self, request: SearchRequest) -> bool {
        self.busy.take(1);
        let sent = self.search.ask(request);
        if !sent {
            self.busy.done(1);
        }
        sent
    }

    /// Hands views to count to the counter; false when it is gone.
    pub fn count(&self, views: Vec<(u8, crate::domain::search::Query)>) -> bool {
        self.busy.take(1);
        let sent = self.counts.send(views).is_ok();
        if !sent {
            self.busy.done(1);
        }
        sent
    }

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

    /// Fetches these feeds only, the same way.
    pub fn fetch_only(&self, ids: Vec<i64>) {
        self.spawn_fetch(Which::Feeds(ids));
    }

    /// Looks for feeds at `address` on a thread of its own: the network never holds up a
    /// key. The answer arrives as `Report::FeedsFound`.
    pub fn discover(&self, address: String) {
        let events = self.events.clone();
        let options = self.fetch;
        let path = self.store_path.clone();
        let ticket = self.busy.one();
        std::thread::spawn(move || {
            let store = Store::open(&path).ok();
            let found = look_for_feeds(store.as_ref(), &address, options);
            let _ = events.send(Event::Report(Report::FeedsFound { address, found }));
            drop(ticket);
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
        let ticket = self.busy.one();
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
            drop(ticket);
        });
    }

    fn spawn_fetch(&self, which: Which) {
        let path = self.store_path.clone();
        let events = self.events.clone();
        let (options, after_fetch, pictures) =
            (self.fetch, self.after_fetch.clone(), self.keep_pictures);
        let ticket = self.busy.one();
        std::thread::spawn(move || {
            let (done, next) = match Store::open(&path) {
                Ok(store) => {
                    let done = fetch_with(
                        &store,
                        which.clone(),
                        options,
                        &after_fetch,
                        pictures,
                        &mut |done, total| {
                            let _ =
                                events.send(Event::Report(Report::FetchProgress { done, total }));
                        },
                    );
                    (done, next_due(&store, options.refresh))
                }
                Err(err) => (
                    Report::FetchDone {
                        new: 0,
                        updated: 0,
                        failures: vec![crate::domain::message::error_chain(&err)],
                        pushed: 0,
                    },
                    None,
                ),
            };
            let _ = events.send(Event::Report(done));
            let _ = events.send(Event::Report(Report::Scheduled(next)));
            drop(ticket);
        });
    }
}

/// Every feed (`R`), only those due (a refresh the app started by itself), or these
/// (one feed's refresh, a feed just added; with its account's sync when it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    All,
    Due,
    Feeds(Vec<i64>),
}

/// When the next feed is due, as the store says; a store that cannot say gives no time,
/// so the app does not wake for it (the failure is logged).
pub fn next_due(store: &Store, refresh: std::time::Duration) -> Option<jiff::Timestamp> {
    let due = store.feeds().next_due_at().and_then(|feeds| {
        let accounts = store.accounts().next_sync_at(refresh)?;
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

/// The refresh `which` asks for (every feed and account, or those due), through the one
/// refresh pipeline (domain/refresh.rs) the command line runs too; its summary as a
/// report for the app. `progress` hears of each feed as it is done.
pub fn fetch_with(
    store: &Store,
    which: Which,
    options: crate::domain::fetch::Options,
    after_fetch: &[String],
    pictures: Option<u64>,
    progress: &mut dyn FnMut(usize, usize),
) -> Report {
    use crate::domain::refresh::{Accounts, Feeds, Plan, Progress, refresh};
    let (feeds, accounts) = match which {
        Which::All => (Feeds::All, Accounts::All),
        Which::Due => (Feeds::Due, Accounts::Due),
        Which::Feeds(ids) => {
            let accounts = feeds_account(store, &ids);
            (Feeds::Only(ids), accounts)
        }
    };
    let plan = Plan {
        feeds,
        accounts,
        options,
        after_fetch: after_fetch.to_vec(),
        pictures,
    };
    let summary = refresh(store, &plan, &mut |step| {
        if let Progress::Feeds { done, total } = step {
            progress(done, total);
        }
    });
    if !summary.asked() && summary.problems().is_empty() {
        return Report::NothingToFetch;
    }
    Report::FetchDone {
        new: summary.new_articles(),
        updated: summary.updated(),
        failures: summary.problems(),
        pushed: summary.pushed(),
    }
}

/// The account to sync for a refresh of these feeds: the first one's that has one.
fn feeds_account(store: &Store, ids: &[i64]) -> crate::domain::refresh::Accounts {
    use crate::domain::refresh::Accounts;
    let account = store.feeds().list().ok().and_then(|feeds| {
        let id = feeds
            .iter()
            .filter(|f| ids.contains(&f.id))
            .find_map(|f| f.account_id)?;
        let accounts = store.accounts().list().ok()?;
        accounts.into_iter().find(|a| a.id == id).map(|a| a.name)
    });
    account.map_or(Accounts::None, Accounts::Named)
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
    store: Option<&Store>,
    address: &str,
    options: crate::domain::fetch::Options,
) -> Result<Vec<crate::domain::discover::Candidate>, String> {
    let mut found = crate::domain::discover::discover(address, &options)
        .map_err(|err| crate::domain::message::error_chain(&err))?;
    if let Some(store) = store {
        for candidate in &mut found {
            candidate.followed = matches!(store.feeds().feed_by_url(&candidate.url), Ok(Some(_)));
        }
    }
    Ok(found)
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
            search: super::super::worker::Searcher::over(search),
            counts: std::sync::mpsc::channel().0,
            writer: None,
            after_fetch: Vec::new(),
            pictures: None,
            store_path: std::path::PathBuf::from("/nonexistent/herald.db"),
            events,
            keep_pictures: None,
            busy: Default::default(),
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
