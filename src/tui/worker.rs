//! The search worker: a thread with its own store connection, so a slow query never holds
//! up typing. Only the newest request is worked on; older ones waiting are skipped. The
//! view counter is another such thread, for the sources pane's counts of the views.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::thread;

use super::busy::Busy;
use super::event::Event;
use crate::app::Report;
use crate::domain::search::{Order, Query};
use crate::domain::store::Store;

#[derive(Debug)]
pub struct SearchRequest {
    pub generation: u64,
    pub query: Query,
    pub order: Order,
}

/// Starts the worker on the store at `path`; answers arrive on `events`. Each request
/// taken, answered or skipped for a newer one, is given back to `busy`.
pub fn spawn(path: PathBuf, events: Sender<Event>, busy: Busy) -> Sender<SearchRequest> {
    let (sender, requests) = channel::<SearchRequest>();
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
        while let Ok(mut request) = requests.recv() {
            let mut taken = 1;
            while let Ok(newer) = requests.try_recv() {
                request = newer;
                taken += 1;
            }
            let result = store
                .articles()
                .search(&request.query, request.order)
                .map_err(|err| {
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
                break;
            }
        }
    });
    sender
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
