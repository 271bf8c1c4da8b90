//! herald's own search for a page's article, one of the candidates the extractor
//! (`domain/extract`) weighs, and the only one for pages too large or too deep for
//! dom_smoothie. It finds the article by its content, not its place: the block whose
//! own paragraphs hold the most text outside links, widened to the `<article>` or
//! `<main>` around it. Inside that, furniture (navigation, share rows, comments) is
//! left out by whole words of its class and id, and never a wrapper that holds the
//! article's text. One pass to score, one to write: linear in the page, no recursion.

use std::collections::{HashMap, HashSet};

use super::convert::{Converted, Writer};
use super::dom::{Edge, Element, Node, NodeId, NodeRef, Tree};

/// Words of a class or id that mark page furniture rather than the article, matched
/// as whole words (`share-bar`, `shareBar`; not `shared`), with a plural `s`.
const FURNITURE: &[&str] = &[
    "comment",
    "share",
    "sharing",
    "social",
    "advert",
    "advertisement",
    "ad",
    "promo",
    "newsletter",
    "related",
    "cookie",
    "sidebar",
    "subscribe",
    "popup",
    "banner",
    "breadcrumb",
    "menu",
    "footer",
    "nav",
    "navbar",
    "navigation",
    "recommended",
    "outbrain",
    "taboola",
];

/// How many levels above the densest block an `<article>` or `<main>` is looked for.
const WIDEN: usize = 4;
/// How much more paragraph text (in tenths) than the block's an `<article>` or
/// `<main>` around it may hold and still be taken as the article.
const WIDER_TENTHS: usize = 13;

/// Whether an element is page furniture: navigation, asides, sharing and comment boxes.
fn is_furniture(element: &Element) -> bool {
    element.name() == "header" || is_block_furniture(element)
}

/// Furniture inside an article's block: as [`is_furniture`], except a `<header>`,
/// which there holds the headline, the byline and the lead picture.
fn is_block_furniture(element: &Element) -> bool {
    matches!(element.name(), "nav" | "aside" | "footer" | "form")
        || element
            .attr("role")
            .is_some_and(|r| r == "navigation" || r == "complementary")
        || [element.attr("class"), element.attr("id")]
            .into_iter()
            .flatten()
            .any(|marks| words(marks).any(|w| furniture_word(&w)))
}

fn furniture_word(word: &str) -> bool {
    FURNITURE
        .iter()
        .any(|f| word == *f || word.strip_suffix('s') == Some(f))
}

/// The words of a class or id: parted by anything not a letter or digit, and where a
/// lower-case letter meets a capital (`shareBar`).
fn words(marks: &str) -> impl Iterator<Item = String> + '_ {
    let mut spaced = String::with_capacity(marks.len() + 8);
    let mut previous_lower = false;
    for c in marks.chars() {
        if c.is_uppercase() && previous_lower {
            spaced.push(' ');
        }
        previous_lower = c.is_lowercase();
        spaced.push(if c.is_alphanumeric() { c } else { ' ' });
    }
    spaced
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The article in `document` by herald's own search, its links resolved against
/// `base`.
pub(super) fn own_search(document: &Tree, base: Option<&str>) -> Converted {
    own_search_at(document, base).0
}

/// As [`own_search`], with the element the text was written from.
pub(super) fn own_search_at(document: &Tree, base: Option<&str>) -> (Converted, NodeId) {
    let (root, kept) = match densest_block(document) {
        Some(block) => widen(document, block),
        None => (document.root().id(), HashSet::new()),
    };
    let mut writer = Writer::new(is_furniture).with_base(base).keeping(kept);
    if let Some(node) = document.get(root) {
        writer.write(node);
    }
    (writer.finish(), root)
}

/// The most bytes of text read before an element by [`before`].
const MAX_BEFORE: usize = 1024 * 1024;

/// Whether `words` (as [`bare_words`] writes them) occur in the page's text before
/// the element `at`: the text they come from is above it.
pub(super) fn before(document: &Tree, at: NodeId, words: &str) -> bool {
    let mut text = String::new();
    for node in document.root().descendants() {
        if node.id() == at || text.len() > MAX_BEFORE {
            break;
        }
        if let Node::Text(t) = node.value() {
            let dropped = node
                .parent()
                .and_then(|p| p.as_element())
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"));
            if !dropped {
                text.push_str(t);
            }
        }
    }
    !words.is_empty() && format!(" {} ", bare_words(&text)).contains(&format!(" {words} "))
}

/// The `<article>`, `<main>` or `[role=main]` a few levels around `block`, when its
/// paragraphs hold little more text than the block's (not a whole page's worth of
/// teasers), else `block`; with the elements from it down to `block`, which hold the
/// article and are never furniture.
fn widen(document: &Tree, block: NodeId) -> (NodeId, HashSet<NodeId>) {
    let mut kept = HashSet::from([block]);
    let mut root = block;
    let Some(node) = document.get(block) else {
        return (root, kept);
    };
    let own = paragraph_text(node);
    let mut path = vec![block];
    for ancestor in node.ancestors().take(WIDEN) {
        path.push(ancestor.id());
        if let Some(element) = ancestor.as_element()
            && (matches!(element.name(), "article" | "main")
                || element.attr("role") == Some("main"))
            && paragraph_text(ancestor) * 10 <= own * WIDER_TENTHS
        {
            root = ancestor.id();
            kept.extend(path.iter().copied());
        }
    }
    (root, kept)
}

/// The bytes of text in the `<p>`s under `root`, outside links.
fn paragraph_text(root: NodeRef<'_>) -> usize {
    let (mut text, mut paragraphs, mut links) = (0usize, 0usize, 0usize);
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if e.name() == "p" => paragraphs += 1,
                Node::Element(e) if e.name() == "a" => links += 1,
                Node::Text(t) if paragraphs > 0 && links == 0 => text += t.trim().len(),
                _ => {}
            },
            Edge::Close(node) => match node.value() {
                Node::Element(e) if e.name() == "p" => paragraphs = paragraphs.saturating_sub(1),
                Node::Element(e) if e.name() == "a" => links = links.saturating_sub(1),
                _ => {}
            },
        }
    }
    text
}

/// The element whose own `<p>` children hold the most text outside links. One pass:
/// each text node counts for the `<p>` it is in (outside any `<a>`), and each `<p>`
/// for its parent.
fn densest_block(document: &Tree) -> Option<NodeId> {
    // Each parent's text, in the order parents are first met, and its place there.
    let mut totals: Vec<(NodeId, usize)> = Vec::new();
    let mut place: HashMap<NodeId, usize> = HashMap::new();
    // The `<p>` open at this point of the walk and its parent, and how many links.
    let mut paragraph: Option<(NodeId, NodeId)> = None;
    let mut links = 0usize;
    for edge in document.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if e.name() == "p" && paragraph.is_none() => {
                    if let Some(parent) = node.parent() {
                        paragraph = Some((node.id(), parent.id()));
                    }
                }
                Node::Element(e) if e.name() == "a" => links += 1,
                Node::Text(text) if links == 0 => {
                    if let Some((_, parent)) = paragraph {
                        let at = *place.entry(parent).or_insert_with(|| {
                            totals.push((parent, 0));
                            totals.len() - 1
                        });
                        if let Some((_, total)) = totals.get_mut(at) {
                            *total += text.trim().len();
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => match node.value() {
                Node::Element(e) if e.name() == "a" => links = links.saturating_sub(1),
                Node::Element(_) if paragraph.is_some_and(|(p, _)| p == node.id()) => {
                    paragraph = None;
                }
                _ => {}
            },
        }
    }
    // The earlier of two equally dense blocks wins.
    totals
        .into_iter()
        .enumerate()
        .filter(|(_, (id, text))| {
            *text > 0
                && document
                    .get(*id)
                    .and_then(|node| node.as_element())
                    .is_some_and(|e| !is_furniture(e))
        })
        .max_by_key(|&(at, (_, text))| (text, std::cmp::Reverse(at)))
        .map(|(_, (id, _))| id)
}

/// Converts an article's block found on a page at `base`, leaving out the furniture
/// (share rows, comment boxes, related links) a relaxed search may have kept in it.
pub(super) fn article_to_text(html: &str, base: Option<&str>) -> Converted {
    let fragment = super::parse::fragment(html);
    let mut writer = Writer::new(is_block_furniture).with_base(base);
    writer.write(fragment.root());
    writer.finish()
}

/// The longest furniture text remembered, in bytes.
const MAX_FURNITURE_TEXT: usize = 400;

/// The texts of the page's short furniture blocks (each block's, and each of its
/// children's; a long block's are not taken), as [`bare_words`] writes them: a paragraph of another search's text
/// that is one of them is furniture. Each text is read up to a bound, so nested
/// furniture costs no more than the page's size times the bound.
pub(super) fn furniture_texts(document: &Tree) -> HashSet<String> {
    let mut texts = HashSet::new();
    for (node, element) in document.elements() {
        if !is_block_furniture(element) {
            continue;
        }
        // A short block and its children; never the children of a long one, which
        // may be the article in a wrapper named so.
        if short_text(node).is_none() {
            continue;
        }
        for block in std::iter::once(node).chain(node.child_elements()) {
            if let Some(text) = short_text(block) {
                let words = bare_words(&text);
                if !words.is_empty() {
                    texts.insert(words);
                }
            }
        }
    }
    texts
}

/// An element's text, when it is under [`MAX_FURNITURE_TEXT`] bytes.
fn short_text(element: NodeRef<'_>) -> Option<String> {
    let mut text = String::new();
    for piece in element.text() {
        text.push_str(piece);
        text.push(' ');
        if text.len() > MAX_FURNITURE_TEXT {
            return None;
        }
    }
    Some(text)
}

/// A text's words in lower case, one space apart, without link numbers and image
/// marks: `Log in [3] to comment` and `Log in to comment` are the same words.
pub(super) fn bare_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        match after.find(']') {
            Some(close) => {
                out.push(' ');
                rest = &after[close + 1..];
            }
            None => {
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classed(class: &str) -> bool {
        let html = super::super::parse::fragment(&format!("<div class=\"{class}\"></div>"));
        let found = html.elements().find(|(_, e)| e.name() == "div");
        found.is_some_and(|(_, e)| is_furniture(e))
    }

    #[test]
    fn furniture_is_matched_by_whole_words_of_class_and_id() {
        for class in ["share-bar", "shareBar", "comments", "site_nav", "ad slot"] {
            assert!(classed(class), "{class}");
        }
        for class in [
            "shared-content",
            "headline",
            "downloads",
            "navy",
            "entry-body",
        ] {
            assert!(!classed(class), "{class}");
        }
    }

    #[test]
    fn short_furniture_texts_are_remembered_and_a_long_wrappers_paragraphs_are_not() {
        let long =
            "The harbour board agreed to keep the night ferry running all winter. ".repeat(3);
        let page = format!(
            "<div class=\"comments\"><p>Log in to comment</p></div>\
             <div class=\"social-wrapper\"><p>{long}</p><p>{long}</p><p>The quay reopens.</p></div>"
        );
        let texts = furniture_texts(&super::super::parse::document(&page).0);
        assert!(texts.contains("log in to comment"));
        assert!(!texts.contains("the quay reopens"), "{texts:?}");
    }

    #[test]
    fn the_article_is_found_by_its_text_not_its_place() {
        let long =
            "The harbour board agreed to keep the night ferry running all winter. ".repeat(4);
        let page = format!(
            "<html><body><nav><article><p>Teaser in the menu.</p></article></nav>\
             <div class=\"layout-sidebar\"><div class=\"body-shared\"><h2>Ferry</h2>\
             <p>{long}</p><p>{long}</p></div></div><footer><p>Short words.</p></footer>\
             </body></html>"
        );
        let document = super::super::parse::document(&page).0;
        let got = own_search(&document, None);
        assert_eq!(got.paragraphs.len(), 3, "{:?}", got.paragraphs);
        assert!(!got.paragraphs.join(" ").contains("Teaser"));
    }
}
