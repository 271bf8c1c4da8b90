//! The one-line prompt at the bottom of the screen: what it is for and what has been typed.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Search the whole archive; the list filters as the user types.
    Search,
    /// Find inside the open article.
    Find,
    /// Name the current search to keep it as a view.
    SaveView,
    /// What a rule made of the current search does.
    AddRule,
    /// Mark this many articles read? y/n.
    ConfirmMarkAll(usize),
    /// The number of a link in the open article.
    OpenLink,
    /// The number of an enclosure of the open article.
    OpenEnclosure,
    /// The address of a feed or of its site.
    AddFeed,
    /// Which of the feeds a site named (`App::feed_choices`).
    PickFeed,
    /// A new name for the feed under the sources pane's cursor.
    RenameFeed,
    /// Its tags, separated by commas.
    TagFeed,
    /// Remove the source under the cursor? y/n (the question is `SourcesPane::question`).
    ConfirmRemove,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::Search => "/",
            PromptKind::Find => "Find: ",
            PromptKind::SaveView => "Save view as: ",
            PromptKind::AddRule => "Rule for this search: ",
            PromptKind::ConfirmMarkAll(_) => "",
            PromptKind::OpenLink => "Open link number: ",
            PromptKind::OpenEnclosure => "Open enclosure number: ",
            PromptKind::AddFeed => "Add feed: ",
            PromptKind::PickFeed => "Which feed? ",
            PromptKind::RenameFeed => "Rename to: ",
            PromptKind::TagFeed => "Tags (commas between): ",
            PromptKind::ConfirmRemove => "",
        }
    }
}

const MAX_INPUT_CHARS: usize = crate::domain::search::query::MAX_QUERY_CHARS;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    /// What is wrong with the input, shown beside it; the last good results stay.
    pub error: Option<String>,
    /// The input is selected (a search reopened with its query): typing replaces it;
    /// Backspace or an arrow key keeps it to edit.
    pub selected: bool,
}

impl Prompt {
    pub fn new(kind: PromptKind, input: String) -> Prompt {
        Prompt {
            kind,
            input,
            error: None,
            selected: false,
        }
    }

    /// A prompt whose input is selected: the first character typed replaces it.
    pub fn selected(kind: PromptKind, input: String) -> Prompt {
        let selected = !input.is_empty();
        Prompt {
            selected,
            ..Prompt::new(kind, input)
        }
    }

    /// Keeps the input to edit it (an arrow key): no longer selected.
    pub fn keep(&mut self) {
        self.selected = false;
    }

    /// Adds a character, unless the input is already past the longest query: one
    /// character over lets the parser say why, and a paste of a book stops there
    /// instead of re-parsing an ever longer line on every key.
    pub fn insert(&mut self, c: char) {
        if self.input.len() > MAX_INPUT_CHARS && self.input.chars().count() > MAX_INPUT_CHARS {
            return;
        }
        if std::mem::take(&mut self.selected) {
            self.input.clear();
        }
        self.input.push(c);
    }

    pub fn delete_back(&mut self) {
        self.selected = false;
        self.input.pop();
    }

    /// Deletes the last word and the spaces after it, as Ctrl-w does in a shell.
    pub fn delete_word(&mut self) {
        self.selected = false;
        let trimmed = self.input.trim_end().len();
        self.input.truncate(trimmed);
        let start = self.input.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        self.input.truncate(start);
    }

    pub fn clear(&mut self) {
        self.selected = false;
        self.input.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing() {
        let mut p = Prompt::new(PromptKind::Search, String::new());
        for c in "night ferry  ".chars() {
            p.insert(c);
        }
        p.delete_word();
        assert_eq!(p.input, "night ");
        p.delete_back();
        assert_eq!(p.input, "night");
        p.delete_word();
        assert_eq!(p.input, "");
        p.delete_back();
        p.insert('終');
        assert_eq!(p.input, "終");
        p.clear();
        assert!(p.input.is_empty());
    }

    /// A reopened search's query is selected: typing replaces it, Backspace or an arrow
    /// key edits it (before: typing appended to the old query).
    #[test]
    fn a_selected_input_is_replaced_by_typing_and_kept_by_editing() {
        let mut p = Prompt::selected(PromptKind::Search, "ferry".into());
        p.insert('t');
        assert_eq!(p.input, "t");
        p.insert('o');
        assert_eq!(p.input, "to");
        let mut p = Prompt::selected(PromptKind::Search, "ferry".into());
        p.delete_back();
        p.insert('y');
        assert_eq!(p.input, "ferry");
        let mut p = Prompt::selected(PromptKind::Search, "ferry".into());
        p.keep();
        p.insert(' ');
        assert_eq!(p.input, "ferry ");
    }
}
