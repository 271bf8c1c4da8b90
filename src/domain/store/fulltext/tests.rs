use super::*;
use crate::domain::store::testing::fts_hits;

fn now() -> Timestamp {
    Timestamp::from_second(1_770_000_000).unwrap()
}

fn item(guid: &str, title: &str, text: &str) -> NewArticle {
    NewArticle {
        guid: Some(guid.into()),
        source: "Wire".into(),
        title: title.into(),
        url: Some(format!("https://wire.example/{guid}")),
        paragraphs: vec![text.into()],
        ..Default::default()
    }
}

fn page(words: &str) -> NewArticle {
    NewArticle {
        title: "Page title".into(),
        authors: vec!["Ana Lima".into()],
        paragraphs: vec![
            "The teaser's opening words.".into(),
            format!("Then the rest of the article, with {words} nobody saw in the feed."),
        ],
        links: vec!["https://wire.example/map".into()],
        ..Default::default()
    }
}

#[test]
fn new_items_of_a_full_text_feed_wait_and_others_do_not() {
    let store = Store::open_in_memory().unwrap();
    let plain = store
        .feeds()
        .add_feed("https://plain.example/rss", None)
        .unwrap();
    store
        .feeds()
        .upsert(Some(&plain), &[item("p1", "Plain", "Teaser.")], now())
        .unwrap();
    let feed = store
        .feeds()
        .add_feed("https://wire.example/rss", None)
        .unwrap();
    store.feeds().set_full_text(feed.id, true).unwrap();
    let feed = store.feeds().find_feed(&feed.id.to_string()).unwrap();
    assert!(feed.full_text);
    store
        .feeds()
        .upsert(Some(&feed), &[item("w1", "One", "Teaser one.")], now())
        .unwrap();
    let mut two = item("w2", "Two", "Teaser two.");
    two.url = None;
    store.feeds().upsert(Some(&feed), &[two], now()).unwrap();
    let waiting = store.articles().waiting_full_texts(10).unwrap();
    assert_eq!(
        waiting.len(),
        1,
        "only items with an address wait: {waiting:?}"
    );
    assert_eq!(waiting[0].title, "One");
    assert_eq!(waiting[0].url, "https://wire.example/w1");
    assert_eq!(
        store.articles().full_text(waiting[0].id).unwrap(),
        Some(FullText::Waiting)
    );
    // Fetched again, the item is not new and is not marked again.
    store
        .articles()
        .record_full_text_failure(waiting[0].id, "HTTP 404", now())
        .unwrap();
    store
        .feeds()
        .upsert(Some(&feed), &[item("w1", "One", "Teaser one.")], now())
        .unwrap();
    assert!(store.articles().waiting_full_texts(10).unwrap().is_empty());
    assert_eq!(
        store.articles().full_text(waiting[0].id).unwrap(),
        Some(FullText::Failed("HTTP 404".into()))
    );
    assert!(store.feeds().set_full_text(99, true).is_err());
}

#[test]
fn a_full_article_becomes_the_body_is_searchable_and_survives_the_next_fetch() {
    let store = Store::open_in_memory().unwrap();
    let feed = store
        .feeds()
        .add_feed("https://wire.example/rss", None)
        .unwrap();
    store.feeds().set_full_text(feed.id, true).unwrap();
    let feed = store.feeds().find_feed(&feed.id.to_string()).unwrap();
    store
        .feeds()
        .upsert(
            Some(&feed),
            &[item("w1", "One", "The teaser's opening words.")],
            now(),
        )
        .unwrap();
    let id = store.articles().waiting_full_texts(1).unwrap()[0].id;
    assert_eq!(fts_hits(&store, "cormorants"), 0);
    let kept = store
        .articles()
        .store_full_text(id, &page("cormorants"), now())
        .unwrap();
    assert_eq!(kept, Kept::Stored(17));
    let a = store.articles().article(id).unwrap().unwrap();
    assert_eq!(a.summary.title, "One", "the item's own title stays");
    assert_eq!(
        a.summary.authors,
        ["Ana Lima"],
        "the page's authors fill in"
    );
    assert_eq!(a.paragraphs.len(), 2);
    assert_eq!(
        a.summary_text.as_deref(),
        Some("The teaser's opening words.")
    );
    assert_eq!(a.links, ["https://wire.example/map"]);
    assert_eq!(fts_hits(&store, "cormorants"), 1);
    assert_eq!(
        store.articles().full_text(id).unwrap(),
        Some(FullText::Stored)
    );
    // The feed fetched again with a new title: the title changes, the body stays.
    let counts = store
        .feeds()
        .upsert(
            Some(&feed),
            &[item("w1", "One, revised", "The teaser's opening words.")],
            now(),
        )
        .unwrap();
    assert_eq!(counts.updated, 1);
    let a = store.articles().article(id).unwrap().unwrap();
    assert_eq!(a.summary.title, "One, revised");
    assert_eq!(a.paragraphs.len(), 2);
    assert_eq!(fts_hits(&store, "cormorants"), 1);
    assert_eq!(
        store
            .feeds()
            .upsert(
                Some(&feed),
                &[item("w1", "One, revised", "The teaser's opening words.")],
                now()
            )
            .unwrap()
            .unchanged,
        1
    );
    // Fetched again with `x`: the feed's text is still what the page is measured by.
    let kept = store
        .articles()
        .store_full_text(id, &page("terns"), now())
        .unwrap();
    assert_eq!(kept, Kept::Stored(17));
    assert_eq!(fts_hits(&store, "terns"), 1);
    assert_eq!(fts_hits(&store, "cormorants"), 0);
    store.maintenance().fts_integrity_check().unwrap();
}

#[test]
fn a_page_no_longer_than_the_feed_keeps_the_feed_text_and_says_why() {
    let store = Store::open_in_memory().unwrap();
    let long = vec!["Word"; 50].join(" ");
    store
        .feeds()
        .upsert(None, &[item("w1", "One", &long)], now())
        .unwrap();
    let id = store.articles().summaries(None, 0).unwrap()[0].id;
    let kept = store
        .articles()
        .store_full_text(id, &page("gulls"), now())
        .unwrap();
    assert_eq!(kept, Kept::NotLonger { page: 17, feed: 50 });
    let a = store.articles().article(id).unwrap().unwrap();
    assert_eq!(a.paragraphs, [long]);
    match store.articles().full_text(id).unwrap() {
        Some(FullText::Failed(reason)) => assert!(reason.contains("paywall"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn removing_a_feed_removes_its_full_text_records() {
    let store = Store::open_in_memory().unwrap();
    let feed = store
        .feeds()
        .add_feed("https://wire.example/rss", None)
        .unwrap();
    store.feeds().set_full_text(feed.id, true).unwrap();
    let feed = store.feeds().find_feed(&feed.id.to_string()).unwrap();
    store
        .feeds()
        .upsert(
            Some(&feed),
            &[item("w1", "One", "Teaser."), item("w2", "Two", "Teaser.")],
            now(),
        )
        .unwrap();
    let id = store.articles().waiting_full_texts(1).unwrap()[0].id;
    store
        .articles()
        .record_full_text_failure(id, "HTTP 404", now())
        .unwrap();
    store.feeds().remove_feed(feed.id, true).unwrap();
    let rows: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM full_texts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);
}
