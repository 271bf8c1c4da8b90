//! Telling a file's format from its content, whatever the file is called.

use super::{feed, json};

/// The formats herald reads, told apart by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json(json::Shape),
    /// RSS, Atom or JSON Feed.
    Feed,
    /// A saved web page.
    Page,
    /// A list of subscriptions, not articles.
    Opml,
}

/// Tells the format from the text itself.
pub fn detect(text: &str) -> Format {
    let trimmed = text.trim_start();
    let head: String = trimmed
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.contains("<opml") {
        return Format::Opml;
    }
    if feed::looks_like_feed(trimmed) {
        return Format::Feed;
    }
    if let Some(shape) = json::shape(trimmed) {
        return Format::Json(shape);
    }
    if trimmed.starts_with('<') {
        return Format::Page;
    }
    Format::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_is_by_content() {
        assert_eq!(
            detect("  {\"title\": \"x\"}"),
            Format::Json(json::Shape::Object)
        );
        assert_eq!(detect("[]"), Format::Json(json::Shape::Array));
        assert_eq!(
            detect("{\"a\":1}\n{\"a\":2}\n"),
            Format::Json(json::Shape::Lines)
        );
        assert_eq!(detect("<?xml version=\"1.0\"?><rss/>"), Format::Feed);
        assert_eq!(
            detect("<!doctype html><html><p>Hi</p></html>"),
            Format::Page
        );
        assert_eq!(
            detect("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}"),
            Format::Feed
        );
        assert_eq!(detect("Title line\nBody"), Format::Text);
    }
}
