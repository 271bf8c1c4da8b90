//! The writer: a thread with its own store connection that saves what a person changes
//! in the reader (read and starred marks, reading positions). Its writes take the store's
//! write lock, which a fetch or an import in another process may hold for a while; on
//! the loop's thread a key would wait for it. The app has already changed its state, so
//! nothing waits for the answer; a failure comes back as a message, and each batch saved
//! as `Report::Saved`, after which the counts are read again.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::thread::{self, JoinHandle};

use super::event::Event;
use crate::app::{Effect, Report};
use anyhow::Result;

use crate::domain::store::Store;

/// The meta key holding the id of the article open when herald last closed.
pub const LAST_OPEN: &str = "last_open";

pub struct Writer {
    sender: Sender<Vec<Effect>>,
    thread: JoinHandle<()>,
}

impl Writer {
    /// Starts the writer on the store at `path`; messages arrive on `events`.
    pub fn spawn(path: PathBuf, events: Sender<Event>) -> Writer {
        let (sender, batches) = channel::<Vec<Effect>>();
        let thread = thread::spawn(move || {
            let store = match Store::open(&path) {
                Ok(store) => Some(store),
                Err(err) => {
                    let message = failure_message(&err);
                    let _ = events.send(Event::Report(Report::Notify(format!(
                        "Changes cannot be saved: {message}"
                    ))));
                    None
                }
            };
            while let Ok(mut batch) = batches.recv() {
                while let Ok(more) = batches.try_recv() {
                    batch.extend(more);
                }
                let Some(store) = &store else { continue };
                for effect in batch {
                    if let Err(err) = write(store, effect) {
                        let message = failure_message(&err);
                        let _ = events.send(Event::Report(Report::Notify(message)));
                    }
                }
                if events.send(Event::Report(Report::Saved)).is_err() {
                    break;
                }
            }
        });
        Writer { sender, thread }
    }

    /// Hands writes over; false when the thread is gone (the caller writes them itself).
    pub fn send(&self, writes: Vec<Effect>) -> Result<(), Vec<Effect>> {
        self.sender.send(writes).map_err(|e| e.0)
    }

    /// Waits until every write handed over is saved: on the way out, so that quitting
    /// keeps the last reading position.
    pub fn finish(self) {
        drop(self.sender);
        if self.thread.join().is_err() {
            log::error!("the writer thread panicked; some changes may not be saved");
        }
    }
}

/// The message for a failed effect, logged too: the error and, from the store's error
/// classification, what to do.
pub fn failure_message(err: &anyhow::Error) -> String {
    log::error!("{}", crate::domain::message::error_chain(err));
    let mut message = format!("Error: {}", crate::domain::message::error_chain(err));
    if let Some(hint) = crate::domain::store::hint(err) {
        message = format!("{message}. {hint}");
    }
    message
}

/// The effects that only save a change the app has made already: the writer thread's.
pub fn is_write(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::SetRead(..)
            | Effect::SetStarred(..)
            | Effect::SetReadMany(..)
            | Effect::SavePosition(..)
            | Effect::RememberOpen(..)
    )
}

/// Saves one change ([`is_write`]); other effects are not writes and do nothing here.
pub fn write(store: &Store, effect: Effect) -> Result<()> {
    match effect {
        Effect::SetRead(id, read) => store.set_read(id, read),
        Effect::SetStarred(id, starred) => store.set_starred(id, starred),
        Effect::SetReadMany(ids, read) => store.set_read_many(&ids, read),
        Effect::SavePosition(id, position) => store.save_position(id, position),
        Effect::RememberOpen(id) => store.set_meta(LAST_OPEN, &id.to_string()),
        _ => Ok(()),
    }
}
