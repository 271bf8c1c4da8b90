//! A Miniflux entry as an article: its id on the server is its guid (the outbox and the
//! reconciliation find it by that), its HTML converted and capped as every feed item's.

use crate::domain::import::{cap, clean, html};
use crate::domain::model::{NewArticle, Published};

use super::miniflux::Entry;

/// The article for `entry`, under the feed name `source`.
pub fn article(entry: &Entry, source: &str) -> NewArticle {
    let converted = html::to_text(&entry.content);
    let title = Some(plain(&entry.title))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            converted
                .paragraphs
                .first()
                .map(|p| p.chars().take(80).collect())
        })
        .unwrap_or_else(|| "(untitled)".to_owned());
    let author = plain(&entry.author);
    let mut article = NewArticle {
        guid: Some(entry.id.to_string()),
        source: source.to_owned(),
        title,
        authors: if author.is_empty() {
            Vec::new()
        } else {
            vec![author]
        },
        published: entry
            .published_at
            .as_deref()
            .and_then(|p| Published::parse_rfc3339(p).ok()),
        url: Some(entry.url.trim().to_owned()).filter(|u| !u.is_empty()),
        summary: None,
        paragraphs: converted.paragraphs,
        links: converted.links,
        read: entry.status == "read",
        starred: entry.starred,
        enclosures: entry
            .enclosures
            .iter()
            .flatten()
            .filter_map(|e| {
                crate::domain::enclosure::Enclosure::checked(
                    &e.url,
                    Some(&e.mime_type)
                        .filter(|m| !m.is_empty())
                        .map(String::as_str),
                    u64::try_from(e.size).ok(),
                    None,
                )
            })
            .collect(),
    };
    if let Some(warning) = crate::domain::enclosure::bound(&mut article.enclosures) {
        log::warn!("entry {}: {warning}", entry.id);
    }
    for warning in cap(&mut article) {
        log::warn!("entry {}: {warning}", entry.id);
    }
    article
}

/// A server's one-line text: control characters as spaces, white space folded.
fn plain(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    clean(&spaced)
}

/// When the entry last changed on the server (Unix seconds), if it says.
pub fn changed_at(entry: &Entry) -> Option<i64> {
    entry
        .changed_at
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(content: &str, title: &str) -> Entry {
        Entry {
            id: 42,
            feed_id: 3,
            status: "read".into(),
            title: title.into(),
            url: " https://example.org/a ".into(),
            author: "Ana\u{7}Lima".into(),
            content: content.into(),
            published_at: Some("2026-11-30T10:00:00+01:00".into()),
            changed_at: Some("2026-12-01T02:00:00.123456Z".into()),
            starred: true,
            enclosures: None,
        }
    }

    /// A server's enclosures are kept as a feed's are: http(s) only, a size that makes
    /// sense, at most the cap.
    #[test]
    fn enclosures_come_with_the_entry() {
        let mut e = entry("<p>Listen.</p>", "Cast");
        let cast = |url: &str, size: i64| super::super::miniflux::RemoteEnclosure {
            url: url.into(),
            mime_type: "audio/mpeg".into(),
            size,
        };
        let mut many = vec![
            cast("https://cast.example/1.mp3", 12_000_000),
            cast("javascript:alert(1)", 5),
            cast("https://cast.example/2.mp3", -4),
        ];
        many.extend((0..100).map(|i| cast(&format!("https://cast.example/x{i}.mp3"), 1)));
        e.enclosures = Some(many);
        let a = article(&e, "Wire");
        assert_eq!(a.enclosures[0].url, "https://cast.example/1.mp3");
        assert_eq!(a.enclosures[0].bytes, Some(12_000_000));
        assert_eq!(a.enclosures[1].url, "https://cast.example/2.mp3");
        assert_eq!(a.enclosures[1].bytes, None);
        assert_eq!(a.enclosures.len(), crate::domain::enclosure::MAX_ENCLOSURES);
    }

    #[test]
    fn an_entry_becomes_an_article_known_by_its_server_id() {
        let a = article(
            &entry(
                "<p>One <a href=\"https://x.example/\">link</a>.</p><p>Two</p>",
                "Hi",
            ),
            "Wire",
        );
        assert_eq!(a.guid.as_deref(), Some("42"));
        assert_eq!((a.title.as_str(), a.source.as_str()), ("Hi", "Wire"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(a.paragraphs.len(), 2);
        assert_eq!(a.links, vec!["https://x.example/".to_owned()]);
        assert!(a.read && a.starred);
        assert!(a.published.is_some());
        assert!(!a.authors[0].contains('\u{7}'));
        assert_eq!(changed_at(&entry("", "")), Some(1_796_090_400));
    }

    #[test]
    fn huge_and_empty_entries_are_capped_and_titled() {
        let huge = "<p>word </p>".repeat(200_000);
        let a = article(&entry(&huge, &"t".repeat(100_000)), "Wire");
        assert!(a.title.chars().count() <= crate::domain::import::MAX_FIELD_CHARS + 1);
        assert!(a.paragraphs.len() <= crate::domain::import::MAX_PARAGRAPHS);
        let empty = article(&entry("", ""), "Wire");
        assert_eq!(empty.title, "(untitled)");
    }
}
