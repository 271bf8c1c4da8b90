//! Deeply nested HTML, from every way in: a feed item's body, a saved page, a feed file
//! and a newsboat cache given to the real binary. Thousands of levels must neither
//! overflow the stack (an abort, no message) nor keep the words at the bottom out.

mod common;

use common::herald_at as herald;
use herald::domain::import::feed;

/// One level of each kind, opening and closing.
const KINDS: &[(&str, &str)] = &[
    ("<div>", "</div>"),
    ("<span>", "</span>"),
    ("<b>", "</b>"),
    ("<blockquote>", "</blockquote>"),
    ("<ul><li>", "</li></ul>"),
    ("<a href=\"https://example.org/pile\">", "</a>"),
    ("<table><tr><td>", "</td></tr></table>"),
];

const BOTTOM: &str = "The last crate in the hold held only straw.";

/// `depth` levels, the kinds in turn, around a paragraph.
fn nested(depth: usize) -> String {
    let levels = || KINDS.iter().cycle().take(depth);
    let open: String = levels().map(|(open, _)| *open).collect();
    let closes: Vec<&str> = levels().map(|(_, close)| *close).collect();
    let close: String = closes.into_iter().rev().collect();
    format!("{open}<p>{BOTTOM}</p>{close}")
}

fn rss(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Deep Desk</title>\
         <item><guid>deep-1</guid><title>The hold</title><description><![CDATA[{body}]]>\
         </description></item></channel></rss>"
    )
}

/// Runs `work` on a thread with a 1 MiB stack: nothing may need stack in proportion to
/// the nesting.
fn on_small_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn_scoped(scope, work)
            .unwrap()
            .join()
            .unwrap()
    })
}

#[test]
fn a_feed_item_body_nested_deep_parses_on_a_small_stack() {
    for depth in [5_000, 50_000, 200_000] {
        let doc = rss(&nested(depth));
        let parsed = on_small_stack(|| feed::parse(doc.as_bytes(), None)).unwrap();
        let article = &parsed.articles[0];
        assert!(
            article.paragraphs.iter().any(|p| p.contains(BOTTOM)),
            "{depth}: {:?}",
            article.paragraphs.first()
        );
    }
}

/// The paragraphs of the one article in `store`, as `herald show --json` gives them.
fn shown(store: &std::path::Path) -> Vec<String> {
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(store, &["list", "--json"]).stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    let shown: serde_json::Value =
        serde_json::from_slice(&herald(store, &["show", &id, "--json"]).stdout).unwrap();
    serde_json::from_value(shown["paragraphs"].clone()).unwrap()
}

#[test]
fn the_binary_imports_a_deep_page_and_a_deep_feed() {
    let dir = tempfile::tempdir().unwrap();
    let html = nested(200_000);
    let page = dir.path().join("deep.html");
    std::fs::write(
        &page,
        format!("<html><head><title>The hold</title></head><body>{html}</body></html>"),
    )
    .unwrap();
    let feed = dir.path().join("deep.xml");
    std::fs::write(&feed, rss(&html)).unwrap();
    for (name, file) in [("page", &page), ("feed", &feed)] {
        let store = dir.path().join(format!("{name}.db"));
        let out = herald(&store, &["import", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{name}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let paragraphs = shown(&store);
        assert!(
            paragraphs.iter().any(|p| p.contains(BOTTOM)),
            "{name}: {:?}",
            paragraphs.first()
        );
    }
}

#[test]
fn the_binary_moves_in_a_newsboat_cache_with_a_deep_body() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    let conn = rusqlite::Connection::open(&cache).unwrap();
    conn.execute_batch(
        "CREATE TABLE rss_feed (rssurl TEXT PRIMARY KEY NOT NULL, url TEXT NOT NULL,
            title TEXT NOT NULL);
         CREATE TABLE rss_item (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL,
            title TEXT NOT NULL, author TEXT NOT NULL, url TEXT NOT NULL,
            feedurl TEXT NOT NULL, pubDate INTEGER NOT NULL, content TEXT NOT NULL,
            unread INTEGER NOT NULL, flags TEXT, deleted INTEGER NOT NULL DEFAULT 0);
         INSERT INTO rss_feed VALUES ('https://deep.example/rss', 'https://deep.example/', 'Deep Desk');",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread)
         VALUES ('d1', 'The hold', '', 'https://deep.example/1', 'https://deep.example/rss', 1740000000, ?1, 1)",
        [nested(200_000)],
    )
    .unwrap();
    drop(conn);
    let store = dir.path().join("s.db");
    let out = herald(
        &store,
        &["import", "--from-newsboat", cache.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(shown(&store).iter().any(|p| p.contains(BOTTOM)));
}

#[test]
fn a_feed_whose_xml_nests_deep_is_read_or_refused_without_a_crash() {
    // Not HTML in a text node this time: the feed's own elements nest, in an unknown
    // element of an item and in an Atom entry's XHTML content.
    let depth = 50_000;
    let unknown = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Deep</title><item>\
         <title>Crates</title>{}{}</item></channel></rss>",
        "<x:crate xmlns:x=\"urn:x\">".repeat(depth),
        "</x:crate>".repeat(depth)
    );
    let xhtml = format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Deep</title>\
         <entry><id>urn:d</id><title>Crates</title><updated>2025-01-01T00:00:00Z</updated>\
         <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">{}<p>{BOTTOM}</p>{}</div>\
         </content></entry></feed>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    for doc in [unknown, xhtml] {
        herald::domain::panics::silence_contained();
        let _ = on_small_stack(|| feed::parse(doc.as_bytes(), None).map(|f| f.articles.len()));
    }
}
