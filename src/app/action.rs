//! Everything a person can ask herald to do, as one enum, and the one table that names
//! each bindable intent, says what it does and orders it. The keymap file, the help
//! screen, the status-bar hints, `herald keys` and the README's key table all read that
//! table, so no second list can drift from it. Results of work (rows loaded, a fetch
//! finished) are not intents: they are `app::Report`s.

/// An intent, named for what it does rather than the key that asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SelectNext,
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
    /// Keep a reopened search's query to edit it (it opens selected: typing replaces it).
    KeepPrompt,
    /// Back to all articles from a search or view.
    ClearSearch,
    /// Best match first or newest first.
    ToggleOrder,
    /// Show only the unread articles of the current list, or all of them again.
    ToggleUnreadOnly,
    FindNext,
    FindPrev,
    /// Keep the current search as a named view.
    SaveView,
    /// Make a rule of the current search: what it finds among new articles is marked
    /// read, starred, hidden, tagged or deleted.
    AddRule,
    /// Switch to view N (1 all, 2 unread, 3 starred, then saved views).
    ShowView(u8),
    /// Take back the last change of read or starred state, or the last deletion.
    Undo,
    /// Delete the article for good (`u` puts it back in the same session).
    DeleteArticle,
    /// Mark every article in the view read (asks first when that is more than a screen).
    MarkAllRead,
    /// The next unread article, in any source, opened in the reader.
    NextUnread,
    /// Copy the article's link to the clipboard (OSC 52: works over ssh and tmux).
    CopyLink,
    /// Fetch the full article from the article's web page, in the background, and keep
    /// it as its text (for feeds that carry only a teaser).
    FetchFullText,
    /// Fetch every subscribed feed in the background.
    FetchFeeds,
    /// Fetch only the feed the list shows (or the sources pane's cursor is on).
    RefreshFeed,
    /// Subscribe to a feed by its address or its site's, found in the background.
    AddFeed,
    /// The fetch errors the store keeps (the last 20 a feed, 500 in all), in full.
    ShowFetchLog,
    /// Show or hide the sources pane (feeds, tags, views, files, with unread counts).
    ToggleSources,
    /// Move to the sources pane, showing it if hidden.
    FocusSources,
    /// Rename the feed under the sources pane's cursor.
    RenameSource,
    /// Edit the tags (folders) of the feed under the cursor.
    TagSource,
    /// Unsubscribe from the feed, or delete the files' source, under the cursor (asks).
    RemoveSource,
    /// Read the store again: articles another herald added appear.
    Reload,
    /// Open link N of the article (its links are numbered in the text).
    OpenLink,
    /// Open enclosure N of the article with the program its type is given in the
    /// config's `[openers]`, else `$BROWSER`.
    OpenEnclosure,
    /// Quit from the list.
    Quit,
    /// Quit from anywhere.
    ForceQuit,

    // Asked for with the mouse or by typing, not through bindings: not in the table.
    /// A character typed into the prompt.
    InsertChar(char),
    /// Mouse wheel at a cell: positive `lines` scrolls down.
    Wheel {
        column: u16,
        row: u16,
        lines: i16,
    },
    /// A left click at a cell, `at` when the terminal reported it: two on the same list
    /// row in quick succession open it. The event loop reads the clock; tests give it.
    Click {
        column: u16,
        row: u16,
        at: std::time::Instant,
    },
}

/// One bindable intent: its name in keymap files, its line in the help, and the word the
/// status bar uses for it when it has room for a hint.
#[derive(Debug)]
pub struct Spec {
    pub action: Action,
    pub name: &'static str,
    pub description: &'static str,
    pub hint: Option<&'static str>,
}

const fn spec(
    action: Action,
    name: &'static str,
    description: &'static str,
    hint: Option<&'static str>,
) -> Spec {
    Spec {
        action,
        name,
        description,
        hint,
    }
}

/// Every bindable intent, in the order the help lists them: the order a newcomer needs
/// them, not the alphabet's.
pub static ACTIONS: &[Spec] = &[
    spec(Action::SelectNext, "select_next", "next article", None),
    spec(Action::SelectPrev, "select_prev", "previous article", None),
    spec(Action::ScrollDown, "scroll_down", "scroll down", None),
    spec(Action::ScrollUp, "scroll_up", "scroll up", None),
    spec(Action::SelectFirst, "select_first", "first article", None),
    spec(Action::SelectLast, "select_last", "last article", None),
    spec(Action::ScrollTop, "scroll_top", "to the top", None),
    spec(Action::ScrollBottom, "scroll_bottom", "to the end", None),
    spec(Action::PageDown, "page_down", "page down", None),
    spec(Action::PageUp, "page_up", "page up", None),
    spec(
        Action::HalfPageDown,
        "half_page_down",
        "half a page down",
        None,
    ),
    spec(Action::HalfPageUp, "half_page_up", "half a page up", None),
    spec(
        Action::OpenArticle,
        "open_article",
        "open in the reader",
        Some("open"),
    ),
    spec(
        Action::NextArticle,
        "next_article",
        "next article",
        Some("next"),
    ),
    spec(
        Action::PrevArticle,
        "prev_article",
        "previous article",
        None,
    ),
    spec(Action::FocusNext, "focus_next", "switch pane", None),
    spec(
        Action::FocusList,
        "focus_list",
        "back to the list",
        Some("list"),
    ),
    spec(
        Action::ToggleZoom,
        "toggle_zoom",
        "zoom the reader",
        Some("zoom"),
    ),
    spec(
        Action::ToggleRead,
        "toggle_read",
        "mark read / unread",
        Some("read"),
    ),
    spec(
        Action::ToggleStar,
        "toggle_star",
        "star / unstar",
        Some("star"),
    ),
    spec(
        Action::OpenInBrowser,
        "open_in_browser",
        "open the link in a browser",
        None,
    ),
    spec(Action::CopyLink, "copy_link", "copy the link", None),
    spec(
        Action::FetchFullText,
        "fetch_full_text",
        "fetch the full article from its page",
        None,
    ),
    spec(Action::OpenLink, "open_link", "open link number N", None),
    spec(
        Action::OpenEnclosure,
        "open_enclosure",
        "open enclosure number N (podcast, video) with its opener",
        None,
    ),
    spec(Action::FetchFeeds, "fetch_feeds", "fetch all feeds", None),
    spec(
        Action::RefreshFeed,
        "refresh_feed",
        "fetch only this feed",
        None,
    ),
    spec(
        Action::AddFeed,
        "add_feed",
        "add a feed (its address or its site's)",
        None,
    ),
    spec(
        Action::ToggleSources,
        "toggle_sources",
        "show / hide the sources pane",
        Some("sources"),
    ),
    spec(
        Action::FocusSources,
        "focus_sources",
        "to the sources pane",
        None,
    ),
    spec(
        Action::RenameSource,
        "rename_source",
        "rename the feed",
        Some("rename"),
    ),
    spec(
        Action::TagSource,
        "tag_source",
        "tag the feed (folders)",
        Some("tag"),
    ),
    spec(
        Action::RemoveSource,
        "remove_source",
        "remove the feed or files (asks)",
        Some("remove"),
    ),
    spec(
        Action::ShowFetchLog,
        "show_fetch_log",
        "fetch errors, in full",
        None,
    ),
    spec(
        Action::Reload,
        "reload",
        "reload (see articles added elsewhere)",
        None,
    ),
    spec(
        Action::NextUnread,
        "next_unread",
        "next unread article",
        None,
    ),
    spec(
        Action::Undo,
        "undo",
        "undo the last read/star change or delete",
        None,
    ),
    spec(
        Action::DeleteArticle,
        "delete_article",
        "delete the article (u puts it back)",
        None,
    ),
    spec(
        Action::MarkAllRead,
        "mark_all_read",
        "mark all in this view read",
        None,
    ),
    spec(
        Action::StartSearch,
        "start_search",
        "search all articles",
        None,
    ),
    spec(
        Action::StartFind,
        "start_find",
        "find in this article",
        None,
    ),
    spec(Action::FindNext, "find_next", "next match", None),
    spec(Action::FindPrev, "find_prev", "previous match", None),
    spec(
        Action::ToggleOrder,
        "toggle_order",
        "best match / newest first",
        None,
    ),
    spec(
        Action::ClearSearch,
        "clear_search",
        "back to all articles",
        None,
    ),
    spec(
        Action::SaveView,
        "save_view",
        "save the search as a view",
        None,
    ),
    spec(
        Action::AddRule,
        "add_rule",
        "make a rule of the search (read, star, hide, tag, delete new ones)",
        None,
    ),
    spec(Action::ShowView(1), "show_view_1", "all articles", None),
    spec(Action::ShowView(2), "show_view_2", "unread", None),
    spec(Action::ShowView(3), "show_view_3", "starred", None),
    spec(Action::ShowView(4), "show_view_4", "a saved view", None),
    spec(Action::ShowView(5), "show_view_5", "a saved view", None),
    spec(Action::ShowView(6), "show_view_6", "a saved view", None),
    spec(Action::ShowView(7), "show_view_7", "a saved view", None),
    spec(Action::ShowView(8), "show_view_8", "a saved view", None),
    spec(Action::ShowView(9), "show_view_9", "a saved view", None),
    spec(
        Action::SubmitPrompt,
        "submit_prompt",
        "keep the results",
        Some("keep"),
    ),
    spec(
        Action::CancelPrompt,
        "cancel_prompt",
        "cancel",
        Some("cancel"),
    ),
    spec(
        Action::DeleteBack,
        "delete_back",
        "delete a character",
        None,
    ),
    spec(Action::DeleteWord, "delete_word", "delete a word", None),
    spec(Action::ClearPrompt, "clear_prompt", "clear the line", None),
    spec(
        Action::ToggleUnreadOnly,
        "toggle_unread_only",
        "unread only / read and unread",
        None,
    ),
    spec(
        Action::KeepPrompt,
        "keep_prompt",
        "keep the query to edit (typing replaces it)",
        None,
    ),
    spec(Action::ShowHelp, "show_help", "this help", Some("help")),
    spec(Action::CloseHelp, "close_help", "close help", Some("close")),
    spec(Action::Quit, "quit", "quit", Some("quit")),
    spec(Action::ForceQuit, "force_quit", "quit from anywhere", None),
];

impl Action {
    /// The action a keymap file names, if it names one.
    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.action.clone())
    }

    /// This action's row of the table; `None` for the typed and mouse intents.
    pub fn spec(&self) -> Option<&'static Spec> {
        ACTIONS.iter().find(|s| s.action == *self)
    }

    /// The keymap name, for messages about bindings.
    pub fn name(&self) -> &'static str {
        self.spec().map_or("", |s| s.name)
    }

    /// The line the help screen shows for this action.
    pub fn description(&self) -> &'static str {
        self.spec().map_or("", |s| s.description)
    }

    /// Where the help lists this action.
    pub fn order(&self) -> usize {
        ACTIONS
            .iter()
            .position(|s| s.action == *self)
            .unwrap_or(ACTIONS.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_read_back() {
        for (i, spec) in ACTIONS.iter().enumerate() {
            assert_eq!(Action::from_name(spec.name), Some(spec.action.clone()));
            assert_eq!(spec.action.order(), i, "{} listed twice", spec.name);
            assert!(
                !spec.description.is_empty(),
                "{} has no help line",
                spec.name
            );
            assert!(
                spec.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{} is not snake_case",
                spec.name
            );
        }
        assert_eq!(Action::from_name("fly_away"), None);
        assert_eq!(Action::from_name("show_view_0"), None);
        assert_eq!(Action::InsertChar('x').spec().map(|s| s.name), None);
    }

    #[test]
    fn every_bindable_intent_is_in_the_default_keymap_or_named() {
        // The built-in keymap may leave an intent unbound, but every name it uses must be
        // in the table (parsing it checks that), and the table must cover the keymap.
        let keymap = crate::app::keymap::Keymap::default_keymap().unwrap();
        let listing = keymap.listing();
        // Each binding line starts with the action's name; `[mode]` lines head them.
        let listed: Vec<&str> = listing
            .lines()
            .filter(|l| !l.starts_with('[') && !l.trim().is_empty())
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert!(listed.contains(&"force_quit"), "{listing}");
        for spec in ACTIONS {
            if !listed.contains(&spec.name) {
                // Only the saved views beyond the fourth may be unbound by default.
                assert!(spec.name.starts_with("show_view_"), "{} unbound", spec.name);
            }
        }
    }
}
