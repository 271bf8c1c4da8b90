//! A saved web page to an article: its main content found (without navigation, ads and
//! comment boxes) and converted, and its title, byline and date read from the page.

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{ElementRef, Html, Node, Selector};

use super::convert::{Converted, Writer};
use super::meta::{self, TOP_LINES};
use super::parse;
use crate::domain::import::date::parse_loose;
use crate::domain::import::tidy::{clean, name_case};
use crate::domain::model::{NewArticle, Published};

/// Words in a class or id that mark page furniture rather than the article.
const FURNITURE: &[&str] = &[
    "comment",
    "share",
    "social",
    "advert",
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
];

/// Whether an element is page furniture: navigation, asides, sharing and comment boxes.
fn is_furniture(element: &Element) -> bool {
    let marks = format!(
        "{} {}",
        element.attr("class").unwrap_or_default(),
        element.attr("id").unwrap_or_default()
    )
    .to_ascii_lowercase();
    matches!(
        element.name(),
        "nav" | "aside" | "footer" | "header" | "form"
    ) || FURNITURE.iter().any(|word| marks.contains(word))
        || element
            .attr("role")
            .is_some_and(|r| r == "navigation" || r == "complementary")
}

/// The content of the first `<meta>` whose property or name is one of `names`.
fn meta(html: &Html, names: &[&str]) -> Option<String> {
    let selector = Selector::parse("meta").ok()?;
    html.select(&selector).find_map(|m| {
        let e = m.value();
        let key = e.attr("property").or_else(|| e.attr("name"))?;
        names
            .iter()
            .any(|n| key.eq_ignore_ascii_case(n))
            .then(|| e.attr("content").map(clean))
            .flatten()
            .filter(|c| !c.is_empty())
    })
}

/// The text of the first element matching `selector` that has any. One pass: taking
/// each match's text in turn went through nested matches' subtrees again and again (a
/// page of empty headings nested hundreds deep). The first match with text is the
/// outermost match open at the first non-blank text inside any match: a match opened
/// before it and closed already had none.
fn first_text(html: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    // The matches open at this point of the walk, outermost first.
    let mut open: Vec<NodeId> = Vec::new();
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(_)
                    if ElementRef::wrap(node).is_some_and(|e| selector.matches(&e)) =>
                {
                    open.push(node.id());
                }
                Node::Text(text) if !open.is_empty() && !text.trim().is_empty() => {
                    let first = ElementRef::wrap(html.tree.get(open[0])?)?;
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

/// A saved web page: the main article with its title, byline and date where the page
/// states them, without navigation, ads and comment boxes. `None` when the page has no
/// readable text.
pub fn page_to_article(html: &str, fallback_source: &str) -> Option<NewArticle> {
    page_with(html, fallback_source, None, |_, _| None)
}

/// A page as [`page_to_article`] reads it, with its text from `main` when that finds
/// it (given the parsed page and its address), else from herald's own search for the
/// article. `address` is where the page was fetched from, when it was: the address the
/// page gives itself comes first.
pub fn page_with(
    html: &str,
    fallback_source: &str,
    address: Option<&str>,
    main: impl FnOnce(&Html, Option<&str>) -> Option<Converted>,
) -> Option<NewArticle> {
    let document = parse::document(html);
    let linked = meta::linked_data(&document).unwrap_or_default();
    let title = meta(&document, &["og:title", "twitter:title"])
        .or(linked.headline)
        .or_else(|| first_text(&document, "h1"))
        .or_else(|| first_text(&document, "title"))?;
    let source = meta(&document, &["og:site_name", "application-name"])
        .unwrap_or_else(|| fallback_source.to_owned());
    let mut authors = linked.authors;
    if authors.is_empty() {
        authors = meta(&document, &["author", "article:author", "byl"])
            .or_else(|| first_text(&document, "[rel=author], .byline, .author"))
            .map(|a| split_authors(&a))
            .unwrap_or_default();
    }
    let mut published: Option<Published> = meta(
        &document,
        &["article:published_time", "date", "pubdate", "dc.date"],
    )
    .and_then(|d| parse_loose(&d))
    .or(linked.published)
    .or_else(|| {
        let selector = Selector::parse("time[datetime]").ok()?;
        document
            .select(&selector)
            .find_map(|t| t.value().attr("datetime").and_then(parse_loose))
    });
    let url = meta::canonical(&document, meta(&document, &["og:url"]))
        .or(linked.url)
        .or_else(|| address.map(str::to_owned));

    let mut converted = match main(&document, url.as_deref()) {
        Some(converted) => converted,
        None => {
            let main = ["article", "main", "[role=main]"]
                .iter()
                .filter_map(|s| Selector::parse(s).ok())
                .find_map(|s| document.select(&s).next())
                .or_else(|| densest_block(&document));
            let root = main.map_or(document.tree.root(), |e| *e);
            let mut writer = Writer::new(is_furniture).with_base(url.as_deref());
            writer.write(root);
            writer.finish()
        }
    };
    // The title usually opens the article body too, and a byline and a date line
    // follow it: they are the article's fields, not its text. A date written only
    // there is the article's date.
    // Short lines above the title (a kicker, a tag, a breadcrumb) are furniture.
    let top = converted.paragraphs.len().min(TOP_LINES);
    if let Some(at) = converted.paragraphs[..top]
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
        if p == title || date.is_some() || is_byline || kicker {
            if is_byline {
                if authors.is_empty() {
                    let names = p.split(['·', '|', '—']).next().unwrap_or_default();
                    authors = split_authors(names);
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
    if published.is_none()
        && let Ok(selector) = Selector::parse("article header p, .dateline, .date, .byline, .meta")
    {
        published = document.select(&selector).take(8).find_map(|e| {
            let text = clean(&e.text().collect::<String>());
            meta::dated_line(&text).or_else(|| meta::byline_date(&text))
        });
    }
    // Nothing but images and link numbers is no text to read.
    if converted.paragraphs.iter().all(|p| p.starts_with('[')) {
        return None;
    }
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

/// The element holding the most paragraph text: the article on a page without `<article>`.
/// The text of each `<p>` counts for its parent alone, so one pass over the tree does
/// (selecting each block's paragraphs went through its whole subtree: quadratic in depth).
fn densest_block(document: &Html) -> Option<ElementRef<'_>> {
    document
        .tree
        .root()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| matches!(e.value().name(), "div" | "section" | "td"))
        .map(|e| {
            let text: usize = e
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|p| p.value().name() == "p")
                .map(|p| p.text().map(str::len).sum::<usize>())
                .sum();
            (text, e)
        })
        .filter(|(text, _)| *text > 0)
        .max_by_key(|(text, _)| *text)
        .map(|(_, e)| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_page_gives_its_article_without_furniture() {
        let page = r#"<!doctype html><html><head><title>Site | Tram news</title>
<meta property="og:title" content="Tram reaches the hospital">
<meta property="og:site_name" content="City Wire">
<meta name="author" content="ANA LIMA and Bo Chen">
<meta property="article:published_time" content="2025-06-01T09:00:00+02:00">
</head><body><nav><a href="/">Home</a></nav>
<div class="share-bar">Share this</div>
<article><h1>Tram reaches the hospital</h1>
<p>The new stop opened on Sunday.</p><p>Trams run every six minutes.</p>
<div class="comments">Log in to comment</div></article>
<footer>© City Wire</footer></body></html>"#;
        let a = page_to_article(page, "fallback").unwrap();
        assert_eq!(a.title, "Tram reaches the hospital");
        assert_eq!(a.source, "City Wire");
        assert_eq!(a.authors, ["Ana Lima", "Bo Chen"]);
        assert_eq!(a.published.unwrap().rfc3339(), "2025-06-01T09:00:00+02:00");
        assert_eq!(
            a.paragraphs,
            [
                "The new stop opened on Sunday.",
                "Trams run every six minutes."
            ]
        );
    }

    /// A saved page with links, imported before links were data and again now, is one
    /// article: the key is the one its old paragraphs gave.
    #[test]
    fn a_saved_page_keeps_its_links_and_its_old_dedup_key() {
        let page = "<html><head><title>Quay</title></head><body><article>\
                    <p>See the <a href=\"https://example.org/times\">times</a>.</p>\
                    </article></body></html>";
        let article = page_to_article(page, "Saved").unwrap();
        assert_eq!(article.paragraphs, ["See the times [1]."]);
        assert_eq!(article.links, ["https://example.org/times"]);
        let before = NewArticle {
            paragraphs: vec![
                "See the times [1].".into(),
                "Links:".into(),
                "[1] https://example.org/times".into(),
            ],
            links: Vec::new(),
            ..article.clone()
        };
        assert_eq!(article.dedup_key(), before.dedup_key());
        // Links and images alone are no text to read.
        let bare = "<html><head><title>Quay</title></head><body><article><p><a href=\"https://example.org/x\"></a>\
                    <img alt=gull></p></article></body></html>";
        assert!(page_to_article(bare, "Saved").is_none());
    }

    #[test]
    fn a_page_without_article_uses_the_densest_block_and_empty_pages_give_none() {
        let page = "<html><head><title>Harbour notes</title></head><body><div class=menu><p>Menu</p></div><div><p>A long paragraph of real text about the harbour.</p><p>And another one.</p></div></body></html>";
        let a = page_to_article(page, "Saved").unwrap();
        assert_eq!(a.title, "Harbour notes");
        assert_eq!(a.source, "Saved");
        assert_eq!(
            a.paragraphs,
            [
                "A long paragraph of real text about the harbour.",
                "And another one."
            ]
        );
        assert!(page_to_article("<html><body></body></html>", "x").is_none());
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
            let document = Html::parse_document(page);
            let found = first_text(&document, "h1")
                .or_else(|| first_text(&document, "[rel=author], .byline, .author"));
            assert_eq!(found.as_deref(), Some(title), "{page}");
        }
        assert_eq!(first_text(&Html::parse_document("<h1> </h1>"), "h1"), None);
    }

    #[test]
    fn a_saved_page_keeps_its_canonical_address_and_says_its_byline_and_date_once() {
        let page = r#"<html><head><title>Quay works | Wire</title>
<link rel="stylesheet" href="/s.css"><link rel="canonical" href="https://wire.example/quay-works">
<meta property="og:url" content="https://wire.example/other"></head><body><article>
<h1>Quay works</h1><p class="meta">By Ana Lima · Published March 3, 2026</p>
<p>Updated March 4, 2026</p><p>The quay closes for a month.</p>
<p>See the <a href="/map">map</a> and <img src="/img/quay.jpg" alt="The quay"></p>
</article></body></html>"#;
        let a = page_to_article(page, "Saved").unwrap();
        assert_eq!(a.url.as_deref(), Some("https://wire.example/quay-works"));
        assert_eq!(a.authors, ["Ana Lima"]);
        assert_eq!(a.published.unwrap().rfc3339(), "2026-03-03T00:00:00-00:00");
        assert_eq!(
            a.paragraphs,
            [
                "The quay closes for a month.",
                "See the map [1] and [image 2: The quay]"
            ]
        );
        assert_eq!(
            a.links,
            [
                "https://wire.example/map",
                "https://wire.example/img/quay.jpg"
            ]
        );
        // og:url when there is no canonical link.
        let og = page.replace("rel=\"canonical\"", "rel=\"alternate\"");
        let a = page_to_article(&og, "Saved").unwrap();
        assert_eq!(a.url.as_deref(), Some("https://wire.example/other"));
    }

    #[test]
    fn a_page_with_only_json_ld_metadata_gets_its_headline_authors_and_date() {
        let page = r#"<html><head><script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle","headline":"Night ferry returns",
 "author":{"@type":"Person","name":"Bo Chen"},"datePublished":"2026-02-10T06:30:00+01:00",
 "url":"https://ferry.example/night"}</script></head>
<body><div><p>Bo Chen</p><p>The night ferry is back on the timetable from Monday.</p>
<p>Tickets cost the same as before.</p></div></body></html>"#;
        let a = page_to_article(page, "Saved").unwrap();
        assert_eq!(a.title, "Night ferry returns");
        assert_eq!(a.authors, ["Bo Chen"]);
        assert_eq!(a.published.unwrap().rfc3339(), "2026-02-10T06:30:00+01:00");
        assert_eq!(a.url.as_deref(), Some("https://ferry.example/night"));
        assert_eq!(
            a.paragraphs,
            [
                "The night ferry is back on the timetable from Monday.",
                "Tickets cost the same as before."
            ]
        );
    }
}
