//! The Google Reader API's answers as herald reads them: subscriptions, item ID lists,
//! item contents, and an item as an entry of its feed.

use serde::Deserialize;

use super::entry;
use super::miniflux::Entry;
use super::server::ServerEntry;

#[derive(Deserialize)]
pub(super) struct Subscriptions {
    pub(super) subscriptions: Vec<Subscription>,
}

#[derive(Deserialize)]
pub(super) struct Subscription {
    pub(super) id: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) url: String,
    #[serde(default)]
    pub(super) categories: Vec<Label>,
}

#[derive(Deserialize)]
pub(super) struct Label {
    #[serde(default)]
    pub(super) id: String,
    #[serde(default)]
    pub(super) label: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ItemIds {
    #[serde(rename = "itemRefs", default)]
    pub(super) item_refs: Vec<ItemRef>,
    pub(super) continuation: Option<serde_json::Value>,
}

#[derive(Deserialize)]
pub(super) struct ItemRef {
    pub(super) id: String,
}

#[derive(Deserialize)]
pub(super) struct Contents {
    #[serde(default)]
    pub(super) items: Vec<Item>,
}

#[derive(Deserialize)]
pub(super) struct Item {
    pub(super) id: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) published: i64,
    #[serde(default)]
    pub(super) author: String,
    #[serde(default)]
    pub(super) categories: Vec<String>,
    #[serde(default)]
    pub(super) canonical: Vec<Href>,
    #[serde(default)]
    pub(super) alternate: Vec<Href>,
    pub(super) summary: Option<Text>,
    pub(super) content: Option<Text>,
    pub(super) origin: Option<Origin>,
    /// Podcasts, videos, images attached to the item.
    #[serde(default)]
    pub(super) enclosure: Vec<ItemEnclosure>,
}

#[derive(Deserialize)]
pub(super) struct ItemEnclosure {
    #[serde(default)]
    pub(super) href: String,
    #[serde(rename = "type", default)]
    pub(super) mime: String,
    /// A number or a string of digits, as servers differ.
    #[serde(default)]
    pub(super) length: serde_json::Value,
}

#[derive(Deserialize)]
pub(super) struct Href {
    pub(super) href: String,
}

#[derive(Deserialize)]
pub(super) struct Text {
    #[serde(default)]
    pub(super) content: String,
}

#[derive(Deserialize)]
pub(super) struct Origin {
    #[serde(rename = "streamId")]
    pub(super) stream_id: String,
}

/// An item id in its short, decimal form: the long form's last part is hexadecimal
/// (`tag:google.com,2005:reader/item/000000000000002a` is 42).
pub fn short_id(id: &str) -> Option<String> {
    match id.strip_prefix("tag:google.com,2005:reader/item/") {
        Some(hex) => u64::from_str_radix(hex, 16)
            .ok()
            .map(|n| (n as i64).to_string()),
        None => id.parse::<i64>().ok().map(|n| n.to_string()),
    }
}

/// An item as an entry of its feed (None without an id or a feed).
pub(super) fn item_entry(item: Item) -> Option<ServerEntry> {
    let id = short_id(&item.id)?.parse::<i64>().ok()?;
    let feed_id = item.origin?.stream_id;
    let has = |suffix: &str| item.categories.iter().any(|c| c.ends_with(suffix));
    let body = item
        .content
        .filter(|c| !c.content.is_empty())
        .or(item.summary)
        .map(|t| t.content)
        .unwrap_or_default();
    let url = item
        .canonical
        .into_iter()
        .chain(item.alternate)
        .map(|h| h.href)
        .next()
        .unwrap_or_default();
    let published = jiff::Timestamp::from_second(item.published)
        .ok()
        .filter(|_| item.published > 0)
        .map(|t| t.to_string());
    let entry = Entry {
        id,
        feed_id: 0,
        status: if has("/state/com.google/read") {
            "read"
        } else {
            "unread"
        }
        .into(),
        title: item.title,
        url,
        author: item.author,
        content: body,
        published_at: published,
        changed_at: None,
        starred: has("/state/com.google/starred"),
        enclosures: Some(
            item.enclosure
                .into_iter()
                .map(|e| super::miniflux::RemoteEnclosure {
                    url: e.href,
                    mime_type: e.mime,
                    size: match &e.length {
                        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0),
                        serde_json::Value::String(s) => s.trim().parse().unwrap_or(0),
                        _ => 0,
                    },
                })
                .collect(),
        ),
    };
    Some(ServerEntry {
        feed_id,
        article: entry::article(&entry, ""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_long_and_short_are_the_same_number() {
        assert_eq!(
            short_id("tag:google.com,2005:reader/item/000000000000002a").as_deref(),
            Some("42")
        );
        assert_eq!(short_id("42").as_deref(), Some("42"));
        assert_eq!(
            short_id("tag:google.com,2005:reader/item/ffffffffffffffff").as_deref(),
            Some("-1"),
            "Google's unsigned ids read as the signed numbers the short form uses"
        );
        for bad in ["", "abc", "tag:google.com,2005:reader/item/zz", "1e9"] {
            assert_eq!(short_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_item_becomes_an_entry_of_its_feed() {
        let json = r#"{"items":[{"id":"tag:google.com,2005:reader/item/0000000000000007",
            "title":"Night ferry","published":1764496800,"author":"Ana",
            "categories":["user/1/state/com.google/read","user/1/label/News"],
            "canonical":[{"href":"https://example.org/a"}],
            "summary":{"content":"<p>Runs daily.</p>"},
            "origin":{"streamId":"feed/3","title":"Wire"}},
            {"id":"no-number","origin":{"streamId":"feed/3"}}]}"#;
        let contents: Contents = serde_json::from_str(json).unwrap();
        let entries: Vec<ServerEntry> = contents.items.into_iter().filter_map(item_entry).collect();
        assert_eq!(entries.len(), 1, "an item without a usable id is left");
        let e = &entries[0];
        assert_eq!(e.feed_id, "feed/3");
        assert_eq!(e.article.guid.as_deref(), Some("7"));
        assert!(e.article.read && !e.article.starred);
        assert_eq!(e.article.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(e.article.paragraphs, vec!["Runs daily.".to_owned()]);
        assert!(e.article.published.is_some());
    }
}
