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
                effects.push(Effect::Subscribe(only.url));
            }
            Ok(found) if found.is_empty() => {
                self.status = Some(format!("No feed added: {address} names none"));
            }
            Ok(found) => {
                self.feed_choices = found;
                self.prompt = Some(Prompt::new(PromptKind::PickFeed, String::new()));
            }
        }
    }

    /// The number typed for one of several feeds.
    pub(super) fn pick_feed(&mut self, input: &str, effects: &mut Vec<Effect>) {
        let choices = std::mem::take(&mut self.feed_choices);
        match input.trim().parse::<usize>() {
            Ok(n) if (1..=choices.len()).contains(&n) => {
                let url = choices[n - 1].url.clone();
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
    pub(super) fn subscribed(&mut self, name: String, effects: &mut Vec<Effect>) {
        if self.fetching {
            self.status = Some(format!("Subscribed to {name}; it is fetched next"));
            effects.push(Effect::CheckSchedule);
        } else {
            self.status = Some(format!("Subscribed to {name}; fetching it…"));
            self.fetching = true;
            self.refreshing = false;
            effects.push(Effect::FetchDue);
        }
    }

    /// The feeds offered after a site named several, for the prompt to show.
    pub fn feed_choices(&self) -> &[Candidate] {
        &self.feed_choices
    }
}
