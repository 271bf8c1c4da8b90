//! What the list shows: every article, a built-in view (unread, starred), a saved view or
//! a search, each a query in the one query language.

use crate::domain::search::{Order, Query};

#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub name: String,
    /// The query as typed, kept to restore the prompt and to save the view.
    pub text: String,
    pub query: Query,
    pub order: Order,
    /// False when relevance was asked for but the results came newest first.
    pub ranked: bool,
    /// Typed into the search prompt, so its last word is a prefix (see `search::parse`).
    pub typed: bool,
}

impl View {
    pub fn all() -> View {
        View {
            name: "All".into(),
            text: String::new(),
            query: Query::default(),
            order: Order::Newest,
            ranked: false,
            typed: false,
        }
    }

    pub fn is_all(&self) -> bool {
        self.query.is_empty()
    }

    /// Whether this view came from a typed search (and so highlights its words).
    pub fn is_search(&self) -> bool {
        self.query.highlight_terms().next().is_some()
    }
}

use crate::domain::model::SavedView;

/// The views every store has, on keys 1 to 3; saved views follow from 4.
pub fn built_in() -> Vec<SavedView> {
    [
        ("All", ""),
        ("Unread", "is:unread"),
        ("Starred", "is:starred"),
    ]
    .into_iter()
    .map(|(name, query)| SavedView {
        name: name.into(),
        query: query.into(),
    })
    .collect()
}
