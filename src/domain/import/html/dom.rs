//! The parsed page as herald's walks read it: a read-only copy of dom_query's tree, made
//! in one pass after parsing. dom_query keeps its nodes behind a `RefCell` and lends
//! them one closure at a time, which does not suit walks that hold names, attributes
//! and text while they move about the tree; the copy holds them in a plain arena, in
//! document order, with the links a walk follows (parent, children, siblings). Only
//! elements and text are kept as such; comments, doctypes and processing
//! instructions are nodes without content. A `<template>`'s content is its children,
//! as the walks have always read it; a `<noscript>`'s is left out (a page is parsed
//! with scripting off for dom_smoothie, which makes it markup: with scripting on it was
//! raw text, which no walk read as the page's text).

use dom_query::{Document, NodeData};
use html5ever::tendril::StrTendril;
use html5ever::{LocalName, local_name, ns};

/// A node's place in its [`Tree`]; ids follow document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(usize);

/// An element: its local name and its attributes without a namespace.
#[derive(Debug, Clone)]
pub struct Element {
    name: LocalName,
    attrs: Vec<(LocalName, StrTendril)>,
}

impl Element {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value of the attribute named `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| &**key == name)
            .map(|(_, value)| &**value)
    }

    /// Whether the class attribute holds `class` among its words.
    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|w| w == class))
    }
}

/// What a node holds.
#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(StrTendril),
    /// The document or fragment root, a comment, a doctype.
    Other,
}

impl Node {
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(element) => Some(element),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Slot {
    parent: Option<NodeId>,
    next_sibling: Option<NodeId>,
    first_child: Option<NodeId>,
    last_child: Option<NodeId>,
    value: Node,
}

/// A parsed document or fragment; its root is the document (or fragment) node.
#[derive(Debug)]
pub struct Tree {
    slots: Vec<Slot>,
}

impl Tree {
    /// The nodes reachable from `document`'s root, copied in one iterative pass.
    pub(super) fn copy(document: &Document) -> Tree {
        let source = &document.tree;
        let mut slots: Vec<Slot> = Vec::new();
        // Nodes still to copy, with their parent's place in `slots`: a node's next
        // sibling waits below its first child, so the copy is in document order.
        let mut stack = vec![(source.root().id, None::<NodeId>)];
        while let Some((id, parent)) = stack.pop() {
            let read = source.query_node(&id, |node| {
                let (value, template) = match &node.data {
                    NodeData::Element(e) => (
                        Node::Element(Element {
                            name: e.name.local.clone(),
                            attrs: e
                                .attrs
                                .iter()
                                .filter(|a| a.name.ns == ns!())
                                .map(|a| (a.name.local.clone(), a.value.clone()))
                                .collect(),
                        }),
                        e.template_contents,
                    ),
                    NodeData::Text { contents } => (Node::Text(contents.clone()), None),
                    _ => (Node::Other, None),
                };
                let first_child = match &value {
                    Node::Element(e) if e.name == local_name!("noscript") => None,
                    _ => node.first_child,
                };
                (value, first_child, node.next_sibling, template)
            });
            let Some((value, first_child, next_sibling, template)) = read else {
                continue;
            };
            let at = NodeId(slots.len());
            slots.push(Slot {
                parent,
                next_sibling: None,
                first_child: None,
                last_child: None,
                value,
            });
            if let Some(parent) = parent {
                let previous = slots[parent.0].last_child.replace(at);
                match previous {
                    Some(previous) => slots[previous.0].next_sibling = Some(at),
                    None => slots[parent.0].first_child = Some(at),
                }
                if let Some(next) = next_sibling {
                    stack.push((next, Some(parent)));
                }
            }
            // A template's content hangs off a fragment of its own.
            let first_child = match template {
                Some(contents) => source.query_node(&contents, |n| n.first_child).flatten(),
                None => first_child,
            };
            if let Some(child) = first_child {
                stack.push((child, Some(at)));
            }
        }
        Tree { slots }
    }

    pub fn root(&self) -> NodeRef<'_> {
        NodeRef {
            tree: self,
            id: NodeId(0),
        }
    }

    pub fn get(&self, id: NodeId) -> Option<NodeRef<'_>> {
        (id.0 < self.slots.len()).then_some(NodeRef { tree: self, id })
    }

    /// Every node, in document order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeRef<'_>> {
        (0..self.slots.len()).map(|i| NodeRef {
            tree: self,
            id: NodeId(i),
        })
    }

    /// Every element, in document order.
    pub fn elements(&self) -> impl Iterator<Item = (NodeRef<'_>, &Element)> {
        self.nodes()
            .filter_map(|node| node.value().as_element().map(|e| (node, e)))
    }
}

/// A node of a tree, to read it and move from it.
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'a> {
    tree: &'a Tree,
    id: NodeId,
}

impl PartialEq for NodeRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.tree, other.tree)
    }
}

impl Eq for NodeRef<'_> {}

/// A step of a walk: a node entered, or left once all it holds was walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge<'a> {
    Open(NodeRef<'a>),
    Close(NodeRef<'a>),
}

impl<'a> NodeRef<'a> {
    pub fn id(&self) -> NodeId {
        self.id
    }

    fn slot(&self) -> &'a Slot {
        &self.tree.slots[self.id.0]
    }

    fn at(&self, id: Option<NodeId>) -> Option<NodeRef<'a>> {
        id.map(|id| NodeRef {
            tree: self.tree,
            id,
        })
    }

    pub fn value(&self) -> &'a Node {
        &self.slot().value
    }

    pub fn as_element(&self) -> Option<&'a Element> {
        self.value().as_element()
    }

    pub fn parent(&self) -> Option<NodeRef<'a>> {
        self.at(self.slot().parent)
    }

    pub fn first_child(&self) -> Option<NodeRef<'a>> {
        self.at(self.slot().first_child)
    }

    pub fn next_sibling(&self) -> Option<NodeRef<'a>> {
        self.at(self.slot().next_sibling)
    }

    /// The parent, its parent, and so on up to the root.
    pub fn ancestors(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.parent(), NodeRef::parent)
    }

    pub fn children(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.first_child(), NodeRef::next_sibling)
    }

    /// The child elements.
    pub fn child_elements(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        self.children().filter(|c| c.as_element().is_some())
    }

    /// The walk of this node and all it holds, each node opened and closed.
    pub fn traverse(&self) -> Traverse<'a> {
        Traverse {
            root: *self,
            next: Some(Edge::Open(*self)),
        }
    }

    /// This node and all it holds, in document order.
    pub fn descendants(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        self.traverse().filter_map(|edge| match edge {
            Edge::Open(node) => Some(node),
            Edge::Close(_) => None,
        })
    }

    /// The text of this node and all it holds, piece by piece.
    pub fn text(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.descendants().filter_map(|node| match node.value() {
            Node::Text(text) => Some(&**text),
            _ => None,
        })
    }
}

/// The walk [`NodeRef::traverse`] makes; iterative, so no nesting exhausts the stack.
pub struct Traverse<'a> {
    root: NodeRef<'a>,
    next: Option<Edge<'a>>,
}

impl<'a> Iterator for Traverse<'a> {
    type Item = Edge<'a>;

    fn next(&mut self) -> Option<Edge<'a>> {
        let edge = self.next.take()?;
        self.next = match edge {
            Edge::Open(node) => Some(match node.first_child() {
                Some(child) => Edge::Open(child),
                None => Edge::Close(node),
            }),
            Edge::Close(node) if node == self.root => None,
            Edge::Close(node) => match node.next_sibling() {
                Some(sibling) => Some(Edge::Open(sibling)),
                None => node.parent().map(Edge::Close),
            },
        };
        Some(edge)
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn the_copy_keeps_order_links_text_and_attributes() {
        let tree = parse::fragment(
            "<p class=\"a b\" id=x>One <b>two</b></p><!-- note --><template><i>in</i></template>tail",
        );
        let names: Vec<&str> = tree.elements().map(|(_, e)| e.name()).collect();
        assert_eq!(names, ["html", "p", "b", "template", "i"]);
        let (p, element) = tree.elements().find(|(_, e)| e.name() == "p").unwrap();
        assert!(element.has_class("b") && !element.has_class("a b"));
        assert_eq!(element.attr("id"), Some("x"));
        assert_eq!(p.text().collect::<String>(), "One two");
        assert_eq!(tree.root().text().collect::<String>(), "One twointail");
        let b = p.child_elements().next().unwrap();
        assert_eq!(b.parent(), Some(p));
        assert_eq!(b.ancestors().count(), 3);
        // Ids are document order, and a walk closes what it opens.
        let ids: Vec<NodeId> = tree.root().descendants().map(|n| n.id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ids.len(), tree.nodes().count());
        let (mut open, mut depth) = (0, 0usize);
        for edge in p.traverse() {
            match edge {
                Edge::Open(_) => {
                    open += 1;
                    depth += 1;
                }
                Edge::Close(_) => depth -= 1,
            }
        }
        assert_eq!((open, depth), (4, 0));
    }

    #[test]
    fn what_a_noscript_holds_is_left_out_as_markup_or_raw_text() {
        let html = "<p>Tide</p><noscript><p>Enable scripts</p><img src=a.png></noscript>";
        let (page, parsed) = parse::document(html);
        // dom_smoothie's document has the markup; herald's copy has an empty element.
        assert_eq!(parsed.select("noscript p").length(), 1);
        for tree in [page, parse::fragment(html)] {
            assert_eq!(tree.root().text().collect::<String>(), "Tide");
            let noscript = tree.elements().find(|(_, e)| e.name() == "noscript");
            assert!(noscript.is_some_and(|(n, _)| n.first_child().is_none()));
        }
    }
}
