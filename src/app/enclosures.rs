//! The article's enclosures: `e` then a number opens one, with the program the config's
//! `[openers]` gives its type, else `$BROWSER`. The app only chooses; the shell runs it.

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

    /// Opens enclosure `input` (`2`, or `e2` as the reader lists it) of the article in
    /// the reader.
    pub(super) fn open_enclosure(&mut self, input: &str, effects: &mut Vec<Effect>) {
        let Some(reader) = &self.reader else { return };
        let enclosures = &reader.article.enclosures;
        let wanted = input.trim();
        let number = wanted
            .strip_prefix(['e', 'E'])
            .unwrap_or(wanted)
            .parse::<usize>();
        let Some(enclosure) = number
            .ok()
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
