//! The mouse: a click selects a row or focuses a pane, a double click opens.

use std::time::{Duration, Instant};

use ratatui::layout::Position as Cell;

use super::{App, Effect, Focus, layout};

/// Two clicks on one row within this time are a double click (the common desktop default).
const DOUBLE_CLICK: Duration = Duration::from_millis(400);

impl App {
    /// A click selects a row or focuses a pane; a second click on the same row soon
    /// after opens the article.
    pub(super) fn click(&mut self, column: u16, row: u16, at: Instant, effects: &mut Vec<Effect>) {
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
}
