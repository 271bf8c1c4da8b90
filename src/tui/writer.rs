//! The writer: a thread with its own store connection that saves what a person changes
//! in the reader (read and starred marks, reading positions, subscriptions, views). Its writes take the store's
//! write lock, which a fetch or an import in another process may hold for a while; on
//! the loop's thread a key would wait for it. The app has already changed its state, so
//! nothing waits for the answer, but for the few writes whose answer changes what the
//! next key acts on ([`is_awaited`]); a failure comes back as a message, and each batch
//! saved as `Report::Saved`, after which the counts are read again.

use std::path::PathBuf;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::busy::{Busy, Ticket};
use super::event::Event;
use crate::app::{Effect, Report};
use anyhow::Result;

use crate::domain::message::count;
use crate::domain::store::{RuleAction, Store};

/// How long the writer waits idle before it looks whether another process changed the
/// store.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

/// The meta key holding the id of the article open when herald last closed.
pub const LAST_OPEN: &str = "last_open";

pub struct Writer {
    sender: Sender<(Vec<Effect>, Option<Ticket>)>,
    thread: JoinHandle<()>,
    busy: Busy,
    /// Writes handed over whose answers the next key depends on ([`is_awaited`]).
    awaited: Busy,
}

impl Writer {
    /// Starts the writer on the store at `path`; messages arrive on `events`. Each batch
    /// handed over is given back to `busy` once saved. With `watch`, the writer looks
    /// whether another process changed the store whenever it has been idle that long.
    pub fn spawn(
        path: PathBuf,
        events: Sender<Event>,
        busy: Busy,
        watch: Option<Duration>,
    ) -> Writer {
        let counted = busy.clone();
        let (sender, batches) = channel::<(Vec<Effect>, Option<Ticket>)>();
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
            // Another process's commits change the store's data version as this
            // connection sees it; this thread's own writes do not. Looked at whenever the
            // writer has been idle a second, so the open reader sees a timer's fetch
            // within about a second, and never reacts to its own marks.
            let mut seen = store.as_ref().and_then(|s| s.data_version().ok());
            loop {
                let next = match watch {
                    Some(every) => batches.recv_timeout(every),
                    None => batches.recv().map_err(|_| RecvTimeoutError::Disconnected),
                };
                let (mut batch, ticket) = match next {
                    Ok(batch) => batch,
                    Err(RecvTimeoutError::Timeout) => {
                        let now = store.as_ref().and_then(|s| s.data_version().ok());
                        if now != seen {
                            seen = now;
                            if events.send(Event::Report(Report::StoreChanged)).is_err() {
                                break;
                            }
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                let mut taken = 1;
                // Given back (dropped) once their answers are on the channel.
                let mut tickets = vec![ticket];
                while let Ok((more, ticket)) = batches.try_recv() {
                    batch.extend(more);
                    tickets.push(ticket);
                    taken += 1;
                }
                let Some(store) = &store else {
                    counted.done(taken);
                    continue;
                };
                for effect in batch {
                    let report = match write(store, effect) {
                        Ok(report) => report,
                        Err(err) => Some(Report::Notify(failure_message(&err))),
                    };
                    if let Some(report) = report {
                        let _ = events.send(Event::Report(report));
                    }
                }
                let sent = events.send(Event::Report(Report::Saved));
                drop(tickets);
                counted.done(taken);
                if sent.is_err() {
                    break;
                }
            }
        });
        Writer {
            sender,
            thread,
            busy,
            awaited: Busy::default(),
        }
    }

    /// Hands writes over; false when the thread is gone (the caller writes them itself).
    pub fn send(&self, writes: Vec<Effect>) -> Result<(), Vec<Effect>> {
        self.busy.take(1);
        let ticket = writes.iter().any(is_awaited).then(|| self.awaited.one());
        self.sender.send((writes, ticket)).map_err(|e| {
            self.busy.done(1);
            (e.0).0
        })
    }

    /// Whether writes whose answers the next key depends on are still being saved.
    pub fn awaited(&self) -> bool {
        self.awaited.out() > 0
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

/// What kind of write an effect is, in one place, so a new write is classified once:
/// `Saves` a change the app has made already (no key waits for it); `Answers` with a
/// report that changes what the next key acts on (the list after a deletion or a
/// put-back, what `u` undoes after a mark-all, the sources pane after a change to a
/// feed), which a key read after it waits for (`tui/settle.rs`), as it would if typed
/// after the screen showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    Saves,
    Answers,
}

/// The effects that write to the store: the writer thread's, so that no key waits for
/// the write lock; `None` for the rest.
pub fn write_kind(effect: &Effect) -> Option<WriteKind> {
    match effect {
        Effect::SetRead(..)
        | Effect::SetStarred(..)
        | Effect::SetReadMany(..)
        | Effect::SavePosition(..)
        | Effect::RememberOpen(..)
        | Effect::SaveView(..)
        | Effect::AddRule(..)
        | Effect::LogFailures(..) => Some(WriteKind::Saves),
        Effect::MarkAllRead { .. }
        | Effect::Subscribe(..)
        | Effect::RemoveFeed(..)
        | Effect::RemoveLocal(..)
        | Effect::RenameFeed(..)
        | Effect::SetTags(..)
        | Effect::TakeOut(..)
        | Effect::PutBack(..) => Some(WriteKind::Answers),
        _ => None,
    }
}

/// Whether the effect is a write ([`write_kind`]).
pub fn is_write(effect: &Effect) -> bool {
    write_kind(effect).is_some()
}

/// Whether a key read after this write waits for its answer ([`WriteKind::Answers`]).
pub fn is_awaited(effect: &Effect) -> bool {
    write_kind(effect) == Some(WriteKind::Answers)
}

/// Carries out one write ([`is_write`]), with the report it answers with, if any; other
/// effects are not writes and do nothing here.
pub fn write(store: &Store, effect: Effect) -> Result<Option<Report>> {
    Ok(match effect {
        Effect::SetRead(id, read) => {
            store.articles().set_read(id, read)?;
            None
        }
        Effect::SetStarred(id, starred) => {
            store.articles().set_starred(id, starred)?;
            None
        }
        Effect::SetReadMany(ids, read) => {
            store.articles().set_read_many(&ids, read)?;
            None
        }
        Effect::SavePosition(id, position) => {
            store.articles().save_position(id, position)?;
            None
        }
        Effect::RememberOpen(id) => {
            store.views().set_meta(LAST_OPEN, &id.to_string())?;
            None
        }
        Effect::MarkAllRead { ids, up_to } => Some(Report::MarkedRead(match ids {
            Some(ids) => store.articles().mark_all_read(Some(&ids))?,
            None => store.articles().mark_all_read_up_to(up_to)?,
        })),
        Effect::LogFailures(lines) => {
            let now = jiff::Timestamp::now().as_second();
            let entries: Vec<(Option<i64>, String)> =
                lines.into_iter().map(|l| (None, l)).collect();
            store.maintenance().log_failures(now, &entries)?;
            None
        }
        Effect::Subscribe(url) => Some(match store.feeds().feed_by_url(&url)? {
            Some(feed) => Report::Notify(format!(
                "Already subscribed to {}",
                feed.name.as_deref().unwrap_or(&feed.url)
            )),
            None => {
                let feed = store.feeds().add_feed(&url, None)?;
                Report::Subscribed {
                    id: feed.id,
                    name: feed.name.unwrap_or(feed.url),
                }
            }
        }),
        Effect::RemoveFeed(id) => {
            let removed = store.feeds().remove_feed(id, false)?;
            let mut message = format!(
                "Unsubscribed; {} deleted",
                count(removed.articles, "article", "articles")
            );
            if removed.starred_kept > 0 {
                message.push_str(&format!(", {} starred kept", removed.starred_kept));
            }
            Some(Report::SourcesChanged(message))
        }
        Effect::RemoveLocal(source) => {
            let (deleted, kept) = store.articles().remove_local_source(&source)?;
            let mut message = format!(
                "{source}: {} deleted",
                count(deleted, "article", "articles")
            );
            if kept > 0 {
                message.push_str(&format!(", {kept} starred kept"));
            }
            Some(Report::SourcesChanged(message))
        }
        Effect::RenameFeed(id, name) => {
            store.feeds().rename_feed(id, &name)?;
            Some(Report::SourcesChanged(format!("Renamed to {name}")))
        }
        Effect::SetTags(id, tags) => {
            let before = store.feeds().tags_of(id)?;
            // Every tag checked before any is changed: a bad one changes nothing.
            let mut wanted: Vec<String> = Vec::new();
            for tag in &tags {
                let tag = crate::domain::store::clean_tag(tag)?;
                if !wanted.contains(&tag) {
                    wanted.push(tag);
                }
            }
            anyhow::ensure!(
                wanted.len() <= crate::domain::store::MAX_TAGS_PER_FEED,
                "a feed holds at most {} tags; nothing was changed",
                crate::domain::store::MAX_TAGS_PER_FEED
            );
            for tag in before.iter().filter(|t| !wanted.contains(t)) {
                store.feeds().untag_feed(id, tag)?;
            }
            for tag in &wanted {
                store.feeds().tag_feed(id, tag)?;
            }
            Some(Report::SourcesChanged(if wanted.is_empty() {
                "No tags: the feed is listed under Feeds".into()
            } else {
                format!("Tags: {}", wanted.join(", "))
            }))
        }
        Effect::SaveView(view) => {
            store.views().save_view(&view.name, &view.query)?;
            None
        }
        Effect::AddRule(query, action) => {
            let rule = store.rules().add_rule(&query, action)?;
            let archive = if rule.action == RuleAction::Delete {
                let preview = store.rules().preview_rule(&rule)?;
                format!(
                    "herald rule apply would delete {} already stored; starred ones are kept",
                    count(preview.ids.len(), "article", "articles")
                )
            } else {
                "herald rule apply for the archive".to_owned()
            };
            Some(Report::SourcesChanged(format!(
                "Rule {}: new articles that \"{}\" finds: {} ({archive})",
                rule.id,
                rule.query,
                rule.action.describe()
            )))
        }
        Effect::TakeOut(ids) => Some(Report::TakenOut(store.articles().take_out(&ids)?)),
        Effect::PutBack(taken) => {
            let back = store.articles().put_back(&taken)?;
            Some(Report::SourcesChanged(format!(
                "Put back {}",
                count(back.len(), "article", "articles")
            )))
        }
        _ => None,
    })
}
