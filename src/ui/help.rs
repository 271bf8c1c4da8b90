//! The help overlay, generated from the keymap so it always shows the real bindings.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::App;

const KEY_COLUMN: usize = 18;

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    // Narrow terminals give the descriptions room at the keys' expense.
    let key_column = KEY_COLUMN.min(usize::from(area.width) / 3);
    let mut lines: Vec<Line> = Vec::new();
    let mut context = None;
    for row in app.keymap.help() {
        if context != Some(row.context) {
            if context.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(row.context.title(), theme.help_heading));
            context = Some(row.context);
        }
        let keys = row.keys.join(" ");
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<key_column$} "), theme.help_key),
            Span::raw(row.description),
        ]));
    }
    let width = (KEY_COLUMN as u16 + 32).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .title(" Keys — ? or Esc closes "),
        ),
        popup,
    );
}
