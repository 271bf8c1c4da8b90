//! The sources pane: each source on a line with its unread count at the right, feeds
//! under their tags, a failing feed marked with `!`, group titles dimmed.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line as TextLine, Span};

use super::theme::Theme;
use super::{focused, title_bar};
use crate::app::layout;
use crate::app::sources::Line;
use crate::app::{App, Focus};
use crate::domain::text::{self, printable};

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    let is_focused = focused(app, Focus::Sources);
    title_bar(frame, area, "Sources", "", is_focused, theme);
    let inner = layout::pane_inner(area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let pane = &app.sources;
    let width = usize::from(inner.width);
    for (y, (index, line)) in pane
        .lines
        .iter()
        .enumerate()
        .skip(pane.offset)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let at = Rect {
            y: inner.y + y as u16,
            height: 1,
            ..inner
        };
        let mut drawn = match line {
            Line::Heading(title) => {
                TextLine::styled(text::truncate(title, width).into_owned(), theme.meta)
            }
            Line::More => TextLine::styled(
                text::truncate(&theme.symbols.text("… more: search source:"), width).into_owned(),
                theme.empty,
            ),
            Line::Source {
                label,
                depth,
                unread,
                failing,
                ..
            } => source_line(label, *depth, *unread, *failing, width, theme),
        };
        if index == pane.selected {
            drawn = drawn.patch_style(if is_focused {
                theme.selected_focused
            } else {
                theme.selected
            });
            if is_focused {
                frame.set_cursor_position(Position::new(at.x, at.y));
            }
        }
        frame.render_widget(drawn, at);
    }
}

/// ` Label        12`, or `!Label        12` for a failing feed, fitted to `width`.
fn source_line(
    label: &str,
    depth: u8,
    unread: Option<usize>,
    failing: bool,
    width: usize,
    theme: &Theme,
) -> TextLine<'static> {
    let count = match unread {
        Some(0) | None => String::new(),
        Some(n) => format!(" {n}"),
    };
    let mark = if failing { "!" } else { " " };
    let indent = "  ".repeat(usize::from(depth));
    let room = width.saturating_sub(text::width(mark) + indent.len() + text::width(&count));
    let label = text::truncate(&printable(label), room).into_owned();
    let gap = room.saturating_sub(text::width(&label));
    let style = if unread.is_some_and(|n| n > 0) {
        theme.unread
    } else {
        theme.read
    };
    TextLine::from(vec![
        Span::styled(mark.to_owned(), theme.error),
        Span::raw(indent),
        Span::styled(label, style),
        Span::raw(" ".repeat(gap)),
        Span::styled(count, theme.counts),
    ])
}
