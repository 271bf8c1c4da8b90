//! The article in a fetched web page: its text without the page's furniture (menus,
//! cookie banners, share bars, related links, comments), with its title, authors, date
//! and canonical address, for feeds that carry only a teaser.
//!
//! The text is found by dom_smoothie (a Rust port of Mozilla's Readability, MIT), then
//! converted by herald's own HTML-to-text conversion. Bounded by design: dom_smoothie
//! parses without herald's bounds on nesting and walks its tree recursively in places,
//! so a page is first parsed by herald's bounded parser and measured with an iterative
//! pass; a page too large, too deep or with too many elements for it is read by herald's
//! own search for the article instead (linear in the page, no recursion), and a page
//! over `MAX_PAGE_BYTES` is refused. A panic inside the crate is contained and falls
//! back the same way.

mod furniture;
pub mod score;

use std::fmt;

use dom_smoothie::{Config, ParsePolicy, Readability};
use ego_tree::iter::Edge;
use scraper::{Html, Node};

use crate::domain::import::html::{self, Converted};
use crate::domain::model::NewArticle;

/// The largest page read at all: the fetch's own cap.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;
/// The largest page given to dom_smoothie; larger ones are read by herald's own search.
pub const MAX_READABILITY_BYTES: usize = 2 * 1024 * 1024;
/// The deepest nesting given to dom_smoothie (real articles nest a few dozen deep).
pub const MAX_READABILITY_DEPTH: usize = 160;
/// The most elements given to dom_smoothie (a 500 KB article page has about 10,000).
pub const MAX_READABILITY_ELEMENTS: usize = 40_000;
/// The most text (in bytes) given to dom_smoothie: its scoring costs several times
/// herald's own search per byte of text, and an article of more than 40,000 words reads
/// as well by herald's search. 500 KB of text took 50-150 ms by dom_smoothie.
pub const MAX_READABILITY_TEXT: usize = 256 * 1024;
/// Fewer words than this is a teaser, a paywall or a page that builds its text with
/// JavaScript, not the article.
pub const MIN_WORDS: usize = 60;

/// How the text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// By dom_smoothie's scoring.
    Readability,
    /// By herald's own search for the article, for the reason given.
    Own(&'static str),
}

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
/// the page names itself, and resolves its relative links).
pub fn extract(page: &str, address: &str) -> Result<Extracted, Failure> {
    if page.len() > MAX_PAGE_BYTES {
        return Err(Failure::TooLarge(page.len()));
    }
    let source = url::Url::parse(address)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| address.to_owned());
    let mut method = Method::Readability;
    let article = html::page_with(
        page,
        &source,
        Some(address),
        |document, base| match readability(page, document, base.unwrap_or(address)) {
            Ok(converted) => Some(converted),
            Err(reason) => {
                method = Method::Own(reason);
                None
            }
        },
    );
    let Some(mut article) = article else {
        return Err(if needs_javascript(page) {
            Failure::NeedsJavaScript
        } else {
            Failure::NoText
        });
    };
    if method == Method::Readability {
        article.paragraphs.retain(|p| !furniture::is_furniture(p));
        html::renumber(&mut article.paragraphs, &mut article.links);
    }
    let words: usize = article
        .paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    if words < MIN_WORDS {
        return Err(if needs_javascript(page) {
            Failure::NeedsJavaScript
        } else {
            Failure::TooShort(words)
        });
    }
    Ok(Extracted { article, method })
}

/// The article's text by dom_smoothie, or why herald's own search reads it instead.
fn readability(page: &str, document: &Html, base: &str) -> Result<Converted, &'static str> {
    if page.len() > MAX_READABILITY_BYTES {
        return Err("the page is too large for readability");
    }
    let (depth, elements, text) = measure(document);
    if depth > MAX_READABILITY_DEPTH {
        return Err("the page nests too deep for readability");
    }
    if elements > MAX_READABILITY_ELEMENTS {
        return Err("the page has too many elements for readability");
    }
    if text > MAX_READABILITY_TEXT {
        return Err("the page has too much text for readability");
    }
    let config = Config {
        max_elements_to_parse: MAX_READABILITY_ELEMENTS,
        ..Config::default()
    };
    let base = url::Url::parse(base)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let content = crate::domain::panics::contain(|| {
        let mut reader = Readability::new(page, base.as_ref().map(url::Url::as_str), Some(config))
            .map_err(|_| "the page's address is not absolute")?;
        reader
            .parse_with_policy(ParsePolicy::Strict)
            .map(|article| article.content.to_string())
            .map_err(|_| "readability found no article")
    })
    .map_err(|_| "readability failed")??;
    let converted = html::to_text_at(&content, base.as_ref().map(url::Url::as_str));
    if converted.paragraphs.is_empty() {
        return Err("readability found no text");
    }
    Ok(converted)
}

/// The deepest nesting, the count of elements and the bytes of text outside scripts
/// and styles of a parsed page, in one iterative pass.
pub fn measure(document: &Html) -> (usize, usize, usize) {
    let (mut depth, mut deepest, mut elements, mut text) = (0usize, 0usize, 0usize, 0usize);
    for edge in document.tree.root().traverse() {
        match edge {
            Edge::Open(node) if matches!(node.value(), Node::Element(_)) => {
                depth += 1;
                elements += 1;
                deepest = deepest.max(depth);
            }
            Edge::Close(node) if matches!(node.value(), Node::Element(_)) => {
                depth = depth.saturating_sub(1);
            }
            Edge::Open(node) => {
                if let Node::Text(t) = node.value()
                    && !node
                        .parent()
                        .and_then(|p| p.value().as_element())
                        .is_some_and(|e| {
                            matches!(e.name(), "script" | "style" | "noscript" | "template")
                        })
                {
                    text += t.len();
                }
            }
            _ => {}
        }
    }
    (deepest, elements, text)
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
