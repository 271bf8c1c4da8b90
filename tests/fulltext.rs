//! Full articles for a teaser-only feed, against a loopback server that serves the feed
//! and its items' pages (pages of the extraction corpus) and logs what it was asked, by
//! whom and how many at once: with `full_text` on, `herald fetch` stores the articles
//! as bodies, searchable; a missing page, a paywall teaser and a page that needs
//! JavaScript keep the feed's text and say why; at most `per_host` pages at once.

use std::path::Path;
use std::time::Duration;

mod common;

use common::herald_at as herald;
use common::server::{Answer, Script, Server};
use herald::domain::model::ArticleId;
use herald::domain::search::{Order, parse};
use herald::domain::store::{FullText, Store};

/// The corpus pages served as items 1 to 4.
const PAGES: [&str; 4] = [
    "01-wordpress.html",
    "04-news-rail.html",
    "08-amp.html",
    "09-json-ld-only.html",
];

fn page(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// A server of the feed and its pages that answers at most 100 requests and stops by
/// itself after a minute.
fn serve() -> Server {
    let html = "text/html; charset=utf-8";
    Script::new()
        .limit(100)
        .lifetime(Duration::from_secs(60))
        .prefix("/b/", |_| {
            Answer::new(429)
                .header("Retry-After", "120")
                .body("slow down")
        })
        .at_with("/limited.xml", |r| {
            let origin = r.origin();
            let items: String = (1..=3)
                .map(|n| {
                    format!(
                        "<item><guid>b{n}</guid><title>Busy {n}</title>\
                         <link>{origin}/b/{n}</link>\
                         <description>Teaser {n}.</description></item>"
                    )
                })
                .collect();
            Answer::ok(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Busy</title>\
                 {items}</channel></rss>"
            ))
        })
        .prefix("/a/", move |r| {
            let answer = match &r.path["/a/".len()..] {
                "missing" => Answer::new(404).body("no such page"),
                "teaser" => Answer::typed(
                    html,
                    "<html><head><title>Paid story</title></head><body><article><h1>Paid \
                     story</h1><p>The first lines, and then a subscription form.</p>\
                     <div class=paywall>Subscribe</div></article></body></html>",
                ),
                "app" => Answer::typed(
                    html,
                    "<html><head><title>App</title></head><body><noscript>Please enable \
                     JavaScript.</noscript><div id=\"root\"></div></body></html>",
                ),
                n => {
                    let index: usize = n.parse().unwrap();
                    Answer::typed(html, page(PAGES[index - 1]))
                }
            };
            // Slow enough that the fetching threads overlap.
            answer.after(Duration::from_millis(150))
        })
        .otherwise(|r| Answer::ok(feed(r.local.port())))
        .start()
}

fn feed(port: u16) -> String {
    let item = |n: &str, title: &str| {
        format!(
            "<item><guid>{n}</guid><title>{title}</title>\
             <link>http://127.0.0.1:{port}/a/{n}</link>\
             <description>Only the first lines of {title}.</description></item>"
        )
    };
    let items: String = [
        ("1", "Night ferry"),
        ("2", "Tram extension"),
        ("3", "River cleanup"),
        ("4", "Lunch queue"),
        ("missing", "Gone story"),
        ("teaser", "Paid story"),
        ("app", "App story"),
    ]
    .iter()
    .map(|(n, t)| item(n, t))
    .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Teasers</title>\
         {items}</channel></rss>"
    )
}

fn found(store: &Store, words: &str) -> Vec<ArticleId> {
    let query = parse(words, jiff::Timestamp::now(), false).unwrap();
    store.articles().search(&query, Order::Newest).unwrap().ids
}

#[test]
fn a_teaser_feed_with_full_text_gets_whole_searchable_articles_politely() {
    let server = serve();
    let port = server.port();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("herald.db");
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    let out = herald(&db, &["feed", "add", &url, "--no-check"]);
    assert!(out.status.success(), "{out:?}");
    let out = herald(&db, &["feed", "set", "1", "--full-text", "on"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("full article is fetched"));
    let out = herald(&db, &["feed", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("/feed.xml  (full articles)"));
    let out = herald(&db, &["feed", "list", "--json"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"full_text\": true"));
    let out = herald(&db, &["fetch", "--jobs", "4", "--per-host", "2"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("full articles: 4 fetched, 3 failed"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("Gone story: full article failed"),
        "{stderr}"
    );
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    assert!(stderr.contains("paywall"), "{stderr}");
    assert!(stderr.contains("needs JavaScript"), "{stderr}");

    // Politely: every page asked once, naming herald, never more than two at once.
    {
        let asked = server.requests();
        let pages: Vec<_> = asked.iter().filter(|r| r.path.starts_with("/a/")).collect();
        assert_eq!(pages.len(), 7, "{:?}", server.paths());
        assert!(pages.iter().all(|r| {
            r.header("user-agent")
                .unwrap_or_default()
                .starts_with("herald/")
        }));
        let most_at_once = server.most_at_once();
        assert!(most_at_once <= 2, "{most_at_once} at once");
        assert_eq!(most_at_once, 2, "the two slots were used");
    }

    let store = Store::open(&db).unwrap();
    // "Gannet" and "Wharf Road" are only in the pages, never in the feed.
    let ferry = found(&store, "gannet");
    assert_eq!(ferry.len(), 1);
    let article = store.articles().article(ferry[0]).unwrap().unwrap();
    assert_eq!(article.summary.title, "Night ferry");
    assert_eq!(article.paragraphs.len(), 6, "{:?}", article.paragraphs);
    assert_eq!(
        article.summary_text.as_deref(),
        Some("Only the first lines of Night ferry.")
    );
    assert_eq!(found(&store, "\"wharf road\"").len(), 1);
    assert_eq!(
        store.articles().full_text(ferry[0]).unwrap(),
        Some(FullText::Stored)
    );
    // The failed ones keep the feed's text and say why.
    let gone = found(&store, "title:gone");
    let article = store.articles().article(gone[0]).unwrap().unwrap();
    assert_eq!(article.paragraphs, ["Only the first lines of Gone story."]);
    match store.articles().full_text(gone[0]).unwrap() {
        Some(FullText::Failed(reason)) => assert!(reason.contains("404"), "{reason}"),
        other => panic!("{other:?}"),
    }
    drop(store);

    // The next fetch asks for no page again, and keeps the full bodies.
    let out = herald(&db, &["fetch"]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("full articles"));
    let store = Store::open(&db).unwrap();
    assert_eq!(found(&store, "gannet").len(), 1);
    let pages = server
        .paths()
        .iter()
        .filter(|p| p.starts_with("/a/"))
        .count();
    assert_eq!(pages, 7);
}

#[test]
fn a_site_that_asks_to_wait_is_asked_once_and_its_pages_wait_for_the_next_fetch() {
    let server = serve();
    let port = server.port();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("herald.db");
    let url = format!("http://127.0.0.1:{port}/limited.xml");
    assert!(
        herald(&db, &["feed", "add", &url, "--no-check"])
            .status
            .success()
    );
    assert!(
        herald(&db, &["feed", "set", "1", "--full-text", "on"])
            .status
            .success()
    );
    let out = herald(&db, &["fetch", "--jobs", "1", "--per-host", "1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("full articles: 0 fetched, 0 failed, 3 pages left for a later fetch"),
        "{stdout}"
    );
    let asked = |server: &Server| {
        server
            .paths()
            .iter()
            .filter(|p| p.starts_with("/b/"))
            .count()
    };
    assert_eq!(
        asked(&server),
        1,
        "one 429, then no more requests to that site"
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(store.articles().waiting_full_texts(10).unwrap().len(), 3);
    drop(store);
    // Its Retry-After (two minutes) holds across runs: the next fetch asks nothing.
    let out = herald(&db, &["fetch", "--jobs", "1", "--per-host", "1"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("full articles"));
    assert_eq!(asked(&server), 1);
}

#[test]
fn no_page_is_started_once_the_time_for_pages_has_run_out() {
    let server = serve();
    let port = server.port();
    let store = Store::open_in_memory().unwrap();
    let feed = store
        .feeds()
        .add_feed(&format!("http://127.0.0.1:{port}/feed.xml"), None)
        .unwrap();
    store.feeds().set_full_text(feed.id, true).unwrap();
    let feed = store.feeds().find_feed("1").unwrap();
    let items: Vec<herald::domain::model::NewArticle> = (1..=4)
        .map(|n| herald::domain::model::NewArticle {
            guid: Some(n.to_string()),
            title: format!("Item {n}"),
            source: "Teasers".into(),
            url: Some(format!("http://127.0.0.1:{port}/a/{n}")),
            paragraphs: vec!["Teaser.".into()],
            ..Default::default()
        })
        .collect();
    store
        .feeds()
        .upsert(Some(&feed), &items, jiff::Timestamp::now())
        .unwrap();
    let waiting = store.articles().waiting_full_texts(10).unwrap();
    let reports = herald::domain::fetch::fetch_pages_within(
        &store,
        waiting,
        herald::domain::fetch::Options::default(),
        jiff::Timestamp::now(),
        Duration::ZERO,
        &mut |_, _, _| {},
    );
    assert_eq!(reports.len(), 4);
    assert!(reports.iter().all(|r| matches!(
        &r.outcome,
        herald::domain::fetch::PageOutcome::Deferred(why) if why.contains("ran out")
    )));
    assert_eq!(server.count(), 0, "nothing asked");
    assert_eq!(
        store.articles().waiting_full_texts(10).unwrap().len(),
        4,
        "all wait"
    );
}
