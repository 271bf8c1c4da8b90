//! `x`: the full article of the article on screen, fetched from its page in the
//! background (`Effect::FetchFullText`); the status line says it is working, and then
//! what came of it. A failure (a paywall, a page that needs JavaScript, a timeout)
//! leaves the text as it was and says why.

use crate::app::{Action, App, Effect, Focus};
use crate::domain::model::ArticleId;

impl App {
    /// The actions on the article on screen that need no state of their own.
    pub(in crate::app) fn article_action(&mut self, action: Action, effects: &mut Vec<Effect>) {
        match action {
            Action::CopyLink => self.copy_link(effects),
            Action::FetchFullText => self.fetch_full_text(effects),
            _ => {}
        }
    }

    fn fetch_full_text(&mut self, effects: &mut Vec<Effect>) {
        let Some(target) = self.target().cloned() else {
            return;
        };
        if target.url.is_none() {
            self.status = Some("This article has no link to fetch its full text from".into());
            return;
        }
        self.status = Some(format!("Fetching the full article of “{}”…", target.title));
        effects.push(Effect::FetchFullText(target.id));
    }

    /// The full article of `id` arrived, or did not: say so, and show it when it is the
    /// article in the reader.
    pub(in crate::app) fn full_text_fetched(
        &mut self,
        id: ArticleId,
        outcome: Result<usize, String>,
        effects: &mut Vec<Effect>,
    ) {
        match outcome {
            Ok(words) => {
                self.status = Some(format!("Full article fetched: {words} words"));
                let shown = self.reader.as_ref().map(|r| r.article.summary.id);
                if shown == Some(id) {
                    effects.push(if self.focus == Focus::Reader {
                        Effect::LoadArticle(id)
                    } else {
                        Effect::PreviewArticle(id)
                    });
                }
            }
            Err(reason) => {
                self.status = Some(format!(
                    "Full article not fetched, the text stays: {reason}"
                ));
            }
        }
    }
}
