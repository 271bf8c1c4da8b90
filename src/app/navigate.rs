//! Moving between articles from the reader, paging and scrolling, and giving the reader
//! the whole screen.

use super::{App, Effect, Focus};

impl App {
    /// From the reader, the next or previous article of the list, opened in its place.
    pub(super) fn step_article(&mut self, delta: isize, effects: &mut Vec<Effect>) {
        let height = self.list_height();
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

    pub(super) fn toggle_zoom(&mut self) {
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

    pub(super) fn page(&mut self, direction: isize, divisor: usize) {
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

    pub(super) fn scroll_reader(&mut self, lines: isize) {
        if let Some(r) = &mut self.reader {
            r.scroll_by(lines);
        }
    }
}
