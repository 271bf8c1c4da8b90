//! Full articles for a teaser-only feed, against a loopback server that serves the feed
//! and its items' pages (pages of the extraction corpus) and logs what it was asked, by
//! whom and how many at once: with `full_text` on, `herald fetch` stores the articles
//! as bodies, searchable; a missing page, a paywall teaser and a page that needs
//! JavaScript keep the feed's text and say why; at most `per_host` pages at once.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

use common::herald_at as herald;
use common::respond;
use herald::domain::model::ArticleId;
use herald::domain::search::{Order, parse};
use herald::domain::store::{FullText, Store};

#[derive(Default)]
struct Log {
    asked: Vec<(String, String)>,
    busy: usize,
    most_at_once: usize,
}

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

/// A server that answers at most 100 connections and stops by itself after a minute.
fn serve() -> (u16, Arc<Mutex<Log>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let log = Arc::new(Mutex::new(Log::default()));
    let shared = log.clone();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut served = 0;
        while Instant::now() < deadline && served < 100 {
            match listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    let log = shared.clone();
                    std::thread::spawn(move || handle(stream, port, &log));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    (port, log)
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

fn handle(mut stream: TcpStream, port: u16, log: &Mutex<Log>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    {
        let mut log = log.lock().unwrap();
        let agent = headers.get("user-agent").cloned().unwrap_or_default();
        log.asked.push((path.clone(), agent));
        log.busy += 1;
        log.most_at_once = log.most_at_once.max(log.busy);
    }
    // The request leaves the count just before its answer is written: the client cannot
    // ask again before it has the answer, while a count taken after the write raced with
    // its next request (3 at once was seen under load, with the client keeping to 2).
    let mut reply = |status: &str, headers: &[(&str, String)], body: &[u8]| {
        log.lock().unwrap().busy -= 1;
        respond(&mut stream, status, headers, body);
    };
    let html = [("Content-Type", "text/html; charset=utf-8".to_owned())];
    if path.starts_with("/b/") {
        reply(
            "429 Too Many Requests",
            &[("Retry-After", "120".into())],
            b"slow down",
        );
    } else if path == "/limited.xml" {
        let items: String = (1..=3)
            .map(|n| {
                format!(
                    "<item><guid>b{n}</guid><title>Busy {n}</title>\
                     <link>http://127.0.0.1:{port}/b/{n}</link>\
                     <description>Teaser {n}.</description></item>"
                )
            })
            .collect();
        let feed = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Busy</title>\
             {items}</channel></rss>"
        );
        reply("200 OK", &[], feed.as_bytes());
    } else if let Some(n) = path.strip_prefix("/a/") {
        // Slow enough that the fetching threads overlap.
        std::thread::sleep(Duration::from_millis(150));
        match n {
            "missing" => reply("404 Not Found", &[], b"no such page"),
            "teaser" => reply(
                "200 OK",
                &html,
                b"<html><head><title>Paid story</title></head><body><article><h1>Paid \
                  story</h1><p>The first lines, and then a subscription form.</p>\
                  <div class=paywall>Subscribe</div></article></body></html>",
            ),
            "app" => reply(
                "200 OK",
                &html,
                b"<html><head><title>App</title></head><body><noscript>Please enable \
                  JavaScript.</noscript><div id=\"root\"></div></body></html>",
            ),
            n => {
                let index: usize = n.parse().unwrap();
                reply("200 OK", &html, page(PAGES[index - 1]).as_bytes());
            }
        }
    } else {
        reply("200 OK", &[], feed(port).as_bytes());
    }
}

fn found(store: &Store, words: &str) -> Vec<ArticleId> {
    let query = parse(words, jiff::Timestamp::now(), false).unwrap();
    store.articles().search(&query, Order::Newest).unwrap().ids
}

#[test]
fn a_teaser_feed_with_full_text_gets_whole_searchable_articles_politely() {
    let (port, log) = serve();
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
        let log = log.lock().unwrap();
        let pages: Vec<&(String, String)> = log
            .asked
            .iter()
            .filter(|(p, _)| p.starts_with("/a/"))
            .collect();
        assert_eq!(pages.len(), 7, "{:?}", log.asked);
        assert!(pages.iter().all(|(_, agent)| agent.starts_with("herald/")));
        assert!(log.most_at_once <= 2, "{} at once", log.most_at_once);
        assert_eq!(log.most_at_once, 2, "the two slots were used");
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
    let pages = log
        .lock()
        .unwrap()
        .asked
        .iter()
        .filter(|(p, _)| p.starts_with("/a/"))
        .count();
    assert_eq!(pages, 7);
}

#[test]
fn a_site_that_asks_to_wait_is_asked_once_and_its_pages_wait_for_the_next_fetch() {
    let (port, log) = serve();
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
    let asked = |log: &Mutex<Log>| {
        log.lock()
            .unwrap()
            .asked
            .iter()
            .filter(|(p, _)| p.starts_with("/b/"))
            .count()
    };
    assert_eq!(
        asked(&log),
        1,
        "one 429, then no more requests to that site"
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(store.articles().waiting_full_texts(10).unwrap().len(), 3);
    drop(store);
    // Its Retry-After (two minutes) holds across runs: the next fetch asks nothing.
    let out = herald(&db, &["fetch", "--jobs", "1", "--per-host", "1"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("full articles"));
    assert_eq!(asked(&log), 1);
}

#[test]
fn no_page_is_started_once_the_time_for_pages_has_run_out() {
    let (port, log) = serve();
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
    assert!(log.lock().unwrap().asked.is_empty(), "nothing asked");
    assert_eq!(
        store.articles().waiting_full_texts(10).unwrap().len(),
        4,
        "all wait"
    );
}
