//! The search worker: a thread with its own store connection, so a slow query never holds
//! up typing. Only the newest request is worked on; older ones waiting are skipped. The
//! view counter is another such thread, for the sources pane's counts of the views.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;

use rusqlite::InterruptHandle;

use super::busy::Busy;
use super::event::Event;
use crate::app::Report;
use crate::domain::search::{Order, Query};
use crate::domain::store::{Fault, Found, Store};

#[derive(Debug)]
pub struct SearchRequest {
    pub generation: u64,
    pub query: Query,
    pub order: Order,
}

/// The search worker as the loop sees it: where requests go, and a way to stop the
/// search under way when a newer one makes it stale.
pub struct Searcher {
    requests: Sender<SearchRequest>,
    /// Set once the worker has its connection.
    running: Arc<Mutex<Option<InterruptHandle>>>,
}

impl Searcher {
    /// Hands `request` to the worker and stops the search it is running, whose answer
    /// the app would drop (it takes only the newest generation's): a slow search for
    /// `z` does not hold up the one for `zephyrine`. False when the worker is gone.
    pub fn ask(&self, request: SearchRequest) -> bool {
        if self.requests.send(request).is_err() {
            return false;
        }
        // SQLite stops only a statement that is running; between statements this does
        // nothing, and the worker answers the stale search, which the app drops.
        if let Ok(running) = self.running.lock()
            && let Some(handle) = running.as_ref()
        {
            handle.interrupt();
        }
        true
    }
}

#[cfg(test)]
impl Searcher {
    /// Requests into `requests`, with no search to stop: for tests of the loop's side.
    pub(crate) fn over(requests: Sender<SearchRequest>) -> Searcher {
        Searcher {
            requests,
            running: Arc::default(),
        }
    }
}

/// Starts the worker on the store at `path`; answers arrive on `events`. Each request
/// taken, answered or skipped for a newer one, is given back to `busy`.
pub fn spawn(path: PathBuf, events: Sender<Event>, busy: Busy) -> Searcher {
    let (sender, requests) = channel::<SearchRequest>();
    let running = Arc::new(Mutex::new(None));
    let handle = Arc::clone(&running);
    thread::spawn(move || {
        let store = match Store::open(&path) {
            Ok(store) => store,
            Err(err) => {
                // Answer every request with the reason, so the prompt can say it.
                for request in requests {
                    let _ = events.send(Event::Report(Report::SearchDone {
                        generation: request.generation,
                        result: Err(format!(
                            "Search is unavailable: {}",
                            crate::domain::message::error_chain(&err)
                        )),
                    }));
                    busy.done(1);
                }
                return;
            }
        };
        if let Ok(mut running) = handle.lock() {
            *running = Some(store.interrupt_handle());
        }
        serve(&requests, &events, &busy, |request| {
            store.articles().search(&request.query, request.order)
        });
    });
    Searcher {
        requests: sender,
        running,
    }
}

/// The worker's loop: takes the newest request waiting, searches, answers. A search
/// stopped by a newer request is not answered; one stopped with nothing newer waiting
/// (the stop was meant for the one before it) is searched again.
fn serve(
    requests: &Receiver<SearchRequest>,
    events: &Sender<Event>,
    busy: &Busy,
    mut search: impl FnMut(&SearchRequest) -> anyhow::Result<Found>,
) {
    let mut waiting = None;
    loop {
        let (mut request, mut taken) = match waiting.take() {
            Some(kept) => kept,
            None => match requests.recv() {
                Ok(request) => (request, 1),
                Err(_) => return,
            },
        };
        while let Ok(newer) = requests.try_recv() {
            request = newer;
            taken += 1;
        }
        let result = search(&request);
        if let Err(err) = &result
            && Fault::of(err) == Some(Fault::Interrupted)
        {
            match requests.try_recv() {
                Ok(newer) => {
                    busy.done(taken);
                    waiting = Some((newer, 1));
                }
                Err(_) => waiting = Some((request, taken)),
            }
            continue;
        }
        let result = result.map_err(|err| {
            format!(
                "Search failed: {}",
                crate::domain::message::error_chain(&err)
            )
        });
        let answer = Event::Report(Report::SearchDone {
            generation: request.generation,
            result,
        });
        let sent = events.send(answer);
        busy.done(taken);
        if sent.is_err() {
            return;
        }
    }
}

/// How many articles each view finds, by number.
pub fn count_views(store: &Store, views: &[(u8, Query)]) -> anyhow::Result<Vec<(u8, usize)>> {
    views
        .iter()
        .map(|(n, query)| Ok((*n, store.articles().search(query, Order::Newest)?.ids.len())))
        .collect()
}

/// Starts the view counter on the store at `path`: it counts the newest request's views
/// and answers with `Report::ViewsCounted`; a store it cannot open leaves the views
/// without counts (logged).
pub fn spawn_counter(path: PathBuf, events: Sender<Event>, busy: Busy) -> Sender<Vec<(u8, Query)>> {
    let (sender, requests) = channel::<Vec<(u8, Query)>>();
    thread::spawn(move || {
        let store = match Store::open(&path) {
            Ok(store) => store,
            Err(err) => {
                log::error!(
                    "the view counter cannot open the store: {}",
                    crate::domain::message::error_chain(&err)
                );
                for _ in requests {
                    busy.done(1);
                }
                return;
            }
        };
        while let Ok(mut request) = requests.recv() {
            let mut taken = 1;
            while let Ok(newer) = requests.try_recv() {
                request = newer;
                taken += 1;
            }
            let sent = match count_views(&store, &request) {
                Ok(counts) => events
                    .send(Event::Report(Report::ViewsCounted(counts)))
                    .is_ok(),
                Err(err) => {
                    log::error!(
                        "counting the views: {}",
                        crate::domain::message::error_chain(&err)
                    );
                    true
                }
            };
            busy.done(taken);
            if !sent {
                break;
            }
        }
    });
    sender
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::parse;

    fn request(generation: u64) -> SearchRequest {
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        SearchRequest {
            generation,
            query: parse("ferry", now, true).unwrap(),
            order: Order::Newest,
        }
    }

    fn interrupted() -> anyhow::Error {
        anyhow::Error::new(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERRUPT),
            None,
        ))
        .context("searching")
    }

    /// The answers `serve` sends, by generation, once the requests end.
    fn answered(events: &std::sync::mpsc::Receiver<Event>) -> Vec<u64> {
        events
            .try_iter()
            .filter_map(|e| match e {
                Event::Report(Report::SearchDone { generation, .. }) => Some(generation),
                _ => None,
            })
            .collect()
    }

    /// A search stopped because a newer one came is not answered; the newer one is, and
    /// every request is given back to `busy`.
    #[test]
    fn a_search_stopped_for_a_newer_one_is_not_answered() {
        let (sender, requests) = channel();
        let (events, answers) = channel();
        let busy = Busy::default();
        busy.take(2);
        sender.send(request(1)).unwrap();
        // Taken (and dropped) by the first search, so the requests end after the second.
        let mut newer = Some(sender.clone());
        let mut searched = Vec::new();
        // The first search is stopped by the second request, which comes while it runs.
        serve_until_idle(sender, &requests, &events, &busy, |r| {
            searched.push(r.generation);
            if let Some(newer) = newer.take() {
                newer.send(request(2)).unwrap();
                return Err(interrupted());
            }
            Ok(Found::default())
        });
        assert_eq!(searched, [1, 2]);
        assert_eq!(answered(&answers), [2]);
        assert_eq!(busy.out(), 0);
    }

    /// A stop meant for the search before lands on the newest one: it is searched again,
    /// not left without an answer (the prompt would wait for it for ever).
    #[test]
    fn a_search_stopped_with_nothing_newer_is_searched_again() {
        let (sender, requests) = channel();
        let (events, answers) = channel();
        let busy = Busy::default();
        busy.take(1);
        sender.send(request(7)).unwrap();
        let mut tries = 0;
        serve_until_idle(sender, &requests, &events, &busy, |_| {
            tries += 1;
            if tries == 1 {
                Err(interrupted())
            } else {
                Ok(Found::default())
            }
        });
        assert_eq!(tries, 2);
        assert_eq!(answered(&answers), [7]);
        assert_eq!(busy.out(), 0);
    }

    /// Runs `serve` until the requests are answered: the sender is dropped first, so the
    /// loop ends when the channel is empty.
    fn serve_until_idle(
        sender: Sender<SearchRequest>,
        requests: &Receiver<SearchRequest>,
        events: &Sender<Event>,
        busy: &Busy,
        search: impl FnMut(&SearchRequest) -> anyhow::Result<Found>,
    ) {
        drop(sender);
        serve(requests, events, busy, search);
    }

    /// The handle stops a statement that would otherwise never end, and the error is
    /// the kind the worker looks for.
    #[test]
    fn the_interrupt_handle_stops_a_running_statement() {
        let store = Store::open_in_memory().unwrap();
        let handle = store.interrupt_handle();
        let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let still = running.clone();
        let stopper = thread::spawn(move || {
            while still.load(std::sync::atomic::Ordering::SeqCst) {
                handle.interrupt();
                thread::yield_now();
            }
        });
        let endless = store.connection().query_row(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
             SELECT count(*) FROM n",
            [],
            |r| r.get::<_, i64>(0),
        );
        running.store(false, std::sync::atomic::Ordering::SeqCst);
        stopper.join().unwrap();
        let err = anyhow::Error::new(endless.unwrap_err());
        assert_eq!(Fault::of(&err), Some(Fault::Interrupted));
    }
}
