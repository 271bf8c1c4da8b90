//! The enclosures of a feed's items. RSS `<enclosure>`, Media RSS `media:content` (with
//! iTunes' `itunes:duration`) and Atom's `<link rel="enclosure">` come from feed-rs's
//! model; JSON Feed `attachments` are read here, because feed-rs refuses a whole feed
//! over one attachment it cannot type (a size of `-1` or `99999999999999999999999`, a
//! missing `mime_type`) and drops `duration_in_seconds`.

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::domain::enclosure::{self, Enclosure, MAX_ENCLOSURES};

mod xml;

pub use xml::{itunes_durations, trim_xml_enclosures};

/// The enclosures feed-rs found in one entry, in the document's order, with `seconds`
/// (the item's `itunes:duration`) for those that give no duration of their own: at most
/// one past [`MAX_ENCLOSURES`], so that `limits::cap` can say it cut the list.
pub fn of_entry(entry: &feed_rs::model::Entry, seconds: Option<u64>) -> Vec<Enclosure> {
    let mut found = Vec::new();
    // iTunes gives the episode's duration on the item, not on its enclosure.
    let item_seconds = entry
        .media
        .iter()
        .find_map(|m| m.duration)
        .or(seconds.map(std::time::Duration::from_secs));
    for object in &entry.media {
        for content in &object.content {
            if found.len() > MAX_ENCLOSURES {
                return found;
            }
            let Some(url) = &content.url else { continue };
            let seconds = content.duration.or(object.duration).or(item_seconds);
            found.extend(Enclosure::checked(
                url.as_str(),
                content.content_type.as_ref().map(|m| m.as_str()),
                content.size,
                seconds.map(|d| d.as_secs()),
            ));
        }
    }
    for link in &entry.links {
        if found.len() > MAX_ENCLOSURES {
            break;
        }
        if is_enclosure(link) {
            found.extend(Enclosure::checked(
                &link.href,
                link.media_type.as_deref(),
                link.length,
                None,
            ));
        }
    }
    found
}

/// Whether a link of an entry is an Atom enclosure rather than the article's address.
pub fn is_enclosure(link: &feed_rs::model::Link) -> bool {
    link.rel
        .as_deref()
        .is_some_and(|rel| rel.trim().eq_ignore_ascii_case("enclosure"))
}

/// A JSON Feed with attachments: the document with them hidden from feed-rs (their key
/// overwritten in place) and each item's attachments as enclosures, by the item's place
/// in `items`. `None` when the document is not JSON or has no attachments, and it goes
/// to feed-rs as it is. Read item by item with no model of the whole document: past
/// [`MAX_ENCLOSURES`] (and one more, so the cap can say so) an item's attachments are
/// skipped unread.
pub fn json_attachments(document: &[u8]) -> Option<(Vec<u8>, Vec<Vec<Enclosure>>)> {
    let first = document.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' || !document.windows(11).any(|w| w == b"attachments") {
        return None;
    }
    let found = serde_json::from_slice::<JsonDocument>(document)
        .map(|d| d.items.into_iter().map(|i| i.attachments.0).collect())
        .unwrap_or_default();
    let mut hidden = document.to_vec();
    hide_keys(&mut hidden, "attachments");
    Some((hidden, found))
}

/// The part of a JSON Feed read here: nothing but each item's attachments.
#[derive(Deserialize)]
struct JsonDocument {
    #[serde(default)]
    items: Vec<JsonItem>,
}

#[derive(Deserialize)]
struct JsonItem {
    #[serde(default)]
    attachments: Attachments,
}

/// An item's attachments, at most one past the cap; anything but a list is none.
#[derive(Default)]
struct Attachments(Vec<Enclosure>);

impl<'de> Deserialize<'de> for Attachments {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AttachmentsVisitor)
    }
}

struct AttachmentsVisitor;

impl<'de> Visitor<'de> for AttachmentsVisitor {
    type Value = Attachments;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of attachments")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attachments, A::Error> {
        let mut kept = Vec::new();
        while kept.len() <= MAX_ENCLOSURES {
            match seq.next_element::<Value>()? {
                Some(value) => kept.extend(attachment(&value)),
                None => return Ok(Attachments(kept)),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Attachments(kept))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attachments, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Attachments::default())
    }

    fn visit_bool<E>(self, _: bool) -> Result<Attachments, E> {
        Ok(Attachments::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<Attachments, E> {
        Ok(Attachments::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<Attachments, E> {
        Ok(Attachments::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<Attachments, E> {
        Ok(Attachments::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<Attachments, E> {
        Ok(Attachments::default())
    }

    fn visit_unit<E>(self) -> Result<Attachments, E> {
        Ok(Attachments::default())
    }
}

/// Overwrites every object key of `document` that reads `name` with underscores, the
/// same length, so a parser that looks for `name` finds nothing and the rest of the
/// document stays byte for byte. A byte scanner: it tracks strings and nothing else.
fn hide_keys(document: &mut [u8], name: &str) {
    let mut at = 0;
    while at < document.len() {
        if document[at] != b'"' {
            at += 1;
            continue;
        }
        let start = at;
        let mut escaped = false;
        let mut has_escape = false;
        at += 1;
        while at < document.len() {
            match document[at] {
                _ if escaped => escaped = false,
                b'\\' => {
                    escaped = true;
                    has_escape = true;
                }
                b'"' => break,
                _ => {}
            }
            at += 1;
        }
        if at >= document.len() {
            break;
        }
        let end = at;
        at += 1;
        let is_key = document[at..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':');
        if !is_key {
            continue;
        }
        let raw = &document[start..=end];
        let matches = &raw[1..raw.len() - 1] == name.as_bytes()
            || (has_escape && serde_json::from_slice::<String>(raw).is_ok_and(|k| k == name));
        if matches {
            document[start + 1..end].fill(b'_');
        }
    }
}

/// One JSON Feed attachment, read leniently: a field of the wrong kind is unknown.
fn attachment(value: &Value) -> Option<Enclosure> {
    lenient(
        value,
        ["url", "mime_type", "size_in_bytes", "duration_in_seconds"],
    )
}

/// One enclosure as `herald export` and `show --json` write it: `{url, type, bytes,
/// seconds}`, read as leniently as an attachment.
pub fn exported(value: &Value) -> Option<Enclosure> {
    lenient(value, ["url", "type", "bytes", "seconds"])
}

/// An enclosure from the object `value` with its address, type, size and duration
/// under the keys `keys`; a field of the wrong kind is unknown.
fn lenient(value: &Value, keys: [&str; 4]) -> Option<Enclosure> {
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    let count = |key: &str| match value.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1e18)
                .map(|f| f.round() as u64)
        }),
        Value::String(s) => enclosure::number(s),
        _ => None,
    };
    Enclosure::checked(
        text(keys[0])?,
        text(keys[1]),
        count(keys[2]),
        count(keys[3]),
    )
}

#[cfg(test)]
mod tests {
    use crate::domain::import::feed::parse;
    use crate::domain::import::limits::cap;

    #[test]
    fn rss_enclosures_with_itunes_durations_and_media_content() {
        let rss = r#"<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
  xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Harbour Radio</title>
<item><guid>ep1</guid><title>Episode one</title><link>https://radio.example/ep1</link>
<enclosure url="https://radio.example/ep1.mp3" length="12345678" type="audio/mpeg"/>
<itunes:duration>1:02:03</itunes:duration></item>
<item><guid>ep2</guid><title>Episode two</title>
<enclosure url="https://radio.example/ep2.mp3" length="99999999999999999999999" type="audio/mpeg"/>
<enclosure url="file:///etc/passwd" length="1" type="audio/mpeg"/>
<enclosure url="https://radio.example/ep2.ogg" length="-4" type="nonsense"/>
<itunes:duration>an hour</itunes:duration></item>
<item><guid>v1</guid><title>Video</title>
<media:content url="https://radio.example/v1.mp4" type="video/mp4" fileSize="2048" duration="95"/>
</item></channel></rss>"#;
        let feed = parse(rss.as_bytes(), None).unwrap();
        let one = &feed.articles[0].enclosures;
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].url, "https://radio.example/ep1.mp3");
        assert_eq!(one[0].mime.as_deref(), Some("audio/mpeg"));
        assert_eq!(
            (one[0].bytes, one[0].seconds),
            (Some(12_345_678), Some(3723))
        );
        assert_eq!(
            feed.articles[0].url.as_deref(),
            Some("https://radio.example/ep1")
        );
        let two = &feed.articles[1].enclosures;
        let urls: Vec<&str> = two.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://radio.example/ep2.mp3",
                "https://radio.example/ep2.ogg"
            ]
        );
        assert!(two.iter().all(|e| e.bytes.is_none() && e.seconds.is_none()));
        assert_eq!(two[1].mime, None);
        let video = &feed.articles[2].enclosures;
        assert_eq!(video.len(), 1);
        assert_eq!(video[0].mime.as_deref(), Some("video/mp4"));
        assert_eq!(video[0].seconds, Some(95));
    }

    #[test]
    fn atom_enclosure_links_are_enclosures_not_the_articles_address() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Quay</title><id>urn:q</id>
<entry><id>urn:q1</id><title>Tide talk</title>
<link rel="enclosure" href="https://quay.example/t.ogg" type="audio/ogg" length="4096"/>
<link rel="alternate" href="https://quay.example/t"/>
<link rel="enclosure" href="https://quay.example/t.opus" length="lots"/></entry></feed>"#;
        let feed = parse(atom.as_bytes(), None).unwrap();
        let a = &feed.articles[0];
        assert_eq!(a.url.as_deref(), Some("https://quay.example/t"));
        assert_eq!(a.enclosures.len(), 2);
        assert_eq!(a.enclosures[0].mime.as_deref(), Some("audio/ogg"));
        assert_eq!(a.enclosures[0].bytes, Some(4096));
        assert_eq!(a.enclosures[1].url, "https://quay.example/t.opus");
        assert_eq!(a.enclosures[1].bytes, None);
    }

    #[test]
    fn json_feed_attachments_even_odd_ones_do_not_sink_the_feed() {
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Pier Cast",
            "items": [
              {"id": "p1", "title": "One", "url": "https://pier.example/1",
               "attachments": [{"url": "https://pier.example/1.m4a", "mime_type": "audio/x-m4a",
                 "size_in_bytes": 2000000, "duration_in_seconds": 61.4}]},
              {"id": "p2", "title": "Two", "content_text": "x",
               "attachments": [{"url": "https://pier.example/2.mp3",
                 "size_in_bytes": 99999999999999999999999, "duration_in_seconds": -3},
                 {"url": "https://pier.example/2b.mp3", "mime_type": 7, "size_in_bytes": "12"},
                 {"mime_type": "audio/mpeg"}, "junk"]},
              {"id": "p3", "title": "Three", "attachments": "not a list"}]}"#;
        let feed = parse(json.as_bytes(), None).unwrap();
        assert_eq!(feed.articles.len(), 3);
        let one = &feed.articles[0].enclosures;
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].mime.as_deref(), Some("audio/x-m4a"));
        assert_eq!((one[0].bytes, one[0].seconds), (Some(2_000_000), Some(61)));
        assert_eq!(
            feed.articles[0].url.as_deref(),
            Some("https://pier.example/1")
        );
        let two = &feed.articles[1].enclosures;
        assert_eq!(two.len(), 2);
        assert_eq!(
            (two[0].bytes, two[0].seconds, two[0].mime.as_ref()),
            (None, None, None)
        );
        assert_eq!(two[1].bytes, Some(12));
        assert!(feed.articles[2].enclosures.is_empty());
    }

    /// 100,000 enclosures in one item, each address a megabyte long, or a mere few:
    /// the article keeps 32 with a warning, the long ones none.
    #[test]
    fn a_hundred_thousand_enclosures_keep_the_first_thirty_two() {
        let mut rss = String::from(
            "<rss version=\"2.0\"><channel><title>Flood</title><item><guid>f</guid><title>Flood</title>",
        );
        for i in 0..100_000 {
            rss.push_str(&format!(
                "<enclosure url=\"https://f.example/{i}.mp3\" length=\"{i}\" type=\"audio/mpeg\"/>"
            ));
        }
        rss.push_str("</item><item><guid>g</guid><title>Long</title>");
        let long = format!("https://f.example/{}", "a".repeat(1 << 20));
        rss.push_str(&format!("<enclosure url=\"{long}\" type=\"audio/mpeg\"/>"));
        rss.push_str("</item></channel></rss>");
        let mut feed = parse(rss.as_bytes(), None).unwrap();
        let warnings = cap(&mut feed.articles[0]);
        assert_eq!(feed.articles[0].enclosures.len(), 32);
        assert_eq!(
            feed.articles[0].enclosures[31].url,
            "https://f.example/31.mp3"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w == "more than 32 enclosures; kept the first 32"),
            "{warnings:?}"
        );
        assert!(feed.articles[1].enclosures.is_empty());
    }

    #[test]
    fn attachment_keys_are_hidden_in_place_and_only_keys() {
        let mut doc = br#"{"attachments": 1, "x": "attachments", "a\u0074tachments" : [], "y": ["attachments"], "z": "unterminated"#.to_vec();
        let before = doc.len();
        super::hide_keys(&mut doc, "attachments");
        let text = String::from_utf8(doc).unwrap();
        assert_eq!(text.len(), before);
        assert_eq!(
            text,
            r#"{"___________": 1, "x": "attachments", "________________" : [], "y": ["attachments"], "z": "unterminated"#
        );
    }

    /// 100,000 attachments in one item are read one at a time and skipped past the cap,
    /// so memory is the document's and a few enclosures.
    #[test]
    fn a_flood_of_attachments_is_skipped_not_modelled() {
        let many: Vec<String> = (0..100_000)
            .map(|i| {
                format!(
                    "{{\"url\": \"https://f.example/{i}.m4a\", \"mime_type\": \"audio/x-m4a\"}}"
                )
            })
            .collect();
        let doc = format!(
            "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"F\", \
             \"items\": [{{\"id\": \"1\", \"title\": \"One\", \"attachments\": [{}]}}]}}",
            many.join(",")
        );
        let (hidden, found) = super::json_attachments(doc.as_bytes()).unwrap();
        assert_eq!(hidden.len(), doc.len());
        assert_eq!(found[0].len(), 33, "one past the cap, for the warning");
        let mut feed = parse(doc.as_bytes(), None).unwrap();
        assert!(!cap(&mut feed.articles[0]).is_empty());
        assert_eq!(feed.articles[0].enclosures.len(), 32);
    }
}
