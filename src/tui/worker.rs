//! The search worker: a thread with its own store connection, so a slow query never holds
//! up typing. Only the newest request is worked on; older ones waiting are skipped.

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
