//! The article list: how many there are, which is selected, and the window of rows loaded
//! from the store. Only rows near the screen are held, so a list of a million articles
//! costs what one screen costs.

use std::ops::Range;

use crate::domain::model::{ArticleId, Summary};

#[derive(Debug, Clone, Default)]
pub struct ArticleList {
    pub total: usize,
    pub selected: usize,
    /// The first row on screen.
    pub offset: usize,
    window_start: usize,
    rows: Vec<Summary>,
    /// The articles of a search or view, in order; `None` lists the whole store.
    ids: Option<Vec<ArticleId>>,
}

impl ArticleList {
    pub fn new(total: usize) -> ArticleList {
        ArticleList {
            total,
            ..Default::default()
        }
    }

    /// A list of exactly these articles, in this order.
    pub fn with_ids(ids: Vec<ArticleId>) -> ArticleList {
        ArticleList {
            total: ids.len(),
            ids: Some(ids),
            ..Default::default()
        }
    }

    /// The ids of rows `range`, when the list holds a search's ids.
    pub fn ids_in(&self, range: Range<usize>) -> Option<Vec<ArticleId>> {
        self.ids
            .as_ref()
            .map(|ids| ids.get(range).unwrap_or_default().to_vec())
    }

    pub fn row(&self, index: usize) -> Option<&Summary> {
        index
            .checked_sub(self.window_start)
            .and_then(|i| self.rows.get(i))
    }

    pub fn row_mut(&mut self, index: usize) -> Option<&mut Summary> {
        index
            .checked_sub(self.window_start)
            .and_then(|i| self.rows.get_mut(i))
    }

    pub fn selected_row(&self) -> Option<&Summary> {
        self.row(self.selected)
    }

    /// Finds a loaded row by id.
    pub fn position_of(&self, id: ArticleId) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| r.id == id)
            .map(|i| i + self.window_start)
    }

    /// Moves the selection to `index` (clamped) and scrolls so it stays visible in a view
    /// of `height` rows.
    pub fn select(&mut self, index: usize, height: usize) {
        if self.total == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        self.selected = index.min(self.total - 1);
        self.scroll_into_view(height);
    }

    pub fn move_by(&mut self, delta: isize, height: usize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select(target, height);
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.total.saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// The rows the store should load so that a view of `height` rows is covered, or
    /// `None` when they are loaded already. Asks for a screen either side, so scrolling
    /// rarely waits; but when nothing is loaded (start-up, a new view) only for the rows
    /// on screen, so the first frame waits on as few rows as can be.
    pub fn missing(&self, height: usize) -> Option<Range<usize>> {
        let height = height.max(1);
        let visible = self.offset..(self.offset + height).min(self.total);
        let loaded = self.window_start..self.window_start + self.rows.len();
        if visible.is_empty() || (loaded.start <= visible.start && visible.end <= loaded.end) {
            return None;
        }
        if self.rows.is_empty() {
            return Some(visible);
        }
        let start = self.offset.saturating_sub(height);
        let end = (self.offset + 2 * height).min(self.total);
        Some(start..end)
    }

    /// The ids of the rows loaded, in order.
    pub fn loaded_ids(&self) -> Vec<ArticleId> {
        self.rows.iter().map(|row| row.id).collect()
    }

    /// The rows loaded, if any: to read them again.
    pub fn loaded(&self) -> Option<Range<usize>> {
        let loaded = self.window_start..self.window_start + self.rows.len();
        (!loaded.is_empty()).then_some(loaded)
    }

    /// Takes rows the store loaded for `missing` (`asked` of them were asked for). Fewer
    /// came back when articles went after the list was counted (a delete on the writer
    /// thread, another process): the list drops them, so it never asks again for rows
    /// that are not there (it asked in a loop before).
    pub fn fill(&mut self, start: usize, asked: usize, rows: Vec<Summary>) {
        if rows.len() < asked {
            match &mut self.ids {
                None => self.total = self.total.min(start + rows.len()),
                Some(ids) => {
                    let end = (start + asked).min(ids.len());
                    let present: std::collections::HashSet<ArticleId> =
                        rows.iter().map(|r| r.id).collect();
                    let gone: std::collections::HashSet<ArticleId> = ids[start.min(end)..end]
                        .iter()
                        .filter(|id| !present.contains(id))
                        .copied()
                        .collect();
                    ids.retain(|id| !gone.contains(id));
                    self.total = ids.len();
                }
            }
            self.selected = self.selected.min(self.total.saturating_sub(1));
            self.offset = self.offset.min(self.selected);
        }
        self.window_start = start;
        self.rows = rows;
    }

    /// Forgets every loaded row (after the store changed under them).
    pub fn reset(&mut self, total: usize) {
        self.total = total;
        self.rows.clear();
        self.window_start = 0;
        self.selected = self.selected.min(total.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(i: usize) -> Summary {
        Summary {
            id: ArticleId(i as i64),
            source: "S".into(),
            title: format!("T{i}"),
            authors: vec![],
            published: None,
            url: None,
            read: false,
            starred: false,
        }
    }

    #[test]
    fn selection_scrolls_and_clamps() {
        let mut list = ArticleList::new(100);
        list.move_by(5, 10);
        assert_eq!((list.selected, list.offset), (5, 0));
        list.move_by(10, 10);
        assert_eq!((list.selected, list.offset), (15, 6));
        list.select(1000, 10);
        assert_eq!((list.selected, list.offset), (99, 90));
        list.move_by(-1000, 10);
        assert_eq!((list.selected, list.offset), (0, 0));
    }

    #[test]
    fn only_rows_near_the_screen_are_requested() {
        let mut list = ArticleList::new(1000);
        // Nothing loaded: the screen's rows alone.
        assert_eq!(list.missing(10), Some(0..10));
        list.fill(0, 10, (0..10).map(summary).collect());
        assert_eq!(list.missing(10), None);
        assert_eq!(list.row(9).unwrap().title, "T9");
        assert!(list.row(10).is_none());
        // One row further and the next load brings a screen either side.
        list.select(10, 10);
        assert_eq!(list.missing(10), Some(0..21));
        list.fill(0, 21, (0..21).map(summary).collect());
        list.select(500, 10);
        let want = list.missing(10).unwrap();
        assert!(want.contains(&491) && want.contains(&500), "{want:?}");
        assert!(want.len() <= 30);
    }

    #[test]
    fn an_empty_list_has_nothing_to_load_or_select() {
        let mut list = ArticleList::new(0);
        list.move_by(3, 10);
        assert_eq!(list.selected, 0);
        assert_eq!(list.missing(10), None);
        assert!(list.selected_row().is_none());
    }

    /// Rows that went after the list was counted (a delete saved meanwhile) are dropped
    /// when fewer come back than were asked for: the list stops asking for them (it
    /// asked for ever, a loop on the loop's thread).
    #[test]
    fn rows_gone_since_the_count_are_dropped_not_asked_again() {
        let mut all = ArticleList::new(14);
        let want = all.missing(20).unwrap();
        assert_eq!(want, 0..14);
        all.fill(0, 14, (0..13).map(summary).collect());
        assert_eq!(all.total, 13);
        assert_eq!(all.missing(20), None);

        let ids: Vec<ArticleId> = (0..6).map(|i| ArticleId(i as i64)).collect();
        let mut view = ArticleList::with_ids(ids);
        view.select(5, 10);
        let want = view.missing(10).unwrap();
        let back: Vec<Summary> = want.clone().filter(|i| *i != 2).map(summary).collect();
        view.fill(want.start, want.len(), back);
        assert_eq!(view.total, 5);
        assert_eq!(view.missing(10), None);
        assert_eq!(view.row(2).unwrap().title, "T3", "the rows close up");
        assert_eq!(view.selected, 4);
    }
}
