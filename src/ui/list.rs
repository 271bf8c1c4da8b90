//! The article list pane: one row per article, only the visible ones drawn.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{focused, title_bar};
use crate::app::columns::Column;
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
        // An empty store (new, or its samples deleted) says how to begin, in any view.
        let lines = if view.is_all() || app.total == 0 {
            let add = match app.keymap.key_for(
                crate::app::keymap::Context::List,
                &crate::app::action::Action::AddFeed,
            ) {
                Some(key) => format!("Press {key} to add a feed (its address or its site's),"),
                None => "Add a feed with: herald feed add URL,".to_owned(),
            };
            vec![
                Line::styled("No articles yet.", theme.empty),
                Line::styled(add, theme.empty),
                Line::styled("or files with: herald import PATH", theme.empty),
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
            &app.settings,
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

/// The fewest columns the title keeps: a column that would leave it less is not shown.
const MIN_TITLE: usize = 17;

/// `●★ Source    Title…  03 Dec 24` (or the columns the config names, in its order),
/// fitted to `width` columns by display width, with the words of `terms` highlighted in
/// the title. The title takes the room the others leave; a narrow list drops the other
/// columns, last named first, before the title gets shorter than [`MIN_TITLE`].
pub fn row_line(
    row: &Summary,
    width: usize,
    theme: &Theme,
    terms: &[&Term],
    settings: &crate::app::Settings,
    zone: &jiff::tz::TimeZone,
) -> Line<'static> {
    let weight = if row.read { theme.read } else { theme.unread };
    let date_format = settings.date_format.as_str();
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
    let columns = &settings.columns;
    let name_width = columns.name_width(width);
    let room = |column: Column| match column {
        Column::Flags => 2,
        Column::Source | Column::Author => name_width + 1,
        Column::Date => date_width + 1,
        Column::Title => 0,
    };
    // Flags always; the others while the title keeps its least.
    let mut shown: Vec<Column> = columns.fields.clone();
    loop {
        let used: usize = shown.iter().map(|c| room(*c)).sum();
        if width.saturating_sub(used + 1) >= MIN_TITLE {
            break;
        }
        match shown
            .iter()
            .rposition(|c| !matches!(c, Column::Title | Column::Flags))
        {
            Some(i) => {
                shown.remove(i);
            }
            None => break,
        }
    }
    let used: usize = shown.iter().map(|c| room(*c)).sum();
    let title_room = width.saturating_sub(used);
    let mut spans = Vec::new();
    let name = |text: &str| {
        let cut = text::truncate(&printable(text), name_width).into_owned();
        let cut = theme.symbols.text(&cut).into_owned();
        let pad = name_width.saturating_sub(text::width(&cut));
        format!(" {cut}{}", " ".repeat(pad))
    };
    for column in shown {
        match column {
            Column::Flags => spans.push(Span::styled(
                format!(
                    "{}{}",
                    if row.read {
                        ' '
                    } else {
                        theme.symbols.unread()
                    },
                    if row.starred {
                        theme.symbols.starred()
                    } else {
                        ' '
                    }
                ),
                weight,
            )),
            Column::Source => spans.push(Span::styled(name(&row.source), theme.source)),
            Column::Author => spans.push(Span::styled(
                name(row.authors.first().map_or("", String::as_str)),
                theme.source,
            )),
            Column::Date => {
                let pad = date_width.saturating_sub(text::width(&date));
                spans.push(Span::styled(
                    format!(" {}{date}", " ".repeat(pad)),
                    theme.date,
                ));
            }
            Column::Title if title_room > 1 => {
                let title = text::truncate(&printable(&row.title), title_room - 1).into_owned();
                let title = theme.symbols.text(&title).into_owned();
                let pad = (title_room - 1).saturating_sub(text::width(&title));
                spans.push(Span::raw(" "));
                spans.extend(marked_spans(
                    &title,
                    &highlight::find(&title, terms.iter().copied()),
                    weight,
                    weight.patch(theme.highlight),
                ));
                spans.push(Span::raw(" ".repeat(pad)));
            }
            Column::Title => {}
        }
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
