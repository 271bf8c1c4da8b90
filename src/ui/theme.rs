//! Every style herald draws with, in one place. State is never shown by colour alone:
//! each styled state also has a mark or a weight.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub bar_focused: Style,
    pub bar: Style,
    pub unread: Style,
    pub read: Style,
    pub selected_focused: Style,
    pub selected: Style,
    pub source: Style,
    pub date: Style,
    pub title: Style,
    pub meta: Style,
    pub body: Style,
    pub hint: Style,
    pub message: Style,
    pub counts: Style,
    pub help_heading: Style,
    pub help_key: Style,
    pub empty: Style,
    pub rule: Style,
    pub highlight: Style,
    pub highlight_current: Style,
    pub prompt_label: Style,
    pub error: Style,
}

pub const DEFAULT: Theme = Theme {
    bar_focused: Style::new()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD),
    bar: Style::new().add_modifier(Modifier::REVERSED),
    unread: Style::new().add_modifier(Modifier::BOLD),
    read: Style::new(),
    selected_focused: Style::new().add_modifier(Modifier::REVERSED),
    selected: Style::new().add_modifier(Modifier::UNDERLINED),
    source: Style::new().fg(Color::Cyan),
    date: Style::new().fg(Color::DarkGray),
    title: Style::new().add_modifier(Modifier::BOLD),
    meta: Style::new().add_modifier(Modifier::ITALIC),
    body: Style::new(),
    hint: Style::new().add_modifier(Modifier::DIM),
    message: Style::new().add_modifier(Modifier::BOLD),
    counts: Style::new(),
    help_heading: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    help_key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    empty: Style::new().add_modifier(Modifier::DIM),
    rule: Style::new().fg(Color::DarkGray),
    highlight: Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD),
    highlight_current: Style::new()
        .fg(Color::Black)
        .bg(Color::LightRed)
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    prompt_label: Style::new().add_modifier(Modifier::BOLD),
    error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
};
