//! The search side of `App::update`: the prompt, views, results arriving from the search
//! worker, and find-in-article.

use super::{App, ArticleList, Effect, Focus, Prompt, PromptKind, SavedView, View, marks};
use crate::domain::search::query::Term;
use crate::domain::search::{self, Order};

impl App {
    /// True while a search is on its way from the worker.
    pub fn searching(&self) -> bool {
        self.pending.is_some()
    }

    /// True while the next key would act on a list a search is about to replace: a
    /// search is on its way and the key is not typed into the search prompt (typing goes
    /// on while results come). The loop takes the answer in before reading such a key.
    pub fn awaits_search(&self) -> bool {
        self.searching() && !self.typing_search()
    }

    /// True while keys are typed into the search prompt.
    pub fn typing_search(&self) -> bool {
        self.prompt.as_ref().map(|p| p.kind) == Some(PromptKind::Search)
    }

    pub(super) fn start_search(&mut self) {
        self.before_search = Some((self.view.clone(), self.list.clone()));
        let text = if self.view.is_search() {
            self.view.text.clone()
        } else {
            String::new()
        };
        self.prompt = Some(Prompt::selected(PromptKind::Search, text));
        self.focus = Focus::List;
        self.zoomed = false;
    }

    pub(super) fn start_find(&mut self) {
        if self.reader.is_some() {
            self.prompt = Some(Prompt::new(PromptKind::Find, String::new()));
        }
    }

    /// A character typed: an answer to a yes/no question, or text for the prompt.
    pub(super) fn insert_char(&mut self, c: char, effects: &mut Vec<Effect>) {
        if let Some(PromptKind::ConfirmMarkAll(_) | PromptKind::ConfirmRemove) =
            self.prompt.as_ref().map(|p| p.kind)
        {
            match c {
                'y' | 'Y' => self.submit_prompt(effects),
                'n' | 'N' => self.cancel_prompt(),
                _ => {}
            }
        } else {
            self.edit_prompt(effects, |p| p.insert(c));
        }
    }

    pub(super) fn clear_search(&mut self) {
        if !self.view.is_all() {
            self.show_all();
            self.status = Some("All articles".into());
        }
    }

    /// Only the unread articles of the list shown, or all of them again: the list's
    /// title says which (a search's text gains or loses `is:unread`).
    pub(super) fn toggle_unread_only(&mut self, effects: &mut Vec<Effect>) {
        const MARK: &str = " (unread only)";
        let mut view = self.pending.clone().unwrap_or_else(|| self.view.clone());
        let on = view.query.read != Some(false);
        view.query.read = on.then_some(false);
        if view.is_search() && view.name == "Search" {
            view.text = match on {
                true => format!("{} is:unread", view.text.trim_end()),
                false => view
                    .text
                    .replace("is:unread", " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            };
        } else if on {
            view.name.push_str(MARK);
        } else if let Some(name) = view.name.strip_suffix(MARK) {
            view.name = name.to_owned();
        }
        self.status = Some(if on { "Unread only" } else { "Read and unread" }.into());
        if view.query.is_empty() {
            self.show_all();
            effects.push(Effect::Refresh { keep: None });
        } else {
            self.run_search(view, effects);
        }
    }

    pub(super) fn toggle_order(&mut self, effects: &mut Vec<Effect>) {
        let base = self.pending.clone().unwrap_or_else(|| self.view.clone());
        if base.is_all() {
            self.status = Some("All articles are listed newest first".into());
        } else if !base.query.has_words_to_rank() {
            self.status = Some("Filters alone have no words to rank by: newest first".into());
        } else {
            let order = match base.order {
                Order::Relevance => Order::Newest,
                Order::Newest => Order::Relevance,
            };
            self.run_search(View { order, ..base }, effects);
        }
    }

    /// To the next (`forward`) or previous match of a find or search in the reader.
    pub(super) fn step_find(&mut self, forward: bool) {
        match self.reader.as_mut() {
            Some(r) if !r.marks.is_empty() => {
                let wrapped = r.step_mark(forward);
                if wrapped {
                    self.status = Some(if forward {
                        "Passed the end; back to the first match".into()
                    } else {
                        "Passed the start; back to the last match".into()
                    });
                }
            }
            Some(_) => self.status = Some("No matches: press / to find a word".into()),
            None => {}
        }
    }

    /// Asks for the name to keep the current search under. A view is kept as its text:
    /// a list that has none (a source chosen in the pane, All with `T`) would be kept as
    /// the empty query, which lists everything.
    pub(super) fn ask_view_name(&mut self) {
        if self.view.text.trim().is_empty() {
            self.status = Some("Search first (/), then save the search as a view".into());
        } else {
            self.prompt = Some(Prompt::new(PromptKind::SaveView, String::new()));
        }
    }

    pub(super) fn edit_prompt(
        &mut self,
        effects: &mut Vec<Effect>,
        edit: impl FnOnce(&mut Prompt),
    ) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        edit(prompt);
        let (kind, input) = (prompt.kind, prompt.input.clone());
        if kind == PromptKind::OpenEnclosure {
            if self.is_whole_enclosure_number(&input) {
                self.submit_prompt(effects);
            }
            return;
        }
        if kind == PromptKind::Find {
            // Find is literal, as in a browser: the words as one phrase, the last one
            // matching as a prefix while it is being typed.
            let term = Term {
                text: input.trim().to_owned(),
                phrase: true,
                field: None,
                prefix: !input.ends_with(char::is_whitespace),
            };
            if let Some(reader) = self.reader.as_mut() {
                let found = if term.text.is_empty() {
                    Vec::new()
                } else {
                    marks::find(reader, std::iter::once(&term))
                };
                reader.set_marks(found, true);
            }
            return;
        }
        let parsed = search::parse(&input, self.clock.now(), true);
        if let Some(prompt) = self.prompt.as_mut() {
            prompt.error = match (&parsed, kind) {
                (Err(err), PromptKind::Search) => Some(err.to_string()),
                _ => None,
            };
        }
        let Ok(query) = parsed else {
            return;
        };
        match kind {
            PromptKind::Search => {
                let order = self.pending.as_ref().unwrap_or(&self.view).order;
                let order = if self.view.is_all() {
                    Order::Relevance
                } else {
                    order
                };
                if query.is_empty() {
                    self.show_all();
                    return;
                }
                let current = self.pending.as_ref().unwrap_or(&self.view);
                if current.query == query && current.order == order {
                    return;
                }
                let view = View {
                    name: "Search".into(),
                    text: input,
                    query,
                    order,
                    ranked: order == Order::Relevance,
                    typed: true,
                };
                self.run_search(view, effects);
            }
            PromptKind::Find
            | PromptKind::SaveView
            | PromptKind::AddRule
            | PromptKind::ConfirmMarkAll(_)
            | PromptKind::OpenLink
            | PromptKind::OpenEnclosure
            | PromptKind::AddFeed
            | PromptKind::PickFeed
            | PromptKind::RenameFeed
            | PromptKind::TagFeed
            | PromptKind::ConfirmRemove => {}
        }
    }

    /// The view with its query read again from its text, so that `since:1d` counts
    /// back from now rather than from when the view was first shown.
    pub(super) fn reread(&self, mut view: View) -> View {
        if let Ok(mut query) = search::parse(&view.text, self.clock.now(), view.typed) {
            // The source chosen in the sources pane is not in the text.
            query.within = view.query.within.take();
            view.query = query;
        }
        view
    }

    /// Every article, newest first; any search still on its way is forgotten.
    pub(super) fn show_all(&mut self) {
        self.generation += 1;
        self.pending = None;
        self.view = View::all();
        self.list = ArticleList::new(self.total);
    }

    /// Runs a view's query, answered later by `SearchDone`.
    pub(super) fn run_search(&mut self, view: View, effects: &mut Vec<Effect>) {
        self.generation += 1;
        effects.push(Effect::Search {
            generation: self.generation,
            query: view.query.clone(),
            order: view.order,
        });
        self.pending = Some(view);
    }

    pub(super) fn submit_prompt(&mut self, effects: &mut Vec<Effect>) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        match prompt.kind {
            PromptKind::Search => {
                self.before_search = None;
                self.focus = Focus::List;
                // The list stayed at the last good query; say why this one was not run.
                if let Some(error) = prompt.error {
                    self.status = Some(format!("Not searched: {error}"));
                }
            }
            PromptKind::Find => {
                let count = self.reader.as_ref().map_or(0, |r| r.marks.len());
                self.status = Some(match count {
                    0 => "No matches".into(),
                    n => format!(
                        "{}: n next, N previous",
                        crate::domain::message::count(n, "match", "matches")
                    ),
                });
            }
            PromptKind::ConfirmMarkAll(_) => effects.push(self.mark_all_effect()),
            PromptKind::AddFeed => self.look_for_feeds(&prompt.input, effects),
            PromptKind::PickFeed => self.pick_feed(&prompt.input, effects),
            PromptKind::RenameFeed | PromptKind::TagFeed | PromptKind::ConfirmRemove => {
                self.source_prompt_done(prompt.kind, &prompt.input, effects);
            }
            PromptKind::OpenEnclosure => self.open_enclosure(&prompt.input, effects),
            PromptKind::OpenLink => {
                let links = self
                    .reader
                    .as_ref()
                    .map(|r| r.article.links.clone())
                    .unwrap_or_default();
                match prompt.input.trim().parse::<usize>() {
                    Ok(n) if (1..=links.len()).contains(&n) => {
                        let url = links[n - 1].clone();
                        self.status = Some(format!("Opening {url}"));
                        effects.push(Effect::OpenUrl(url));
                    }
                    _ => {
                        self.status = Some(format!(
                            "No link {}: this article has links 1 to {}",
                            prompt.input.trim(),
                            links.len()
                        ));
                    }
                }
            }
            PromptKind::AddRule => self.submit_rule(&prompt.input, effects),
            PromptKind::SaveView => {
                let name = prompt.input.trim().to_owned();
                if name.is_empty() {
                    self.status = Some("A view needs a name".into());
                    return;
                }
                if name.starts_with('-') {
                    self.status = Some(
                        "A view's name cannot start with `-`: it would read as an option".into(),
                    );
                    return;
                }
                let saved = SavedView {
                    name: name.clone(),
                    query: self.view.text.clone(),
                };
                let was = match self.views.iter().position(|v| v.name == name) {
                    Some(i) => Some(std::mem::replace(&mut self.views[i], saved.clone()).query),
                    None => {
                        self.views.push(saved.clone());
                        None
                    }
                };
                let key = self
                    .views
                    .iter()
                    .position(|v| v.name == name)
                    .map(|i| i + 1)
                    .filter(|k| *k <= 9);
                let what = match &was {
                    Some(old) => format!("Replaced the view \"{name}\" (it was: {old})"),
                    None => format!("Saved the view \"{name}\""),
                };
                self.status = Some(match key {
                    Some(k) => format!("{what} on key {k}"),
                    None => format!("{what} (keys 1-9 are taken)"),
                });
                effects.push(Effect::SaveView(saved));
            }
        }
    }

    pub(super) fn cancel_prompt(&mut self) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        match prompt.kind {
            PromptKind::Search => {
                self.generation += 1;
                self.pending = None;
                if let Some((view, list)) = self.before_search.take() {
                    self.view = view;
                    self.list = list;
                }
            }
            PromptKind::Find => {
                if let Some(reader) = self.reader.as_mut() {
                    reader.set_marks(Vec::new(), false);
                }
            }
            PromptKind::PickFeed => self.feed_choices.clear(),
            PromptKind::RenameFeed | PromptKind::TagFeed | PromptKind::ConfirmRemove => {
                self.sources.target = None;
            }
            PromptKind::SaveView
            | PromptKind::AddRule
            | PromptKind::ConfirmMarkAll(_)
            | PromptKind::OpenLink
            | PromptKind::OpenEnclosure
            | PromptKind::AddFeed => {}
        }
    }

    pub(super) fn show_view(&mut self, number: u8, effects: &mut Vec<Effect>) {
        let Some(saved) = self
            .views
            .get(usize::from(number).saturating_sub(1))
            .cloned()
        else {
            self.status = Some(format!("No view on key {number}; save a search with V"));
            return;
        };
        let query = match search::parse(&saved.query, self.clock.now(), false) {
            Ok(query) => query,
            Err(err) => {
                self.status = Some(format!(
                    "The view \"{}\" has a bad query: {err}",
                    saved.name
                ));
                return;
            }
        };
        self.status = Some(format!("View: {}", saved.name));
        self.focus = Focus::List;
        if query.is_empty() {
            self.show_all();
            return;
        }
        let view = View {
            name: saved.name,
            text: saved.query,
            query,
            order: Order::Newest,
            ranked: false,
            typed: false,
        };
        self.run_search(view, effects);
    }
}
