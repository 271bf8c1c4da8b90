//! Results coming back to the app: from the store, the worker threads and the terminal.
//! Unlike an `Action`, a report is nobody's request, so it leaves the status message
//! alone unless it has something to say.

use ratatui::layout::Rect;

use super::{App, ArticleList, Effect, Focus, PromptKind, Reader, marks, undo, view};
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::domain::model::{Article, ArticleId, SavedView, Summary};
use crate::domain::store::Found;

mod fulltext;

#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// The terminal has this size now.
    Resized {
        width: u16,
        height: u16,
    },
    /// The article asked for by `Effect::LoadArticle`: open it.
    ArticleLoaded(Box<Article>),
    /// The article asked for by `Effect::PreviewArticle`: show it beside the list.
    ArticlePreviewed(Box<Article>),
    /// The full article of `id` asked for by `Effect::FetchFullText`: stored, of this
    /// many words, or why the text stays as it was.
    FullTextFetched {
        id: ArticleId,
        outcome: Result<usize, String>,
    },
    /// A picture asked for by `Effect::DrawPictures`, drawn for `width` columns, or why
    /// it cannot be shown.
    PictureDrawn {
        id: ArticleId,
        url: String,
        width: u16,
        drawn: Result<super::pictures::Drawn, String>,
    },
    /// Time has passed: a deadline the app set (`App::deadline`) may be due.
    Tick,
    /// The feeds found at an address typed after `a`, or why none.
    FeedsFound {
        address: String,
        found: Result<Vec<crate::domain::discover::Candidate>, String>,
    },
    /// A feed was subscribed to; its name as the list will show it.
    Subscribed {
        id: i64,
        name: String,
    },
    /// When the next feed is due (`None`: none is), from the store: at start and after
    /// each fetch.
    Scheduled(Option<jiff::Timestamp>),
    /// Rows of the list, loaded from the store from index `start`.
    RowsLoaded {
        start: usize,
        /// How many rows were asked for: fewer came back when articles went meanwhile.
        asked: usize,
        rows: Vec<Summary>,
    },
    /// The sources pane's content, from the store's kept counts.
    SourcesLoaded(super::sources::Overview),
    /// Articles deleted with `D`, whole, for undo.
    TakenOut(Vec<crate::domain::store::TakenOut>),
    /// The writer thread saved what it was given: the counts may have changed.
    Saved,
    /// The unread articles in each view from Starred on, by the view's number.
    ViewsCounted(Vec<(u8, usize)>),
    /// A source was renamed, tagged or removed: what to say.
    SourcesChanged(String),
    /// A message for the status bar, such as an error from the store.
    Notify(String),
    /// A search's answer; `generation` tells whether it is still wanted.
    SearchDone {
        generation: u64,
        result: Result<Found, String>,
    },
    ViewsLoaded(Vec<SavedView>),
    /// These articles were marked read by a mark-all (those that were unread).
    MarkedRead(Vec<ArticleId>),
    /// Go to this article: its row in the newest-first list of all articles.
    GoToArticle {
        id: ArticleId,
        row: usize,
    },
    /// A background fetch has finished `done` of `total` feeds.
    FetchProgress {
        done: usize,
        total: usize,
    },
    /// A background fetch is over: what it brought, and the failures.
    FetchDone {
        new: usize,
        updated: usize,
        failures: Vec<String>,
        /// Changes the accounts' servers took (a sync pushed them).
        pushed: usize,
    },
    /// A fetch found no subscriptions: nothing failed, there is nothing to fetch yet.
    NothingToFetch,
    /// The fetch log as the store keeps it, oldest first.
    FetchLogLoaded(Vec<crate::domain::store::LogEntry>),
    /// Another process (a timer's `herald fetch`, `herald mark`, `herald view add`)
    /// committed to the store: read it again, keeping the selection and the search.
    StoreChanged,
    /// The store changed under the list (a fetch, an import elsewhere), or was read at
    /// start: its counts, and where the article to keep selected now is.
    Refreshed {
        total: usize,
        unread: usize,
        /// Where the selected article now is in the newest-first order.
        selected_row: Option<usize>,
        /// The newest article stored (the highest id): a mark-all asked now marks none
        /// stored after it.
        newest: Option<ArticleId>,
    },
}

impl App {
    /// Takes in one report. Returns the effects to run; `self` is already up to date.
    pub fn apply(&mut self, report: Report) -> Vec<Effect> {
        let mut effects = Vec::new();
        match report {
            Report::Resized { width, height } => {
                self.size = Rect::new(0, 0, width, height);
                self.relayout();
            }
            Report::ArticleLoaded(article) => self.article_loaded(*article, &mut effects),
            Report::ArticlePreviewed(article) => self.article_previewed(*article, &mut effects),
            Report::FullTextFetched { id, outcome } => {
                self.full_text_fetched(id, outcome, &mut effects);
            }
            Report::PictureDrawn {
                id,
                url,
                width,
                drawn,
            } => self.picture_drawn(id, &url, width, drawn),
            Report::Tick => {
                self.read_tick(&mut effects);
                self.fetch_tick(&mut effects);
            }
            Report::Scheduled(at) => self.scheduled(at),
            Report::FeedsFound { address, found } => {
                self.feeds_found(&address, found, &mut effects);
            }
            Report::Subscribed { id, name } => self.subscribed(id, name, &mut effects),
            Report::RowsLoaded { start, asked, rows } => self.list.fill(start, asked, rows),
            Report::Notify(message) => self.status = Some(message),
            Report::SourcesLoaded(overview) => self.sources_loaded(overview, &mut effects),
            Report::ViewsCounted(counts) => self.views_counted(counts),
            Report::TakenOut(taken) => self.taken_out(taken, &mut effects),
            Report::Saved => {
                // Rows read while the writer still had a change to them out (keys in
                // one read: `u` then `1`) show the flags from before it: read again, the
                // same articles by their ids (by place, an article stored meanwhile
                // would shift them).
                if let Some(range) = self.list.loaded() {
                    effects.push(Effect::LoadRows {
                        start: range.start,
                        len: range.len(),
                        ids: Some(self.list.loaded_ids()),
                    });
                }
                if self.panes().sources.is_some() {
                    effects.push(Effect::LoadSources);
                }
            }
            Report::FetchLogLoaded(entries) => self.fetch_log_loaded(entries),
            Report::StoreChanged => {
                let open = self
                    .reader
                    .as_ref()
                    .filter(|_| self.focus == super::Focus::Reader)
                    .map(|r| r.article.summary.id);
                let keep = open.or_else(|| self.list.selected_row().map(|r| r.id));
                effects.push(Effect::Refresh { keep });
                effects.push(Effect::LoadViews);
                effects.push(Effect::LoadFetchLog);
                // A feed's refresh set elsewhere changes when the next is due.
                effects.push(Effect::CheckSchedule);
            }
            Report::SourcesChanged(message) => self.sources_changed(message, &mut effects),
            Report::SearchDone { generation, result } => self.search_done(generation, result),
            Report::ViewsLoaded(saved) => {
                self.views = view::built_in();
                self.views.extend(saved);
                self.views_changed(&mut effects);
            }
            Report::MarkedRead(ids) => {
                let count = ids.len();
                for id in &ids {
                    self.for_each_copy(*id, |s| s.read = true);
                }
                self.unread = self.unread.saturating_sub(count);
                self.history.record(undo::Change {
                    flag: undo::Flag::Read,
                    ids,
                    before: false,
                    taken: Vec::new(),
                });
                self.status = Some(format!("Marked {count} read; u undoes"));
            }
            Report::GoToArticle { id, row } => {
                if !self.view.is_all() {
                    self.show_all();
                }
                let height = self.list_height();
                self.list.select(row, height);
                effects.push(Effect::LoadArticle(id));
            }
            Report::FetchProgress { done, total } => {
                self.status = Some(format!("Fetching feeds {done}/{total}…"));
            }
            Report::NothingToFetch => {
                self.fetching = false;
                if !std::mem::take(&mut self.refreshing) {
                    let add = match self.keymap.key_for(Context::List, &Action::AddFeed) {
                        Some(key) => format!("press {key} to add one"),
                        None => "add one with herald feed add URL".into(),
                    };
                    self.status = Some(format!("No feeds to fetch yet: {add}"));
                }
            }
            Report::FetchDone {
                new,
                updated,
                failures,
                pushed,
            } => {
                self.fetching = false;
                // The refresh kept its failures in the store's log: read it again.
                effects.push(Effect::LoadFetchLog);
                if self.worth_saying(new, updated + pushed, failures.len()) {
                    let mut message = match self.fetch_name.take() {
                        Some(name) => format!("Fetched {name}: {new} new, {updated} updated"),
                        None => format!("Fetched: {new} new, {updated} updated"),
                    };
                    if pushed > 0 {
                        // A sync ran: what it sent is news too.
                        message.push_str(&format!(
                            ", {}",
                            crate::domain::message::count(
                                pushed,
                                "change synced",
                                "changes synced"
                            )
                        ));
                    }
                    if !failures.is_empty() {
                        // A summary: the reasons in full are in the fetch log.
                        let key = self
                            .keymap
                            .key_for(Context::List, &Action::ShowFetchLog)
                            .unwrap_or_else(|| "L".into());
                        message.push_str(&format!(
                            ", {} failed ({key} shows why): {}",
                            failures.len(),
                            failures.join("; ")
                        ));
                    }
                    self.status = Some(message);
                }
                self.refreshing = false;
                self.fetch_name = None;
                let keep = self.list.selected_row().map(|r| r.id);
                effects.push(Effect::Refresh { keep });
            }
            Report::Refreshed {
                total,
                unread,
                selected_row,
                newest,
            } => {
                // "Mark N read?" open: `y` marks what the question counted, not what
                // arrived since.
                if !matches!(
                    self.prompt.as_ref().map(|p| p.kind),
                    Some(PromptKind::ConfirmMarkAll(_))
                ) {
                    self.newest = newest;
                }
                self.refreshed(total, unread, selected_row, &mut effects);
            }
        }
        self.load_missing_rows(&mut effects);
        self.follow_selection(&mut effects);
        self.keep_counts_fresh(&mut effects);
        self.want_pictures(&mut effects);
        effects
    }

    fn article_loaded(&mut self, article: Article, effects: &mut Vec<Effect>) {
        self.save_position(effects);
        let id = article.summary.id;
        let was_read = article.summary.read;
        let (width, rows) = self.reader_geometry();
        let mut reader = Reader::in_zone(article, width, rows, &self.zone);
        if self.view.is_search() {
            let found = marks::find(&reader, self.view.query.highlight_terms());
            reader.set_marks(found, true);
        }
        self.reader = Some(reader);
        self.focus = Focus::Reader;
        if let Some(index) = self.list.position_of(id) {
            let height = self.list_height();
            self.list.select(index, height);
        }
        if !was_read && self.settings.mark_read_on_open {
            self.set_read(id, true, effects);
        }
        effects.push(Effect::RememberOpen(id));
    }

    fn refreshed(
        &mut self,
        total: usize,
        unread: usize,
        selected_row: Option<usize>,
        effects: &mut Vec<Effect>,
    ) {
        self.total = total;
        self.unread = unread;
        effects.push(Effect::LoadSources);
        if self.view.is_all() && self.pending.is_none() {
            // The same article stays selected, wherever new ones pushed it.
            let selected = selected_row.unwrap_or(self.list.selected);
            let offset_in_view = selected.saturating_sub(self.list.offset);
            self.list = ArticleList::new(total);
            self.list.selected = selected.min(total.saturating_sub(1));
            self.list.offset = self.list.selected.saturating_sub(offset_in_view);
            let height = self.list_height();
            self.list.scroll_into_view(height);
        } else {
            // A search on its way (typed into the prompt) is what the list is about to
            // show: run it again, not the one shown before, whose newer answer would
            // make the typed one's stale.
            let base = self.pending.clone().unwrap_or_else(|| self.view.clone());
            let view = self.reread(base);
            // The article open in the reader stays the list's selection, or else the
            // selected one: the list and the reader agree after the reload.
            let open = self
                .reader
                .as_ref()
                .filter(|_| self.focus == super::Focus::Reader)
                .map(|r| r.article.summary.id);
            self.reselect = open.or_else(|| self.list.selected_row().map(|r| r.id));
            self.reselect_at = self.list.selected;
            self.run_search(view, effects);
        }
    }

    /// A search's answer: the list becomes its results, unless a newer search is coming.
    fn search_done(&mut self, generation: u64, result: Result<Found, String>) {
        if generation != self.generation {
            // A newer search is on its way; this answer is stale.
            return;
        }
        match result {
            Ok(found) => {
                if let Some(mut view) = self.pending.take() {
                    view.ranked = found.ranked;
                    self.view = view;
                }
                let keep = self.reselect.take();
                let mut ids = found.ids;
                let mut index = keep.and_then(|id| ids.iter().position(|i| *i == id));
                let open = self.reader.as_ref().map(|r| r.article.summary.id);
                if index.is_none()
                    && let Some(id) = keep
                {
                    let at = self.reselect_at.min(ids.len());
                    if open == Some(id) && self.focus == super::Focus::Reader {
                        // The open article no longer matches (read, in the Unread list):
                        // it stays where it was until the person moves on.
                        ids.insert(at, id);
                        index = Some(at);
                    } else if !ids.is_empty() {
                        // Gone: the article that took its place.
                        index = Some(at.min(ids.len() - 1));
                    }
                }
                self.list = ArticleList::with_ids(ids);
                if let Some(index) = index {
                    let height = self.list_height();
                    self.list.select(index, height);
                }
            }
            Err(message) => {
                // Answered: the list stays as it was, and nothing is on its way.
                self.pending = None;
                match self.prompt.as_mut() {
                    Some(prompt) => prompt.error = Some(message),
                    None => self.status = Some(message),
                }
            }
        }
    }
}
