//! Adding a feed from the reader: `a` asks for an address, the shell looks for feeds there
//! in the background (a feed, or the feeds a site's page names), and one found is
//! subscribed to and fetched at once; several are offered by number.

use super::{App, Effect, Prompt, PromptKind};
use crate::domain::discover::Candidate;

impl App {
    pub(super) fn ask_feed_address(&mut self) {
        self.prompt = Some(Prompt::new(PromptKind::AddFeed, String::new()));
    }

    /// The address typed: look for feeds there.
    pub(super) fn look_for_feeds(&mut self, address: &str, effects: &mut Vec<Effect>) {
        let address = address.trim();
        if address.is_empty() {
            self.status = Some("No address: nothing was added".into());
            return;
        }
        self.status = Some(format!("Looking for feeds at {address}…"));
        effects.push(Effect::Discover(address.to_owned()));
    }

    /// What the search for feeds found: one is subscribed to, several are offered.
    pub(super) fn feeds_found(
        &mut self,
        address: &str,
        found: Result<Vec<Candidate>, String>,
        effects: &mut Vec<Effect>,
    ) {
        match found {
            Err(reason) => {
                let message = format!("No feed added: {reason}");
                effects.extend(self.log_failures(std::slice::from_ref(&message)));
                self.status = Some(message);
            }
            Ok(mut found) if found.len() == 1 => {
                let only = found.remove(0);
                self.fetch_name = only.title;
                effects.push(Effect::Subscribe(only.url));
            }
            Ok(found) if found.is_empty() => {
                self.status = Some(format!("No feed added: {address} names none"));
            }
            Ok(found) => {
                self.feed_choices = found;
                self.offer_feed_choices();
            }
        }
    }

    /// Asks which of the feeds found to add, once no other prompt is open: discovery
    /// answers after the network does, and by then the person may be typing a search
    /// or a name, which the question would take over mid-word.
    pub(super) fn offer_feed_choices(&mut self) {
        if self.prompt.is_none() && !self.feed_choices.is_empty() {
            self.prompt = Some(Prompt::new(PromptKind::PickFeed, String::new()));
        }
    }

    /// The number typed for one of several feeds.
    pub(super) fn pick_feed(&mut self, input: &str, effects: &mut Vec<Effect>) {
        let choices = std::mem::take(&mut self.feed_choices);
        match input.trim().parse::<usize>() {
            Ok(n) if (1..=choices.len()).contains(&n) => {
                let url = choices[n - 1].url.clone();
                self.fetch_name = choices[n - 1].title.clone();
                effects.push(Effect::Subscribe(url));
            }
            _ => {
                self.status = Some(format!(
                    "No feed added: choose 1 to {} (a again to start over)",
                    choices.len()
                ));
            }
        }
    }

    /// Subscribed: fetch it now, unless a fetch is under way (it will be due next).
    pub(super) fn subscribed(&mut self, id: i64, name: String, effects: &mut Vec<Effect>) {
        // The feed's own title, as discovery found it, names it better than its address.
        let name = self.fetch_name.take().unwrap_or(name);
        if self.fetching {
            self.status = Some(format!("Subscribed to {name}; it is fetched next"));
            effects.push(Effect::CheckSchedule);
        } else {
            self.status = Some(format!("Subscribed to {name}; fetching it…"));
            self.fetch_one(id, name, effects);
        }
    }

    /// `refresh_feed`: fetch the feed the list shows, or the one under the sources
    /// pane's cursor, alone (through the one refresh, as `R` does for all).
    pub(super) fn refresh_feed(&mut self, effects: &mut Vec<Effect>) {
        use crate::app::sources::Source;
        use crate::domain::search::Within;
        let from_pane = match (self.focus, self.sources.selected_source()) {
            (super::Focus::Sources, Some(Source::Feed(id))) => Some(*id),
            _ => None,
        };
        let shown = match self.view.query.within {
            Some(Within::Feed(id)) => Some(id),
            _ => None,
        };
        let Some(id) = from_pane.or(shown) else {
            self.status = Some("No feed to fetch: choose one in the sources pane first".into());
            return;
        };
        if self.fetching {
            self.status = Some("Already fetching".into());
            return;
        }
        let name = self
            .sources
            .feed(id)
            .map_or_else(|| format!("feed {id}"), |f| f.name.clone());
        self.status = Some(format!("Fetching {name}…"));
        self.fetch_one(id, name, effects);
    }

    fn fetch_one(&mut self, id: i64, name: String, effects: &mut Vec<Effect>) {
        self.fetching = true;
        self.refreshing = false;
        self.fetch_name = Some(name);
        effects.push(Effect::FetchOnly(vec![id]));
    }

    /// The feeds offered after a site named several, for the prompt to show.
    pub fn feed_choices(&self) -> &[Candidate] {
        &self.feed_choices
    }
}
