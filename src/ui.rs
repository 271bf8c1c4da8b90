//! Drawing: reads the `App` and paints a frame. Nothing here changes state.

pub mod fetch_log;
pub mod help;
pub mod list;
pub mod pictures;
pub mod reader;
pub mod sources;
pub mod status;
pub mod symbols;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::{App, Focus};
use crate::domain::text;
use theme::Theme;

/// Draws the whole screen from `app`, in the colours of `theme`.
pub fn render(app: &App, theme: &Theme, frame: &mut Frame) {
    let panes = app.panes();
    if let Some(area) = panes.sources {
        sources::render(app, area, theme, frame);
        rule(frame, area, theme);
    }
    if let Some(area) = panes.list {
        list::render(app, area, theme, frame);
        if panes.side_by_side {
            rule(frame, area, theme);
        }
    }
    if let Some(area) = panes.reader {
        reader::render(app, area, theme, frame);
    }
    status::render(app, panes.status, theme, frame);
    if app.help_open() {
        help::render(app, frame.area(), theme, frame);
    }
    if app.log_open() {
        fetch_log::render(app, frame.area(), theme, frame);
    }
}

/// The one-column rule at the right of `pane`.
fn rule(frame: &mut Frame, pane: Rect, theme: &Theme) {
    let rule = Rect {
        x: pane.right(),
        width: 1,
        ..pane
    };
    if rule.right() > frame.area().right() {
        return;
    }
    let lines: Vec<Line> = (0..rule.height)
        .map(|_| Line::raw(theme.symbols.rule()))
        .collect();
    frame.render_widget(
        ratatui::widgets::Paragraph::new(lines).style(theme.rule),
        rule,
    );
}

/// A pane's one-line title bar; the focused pane's is marked with `▶` as well as styled.
pub fn title_bar(
    frame: &mut Frame,
    area: Rect,
    text: &str,
    right: &str,
    focused: bool,
    theme: &Theme,
) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let bar = Rect { height: 1, ..area };
    let style = if focused {
        theme.bar_focused
    } else {
        theme.bar
    };
    let mark = if focused { theme.symbols.focus() } else { "  " };
    let text = theme.symbols.text(text);
    let text = text.as_ref();
    let right = theme.symbols.text(right);
    let right = right.as_ref();
    let width = usize::from(bar.width);
    let right_width = text::width(right);
    let left = text::truncate(text, width.saturating_sub(right_width + 3)).into_owned();
    let gap = width.saturating_sub(text::width(mark) + text::width(&left) + right_width);
    let line = Line::from(vec![
        Span::raw(mark),
        Span::raw(left),
        Span::raw(" ".repeat(gap)),
        Span::raw(right.to_owned()),
    ])
    .style(style);
    frame.render_widget(line, bar);
}

pub(crate) fn focused(app: &App, focus: Focus) -> bool {
    app.overlay.is_none() && app.focus == focus
}
