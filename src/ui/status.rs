//! The status bar: a message or the focused pane's key hints, and the counts.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::{App, Prompt, PromptKind};
use crate::domain::message::count;
pub use crate::domain::message::thousands;
use crate::domain::text::{self, printable};

pub fn render(app: &App, area: Rect, theme: &Theme, frame: &mut Frame) {
    if area.height == 0 {
        return;
    }
    if let Some(prompt) = &app.prompt {
        render_prompt(app, prompt, area, theme, frame);
        return;
    }
    let counts = if app.view.is_all() {
        format!(
            "{} · {} unread",
            count(app.total, "article", "articles"),
            thousands(app.unread)
        )
    } else {
        format!(
            "{} of {} · {} unread",
            thousands(app.list.total),
            thousands(app.total),
            thousands(app.unread)
        )
    };
    let counts = match sync_note(app) {
        Some(note) => format!("{note} · {counts}"),
        None => counts,
    };
    let (left, style) = match &app.status {
        Some(message) => (printable(message).into_owned(), theme.message),
        None => (hints(app), theme.hint),
    };
    let left = theme.symbols.text(&left).into_owned();
    let counts = theme.symbols.text(&counts).into_owned();
    let width = usize::from(area.width);
    // A message is what the person needs to read now: the counts give way to it.
    let room_for_both = text::width(&left) + text::width(&counts) < width;
    let counts = if text::width(&counts) + 10 <= width && (room_for_both || app.status.is_none()) {
        counts
    } else {
        String::new()
    };
    let left = text::truncate(&left, width.saturating_sub(text::width(&counts) + 1)).into_owned();
    let gap = width.saturating_sub(text::width(&left) + text::width(&counts));
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
/// How the sync accounts stand, when there are any and something is to say: a failed
/// sync (its reason is in the pane and the fetch log), or the changes waiting to be
/// pushed. Nothing when everything is pushed.
fn sync_note(app: &App) -> Option<String> {
    let accounts = &app.sources.overview.accounts;
    let failed = accounts.iter().filter(|a| a.error.is_some()).count();
    let waiting: usize = accounts.iter().map(|a| a.waiting).sum();
    match (failed, waiting) {
        (0, 0) => None,
        (0, n) => Some(format!("{} to sync", thousands(n))),
        (_, 0) => Some("sync failed".to_owned()),
        (_, n) => Some(format!("sync failed · {} to sync", thousands(n))),
    }
}

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
        Context::Sources => &[
            Action::FocusNext,
            Action::RenameSource,
            Action::TagSource,
            Action::RemoveSource,
            Action::ToggleSources,
        ],
        Context::Help | Context::Global => &[Action::CloseHelp],
        Context::Prompt => &[Action::SubmitPrompt, Action::CancelPrompt],
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

/// The word a hint uses for `action`: the action table's, else its help line.
fn short(action: &Action) -> &'static str {
    action
        .spec()
        .and_then(|spec| spec.hint)
        .unwrap_or_else(|| action.description())
}

/// The feeds a site named, numbered, as titles (else addresses) side by side.
fn feed_choices(app: &App) -> String {
    app.feed_choices()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let followed = if c.followed { " (followed)" } else { "" };
            format!(
                "{} {}{followed}",
                i + 1,
                c.title.as_deref().unwrap_or(&c.url)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The prompt line: what is typed, then an error or the count of matches at the right.
/// The terminal cursor sits at the end of the input.
fn render_prompt(app: &App, prompt: &Prompt, area: Rect, theme: &Theme, frame: &mut Frame) {
    let width = usize::from(area.width);
    let (right, right_style) = match (&prompt.error, prompt.kind) {
        (Some(error), _) => (printable(error).into_owned(), theme.error),
        (None, PromptKind::Search) if app.searching() => ("searching…".to_owned(), theme.hint),
        (None, PromptKind::Search) => (
            format!("{} of {}", thousands(app.list.total), thousands(app.total)),
            theme.counts,
        ),
        (None, PromptKind::Find) => {
            let matches = app.reader.as_ref().map_or(0, |r| r.marks.len());
            (count(matches, "match", "matches"), theme.counts)
        }
        (None, PromptKind::SaveView) => ("Enter saves · Esc cancels".to_owned(), theme.hint),
        (None, PromptKind::AddRule) => (
            "read, star, hide, tag NAME or delete the new ones it finds".to_owned(),
            theme.hint,
        ),
        (None, PromptKind::ConfirmMarkAll(_)) => ("y yes · n no".to_owned(), theme.hint),
        (None, PromptKind::OpenLink | PromptKind::OpenEnclosure) => {
            ("Enter opens · Esc cancels".to_owned(), theme.hint)
        }
        (None, PromptKind::AddFeed) => (
            "a feed's address or its site's · Enter adds".to_owned(),
            theme.hint,
        ),
        (None, PromptKind::PickFeed) => (feed_choices(app), theme.hint),
        (None, PromptKind::RenameFeed) => ("Enter renames · Esc cancels".to_owned(), theme.hint),
        (None, PromptKind::TagFeed) => (
            "a feed is listed under each of its tags · Enter keeps".to_owned(),
            theme.hint,
        ),
        (None, PromptKind::ConfirmRemove) => ("y yes · n no".to_owned(), theme.hint),
    };
    let question;
    let label = match prompt.kind {
        PromptKind::ConfirmMarkAll(n) => {
            question = format!("Mark {} read? ", count(n, "article", "articles"));
            question.as_str()
        }
        PromptKind::ConfirmRemove => app.sources.question.as_str(),
        kind => kind.label(),
    };
    // Keep the end of a long input in view: that is where the typing happens.
    let room = width.saturating_sub(text::width(label) + text::width(&right) + 2);
    let input = printable(&prompt.input).into_owned();
    let shown = tail(&input, room);
    let used = text::width(label) + text::width(&shown);
    let right = text::truncate(&right, width.saturating_sub(used + 1)).into_owned();
    let gap = width.saturating_sub(used + text::width(&right));
    frame.render_widget(
        Line::from(vec![
            Span::styled(label, theme.prompt_label),
            if prompt.selected {
                Span::styled(shown, theme.selected_focused)
            } else {
                Span::raw(shown)
            },
            Span::raw(" ".repeat(gap)),
            Span::styled(right, right_style),
        ]),
        area,
    );
    let x = area.x + (used as u16).min(area.width.saturating_sub(1));
    frame.set_cursor_position(ratatui::layout::Position::new(x, area.y));
}

/// The last `max` columns of `text`.
fn tail(text: &str, max: usize) -> String {
    if text::width(text) <= max {
        return text.to_owned();
    }
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = text::width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out.into_iter().rev().collect()
}
