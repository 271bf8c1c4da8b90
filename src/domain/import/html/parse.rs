//! Parsing HTML with a bound on nesting. html5ever keeps a stack of open elements and a
//! list of active formatting elements, and many start tags scan them from the top (is a
//! `<p>` in button scope? reconstruct the formatting elements), so a body of 200,000
//! nested `<div>`s cost time quadratic in its depth (about 100 s), and every later
//! walk over so deep a tree risks the stack. Here the tokenizer's output passes through
//! a filter before the tree builder: once `MAX_OPEN` elements are open, further start
//! tags are dropped (their text is kept, in the deepest element) along with the end
//! tags that match them. No real document comes near the bound, so those parse exactly
//! as before.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use html5ever::interface::Tracer;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink, create_element};
use html5ever::{LocalName, QualName, TokenizerResult, local_name, ns};

use dom_query::{Document, NodeId};

use super::dom::Tree;

/// The most elements open at once (plus entries in the active formatting list). Real
/// pages nest a few dozen deep; the bound keeps each scan of the stack short.
pub const MAX_OPEN: usize = 512;

/// The most elements and comments a document may make; past it, start tags and comments
/// are dropped as past `MAX_OPEN` (text is kept). Memory follows the count of nodes, not
/// the bytes: 16 MB of `<p>word here</p>` made a million elements and 361 MB, 62 MB made
/// 1.4 GB. Pages with articles hold a few thousand.
pub const MAX_ELEMENTS: usize = 100_000;

type Builder = TreeBuilder<NodeId, Document>;

/// The tree builder behind a filter that drops start tags past `MAX_OPEN`.
struct Capped {
    builder: Builder,
    /// Start tags dropped and not yet closed, by name: their end tags are dropped too,
    /// so that they do not close an element the filter let through.
    dropped: RefCell<HashMap<LocalName, usize>>,
    /// The last count found the bound reached, and no token that may close an element
    /// has reached the tree builder since: the next start tag is dropped without
    /// counting again. A run of 200,000 start tags past the bound then costs one count,
    /// not 200,000.
    full: Cell<bool>,
    /// A raw-text element dropped at the bound: its content is dropped up to its end tag.
    swallowing: RefCell<Option<LocalName>>,
    /// Start tags and comments let through so far, against `MAX_ELEMENTS`.
    made: Cell<usize>,
    /// Whether the tree builder parses with scripting on, when a `<noscript>`'s content
    /// is raw text.
    scripting: bool,
}

/// Counts the handles the tree builder holds: the open elements, the active formatting
/// list and a few single ones (document, head, form, context).
struct Counter(Cell<usize>);

impl Tracer for Counter {
    type Handle = NodeId;

    fn trace_handle(&self, _node: &NodeId) {
        self.0.set(self.0.get() + 1);
    }
}

impl Capped {
    /// Whether the tree builder holds `MAX_OPEN` elements or more.
    fn is_full(&self) -> bool {
        if !self.full.get() {
            let counter = Counter(Cell::new(0));
            self.builder.trace_handles(&counter);
            self.full.set(counter.0.get() >= MAX_OPEN);
        }
        self.full.get()
    }
}

/// How the tree builder has the tokenizer read what follows an HTML element whose content
/// is raw text. When such a start tag is dropped the filter says the same, or a
/// `<script>`'s code would be read as markup and become text to read.
fn raw_text(name: &LocalName, scripting: bool) -> Option<TokenSinkResult<NodeId>> {
    Some(match *name {
        local_name!("noscript") if !scripting => return None,
        local_name!("title") | local_name!("textarea") => TokenSinkResult::RawData(RawKind::Rcdata),
        local_name!("style")
        | local_name!("xmp")
        | local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes")
        | local_name!("noscript") => TokenSinkResult::RawData(RawKind::Rawtext),
        local_name!("script") => TokenSinkResult::RawData(RawKind::ScriptData),
        local_name!("plaintext") => TokenSinkResult::Plaintext,
        _ => return None,
    })
}

impl TokenSink for Capped {
    type Handle = NodeId;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Self::Handle> {
        let swallowing = self.swallowing.borrow().clone();
        if let Some(name) = swallowing {
            match &token {
                Token::CharacterTokens(_) | Token::NullCharacterToken | Token::ParseError(_) => {
                    return TokenSinkResult::Continue;
                }
                Token::TagToken(tag) if tag.kind == TagKind::EndTag && tag.name == name => {
                    *self.swallowing.borrow_mut() = None;
                    return TokenSinkResult::Continue;
                }
                _ => {}
            }
        }
        if let Token::CommentToken(_) = &token {
            if self.made.get() >= MAX_ELEMENTS {
                return TokenSinkResult::Continue;
            }
            self.made.set(self.made.get() + 1);
        }
        if let Token::TagToken(tag) = &token {
            match tag.kind {
                TagKind::StartTag => {
                    // Counting walks the stack, but only as deep as the bound allows, so
                    // the filter costs at most what the tree builder's own scans do.
                    // Every start tag counts, void ones too: in SVG `<area>` or
                    // `<style>` nest like any other element. Nor does `self_closing`
                    // exempt it: HTML ignores the slash on `<div/>`, which stays open.
                    if self.made.get() >= MAX_ELEMENTS || self.is_full() {
                        if let Some(result) = raw_text(&tag.name, self.scripting) {
                            if !matches!(result, TokenSinkResult::Plaintext) {
                                *self.swallowing.borrow_mut() = Some(tag.name.clone());
                            }
                            return result;
                        }
                        *self
                            .dropped
                            .borrow_mut()
                            .entry(tag.name.clone())
                            .or_default() += 1;
                        return TokenSinkResult::Continue;
                    }
                    self.made.set(self.made.get() + 1);
                }
                TagKind::EndTag => {
                    let mut dropped = self.dropped.borrow_mut();
                    if let Some(count) = dropped.get_mut(&tag.name) {
                        *count -= 1;
                        if *count == 0 {
                            dropped.remove(&tag.name);
                        }
                        return TokenSinkResult::Continue;
                    }
                }
            }
            // A tag that gets through may close elements (`<p>` closes an open `<p>`):
            // count again. Text and comments only ever add.
            self.full.set(false);
        }
        self.builder.process_token(token, line_number)
    }

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

fn run(builder: Builder, opts: TokenizerOpts, scripting: bool, html: &str) -> Document {
    let tokenizer = Tokenizer::new(
        Capped {
            scripting,
            builder,
            dropped: RefCell::default(),
            full: Cell::new(false),
            swallowing: RefCell::default(),
            made: Cell::new(0),
        },
        opts,
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The tokenizer stops at each `</script>` for a script engine; there is none.
    while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
    tokenizer.end();
    tokenizer.sink.builder.sink.finish()
}

/// A whole page, with nesting bounded, parsed once for both readers: herald's tree,
/// and dom_query's document for dom_smoothie. Parsed as dom_smoothie parses a page, with
/// scripting off: a `<noscript>`'s content is markup, whose images it unwraps (herald's
/// tree leaves that content out, as it did when it was raw text).
pub fn document(html: &str) -> (Tree, Document) {
    let document = parse_document(html);
    (Tree::copy(&document), document)
}

fn parse_document(html: &str) -> Document {
    let opts = TreeBuilderOpts {
        scripting_enabled: false,
        ..TreeBuilderOpts::default()
    };
    run(
        TreeBuilder::new(Document::default(), opts),
        TokenizerOpts::default(),
        false,
        html,
    )
}

/// A fragment in a `<body>`, as html5ever parses it by default, with nesting bounded.
pub fn fragment(html: &str) -> Tree {
    Tree::copy(&parse_fragment(html))
}

fn parse_fragment(html: &str) -> Document {
    let sink = Document::fragment_sink();
    let context = create_element(
        &sink,
        QualName::new(None, ns!(html), local_name!("body")),
        Vec::new(),
    );
    let builder = TreeBuilder::new_for_fragment(sink, context, None, Default::default());
    let opts = TokenizerOpts {
        initial_state: Some(builder.tokenizer_state_for_context_elem(false)),
        ..TokenizerOpts::default()
    };
    // html5ever's default: scripting on.
    run(builder, opts, true, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_element_budget_tags_and_comments_are_dropped_and_text_kept() {
        let many = MAX_ELEMENTS + 20_000;
        let html = format!(
            "{}{}<p>Last words</p>",
            "<p>tide</p>".repeat(many),
            "<!-- note -->".repeat(many)
        );
        let tree = fragment(&html);
        let nodes = tree.nodes().count();
        assert!(nodes < 3 * MAX_ELEMENTS, "{nodes} nodes");
        let text: String = tree.root().text().collect();
        assert_eq!(text.matches("tide").count(), many, "every word kept");
        assert!(text.ends_with("Last words"));
    }

    #[test]
    fn below_the_bound_the_tree_is_what_html5ever_builds() {
        use html5ever::tendril::TendrilSink;
        let body = || QualName::new(None, ns!(html), local_name!("body"));
        let deep = format!("{}<p>Low tide</p>", "<div><b>".repeat(MAX_OPEN / 2 - 8));
        for html in [
            "<p>One<p>Two<ul><li>a<li>b</ul><table><td>cell</table><b><i>x</b>y</i>",
            "<script>let a = '<p>';</script><title>T</title><pre>\n keep</pre>",
            deep.as_str(),
        ] {
            let unbounded = html5ever::parse_fragment(
                Document::fragment_sink(),
                Default::default(),
                body(),
                Vec::new(),
                false,
            )
            .one(html);
            assert_eq!(parse_fragment(html).html(), unbounded.html());
            // dom_smoothie's own parse of a page.
            let unbounded = Document::from(html);
            assert_eq!(parse_document(html).html(), unbounded.html());
        }
    }

    #[test]
    fn past_the_bound_tags_are_dropped_but_text_and_raw_text_are_kept() {
        let html = format!(
            "{}<p>Still here</p><script>hidden()</script>{}<p>After</p>",
            "<div>".repeat(2 * MAX_OPEN),
            "</div>".repeat(2 * MAX_OPEN)
        );
        let tree = fragment(&html);
        let divs = tree.elements().filter(|(_, e)| e.name() == "div").count();
        assert!(divs < MAX_OPEN, "{divs} divs");
        let text = crate::domain::import::html::to_text(&html).paragraphs;
        assert_eq!(text, ["Still here", "After"]);
    }

    #[test]
    fn a_self_closing_slash_does_not_get_past_the_bound() {
        // HTML ignores the slash on `<div/>`: the div stays open.
        let html = format!("{}<p>Bottom</p>", "<div/>".repeat(2 * MAX_OPEN));
        let divs = fragment(&html)
            .elements()
            .filter(|(_, e)| e.name() == "div")
            .count();
        assert!(divs < MAX_OPEN, "{divs} divs");
    }

    #[test]
    fn foreign_elements_named_like_void_or_raw_text_ones_do_not_get_past_the_bound() {
        // In SVG, `<style>` and `<area>` are ordinary elements that nest.
        for name in ["title", "style", "area", "img/", "circle/"] {
            let html = format!(
                "<svg>{}<p>Bottom</p>",
                format!("<{name}>").repeat(2 * MAX_OPEN)
            );
            let tree = fragment(&html);
            let depth = tree
                .nodes()
                .map(|n| n.ancestors().count())
                .max()
                .unwrap_or(0);
            assert!(depth <= MAX_OPEN, "{name}: {depth} deep");
        }
    }

    #[test]
    fn raw_text_dropped_at_the_bound_takes_its_content_with_it() {
        let html = format!(
            "{}<p>Kept</p><script>if (a < b) {{ hidden() }}</script><style>p {{}}</style>\
             <title>Gone</title><p>Also kept</p>",
            "<div>".repeat(2 * MAX_OPEN)
        );
        // Past the bound `<p>` starts no paragraph: the two run together.
        let text = crate::domain::import::html::to_text(&html)
            .paragraphs
            .join(" ");
        assert_eq!(text, "KeptAlso kept");
    }
}
