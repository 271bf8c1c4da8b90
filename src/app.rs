//! The application state and the two places it changes: `App::update`, which applies
//! what a person asks for (an `Action`), and `App::apply` (in `report`), which takes in
//! what came back from the store, the workers and the terminal (a `Report`). Both return
//! effects for the caller to run; neither does I/O.

pub mod action;
mod choose;
pub mod columns;
mod deletion;
mod effect;
mod enclosures;
pub mod fetch_log;
mod flags;
pub mod follow;
pub mod help;
pub mod keymap;
pub mod layout;
mod links;
pub mod list;
pub mod marks;
mod navigate;
mod overlay;
pub mod pictures;
mod pointer;
pub mod prompt;
pub mod reader;
mod refresh;
pub mod report;
mod rules;
mod search;
pub mod sources;
mod start;
mod subscribe;
pub mod undo;
pub mod view;

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position as Cell, Rect};

use crate::app::action::Action;
use crate::app::keymap::{Context, Key, Keymap, Resolution};
use crate::domain::clock::Clock;
use crate::domain::model::{ArticleId, SavedView, Summary};

pub use effect::Effect;
pub use list::ArticleList;
pub use overlay::Overlay;
pub use prompt::{Prompt, PromptKind};
pub use reader::Reader;
pub use report::Report;
pub use start::{Settings, Start};
pub use view::View;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Sources,
    List,
    Reader,
}

#[derive(Debug, Clone)]
pub struct App {
    pub keymap: Keymap,
    pub sources: sources::SourcesPane,
    pub list: ArticleList,
    pub reader: Option<Reader>,
    pub focus: Focus,
    pub zoomed: bool,
    /// What is open over the panes, if anything: one at a time.
    pub overlay: Option<Overlay>,
    pub log_scroll: usize,
    pub fetch_log: fetch_log::FetchLog,
    /// Lines the help screen is scrolled by.
    pub help_scroll: usize,
    pub status: Option<String>,
    /// Articles in the store, and how many are unread.
    pub total: usize,
    pub unread: usize,
    /// The newest article the counts took in (`Report::Refreshed`): a mark-all of
    /// everything marks none stored after it.
    pub newest: Option<crate::domain::model::ArticleId>,
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
    /// Where that article was in the list, for when the new results leave it out.
    reselect_at: usize,
    /// Anchors `since:` in queries, read each time one is parsed; injected so tests
    /// set the time rather than read it.
    pub clock: Clock,
    /// The zone dates are shown in: given, so tests need not read the environment.
    pub zone: jiff::tz::TimeZone,
    pub settings: Settings,
    /// The keys of a sequence typed so far (`g` of `g g`).
    pub pending_keys: Vec<Key>,
    pub history: undo::History,
    /// True while a background fetch runs.
    pub fetching: bool,
    /// True while that fetch is a refresh the app started by itself, not `R`.
    refreshing: bool,
    /// The feed a fetch of one feed is about, named in its end's message.
    fetch_name: Option<String>,
    /// The article an undone delete puts back: selected when the list is read again.
    put_back: Option<crate::domain::model::ArticleId>,
    /// When the next feed is due, as the store last said.
    next_fetch: Option<jiff::Timestamp>,
    /// When the app last started a refresh by itself.
    last_refresh: Option<jiff::Timestamp>,
    /// The feeds a site named, while the person picks one.
    feed_choices: Vec<crate::domain::discover::Candidate>,
    /// The article a preview was asked for and has not arrived yet.
    previewing: Option<ArticleId>,
    /// When the previewed article is to be marked read (`mark_read_after`).
    read_deadline: Option<follow::ReadDeadline>,
    /// The last single click on a list row: when, and which row, to tell a double click.
    last_click: Option<(Instant, usize)>,
}

impl App {
    /// An app with an empty list: the store's counts come in as `Report::Refreshed`.
    pub fn new(start: Start) -> App {
        let (total, unread) = (0, 0);
        let Start {
            keymap,
            settings,
            zone,
            clock,
            size,
        } = start;
        App {
            keymap,
            sources: sources::SourcesPane {
                choice: settings.sources,
                ..Default::default()
            },
            list: ArticleList::new(total),
            reader: None,
            focus: Focus::List,
            zoomed: false,
            overlay: None,
            log_scroll: 0,
            fetch_log: fetch_log::FetchLog::default(),
            help_scroll: 0,
            status: None,
            total,
            unread,
            newest: None,
            size,
            quit: false,
            prompt: None,
            view: View::all(),
            views: view::built_in(),
            pending: None,
            generation: 0,
            before_search: None,
            reselect: None,
            reselect_at: 0,
            clock,
            zone,
            settings,
            pending_keys: Vec::new(),
            history: undo::History::default(),
            fetching: false,
            refreshing: false,
            fetch_name: None,
            put_back: None,
            next_fetch: None,
            last_refresh: None,
            feed_choices: Vec::new(),
            previewing: None,
            read_deadline: None,
            last_click: None,
        }
    }

    /// The keymap context for the current state.
    pub fn context(&self) -> Context {
        if self.overlay.is_some() {
            Context::Help
        } else if self.prompt.is_some() {
            Context::Prompt
        } else {
            match self.focus {
                Focus::Sources => Context::Sources,
                Focus::List => Context::List,
                Focus::Reader => Context::Reader,
            }
        }
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
        let sources = self.sources.visible(self.size.width);
        layout::panes(self.size, self.zoomed, self.settings.layout, sources)
    }

    pub(super) fn list_height(&self) -> usize {
        self.panes()
            .list
            .map_or(1, |r| usize::from(layout::pane_inner(r).height).max(1))
    }

    pub(super) fn reader_geometry(&self) -> (usize, usize) {
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
        // A new request replaces the last message: it was about the last one.
        self.status = None;
        if self.update_sources(&action, &mut effects) {
            self.offer_feed_choices();
            self.keep_counts_fresh(&mut effects);
            return effects;
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
            Action::ScrollDown if self.log_open() => {
                self.log_scroll = (self.log_scroll + 1).min(self.log_max_scroll());
            }
            Action::ScrollUp if self.log_open() => {
                self.log_scroll = self.log_scroll.saturating_sub(1);
            }
            Action::ShowFetchLog => {
                self.overlay = Some(Overlay::FetchLog);
                self.log_scroll = 0;
                effects.push(Effect::LoadFetchLog);
            }
            Action::ScrollDown if self.help_open() => {
                self.help_scroll = (self.help_scroll + 1).min(self.help_max_scroll());
            }
            Action::ScrollUp if self.help_open() => {
                self.help_scroll = self.help_scroll.saturating_sub(1);
            }
            Action::ScrollDown => self.scroll_reader(1),
            Action::ScrollUp => self.scroll_reader(-1),
            Action::ScrollTop if self.help_open() => self.help_scroll = 0,
            Action::ScrollBottom if self.help_open() => self.help_scroll = self.help_max_scroll(),
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
            Action::NextArticle => self.step_article(1, &mut effects),
            Action::PrevArticle => self.step_article(-1, &mut effects),
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::List if self.reader.is_some() => Focus::Reader,
                    Focus::Reader if self.panes().sources.is_some() => Focus::Sources,
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
            Action::ToggleZoom => self.toggle_zoom(),
            Action::ToggleRead => {
                if let Some(id) = self.target().map(|s| s.id) {
                    let read = !self.target().is_some_and(|s| s.read);
                    self.set_read(id, read, &mut effects);
                }
            }
            Action::ToggleStar => self.toggle_star(&mut effects),
            Action::DeleteArticle => self.delete_target(&mut effects),
            Action::Undo => self.undo(&mut effects),
            Action::MarkAllRead => self.mark_all_read(&mut effects),
            Action::NextUnread => {
                let after = self.target().map(|s| s.id);
                effects.push(Effect::FindNextUnread(after));
            }
            Action::FetchFeeds if self.fetching => {
                self.status = Some("Already fetching".into());
            }
            Action::FetchFeeds => {
                self.fetching = true;
                self.refreshing = false;
                self.status = Some("Fetching feeds…".into());
                effects.push(Effect::FetchFeeds);
            }
            Action::RefreshFeed => self.refresh_feed(&mut effects),
            Action::AddFeed => self.ask_feed_address(),
            Action::Reload => {
                let keep = self.list.selected_row().map(|r| r.id);
                effects.push(Effect::Refresh { keep });
                // Feeds added or fetched by another herald change when the next is due.
                effects.push(Effect::CheckSchedule);
            }
            Action::OpenLink => self.ask_link_number(),
            Action::OpenEnclosure => self.ask_enclosure_number(),
            a @ (Action::CopyLink | Action::FetchFullText) => self.article_action(a, &mut effects),
            Action::OpenInBrowser => self.open_in_browser(&mut effects),
            Action::ShowHelp => {
                self.overlay = Some(Overlay::Help);
                self.help_scroll = 0;
            }
            Action::CloseHelp => self.overlay = None,
            Action::Quit | Action::ForceQuit => {
                self.save_position(&mut effects);
                self.quit = true;
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
            Action::StartSearch => self.start_search(),
            Action::StartFind => self.start_find(),
            Action::InsertChar(c) => self.insert_char(c, &mut effects),
            Action::DeleteBack => self.edit_prompt(&mut effects, Prompt::delete_back),
            Action::DeleteWord => self.edit_prompt(&mut effects, Prompt::delete_word),
            Action::ClearPrompt => self.edit_prompt(&mut effects, Prompt::clear),
            Action::KeepPrompt => self.prompt.iter_mut().for_each(Prompt::keep),
            Action::SubmitPrompt => self.submit_prompt(&mut effects),
            Action::CancelPrompt => self.cancel_prompt(),
            Action::ClearSearch => self.clear_search(),
            Action::ToggleOrder => self.toggle_order(&mut effects),
            Action::ToggleUnreadOnly => self.toggle_unread_only(&mut effects),
            Action::FindNext => self.step_find(true),
            Action::FindPrev => self.step_find(false),
            Action::SaveView => self.ask_view_name(),
            Action::AddRule => self.ask_rule_action(),
            Action::ShowView(number) => self.show_view(number, &mut effects),
            // Handled by `update_sources`, or meaningless outside the sources pane.
            Action::ToggleSources
            | Action::FocusSources
            | Action::RenameSource
            | Action::TagSource
            | Action::RemoveSource => {}
        }
        self.offer_feed_choices();
        self.load_missing_rows(&mut effects);
        self.follow_selection(&mut effects);
        self.keep_counts_fresh(&mut effects);
        self.want_pictures(&mut effects);
        effects
    }

    /// Asks the store for the rows of the list that are on screen but not loaded.
    fn load_missing_rows(&self, effects: &mut Vec<Effect>) {
        if let Some(range) = self.list.missing(self.list_height()) {
            effects.push(Effect::LoadRows {
                start: range.start,
                len: range.len(),
                ids: self.list.ids_in(range),
            });
        }
    }

    /// How far the help can scroll on this screen.
    fn help_max_scroll(&self) -> usize {
        layout::help_max_scroll(self.size, help::lines(&self.keymap).len())
    }

    /// The article that read, star and open act on: the open one in the reader, else the
    /// selected row.
    pub(super) fn target(&self) -> Option<&Summary> {
        match (&self.reader, self.focus) {
            (Some(r), Focus::Reader) => Some(&r.article.summary),
            _ => self.list.selected_row(),
        }
    }

    /// Saves where the reader is, when that moved since the article was loaded: moving
    /// through the list with the reader following must not write to the store at each
    /// key, where a fetch's write would make the key wait.
    pub(super) fn save_position(&self, effects: &mut Vec<Effect>) {
        if let Some(r) = self
            .reader
            .as_ref()
            .filter(|r| r.position() != r.article.position)
        {
            effects.push(Effect::SavePosition(r.article.summary.id, r.position()));
        }
    }

    /// Re-derives sizes after the terminal or the layout changed.
    pub(super) fn relayout(&mut self) {
        let (width, rows) = self.reader_geometry();
        let list_height = self.list_height();
        self.list.scroll_into_view(list_height);
        if let Some(r) = &mut self.reader {
            r.resize(width, rows);
        }
        self.help_scroll = self.help_scroll.min(self.help_max_scroll());
    }
}
