//! The status bar: a message or the focused pane's key hints, and the counts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::action::Action;
use crate::app::App;
use crate::display::{self, printable};
use crate::keymap::Context;

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    if area.height == 0 {
        return;
    }
    let counts = format!("{} articles · {} unread", app.list.total, app.unread);
    let (left, style) = match &app.status {
        Some(message) => (printable(message).into_owned(), theme.message),
        None => (hints(app), theme.hint),
    };
    let width = usize::from(area.width);
    let counts = if display::width(&counts) + 10 <= width {
        counts
    } else {
        String::new()
    };
    let left =
        display::truncate(&left, width.saturating_sub(display::width(&counts) + 1)).into_owned();
    let gap = width.saturating_sub(display::width(&left) + display::width(&counts));
    frame.render_widget(
        Line::from(vec![
            Span::styled(left, style),
            Span::raw(" ".repeat(gap)),
            Span::styled(counts, theme.counts),
        ]),
        area,
    );
}

/// The most useful keys for where the focus is, read from the keymap.
fn hints(app: &App) -> String {
    let context = app.context();
    let wanted: &[Action] = match context {
        Context::List => &[
            Action::OpenArticle,
            Action::ToggleStar,
            Action::ToggleRead,
            Action::ShowHelp,
            Action::Quit,
        ],
        Context::Reader => &[
            Action::NextArticle,
            Action::ToggleZoom,
            Action::FocusList,
            Action::ShowHelp,
        ],
        Context::Help | Context::Global => &[Action::CloseHelp],
    };
    wanted
        .iter()
        .filter_map(|action| {
            app.keymap
                .key_for(context, action)
                .map(|key| format!("{key} {}", short(action)))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn short(action: &Action) -> &'static str {
    match action {
        Action::OpenArticle => "open",
        Action::ToggleStar => "star",
        Action::ToggleRead => "read",
        Action::ShowHelp => "help",
        Action::Quit => "quit",
        Action::NextArticle => "next",
        Action::ToggleZoom => "zoom",
        Action::FocusList => "list",
        Action::CloseHelp => "close",
        other => other.description(),
    }
}
