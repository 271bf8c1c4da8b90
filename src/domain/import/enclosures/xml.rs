//! The XML side of enclosures, read before feed-rs sees the document: each item's
//! `itunes:duration` (which feed-rs keeps only beside other iTunes elements), and
//! enclosures past the cap cut out, as items past theirs are (`feed::trim_items`), since
//! feed-rs builds a model of every one.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

use crate::domain::enclosure;

const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";

fn is_item(name: &str) -> bool {
    name.eq_ignore_ascii_case("item") || name.eq_ignore_ascii_case("entry")
}

fn contains(document: &[u8], needle: &str) -> bool {
    document
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Each item's `itunes:duration`, by the item's place in the document; empty when the
/// document does not use the iTunes namespace. feed-rs reads the element but keeps it
/// only beside other iTunes elements of the item, so herald reads it itself.
pub fn itunes_durations(document: &[u8]) -> Vec<Option<u64>> {
    if !contains(document, ITUNES) {
        return Vec::new();
    }
    let mut reader = quick_xml::NsReader::from_reader(document);
    // As feed-rs and the item trimmer set it, so the three agree on where items end.
    reader.config_mut().trim_markup_names_in_closing_tags = true;
    let mut durations = Vec::new();
    let mut depth = 0usize;
    let mut item_depth: Option<usize> = None;
    let mut text: Option<String> = None;
    loop {
        match reader.read_resolved_event() {
            Err(_) | Ok((_, Event::Eof)) => break,
            Ok((ns, Event::Start(e))) => {
                depth += 1;
                if item_depth.is_none() && is_item(e.local_name().as_ref()) {
                    item_depth = Some(depth);
                    durations.push(None);
                } else if item_depth == Some(depth - 1)
                    && e.local_name().as_ref() == "duration"
                    && matches!(ns, ResolveResult::Bound(Namespace(n)) if n == ITUNES)
                {
                    text = Some(String::new());
                }
            }
            Ok((_, Event::Empty(e)))
                if item_depth.is_none() && is_item(e.local_name().as_ref()) =>
            {
                durations.push(None);
            }
            Ok((_, Event::Text(t))) => {
                if let Some(text) = text.as_mut().filter(|t| t.len() < 64) {
                    text.push_str(&t.xml10_content());
                }
            }
            Ok((_, Event::End(_))) => {
                if let (Some(read), Some(last)) = (text.take(), durations.last_mut()) {
                    *last = enclosure::duration(&read);
                }
                if item_depth == Some(depth) {
                    item_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    durations
}

/// An element of an item that feed-rs makes an enclosure of: RSS `<enclosure>`, Media
/// RSS `<media:content>`, Atom `<link rel="enclosure">`.
fn is_enclosure(ns: &ResolveResult<'_>, e: &BytesStart<'_>) -> bool {
    let local = e.local_name();
    match local.as_ref() {
        "enclosure" => true,
        "content" => matches!(ns, ResolveResult::Bound(Namespace(n)) if *n == MEDIA_RSS),
        "link" => e
            .try_get_attribute("rel")
            .ok()
            .flatten()
            .is_some_and(|rel| rel.value.trim().eq_ignore_ascii_case("enclosure")),
        _ => false,
    }
}

/// What one event was, owned, so the reader can be asked where it ended.
enum Seen {
    Open { item: bool, enclosure: bool },
    Empty { enclosure: bool },
    Close,
    Other,
    Done,
}

/// The XML feed `document` with each item's enclosures past the `max`-th cut out; `None`
/// when no item has more (the common case, told without parsing when the whole
/// document names enclosures `max` times or fewer). A document that is not
/// well-formed is cut no further than its error, where feed-rs stops too.
pub fn trim_xml_enclosures(document: &[u8], max: usize) -> Option<Vec<u8>> {
    let marks = ["enclosure", ":content"]
        .iter()
        .map(|m| {
            document
                .windows(m.len())
                .filter(|w| *w == m.as_bytes())
                .count()
        })
        .sum::<usize>();
    if marks <= max {
        return None;
    }
    let mut reader = quick_xml::NsReader::from_reader(document);
    reader.config_mut().trim_markup_names_in_closing_tags = true;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    // The item being read: its depth and its enclosures so far.
    let mut item: Option<(usize, usize)> = None;
    // An enclosure with content being cut: its depth and where it began.
    let mut cutting: Option<(usize, usize)> = None;
    loop {
        let start = reader.buffer_position() as usize;
        let seen = match reader.read_resolved_event() {
            Err(_) | Ok((_, Event::Eof)) => Seen::Done,
            Ok((ns, Event::Start(e))) => Seen::Open {
                item: is_item(e.local_name().as_ref()),
                enclosure: is_enclosure(&ns, &e),
            },
            Ok((ns, Event::Empty(e))) => Seen::Empty {
                enclosure: is_enclosure(&ns, &e),
            },
            Ok((_, Event::End(_))) => Seen::Close,
            Ok(_) => Seen::Other,
        };
        let end = reader.buffer_position() as usize;
        match seen {
            Seen::Done => break,
            Seen::Open {
                item: is,
                enclosure,
            } => {
                depth += 1;
                match (&mut item, cutting) {
                    (_, Some(_)) => {}
                    (None, None) if is => item = Some((depth, 0)),
                    (Some((_, count)), None) if enclosure => {
                        *count += 1;
                        if *count > max {
                            cutting = Some((depth, start));
                        }
                    }
                    _ => {}
                }
            }
            Seen::Empty { enclosure } => {
                if let (Some((_, count)), None, true) = (&mut item, cutting, enclosure) {
                    *count += 1;
                    if *count > max {
                        cuts.push((start, end));
                    }
                }
            }
            Seen::Close => {
                if let Some((at, from)) = cutting
                    && at == depth
                {
                    cuts.push((from, end));
                    cutting = None;
                }
                if item.is_some_and(|(at, _)| at == depth) {
                    item = None;
                }
                depth = depth.saturating_sub(1);
            }
            Seen::Other => {}
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(document.len());
    let mut kept_from = 0;
    for (from, to) in cuts {
        out.extend_from_slice(&document[kept_from..from]);
        kept_from = to;
    }
    out.extend_from_slice(&document[kept_from..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enclosures_past_the_cap_are_cut_per_item_and_the_rest_kept() {
        let mut doc = String::from(
            "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel>\
             <title>T</title>",
        );
        for item in 0..2 {
            doc.push_str(&format!("<item><guid>{item}</guid><title>I{item}</title>"));
            for i in 0..5 {
                doc.push_str(&format!(
                    "<enclosure url=\"https://e.example/{item}/{i}\"/>"
                ));
                doc.push_str(&format!(
                    "<media:content url=\"https://m.example/{item}/{i}\"><media:title>x</media:title></media:content>"
                ));
            }
            doc.push_str("<description>kept</description></item>");
        }
        doc.push_str("<link>https://t.example/</link></channel></rss>");
        let cut = String::from_utf8(trim_xml_enclosures(doc.as_bytes(), 3).unwrap()).unwrap();
        for item in 0..2 {
            // The first three of each item, whichever kind.
            assert!(cut.contains(&format!("https://e.example/{item}/1\"")));
            assert!(cut.contains(&format!("https://m.example/{item}/0\"")));
            assert!(!cut.contains(&format!("https://m.example/{item}/1\"")));
            assert!(!cut.contains(&format!("https://e.example/{item}/2\"")));
        }
        assert_eq!(cut.matches("<description>kept</description>").count(), 2);
        assert!(cut.ends_with("<link>https://t.example/</link></channel></rss>"));
        let feed = feed_rs::parser::parse(cut.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 2);
        // Few enough: left alone without a parse.
        assert_eq!(trim_xml_enclosures(doc.as_bytes(), 20), None);
    }

    #[test]
    fn atom_enclosure_links_are_cut_and_other_links_kept() {
        let mut doc = String::from("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>a</id>");
        for i in 0..4 {
            doc.push_str(&format!(
                "<link rel=\"enclosure\" href=\"https://e.example/{i}\"/>"
            ));
        }
        doc.push_str("<link rel=\"alternate\" href=\"https://a.example/\"/></entry></feed>");
        let cut = String::from_utf8(trim_xml_enclosures(doc.as_bytes(), 2).unwrap()).unwrap();
        assert!(cut.contains("https://e.example/1") && !cut.contains("https://e.example/2"));
        assert!(cut.contains("https://a.example/"));
    }
}
