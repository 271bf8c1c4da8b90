//! herald's one extraction of a web page's article, for every way a page comes in: a
//! saved page (`herald import page.html`), a full-text feed's page and one article's
//! page fetched with `x` (both through `domain/extract`, which adds the minimum length
//! and the reasons for a refusal). The page is parsed once by herald's bounded parser,
//! for herald's walks and dom_smoothie alike;
//! its head gives the title, byline, date and address (`page`); the candidates for its
//! text are weighed (`choose`: dom_smoothie with Readability.js's retries, and herald's
//! own search); the furniture lines left in the chosen text are taken out (`lines`).
//!
//! Bounded by design: dom_smoothie parses without herald's bounds on nesting and walks
//! its tree recursively in places, so a page is measured first with an iterative pass,
//! and a page too large, too deep, with too many elements or too much text for it is
//! read by herald's own search alone (linear in the page, no recursion). A panic inside
//! the crate is contained and falls back the same way.

use super::choose::{self, Method};
use super::{lines, page, parse};
use crate::domain::model::NewArticle;

/// A saved web page (`herald import page.html`): its article as the one extraction
/// (below) finds it for every way a page comes in, with its title, byline,
/// date and address where the page states them. `None` when the page has no readable
/// text.
pub fn page_to_article(html: &str, fallback_source: &str) -> Option<NewArticle> {
    article(html, fallback_source, None).map(|(article, _)| article)
}

/// The article in `page`, named `source` until the page names itself. `address` is
/// where the page was fetched from, when it was: it resolves relative links until the
/// page gives its own. `None` when the page has no text to read.
pub fn article(page: &str, source: &str, address: Option<&str>) -> Option<(NewArticle, Method)> {
    let (document, parsed) = parse::document(page);
    let head = page::head(&document, source, address);
    let base = head.url.clone().or_else(|| address.map(str::to_owned));
    let (mut converted, method) = choose::best(page, &document, parsed, base.as_deref());
    lines::clean(&mut converted.paragraphs);
    page::finish(head, converted, &document).map(|a| (a, method))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;

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

    /// The page is parsed once, as dom_smoothie parses it: with scripting off, so the
    /// picture a `<noscript>` holds replaces the lazy one before it.
    #[test]
    fn readability_takes_the_picture_a_noscript_holds() {
        let words = "<p>The harbour board met on Tuesday and agreed to keep the night ferry \
                     running through the winter, after a busy season.</p>";
        let page = format!(
            "<html><head><title>Quay</title></head><body><article><h1>Quay</h1>{words}\
             <p><img src=\"/lazy.gif\" alt=\"The quay\"></p><noscript><img \
             src=\"https://wire.example/quay.jpg\" alt=\"The quay\"></noscript>{words}{words}\
             </article></body></html>"
        );
        let (a, method) = article(&page, "Saved", Some("https://wire.example/q")).unwrap();
        assert_eq!(method, Method::Readability);
        assert!(
            a.links
                .contains(&"https://wire.example/quay.jpg".to_owned()),
            "{:?}",
            a.links
        );
        assert!(
            !a.links.iter().any(|l| l.ends_with("lazy.gif")),
            "{:?}",
            a.links
        );
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
