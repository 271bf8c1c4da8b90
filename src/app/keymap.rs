//! Keys to actions, per context, read from `assets/keymap.toml` and the config file's
//! overrides. The help screen and the status-bar hints are generated from the same map
//! (`help`), so they always show the real keys; keys themselves are parsed in `key`.

mod help;
mod key;

pub use help::HelpRow;
pub use key::Key;
use key::{parse_sequence, sequence_label};

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::KeyEvent;

use crate::app::action::Action;

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// Where a binding applies. Bindings of the current context win over global ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    Global,
    Sources,
    List,
    Reader,
    Prompt,
    Help,
}

impl Context {
    pub(crate) const ALL: [(Context, &'static str); 6] = [
        (Context::Sources, "sources"),
        (Context::List, "list"),
        (Context::Reader, "reader"),
        (Context::Prompt, "prompt"),
        (Context::Global, "global"),
        (Context::Help, "help"),
    ];

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Anywhere",
            Context::Sources => "Sources pane",
            Context::List => "Article list",
            Context::Reader => "Reader",
            Context::Prompt => "Search and find prompts",
            Context::Help => "Help",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) context: Context,
    /// One key, or a sequence such as `g g`.
    pub(crate) keys: Vec<Key>,
    pub(crate) action: Action,
    /// Bound by the person's config, not by herald's defaults.
    pub(crate) yours: bool,
}

/// Whether two key sequences cannot both be bound in one mode: the same, or one the
/// start of the other.
fn clash(a: &[Key], b: &[Key]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// What the keys pressed so far ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Action(Action),
    /// The start of a longer binding: wait for the next key.
    Pending,
    None,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    pub(crate) bindings: Vec<Binding>,
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
        keymap.layer(&tables, false)?;
        Ok(keymap)
    }

    /// Applies the config's overrides: each `action = [keys]` replaces that action's keys
    /// in its mode (an empty list unbinds it). A key the config binds wins over herald's
    /// default binding of that key in that mode (which loses it), so a new default key
    /// never breaks a config that works; keys that clash within the config, and unknown
    /// modes, actions and keys, are errors naming them.
    pub fn apply(
        &mut self,
        tables: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
    ) -> Result<()> {
        self.layer(tables, true)
    }

    fn layer(
        &mut self,
        tables: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
        yours: bool,
    ) -> Result<()> {
        for name in tables.keys() {
            if !Context::ALL.iter().any(|(_, n)| n == name) {
                bail!(
                    "[{name}] is not a keymap section (use global, sources, list, reader, prompt or help)"
                );
            }
        }
        for (context, name) in Context::ALL {
            let Some(table) = tables.get(name) else {
                continue;
            };
            for (action_name, keys) in table {
                let action = Action::from_name(action_name)
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
                        yours,
                    });
                }
            }
        }
        if yours {
            // A default that clashes with a key of the config's, in the same mode, gives
            // the key up.
            let taken: Vec<(Context, Vec<Key>)> = self
                .bindings
                .iter()
                .filter(|b| b.yours)
                .map(|b| (b.context, b.keys.clone()))
                .collect();
            self.bindings.retain(|b| {
                b.yours
                    || !taken
                        .iter()
                        .any(|(c, keys)| *c == b.context && clash(keys, &b.keys))
            });
        }
        self.check_conflicts()?;
        self.bindings.sort_by_key(|b| (b.context, b.action.order()));
        Ok(())
    }

    /// Two bindings clash in a mode when their keys are the same, or when one is the start
    /// of the other (the longer one could never be typed). Only the config's own keys can
    /// clash: a default that met one gave it up.
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
                            a.action.name(),
                            b.action.name()
                        );
                    }
                    bail!(
                        "[{mode}] `{}` ({}) is the start of `{}` ({}), which could never be typed",
                        sequence_label(&short.keys),
                        short.action.name(),
                        sequence_label(&long.keys),
                        long.action.name()
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

    /// The first key bound to `action` in `context`, for status-bar hints.
    pub fn key_for(&self, context: Context, action: &Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| (b.context == context || b.context == Context::Global) && b.action == *action)
            .map(|b| sequence_label(&b.keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};

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
        let w = press(KeyCode::Char('w'), KeyModifiers::NONE);
        assert_eq!(map.action(Context::List, &w), None);
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
        // A key the config gives another action is taken from its default one.
        let mine = toml::from_str("[list]\ntoggle_read = [\"j\"]\n").unwrap();
        map.apply(&mine).unwrap();
        let j = Key::parse("j").unwrap();
        assert_eq!(
            map.resolve(Context::List, &[j]),
            Resolution::Action(Action::ToggleRead)
        );
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

    /// A key the config binds wins over the default binding of that key in that mode: a
    /// config that bound `x` in the list before `x` became a default there (for
    /// fetch_full_text) keeps working; the default gives the key up. Only clashes
    /// within the config are errors.
    #[test]
    fn the_configs_keys_win_over_new_defaults() {
        let config: BTreeMap<String, BTreeMap<String, Vec<String>>> =
            toml::from_str("[list]\nselect_next = [\"x\", \"j\"]\n").unwrap();
        let mut keymap = Keymap::default_keymap().unwrap();
        keymap.apply(&config).unwrap();
        let x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(keymap.action(Context::List, &x), Some(Action::SelectNext));
        // A default added later on a key the config uses (`ctrl-o` for toggle_star):
        // the config's binding of it still wins, and the default gives it up.
        let mut tables: BTreeMap<String, BTreeMap<String, Vec<String>>> =
            toml::from_str(DEFAULT_KEYMAP).unwrap();
        tables
            .entry("list".into())
            .or_default()
            .insert("toggle_star".into(), vec!["s".into(), "ctrl-o".into()]);
        let mut newer = Keymap {
            bindings: Vec::new(),
        };
        newer.layer(&tables, false).unwrap();
        let mine: BTreeMap<String, BTreeMap<String, Vec<String>>> =
            toml::from_str("[list]\nopen_article = [\"ctrl-o\", \"enter\"]\n").unwrap();
        newer.apply(&mine).unwrap();
        let o = KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL);
        assert_eq!(newer.action(Context::List, &o), Some(Action::OpenArticle));
        let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(newer.action(Context::List, &s), Some(Action::ToggleStar));
        assert!(
            newer.listing().contains("Ctrl-o (config)"),
            "{}",
            newer.listing()
        );
        // Within the config, a clash is still an error.
        let both: BTreeMap<String, BTreeMap<String, Vec<String>>> =
            toml::from_str("[list]\nquit = [\"x\"]\ntoggle_read = [\"x\"]\n").unwrap();
        let err = Keymap::default_keymap().unwrap().apply(&both).unwrap_err();
        assert!(err.to_string().contains("bound to both"), "{err}");
    }
}
