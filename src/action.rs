//! Everything a person can ask herald to do, as one enum. Keys map to these through the
//! keymap; `App::update` is the only place they take effect.

use serde::Deserialize;

use crate::model::{Article, Summary};

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
    #[serde(skip)]
    Click {
        column: u16,
        row: u16,
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
}

impl Action {
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
            Action::Resize { .. }
            | Action::Wheel { .. }
            | Action::Click { .. }
            | Action::ArticleLoaded(_)
            | Action::RowsLoaded { .. }
            | Action::Notify(_) => "",
        }
    }
}
