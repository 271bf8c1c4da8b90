//! The sources pane's side of `App::update` and `App::apply`: showing and hiding it,
//! moving its cursor (the list follows at once), and renaming, tagging and removing the
//! source under the cursor, each after a prompt.

use super::sources::{self, Line, Overview, Source};
use super::{App, Effect, Focus, Prompt, PromptKind, View, layout};
use crate::app::action::Action;
use crate::domain::message::count;
use crate::domain::search::{Order, Query, Within};

use crate::domain::samples::SOURCE as SAMPLES_SOURCE;

impl App {
    /// Handles the actions about the sources pane, and every action while it has the
    /// focus that means something else there. False: `update` goes on as usual.
    pub(super) fn update_sources(&mut self, action: &Action, effects: &mut Vec<Effect>) -> bool {
        if !matches!(
            action,
            Action::ShowHelp | Action::CloseHelp | Action::ToggleSources
        ) {
            self.sources.first_run = false;
        }
        match action {
            Action::ToggleSources => {
                let shown = !self.sources.visible(self.size.width);
                self.sources.toggled = Some(shown);
                self.focus = match (shown, self.focus) {
                    (true, _) => Focus::Sources,
                    (false, Focus::Sources) => Focus::List,
                    (false, focus) => focus,
                };
                self.zoomed = false;
                self.relayout();
                return true;
            }
            Action::FocusSources => {
                if !self.sources.visible(self.size.width) {
                    self.sources.toggled = Some(true);
                    self.relayout();
                }
                self.focus = Focus::Sources;
                self.zoomed = false;
                return true;
            }
            _ => {}
        }
        if self.focus != Focus::Sources || self.prompt.is_some() {
            return false;
        }
        let height = self.sources_height();
        let step = |by: isize| by.saturating_mul(height as isize);
        let moved = match action {
            Action::SelectNext => self.sources.move_by(1, height),
            Action::SelectPrev => self.sources.move_by(-1, height),
            Action::SelectFirst => self.sources.move_by(isize::MIN / 2, height),
            Action::SelectLast => self.sources.move_by(isize::MAX / 2, height),
            Action::PageDown => self.sources.move_by(step(1), height),
            Action::PageUp => self.sources.move_by(step(-1), height),
            Action::HalfPageDown => self.sources.move_by(step(1) / 2, height),
            Action::HalfPageUp => self.sources.move_by(step(-1) / 2, height),
            Action::OpenArticle | Action::FocusNext => {
                self.focus = Focus::List;
                return true;
            }
            Action::RenameSource => {
                self.ask_about_source(PromptKind::RenameFeed);
                return true;
            }
            Action::TagSource => {
                self.ask_about_source(PromptKind::TagFeed);
                return true;
            }
            Action::RemoveSource => {
                self.ask_about_source(PromptKind::ConfirmRemove);
                return true;
            }
            _ => return false,
        };
        if moved {
            self.choose_source(effects);
        }
        true
    }

    /// Rows of the sources pane on screen.
    fn sources_height(&self) -> usize {
        self.panes()
            .sources
            .map_or(1, |r| usize::from(layout::pane_inner(r).height).max(1))
    }

    /// Shows the articles of the source under the cursor in the list.
    pub(super) fn choose_source(&mut self, effects: &mut Vec<Effect>) {
        let Some(line) = self.sources.lines.get(self.sources.selected).cloned() else {
            return;
        };
        let Line::Source { source, label, .. } = line else {
            return;
        };
        let within = match source {
            Source::View(n) => {
                self.show_view(n, effects);
                self.focus = Focus::Sources;
                return;
            }
            Source::Hidden => {
                let view = View {
                    name: label,
                    text: "is:hidden".into(),
                    query: Query {
                        hidden: true,
                        ..Query::default()
                    },
                    order: Order::Newest,
                    ranked: false,
                    typed: false,
                };
                self.run_search(view, effects);
                return;
            }
            Source::Tag(tag) => Within::Tag(tag),
            Source::Feed(id) => {
                if let Some(error) = self.sources.feed(id).and_then(|f| f.failing.clone()) {
                    self.status = Some(format!("{label} is failing: {error}"));
                }
                Within::Feed(id)
            }
            Source::Local(name) => Within::Local(name),
            Source::Account(id) => {
                if let Some(error) = self
                    .sources
                    .overview
                    .accounts
                    .iter()
                    .find(|a| a.id == id)
                    .and_then(|a| a.error.clone())
                {
                    self.status = Some(format!("{label}: the last sync failed: {error}"));
                }
                Within::Account(id)
            }
        };
        let view = View {
            name: label,
            text: String::new(),
            query: Query {
                within: Some(within),
                ..Query::default()
            },
            order: Order::Newest,
            ranked: false,
            typed: false,
        };
        self.run_search(view, effects);
    }

    /// Opens the prompt that renames, tags or removes the source under the cursor.
    fn ask_about_source(&mut self, kind: PromptKind) {
        let Some(source) = self.sources.selected_source().cloned() else {
            return;
        };
        let feed = match &source {
            Source::Feed(id) => self.sources.feed(*id).cloned(),
            _ => None,
        };
        let (input, question) = match (kind, &source, &feed) {
            (PromptKind::RenameFeed, _, Some(feed)) => (feed.name.clone(), String::new()),
            (PromptKind::TagFeed, _, Some(feed)) => (feed.tags.join(", "), String::new()),
            (PromptKind::ConfirmRemove, _, Some(feed)) => (
                String::new(),
                format!(
                    "Unsubscribe from {} and delete its {} (starred ones are kept)? ",
                    feed.name,
                    count(feed.total, "article", "articles")
                ),
            ),
            (PromptKind::ConfirmRemove, Source::Local(name), None) => {
                let total = self
                    .sources
                    .overview
                    .local
                    .iter()
                    .find(|(n, ..)| n == name)
                    .map_or(0, |(_, total, _)| *total);
                let what = if name == SAMPLES_SOURCE {
                    "the samples for good"
                } else {
                    "these articles"
                };
                (
                    String::new(),
                    format!(
                        "Delete {what}: {} of {name} (starred ones are kept)? ",
                        count(total, "article", "articles")
                    ),
                )
            }
            _ => {
                self.status = Some(
                    match kind {
                        PromptKind::ConfirmRemove => {
                            "Only a feed or a source of files can be removed"
                        }
                        _ => "Only a feed can be renamed or tagged",
                    }
                    .into(),
                );
                return;
            }
        };
        self.sources.target = Some(source);
        self.sources.question = question;
        self.prompt = Some(Prompt::new(kind, input));
    }

    /// The answer to a rename, tag or remove prompt.
    pub(super) fn source_prompt_done(
        &mut self,
        kind: PromptKind,
        input: &str,
        effects: &mut Vec<Effect>,
    ) {
        let Some(target) = self.sources.target.take() else {
            return;
        };
        match (kind, target) {
            (PromptKind::RenameFeed, Source::Feed(id)) => {
                let name = input.trim();
                if name.is_empty() {
                    self.status = Some("No name: the feed keeps its own".into());
                } else {
                    effects.push(Effect::RenameFeed(id, name.to_owned()));
                }
            }
            (PromptKind::TagFeed, Source::Feed(id)) => {
                let tags = input
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect();
                effects.push(Effect::SetTags(id, tags));
            }
            (PromptKind::ConfirmRemove, Source::Feed(id)) => effects.push(Effect::RemoveFeed(id)),
            (PromptKind::ConfirmRemove, Source::Local(name)) => {
                effects.push(Effect::RemoveLocal(name));
            }
            _ => {}
        }
    }

    /// After read marks change in the store, the pane's counts are read again (a read of
    /// its small tables, not of the articles).
    pub(super) fn keep_counts_fresh(&self, effects: &mut Vec<Effect>) {
        let marks = effects.iter().any(|e| {
            matches!(
                e,
                Effect::SetRead(..) | Effect::SetReadMany(..) | Effect::MarkAllRead { .. }
            )
        });
        if marks && self.panes().sources.is_some() && !effects.contains(&Effect::LoadSources) {
            effects.push(Effect::LoadSources);
        }
    }

    /// The store's sources as they are now: the pane's lines, the cursor kept.
    pub(super) fn sources_loaded(&mut self, overview: Overview, effects: &mut Vec<Effect>) {
        if !std::mem::replace(&mut self.sources.loaded, true) {
            self.sources.first_run = overview.feeds.is_empty()
                && overview
                    .local
                    .iter()
                    .all(|(name, ..)| name == SAMPLES_SOURCE);
        }
        self.sources.overview = overview;
        self.rename_shown_feed();
        self.views_changed(effects);
    }

    /// A list showing one feed is titled by its name as the store now has it (a rename
    /// in the pane, or elsewhere), keeping an unread-only mark.
    fn rename_shown_feed(&mut self) {
        const MARK: &str = " (unread only)";
        let Some(Within::Feed(id)) = self.view.query.within else {
            return;
        };
        let Some(name) = self.sources.feed(id).map(|f| f.name.clone()) else {
            return;
        };
        let mark = if self.view.name.ends_with(MARK) {
            MARK
        } else {
            ""
        };
        for view in std::iter::once(&mut self.view).chain(self.pending.as_mut()) {
            if !view.is_search() && view.query.within == Some(Within::Feed(id)) {
                view.name = format!("{name}{mark}");
            }
        }
    }

    /// The lines again, and the views counted again: the overview or the views changed.
    pub(super) fn views_changed(&mut self, effects: &mut Vec<Effect>) {
        self.relist_sources();
        // Starred and the saved views have no kept counts: they are counted apart, in the
        // background, and their lines show the counts when they come.
        let now = self.clock.now();
        let views: Vec<(u8, Query)> = self
            .views
            .iter()
            .enumerate()
            .skip(2)
            .filter_map(|(i, view)| {
                let mut query = crate::domain::search::parse(&view.query, now, false).ok()?;
                query.read = Some(false);
                Some((u8::try_from(i + 1).ok()?, query))
            })
            .collect();
        if !views.is_empty() {
            effects.push(Effect::CountViews(views));
        }
    }

    /// The views' unread counts, counted in the background.
    pub(super) fn views_counted(&mut self, counts: Vec<(u8, usize)>) {
        self.sources.view_counts = counts;
        self.relist_sources();
    }

    fn relist_sources(&mut self) {
        let lines = sources::lines(
            &self.views,
            &self.sources.overview,
            self.unread,
            &self.sources.view_counts,
        );
        self.sources.set_lines(lines);
        let height = self.sources_height();
        self.sources.scroll_into_view(height);
    }

    /// A source was renamed, tagged or removed: say so, and read the store again.
    pub(super) fn sources_changed(&mut self, message: String, effects: &mut Vec<Effect>) {
        self.status = Some(message);
        // After an undone delete, the article put back is the one selected.
        let keep = self
            .put_back
            .take()
            .or_else(|| self.list.selected_row().map(|r| r.id));
        effects.push(Effect::Refresh { keep });
    }
}
