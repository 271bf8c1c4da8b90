//! Every style herald draws with, in one place. State is never shown by colour alone:
//! each styled state also has a mark or a weight.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

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
    /// Unicode marks and lines, or ASCII in a locale that is not UTF-8.
    pub symbols: super::symbols::Symbols,
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
    symbols: super::symbols::UNICODE,
};

/// Strong colours and weights for low-vision use and washed-out screens.
pub const HIGH_CONTRAST: Theme = Theme {
    bar_focused: Style::new()
        .fg(Color::Black)
        .bg(Color::White)
        .add_modifier(Modifier::BOLD),
    bar: Style::new()
        .fg(Color::White)
        .bg(Color::Black)
        .add_modifier(Modifier::BOLD),
    unread: Style::new().add_modifier(Modifier::BOLD),
    read: Style::new(),
    selected_focused: Style::new()
        .fg(Color::Black)
        .bg(Color::White)
        .add_modifier(Modifier::BOLD),
    selected: Style::new()
        .add_modifier(Modifier::UNDERLINED)
        .add_modifier(Modifier::BOLD),
    source: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
    date: Style::new().fg(Color::White),
    title: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    meta: Style::new().add_modifier(Modifier::ITALIC),
    body: Style::new(),
    hint: Style::new(),
    message: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::REVERSED),
    counts: Style::new().add_modifier(Modifier::BOLD),
    help_heading: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    help_key: Style::new().add_modifier(Modifier::BOLD),
    empty: Style::new(),
    rule: Style::new().fg(Color::White),
    highlight: Style::new()
        .fg(Color::Black)
        .bg(Color::LightYellow)
        .add_modifier(Modifier::BOLD),
    highlight_current: Style::new()
        .fg(Color::White)
        .bg(Color::Black)
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::REVERSED),
    prompt_label: Style::new().add_modifier(Modifier::BOLD),
    error: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::REVERSED),
    symbols: super::symbols::UNICODE,
};

/// No colour at all (NO_COLOR, --no-color): weight, underline and reverse video only.
pub const MONO: Theme = Theme {
    bar_focused: Style::new()
        .add_modifier(Modifier::REVERSED)
        .add_modifier(Modifier::BOLD),
    bar: Style::new().add_modifier(Modifier::UNDERLINED),
    unread: Style::new().add_modifier(Modifier::BOLD),
    read: Style::new(),
    selected_focused: Style::new().add_modifier(Modifier::REVERSED),
    selected: Style::new().add_modifier(Modifier::UNDERLINED),
    source: Style::new(),
    date: Style::new(),
    title: Style::new().add_modifier(Modifier::BOLD),
    meta: Style::new().add_modifier(Modifier::ITALIC),
    body: Style::new(),
    hint: Style::new(),
    message: Style::new().add_modifier(Modifier::BOLD),
    counts: Style::new(),
    help_heading: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    help_key: Style::new().add_modifier(Modifier::BOLD),
    empty: Style::new(),
    rule: Style::new(),
    highlight: Style::new().add_modifier(Modifier::REVERSED),
    highlight_current: Style::new()
        .add_modifier(Modifier::REVERSED)
        .add_modifier(Modifier::UNDERLINED)
        .add_modifier(Modifier::BOLD),
    prompt_label: Style::new().add_modifier(Modifier::BOLD),
    error: Style::new().add_modifier(Modifier::BOLD),
    symbols: super::symbols::UNICODE,
};

/// The config file's `theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Default,
    HighContrast,
    Mono,
}

/// The theme to draw with: the named one, or monochrome when colour is turned off
/// (`NO_COLOR` set to anything non-empty, as no-color.org asks, or `--no-color`).
pub fn choose(name: ThemeName, no_color: bool) -> Theme {
    if no_color {
        return MONO;
    }
    match name {
        ThemeName::Default => DEFAULT,
        ThemeName::HighContrast => HIGH_CONTRAST,
        ThemeName::Mono => MONO,
    }
}

/// Whether the environment asks for no colour.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses_colour(theme: &Theme) -> bool {
        let styles = [
            theme.bar_focused,
            theme.bar,
            theme.unread,
            theme.read,
            theme.selected_focused,
            theme.selected,
            theme.source,
            theme.date,
            theme.title,
            theme.meta,
            theme.body,
            theme.hint,
            theme.message,
            theme.counts,
            theme.help_heading,
            theme.help_key,
            theme.empty,
            theme.rule,
            theme.highlight,
            theme.highlight_current,
            theme.prompt_label,
            theme.error,
        ];
        styles.iter().any(|s| s.fg.is_some() || s.bg.is_some())
    }

    #[test]
    fn no_color_gives_monochrome_whatever_the_config_says() {
        assert!(!uses_colour(&choose(ThemeName::Default, true)));
        assert!(!uses_colour(&choose(ThemeName::HighContrast, true)));
        assert!(!uses_colour(&choose(ThemeName::Mono, false)));
        assert!(uses_colour(&choose(ThemeName::Default, false)));
        assert!(uses_colour(&choose(ThemeName::HighContrast, false)));
    }

    #[test]
    fn state_is_never_colour_alone() {
        for theme in [DEFAULT, HIGH_CONTRAST, MONO] {
            assert!(theme.unread.add_modifier.contains(Modifier::BOLD));
            assert!(!theme.selected_focused.add_modifier.is_empty());
            assert!(!theme.highlight.add_modifier.is_empty() || theme.highlight.bg.is_some());
            assert!(!theme.highlight_current.add_modifier.is_empty());
        }
    }
}
