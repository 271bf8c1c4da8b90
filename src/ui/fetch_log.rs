//! The fetch log pop-up: the fetch errors the store keeps, newest first, wrapped,
//! where the help goes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::{App, layout};
use crate::domain::text::printable;

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    let lines = app.fetch_log_lines();
    let popup = layout::help_popup(area, lines.len());
    let visible = usize::from(popup.height.saturating_sub(2));
    let scroll = app.log_scroll.min(lines.len().saturating_sub(visible));
    let more = if scroll + visible < lines.len() {
        " j/k scroll "
    } else {
        ""
    };
    let text: Vec<Line> = lines
        .iter()
        .map(|l| Line::styled(printable(l).into_owned(), theme.message))
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_set(theme.symbols.border())
                    .title(
                        theme
                            .symbols
                            .text(" Fetch errors — Esc closes ")
                            .into_owned(),
                    )
                    .title_bottom(more),
            ),
        popup,
    );
}
