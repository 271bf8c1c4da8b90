//! Keys to actions, per context, read from `assets/keymap.toml`. The help screen and the
//! status-bar hints are generated from the same map, so they always show the real keys.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::Action;

const DEFAULT_KEYMAP: &str = include_str!("../assets/keymap.toml");

/// Where a binding applies. Bindings of the current context win over global ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Reader,
    Prompt,
    Help,
}

impl Context {
    const ALL: [(Context, &'static str); 5] = [
        (Context::List, "list"),
        (Context::Reader, "reader"),
        (Context::Prompt, "prompt"),
        (Context::Global, "global"),
        (Context::Help, "help"),
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Anywhere",
            Context::List => "Article list",
            Context::Reader => "Reader",
            Context::Prompt => "Search and find prompts",
            Context::Help => "Help",
        }
    }
}

/// A key as bindings name it: shift is part of the character (`J`), not a modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn from_event(event: &KeyEvent) -> Key {
        Key {
            code: event.code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `j`, `J`, `?`, `enter`, `pagedown`, `ctrl-d`, `alt-x`.
    pub fn parse(text: &str) -> Result<Key> {
        let mut key = Key {
            code: KeyCode::Null,
            ctrl: false,
            alt: false,
        };
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                key.ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                key.alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                _ => bail!("`{text}` is not a key herald knows"),
            },
        };
        Ok(key)
    }

    /// How the help screen writes the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{base}"),
            (false, true) => format!("Alt-{base}"),
            _ => base,
        }
    }
}

#[derive(Debug, Clone)]
struct Binding {
    context: Context,
    /// One key, or a sequence such as `g g`.
    keys: Vec<Key>,
    action: Action,
}

/// What the keys pressed so far ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Action(Action),
    /// The start of a longer binding: wait for the next key.
    Pending,
    None,
}

/// `g g` as the help screen writes it.
fn sequence_label(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join("")
}

fn parse_sequence(text: &str) -> Result<Vec<Key>> {
    let keys = text
        .split_whitespace()
        .map(Key::parse)
        .collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        bail!("an empty key");
    }
    Ok(keys)
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// One line of the help screen: an action and every key bound to it.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpRow {
    pub context: Context,
    pub keys: Vec<String>,
    pub description: &'static str,
}

impl Keymap {
    pub fn default_keymap() -> Result<Keymap> {
        Keymap::parse(DEFAULT_KEYMAP).context("reading the built-in keymap")
    }

    /// Reads a keymap file: a table per context of `action = ["key", ...]`.
    pub fn parse(text: &str) -> Result<Keymap> {
        let tables: BTreeMap<String, BTreeMap<String, Vec<String>>> = toml::from_str(text)?;
        let mut keymap = Keymap {
            bindings: Vec::new(),
        };
        keymap.apply(&tables)?;
        Ok(keymap)
    }

    /// Applies overrides: each `action = [keys]` replaces that action's keys in its mode
    /// (an empty list unbinds it). Unknown modes, actions and keys, and keys that clash,
    /// are errors naming them.
    pub fn apply(
        &mut self,
        tables: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    ) -> Result<()> {
        for name in tables.keys() {
            if !Context::ALL.iter().any(|(_, n)| n == name) {
                bail!(
                    "[{name}] is not a keymap section (use global, list, reader, prompt or help)"
                );
            }
        }
        for (context, name) in Context::ALL {
            let Some(table) = tables.get(name) else {
                continue;
            };
            for (action_name, keys) in table {
                let action = parse_action(action_name)
                    .ok_or_else(|| anyhow::anyhow!("[{name}] `{action_name}` is not an action"))?;
                self.bindings
                    .retain(|b| !(b.context == context && b.action == action));
                for text in keys {
                    let keys = parse_sequence(text)
                        .with_context(|| format!("[{name}] {action_name} = \"{text}\""))?;
                    self.bindings.push(Binding {
                        context,
                        keys,
                        action: action.clone(),
                    });
                }
            }
        }
        self.check_conflicts()?;
        self.bindings
            .sort_by_key(|b| (b.context, action_order(&b.action)));
        Ok(())
    }

    /// Two bindings clash in a mode when their keys are the same, or when one is the start
    /// of the other (the longer one could never be typed).
    fn check_conflicts(&self) -> Result<()> {
        for (i, a) in self.bindings.iter().enumerate() {
            for b in &self.bindings[i + 1..] {
                if a.context != b.context {
                    continue;
                }
                let (short, long) = if a.keys.len() <= b.keys.len() {
                    (a, b)
                } else {
                    (b, a)
                };
                if long.keys.starts_with(&short.keys) {
                    let mode = Context::ALL
                        .iter()
                        .find(|(c, _)| *c == a.context)
                        .map_or("?", |(_, n)| *n);
                    if short.keys.len() == long.keys.len() {
                        bail!(
                            "[{mode}] `{}` is bound to both {} and {}",
                            sequence_label(&a.keys),
                            action_name(&a.action),
                            action_name(&b.action)
                        );
                    }
                    bail!(
                        "[{mode}] `{}` ({}) is the start of `{}` ({}), which could never be typed",
                        sequence_label(&short.keys),
                        action_name(&short.action),
                        sequence_label(&long.keys),
                        action_name(&long.action)
                    );
                }
            }
        }
        Ok(())
    }

    /// The action `key` asks for in `context`, falling back to global bindings.
    pub fn action(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        match self.resolve(context, &[Key::from_event(key)]) {
            Resolution::Action(action) => Some(action),
            _ => None,
        }
    }

    /// What the keys typed so far (`pressed`) ask for in `context`.
    pub fn resolve(&self, context: Context, pressed: &[Key]) -> Resolution {
        // In a prompt, plain characters are text: only Ctrl and Alt keys reach the global
        // bindings (so `?` types a question mark, and Ctrl-c still quits).
        let global_applies =
            context != Context::Prompt || pressed.first().is_some_and(|k| k.ctrl || k.alt);
        let contexts: &[Context] = if global_applies {
            &[context, Context::Global]
        } else {
            &[context]
        };
        for ctx in contexts {
            if let Some(b) = self
                .bindings
                .iter()
                .find(|b| b.context == *ctx && b.keys == pressed)
            {
                return Resolution::Action(b.action.clone());
            }
        }
        let waiting = self.bindings.iter().any(|b| {
            contexts.contains(&b.context)
                && b.keys.len() > pressed.len()
                && b.keys.starts_with(pressed)
        });
        if waiting {
            Resolution::Pending
        } else {
            Resolution::None
        }
    }

    /// Every action with its keys, grouped by context, for the help screen.
    pub fn help(&self) -> Vec<HelpRow> {
        let mut rows: Vec<(HelpRow, &Action)> = Vec::new();
        for b in &self.bindings {
            // Rows that would read the same (the saved views on 4 to 9) share one line.
            match rows.iter_mut().find(|(r, a)| {
                r.context == b.context
                    && (**a == b.action || r.description == b.action.description())
            }) {
                Some((row, _)) => row.keys.push(sequence_label(&b.keys)),
                None => rows.push((
                    HelpRow {
                        context: b.context,
                        keys: vec![sequence_label(&b.keys)],
                        description: b.action.description(),
                    },
                    &b.action,
                )),
            }
        }
        rows.into_iter().map(|(r, _)| r).collect()
    }

    /// The help screen as a Markdown table, for the README (a test keeps them in step).
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| where | keys | action |\n| --- | --- | --- |\n");
        for row in self.help() {
            let keys: Vec<String> = row.keys.iter().map(|k| format!("`{k}`")).collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                row.context.title(),
                keys.join(" "),
                row.description
            ));
        }
        out
    }

    /// Every binding as the config file names it: mode, action, keys, what it does. For
    /// `herald keys`, so a person writing `[keys.MODE]` sees the names to use.
    pub fn listing(&self) -> String {
        let mut rows: Vec<(&str, String, Vec<String>, &str)> = Vec::new();
        for b in &self.bindings {
            let mode = Context::ALL
                .iter()
                .find(|(c, _)| *c == b.context)
                .map_or("?", |(_, n)| *n);
            let name = action_name(&b.action);
            match rows.iter_mut().find(|r| r.0 == mode && r.1 == name) {
                Some(row) => row.2.push(sequence_label(&b.keys)),
                None => rows.push((
                    mode,
                    name,
                    vec![sequence_label(&b.keys)],
                    b.action.description(),
                )),
            }
        }
        let width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
        let keys_width = rows
            .iter()
            .map(|r| r.2.join(" ").chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        let mut mode = "";
        for (m, name, keys, description) in rows {
            if m != mode {
                if !mode.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("[{m}]\n"));
                mode = m;
            }
            let keys = keys.join(" ");
            let pad = keys_width - keys.chars().count();
            out.push_str(&format!(
                "{name:width$}  {keys}{:pad$}  {description}\n",
                ""
            ));
        }
        out
    }

    /// The first key bound to `action` in `context`, for status-bar hints.
    pub fn key_for(&self, context: Context, action: &Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| (b.context == context || b.context == Context::Global) && b.action == *action)
            .map(|b| sequence_label(&b.keys))
    }
}

/// An action by its keymap name: the enum's snake_case names, plus `show_view_1` to
/// `show_view_9`.
fn parse_action(name: &str) -> Option<Action> {
    if let Some(n) = name.strip_prefix("show_view_") {
        return n
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=9).contains(n))
            .map(Action::ShowView);
    }
    toml::Value::String(name.to_owned()).try_into().ok()
}

/// The keymap name of an action, for messages.
fn action_name(action: &Action) -> String {
    match action {
        Action::ShowView(n) => format!("show_view_{n}"),
        other => {
            let debug = format!("{other:?}");
            let mut out = String::new();
            for (i, c) in debug.chars().enumerate() {
                if c.is_uppercase() {
                    if i > 0 {
                        out.push('_');
                    }
                    out.extend(c.to_lowercase());
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// Help lists actions in the order a newcomer needs them, not alphabetically.
fn action_order(action: &Action) -> usize {
    const ORDER: &[Action] = &[
        Action::SelectNext,
        Action::SelectPrev,
        Action::ScrollDown,
        Action::ScrollUp,
        Action::SelectFirst,
        Action::SelectLast,
        Action::ScrollTop,
        Action::ScrollBottom,
        Action::PageDown,
        Action::PageUp,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::OpenArticle,
        Action::NextArticle,
        Action::PrevArticle,
        Action::FocusNext,
        Action::FocusList,
        Action::ToggleZoom,
        Action::ToggleRead,
        Action::ToggleStar,
        Action::OpenInBrowser,
        Action::CopyLink,
        Action::OpenLink,
        Action::FetchFeeds,
        Action::Reload,
        Action::NextUnread,
        Action::Undo,
        Action::MarkAllRead,
        Action::StartSearch,
        Action::StartFind,
        Action::FindNext,
        Action::FindPrev,
        Action::ToggleOrder,
        Action::ClearSearch,
        Action::SaveView,
        Action::ShowView(1),
        Action::ShowView(2),
        Action::ShowView(3),
        Action::ShowView(4),
        Action::ShowView(5),
        Action::ShowView(6),
        Action::ShowView(7),
        Action::ShowView(8),
        Action::ShowView(9),
        Action::SubmitPrompt,
        Action::CancelPrompt,
        Action::DeleteBack,
        Action::DeleteWord,
        Action::ClearPrompt,
        Action::ShowHelp,
        Action::CloseHelp,
        Action::Quit,
        Action::ForceQuit,
    ];
    ORDER
        .iter()
        .position(|a| a == action)
        .unwrap_or(ORDER.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, modifiers, KeyEventKind::Press)
    }

    #[test]
    fn default_keymap_resolves_context_then_global() {
        let map = Keymap::default_keymap().unwrap();
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(map.action(Context::List, &j), Some(Action::SelectNext));
        assert_eq!(map.action(Context::Reader, &j), Some(Action::ScrollDown));
        let shift_j = press(KeyCode::Char('J'), KeyModifiers::SHIFT);
        assert_eq!(
            map.action(Context::Reader, &shift_j),
            Some(Action::NextArticle)
        );
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            map.action(Context::Reader, &ctrl_c),
            Some(Action::ForceQuit)
        );
        let question = press(KeyCode::Char('?'), KeyModifiers::NONE);
        assert_eq!(
            map.action(Context::Help, &question),
            Some(Action::CloseHelp)
        );
        assert_eq!(map.action(Context::List, &question), Some(Action::ShowHelp));
        let x = press(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(map.action(Context::List, &x), None);
    }

    #[test]
    fn help_lists_every_binding() {
        let map = Keymap::default_keymap().unwrap();
        let help = map.help();
        let open = help
            .iter()
            .find(|r| r.description == "open in the reader")
            .unwrap();
        assert_eq!(open.keys, ["Enter"]);
        let next = help
            .iter()
            .find(|r| r.context == Context::List && r.description == "next article")
            .unwrap();
        assert_eq!(next.keys, ["j", "↓"]);
        let total: usize = help.iter().map(|r| r.keys.len()).sum();
        assert_eq!(total, map.bindings.len());
    }

    #[test]
    fn overrides_replace_keys_and_sequences_wait_for_their_second_key() {
        let mut map = Keymap::default_keymap().unwrap();
        let overrides =
            toml::from_str("[list]\nselect_first = [\"g g\", \"home\"]\ntoggle_star = []\n")
                .unwrap();
        map.apply(&overrides).unwrap();
        let g = Key::parse("g").unwrap();
        assert_eq!(map.resolve(Context::List, &[g]), Resolution::Pending);
        assert_eq!(
            map.resolve(Context::List, &[g, g]),
            Resolution::Action(Action::SelectFirst)
        );
        let s = Key::parse("s").unwrap();
        assert_eq!(map.resolve(Context::List, &[s]), Resolution::None);
        // The reader keeps its own `g`.
        assert_eq!(
            map.resolve(Context::Reader, &[g]),
            Resolution::Action(Action::ScrollTop)
        );
        let row = map
            .help()
            .into_iter()
            .find(|r| r.context == Context::List && r.description == "first article")
            .unwrap();
        assert_eq!(row.keys, ["gg", "Home"]);
        let clash = toml::from_str("[list]\ntoggle_read = [\"j\"]\n").unwrap();
        assert!(map.apply(&clash).is_err());
    }

    #[test]
    fn bad_keymaps_are_reported() {
        let err = Keymap::parse("[list]\nfly_away = [\"f\"]\n").unwrap_err();
        assert!(err.to_string().contains("fly_away"), "{err}");
        let err = Keymap::parse("[list]\nquit = [\"hyper-q\"]\n").unwrap_err();
        assert!(format!("{err:#}").contains("hyper-q"), "{err:#}");
        let err = Keymap::parse("[list]\nquit = [\"q\"]\ntoggle_read = [\"q\"]\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("bound to both quit and toggle_read"),
            "{err}"
        );
        let err = Keymap::parse("[list]\nquit = [\"g\"]\nselect_first = [\"g g\"]\n").unwrap_err();
        assert!(err.to_string().contains("could never be typed"), "{err}");
        let err = Keymap::parse("[lists]\nquit = [\"q\"]\n").unwrap_err();
        assert!(err.to_string().contains("[lists]"), "{err}");
    }
}
