//! The reader pane: the open article's visible lines, a scrollbar and how far through.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

use super::theme::Theme;
use super::{focused, title_bar};
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::layout;
use crate::app::reader::LineKind;
use crate::app::{App, Focus};
use crate::domain::text::printable;

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    let is_focused = focused(app, Focus::Reader);
    let Some(reader) = &app.reader else {
        title_bar(frame, area, "Reader", "", is_focused, theme);
        let open = app
            .keymap
            .key_for(Context::List, &Action::OpenArticle)
            .unwrap_or_else(|| "Enter".into());
        let hint = if app.list.total == 0 {
            "Nothing to read yet.".to_owned()
        } else {
            format!("Select an article and press {open} to read it.")
        };
        let inner = layout::pane_inner(area);
        frame.render_widget(
            Paragraph::new(Line::styled(hint, theme.empty))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    };
    let percent = match reader.current_mark {
        Some(i) => format!("{}/{} · {}%", i + 1, reader.marks.len(), reader.percent()),
        None if !reader.marks.is_empty() => {
            format!(
                "{} · {}%",
                crate::domain::message::count(reader.marks.len(), "match", "matches"),
                reader.percent()
            )
        }
        None => format!("{}%", reader.percent()),
    };
    let source = printable(&reader.article.summary.source).into_owned();
    title_bar(frame, area, &source, &percent, is_focused, theme);
    let geometry = layout::reader_area(area, app.settings.reader_width);
    let text = geometry.text;
    if text.height == 0 || text.width == 0 {
        return;
    }
    let visible = reader
        .lines
        .iter()
        .skip(reader.top)
        .take(usize::from(text.height));
    for (y, line) in (text.y..).zip(visible) {
        let style = match line.kind {
            LineKind::Title => theme.title,
            LineKind::Meta => theme.meta,
            LineKind::Blank | LineKind::Body => theme.body,
        };
        let content = reader.text(line);
        // Matches on this line, as byte ranges of the line's own text.
        let mut ranges = Vec::new();
        let mut current = Vec::new();
        for (index, mark) in reader.marks.iter().enumerate() {
            if mark.kind != line.kind
                || mark.paragraph != line.paragraph
                || mark.range.end <= line.start
                || mark.range.start >= line.end
            {
                continue;
            }
            let range = mark.range.start.max(line.start) - line.start
                ..mark.range.end.min(line.end) - line.start;
            if reader.current_mark == Some(index) {
                current.push(range.clone());
            }
            ranges.push(range);
        }
        let mut spans = Vec::new();
        let mut at = 0;
        for range in &ranges {
            if range.start < at {
                continue;
            }
            let highlight = if current.contains(range) {
                theme.highlight_current
            } else {
                theme.highlight
            };
            spans.push(Span::styled(
                printable(content.get(at..range.start).unwrap_or_default()).into_owned(),
                style,
            ));
            spans.push(Span::styled(
                printable(content.get(range.clone()).unwrap_or_default()).into_owned(),
                style.patch(highlight),
            ));
            at = range.end;
        }
        spans.push(Span::styled(
            printable(content.get(at..).unwrap_or_default()).into_owned(),
            style,
        ));
        frame.render_widget(
            Line::from(spans),
            Rect {
                y,
                height: 1,
                ..text
            },
        );
    }
    if geometry.scrollbar.width > 0 && reader.lines.len() > usize::from(text.height) {
        let mut state = ScrollbarState::new(reader.max_top())
            .position(reader.top)
            .viewport_content_length(usize::from(text.height));
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None),
            geometry.scrollbar,
            &mut state,
        );
    }
    if is_focused {
        frame.set_cursor_position(Position::new(text.x, text.y));
    }
}
