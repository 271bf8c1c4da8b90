//! The threads that work beside the event loop: the search worker and feed fetches, each
//! with its own store connection, reporting back on the loop's channel.

use std::sync::mpsc::Sender;

use super::event::Event;
use super::worker::SearchRequest;
use crate::app::Report;
use crate::domain::store::Store;

/// The threads that work beside the event loop, each with its own store connection.
pub struct Background {
    pub search: Sender<SearchRequest>,
    pub store_path: std::path::PathBuf,
    pub events: Sender<Event>,
}

impl Background {
    /// Fetches every feed on a thread of its own; progress and the result arrive as
    /// reports, so keys keep working the whole time.
    pub fn fetch_feeds(&self) {
        let path = self.store_path.clone();
        let events = self.events.clone();
        std::thread::spawn(move || {
            let done = match Store::open(&path) {
                Ok(store) => fetch_feeds_with(&store, &mut |done, total| {
                    let _ = events.send(Event::Report(Report::FetchProgress { done, total }));
                }),
                Err(err) => Report::FetchDone {
                    new: 0,
                    updated: 0,
                    failures: vec![crate::domain::message::error_chain(&err)],
                },
            };
            let _ = events.send(Event::Report(done));
        });
    }
}

/// Fetches every feed of `store`, reporting progress; the summary as a report.
pub fn fetch_feeds_with(store: &Store, progress: &mut dyn FnMut(usize, usize)) -> Report {
    let feeds = match store.feeds() {
        Ok(feeds) => feeds,
        Err(err) => {
            return Report::FetchDone {
                new: 0,
                updated: 0,
                failures: vec![crate::domain::message::error_chain(&err)],
            };
        }
    };
    if feeds.is_empty() {
        return Report::NothingToFetch;
    }
    let reports = crate::domain::fetch::fetch_all(
        store,
        feeds,
        crate::domain::fetch::Options::default(),
        jiff::Timestamp::now(),
        &mut |done, total, _| progress(done, total),
    );
    let (mut new, mut updated, mut failures) = (0, 0, Vec::new());
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
