//! The help overlay: draws the app's help lines (generated from the keymap, so they always
//! show the real bindings) in a pop-up placed by the app's layout.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use crate::app::help::HelpLine;
use crate::app::{App, layout};

const KEY_COLUMN: usize = 18;

/// The help lines, styled, for a pop-up `width` columns wide.
fn styled(lines: &[HelpLine], theme: &Theme, width: u16) -> Vec<Line<'static>> {
    // Narrow terminals give the descriptions room at the keys' expense.
    let key_column = KEY_COLUMN.min(usize::from(width) / 3);
    lines
        .iter()
        .map(|line| match line {
            HelpLine::Heading(title) => Line::styled(*title, theme.help_heading),
            HelpLine::Binding { keys, description } => Line::from(vec![
                Span::styled(
                    theme
                        .symbols
                        .text(&format!("  {} ", pad(keys, key_column)))
                        .into_owned(),
                    theme.help_key,
                ),
                Span::raw(theme.symbols.text(description).into_owned()),
            ]),
            HelpLine::Syntax { example, meaning } => Line::from(vec![
                Span::styled(format!("  {} ", pad(example, 30)), theme.help_key),
                Span::raw(*meaning),
            ]),
            HelpLine::Blank => Line::raw(""),
        })
        .collect()
}

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    let help = crate::app::help::lines(&app.keymap);
    let popup = layout::help_popup(area, help.len());
    let lines = styled(&help, theme, area.width);
    let visible = usize::from(popup.height.saturating_sub(2));
    // The app keeps the scroll within bounds; the frame may be smaller than the app's.
    let scroll = app.help_scroll.min(lines.len().saturating_sub(visible));
    let more = if scroll + visible < lines.len() {
        " j/k scroll "
    } else {
        ""
    };
    frame.render_widget(Clear, popup);
    // A wide character just left of the popup would spill into its border: blank it.
    if popup.x > 0 {
        let buffer = frame.buffer_mut();
        for y in popup.top()..popup.bottom() {
            let cell = &mut buffer[(popup.x - 1, y)];
            if crate::domain::text::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_set(theme.symbols.border())
                    .title(theme.symbols.text(" Keys — ? or Esc closes ").into_owned())
                    .title_bottom(more),
            ),
        popup,
    );
}

/// `text` padded with spaces to `width` columns (by display width, so CJK lines up).
fn pad(text: &str, width: usize) -> String {
    let used = crate::domain::text::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}
