//! Undo for read and starred state, and for deletions: each change remembers what it
//! replaced (a deletion, the articles whole).

use crate::domain::model::ArticleId;
use crate::domain::store::TakenOut;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Read,
    Starred,
    /// The articles were deleted (`D`); `taken` holds them.
    Deleted,
}

/// One undoable step: the articles it touched, the flag, and the value before.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub flag: Flag,
    pub ids: Vec<ArticleId>,
    pub before: bool,
    /// What a deletion took out, to put back.
    pub taken: Vec<TakenOut>,
}

/// How many steps are kept.
pub const DEPTH: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct History {
    changes: Vec<Change>,
}

impl History {
    pub fn record(&mut self, change: Change) {
        if change.ids.is_empty() {
            return;
        }
        if self.changes.len() == DEPTH {
            self.changes.remove(0);
        }
        self.changes.push(change);
    }

    pub fn take_last(&mut self) -> Option<Change> {
        self.changes.pop()
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}
