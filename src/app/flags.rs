//! Read and starred flags: toggling them, marking a whole view read, and undo. Every copy
//! of an article the state holds (the list row, the open reader) changes together.

use super::{App, Effect, Prompt, PromptKind, undo};
use crate::domain::model::{ArticleId, Summary};

impl App {
    pub(super) fn toggle_star(&mut self, effects: &mut Vec<Effect>) {
        if let Some(target) = self.target() {
            let (id, starred) = (target.id, !target.starred);
            self.for_each_copy(id, |s| s.starred = starred);
            self.history.record(undo::Change {
                flag: undo::Flag::Starred,
                ids: vec![id],
                before: !starred,
                taken: Vec::new(),
            });
            effects.push(Effect::SetStarred(id, starred));
        }
    }

    pub(super) fn mark_all_read(&mut self, effects: &mut Vec<Effect>) {
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

    /// Applies a change to every copy of an article's summary that the state holds.
    pub(super) fn for_each_copy(&mut self, id: ArticleId, change: impl Fn(&mut Summary)) {
        if let Some(reader) = self.reader.as_mut().filter(|r| r.article.summary.id == id) {
            change(&mut reader.article.summary);
        }
        if let Some(index) = self.list.position_of(id)
            && let Some(row) = self.list.row_mut(index)
        {
            change(row);
        }
    }

    pub(super) fn set_read(&mut self, id: ArticleId, read: bool, effects: &mut Vec<Effect>) {
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
            taken: Vec::new(),
        });
        effects.push(Effect::SetRead(id, read));
    }

    /// Marks the view read: every unread article for All, the view's articles otherwise.
    pub(crate) fn mark_all_effect(&self) -> Effect {
        let ids = match self.view.is_all() {
            true => None,
            false => self.list.ids_in(0..self.list.total),
        };
        Effect::MarkAllRead {
            ids,
            up_to: self.newest,
        }
    }

    /// Takes back the last change, in the state and in the store.
    pub(super) fn undo(&mut self, effects: &mut Vec<Effect>) {
        let Some(change) = self.history.take_last() else {
            self.status = Some("Nothing to undo".into());
            return;
        };
        if change.flag == undo::Flag::Deleted {
            let n = change.taken.len();
            self.unread += change
                .taken
                .iter()
                .filter(|t| !t.article.summary.read)
                .count();
            self.put_back = change.taken.first().map(|t| t.article.summary.id);
            effects.push(Effect::PutBack(change.taken));
            self.status = Some(match n {
                1 => "Undone: the article is back".into(),
                n => format!("Undone: {n} articles are back"),
            });
            return;
        }
        let before = change.before;
        let count = change.ids.len();
        for id in &change.ids {
            match change.flag {
                undo::Flag::Read => self.for_each_copy(*id, |s| s.read = before),
                undo::Flag::Starred => self.for_each_copy(*id, |s| s.starred = before),
                undo::Flag::Deleted => {}
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
            // Returned above.
            undo::Flag::Deleted => {}
        }
        let what = match (change.flag, before) {
            (undo::Flag::Read, true) => "read again",
            (undo::Flag::Read, false) => "unread again",
            (undo::Flag::Starred, true) => "starred again",
            (undo::Flag::Starred, false) => "unstarred again",
            (undo::Flag::Deleted, _) => "back",
        };
        self.status = Some(match count {
            1 => format!("Undone: the article is {what}"),
            n => format!(
                "Undone: {} are {what}",
                crate::domain::message::count(n, "article", "articles")
            ),
        });
    }
}
