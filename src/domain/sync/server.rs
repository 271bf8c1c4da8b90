//! What a sync asks of a reader server, whatever its protocol: the calls the engine
//! makes, with ids as the server's strings (entry ids are stored as the articles'
//! guids, feed ids as `feeds.remote_id`). `miniflux_server` speaks Miniflux's REST API,
//! `greader` the Google Reader API.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::domain::model::NewArticle;

/// A subscription as the server has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFeed {
    pub id: String,
    pub url: String,
    pub title: String,
    /// Its folders (Miniflux's one category, Google Reader labels), less the default.
    pub folders: Vec<String>,
}

/// An entry as the server has it: the article (its guid the entry's id, its source
/// left for the engine to fill) and the feed it belongs to.
#[derive(Debug, Clone)]
pub struct ServerEntry {
    pub feed_id: String,
    pub article: NewArticle,
}

/// How far the pulls have gone, as the account keeps it between syncs: for Miniflux the
/// newest change time seen and the highest entry id; unused by the Google Reader API,
/// which diffs the ID list instead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mark {
    pub since: Option<i64>,
    pub last: Option<i64>,
}

/// What one sync may still take, in time and in entries: a server that pages without
/// end, or holds millions of entries, stops the pull with a message; what was stored
/// stays, and the next sync goes on from there.
#[derive(Debug, Clone)]
pub struct Budget {
    deadline: Instant,
    entries: usize,
    /// Why the pull stopped early, when it did.
    pub stopped: Option<String>,
}

impl Budget {
    pub fn new(time: Duration, entries: usize) -> Budget {
        Budget {
            deadline: Instant::now() + time,
            entries,
            stopped: None,
        }
    }

    /// Whether another page may be asked for; false, with the reason kept, once the
    /// time or the entries have run out.
    pub fn go_on(&mut self) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        if self.entries == 0 {
            self.stopped = Some("it took as many entries as one sync takes".into());
        } else if Instant::now() >= self.deadline {
            self.stopped = Some("it ran for as long as one sync runs".into());
        }
        self.stopped.is_none()
    }

    /// Counts `n` entries taken.
    pub fn take(&mut self, n: usize) {
        self.entries = self.entries.saturating_sub(n);
    }

    /// Stops the pull for `reason` (a server that pages without progress).
    pub fn stop(&mut self, reason: String) {
        self.stopped.get_or_insert(reason);
    }
}

/// Where a pull's pages go: the store takes them and returns the ids of the entries it
/// left (their feed unknown yet), to be asked for again next time.
pub type Sink<'a> = dyn FnMut(Vec<ServerEntry>) -> Result<Vec<String>> + 'a;

/// A reader server.
pub trait Server {
    /// Sets these entries read or unread (absolute: the same state again is no change).
    fn set_read(&self, ids: &[String], read: bool) -> Result<()>;
    /// Stars or unstars these entries (absolute, never a toggle).
    fn set_starred(&self, ids: &[String], starred: bool) -> Result<()>;
    /// Subscribes to `url` in `folders`; the feed's id (an existing subscription's, if
    /// the server already has it).
    fn subscribe(&self, url: &str, folders: &[String]) -> Result<String>;
    /// Unsubscribes; a feed the server no longer has is done already.
    fn unsubscribe(&self, id: &str) -> Result<()>;
    fn rename(&self, id: &str, title: &str) -> Result<()>;
    /// Gives the feed exactly `folders` (none: the default folder). A server with one
    /// folder per feed ([`Server::one_folder`]) takes the first.
    fn set_folders(&self, id: &str, folders: &[String]) -> Result<()>;
    /// Whether a feed is in one folder at most on this server (Miniflux's category).
    fn one_folder(&self) -> bool;
    fn feeds(&self) -> Result<Vec<ServerFeed>>;
    /// Hands the entries new or changed since `mark` to `sink`, a page at a time, while
    /// `budget` lasts; `known` says whether the store has an entry already. Returns the
    /// new mark: past what was stored, never past what was not.
    fn pull(
        &self,
        mark: Mark,
        known: &dyn Fn(&str) -> bool,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Mark>;
    /// Hands every entry of feed `id` to `sink` (a feed that joined the account);
    /// returns every entry id the server has for it, or `None` when the budget stopped
    /// the listing before its end.
    fn feed_entries(
        &self,
        id: &str,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Option<HashSet<String>>>;
    /// The ids of every unread entry, and of every starred one.
    fn unread_ids(&self) -> Result<HashSet<String>>;
    fn starred_ids(&self) -> Result<HashSet<String>>;
}

/// A server's answer, at most `limit` bytes: past it an error that says so (a server
/// cannot make herald hold more), as both protocols read their answers.
pub(super) fn read_capped(
    response: &mut ureq::http::Response<ureq::Body>,
    limit: u64,
    method: &str,
    url: &str,
) -> anyhow::Result<Vec<u8>> {
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => anyhow::anyhow!(
                "{method} {url}: the answer is larger than {} MiB",
                limit >> 20
            ),
            other => anyhow::anyhow!("{method} {url}: {other}"),
        })
}
