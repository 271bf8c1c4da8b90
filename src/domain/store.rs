//! The article store: one SQLite file with a full-text index, every write a transaction.
//!
//! `Store` opens a file and runs batches; what a caller does to it goes through a handle
//! that names its concern: `store.articles()`, `store.feeds()`, `store.accounts()`
//! (with the outbox and the server's state), `store.rules()`, `store.views()` (saved
//! views and settings) and `store.maintenance()` (retention, the fetch log, checks and
//! repairs). `handles` defines them and says which the interactive reader uses and which
//! only the refresh, import, sync and the command line. No flag changes what a write
//! means: whether it is a savepoint is the connection's own state, and a fetch that
//! defers the rules does so through the handle it stores with.
//!
//! A map of its parts, in the order a store is opened, written and read:
//! - `open`: the connection, and making the file a store (or refusing it);
//!   `schema` tells what a file holds, `migrations` lists the steps that upgrade it.
//! - `handles`: the groups of the store's surface, above.
//! - `transaction`: every write an immediate transaction, or a savepoint in a batch.
//! - `prepared`, `insert`: articles worked out as rows, then added (or removed);
//!   `codec` compresses bodies, `links` keeps the links apart from them,
//!   `enclosures` the files an article carries;
//!   `counts` keeps the article and unread counts, `sources` the same per source.
//! - `accounts`: sync servers' accounts (never their secrets); `outbox`: each change
//!   to an account's article or feed, queued in the change's own transaction;
//!   `remote`: the server's state written back without queueing it; `entries`: a
//!   server's entries stored by (account, entry id); `fetch_log`: the failures of
//!   refreshes, kept. The schema's steps are in `migrations` (and `migrations/`: each
//!   shipped step's SQL and a frozen copy of the code it ran, naming nothing outside).
//! - `feeds`: subscriptions, and feed items updated in place; `fulltext`: the full
//!   articles fetched for teaser-only feeds, kept as bodies; `rewrite`: an article's
//!   content replaced in place, its word indexes with it; `tags`: their tags
//!   (folders) and per-feed counts; `schedule`: when each feed is due, its failures
//!   and the server's Retry-After.
//! - `read`: list rows and whole articles back; `flags`: read, starred, positions;
//!   `meta`: saved views and settings.
//! - `search` (with `clause`): a parsed query as SQL over the word indexes.
//! - `fault`: what a failure means, from SQLite's error code; `diagnostics`: checks and
//!   where the bytes go. `plans` (a test) checks every daily statement's query plan.

mod accounts;
mod clause;
mod codec;
mod counts;
mod delete;
mod diagnostics;
mod enclosures;
mod entries;
mod fault;
mod feeds;
mod fetch_log;
mod flags;
mod fulltext;
mod handles;
mod insert;
mod links;
mod meta;
mod migrations;
mod open;
mod outbox;
#[cfg(test)]
mod plans;
mod prepared;
mod read;
mod reindex;
mod remote;
mod retention;
mod rewrite;
mod rules;
mod schedule;
mod schema;
mod search;
mod sources;
mod sync_due;
mod tags;
#[cfg(test)]
mod testing;
mod transaction;

use std::path::PathBuf;

use rusqlite::Connection;

pub use accounts::{
    Account, AccountKind, AccountRemoved, MAX_ACCOUNT_NAME, NewAccount, SecretSource,
};
pub use codec::{Codec, TRAIN_AT as TRAIN_DICTIONARY_AT};
pub use delete::{Deleted, TakenOut};
pub use entries::SyncedEntry;
pub use fault::{Fault, hint};
pub use feeds::{Feed, Removed, UpsertCounts};
pub use fetch_log::LogEntry;
pub use fulltext::{FullText, Kept, Waiting};
pub use handles::{Accounts, Articles, Feeds, Maintenance, Rules, Views};
pub use insert::ImportCounts;
pub use migrations::CURRENT_VERSION as SCHEMA_VERSION;
pub use outbox::{Change, Pending};
pub use prepared::Prepared;
pub(crate) use prepared::body_of;
pub use remote::{AccountArticle, ServerFlags};
pub use retention::{FeedPruned, Limit, Pruned, Retention, check_limit};
pub use rules::{MAX_RULES, NoRule, Rule, RuleAction, RulePreview, RuleRun};
pub use schedule::{Attempt, MAX_BACKOFF, Plan, backoff, parse_refresh, plan};
pub use search::{Found, RANK_LIMIT};
pub use sources::{MAX_LOCAL_SOURCES, SourceCount};
pub use tags::{FeedCounts, MAX_TAG_CHARS, MAX_TAGS_PER_FEED, clean_tag};

/// How many articles of one import share a transaction: large enough that commits cost
/// little, small enough that the WAL stays modest during a huge import.
pub const BATCH_SIZE: usize = 4096;

/// Paragraphs are stored joined by this; importers guarantee no paragraph contains it.
pub(crate) const PARAGRAPH_BREAK: &str = "\n\n";

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    codec: Codec,
    // Two caches, not modes: neither changes what a write means. What a write needs
    // is the connection's own state (a transaction open: a savepoint of it) or comes
    // with the handle it is made through (`Feeds` deferring the rules).
    /// The article count at which to try training a compression dictionary next.
    train_at: std::cell::Cell<usize>,
    /// Whether `codec` has read the store's dictionaries.
    codec_loaded: std::cell::Cell<bool>,
}

#[cfg(test)]
impl Store {
    /// The connection, for tests elsewhere in the crate that arrange a failure.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}
