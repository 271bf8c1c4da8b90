//! A picture in the reader: the rows of a drawn picture that the screen shows, centred
//! in the text column. The list pane never shows one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui_image::sliced::{SignedPosition, SlicedImage};

use crate::app::Reader;
use crate::app::pictures::Shown;
use crate::app::reader::ReaderLine;

/// Draws the picture `line` is a row of, its row `line.start` at screen row `y`, clipped
/// to `text`.
pub fn render(reader: &Reader, line: &ReaderLine, y: u16, text: Rect, frame: &mut Frame) {
    let Some(Shown::Drawn { drawn, .. }) = reader.pictures.get(line.paragraph).map(|s| &s.shown)
    else {
        return;
    };
    let top = i32::from(y) - i32::from(text.y) - i32::try_from(line.start).unwrap_or(0);
    let left = text.width.saturating_sub(drawn.width) / 2;
    let position = SignedPosition {
        x: i16::try_from(left).unwrap_or(0),
        y: i16::try_from(top).unwrap_or(i16::MIN),
    };
    frame.render_widget(SlicedImage::new(&drawn.protocol, position), text);
}
