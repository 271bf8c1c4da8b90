//! The application state and the one place it changes: `App::update`, which turns an
//! action into new state plus effects for the caller to run. It does no I/O itself.

pub mod list;
pub mod marks;
pub mod prompt;
pub mod reader;
mod search;
pub mod undo;
pub mod view;

use std::time::{Duration, Instant};

use jiff::Timestamp;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position as Cell, Rect};

use crate::action::Action;
use crate::config::LayoutChoice;
use crate::keymap::{Context, Key, Keymap, Resolution};
use crate::model::{ArticleId, Position, Summary};
use crate::search::{Order, Query};
use crate::ui::layout;

pub use list::ArticleList;
pub use prompt::{Prompt, PromptKind};
pub use reader::Reader;
pub use view::{SavedView, View};

/// What the config file sets for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub layout: LayoutChoice,
    pub reader_width: u16,
    pub date_format: String,
    pub mark_read_on_open: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            layout: LayoutChoice::Auto,
            reader_width: layout::READABLE_WIDTH,
            date_format: "%d %b %y".into(),
            mark_read_on_open: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Reader,
}

/// Work that `update` asks for and the event loop carries out against the store or the
/// system; results come back as actions.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Rows `start..start + len` of the list: from the store's order, or of `ids`.
    LoadRows {
        start: usize,
        len: usize,
        ids: Option<Vec<ArticleId>>,
    },
    LoadArticle(ArticleId),
    SetRead(ArticleId, bool),
    SetStarred(ArticleId, bool),
    SavePosition(ArticleId, Position),
    RememberOpen(ArticleId),
    OpenUrl(String),
    /// Run a search; the answer comes back as `Action::SearchDone` with `generation`, and
    /// answers to older generations are dropped.
    Search {
        generation: u64,
        query: Query,
        order: Order,
    },
    SaveView(SavedView),
    /// Set the read flag of many articles at once (undo of a mark-all).
    SetReadMany(Vec<ArticleId>, bool),
    /// Mark read these articles (`None`: every unread article); the ones that changed
    /// come back as `Action::MarkedRead`.
    MarkAllRead(Option<Vec<ArticleId>>),
    /// Find the next unread article after this one, in newest-first order, wrapping.
    FindNextUnread(Option<ArticleId>),
    /// Put text on the clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    /// Fetch every feed in the background; progress and the end come back as actions.
    FetchFeeds,
    /// Count the store again and find where `keep` now sits.
    Refresh {
        keep: Option<ArticleId>,
    },
}

#[derive(Debug, Clone)]
pub struct App {
    pub keymap: Keymap,
    pub list: ArticleList,
    pub reader: Option<Reader>,
    pub focus: Focus,
    pub zoomed: bool,
    pub help_open: bool,
    /// Lines the help screen is scrolled by.
    pub help_scroll: usize,
    pub status: Option<String>,
    /// Articles in the store, and how many are unread.
    pub total: usize,
    pub unread: usize,
    pub size: Rect,
    pub quit: bool,
    pub prompt: Option<Prompt>,
    /// What the list shows.
    pub view: View,
    /// Built-in views, then the saved ones, on keys 1 to 9.
    pub views: Vec<SavedView>,
    /// The view a pending search will become, and the number of the newest search.
    pending: Option<View>,
    generation: u64,
    /// The list as it was before the search prompt opened, for Esc.
    before_search: Option<(View, ArticleList)>,
    /// The article to select again when a re-run search answers.
    reselect: Option<ArticleId>,
    /// Anchors `since:` in queries; injected so tests do not read the clock.
    pub now: Timestamp,
    /// The zone dates are shown in: UTC until the event loop sets the user's, so tests
    /// give it rather than read the environment.
    pub zone: jiff::tz::TimeZone,
    pub settings: Settings,
    pub theme: crate::ui::theme::Theme,
    /// The keys of a sequence typed so far (`g` of `g g`).
    pub pending_keys: Vec<Key>,
    pub history: undo::History,
    /// True while a background fetch runs.
    pub fetching: bool,
    /// The last single click on a list row: when, and which row, to tell a double click.
    last_click: Option<(Instant, usize)>,
}

/// Two clicks on one row within this time are a double click (the common desktop default).
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

impl App {
    pub fn new(keymap: Keymap, total: usize, unread: usize, size: Rect) -> App {
        App {
            keymap,
            list: ArticleList::new(total),
            reader: None,
            focus: Focus::List,
            zoomed: false,
            help_open: false,
            help_scroll: 0,
            status: None,
            total,
            unread,
            size,
            quit: false,
            prompt: None,
            view: View::all(),
            views: view::built_in(),
            pending: None,
            generation: 0,
            before_search: None,
            reselect: None,
            now: Timestamp::UNIX_EPOCH,
            zone: jiff::tz::TimeZone::UTC,
            settings: Settings::default(),
            theme: crate::ui::theme::DEFAULT,
            pending_keys: Vec::new(),
            history: undo::History::default(),
            fetching: false,
            last_click: None,
        }
    }

    /// The keymap context for the current state.
    pub fn context(&self) -> Context {
        if self.help_open {
            Context::Help
        } else if self.prompt.is_some() {
            Context::Prompt
        } else {
            match self.focus {
                Focus::List => Context::List,
                Focus::Reader => Context::Reader,
            }
        }
    }

    /// True while a search is on its way from the worker.
    pub fn searching(&self) -> bool {
        self.pending.is_some()
    }

    /// The action a key asks for here, following sequences (`g g`) across calls. In a
    /// prompt, unbound characters are typed.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Option<Action> {
        let context = self.context();
        let mut pressed = std::mem::take(&mut self.pending_keys);
        pressed.push(Key::from_event(key));
        match self.keymap.resolve(context, &pressed) {
            Resolution::Action(action) => return Some(action),
            Resolution::Pending => {
                self.pending_keys = pressed;
                return None;
            }
            Resolution::None if pressed.len() > 1 => {
                // Not a sequence after all: try the last key on its own.
                return self.handle_key(key);
            }
            Resolution::None => {}
        }
        let modifiers = ratatui::crossterm::event::KeyModifiers::CONTROL
            | ratatui::crossterm::event::KeyModifiers::ALT;
        match (context, key.code) {
            (Context::Prompt, KeyCode::Char(c)) if !key.modifiers.intersects(modifiers) => {
                Some(Action::InsertChar(c))
            }
            _ => None,
        }
    }

    pub fn panes(&self) -> layout::Panes {
        layout::panes(self.size, self.zoomed, self.settings.layout)
    }

    fn list_height(&self) -> usize {
        self.panes()
            .list
            .map_or(1, |r| usize::from(layout::pane_inner(r).height).max(1))
    }

    fn reader_geometry(&self) -> (usize, usize) {
        let area = self
            .panes()
            .reader
            .map(|pane| layout::reader_area(pane, self.settings.reader_width))
            .map_or(Rect::default(), |a| a.text);
        (
            usize::from(area.width).max(1),
            usize::from(area.height).max(1),
        )
    }

    /// Applies one action. Returns the effects to run; `self` is already up to date.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let mut effects = Vec::new();
        if !action.is_report() {
            self.status = None;
        }
        let height = self.list_height();
        match action {
            Action::SelectNext => self.list.move_by(1, height),
            Action::SelectPrev => self.list.move_by(-1, height),
            Action::SelectFirst => self.list.select(0, height),
            Action::SelectLast => self.list.select(usize::MAX, height),
            Action::PageDown => self.page(1, 1),
            Action::PageUp => self.page(-1, 1),
            Action::HalfPageDown => self.page(1, 2),
            Action::HalfPageUp => self.page(-1, 2),
            Action::ScrollDown if self.help_open => {
                let lines =
                    crate::ui::help::lines(self, &crate::ui::theme::DEFAULT, self.size.width).len();
                self.help_scroll = (self.help_scroll + 1).min(lines);
            }
            Action::ScrollUp if self.help_open => {
                self.help_scroll = self.help_scroll.saturating_sub(1);
            }
            Action::ScrollDown => self.scroll_reader(1),
            Action::ScrollUp => self.scroll_reader(-1),
            Action::ScrollTop => {
                if let Some(r) = &mut self.reader {
                    r.scroll_to(0);
                }
            }
            Action::ScrollBottom => {
                if let Some(r) = &mut self.reader {
                    r.scroll_to(usize::MAX);
                }
            }
            Action::OpenArticle => match self.list.selected_row() {
                Some(row) => effects.push(Effect::LoadArticle(row.id)),
                None => self.status = Some("No article to open".into()),
            },
            Action::NextArticle | Action::PrevArticle => {
                let delta = if action == Action::NextArticle { 1 } else { -1 };
                let before = self.list.selected;
                self.list.move_by(delta, height);
                if self.list.selected == before {
                    self.status = Some(if delta > 0 {
                        "This is the last article".into()
                    } else {
                        "This is the first article".into()
                    });
                } else if let Some(row) = self.list.selected_row() {
                    effects.push(Effect::LoadArticle(row.id));
                }
            }
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::List if self.reader.is_some() => Focus::Reader,
                    _ => Focus::List,
                };
                if self.focus == Focus::List {
                    self.zoomed = false;
                }
            }
            Action::FocusList => {
                self.focus = Focus::List;
                self.zoomed = false;
            }
            Action::ToggleZoom => {
                if self.reader.is_some() {
                    self.zoomed = !self.zoomed;
                    if self.zoomed {
                        self.focus = Focus::Reader;
                    }
                    self.relayout();
                } else {
                    self.status = Some("Open an article to zoom the reader".into());
                }
            }
            Action::ToggleRead => {
                if let Some(id) = self.target().map(|s| s.id) {
                    let read = !self.target().is_some_and(|s| s.read);
                    self.set_read(id, read, &mut effects);
                }
            }
            Action::ToggleStar => {
                if let Some(target) = self.target() {
                    let (id, starred) = (target.id, !target.starred);
                    self.for_each_copy(id, |s| s.starred = starred);
                    self.history.record(undo::Change {
                        flag: undo::Flag::Starred,
                        ids: vec![id],
                        before: !starred,
                    });
                    effects.push(Effect::SetStarred(id, starred));
                }
            }
            Action::Undo => self.undo(&mut effects),
            Action::MarkAllRead => {
                let height = self.list_height();
                let affected = if self.view.is_all() {
                    self.unread
                } else {
                    self.list.total
                };
                if affected == 0 {
                    self.status = Some("Nothing unread here".into());
                } else if affected > height {
                    self.prompt = Some(Prompt::new(
                        PromptKind::ConfirmMarkAll(affected),
                        String::new(),
                    ));
                } else {
                    effects.push(self.mark_all_effect());
                }
            }
            Action::MarkedRead(ids) => {
                let count = ids.len();
                for id in &ids {
                    self.for_each_copy(*id, |s| s.read = true);
                }
                self.unread = self.unread.saturating_sub(count);
                self.history.record(undo::Change {
                    flag: undo::Flag::Read,
                    ids,
                    before: false,
                });
                self.status = Some(format!("Marked {count} read; u undoes"));
            }
            Action::NextUnread => {
                let after = self.target().map(|s| s.id);
                effects.push(Effect::FindNextUnread(after));
            }
            Action::GoToArticle { id, row } => {
                if !self.view.is_all() {
                    self.show_all();
                }
                let height = self.list_height();
                self.list.select(row, height);
                effects.push(Effect::LoadArticle(id));
            }
            Action::FetchFeeds if self.fetching => {
                self.status = Some("Already fetching".into());
            }
            Action::FetchFeeds => {
                self.fetching = true;
                self.status = Some("Fetching feeds…".into());
                effects.push(Effect::FetchFeeds);
            }
            Action::Reload => {
                let keep = self.list.selected_row().map(|r| r.id);
                effects.push(Effect::Refresh { keep });
            }
            Action::FetchProgress { done, total } => {
                self.status = Some(format!("Fetching feeds {done}/{total}…"));
            }
            Action::NothingToFetch => {
                self.fetching = false;
                self.status =
                    Some("No feeds to fetch yet: add one with herald feed add URL".into());
            }
            Action::FetchDone {
                new,
                updated,
                failures,
            } => {
                self.fetching = false;
                let mut message = format!("Fetched: {new} new, {updated} updated");
                if !failures.is_empty() {
                    message.push_str(&format!(
                        ", {} failed ({})",
                        failures.len(),
                        failures.join("; ")
                    ));
                }
                self.status = Some(message);
                let keep = self.list.selected_row().map(|r| r.id);
                effects.push(Effect::Refresh { keep });
            }
            Action::Refreshed {
                total,
                unread,
                selected_row,
            } => {
                self.total = total;
                self.unread = unread;
                if self.view.is_all() {
                    // The same article stays selected, wherever new ones pushed it.
                    let selected = selected_row.unwrap_or(self.list.selected);
                    let offset_in_view = selected.saturating_sub(self.list.offset);
                    self.list = ArticleList::new(total);
                    self.list.selected = selected.min(total.saturating_sub(1));
                    self.list.offset = self.list.selected.saturating_sub(offset_in_view);
                    let height = self.list_height();
                    self.list.scroll_into_view(height);
                } else {
                    let view = self.view.clone();
                    self.reselect = self.list.selected_row().map(|r| r.id);
                    self.run_search(view, &mut effects);
                }
            }
            Action::OpenLink => match &self.reader {
                Some(r) if !r.article.links.is_empty() => {
                    self.prompt = Some(Prompt::new(PromptKind::OpenLink, String::new()));
                }
                Some(_) => self.status = Some("This article has no numbered links".into()),
                None => {}
            },
            Action::CopyLink => match self.target().map(|s| s.url.clone()) {
                // A link with a line break or a bidi override would paste other than it
                // reads (into a shell, say): only a plain web address is copied.
                Some(Some(url)) if crate::display::plain_web_address(&url).is_none() => {
                    self.status =
                        Some("Not copied: the link is not a plain http or https address".into());
                }
                Some(Some(url)) => {
                    self.status = Some(format!("Copied {url}"));
                    effects.push(Effect::CopyToClipboard(url));
                }
                Some(None) => self.status = Some("This article has no link".into()),
                None => {}
            },
            Action::OpenInBrowser => match self.target().map(|s| s.url.clone()) {
                Some(Some(url)) => {
                    self.status = Some(format!("Opening {url}"));
                    effects.push(Effect::OpenUrl(url));
                }
                Some(None) => self.status = Some("This article has no link".into()),
                None => {}
            },
            Action::ShowHelp => {
                self.help_open = true;
                self.help_scroll = 0;
            }
            Action::CloseHelp => self.help_open = false,
            Action::Quit | Action::ForceQuit => {
                self.save_position(&mut effects);
                self.quit = true;
            }
            Action::Resize { width, height } => {
                self.size = Rect::new(0, 0, width, height);
                self.relayout();
            }
            Action::Wheel { column, row, lines } => {
                let cell = Cell::new(column, row);
                let panes = self.panes();
                if panes.reader.is_some_and(|r| r.contains(cell)) {
                    self.scroll_reader(isize::from(lines));
                } else if panes.list.is_some_and(|r| r.contains(cell)) {
                    self.list.move_by(isize::from(lines), height);
                }
            }
            Action::Click { column, row, at } => self.click(column, row, at, &mut effects),
            Action::ArticleLoaded(article) => {
                self.save_position(&mut effects);
                let id = article.summary.id;
                let was_read = article.summary.read;
                let (width, rows) = self.reader_geometry();
                let mut reader = Reader::in_zone(*article, width, rows, &self.zone);
                if self.view.is_search() {
                    let found = marks::find(&reader, self.view.query.highlight_terms());
                    reader.set_marks(found, true);
                }
                self.reader = Some(reader);
                self.focus = Focus::Reader;
                if let Some(index) = self.list.position_of(id) {
                    self.list.select(index, height);
                }
                if !was_read && self.settings.mark_read_on_open {
                    self.set_read(id, true, &mut effects);
                }
                effects.push(Effect::RememberOpen(id));
            }
            Action::Notify(message) => self.status = Some(message),
            Action::RowsLoaded { start, rows } => self.list.fill(start, rows),
            Action::StartSearch
            | Action::StartFind
            | Action::InsertChar(_)
            | Action::DeleteBack
            | Action::DeleteWord
            | Action::ClearPrompt
            | Action::SubmitPrompt
            | Action::CancelPrompt
            | Action::ClearSearch
            | Action::ToggleOrder
            | Action::FindNext
            | Action::FindPrev
            | Action::SaveView
            | Action::ShowView(_)
            | Action::SearchDone { .. }
            | Action::ViewsLoaded(_) => self.update_search(action, &mut effects),
        }
        if let Some(range) = self.list.missing(self.list_height()) {
            effects.push(Effect::LoadRows {
                start: range.start,
                len: range.len(),
                ids: self.list.ids_in(range),
            });
        }
        effects
    }

    /// A click selects a row or focuses a pane; a second click on the same row soon
    /// after opens the article.
    fn click(&mut self, column: u16, row: u16, at: Instant, effects: &mut Vec<Effect>) {
        let cell = Cell::new(column, row);
        let panes = self.panes();
        let height = self.list_height();
        let previous = self.last_click.take();
        if let Some(list) = panes.list.filter(|r| r.contains(cell)) {
            self.focus = Focus::List;
            let inner = layout::pane_inner(list);
            if inner.contains(cell) {
                let index = self.list.offset + usize::from(row - inner.y);
                if index < self.list.total {
                    self.list.select(index, height);
                    let double = previous.is_some_and(|(then, index_then)| {
                        index_then == index && at.saturating_duration_since(then) <= DOUBLE_CLICK
                    });
                    match (double, self.list.selected_row()) {
                        (true, Some(row)) => effects.push(Effect::LoadArticle(row.id)),
                        // A third click starts a new pair rather than opening again.
                        _ => self.last_click = Some((at, index)),
                    }
                }
            }
        } else if panes.reader.is_some_and(|r| r.contains(cell)) && self.reader.is_some() {
            self.focus = Focus::Reader;
        }
    }

    /// The article that read, star and open act on: the open one in the reader, else the
    /// selected row.
    fn target(&self) -> Option<&Summary> {
        match (&self.reader, self.focus) {
            (Some(r), Focus::Reader) => Some(&r.article.summary),
            _ => self.list.selected_row(),
        }
    }

    /// Applies a change to every copy of an article's summary that the state holds.
    fn for_each_copy(&mut self, id: ArticleId, change: impl Fn(&mut Summary)) {
        if let Some(reader) = self.reader.as_mut().filter(|r| r.article.summary.id == id) {
            change(&mut reader.article.summary);
        }
        if let Some(index) = self.list.position_of(id)
            && let Some(row) = self.list.row_mut(index)
        {
            change(row);
        }
    }

    fn set_read(&mut self, id: ArticleId, read: bool, effects: &mut Vec<Effect>) {
        let was_read = self
            .reader
            .as_ref()
            .filter(|r| r.article.summary.id == id)
            .map(|r| r.article.summary.read)
            .or_else(|| {
                self.list
                    .position_of(id)
                    .and_then(|i| self.list.row(i))
                    .map(|s| s.read)
            });
        if was_read == Some(read) {
            return;
        }
        self.for_each_copy(id, |s| s.read = read);
        if read {
            self.unread = self.unread.saturating_sub(1);
        } else {
            self.unread += 1;
        }
        self.history.record(undo::Change {
            flag: undo::Flag::Read,
            ids: vec![id],
            before: !read,
        });
        effects.push(Effect::SetRead(id, read));
    }

    /// Marks the view read: every unread article for All, the view's articles otherwise.
    pub(crate) fn mark_all_effect(&self) -> Effect {
        if self.view.is_all() {
            Effect::MarkAllRead(None)
        } else {
            Effect::MarkAllRead(self.list.ids_in(0..self.list.total))
        }
    }

    /// Takes back the last change, in the state and in the store.
    fn undo(&mut self, effects: &mut Vec<Effect>) {
        let Some(change) = self.history.take_last() else {
            self.status = Some("Nothing to undo".into());
            return;
        };
        let before = change.before;
        let count = change.ids.len();
        for id in &change.ids {
            match change.flag {
                undo::Flag::Read => self.for_each_copy(*id, |s| s.read = before),
                undo::Flag::Starred => self.for_each_copy(*id, |s| s.starred = before),
            }
        }
        match change.flag {
            undo::Flag::Read => {
                if before {
                    self.unread = self.unread.saturating_sub(count);
                } else {
                    self.unread += count;
                }
                effects.push(Effect::SetReadMany(change.ids, before));
            }
            undo::Flag::Starred => {
                for id in change.ids {
                    effects.push(Effect::SetStarred(id, before));
                }
            }
        }
        let what = match (change.flag, before) {
            (undo::Flag::Read, true) => "read again",
            (undo::Flag::Read, false) => "unread again",
            (undo::Flag::Starred, true) => "starred again",
            (undo::Flag::Starred, false) => "unstarred again",
        };
        self.status = Some(match count {
            1 => format!("Undone: the article is {what}"),
            n => format!(
                "Undone: {} are {what}",
                crate::message::count(n, "article", "articles")
            ),
        });
    }

    fn save_position(&self, effects: &mut Vec<Effect>) {
        if let Some(r) = &self.reader {
            effects.push(Effect::SavePosition(r.article.summary.id, r.position()));
        }
    }

    fn page(&mut self, direction: isize, divisor: usize) {
        match (self.focus, &mut self.reader) {
            (Focus::Reader, Some(r)) => {
                let step = (r.height / divisor).max(1) as isize;
                r.scroll_by(direction * step);
            }
            _ => {
                let height = self.list_height();
                let step = (height / divisor).max(1) as isize;
                self.list.move_by(direction * step, height);
            }
        }
    }

    fn scroll_reader(&mut self, lines: isize) {
        if let Some(r) = &mut self.reader {
            r.scroll_by(lines);
        }
    }

    /// Re-derives sizes after the terminal or the layout changed.
    fn relayout(&mut self) {
        let (width, rows) = self.reader_geometry();
        let list_height = self.list_height();
        self.list.scroll_into_view(list_height);
        if let Some(r) = &mut self.reader {
            r.resize(width, rows);
        }
    }
}
