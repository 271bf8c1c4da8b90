//! The store's surface, grouped by what a caller works on. `Store` itself opens a
//! file, tells its path and what other connections wrote, and runs a batch; everything
//! else is reached through one of these handles, so a call names its concern:
//! `store.articles().set_read(..)`, `store.feeds().upsert(..)`.
//!
//! A handle is a borrow of the store and nothing more (only [`Feeds`] also carries when
//! the rules see what it stores), so it costs nothing to make one per call. Its methods
//! live in the file of their concern (`read.rs`, `flags.rs`, `feeds.rs`, ...); it derefs
//! to the store so that they reach the connection and the helpers every concern shares
//! (`write`, the codec).
//!
//! Who uses which (ARCHITECTURE.md has the same list). The interactive reader
//! (`tui/effects.rs`, `tui/writer.rs`, `tui/worker.rs`) uses:
//! - [`Articles`]: rows, an article, counts, search, marks and positions, deleting and
//!   putting back, the per-source counts and removing a local source;
//! - [`Feeds`]: listing, adding, renaming, removing, tags, when the next is due;
//! - [`Rules`]: adding one, its preview, what they tag and whether any hides;
//! - [`Views`]: listing and saving views, a setting;
//! - [`Accounts`]: reading only (the list, per-account counts, a feed's account, when
//!   the next sync is due);
//! - [`Maintenance`]: the fetch log only (reading it, and logging a failed subscribe);
//! - [`Store::data_version`], to notice another process's writes.
//!
//! Only the refresh, import, sync and the command line use the rest: storing feed items
//! (`Feeds::upsert`, [`Feeds::deferring_rules`]), recording fetches and scheduling,
//! importing files (`Articles::import`), the full-text queue, every write of
//! [`Accounts`] (the outbox, the server's feeds, folders, entries and flags),
//! `Rules::apply_pending`, and [`Maintenance`]'s retention, checks and repairs.

use std::ops::Deref;

use super::Store;

/// When the rules see the articles a write stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RulesOnNew {
    /// In the write that stores them.
    Now,
    /// Later, all at once: the write notes where its new articles start, and
    /// `store.rules().apply_pending()` runs them (a fetch, see [`Feeds::deferring_rules`]).
    Deferred,
}

/// Articles: importing, reading, searching, marking, deleting and putting back, counts.
pub struct Articles<'a>(&'a Store);

/// Subscriptions: adding and removing, their items stored in place, tags, schedule,
/// per-feed retention and full text.
pub struct Feeds<'a> {
    store: &'a Store,
    pub(super) rules: RulesOnNew,
}

/// Sync accounts and what sync keeps: the outbox, the server's feeds, folders, entries
/// and flags, and when each account is due.
pub struct Accounts<'a>(&'a Store);

/// Rules: a query with an action, run on new articles and over the archive on demand.
pub struct Rules<'a>(&'a Store);

/// Saved views and the store's settings.
pub struct Views<'a>(&'a Store);

/// Keeping the store in shape: retention, the fetch log, checks, counts rebuilt, the
/// word index rebuilt, where the bytes go.
pub struct Maintenance<'a>(&'a Store);

impl Store {
    pub fn articles(&self) -> Articles<'_> {
        Articles(self)
    }

    pub fn feeds(&self) -> Feeds<'_> {
        Feeds {
            store: self,
            rules: RulesOnNew::Now,
        }
    }

    pub fn accounts(&self) -> Accounts<'_> {
        Accounts(self)
    }

    pub fn rules(&self) -> Rules<'_> {
        Rules(self)
    }

    pub fn views(&self) -> Views<'_> {
        Views(self)
    }

    pub fn maintenance(&self) -> Maintenance<'_> {
        Maintenance(self)
    }
}

impl<'a> Feeds<'a> {
    /// The same feeds, but the items stored through this handle only note where their new
    /// articles start, for `store.rules().apply_pending()` to check them all at once. A
    /// fetch stores its feeds in several transactions; each rule is a query of the word
    /// index, whose cost is in its lookups, not in the rows, so once per fetch instead of
    /// once per transaction. A value, not a mode: the writes made through any other
    /// handle run the rules as always, and nothing is left to restore when it goes.
    pub(crate) fn deferring_rules(&self) -> Feeds<'a> {
        Feeds {
            store: self.store,
            rules: RulesOnNew::Deferred,
        }
    }
}

macro_rules! to_the_store {
    ($($handle:ident),*) => {$(
        impl Deref for $handle<'_> {
            type Target = Store;
            fn deref(&self) -> &Store {
                self.0
            }
        }
    )*};
}

to_the_store!(Articles, Accounts, Rules, Views, Maintenance);

impl Deref for Feeds<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store
    }
}
