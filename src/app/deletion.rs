//! Deleting the article in hand (`D`), and putting it back with `u` in the same session.
//! The store takes it out whole (`Articles::take_out`) and the history keeps it, so undo is
//! a put-back, not a guess.

use super::{App, Effect, Focus, undo};
use crate::domain::store::TakenOut;

impl App {
    /// `D`: the open article, else the selected row, is deleted for good.
    pub(super) fn delete_target(&mut self, effects: &mut Vec<Effect>) {
        let Some(id) = self.target().map(|s| s.id) else {
            self.status = Some("No article to delete".into());
            return;
        };
        if self
            .reader
            .as_ref()
            .is_some_and(|r| r.article.summary.id == id)
        {
            self.reader = None;
            self.focus = Focus::List;
            self.zoomed = false;
        }
        effects.push(Effect::TakeOut(vec![id]));
    }

    /// The store took the articles out: remember them for undo, say so, read the list
    /// again with the next article selected.
    pub(super) fn taken_out(&mut self, taken: Vec<TakenOut>, effects: &mut Vec<Effect>) {
        let Some(first) = taken.first() else {
            self.status = Some("That article was already gone".into());
            return;
        };
        let title = crate::domain::text::printable(&first.article.summary.title).into_owned();
        self.status = Some(match taken.len() {
            1 => format!("Deleted \u{201c}{title}\u{201d}; u puts it back"),
            n => format!("Deleted {n} articles; u puts them back"),
        });
        let unread = taken.iter().filter(|t| !t.article.summary.read).count();
        self.unread = self.unread.saturating_sub(unread);
        self.history.record(undo::Change {
            flag: undo::Flag::Deleted,
            ids: taken.iter().map(|t| t.article.summary.id).collect(),
            before: true,
            taken,
        });
        let keep = self.list.selected_row().map(|r| r.id);
        effects.push(Effect::Refresh { keep });
    }
}
