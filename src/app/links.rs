//! The article's links: opening its own in a browser, one of its numbered links, and
//! copying its address.

use super::{App, Effect, Prompt, PromptKind};

impl App {
    pub(super) fn ask_link_number(&mut self) {
        match &self.reader {
            Some(r) if !r.article.links.is_empty() => {
                self.prompt = Some(Prompt::new(PromptKind::OpenLink, String::new()));
            }
            Some(_) => self.status = Some("This article has no numbered links".into()),
            None => {}
        }
    }

    pub(super) fn open_in_browser(&mut self, effects: &mut Vec<Effect>) {
        match self.target().map(|s| s.url.clone()) {
            Some(Some(url)) => {
                self.status = Some(format!("Opening {url}"));
                effects.push(Effect::OpenUrl(url));
            }
            Some(None) => self.status = Some("This article has no link".into()),
            None => {}
        }
    }

    pub(super) fn copy_link(&mut self, effects: &mut Vec<Effect>) {
        match self.target().map(|s| s.url.clone()) {
            // A link with a line break or a bidi override would paste other than it
            // reads (into a shell, say): only a plain web address is copied.
            Some(Some(url)) if crate::domain::text::plain_web_address(&url).is_none() => {
                self.status =
                    Some("Not copied: the link is not a plain http or https address".into());
            }
            Some(Some(url)) => {
                self.status = Some(format!("Copied {url}"));
                effects.push(Effect::CopyToClipboard(url));
            }
            Some(None) => self.status = Some("This article has no link".into()),
            None => {}
        }
    }
}
