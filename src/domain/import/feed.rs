//! RSS 0.9x/1.0/2.0, Atom and JSON Feed documents to articles, through feed-rs; item
//! bodies are HTML and become the reader's structured text.

use std::borrow::Cow;

use anyhow::{Context, Result, anyhow};

use super::html;
use super::tidy::clean;
use crate::domain::model::{NewArticle, Published};

/// A parsed feed: its own title and its items as articles.
#[derive(Debug)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// The feed's own link (its site or its address), which tells one feed document
    /// from another.
    pub link: Option<String>,
    pub articles: Vec<NewArticle>,
    /// Items past `MAX_ITEMS`, left out.
    pub dropped: usize,
    /// Items in the document, those left out and those without a title included.
    pub items: usize,
}

/// The most items taken from one feed document; feeds list their newest first.
pub const MAX_ITEMS: usize = 20_000;

/// Text that may be HTML (titles often are) as plain text. A link in it stays numbered,
/// with its address after the text, as plain text shows links.
fn plain(text: &str) -> String {
    if text.contains('<') || text.contains('&') {
        let converted = html::to_text(text);
        let mut words = converted.paragraphs;
        words.extend(crate::domain::model::link_list(&converted.links));
        clean(&words.join(" "))
    } else {
        clean(text)
    }
}

/// Parses a feed document as fetched: its bytes are decoded as a file's are (byte order
/// mark, declared character set, UTF-8, else Windows-1252) and then read as text, so a
/// feed reads the same over HTTP and from disk.
pub fn parse(bytes: &[u8], source: Option<&str>) -> Result<ParsedFeed> {
    parse_text(&super::decode::decode(bytes).text, source)
}

/// Parses a feed document already decoded. `source` names the articles' source when
/// given (a subscription's name); otherwise the feed's own title does.
pub fn parse_text(text: &str, source: Option<&str>) -> Result<ParsedFeed> {
    let trimmed = trim_items(without_declaration(text).as_bytes(), MAX_ITEMS);
    let Trimmed {
        bytes,
        items: trimmed_items,
    } = trimmed;
    // A JSON Feed's attachments are read apart, and feed-rs gets the rest.
    let (document, mut attachments) = match super::enclosures::json_attachments(&bytes) {
        Some((document, attachments)) => {
            drop(bytes);
            (Cow::Owned(document), attachments)
        }
        None => (bytes, Vec::new()),
    };
    // Enclosures past the cap (and one more, so the cap can say so) never reach feed-rs.
    let document = match super::enclosures::trim_xml_enclosures(
        &document,
        crate::domain::enclosure::MAX_ENCLOSURES + 1,
    ) {
        Some(cut) => Cow::Owned(cut),
        None => document,
    };
    let durations = super::enclosures::itunes_durations(&document);
    let thumbnails = super::lead_image::thumbnails(&document);
    let feed = crate::domain::panics::contain(|| feed_rs::parser::parse(&document[..]))
        .map_err(|panic| {
            anyhow!("not a feed herald can read: the feed parser failed on it ({panic})")
        })?
        .context("not a feed herald can read")?;
    let title = feed
        .title
        .as_ref()
        .map(|t| plain(&t.content))
        .filter(|t| !t.is_empty());
    let link = feed
        .links
        .iter()
        .map(|l| l.href.trim())
        .find(|l| !l.is_empty())
        .map(str::to_owned);
    let source = source
        .map(str::to_owned)
        .or_else(|| title.clone())
        .unwrap_or_else(|| "Feed".to_owned());
    drop(document);
    // The count the scan made, unless feed-rs found more (it knows more of the formats).
    let items = trimmed_items.max(feed.entries.len());
    let dropped = items.saturating_sub(MAX_ITEMS);
    let articles = feed
        .entries
        .into_iter()
        .take(MAX_ITEMS)
        .enumerate()
        .filter_map(|(at, entry)| {
            let body = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
                .unwrap_or_default();
            let mut converted = html::to_text(&body);
            let thumbnail = thumbnails.get(at).cloned().flatten();
            super::lead_image::add(
                &entry,
                thumbnail,
                &mut converted.paragraphs,
                &mut converted.links,
            );
            // The article's address: its first link that is not an enclosure.
            let url = entry
                .links
                .iter()
                .find(|l| !super::enclosures::is_enclosure(l))
                .or(entry.links.first())
                .map(|l| l.href.trim().to_owned());
            let seconds = durations.get(at).copied().flatten();
            let mut enclosures = super::enclosures::of_entry(&entry, seconds);
            enclosures.extend(
                attachments
                    .get_mut(at)
                    .map(std::mem::take)
                    .unwrap_or_default(),
            );
            let title = entry
                .title
                .as_ref()
                .map(|t| plain(&t.content))
                .filter(|t| !t.is_empty())
                .or_else(|| {
                    converted
                        .paragraphs
                        .first()
                        .map(|p| p.chars().take(80).collect())
                })?;
            let published = entry
                .published
                .or(entry.updated)
                .and_then(|d| jiff::Timestamp::from_second(d.timestamp()).ok())
                .map(|instant| Published {
                    instant,
                    offset: Some(jiff::tz::Offset::UTC),
                });
            let summary = entry
                .summary
                .as_ref()
                .filter(|_| entry.content.is_some())
                .map(|s| plain(&s.content))
                .filter(|s| !s.is_empty());
            Some(NewArticle {
                guid: Some(entry.id).filter(|id| !id.trim().is_empty()),
                source: source.clone(),
                title,
                authors: entry
                    .authors
                    .iter()
                    .filter_map(|p| p.name.as_deref().map(clean))
                    .filter(|n| !n.is_empty())
                    .collect(),
                published,
                url: url.filter(|u| !u.is_empty()),
                summary,
                paragraphs: converted.paragraphs,
                links: converted.links,
                enclosures,
                read: false,
                starred: false,
            })
        })
        .collect();
    Ok(ParsedFeed {
        title,
        link,
        articles,
        dropped,
        items,
    })
}

/// A feed document with the items past a cap cut out, and how many items it had.
#[derive(Debug)]
pub struct Trimmed<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// Items in the whole document, the cut ones included.
    pub items: usize,
}

/// Cuts every item past the `max`-th out of a feed document, leaving the rest of it (the
/// channel's own elements, the closing tags) as it was.
///
/// feed-rs builds its whole model before herald can cap anything, at about a kilobyte per
/// item however small the item: 16 MiB of `<item></item>` became 1.3 million entries and a
/// gigabyte. This pass keeps nothing but positions, so feed-rs never sees more than `max`
/// items and one feed costs a small multiple of its bytes.
pub fn trim_items(bytes: &[u8], max: usize) -> Trimmed<'_> {
    // feed-rs's own test: the first `<` or `{` in its first buffer (8 KiB) tells XML from JSON.
    let json = bytes
        .iter()
        .take(8 * 1024)
        .find(|b| **b == b'<' || **b == b'{')
        == Some(&b'{');
    let (cuts, items) = if json {
        json_item_cuts(bytes, max)
    } else {
        xml_item_cuts(bytes, max)
    };
    if cuts.is_empty() {
        return Trimmed {
            bytes: Cow::Borrowed(bytes),
            items,
        };
    }
    let mut out = Vec::new();
    let mut kept_from = 0;
    for (from, to) in cuts {
        out.extend_from_slice(&bytes[kept_from..from]);
        kept_from = to;
    }
    out.extend_from_slice(&bytes[kept_from..]);
    Trimmed {
        bytes: Cow::Owned(out),
        items,
    }
}

/// Byte ranges to leave out (items past the `max`-th, as runs: adjacent items make one
/// range) and how many items the document has. A document that is not well-formed XML
/// is cut at the error: feed-rs, on the same XML reader, would stop there too.
fn xml_item_cuts(bytes: &[u8], max: usize) -> (Vec<(usize, usize)>, usize) {
    use quick_xml::events::Event;
    let is_item =
        |name: &str| name.eq_ignore_ascii_case("item") || name.eq_ignore_ascii_case("entry");
    let mut reader = quick_xml::Reader::from_reader(bytes);
    // As feed-rs sets it, so both readers agree on where elements end.
    reader.config_mut().trim_markup_names_in_closing_tags = true;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut cut = |from: usize, to: usize| match cuts.last_mut() {
        // Only white space between two cut items: one range.
        Some(last) if bytes[last.1..from].iter().all(u8::is_ascii_whitespace) => last.1 = to,
        _ => cuts.push((from, to)),
    };
    let mut depth = 0usize;
    // The depth of the item being read, and where it started when it is to be cut.
    let mut open_item: Option<(usize, Option<usize>)> = None;
    let mut items = 0;
    loop {
        let start = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) => {
                if let Some((_, Some(from))) = open_item {
                    cut(from, bytes.len());
                } else if items > max {
                    cut(start, bytes.len());
                }
                break;
            }
        };
        let end = reader.buffer_position() as usize;
        match event {
            Event::Start(e) => {
                depth += 1;
                if open_item.is_none() && is_item(e.local_name().as_ref()) {
                    items += 1;
                    open_item = Some((depth, (items > max).then_some(start)));
                }
            }
            Event::Empty(e) if open_item.is_none() && is_item(e.local_name().as_ref()) => {
                items += 1;
                if items > max {
                    cut(start, end);
                }
            }
            Event::End(_) => {
                if let Some((item_depth, from)) = open_item
                    && item_depth == depth
                {
                    open_item = None;
                    if let Some(from) = from {
                        cut(from, end);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => {
                if let Some((_, Some(from))) = open_item {
                    cut(from, bytes.len());
                }
                break;
            }
            _ => {}
        }
    }
    (cuts, items)
}

/// As `xml_item_cuts` for a JSON Feed: the elements of the top-level object's `items`
/// array. A byte scanner, not a parser: it tracks strings and nesting and nothing else.
fn json_item_cuts(bytes: &[u8], max: usize) -> (Vec<(usize, usize)>, usize) {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0;
    // Inside the top-level object, whether the next string is a key, and whether the last
    // key read was `items`.
    let mut top_is_object = false;
    let mut expect_key = false;
    let mut key_is_items = false;
    let mut in_items = false;
    let mut element_open = false;
    let mut items = 0;
    let mut cut_from: Option<usize> = None;
    let mut cuts = Vec::new();
    for (at, &byte) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
                if depth == 1 && top_is_object && expect_key {
                    expect_key = false;
                    let raw = &bytes[string_start..=at];
                    key_is_items = raw == b"\"items\""
                        || (raw.contains(&b'\\')
                            && serde_json::from_slice::<String>(raw).is_ok_and(|k| k == "items"));
                }
            }
            continue;
        }
        if byte.is_ascii_whitespace() {
            continue;
        }
        if in_items && depth == 2 {
            match byte {
                b',' => {
                    element_open = false;
                    if items >= max && cut_from.is_none() {
                        cut_from = Some(at);
                    }
                }
                b']' => {
                    if let Some(from) = cut_from.take() {
                        cuts.push((from, at));
                    }
                }
                _ if !element_open => {
                    element_open = true;
                    items += 1;
                }
                _ => {}
            }
        }
        match byte {
            b'"' => {
                in_string = true;
                string_start = at;
            }
            b'{' | b'[' => {
                if depth == 0 && byte == b'{' {
                    top_is_object = true;
                    expect_key = true;
                }
                if depth == 1 && top_is_object && byte == b'[' && key_is_items {
                    in_items = true;
                    element_open = false;
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    in_items = false;
                    key_is_items = false;
                }
            }
            b',' if depth == 1 => {
                expect_key = true;
                key_is_items = false;
            }
            _ => {}
        }
    }
    if let Some(from) = cut_from {
        // The array never closed: the document is broken past this point anyway.
        cuts.push((from, bytes.len()));
    }
    (cuts, items)
}

/// `text` without its opening XML declaration. The text is decoded already; left in, a
/// declaration naming EUC-KR or UTF-16 would make feed-rs (quick-xml) decode the UTF-8
/// again in that set: mojibake, or an error. Without one, XML is UTF-8.
fn without_declaration(text: &str) -> &str {
    let trimmed = text.trim_start();
    if trimmed.starts_with("<?xml")
        && let Some(end) = trimmed.find("?>")
    {
        return &trimmed[end + 2..];
    }
    text
}

/// Whether `text` (the start of a file) is a feed rather than a web page.
pub fn looks_like_feed(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    head.contains("<rss")
        || head.contains("<feed")
        || head.contains("<rdf:rdf")
        || head.contains("jsonfeed.org/version")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_naming_another_encoding_midway_is_an_error_not_a_crash() {
        // feed-rs panics here (found by fuzzing); past quick-xml's first buffer, an XML
        // declaration asks to switch the decoder it has already committed to.
        let filler = "<item><title>Tide tables</title></item>\n".repeat(400);
        let doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n\
             <title>Harbour</title>\n{filler}<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n\
             </channel></rss>"
        );
        crate::domain::panics::silence_contained();
        let err = parse(doc.as_bytes(), None).expect_err("refused");
        let text = format!("{err:#}");
        assert!(text.starts_with("not a feed herald can read"), "{text}");
    }

    const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour &amp; Co</title>
<item><guid>h-1</guid><title>Night ferry</title><link>https://example.org/1</link>
<pubDate>Tue, 03 Dec 2024 18:09:00 +0900</pubDate><author>ana@example.org (Ana Lima)</author>
<description>&lt;p&gt;The &lt;b&gt;ferry&lt;/b&gt; sails.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;</description></item>
<item><title>No guid</title><link>https://example.org/2</link><description>Plain text body.</description></item>
</channel></rss>"#;

    #[test]
    fn rss_items_become_articles() {
        let feed = parse(RSS.as_bytes(), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Harbour & Co"));
        let a = &feed.articles[0];
        assert_eq!(a.guid.as_deref(), Some("h-1"));
        assert_eq!(a.source, "Harbour & Co");
        assert_eq!(a.paragraphs, ["The ferry sails.", "Second."]);
        assert_eq!(a.published.unwrap().instant.as_second(), 1_733_216_940);
        assert_eq!(a.url.as_deref(), Some("https://example.org/1"));
        assert_eq!(feed.articles[1].paragraphs, ["Plain text body."]);
        assert!(looks_like_feed(RSS));
    }

    #[test]
    fn an_items_links_are_data_and_a_titles_stay_in_its_text() {
        let rss = r#"<rss version="2.0"><channel><title>Quay</title><item><guid>q-1</guid>
<title type="html">Tide &lt;a href="https://example.org/t"&gt;tables&lt;/a&gt;</title>
<description>&lt;p&gt;See &lt;a href="https://example.org/m"&gt;the map&lt;/a&gt;.&lt;/p&gt;</description>
</item></channel></rss>"#;
        let feed = parse(rss.as_bytes(), None).unwrap();
        let a = &feed.articles[0];
        assert_eq!(a.paragraphs, ["See the map [1]."]);
        assert_eq!(a.links, ["https://example.org/m"]);
        assert_eq!(a.title, "Tide tables [1] Links: [1] https://example.org/t");
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Desk</title><id>urn:x</id><updated>2025-01-01T00:00:00Z</updated>
<entry><id>urn:a1</id><title type="html">Tram &lt;i&gt;news&lt;/i&gt;</title><updated>2025-01-02T10:00:00Z</updated>
<author><name>Bo Chen</name></author><link href="https://example.org/a1"/>
<content type="html">&lt;ul&gt;&lt;li&gt;One&lt;/li&gt;&lt;/ul&gt;</content></entry></feed>"#;
        let feed = parse(atom.as_bytes(), Some("My name")).unwrap();
        let a = &feed.articles[0];
        assert_eq!(a.title, "Tram news");
        assert_eq!(a.source, "My name");
        assert_eq!(a.authors, ["Bo Chen"]);
        assert_eq!(a.paragraphs, ["• One"]);
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Desk",
            "items": [{"id": "j1", "title": "Bridge", "content_html": "<p>Painted.</p>",
            "url": "https://example.org/j1", "date_published": "2025-02-01T08:00:00Z"}]}"#;
        assert!(looks_like_feed(json));
        let feed = parse(json.as_bytes(), None).unwrap();
        assert_eq!(feed.articles[0].paragraphs, ["Painted."]);
        assert_eq!(feed.articles[0].source, "JSON Desk");
    }

    /// An RSS 2.0 document of `n` items, with channel elements before and after them.
    fn rss_of(n: usize) -> String {
        let mut doc = String::from(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Pier</title>\n",
        );
        for i in 0..n {
            doc.push_str(&format!(
                "<item><guid>p{i}</guid><title>Tide {i}</title></item>\n"
            ));
        }
        doc.push_str("<link>https://example.org/pier</link></channel></rss>");
        doc
    }

    #[test]
    fn items_past_the_cap_never_reach_feed_rs() {
        let doc = rss_of(25);
        let trimmed = trim_items(doc.as_bytes(), 10);
        assert_eq!(trimmed.items, 25);
        let feed = feed_rs::parser::parse(&trimmed.bytes[..]).unwrap();
        assert_eq!(feed.entries.len(), 10);
        assert_eq!(feed.entries[9].id, "p9");
        // What follows the items is still there.
        assert_eq!(feed.links[0].href, "https://example.org/pier");
        assert!(trimmed.bytes.len() < doc.len() / 2);
    }

    #[test]
    fn a_feed_within_the_cap_is_passed_on_untouched() {
        let doc = rss_of(10);
        let trimmed = trim_items(doc.as_bytes(), 10);
        assert_eq!(trimmed.items, 10);
        assert!(matches!(trimmed.bytes, Cow::Borrowed(_)));
    }

    #[test]
    fn atom_rss_1_0_and_nested_names_are_counted_once_per_item() {
        let mut atom = String::from(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Quay</title><id>urn:q</id>",
        );
        for i in 0..7 {
            // An `<entry>` inside an entry's content is not an item of the feed.
            atom.push_str(&format!(
                "<entry><id>urn:q{i}</id><title>Q{i}</title><content type=\"xhtml\">\
                 <div xmlns=\"http://www.w3.org/1999/xhtml\"><entry/>x</div></content></entry>"
            ));
        }
        atom.push_str("<entry/><a:entry xmlns:a=\"http://www.w3.org/2005/Atom\"/></feed>");
        let trimmed = trim_items(atom.as_bytes(), 3);
        assert_eq!(trimmed.items, 9);
        let feed = feed_rs::parser::parse(&trimmed.bytes[..]).unwrap();
        assert_eq!(feed.entries.len(), 3);

        let mut rdf = String::from(
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" \
             xmlns=\"http://purl.org/rss/1.0/\"><channel rdf:about=\"x\"><title>Dock</title>\
             <link>https://example.org/</link><description>d</description></channel>",
        );
        for i in 0..6 {
            rdf.push_str(&format!(
                "<item rdf:about=\"https://example.org/{i}\"><title>D{i}</title>\
                 <link>https://example.org/{i}</link></item>"
            ));
        }
        rdf.push_str("</rdf:RDF>");
        let trimmed = trim_items(rdf.as_bytes(), 4);
        assert_eq!(trimmed.items, 6);
        let feed = feed_rs::parser::parse(&trimmed.bytes[..]).unwrap();
        assert_eq!(feed.entries.len(), 4);
    }

    #[test]
    fn json_feed_items_past_the_cap_are_cut_and_later_fields_kept() {
        let items: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    "{{\"id\": \"j{i}\", \"content_text\": \"a [bracket], {{brace}} \\\" {i}\"}}"
                )
            })
            .collect();
        let doc = format!(
            "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [ {} ],\n\
             \"title\": \"Late title\", \"x\": {{\"items\": [1, 2, 3]}}}}",
            items.join(", ")
        );
        let trimmed = trim_items(doc.as_bytes(), 5);
        assert_eq!(trimmed.items, 12);
        let feed = feed_rs::parser::parse(&trimmed.bytes[..]).unwrap();
        assert_eq!(feed.entries.len(), 5);
        assert_eq!(feed.entries[4].id, "j4");
        assert_eq!(feed.title.unwrap().content, "Late title");
        let empty = "{\"version\": \"https://jsonfeed.org/version/1\", \"items\": []}";
        assert_eq!(trim_items(empty.as_bytes(), 5).items, 0);
    }

    #[test]
    fn the_warning_counts_every_item_even_those_without_a_title() {
        let mut doc = String::from("<rss version=\"2.0\"><channel><title>T</title>");
        for _ in 0..(MAX_ITEMS + 3) {
            doc.push_str("<item></item>");
        }
        doc.push_str("</channel></rss>");
        let parsed = parse(doc.as_bytes(), None).unwrap();
        assert!(parsed.articles.is_empty());
        assert_eq!(parsed.items, MAX_ITEMS + 3);
        assert_eq!(parsed.dropped, 3);
    }

    #[test]
    fn malformed_feeds_are_errors() {
        assert!(parse(b"not a feed at all", None).is_err());
        assert!(parse(b"{\"version\": 3}", None).is_err());
    }

    #[test]
    fn fetched_bytes_decode_as_a_file_does() {
        // As fetched (`parse`, raw bytes): a declared set, UTF-16 with a mark, and an
        // undeclared Western feed in Windows-1252, which a file import reads as such.
        let doc = |decl: &str| {
            format!(
                "{decl}<rss version=\"2.0\"><channel><title>Kai</title><item><guid>k1</guid>\
                 <title>Nachtfähre fährt ab März</title></item></channel></rss>"
            )
        };
        let latin1 = encoding_rs::WINDOWS_1252
            .encode(&doc("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"))
            .0
            .into_owned();
        let undeclared = encoding_rs::WINDOWS_1252.encode(&doc("")).0.into_owned();
        let mut utf16 = vec![0xFE, 0xFF];
        for unit in doc("<?xml version=\"1.0\" encoding=\"UTF-16\"?>").encode_utf16() {
            utf16.extend_from_slice(&unit.to_be_bytes());
        }
        for bytes in [latin1, undeclared, utf16] {
            let fetched = parse(&bytes, None).unwrap();
            assert_eq!(fetched.articles[0].title, "Nachtfähre fährt ab März");
            let from_disk =
                parse_text(&crate::domain::import::decode::decode(&bytes).text, None).unwrap();
            assert_eq!(from_disk.articles[0].title, fetched.articles[0].title);
        }
    }
}
