//! What the help screen says, as data: every binding of the keymap by context, then the
//! search syntax. The app counts these lines to bound the help's scroll; the UI draws
//! them. One list, so the two cannot disagree.

use crate::app::keymap::{Context, Keymap};

#[derive(Debug, Clone, PartialEq)]
pub enum HelpLine {
    Heading(&'static str),
    /// Keys as the help writes them (`j ↓`), and what they do.
    Binding {
        keys: String,
        description: &'static str,
    },
    /// An example query and what it finds.
    Syntax {
        example: &'static str,
        meaning: &'static str,
    },
    Blank,
}

/// The help screen's lines, in order.
pub fn lines(keymap: &Keymap) -> Vec<HelpLine> {
    let mut lines = Vec::new();
    let mut context: Option<Context> = None;
    for row in keymap.help() {
        if context != Some(row.context) {
            if context.is_some() {
                lines.push(HelpLine::Blank);
            }
            lines.push(HelpLine::Heading(row.context.title()));
            context = Some(row.context);
        }
        lines.push(HelpLine::Binding {
            keys: row.keys.join(" "),
            description: row.description,
        });
    }
    lines.push(HelpLine::Blank);
    lines.push(HelpLine::Heading("Search syntax (/ in the list)"));
    for (example, meaning) in crate::domain::search::query::SYNTAX {
        lines.push(HelpLine::Syntax { example, meaning });
    }
    lines
}
