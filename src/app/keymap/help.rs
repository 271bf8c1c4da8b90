//! The keymap read back for people: the help screen's rows, the README's table and the
//! listing `herald keys` prints.

use super::key::sequence_label;
use super::{Context, Keymap};
use crate::app::action::Action;

/// One line of the help screen: an action and every key bound to it.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpRow {
    pub context: Context,
    pub keys: Vec<String>,
    pub description: &'static str,
}

/// What `action` does in `context`: its help line, in the words of the sources pane
/// where moving means moving between sources.
fn described(context: Context, action: &Action) -> &'static str {
    match (context, action) {
        (Context::Sources, Action::SelectNext) => "next source (the list follows)",
        (Context::Sources, Action::SelectPrev) => "previous source",
        (Context::Sources, Action::SelectFirst) => "first source",
        (Context::Sources, Action::SelectLast) => "last source",
        (Context::Sources, Action::FocusNext) => "to the list",
        _ => action.description(),
    }
}

impl Keymap {
    /// Every action with its keys, grouped by context, for the help screen.
    pub fn help(&self) -> Vec<HelpRow> {
        let mut rows: Vec<(HelpRow, &Action)> = Vec::new();
        for b in &self.bindings {
            // Rows that would read the same (the saved views on 4 to 9) share one line.
            match rows.iter_mut().find(|(r, a)| {
                r.context == b.context
                    && (**a == b.action || r.description == described(b.context, &b.action))
            }) {
                Some((row, _)) => row.keys.push(sequence_label(&b.keys)),
                None => rows.push((
                    HelpRow {
                        context: b.context,
                        keys: vec![sequence_label(&b.keys)],
                        description: described(b.context, &b.action),
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
        let mut rows: Vec<(&str, &str, Vec<String>, String)> = Vec::new();
        for b in &self.bindings {
            let mode = Context::ALL
                .iter()
                .find(|(c, _)| *c == b.context)
                .map_or("?", |(_, n)| *n);
            let name = b.action.name();
            // Who owns the key: a key the config binds is marked, so a person sees
            // which default it took.
            let label = if b.yours {
                format!("{} (config)", sequence_label(&b.keys))
            } else {
                sequence_label(&b.keys)
            };
            match rows.iter_mut().find(|r| r.0 == mode && r.1 == name) {
                Some(row) => row.2.push(label),
                None => rows.push((
                    mode,
                    name,
                    vec![label],
                    described(b.context, &b.action).to_owned(),
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
}
