//! A rule made from the reader: `F` on a search asks what to do with what it finds among
//! new articles; the writer thread keeps the rule (as `herald rule add` does).

use super::App;
use super::effect::Effect;
use super::prompt::{Prompt, PromptKind};
use crate::domain::store::RuleAction;

/// The action a person typed: `read`, `star`, `hide`, `tag NAME`, `delete` (or their
/// first letter; `tag` needs its name).
pub fn parse_action(input: &str) -> Result<RuleAction, String> {
    let input = input.trim();
    let (word, rest) = input.split_once(char::is_whitespace).unwrap_or((input, ""));
    let rest = rest.trim();
    match (word.to_lowercase().as_str(), rest.is_empty()) {
        ("read" | "r" | "mark-read", true) => Ok(RuleAction::MarkRead),
        ("star" | "s", true) => Ok(RuleAction::Star),
        ("hide" | "h", true) => Ok(RuleAction::Hide),
        ("delete" | "d", true) => Ok(RuleAction::Delete),
        ("tag" | "t", false) => Ok(RuleAction::Tag(rest.to_owned())),
        ("tag" | "t", true) => Err("tag needs a name: tag NAME".into()),
        _ => Err(format!(
            "\"{input}\" is not an action: read, star, hide, tag NAME or delete"
        )),
    }
}

impl App {
    /// Asks what a rule made of the current search does.
    pub(super) fn ask_rule_action(&mut self) {
        if self.view.text.trim().is_empty() {
            self.status = Some("Search first (/), then F makes a rule of the search".into());
        } else {
            self.prompt = Some(Prompt::new(PromptKind::AddRule, String::new()));
        }
    }

    pub(super) fn submit_rule(&mut self, input: &str, effects: &mut Vec<Effect>) {
        match parse_action(input) {
            Ok(action) => {
                self.status = Some(format!(
                    "Keeping a rule: new articles that \"{}\" finds: {}",
                    self.view.text,
                    action.describe()
                ));
                effects.push(Effect::AddRule(self.view.text.clone(), action));
            }
            Err(message) => self.status = Some(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_read_from_a_word_or_its_letter() {
        assert_eq!(parse_action(" hide "), Ok(RuleAction::Hide));
        assert_eq!(parse_action("R"), Ok(RuleAction::MarkRead));
        assert_eq!(parse_action("star"), Ok(RuleAction::Star));
        assert_eq!(parse_action("d"), Ok(RuleAction::Delete));
        assert_eq!(
            parse_action("tag  rust news"),
            Ok(RuleAction::Tag("rust news".into()))
        );
        assert!(parse_action("tag").unwrap_err().contains("needs a name"));
        assert!(
            parse_action("hide now")
                .unwrap_err()
                .contains("not an action")
        );
        assert!(parse_action("").unwrap_err().contains("not an action"));
    }
}
