//! Moving between articles from the reader, and giving the reader the whole screen.

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
}
