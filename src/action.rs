//! Everything a person can ask herald to do, as one enum. Keys map to these through the
//! keymap; `App::update` is the only place they take effect.

use serde::Deserialize;

use crate::app::SavedView;
use crate::model::{Article, ArticleId, Summary};
use crate::store::Found;

/// An intent, named for what it does rather than the key that asks for it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Move the list selection down one row.
    SelectNext,
    /// Move the list selection up one row.
    SelectPrev,
    SelectFirst,
    SelectLast,
    /// A screenful down, in whichever pane has focus.
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    ScrollDown,
    ScrollUp,
    ScrollTop,
    ScrollBottom,
    /// Open the selected article in the reader and focus it.
    OpenArticle,
    /// From the reader: the next article in the list, without leaving the reader.
    NextArticle,
    PrevArticle,
    FocusNext,
    FocusList,
    ToggleZoom,
    ToggleRead,
    ToggleStar,
    OpenInBrowser,
    ShowHelp,
    CloseHelp,
    /// Open the search prompt; the list filters as you type.
    StartSearch,
    /// Open the find prompt to search inside the open article.
    StartFind,
    /// Keep the search or find and close the prompt.
    SubmitPrompt,
    /// Close the prompt; a search gives back the list as it was.
    CancelPrompt,
    DeleteBack,
    DeleteWord,
    ClearPrompt,
    /// Back to all articles from a search or view.
    ClearSearch,
    /// Best match first or newest first.
    ToggleOrder,
    FindNext,
    FindPrev,
    /// Keep the current search as a named view.
    SaveView,
    /// Switch to view N (1 all, 2 unread, 3 starred, then saved views); bound in the
    /// keymap as `show_view_N`.
    #[serde(skip)]
    ShowView(u8),
    /// Take back the last change of read or starred state.
    Undo,
    /// Mark every article in the view read (asks first when that is more than a screen).
    MarkAllRead,
    /// The next unread article, in any source, opened in the reader.
    NextUnread,
    /// Copy the article's link to the clipboard (OSC 52: works over ssh and tmux).
    CopyLink,
    /// Fetch every subscribed feed in the background.
    FetchFeeds,
    /// Read the store again: articles another herald added appear.
    Reload,
    /// Open link N of the article (its links are numbered in the text).
    OpenLink,
    /// Quit from the list.
    Quit,
    /// Quit from anywhere.
    ForceQuit,

    // Not bound to keys: these come from the terminal and from effects.
    #[serde(skip)]
    Resize {
        width: u16,
        height: u16,
    },
    /// Mouse wheel at a cell: positive `lines` scrolls down.
    #[serde(skip)]
    Wheel {
        column: u16,
        row: u16,
        lines: i16,
    },
    /// A left click at a cell, `at` when the terminal reported it: two on the same list
    /// row in quick succession open it. The event loop reads the clock; tests give it.
    #[serde(skip)]
    Click {
        column: u16,
        row: u16,
        at: std::time::Instant,
    },
    #[serde(skip)]
    ArticleLoaded(Box<Article>),
    /// Rows of the list, loaded from the store from index `start`.
    #[serde(skip)]
    RowsLoaded {
        start: usize,
        rows: Vec<Summary>,
    },
    /// A message for the status bar, such as an error from the store.
    #[serde(skip)]
    Notify(String),
    /// A character typed into the prompt.
    #[serde(skip)]
    InsertChar(char),
    /// A search's answer; `generation` tells whether it is still wanted.
    #[serde(skip)]
    SearchDone {
        generation: u64,
        result: Result<Found, String>,
    },
    #[serde(skip)]
    ViewsLoaded(Vec<SavedView>),
    /// These articles were marked read by a mark-all (those that were unread).
    #[serde(skip)]
    MarkedRead(Vec<ArticleId>),
    /// Go to this article: its row in the newest-first list of all articles.
    #[serde(skip)]
    GoToArticle {
        id: ArticleId,
        row: usize,
    },
    /// A background fetch has finished `done` of `total` feeds.
    #[serde(skip)]
    FetchProgress {
        done: usize,
        total: usize,
    },
    /// A background fetch is over: what it brought, and the failures.
    #[serde(skip)]
    FetchDone {
        new: usize,
        updated: usize,
        failures: Vec<String>,
    },
    /// A fetch found no subscriptions: nothing failed, there is nothing to fetch yet.
    #[serde(skip)]
    NothingToFetch,
    /// The store changed under the list (a fetch, an import elsewhere).
    #[serde(skip)]
    Refreshed {
        total: usize,
        unread: usize,
        /// Where the selected article now is in the newest-first order.
        selected_row: Option<usize>,
    },
}

impl Action {
    /// Results coming back from the store, the worker threads or the terminal, as
    /// opposed to something the person asked for: they leave the status message alone.
    pub fn is_report(&self) -> bool {
        matches!(
            self,
            Action::Notify(_)
                | Action::ArticleLoaded(_)
                | Action::Resize { .. }
                | Action::RowsLoaded { .. }
                | Action::SearchDone { .. }
                | Action::ViewsLoaded(_)
                | Action::MarkedRead(_)
                | Action::GoToArticle { .. }
                | Action::FetchProgress { .. }
                | Action::FetchDone { .. }
                | Action::NothingToFetch
                | Action::Refreshed { .. }
        )
    }

    /// The line the help screen shows for this action.
    pub fn description(&self) -> &'static str {
        match self {
            Action::SelectNext => "next article",
            Action::SelectPrev => "previous article",
            Action::SelectFirst => "first article",
            Action::SelectLast => "last article",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::HalfPageDown => "half a page down",
            Action::HalfPageUp => "half a page up",
            Action::ScrollDown => "scroll down",
            Action::ScrollUp => "scroll up",
            Action::ScrollTop => "to the top",
            Action::ScrollBottom => "to the end",
            Action::OpenArticle => "open in the reader",
            Action::NextArticle => "next article",
            Action::PrevArticle => "previous article",
            Action::FocusNext => "switch pane",
            Action::FocusList => "back to the list",
            Action::ToggleZoom => "zoom the reader",
            Action::ToggleRead => "mark read / unread",
            Action::ToggleStar => "star / unstar",
            Action::OpenInBrowser => "open the link in a browser",
            Action::ShowHelp => "this help",
            Action::CloseHelp => "close help",
            Action::Quit => "quit",
            Action::ForceQuit => "quit from anywhere",
            Action::StartSearch => "search all articles",
            Action::StartFind => "find in this article",
            Action::SubmitPrompt => "keep the results",
            Action::CancelPrompt => "cancel",
            Action::DeleteBack => "delete a character",
            Action::DeleteWord => "delete a word",
            Action::ClearPrompt => "clear the line",
            Action::ClearSearch => "back to all articles",
            Action::ToggleOrder => "best match / newest first",
            Action::FindNext => "next match",
            Action::FindPrev => "previous match",
            Action::SaveView => "save the search as a view",
            Action::ShowView(1) => "all articles",
            Action::ShowView(2) => "unread",
            Action::ShowView(3) => "starred",
            Action::ShowView(_) => "a saved view",
            Action::Undo => "undo the last read/star change",
            Action::MarkAllRead => "mark all in this view read",
            Action::NextUnread => "next unread article",
            Action::CopyLink => "copy the link",
            Action::FetchFeeds => "fetch all feeds",
            Action::Reload => "reload (see articles added elsewhere)",
            Action::OpenLink => "open link number N",
            Action::Resize { .. }
            | Action::Wheel { .. }
            | Action::Click { .. }
            | Action::ArticleLoaded(_)
            | Action::RowsLoaded { .. }
            | Action::Notify(_)
            | Action::InsertChar(_)
            | Action::SearchDone { .. }
            | Action::ViewsLoaded(_)
            | Action::MarkedRead(_)
            | Action::GoToArticle { .. }
            | Action::FetchProgress { .. }
            | Action::FetchDone { .. }
            | Action::NothingToFetch
            | Action::Refreshed { .. } => "",
        }
    }
}
