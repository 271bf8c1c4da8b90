//! HTML to the reader's structured text: paragraphs, headings (`## `), list items (`• `,
//! `1. `), block quotes (`> `), preformatted blocks kept verbatim, links numbered `[n]` in
//! the text and handed back as data, images as `[image: alt]`; scripts, styles and
//! navigation dropped.
//! Saved pages also have their main article found and their title, byline and date read.

mod parse;

use std::collections::HashMap;

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node, Selector};

use super::clean;
use super::date::parse_loose;
use crate::model::{NewArticle, Published};

/// Elements whose content is never text to read.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "form", "button", "select", "textarea", "input", "nav", "head", "title", "meta", "link",
];

/// Elements that start a new paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
    "center",
    "body",
    "html",
];

/// The most quote marks (`> `) or list indents one paragraph opens with: deeper
/// nesting reads no better, and a body nesting hundreds of quotes around thousands of
/// paragraphs would otherwise write each mark thousands of times over.
const MAX_MARKS: usize = 16;

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

/// The result of converting HTML: the paragraphs, and the links they number.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Converted {
    pub paragraphs: Vec<String>,
    pub links: Vec<String>,
}

struct Writer {
    out: Converted,
    line: String,
    /// Open lists: `None` for bullets, `Some(n)` for the next number.
    lists: Vec<Option<usize>>,
    quote_depth: usize,
    /// A prefix (heading mark, bullet) for the paragraph being written.
    prefix: Option<String>,
    drop_furniture: bool,
    /// Each listed link's number, by URL.
    numbers: HashMap<String, usize>,
    /// The items of the list being written (lists nested in it included), one line
    /// each: a list is one paragraph, so it reads as a list and not as a run of
    /// paragraphs with blank lines between them.
    list_lines: Vec<String>,
}

/// Marks a `<br>` in the text being gathered. Text nodes never hold NUL (the HTML parser
/// replaces it), and their own line breaks are white space like any other.
const BREAK: char = '\0';

impl Writer {
    /// A writer for an item body, or (`drop_furniture`) for a whole page.
    fn new(drop_furniture: bool) -> Writer {
        Writer {
            out: Converted::default(),
            line: String::new(),
            lists: Vec::new(),
            quote_depth: 0,
            prefix: None,
            drop_furniture,
            numbers: HashMap::new(),
            list_lines: Vec::new(),
        }
    }

    /// Ends the text being gathered as a paragraph. A `<br>` in it is a line break
    /// inside the paragraph; two or more in a row (an old way to write paragraphs) end
    /// it and start the next.
    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        let mut lines: Vec<String> = Vec::new();
        let mut blank = false;
        for piece in line.split(BREAK) {
            let piece = clean(piece);
            if piece.is_empty() {
                blank = true;
                continue;
            }
            if blank && !lines.is_empty() {
                let done = std::mem::take(&mut lines).join("\n");
                self.paragraph(done);
            }
            blank = false;
            lines.push(piece);
        }
        if !lines.is_empty() {
            let text = lines.join("\n");
            self.paragraph(text);
        }
    }

    /// Writes one paragraph with its quote marks and prefix, into the list being written
    /// when there is one.
    fn paragraph(&mut self, text: String) {
        let mut paragraph = self.quote_mark();
        if let Some(prefix) = self.prefix.take() {
            paragraph.push_str(&prefix);
        }
        paragraph.push_str(&text);
        self.emit(paragraph);
    }

    fn emit(&mut self, paragraph: String) {
        if self.lists.is_empty() {
            self.out.paragraphs.push(paragraph);
        } else {
            self.list_lines.push(paragraph);
        }
    }

    fn link_number(&mut self, href: &str) -> Option<usize> {
        // Browsers drop tabs and line breaks from URLs; anything else unprintable makes
        // it no link we would list (or open). Found by fuzzing: a line break in an href
        // ended up inside the link list's paragraph.
        let href: String = href
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let href = href.trim();
        if href
            .chars()
            .any(|c| c.is_whitespace() || crate::display::is_unsafe(c))
        {
            return None;
        }
        // As for an article's own link: a cut address leads nowhere, so a longer one is
        // not listed at all.
        if href.chars().count() > super::MAX_LINK_CHARS {
            return None;
        }
        let lower = href.to_ascii_lowercase();
        if !(lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("mailto:"))
        {
            return None;
        }
        // A map, not a search of the list: a page of 100,000 links would make that
        // quadratic.
        if let Some(&n) = self.numbers.get(href) {
            return Some(n);
        }
        self.out.links.push(href.to_owned());
        let n = self.out.links.len();
        self.numbers.insert(href.to_owned(), n);
        Some(n)
    }

    /// Writes the content of `root` (not `root` itself). The walk is iterative, by
    /// ego_tree's traversal, so no nesting of the input can exhaust the stack.
    fn write(&mut self, root: NodeRef<'_, Node>) {
        // An element whose content is skipped (dropped, furniture, a `<pre>` taken
        // whole): its subtree's edges are ignored until it closes.
        let mut skipping: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_none() && node != root && !self.open(node) {
                        skipping = Some(node.id());
                    }
                }
                Edge::Close(node) => match skipping {
                    Some(id) if id == node.id() => skipping = None,
                    Some(_) => {}
                    None if node != root => self.close(node),
                    None => {}
                },
            }
        }
    }

    /// Starts a node; `false` when its content is not to be written.
    fn open(&mut self, node: NodeRef<'_, Node>) -> bool {
        let element = match node.value() {
            Node::Text(text) => {
                self.line.push_str(text);
                return true;
            }
            Node::Element(element) => element,
            _ => return true,
        };
        let name = element.name();
        if DROPPED.contains(&name) {
            return false;
        }
        if self.drop_furniture && is_furniture(element) {
            return false;
        }
        match name {
            "br" => self.line.push(BREAK),
            "img" => {
                let alt = element.attr("alt").map(clean).unwrap_or_default();
                if alt.is_empty() {
                    self.line.push_str(" [image] ");
                } else {
                    self.line.push_str(&format!(" [image: {alt}] "));
                }
            }
            "pre" => {
                self.flush();
                let text: String = ElementRef::wrap(node)
                    .map(|e| e.text().collect())
                    .unwrap_or_default();
                // Verbatim, except that a blank line would end the paragraph in the
                // store: keep it as a line holding one space.
                let lines: Vec<&str> = text.trim_matches('\n').lines().collect();
                let body = lines
                    .iter()
                    .map(|l| {
                        if l.trim().is_empty() {
                            " "
                        } else {
                            l.trim_end()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                if !body.trim().is_empty() {
                    let quote = self.quote_mark();
                    self.emit(format!("{quote}{body}"));
                }
                return false;
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.push((name == "ol").then_some(1));
            }
            "li" => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1).min(MAX_MARKS);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "• ".to_owned(),
                };
                self.prefix = Some(format!("{}{marker}", "  ".repeat(depth)));
            }
            "blockquote" => {
                self.flush();
                self.quote_depth += 1;
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush();
                let level = usize::from(name.as_bytes()[1] - b'0');
                self.prefix = Some(format!("{} ", "#".repeat(level.min(3))));
            }
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
        true
    }

    /// Ends an element whose content was written.
    fn close(&mut self, node: NodeRef<'_, Node>) {
        let Node::Element(element) = node.value() else {
            return;
        };
        let name = element.name();
        match name {
            "a" => {
                if let Some(n) = element
                    .attr("href")
                    .and_then(|h| self.link_number(h.trim()))
                {
                    self.line.push_str(&format!(" [{n}]"));
                }
            }
            "ul" | "ol" => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() && !self.list_lines.is_empty() {
                    let list = std::mem::take(&mut self.list_lines).join("\n");
                    self.out.paragraphs.push(list);
                }
            }
            "blockquote" => {
                self.flush();
                self.quote_depth -= 1;
            }
            "td" | "th" => self.line.push_str(" · "),
            "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.flush(),
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
    }

    /// The `> ` marks of the quotes the paragraph is in, at most `MAX_MARKS` of them.
    fn quote_mark(&self) -> String {
        "> ".repeat(self.quote_depth.min(MAX_MARKS))
    }

    fn finish(mut self) -> Converted {
        self.flush();
        // A table row ends with its separator; tidy it.
        for p in &mut self.out.paragraphs {
            if let Some(stripped) = p.strip_suffix(" ·") {
                *p = stripped.to_owned();
            }
        }
        self.out
    }
}

fn is_furniture(element: &scraper::node::Element) -> bool {
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

/// Converts an HTML fragment (a feed item's body) to paragraphs.
pub fn to_text(html: &str) -> Converted {
    let fragment = parse::fragment(html);
    let mut writer = Writer::new(false);
    writer.write(fragment.tree.root());
    writer.finish()
}

/// The links as plain text shows them after the body: `Links:`, then `[1] https://…`, one
/// paragraph each. None at all when there are no links.
pub fn link_list(links: &[String]) -> Vec<String> {
    if links.is_empty() {
        return Vec::new();
    }
    let numbered = links
        .iter()
        .enumerate()
        .map(|(i, link)| format!("[{}] {link}", i + 1));
    std::iter::once("Links:".to_owned())
        .chain(numbered)
        .collect()
}

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
    let document = parse::document(html);
    let title = meta(&document, &["og:title", "twitter:title"])
        .or_else(|| first_text(&document, "h1"))
        .or_else(|| first_text(&document, "title"))?;
    let source = meta(&document, &["og:site_name", "application-name"])
        .unwrap_or_else(|| fallback_source.to_owned());
    let authors: Vec<String> = meta(&document, &["author", "article:author", "byl"])
        .or_else(|| first_text(&document, "[rel=author], .byline, .author"))
        .map(|a| {
            let a = a.trim_start_matches("By ").trim_start_matches("by ");
            a.split([',', '&'])
                .flat_map(|p| p.split(" and "))
                .map(clean)
                .filter(|p| !p.is_empty())
                .map(|p| super::name_case(&p))
                .collect()
        })
        .unwrap_or_default();
    let published: Option<Published> = meta(
        &document,
        &["article:published_time", "date", "pubdate", "dc.date"],
    )
    .or_else(|| {
        let selector = Selector::parse("time[datetime]").ok()?;
        document
            .select(&selector)
            .find_map(|t| t.value().attr("datetime").map(str::to_owned))
    })
    .and_then(|d| parse_loose(&d));
    let url = meta(&document, &["og:url"]);

    let main = ["article", "main", "[role=main]"]
        .iter()
        .filter_map(|s| Selector::parse(s).ok())
        .find_map(|s| document.select(&s).next())
        .or_else(|| densest_block(&document));
    let root = main.map_or(document.tree.root(), |e| *e);
    let mut writer = Writer::new(true);
    writer.write(root);
    let mut converted = writer.finish();
    // The title usually opens the article body too.
    if converted
        .paragraphs
        .first()
        .is_some_and(|p| p.trim_start_matches('#').trim() == title)
    {
        converted.paragraphs.remove(0);
    }
    // Nothing but images and link numbers is no text to read.
    if converted.paragraphs.iter().all(|p| p.starts_with('[')) {
        return None;
    }
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
    fn structure_links_images_and_entities() {
        let html = r#"<h2>Harbour &amp; port</h2>
<p>The <a href="https://example.org/ferry">night ferry</a> runs <em>daily</em>.<br>New line.</p>
<ul><li>One</li><li>Two <a href="https://example.org/ferry">again</a></li></ul>
<ol><li>First</li><li>Second</li></ol>
<blockquote><p>Quoted words</p></blockquote>
<pre>fn main() {

    println!("hi");
}</pre>
<p><img src="x.png" alt="A ferry at dusk"> <img src="y.png"></p>
<script>alert(1)</script><style>p{}</style><nav>Home | About</nav>
<a href="javascript:evil()">js</a>"#;
        let c = to_text(html);
        assert_eq!(
            c.paragraphs,
            [
                "## Harbour & port",
                "The night ferry [1] runs daily.\nNew line.",
                "• One\n• Two again [1]",
                "1. First\n2. Second",
                "> Quoted words",
                "fn main() {\n \n    println!(\"hi\");\n}",
                "[image: A ferry at dusk] [image]",
                "js",
            ]
        );
        assert_eq!(c.links, ["https://example.org/ferry"]);
        assert!(c.paragraphs.iter().all(|p| !p.contains("\n\n")));
    }

    /// A list reads as a list (its items on consecutive lines of one paragraph), a
    /// `<br>` is a line break inside its paragraph, and two of them end the paragraph.
    #[test]
    fn lists_are_one_paragraph_and_a_break_stays_inside_its_paragraph() {
        let c = to_text(
            "<p>Dock A<br>\nDock B<br/>Dock C</p>\
             <ul><li>Tides<ul><li>High at six</li><li>Low at noon</li></ul></li>\
             <li><p>Ferries</p><p>run late</p></li></ul>\
             <blockquote><ol><li>Quoted one</li><li>Quoted two</li></ol></blockquote>\
             <p>First part<br><br>  <br>Second part</p><p><br>Lone<br></p>",
        );
        assert_eq!(
            c.paragraphs,
            [
                "Dock A\nDock B\nDock C",
                "• Tides\n  • High at six\n  • Low at noon\n• Ferries\nrun late",
                "> 1. Quoted one\n> 2. Quoted two",
                "First part",
                "Second part",
                "Lone",
            ]
        );
        // No blank line inside a paragraph, which the store would split.
        assert!(c.paragraphs.iter().all(|p| !p.contains("\n\n")));
    }

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

    #[test]
    fn links_are_data_and_an_overlong_one_gets_no_number() {
        let long = format!(
            "https://example.org/{}",
            "q".repeat(super::super::MAX_LINK_CHARS)
        );
        let c = to_text(&format!(
            "<p><a href=\"https://example.org/a\">A</a>, <a href=\"{long}\">long</a> and \
             <a href=\"https://example.org/b\">B</a>.</p>"
        ));
        assert_eq!(c.paragraphs, ["A [1], long and B [2]."]);
        assert_eq!(c.links, ["https://example.org/a", "https://example.org/b"]);
        assert_eq!(
            link_list(&c.links),
            [
                "Links:",
                "[1] https://example.org/a",
                "[2] https://example.org/b"
            ]
        );
        assert!(link_list(&[]).is_empty());
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

    /// Element kinds a hostile body nests: opening and closing tags of one level.
    const KINDS: &[(&str, &str)] = &[
        ("<div>", "</div>"),
        ("<span>", "</span>"),
        ("<b>", "</b>"),
        ("<blockquote>", "</blockquote>"),
        ("<ul><li>", "</li></ul>"),
        ("<a href=\"https://example.org/deep\">", "</a>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<i class=x>", "</i>"),
    ];

    const DEEP_WORDS: &str = "Words at the very bottom of the pile.";

    /// `depth` levels of one kind around a sentence.
    fn nested((open, close): (&str, &str), depth: usize) -> String {
        format!(
            "{}<p>{DEEP_WORDS}</p>{}",
            open.repeat(depth),
            close.repeat(depth)
        )
    }

    /// Runs `work` on a thread with a 1 MiB stack, an eighth of the main thread's: the
    /// conversion must need no stack in proportion to the nesting.
    fn on_small_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(1 << 20)
                .spawn_scoped(scope, work)
                .unwrap()
                .join()
                .unwrap()
        })
    }

    /// The kinds in turn, `depth` levels in all.
    fn mixed(depth: usize) -> String {
        let levels = || KINDS.iter().cycle().take(depth);
        let open: String = levels().map(|(open, _)| *open).collect();
        let closes: Vec<&str> = levels().map(|(_, close)| *close).collect();
        let close: String = closes.into_iter().rev().collect();
        format!("{open}<p>{DEEP_WORDS}</p>{close}")
    }

    #[test]
    fn deep_nesting_converts_on_a_small_stack_and_keeps_the_text() {
        // Each kind 5,000 deep, then all of them in turn 50,000 and 200,000 deep (the
        // release benchmark `benches/html.rs` takes each kind to 200,000).
        let mut inputs: Vec<(String, String)> = KINDS
            .iter()
            .map(|&kind| (format!("{kind:?} x 5000"), nested(kind, 5_000)))
            .collect();
        for depth in [50_000, 200_000] {
            inputs.push((format!("mixed x {depth}"), mixed(depth)));
        }
        for (what, html) in inputs {
            let body = on_small_stack(|| to_text(&html));
            let page = format!("<html><head><title>Deep</title></head><body>{html}</body></html>");
            let article = on_small_stack(|| page_to_article(&page, "x"));
            for paragraphs in [&body.paragraphs, &article.unwrap().paragraphs] {
                assert!(
                    paragraphs.iter().any(|p| p.contains(DEEP_WORDS)),
                    "{what}: {:?}",
                    paragraphs.first()
                );
                // No bigger than the input (empty links still get their numbers).
                let bytes: usize = paragraphs.iter().map(String::len).sum();
                assert!(bytes < html.len(), "{what}: {bytes} bytes");
            }
        }
    }

    #[test]
    fn quote_marks_and_list_indents_stop_at_sixteen() {
        // Hundreds of quotes around many paragraphs would repeat every mark in each.
        let html = format!("{}<p>Deep</p><p>Deeper</p>", "<blockquote>".repeat(40));
        let c = to_text(&html);
        assert_eq!(c.paragraphs[0], format!("{}Deep", "> ".repeat(MAX_MARKS)));
        let html = format!("{}Item", "<ul><li>".repeat(40));
        let last = to_text(&html).paragraphs.pop().unwrap();
        assert_eq!(last, format!("{}• Item", "  ".repeat(MAX_MARKS)));
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
}
