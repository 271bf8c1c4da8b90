//! The article in a fetched web page, for a full-text feed's items and for one
//! article's page fetched with `x`: its text without the page's furniture (menus,
//! cookie banners, share bars, related links, comments), with its title, authors, date
//! and canonical address. The extraction is the one saved pages get
//! (`import/html/article.rs`: dom_smoothie with Readability.js's retries and herald's
//! own search weighed against each other); this adds the fetch's cap on a page's size,
//! the minimum length of an article, and the reasons a page gives none.

pub mod score;

use std::fmt;

pub use crate::domain::import::html::choose::{
    Candidate, MAX_READABILITY_BYTES, MAX_READABILITY_DEPTH, MAX_READABILITY_ELEMENTS,
    MAX_READABILITY_TEXT, Method, candidates, measure,
};
pub use crate::domain::import::html::words::{unspaced, word_count};

use crate::domain::import::html;
use crate::domain::model::NewArticle;

/// The largest page read at all: the fetch's own cap.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;
/// Fewer words than this is a teaser, a paywall or a page that builds its text with
/// JavaScript, not the article.
pub const MIN_WORDS: usize = 60;

/// An extracted article and how its text was found.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub article: NewArticle,
    pub method: Method,
}

/// Why a page gave no article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    TooLarge(usize),
    /// Some text, too little to be an article: a teaser or a paywall.
    TooShort(usize),
    /// Too little text, and the page says it needs JavaScript.
    NeedsJavaScript,
    NoText,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::TooLarge(bytes) => write!(
                f,
                "the page is {} MiB, over the {} MiB herald reads",
                bytes / (1024 * 1024),
                MAX_PAGE_BYTES / (1024 * 1024)
            ),
            Failure::TooShort(words) => write!(
                f,
                "the page's text is {words} words, too short for the article \
                 (a paywall or a teaser?)"
            ),
            Failure::NeedsJavaScript => {
                write!(f, "the page needs JavaScript to show its text")
            }
            Failure::NoText => write!(f, "the page has no text to read"),
        }
    }
}

impl std::error::Error for Failure {}

/// The article in `page`, fetched from `address` (which names it as its source until
/// the page names itself, and resolves its relative links): a full-text feed's page,
/// or one article's with `x`. Fewer than [`MIN_WORDS`] words is a teaser.
pub fn extract(page: &str, address: &str) -> Result<Extracted, Failure> {
    let source = url::Url::parse(address)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| address.to_owned());
    if page.len() > MAX_PAGE_BYTES {
        return Err(Failure::TooLarge(page.len()));
    }
    let Some((article, method)) = html::article::article(page, &source, Some(address)) else {
        return Err(if needs_javascript(page) {
            Failure::NeedsJavaScript
        } else {
            Failure::NoText
        });
    };
    let extracted = Extracted { article, method };
    let words: usize = extracted
        .article
        .paragraphs
        .iter()
        .map(|p| word_count(p))
        .sum();
    if words < MIN_WORDS {
        return Err(if needs_javascript(page) {
            Failure::NeedsJavaScript
        } else {
            Failure::TooShort(words)
        });
    }
    Ok(extracted)
}

/// Whether the page says it needs JavaScript (a `<noscript>` asking for it, or an
/// application's empty mount point). Looks at the first 256 KiB only.
fn needs_javascript(page: &str) -> bool {
    let head = match page.char_indices().nth(256 * 1024) {
        Some((end, _)) => &page[..end],
        None => page,
    };
    let lower = head.to_ascii_lowercase();
    lower.contains("enable javascript")
        || lower.contains("javascript is required")
        || lower.contains("requires javascript")
        || lower.contains("javascript to run this app")
        || lower.contains("<div id=\"root\"></div>")
        || lower.contains("<div id=\"app\"></div>")
}

#[cfg(test)]
mod tests;
