//! What `update` and `apply` ask the outside world to do.

use crate::domain::model::{ArticleId, Position, SavedView};
use crate::domain::search::{Order, Query};

/// Work that `update` asks for and the event loop carries out against the store or the
/// system; results come back as reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Rows `start..start + len` of the list: from the store's order, or of `ids`.
    LoadRows {
        start: usize,
        len: usize,
        ids: Option<Vec<ArticleId>>,
    },
    /// Open this article in the reader (Enter, a double click, `J`).
    LoadArticle(ArticleId),
    /// Show this article in the reader as the list's selection moves, without opening it.
    PreviewArticle(ArticleId),
    SetRead(ArticleId, bool),
    SetStarred(ArticleId, bool),
    SavePosition(ArticleId, Position),
    RememberOpen(ArticleId),
    OpenUrl(String),
    /// Run `argv` (an opener from the config) with `url` as one more argument, never
    /// through a shell.
    OpenWith {
        argv: Vec<String>,
        url: String,
    },
    /// Run a search; the answer comes back as `Report::SearchDone` with `generation`, and
    /// answers to older generations are dropped.
    Search {
        generation: u64,
        query: Query,
        order: Order,
    },
    SaveView(SavedView),
    /// Keep a rule; `Report::SourcesChanged` says so, or a notice why not.
    AddRule(String, crate::domain::store::RuleAction),
    /// Set the read flag of many articles at once (undo of a mark-all).
    SetReadMany(Vec<ArticleId>, bool),
    /// Mark read these articles, or (`ids` `None`) every unread article up to `up_to`,
    /// the newest the reader had counted when asked: a fetch's articles stored after the
    /// question stay unread. The ones that changed come back as `Report::MarkedRead`.
    MarkAllRead {
        ids: Option<Vec<ArticleId>>,
        up_to: Option<ArticleId>,
    },
    /// Find the next unread article after this one, in newest-first order, wrapping.
    FindNextUnread(Option<ArticleId>),
    /// Put text on the clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    /// Look for feeds at an address (a feed, or a site's page that names some); the
    /// answer is `Report::FeedsFound`.
    Discover(String),
    /// Subscribe to this feed; `Report::Subscribed` follows, or a notice why not.
    Subscribe(String),
    /// Ask the store when the next feed is due; the answer is `Report::Scheduled`.
    CheckSchedule,
    /// Fetch the feeds that are due, in the background; the end comes back as
    /// `Report::FetchDone`, then `Report::Scheduled` with the next time.
    FetchDue,
    /// Fetch every feed in the background; progress and the end come back as reports.
    FetchFeeds,
    /// Fetch these feeds only (one feed's refresh, a feed just added), the same way.
    FetchOnly(Vec<i64>),
    /// Delete these articles for good, keeping them whole: `Report::TakenOut`.
    TakeOut(Vec<crate::domain::model::ArticleId>),
    /// Put back articles taken out (undo of a delete).
    PutBack(Vec<crate::domain::store::TakenOut>),
    /// Read the sources pane's lines: `Report::SourcesLoaded`.
    LoadSources,
    /// Read the saved views again: `Report::ViewsLoaded`.
    LoadViews,
    /// Read the fetch log the store keeps: `Report::FetchLogLoaded`.
    LoadFetchLog,
    /// Keep these failures (met here: adding a feed) in the store's fetch log.
    LogFailures(Vec<String>),
    /// Count the articles each of these views (by number) finds, in the background:
    /// `Report::ViewsCounted`.
    CountViews(Vec<(u8, Query)>),
    /// Unsubscribe (starred articles kept); `Report::SourcesChanged` follows.
    RemoveFeed(i64),
    /// Delete the articles of no feed with this source (starred ones kept).
    RemoveLocal(String),
    RenameFeed(i64, String),
    /// Give the feed exactly these tags.
    SetTags(i64, Vec<String>),
    /// Fetch this article's page in the background and keep its full article as the
    /// text; the end comes back as `Report::FullTextFetched`.
    FetchFullText(ArticleId),
    /// Draw these pictures of the open article, off the loop's thread: each comes back
    /// as `Report::PictureDrawn`.
    DrawPictures(super::pictures::PictureRequest),
    /// Count the store again and find where `keep` now sits.
    Refresh {
        keep: Option<ArticleId>,
    },
}
