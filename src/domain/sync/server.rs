//! What a sync asks of a reader server, whatever its protocol: the calls the engine
//! makes, with ids as the server's strings (entry ids are stored as the articles'
//! guids, feed ids as `feeds.remote_id`). `miniflux_server` speaks Miniflux's REST API,
//! `greader` the Google Reader API.

use std::collections::HashSet;

use anyhow::Result;

use crate::domain::model::NewArticle;

/// A subscription as the server has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFeed {
    pub id: String,
    pub url: String,
    pub title: String,
    /// Its folder (Miniflux category, Google Reader label), if any but the default.
    pub folder: Option<String>,
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

/// A reader server.
pub trait Server {
    /// Sets these entries read or unread (absolute: the same state again is no change).
    fn set_read(&self, ids: &[String], read: bool) -> Result<()>;
    /// Stars or unstars these entries (absolute, never a toggle).
    fn set_starred(&self, ids: &[String], starred: bool) -> Result<()>;
    /// Subscribes to `url` in `folder`; the feed's id (an existing subscription's, if
    /// the server already has it).
    fn subscribe(&self, url: &str, folder: Option<&str>) -> Result<String>;
    /// Unsubscribes; a feed the server no longer has is done already.
    fn unsubscribe(&self, id: &str) -> Result<()>;
    fn rename(&self, id: &str, title: &str) -> Result<()>;
    /// Puts the feed in `folder` (the feed's first tag now), or the default folder.
    fn move_to(&self, id: &str, folder: Option<&str>) -> Result<()>;
    fn feeds(&self) -> Result<Vec<ServerFeed>>;
    /// Hands the entries new or changed since `mark` to `store`, a page at a time;
    /// `known` says whether the store has an entry already; `store` returns the ids of
    /// the entries it left (their feed unknown yet), to be asked for again next time.
    /// Returns the new mark.
    fn pull(
        &self,
        mark: Mark,
        known: &dyn Fn(&str) -> bool,
        store: &mut dyn FnMut(Vec<ServerEntry>) -> Result<Vec<String>>,
    ) -> Result<Mark>;
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
