//! RSS 0.9x/1.0/2.0, Atom and JSON Feed documents to articles, through feed-rs; item
//! bodies are HTML and become the reader's structured text.

use anyhow::{Context, Result, anyhow};

use super::{clean, html};
use crate::model::{NewArticle, Published};

/// A parsed feed: its own title and its items as articles.
#[derive(Debug)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub articles: Vec<NewArticle>,
    /// Items past `MAX_ITEMS`, left out.
    pub dropped: usize,
}

/// The most items taken from one feed document; feeds list their newest first.
pub const MAX_ITEMS: usize = 20_000;

/// Text that may be HTML (titles often are) as plain text.
fn plain(text: &str) -> String {
    if text.contains('<') || text.contains('&') {
        clean(&html::to_text(text).paragraphs.join(" "))
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
    let bytes = without_declaration(text).as_bytes();
    let feed = crate::panics::contain(|| feed_rs::parser::parse(bytes))
        .map_err(|panic| {
            anyhow!("not a feed herald can read: the feed parser failed on it ({panic})")
        })?
        .context("not a feed herald can read")?;
    let title = feed
        .title
        .as_ref()
        .map(|t| plain(&t.content))
        .filter(|t| !t.is_empty());
    let source = source
        .map(str::to_owned)
        .or_else(|| title.clone())
        .unwrap_or_else(|| "Feed".to_owned());
    let dropped = feed.entries.len().saturating_sub(MAX_ITEMS);
    let articles = feed
        .entries
        .into_iter()
        .take(MAX_ITEMS)
        .filter_map(|entry| {
            let body = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
                .unwrap_or_default();
            let converted = html::to_text(&body);
            let url = entry.links.first().map(|l| l.href.trim().to_owned());
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
                read: false,
                starred: false,
            })
        })
        .collect();
    Ok(ParsedFeed {
        title,
        articles,
        dropped,
    })
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
        crate::panics::silence_contained();
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
            let from_disk = parse_text(&crate::import::decode::decode(&bytes).text, None).unwrap();
            assert_eq!(from_disk.articles[0].title, fetched.articles[0].title);
        }
    }
}
