//! The candidates for a page's article text, and the choice among them. Two opinions:
//! dom_smoothie's, with the retries Readability.js makes when its first pass finds too
//! little (it drops, in turn, the removal of unlikely blocks, the weighing of class
//! names and the conditional cleaning, then takes its best attempt), and herald's own
//! search (the block whose paragraphs hold the most text outside links). The score of
//! a candidate is its prose: the words of its paragraphs of at least
//! [`PROSE_WORDS`] words that end as sentences and are not mostly links.
//! dom_smoothie's text is kept unless herald's search finds more than [`OUTWEIGH`]
//! times its prose in the same block or one around it (a header or a teaser chosen by
//! mistake is outweighed by the article); or, in another block altogether, more than
//! one and a half times when that block is above dom_smoothie's (dom_smoothie took a
//! block of some length below the article, such as a letter), three times when it is
//! below (where comments are).

use std::collections::HashSet;

use dom_query::Document;
use dom_smoothie::{Config, Readability};

use super::convert::{Converted, to_text_at as html_to_text};
use super::dom::{Edge, Node, NodeId, Tree};
use super::parse;
use super::search::{
    article_to_text, bare_words, before, furniture_texts, own_search, own_search_at,
};
use super::words::word_count;

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

/// How the text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// By dom_smoothie's scoring (with Readability.js's retries).
    Readability,
    /// By herald's own search for the article, for the reason given.
    Own(&'static str),
}

/// A paragraph of fewer words is not counted as prose (a caption, a heading, a link).
pub const PROSE_WORDS: usize = 10;
/// The share (in tenths) of dom_smoothie's text that must stay once the blocks named
/// as furniture are left out, for them to be left out.
const KEPT_TENTHS: usize = 6;
/// How many times dom_smoothie's prose herald's search must find to be chosen, when
/// it found the same block or one around it.
pub const OUTWEIGH: usize = 2;
/// How many times (in tenths) dom_smoothie's prose herald's search must find in
/// another block altogether, above dom_smoothie's, to be chosen.
pub const ELSEWHERE_TENTHS: usize = 15;
/// How many times (in tenths) dom_smoothie's prose herald's search must find in
/// another block below dom_smoothie's (where comments and letters are) to be chosen.
pub const BELOW_TENTHS: usize = 30;

/// One opinion on a page's text, for the benchmark's report.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub method: Method,
    pub paragraphs: Vec<String>,
    /// Its prose, the score the choice compares.
    pub prose: usize,
}

/// Every candidate for the text of `page` (dom_smoothie's, when the page is within
/// its bounds, then herald's), scored: what the benchmark reports per page.
pub fn candidates(page: &str, address: &str) -> Vec<Candidate> {
    let (document, parsed) = parse::document(page);
    let mut out = Vec::new();
    if let Ok(converted) = readability(page, &document, parsed, Some(address)) {
        out.push(candidate(Method::Readability, converted));
    }
    let own = own_search(&document, Some(address));
    out.push(candidate(Method::Own("herald's search"), own));
    out
}

fn candidate(method: Method, converted: Converted) -> Candidate {
    Candidate {
        method,
        prose: prose(&converted.paragraphs),
        paragraphs: converted.paragraphs,
    }
}

/// The best candidate's text for `page`, and how it was found.
/// `parsed` is the page as dom_smoothie reads it, the document `document` was copied
/// from.
pub(super) fn best(
    page: &str,
    document: &Tree,
    parsed: Document,
    base: Option<&str>,
) -> (Converted, Method) {
    let (own, at) = own_search_at(document, base);
    match readability(page, document, parsed, base) {
        Ok(mut first) => {
            // dom_smoothie's retries keep blocks its first pass left out, as bare
            // paragraphs: those whose text is a furniture block's are taken out.
            let furniture = furniture_texts(document);
            first
                .paragraphs
                .retain(|p| !furniture.contains(&bare_words(p)));
            let needed = if shares_text(&first.paragraphs, &own.paragraphs) {
                OUTWEIGH * 10
            } else if above(document, at, &first.paragraphs) {
                // Another block, below dom_smoothie's: comments, letters, more
                // stories, which follow an article. Only a great deal more counts.
                BELOW_TENTHS
            } else {
                ELSEWHERE_TENTHS
            };
            if prose(&own.paragraphs) * 10 > needed * prose(&first.paragraphs) {
                (
                    own,
                    Method::Own("herald's search found more of the article"),
                )
            } else {
                (first, Method::Readability)
            }
        }
        Err(reason) => (own, Method::Own(reason)),
    }
}

/// Whether the first prose paragraph of `paragraphs` is written above the element `at`.
fn above(document: &Tree, at: NodeId, paragraphs: &[String]) -> bool {
    let first = paragraphs
        .iter()
        .find(|p| !p.starts_with('#') && word_count(p) >= PROSE_WORDS);
    first.is_some_and(|p| {
        let words: Vec<String> = bare_words(p)
            .split(' ')
            .take(PROSE_WORDS)
            .map(str::to_owned)
            .collect();
        before(document, at, &words.join(" "))
    })
}

/// Whether half of `first`'s prose paragraphs are among `other`'s paragraphs (link
/// numbers aside): the two found the same block, or one inside the other.
fn shares_text(first: &[String], other: &[String]) -> bool {
    let others: HashSet<String> = other.iter().map(|p| bare_words(p)).collect();
    let (mut shared, mut all) = (0usize, 0usize);
    for p in first.iter().filter(|p| word_count(p) >= PROSE_WORDS) {
        all += 1;
        shared += usize::from(others.contains(&bare_words(p)));
    }
    shared * 2 >= all
}

/// The words of a text's prose paragraphs: those of at least [`PROSE_WORDS`] words
/// that end as a sentence ends (not a headline's teaser), with fewer than one link to
/// eight words; headings aside.
pub fn prose(paragraphs: &[String]) -> usize {
    paragraphs
        .iter()
        .filter(|p| !p.starts_with('#'))
        .map(|p| {
            let words = word_count(p);
            let links = p.matches("] ").count() + usize::from(p.ends_with(']'));
            if words >= PROSE_WORDS && links * 8 < words && sentence(p) {
                words
            } else {
                0
            }
        })
        .sum()
}

/// Whether a paragraph ends as a sentence does, link numbers and quotes aside.
fn sentence(paragraph: &str) -> bool {
    let mut end = paragraph.trim_end();
    while let Some(open) = end.rfind(" [").filter(|_| end.ends_with(']')) {
        end = end[..open].trim_end();
    }
    let end = end.trim_end_matches(['"', '\'', '”', '’', '»', ')', '」', '』']);
    end.ends_with(['.', '!', '?', ':', ';', '…', '。', '！', '？', '।'])
}

/// The article's text by dom_smoothie, or why herald's own search reads it instead.
fn readability(
    page: &str,
    document: &Tree,
    parsed: Document,
    base: Option<&str>,
) -> Result<Converted, &'static str> {
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
        // Kept for herald's conversion, which leaves out blocks whose class says
        // they are furniture.
        keep_classes: true,
        ..Config::default()
    };
    let base = base
        .and_then(|b| url::Url::parse(b).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let (content, words) = crate::domain::panics::contain(|| {
        let mut reader =
            Readability::with_document(parsed, base.as_ref().map(url::Url::as_str), Some(config))
                .map_err(|_| "the page's address is not absolute")?;
        reader
            .parse()
            .map(|article| {
                (
                    article.content.to_string(),
                    word_count(&article.text_content),
                )
            })
            .map_err(|_| "readability found no article")
    })
    .map_err(|_| "readability failed")??;
    let base = base.as_ref().map(url::Url::as_str);
    // Without the blocks named as furniture, unless that leaves out most of the text
    // (the article itself in a wrapper named so): then as dom_smoothie gave it.
    let trimmed = article_to_text(&content, base);
    let kept: usize = trimmed.paragraphs.iter().map(|p| word_count(p)).sum();
    let converted = if kept * 10 >= words * KEPT_TENTHS {
        trimmed
    } else {
        html_to_text(&content, base)
    };
    if converted.paragraphs.is_empty() {
        return Err("readability found no text");
    }
    Ok(converted)
}

/// The deepest nesting, the count of elements and the bytes of text outside scripts
/// and styles of a parsed page, in one iterative pass.
pub fn measure(document: &Tree) -> (usize, usize, usize) {
    let (mut depth, mut deepest, mut elements, mut text) = (0usize, 0usize, 0usize, 0usize);
    for edge in document.root().traverse() {
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
                    && !node.parent().and_then(|p| p.as_element()).is_some_and(|e| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_counts_long_paragraphs_that_are_not_links() {
        let sentence = "The night ferry runs again from Monday, the harbour board said today.";
        let paragraphs = vec![
            "## A heading of several words that is not prose at all".to_owned(),
            sentence.to_owned(),
            format!("{sentence} [3]"),
            "Short caption.".to_owned(),
            "One [1] two [2] three [3] four [4] five [5] six [6] seven [7].".to_owned(),
            "A teaser's headline of ten or more words with no full stop".to_owned(),
        ];
        // Link numbers count as words.
        assert_eq!(prose(&paragraphs), 25);
    }
}
