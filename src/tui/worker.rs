//! The search worker: a thread with its own store connection, so a slow query never holds
//! up typing. Only the newest request is worked on; older ones waiting are skipped. The
//! view counter is another such thread, for the sources pane's counts of the views.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::thread;

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

/// Starts the worker on the store at `path`; answers arrive on `events`.
pub fn spawn(path: PathBuf, events: Sender<Event>) -> Sender<SearchRequest> {
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
                }
                return;
            }
        };
        while let Ok(mut request) = requests.recv() {
            while let Ok(newer) = requests.try_recv() {
                request = newer;
            }
            let result = store.search(&request.query, request.order).map_err(|err| {
                format!(
                    "Search failed: {}",
                    crate::domain::message::error_chain(&err)
                )
            });
            let answer = Event::Report(Report::SearchDone {
                generation: request.generation,
                result,
            });
            if events.send(answer).is_err() {
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
        .map(|(n, query)| Ok((*n, store.search(query, Order::Newest)?.ids.len())))
        .collect()
}

/// Starts the view counter on the store at `path`: it counts the newest request's views
/// and answers with `Report::ViewsCounted`; a store it cannot open leaves the views
/// without counts (logged).
pub fn spawn_counter(path: PathBuf, events: Sender<Event>) -> Sender<Vec<(u8, Query)>> {
    let (sender, requests) = channel::<Vec<(u8, Query)>>();
    thread::spawn(move || {
        let store = match Store::open(&path) {
            Ok(store) => store,
            Err(err) => {
                log::error!(
                    "the view counter cannot open the store: {}",
                    crate::domain::message::error_chain(&err)
                );
                return;
            }
        };
        while let Ok(mut request) = requests.recv() {
            while let Ok(newer) = requests.try_recv() {
                request = newer;
            }
            match count_views(&store, &request) {
                Ok(counts) => {
                    if events
                        .send(Event::Report(Report::ViewsCounted(counts)))
                        .is_err()
                    {
                        break;
                    }
                }
                Err(err) => log::error!(
                    "counting the views: {}",
                    crate::domain::message::error_chain(&err)
                ),
            }
        }
    });
    sender
}
