//! The article as herald knows it: what importers produce, the store keeps and the views show.

use std::fmt;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use jiff::tz::Offset;

/// The store's row id of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(pub i64);

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl rusqlite::ToSql for ArticleId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl rusqlite::types::FromSql for ArticleId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        i64::column_result(value).map(ArticleId)
    }
}

/// A publication time. Many sources give a wall-clock time with no zone: then `offset` is
/// `None`, the instant holds that wall-clock time as if it were UTC, and RFC 3339 output
/// uses `-00:00`, the RFC's own spelling of "local offset unknown".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub instant: Timestamp,
    pub offset: Option<Offset>,
}

impl Published {
    pub fn rfc3339(&self) -> String {
        match self.offset {
            Some(offset) => self.instant.display_with_offset(offset).to_string(),
            None => {
                let civil = Offset::UTC.to_datetime(self.instant);
                format!("{}-00:00", civil.strftime("%Y-%m-%dT%H:%M:%S"))
            }
        }
    }

    /// Parses RFC 3339, keeping the offset (`-00:00` reads back as unknown).
    pub fn parse_rfc3339(text: &str) -> Result<Published> {
        let text = text.trim();
        let instant: Timestamp = text
            .parse()
            .with_context(|| format!("`{text}` is not an RFC 3339 date-time"))?;
        let offset = rfc3339_offset(text)?;
        Ok(Published { instant, offset })
    }

    /// Wall-clock date and time in the article's own offset (or as written, when unknown).
    pub fn civil(&self) -> jiff::civil::DateTime {
        self.offset.unwrap_or(Offset::UTC).to_datetime(self.instant)
    }

    pub fn sort_key(&self) -> i64 {
        self.instant.as_second()
    }
}

fn rfc3339_offset(text: &str) -> Result<Option<Offset>> {
    if text.ends_with(['Z', 'z']) {
        return Ok(Some(Offset::UTC));
    }
    if text.ends_with("-00:00") {
        return Ok(None);
    }
    let tail = text
        .get(text.len().saturating_sub(6)..)
        .unwrap_or_default()
        .as_bytes();
    if tail.len() == 6 && (tail[0] == b'+' || tail[0] == b'-') && tail[3] == b':' {
        let digits = |a: u8, b: u8| -> Option<i32> {
            if a.is_ascii_digit() && b.is_ascii_digit() {
                Some(i32::from(a - b'0') * 10 + i32::from(b - b'0'))
            } else {
                None
            }
        };
        if let (Some(h), Some(m)) = (digits(tail[1], tail[2]), digits(tail[4], tail[5])) {
            let sign = if tail[0] == b'-' { -1 } else { 1 };
            return Ok(Some(Offset::from_seconds(sign * (h * 3600 + m * 60))?));
        }
    }
    bail!("`{text}` has no offset (expected Z or ±HH:MM)")
}

/// An article as an importer produces it, before the store gives it an id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewArticle {
    pub guid: Option<String>,
    pub source: String,
    pub title: String,
    pub authors: Vec<String>,
    pub published: Option<Published>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub paragraphs: Vec<String>,
    /// The addresses the text numbers as `[1]`, `[2]`, … in order: data, never text in the body.
    pub links: Vec<String>,
    /// The files the item carries (podcast audio, video), at most
    /// [`crate::domain::enclosure::MAX_ENCLOSURES`] once capped.
    pub enclosures: Vec<crate::domain::enclosure::Enclosure>,
    /// Set by an export being imported back; fresh imports start unread and unstarred.
    pub read: bool,
    pub starred: bool,
}

impl NewArticle {
    /// What makes two imports the same article: guid, else url, else the content itself.
    pub fn dedup_key(&self) -> String {
        if let Some(guid) = self.guid.as_deref().filter(|g| !g.trim().is_empty()) {
            return format!("guid:{}", guid.trim());
        }
        if let Some(url) = self.url.as_deref().filter(|u| !u.trim().is_empty()) {
            return format!("url:{}", url.trim());
        }
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(self.source.as_bytes());
        hasher.update([0]);
        hasher.update(self.title.as_bytes());
        for paragraph in &self.paragraphs {
            hasher.update([0]);
            hasher.update(paragraph.as_bytes());
        }
        // Hashed as the paragraphs the body used to end with (`Links:`, `[1] https://…`)
        // before links were data, so a page imported then and again now is one article.
        // Frozen: a change to how links are shown must not change this.
        if !self.links.is_empty() {
            hasher.update([0]);
            hasher.update(b"Links:");
            for (i, link) in self.links.iter().enumerate() {
                hasher.update([0]);
                hasher.update(format!("[{}] {link}", i + 1).as_bytes());
            }
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("hash:{hex}")
    }
}

/// The links as text shows them after the body (`herald show`, the reader): `Links:`, then `[1] https://…`, one
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

/// One row of the article list: everything but the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub id: ArticleId,
    pub source: String,
    pub title: String,
    pub authors: Vec<String>,
    pub published: Option<Published>,
    pub url: Option<String>,
    pub read: bool,
    pub starred: bool,
}

/// Where a reader stopped: a paragraph and a byte offset inside it, so it survives re-wrapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub paragraph: usize,
    pub offset: usize,
}

/// A named query kept in the store, switched to with a number key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    pub name: String,
    pub query: String,
}

/// A whole article, ready for the reader.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub summary: Summary,
    pub guid: Option<String>,
    pub summary_text: Option<String>,
    pub paragraphs: Vec<String>,
    /// The addresses the text numbers as `[1]`, `[2]`, … in order.
    pub links: Vec<String>,
    /// The files it carries, in the feed's order.
    pub enclosures: Vec<crate::domain::enclosure::Enclosure>,
    pub added: Timestamp,
    pub position: Position,
}

impl Article {
    pub fn word_count(&self) -> usize {
        self.paragraphs
            .iter()
            .map(|p| p.split_whitespace().count())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_keeps_offset_and_unknown() {
        let p = Published::parse_rfc3339("2024-12-03T18:09:00+09:00").unwrap();
        assert_eq!(p.offset, Some(Offset::from_hours(9).unwrap()));
        assert_eq!(p.rfc3339(), "2024-12-03T18:09:00+09:00");
        let u = Published::parse_rfc3339("2024-12-03T18:09:00-00:00").unwrap();
        assert_eq!(u.offset, None);
        assert_eq!(u.rfc3339(), "2024-12-03T18:09:00-00:00");
        assert_eq!(u.civil().hour(), 18);
        let z = Published::parse_rfc3339("2024-12-03T09:09:00Z").unwrap();
        assert_eq!(z.instant, p.instant);
        assert!(Published::parse_rfc3339("yesterday").is_err());
    }

    #[test]
    fn dedup_key_prefers_guid_then_url_then_content() {
        let mut a = NewArticle {
            source: "S".into(),
            title: "T".into(),
            paragraphs: vec!["p".into()],
            ..Default::default()
        };
        let by_hash = a.dedup_key();
        assert!(by_hash.starts_with("hash:"));
        a.paragraphs.push("q".into());
        assert_ne!(a.dedup_key(), by_hash);
        a.url = Some("https://example.org/a".into());
        assert_eq!(a.dedup_key(), "url:https://example.org/a");
        a.guid = Some("42".into());
        assert_eq!(a.dedup_key(), "guid:42");
    }

    /// A saved page imported before links were data kept them as the body's last
    /// paragraphs; imported again now, it must get the same key, or it is stored twice.
    #[test]
    fn links_as_data_hash_as_the_link_paragraphs_did() {
        let before = NewArticle {
            source: "Saved".into(),
            title: "Tide tables".into(),
            paragraphs: vec![
                "High water at six [1], low at noon [2].".into(),
                "Links:".into(),
                "[1] https://example.org/high".into(),
                "[2] https://example.org/low".into(),
            ],
            ..Default::default()
        };
        let now = NewArticle {
            paragraphs: vec!["High water at six [1], low at noon [2].".into()],
            links: vec![
                "https://example.org/high".into(),
                "https://example.org/low".into(),
            ],
            ..before.clone()
        };
        assert!(now.dedup_key().starts_with("hash:"));
        assert_eq!(now.dedup_key(), before.dedup_key());
        let other = NewArticle {
            links: vec!["https://example.org/elsewhere".into()],
            ..now.clone()
        };
        assert_ne!(other.dedup_key(), now.dedup_key());
    }
}
