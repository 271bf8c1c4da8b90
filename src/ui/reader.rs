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
    if app.reader.is_none() && app.sources.first_run {
        title_bar(frame, area, "Welcome", "", is_focused, theme);
        let inner = layout::pane_inner(area);
        frame.render_widget(
            Paragraph::new(welcome(app, theme)).wrap(ratatui::widgets::Wrap { trim: false }),
            Rect {
                x: inner.x.saturating_add(1),
                width: inner.width.saturating_sub(2),
                ..inner
            },
        );
        return;
    }
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
        if line.kind == LineKind::Picture {
            // Drawn once per picture, from its first row on screen, sliced to the rows
            // the screen shows.
            if line.start == 0 || y == text.y {
                super::pictures::render(reader, line, y, text, frame);
            }
            continue;
        }
        let style = match line.kind {
            LineKind::Title => theme.title,
            LineKind::Meta | LineKind::Link => theme.meta,
            LineKind::Blank | LineKind::Body | LineKind::Picture => theme.body,
        };
        let content = reader.text(line);
        // The byline's separators are herald's own marks (ASCII where the locale is not
        // UTF-8); the article's text is drawn as it is. Pieces are converted after the
        // match ranges cut them, as the ranges are bytes of the unconverted line.
        let own_marks = line.kind == LineKind::Meta;
        let shown = |piece: &str| {
            let piece = printable(piece);
            if own_marks {
                theme.symbols.text(&piece).into_owned()
            } else {
                piece.into_owned()
            }
        };
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
                shown(content.get(at..range.start).unwrap_or_default()),
                style,
            ));
            spans.push(Span::styled(
                shown(content.get(range.clone()).unwrap_or_default()),
                style.patch(highlight),
            ));
            at = range.end;
        }
        spans.push(Span::styled(
            shown(content.get(at..).unwrap_or_default()),
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
                .end_symbol(None)
                .symbols(theme.symbols.scrollbar()),
            geometry.scrollbar,
            &mut state,
        );
    }
    if is_focused {
        frame.set_cursor_position(Position::new(text.x, text.y));
    }
}

/// What a new store's reader says: how to add feeds, bring subscriptions, and remove the
/// samples, with the keys as bound.
fn welcome(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let key = |context, action: Action, default: &str| {
        app.keymap
            .key_for(context, &action)
            .unwrap_or_else(|| default.to_owned())
    };
    let add = key(Context::List, Action::AddFeed, "a");
    let sources = key(Context::List, Action::ToggleSources, "S");
    let remove = key(Context::Sources, Action::RemoveSource, "d");
    let help = key(Context::List, Action::ShowHelp, "?");
    let samples = crate::domain::samples::SOURCE;
    let has_samples = app
        .sources
        .overview
        .local
        .iter()
        .any(|(name, ..)| name == samples);
    let mut lines = vec![
        Line::styled("Welcome to herald.", theme.title),
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!("{add} "), theme.help_key),
            Span::raw(
                "adds a feed: type its address, or just its site's, and herald finds the feed.",
            ),
        ]),
        Line::raw(""),
        Line::raw("Bring your subscriptions from the command line:"),
        Line::styled("  herald feed import subscriptions.opml", theme.help_key),
        Line::styled("  herald import --from-newsboat", theme.help_key),
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!("{help} "), theme.help_key),
            Span::raw("lists every key. Move in the list to start reading."),
        ]),
    ];
    if has_samples {
        lines.insert(
            lines.len() - 1,
            Line::raw(format!(
                "The articles listed now are samples, under \"{samples}\" in the sources pane \
             ({sources} shows it): press {remove} on that line to remove them for good."
            )),
        );
        lines.insert(lines.len() - 1, Line::raw(""));
    }
    lines
}
