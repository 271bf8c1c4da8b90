//! The reader follows the list: as the selection moves, the selected article is shown in
//! the reader pane at once, without opening it (the focus stays on the list). It is marked
//! read when opened, or, with `mark_read_after`, once it has been shown that long.

use jiff::{SignedDuration, Timestamp};

use super::{App, Effect, Focus, Reader, marks};
use crate::domain::model::{Article, ArticleId};

/// A preview that will mark its article read at `at`, if it is still shown then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadDeadline {
    pub id: ArticleId,
    pub at: Timestamp,
}

impl App {
    /// Asks for the selected article when the reader should show it and does not yet: the
    /// list (or the sources pane beside it) has the focus, nothing covers it, and the
    /// reader pane is on screen.
    pub(super) fn follow_selection(&mut self, effects: &mut Vec<Effect>) {
        // A new store's reader says how to begin until the person moves.
        let following = matches!(self.focus, Focus::List | Focus::Sources)
            && !self.sources.first_run
            && self.prompt.is_none()
            && self.overlay.is_none()
            && self.panes().reader.is_some();
        if !following {
            return;
        }
        if self.list.total == 0 && self.reader.is_some() {
            // An empty view shows no article: the reader is not left on one outside it.
            self.save_position(effects);
            self.reader = None;
            self.read_deadline = None;
            return;
        }
        let Some(id) = self.list.selected_row().map(|row| row.id) else {
            return;
        };
        let shown = self.reader.as_ref().map(|r| r.article.summary.id);
        if shown != Some(id) && self.previewing != Some(id) {
            self.previewing = Some(id);
            effects.push(Effect::PreviewArticle(id));
        }
    }

    /// Shows a previewed article, unless the selection has moved on since it was asked for.
    pub(super) fn article_previewed(&mut self, article: Article, effects: &mut Vec<Effect>) {
        let id = article.summary.id;
        if self.previewing == Some(id) {
            self.previewing = None;
        }
        let still_selected = self.list.selected_row().is_some_and(|row| row.id == id);
        // Asked for before the first overview said the store is new: the welcome stays.
        if self.sources.first_run {
            return;
        }
        if !still_selected || !matches!(self.focus, Focus::List | Focus::Sources) {
            return;
        }
        self.save_position(effects);
        let unread = !article.summary.read;
        let (width, rows) = self.reader_geometry();
        let mut reader = Reader::in_zone(article, width, rows, &self.zone);
        if self.view.is_search() {
            let found = marks::find(&reader, self.view.query.highlight_terms());
            reader.set_marks(found, false);
        }
        self.reader = Some(reader);
        self.read_deadline = match self.settings.mark_read_after {
            Some(after) if unread => Some(ReadDeadline {
                id,
                at: self.clock.now() + SignedDuration::from_secs(i64::from(after)),
            }),
            _ => None,
        };
    }

    /// Marks the shown article read once it has been shown for `mark_read_after`.
    pub(super) fn read_tick(&mut self, effects: &mut Vec<Effect>) {
        let Some(deadline) = self.read_deadline else {
            return;
        };
        if self.clock.now() < deadline.at {
            return;
        }
        self.read_deadline = None;
        let shown = self.reader.as_ref().map(|r| r.article.summary.id);
        if shown == Some(deadline.id) {
            self.set_read(deadline.id, true, effects);
        }
    }
}
