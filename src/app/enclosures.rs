//! The article's enclosures: `e` then a number opens one, with the program the config's
//! `[openers]` gives its type, else `$BROWSER`. The app only chooses; the shell runs it.
//! A number no longer one could be (`e 3` when there are fewer than 30) opens at once;
//! Enter opens any other.

use super::{App, Effect, Prompt, PromptKind};

impl App {
    pub(super) fn ask_enclosure_number(&mut self) {
        match &self.reader {
            Some(r) if !r.article.enclosures.is_empty() => {
                self.prompt = Some(Prompt::new(PromptKind::OpenEnclosure, String::new()));
            }
            Some(_) => self.status = Some("This article has no enclosures".into()),
            None => {}
        }
    }

    /// Whether `input` names an enclosure that no further digit could change.
    pub(super) fn is_whole_enclosure_number(&self, input: &str) -> bool {
        let count = self
            .reader
            .as_ref()
            .map_or(0, |r| r.article.enclosures.len());
        number(input).is_some_and(|n| (1..=count).contains(&n) && n.saturating_mul(10) > count)
    }

    /// Opens enclosure `input` (`2`, or `e2` as the reader lists it) of the article in
    /// the reader.
    pub(super) fn open_enclosure(&mut self, input: &str, effects: &mut Vec<Effect>) {
        let Some(reader) = &self.reader else { return };
        let enclosures = &reader.article.enclosures;
        let wanted = input.trim();
        let Some(enclosure) = number(wanted)
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| enclosures.get(i))
        else {
            self.status = Some(format!(
                "No enclosure {}: this article has enclosures 1 to {}",
                crate::domain::text::printable(&crate::domain::text::truncate(wanted, 20)),
                enclosures.len()
            ));
            return;
        };
        let url = enclosure.url.clone();
        match self.settings.openers.choose(enclosure.mime.as_deref()) {
            Some(argv) => {
                let program = argv.first().map_or("", String::as_str);
                self.status = Some(format!(
                    "Opening {url} with {}",
                    crate::domain::text::printable(program)
                ));
                effects.push(Effect::OpenWith {
                    argv: argv.to_vec(),
                    url,
                });
            }
            None => {
                self.status = Some(format!("Opening {url}"));
                effects.push(Effect::OpenUrl(url));
            }
        }
    }
}

/// The number in `input`: `2`, or `e2` as the reader lists it.
fn number(input: &str) -> Option<usize> {
    let wanted = input.trim();
    wanted
        .strip_prefix(['e', 'E'])
        .unwrap_or(wanted)
        .parse()
        .ok()
}
