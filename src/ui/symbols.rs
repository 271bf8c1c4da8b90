//! The marks and lines herald draws: Unicode (`▶ ● ★ · │`, box lines), or ASCII where
//! the locale is not UTF-8 (`LC_ALL=C`, or no locale at all), whose terminal would show
//! those as question marks or worse. Chosen once at start ([`for_locale`]); the theme
//! carries the choice.

use std::borrow::Cow;

use ratatui::symbols::border;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbols {
    pub ascii: bool,
}

pub const UNICODE: Symbols = Symbols { ascii: false };
pub const ASCII: Symbols = Symbols { ascii: true };

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Symbols {
    /// Before the focused pane's title.
    pub fn focus(self) -> &'static str {
        if self.ascii { "> " } else { "▶ " }
    }

    pub fn unread(self) -> char {
        if self.ascii { '*' } else { '●' }
    }

    pub fn starred(self) -> char {
        if self.ascii { '!' } else { '★' }
    }

    /// The rule between panes.
    pub fn rule(self) -> &'static str {
        if self.ascii { "|" } else { "│" }
    }

    /// The reader's scrollbar: ratatui's double line and full block, or `|` and `#`.
    pub fn scrollbar(self) -> ratatui::symbols::scrollbar::Set<'static> {
        if self.ascii {
            ratatui::symbols::scrollbar::Set {
                track: "|",
                thumb: "#",
                begin: "^",
                end: "v",
            }
        } else {
            ratatui::symbols::scrollbar::DOUBLE_VERTICAL
        }
    }

    pub fn border(self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    /// `text` with the marks herald's own messages use (`·`, `…`, arrows, dashes, quotes)
    /// in ASCII when the locale asks for it; other text is left as it is.
    pub fn text(self, text: &str) -> Cow<'_, str> {
        if !self.ascii || text.is_ascii() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '·' => out.push('-'),
                '…' => out.push_str("..."),
                '—' | '–' => out.push('-'),
                '←' => out.push('<'),
                '→' => out.push('>'),
                '↑' => out.push('^'),
                '↓' => out.push('v'),
                '“' | '”' => out.push('"'),
                '‘' | '’' => out.push('\''),
                '▶' => out.push('>'),
                '●' => out.push('*'),
                '★' => out.push('!'),
                '│' => out.push('|'),
                c => out.push(c),
            }
        }
        Cow::Owned(out)
    }
}

/// The symbols for the locale `var` reads (the environment's, at start): the first set
/// of `LC_ALL`, `LC_CTYPE`, `LANG` decides, as for the C library; UTF-8 draws Unicode,
/// anything else (or none set: the C locale) ASCII.
pub fn for_locale(var: impl Fn(&str) -> Option<String>) -> Symbols {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()));
    match locale {
        Some(value) => {
            let lower = value.to_ascii_lowercase();
            if lower.contains("utf-8") || lower.contains("utf8") {
                UNICODE
            } else {
                ASCII
            }
        }
        None => ASCII,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn the_locale_chooses_unicode_or_ascii() {
        assert_eq!(for_locale(env(&[("LANG", "en_GB.UTF-8")])), UNICODE);
        assert_eq!(for_locale(env(&[("LC_ALL", "C.utf8")])), UNICODE);
        assert_eq!(
            for_locale(env(&[("LC_ALL", "C"), ("LANG", "en_GB.UTF-8")])),
            ASCII
        );
        assert_eq!(
            for_locale(env(&[("LC_ALL", ""), ("LANG", "C.UTF-8")])),
            UNICODE
        );
        assert_eq!(for_locale(env(&[("LC_CTYPE", "POSIX")])), ASCII);
        assert_eq!(for_locale(env(&[])), ASCII);
        assert_eq!(ASCII.text("a · b…"), "a - b...");
        assert_eq!(UNICODE.text("a · b"), "a · b");
    }
}
