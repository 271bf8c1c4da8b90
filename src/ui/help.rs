//! The help overlay, generated from the keymap so it always shows the real bindings.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::App;

const KEY_COLUMN: usize = 18;

/// The help screen's lines: every binding by context, then the search syntax.
pub fn lines(app: &App, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    // Narrow terminals give the descriptions room at the keys' expense.
    let key_column = KEY_COLUMN.min(usize::from(width) / 3);
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
            Span::styled(format!("  {} ", pad(&keys, key_column)), theme.help_key),
            Span::raw(row.description),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Search syntax (/ in the list)",
        theme.help_heading,
    ));
    for (example, meaning) in crate::search::query::SYNTAX {
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", pad(example, 30)), theme.help_key),
            Span::raw(*meaning),
        ]));
    }
    lines
}

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    let lines = lines(app, theme, area.width);
    let width = (KEY_COLUMN as u16 + 44).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let visible = usize::from(height.saturating_sub(2));
    let scroll = app.help_scroll.min(lines.len().saturating_sub(visible));
    let more = if scroll + visible < lines.len() {
        " j/k scroll "
    } else {
        ""
    };
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(Clear, popup);
    // A wide character just left of the popup would spill into its border: blank it.
    if popup.x > 0 {
        let buffer = frame.buffer_mut();
        for y in popup.top()..popup.bottom() {
            let cell = &mut buffer[(popup.x - 1, y)];
            if crate::display::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll as u16, 0)).block(
            Block::new()
                .borders(Borders::ALL)
                .title(" Keys — ? or Esc closes ")
                .title_bottom(more),
        ),
        popup,
    );
}

/// `text` padded with spaces to `width` columns (by display width, so CJK lines up).
fn pad(text: &str, width: usize) -> String {
    let used = crate::display::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}
