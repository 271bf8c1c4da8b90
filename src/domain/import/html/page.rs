//! What a web page says of its article besides the text (title, site, byline, date,
//! address: `head`), and the article made of that and the text the extractor chose
//! (`finish`). The text itself is found by `domain/extract`, for saved pages and
//! fetched ones alike.

use super::convert::Converted;
use super::dom::{Edge, Element, Node, NodeId, NodeRef, Tree};
use super::meta::{self, TOP_LINES};
use crate::domain::import::date::parse_loose;
use crate::domain::import::tidy::{clean, name_case};
use crate::domain::model::{NewArticle, Published};

/// The content of the first `<meta>` whose property or name is one of `names`.
fn meta(html: &Tree, names: &[&str]) -> Option<String> {
    html.elements().find_map(|(_, e)| {
        if e.name() != "meta" {
            return None;
        }
        let key = e.attr("property").or_else(|| e.attr("name"))?;
        names
            .iter()
            .any(|n| key.eq_ignore_ascii_case(n))
            .then(|| e.attr("content").map(clean))
            .flatten()
            .filter(|c| !c.is_empty())
    })
}

/// Whether an element is a heading: the first with text gives a page its title.
fn is_heading(element: &Element) -> bool {
    element.name() == "h1"
}

/// Whether an element is the page's `<title>`.
fn is_title(element: &Element) -> bool {
    element.name() == "title"
}

/// Whether an element holds a byline: `[rel=author], .byline, .author`.
fn holds_byline(element: &Element) -> bool {
    element
        .attr("rel")
        .is_some_and(|r| r.eq_ignore_ascii_case("author"))
        || element.has_class("byline")
        || element.has_class("author")
}

/// Whether an element may hold the article's date in its header:
/// `article header p, .dateline, .date, .byline, .meta`.
fn is_dateline(node: NodeRef<'_>, element: &Element) -> bool {
    ["dateline", "date", "byline", "meta"]
        .iter()
        .any(|c| element.has_class(c))
        || (element.name() == "p" && {
            let mut names = node
                .ancestors()
                .filter_map(|a| a.as_element().map(Element::name));
            names.any(|n| n == "header") && names.any(|n| n == "article")
        })
}

/// The text of the first element `matches` picks that has any. One pass: taking
/// each match's text in turn went through nested matches' subtrees again and again (a
/// page of empty headings nested hundreds deep). The first match with text is the
/// outermost match open at the first non-blank text inside any match: a match opened
/// before it and closed already had none.
fn first_text(html: &Tree, matches: fn(&Element) -> bool) -> Option<String> {
    // The matches open at this point of the walk, outermost first.
    let mut open: Vec<NodeId> = Vec::new();
    for edge in html.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if matches(e) => open.push(node.id()),
                Node::Text(text) if !open.is_empty() && !text.trim().is_empty() => {
                    let first = html.get(open[0])?;
                    return Some(clean(&first.text().collect::<String>()));
                }
                _ => {}
            },
            Edge::Close(node) => {
                if open.last() == Some(&node.id()) {
                    open.pop();
                }
            }
        }
    }
    None
}

/// What a page says of its article besides the text.
#[derive(Debug, Clone, Default)]
pub(super) struct Head {
    /// The headline: og:title, JSON-LD's headline, the first `<h1>`, the `<title>`.
    pub title: Option<String>,
    /// The site's name, else the fallback given.
    pub source: String,
    pub authors: Vec<String>,
    pub published: Option<Published>,
    /// The canonical address, else the one it was fetched from.
    pub url: Option<String>,
}

/// The page's title, site, authors, date and address. `address` is where the page was
/// fetched from, when it was: the address the page gives itself comes first.
pub(super) fn head(document: &Tree, fallback_source: &str, address: Option<&str>) -> Head {
    let linked = meta::linked_data(document).unwrap_or_default();
    let title = meta(document, &["og:title", "twitter:title"])
        .or(linked.headline)
        .or_else(|| first_text(document, is_heading))
        .or_else(|| first_text(document, is_title));
    // The publisher the page names, before the folder it was saved in.
    let source = meta(document, &["og:site_name", "application-name"])
        .or(linked.publisher)
        .unwrap_or_else(|| fallback_source.to_owned());
    // Bylines from JSON-LD, the author meta tags and rel=author text; never an address
    // (a profile page's URL is no name).
    let mut authors: Vec<String> = linked
        .authors
        .into_iter()
        .filter(|a| !is_address(a))
        .collect();
    if authors.is_empty() {
        authors = meta(document, &["author", "article:author", "byl"])
            .filter(|a| !is_address(a))
            .or_else(|| first_text(document, holds_byline))
            .map(|a| split_authors(&a))
            .unwrap_or_default();
        authors.retain(|a| !is_address(a));
    }
    let published: Option<Published> = meta(
        document,
        &["article:published_time", "date", "pubdate", "dc.date"],
    )
    .and_then(|d| parse_loose(&d))
    .or(linked.published)
    .or_else(|| {
        document
            .elements()
            .filter(|(_, e)| e.name() == "time")
            .find_map(|(_, t)| t.attr("datetime").and_then(parse_loose))
    });
    let url = meta::canonical(document, meta(document, &["og:url"]))
        .or(linked.url)
        .or_else(|| address.map(str::to_owned));
    Head {
        title,
        source,
        authors,
        published,
        url,
    }
}

/// Whether a byline is an address rather than a name.
fn is_address(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("www.")
        || lower.starts_with('/')
        || lower.starts_with("mailto:")
        || (lower.contains('/') && lower.contains('.') && !lower.contains(' '))
}

/// The article from its head and the text the extractor chose: the title, byline and
/// date lines that open the text become its fields; a page without a title is named by
/// its first line, else its address. `None` when there is no text to read.
pub(super) fn finish(head: Head, mut converted: Converted, document: &Tree) -> Option<NewArticle> {
    let Head {
        title,
        source,
        mut authors,
        mut published,
        url,
    } = head;
    // Nothing but images and link numbers is no text to read.
    if converted.paragraphs.iter().all(|p| p.starts_with('[')) {
        return None;
    }
    let title = title.unwrap_or_default();
    // The title usually opens the article body too, and a byline and a date line
    // follow it: they are the article's fields, not its text. A date written only
    // there is the article's date.
    // Short lines above the title (a kicker, a tag, a breadcrumb) are furniture.
    let top = converted.paragraphs.len().min(TOP_LINES);
    if !title.is_empty()
        && let Some(at) = converted.paragraphs[..top]
            .iter()
            .position(|p| p.trim_start_matches('#').trim() == title)
        && converted.paragraphs[..at]
            .iter()
            .all(|p| p.split_whitespace().count() <= 6)
    {
        converted.paragraphs.drain(..at);
    }
    let mut index = 0;
    while index < converted.paragraphs.len().min(TOP_LINES) {
        let p = converted.paragraphs[index].trim_start_matches('#').trim();
        let date = meta::dated_line(p);
        let is_byline = meta::byline(p, &authors);
        // A tag or section link opening the text: `Village [1]`.
        let kicker = index == 0 && meta::lone_link(p);
        if (!title.is_empty() && p == title) || date.is_some() || is_byline || kicker {
            if is_byline {
                if authors.is_empty() {
                    let names = p.split(['·', '|', '—']).next().unwrap_or_default();
                    authors = split_authors(names);
                    authors.retain(|a| !is_address(a));
                }
                published = published.or_else(|| meta::byline_date(p));
            }
            published = published.or(date);
            converted.paragraphs.remove(index);
        } else {
            index += 1;
        }
    }
    // A date written only in the article's header, which the text leaves out.
    if published.is_none() {
        published = document
            .elements()
            .filter(|&(node, e)| is_dateline(node, e))
            .take(8)
            .find_map(|(e, _)| {
                let text = clean(&e.text().collect::<String>());
                meta::dated_line(&text).or_else(|| meta::byline_date(&text))
            });
    }
    if converted.paragraphs.iter().all(|p| p.starts_with('[')) {
        return None;
    }
    let title = if title.is_empty() {
        untitled(&converted.paragraphs, url.as_deref(), &source)
    } else {
        title
    };
    super::renumber(&mut converted.paragraphs, &mut converted.links);
    Some(NewArticle {
        source,
        title,
        authors,
        published,
        url,
        paragraphs: converted.paragraphs,
        links: converted.links,
        ..Default::default()
    })
}

/// The longest title taken from a page's first line.
const MAX_UNTITLED: usize = 80;

/// A name for a page that gives itself none: its first line of text (cut at a word
/// near 80 characters), else its address, else its source.
fn untitled(paragraphs: &[String], url: Option<&str>, source: &str) -> String {
    let first = paragraphs
        .iter()
        .map(|p| p.trim_start_matches(['#', '•', '>', ' ']).trim())
        .find(|p| !p.is_empty() && !p.starts_with('['));
    if let Some(line) = first {
        let line = line.lines().next().unwrap_or(line);
        if line.chars().count() <= MAX_UNTITLED {
            return line.to_owned();
        }
        let cut: String = line.chars().take(MAX_UNTITLED).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        return format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']));
    }
    url.map_or_else(|| source.to_owned(), str::to_owned)
}

/// Names as a byline writes them: `By ANA LIMA and Bo Chen, Ed Park`.
fn split_authors(text: &str) -> Vec<String> {
    let text = text.trim();
    let text = text
        .strip_prefix("By ")
        .or_else(|| text.strip_prefix("by "))
        .unwrap_or(text);
    text.split([',', '&'])
        .flat_map(|p| p.split(" and "))
        .map(clean)
        .filter(|p| !p.is_empty())
        .map(|p| name_case(&p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_never_a_byline() {
        for (page, authors) in [
            (
                r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"Quay",
                "author":[{"@type":"Person","name":"https://wire.example/staff/ana"},
                {"@type":"Person","name":"Bo Chen"}]}</script>"#,
                vec!["Bo Chen"],
            ),
            (
                r#"<meta name="author" content="www.wire.example/ana"><p rel="author">Ana Lima</p>"#,
                vec!["Ana Lima"],
            ),
            (
                r#"<meta name="author" content="Ana Lima">"#,
                vec!["Ana Lima"],
            ),
        ] {
            let document = super::super::parse::document(page).0;
            assert_eq!(head(&document, "x", None).authors, authors, "{page}");
        }
        for name in [
            "https://x.example/a",
            "www.x.example",
            "/staff/ana",
            "x.example/ana",
        ] {
            assert!(is_address(name), "{name}");
        }
        assert!(!is_address("Ana Lima"));
        assert!(!is_address("A. Lima / Bo Chen"));
    }

    #[test]
    fn the_first_heading_with_text_gives_the_title() {
        for (page, title) in [
            (
                "<h1> </h1><h1><span>Tide</span> tables</h1><h1>Later</h1>",
                "Tide tables",
            ),
            (
                "<h1><img alt=x><div><h1>Inner</h1></div> outer</h1>",
                "Inner outer",
            ),
            (
                "<div class=author> </div><p class=byline>By Ana Lima</p>",
                "By Ana Lima",
            ),
        ] {
            let document = super::super::parse::document(page).0;
            let found =
                first_text(&document, is_heading).or_else(|| first_text(&document, holds_byline));
            assert_eq!(found.as_deref(), Some(title), "{page}");
        }
        let empty = super::super::parse::document("<h1> </h1>").0;
        assert_eq!(first_text(&empty, is_heading), None);
    }

    #[test]
    fn a_date_is_looked_for_in_an_articles_header_and_dated_blocks() {
        let (document, _) = super::super::parse::document(
            "<header><p>a</p></header><article><header><div><p>b</p></div></header>\
             <p>c</p></article><span class=\"x date\">d</span><span class=Date>e</span>\
             <i class=dates>f</i><b class=meta>g</b>",
        );
        let found: Vec<String> = document
            .elements()
            .filter(|&(node, e)| is_dateline(node, e))
            .map(|(node, _)| node.text().collect())
            .collect();
        assert_eq!(found, ["b", "d", "g"]);
    }
}
