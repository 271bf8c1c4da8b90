//! An HTML fragment to the reader's structured text: paragraphs, headings (`## `), list
//! items (`• `, `1. `), block quotes (`> `), preformatted blocks kept verbatim, links
//! numbered `[n]` in the text and handed back as data, images as `[image: alt]`; scripts,
//! styles and forms dropped. The walk is iterative, so no nesting exhausts the stack.

use std::collections::{HashMap, HashSet};

use super::dom::{Edge, Element, Node, NodeId, NodeRef};
use super::parse;
use super::table::{Drawn, Table};
use crate::domain::import::limits::MAX_LINK_CHARS;
use crate::domain::import::tidy::clean;

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

/// The result of converting HTML: the paragraphs, and the links they number.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Converted {
    pub paragraphs: Vec<String>,
    pub links: Vec<String>,
}

/// The walk's state: what is written so far and what is open around the current node.
pub(super) struct Writer {
    out: Converted,
    line: String,
    /// Open lists: `None` for bullets, `Some(n)` for the next number.
    lists: Vec<Option<usize>>,
    quote_depth: usize,
    /// A prefix (heading mark, bullet) for the paragraph being written.
    prefix: Option<String>,
    /// Elements left out with all they hold, on top of `DROPPED`.
    skip: fn(&Element) -> bool,
    /// Elements never left out by `skip` (the wrappers around a page's article).
    kept: HashSet<NodeId>,
    /// Each listed link's number, by URL.
    numbers: HashMap<String, usize>,
    /// The items of the list being written (lists nested in it included), one line
    /// each: a list is one paragraph, so it reads as a list and not as a run of
    /// paragraphs with blank lines between them.
    list_lines: Vec<String>,
    /// The page's address, against which relative links and images are resolved.
    base: Option<url::Url>,
    /// The outermost table being gathered, and how many tables are open (a table in a
    /// cell is read as that cell's text).
    table: Option<Table>,
    table_depth: usize,
}

/// Marks a `<br>` in the text being gathered. Text nodes never hold NUL (the HTML parser
/// replaces it), and their own line breaks are white space like any other.
const BREAK: char = '\0';

impl Writer {
    /// A writer that leaves out, besides `DROPPED`, the elements `skip` picks: none for
    /// an item body, the page's furniture for a whole page.
    pub(super) fn new(skip: fn(&Element) -> bool) -> Writer {
        Writer {
            out: Converted::default(),
            line: String::new(),
            lists: Vec::new(),
            quote_depth: 0,
            prefix: None,
            skip,
            kept: HashSet::new(),
            numbers: HashMap::new(),
            list_lines: Vec::new(),
            base: None,
            table: None,
            table_depth: 0,
        }
    }

    /// Never leaves out the elements `kept` by `skip`.
    pub(super) fn keeping(mut self, kept: HashSet<NodeId>) -> Writer {
        self.kept = kept;
        self
    }

    /// Resolves relative links and images against `base` (a page's address).
    pub(super) fn with_base(mut self, base: Option<&str>) -> Writer {
        self.base = base.and_then(|b| url::Url::parse(b).ok());
        self
    }

    /// Ends the text being gathered as a paragraph. A `<br>` in it is a line break
    /// inside the paragraph; two or more in a row (an old way to write paragraphs) end
    /// it and start the next.
    fn flush(&mut self) {
        if self.table_depth > 0 {
            // Inside a table a block only parts words: the cell is one line.
            self.line.push(' ');
            return;
        }
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
        let resolved;
        let href = match &self.base {
            Some(base) if !href.is_empty() && !href.starts_with('#') => {
                resolved = base.join(href).map(String::from).unwrap_or_default();
                resolved.as_str()
            }
            _ => href,
        };
        if href
            .chars()
            .any(|c| c.is_whitespace() || crate::domain::text::is_unsafe(c))
        {
            return None;
        }
        // As for an article's own link: a cut address leads nowhere, so a longer one is
        // not listed at all.
        if href.chars().count() > MAX_LINK_CHARS {
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
    /// the tree's traversal, so no nesting of the input can exhaust the stack.
    pub(super) fn write(&mut self, root: NodeRef<'_>) {
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
    fn open(&mut self, node: NodeRef<'_>) -> bool {
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
        if (self.skip)(element) && !self.kept.contains(&node.id()) {
            return false;
        }
        if self.table_depth > 0
            && let Some(keep) = self.open_in_table(name)
        {
            return keep;
        }
        match name {
            "br" => self.line.push(BREAK),
            "img" => self.image(element),
            "table" => {
                self.flush();
                self.table_depth = 1;
                self.table = Some(Table::default());
            }
            "pre" => {
                self.flush();
                let text: String = node.text().collect();
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
    fn close(&mut self, node: NodeRef<'_>) {
        let Node::Element(element) = node.value() else {
            return;
        };
        let name = element.name();
        if self.table_depth > 0 && name != "a" {
            match name {
                "table" | "tr" | "td" | "th" | "caption" => self.close_in_table(name),
                _ if BLOCKS.contains(&name) => self.line.push(' '),
                _ => {}
            }
            return;
        }
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
            "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.flush(),
            _ if BLOCKS.contains(&name) => self.flush(),
            _ => {}
        }
    }

    /// The `> ` marks of the quotes the paragraph is in, at most `MAX_MARKS` of them.
    fn quote_mark(&self) -> String {
        "> ".repeat(self.quote_depth.min(MAX_MARKS))
    }

    pub(super) fn finish(mut self) -> Converted {
        // A table left open by the end of the input.
        if self.table_depth > 0 {
            self.table_depth = 1;
            self.close_in_table("table");
        }
        self.flush();
        self.out
    }

    /// An image: `[image N: alt]`, where `N` numbers its address among the links (when
    /// it has one to list), or `[image: alt]`.
    fn image(&mut self, element: &Element) {
        let alt = element.attr("alt").map(clean).unwrap_or_default();
        let src = ["src", "data-src"]
            .iter()
            .filter_map(|a| element.attr(a))
            .find(|s| !s.trim().is_empty() && !s.trim_start().starts_with("data:"));
        let number = src.and_then(|s| self.link_number(s.trim()));
        let text = match (number, alt.is_empty()) {
            (Some(n), false) => format!(" [image {n}: {alt}] "),
            (Some(n), true) => format!(" [image {n}] "),
            (None, false) => format!(" [image: {alt}] "),
            (None, true) => " [image] ".to_owned(),
        };
        self.line.push_str(&text);
    }

    /// Starts an element inside a table: `Some` when the table handled it (rows, cells,
    /// blocks that only part words), `None` for what reads as anywhere else.
    fn open_in_table(&mut self, name: &str) -> Option<bool> {
        match name {
            "table" => self.table_depth += 1,
            "tr" if self.table_depth == 1 => {
                self.line.clear();
                if let Some(table) = &mut self.table {
                    table.start_row();
                }
            }
            "td" | "th" | "caption" if self.table_depth == 1 => self.line.clear(),
            "br" => self.line.push(' '),
            _ if BLOCKS.contains(&name) || name == "td" || name == "th" => self.line.push(' '),
            _ => return None,
        }
        Some(true)
    }

    /// Ends a row, a cell, a caption or a table; the outermost table is drawn.
    fn close_in_table(&mut self, name: &str) {
        if self.table_depth > 1 {
            if name == "table" {
                self.table_depth -= 1;
            }
            self.line.push(' ');
            return;
        }
        let text = clean(&std::mem::take(&mut self.line).replace(BREAK, " "));
        let Some(table) = &mut self.table else {
            return;
        };
        match name {
            "td" | "th" => table.add_cell(text, name == "th"),
            "caption" => table.caption = Some(text).filter(|t| !t.is_empty()),
            "table" => {
                self.table_depth = 0;
                let Some(table) = self.table.take() else {
                    return;
                };
                let quote = self.quote_mark();
                match table.draw() {
                    Drawn::Block(block) => self.emit(format!("{quote}{block}")),
                    Drawn::Paragraphs(paragraphs) => {
                        for p in paragraphs {
                            self.emit(format!("{quote}{p}"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Converts an HTML fragment (a feed item's body) to paragraphs.
pub fn to_text(html: &str) -> Converted {
    to_text_at(html, None)
}

/// Converts an HTML fragment found at `base` (a page's address): relative links and
/// images resolve against it.
pub fn to_text_at(html: &str, base: Option<&str>) -> Converted {
    let fragment = parse::fragment(html);
    let mut writer = Writer::new(|_| false).with_base(base);
    writer.write(fragment.root());
    writer.finish()
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
    fn links_are_data_and_an_overlong_one_gets_no_number() {
        let long = format!("https://example.org/{}", "q".repeat(super::MAX_LINK_CHARS));
        let c = to_text(&format!(
            "<p><a href=\"https://example.org/a\">A</a>, <a href=\"{long}\">long</a> and \
             <a href=\"https://example.org/b\">B</a>.</p>"
        ));
        assert_eq!(c.paragraphs, ["A [1], long and B [2]."]);
        assert_eq!(c.links, ["https://example.org/a", "https://example.org/b"]);
        assert_eq!(
            crate::domain::model::link_list(&c.links),
            [
                "Links:",
                "[1] https://example.org/a",
                "[2] https://example.org/b"
            ]
        );
        assert!(crate::domain::model::link_list(&[]).is_empty());
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
}
