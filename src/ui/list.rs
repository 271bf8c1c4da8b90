//! The article list pane: one row per article, only the visible ones drawn.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{focused, title_bar};
use crate::app::layout;
use crate::app::{App, Focus};
use crate::domain::model::Summary;
use crate::domain::search::Order;
use crate::domain::search::highlight;
use crate::domain::search::query::Term;
use crate::domain::text::{self, printable};

/// Columns for the date, `03 Dec 24`.
const DATE_WIDTH: usize = 9;
/// The widest date a row gives room to (`Wednesday 30 September 2026` is 27).
const MAX_DATE_WIDTH: usize = 32;

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    let is_focused = focused(app, Focus::List);
    let position = if app.list.total == 0 {
        String::new()
    } else {
        format!("{}/{}", app.list.selected + 1, app.list.total)
    };
    let view = &app.view;
    let title = if view.is_all() {
        "Articles".to_owned()
    } else if view.is_search() && view.name == "Search" {
        let order = match (view.order, view.ranked) {
            (Order::Relevance, true) => "best first",
            (Order::Relevance, false) if view.query.has_words_to_rank() => {
                "newest first: too many to rank"
            }
            (Order::Relevance, false) => "newest first",
            (Order::Newest, _) => "newest first",
        };
        format!("Search: {} ({order})", printable(&view.text))
    } else {
        printable(&view.name).into_owned()
    };
    title_bar(frame, area, &title, &position, is_focused, theme);
    let terms: Vec<&Term> = view.query.highlight_terms().collect();
    let inner = layout::pane_inner(area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    if app.list.total == 0 {
        let lines = if view.is_all() {
            vec![
                Line::styled("No articles yet.", theme.empty),
                Line::styled("Add some with: herald import PATH", theme.empty),
            ]
        } else {
            vec![Line::styled("Nothing matches.", theme.empty)]
        };
        frame.render_widget(ratatui::widgets::Paragraph::new(lines), inner);
        return;
    }
    for y in 0..inner.height {
        let index = app.list.offset + usize::from(y);
        if index >= app.list.total {
            break;
        }
        let Some(row) = app.list.row(index) else {
            continue;
        };
        let selected = index == app.list.selected;
        let line_area = Rect {
            y: inner.y + y,
            height: 1,
            ..inner
        };
        let mut line = row_line(
            row,
            usize::from(inner.width),
            theme,
            &terms,
            &app.settings.date_format,
            &app.zone,
        );
        if selected {
            line = line.patch_style(if is_focused {
                theme.selected_focused
            } else {
                theme.selected
            });
        }
        frame.render_widget(line, line_area);
        if selected && is_focused {
            frame.set_cursor_position(Position::new(line_area.x, line_area.y));
        }
    }
}

/// `●★ Source    Title…  03 Dec 24`, fitted to `width` columns by display width, with
/// the words of `terms` highlighted in the title.
pub fn row_line(
    row: &Summary,
    width: usize,
    theme: &Theme,
    terms: &[&Term],
    date_format: &str,
    zone: &jiff::tz::TimeZone,
) -> Line<'static> {
    let weight = if row.read { theme.read } else { theme.unread };
    let marks = format!(
        "{}{}",
        if row.read { ' ' } else { '●' },
        if row.starred { '★' } else { ' ' }
    );
    let mut spans = vec![Span::styled(marks, weight)];
    let mut remaining = width.saturating_sub(2);
    let date = row
        .published
        .and_then(|p| jiff::fmt::strtime::format(date_format, text::shown_time(&p, zone)).ok())
        // The pattern is the user's, but a bidi override or an escape in it would act on
        // the terminal all the same.
        .map(|d| printable(&d).into_owned())
        // A cut date reads as another date (`Sunday 01 June …`): a date is shown whole,
        // when the row has room for it, or not at all.
        .filter(|d| text::width(d) <= MAX_DATE_WIDTH)
        .unwrap_or_default();
    let date_width = text::width(&date).max(DATE_WIDTH.min(text::width(date_format) + 1));
    let show_date = width >= 30 + date_width;
    let show_source = width >= 30;
    if show_date {
        remaining = remaining.saturating_sub(date_width + 1);
    }
    if show_source {
        let source_width = (width / 5).clamp(8, 18);
        let source = text::truncate(&printable(&row.source), source_width).into_owned();
        let pad = source_width.saturating_sub(text::width(&source));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(source, theme.source));
        spans.push(Span::raw(" ".repeat(pad)));
        remaining = remaining.saturating_sub(source_width + 1);
    }
    if remaining > 1 {
        let title = text::truncate(&printable(&row.title), remaining - 1).into_owned();
        let pad = (remaining - 1).saturating_sub(text::width(&title));
        spans.push(Span::raw(" "));
        spans.extend(marked_spans(
            &title,
            &highlight::find(&title, terms.iter().copied()),
            weight,
            weight.patch(theme.highlight),
        ));
        spans.push(Span::raw(" ".repeat(pad)));
    }
    if show_date {
        spans.push(Span::raw(" "));
        let pad = date_width.saturating_sub(text::width(&date));
        spans.push(Span::styled(
            format!("{}{date}", " ".repeat(pad)),
            theme.date,
        ));
    }
    Line::from(spans)
}

/// `text` as spans, the byte `ranges` in `marked` style and the rest in `plain`.
pub fn marked_spans(
    text: &str,
    ranges: &[std::ops::Range<usize>],
    plain: ratatui::style::Style,
    marked: ratatui::style::Style,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut at = 0;
    for range in ranges {
        let (start, end) = (range.start.max(at), range.end.min(text.len()));
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        if start > at {
            spans.push(Span::styled(text[at..start].to_owned(), plain));
        }
        spans.push(Span::styled(text[start..end].to_owned(), marked));
        at = end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_owned(), plain));
    }
    spans
}
