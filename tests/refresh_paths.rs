//! One refresh, two doors (#25): the same refresh through `herald fetch` and through the
//! reader's background fetch (the thread `R` starts, with the config's options) leaves
//! two stores alike: the same articles with the same marks (a rule ran), the same feeds
//! (retention held each to its limit).

mod common;

use std::path::Path;
use std::time::Duration;

use common::server::{Answer, Request, Script, Server};
use herald::app::Report;
use herald::tui::event::Event;
use serde_json::Value;

/// A loopback server of two RSS feeds, `/a.xml` (six items) and `/b.xml` (three); it
/// stops by itself after sixty requests.
fn server() -> Server {
    let feed = |name: &'static str, items: usize| {
        move |r: &Request| {
            let origin = r.origin();
            let mut body = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>"
            );
            for i in 1..=items {
                let word = if i % 2 == 0 { "lantern" } else { "harbour" };
                body.push_str(&format!(
                    "<item><guid>{name}-{i}</guid><title>{name} {word} {i}</title>\
                     <link>{origin}/{name}/{i}</link>\
                     <description>The {word} notes of day {i}.</description>\
                     <pubDate>Tue, 01 Dec 2026 {i:02}:00:00 GMT</pubDate></item>"
                ));
            }
            body.push_str("</channel></rss>");
            Answer::typed("application/rss+xml", body)
        }
    };
    Script::new()
        .limit(60)
        .at_with("/a.xml", feed("Alder", 6))
        .at_with("/b.xml", feed("Birch", 3))
        .otherwise(|_| Answer::new(404))
        .start()
}

/// A store with both feeds, a rule that stars the lantern items, and at most four
/// articles kept of feed a.
fn set_up(store: &Path, base: &str) {
    for args in [
        vec!["feed", "add", "--no-check", &format!("{base}/a.xml")],
        vec!["feed", "add", "--no-check", &format!("{base}/b.xml")],
        vec!["feed", "set", "1", "--max-items", "4"],
        vec!["rule", "add", "lantern", "--star"],
    ] {
        let out = common::herald_at(store, &args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// An article as (source, title, read, starred).
type Row = (String, String, bool, bool);
/// A feed as (url, name, last error).
type FeedRow = (String, String, Value);

/// Articles and feeds, sorted.
fn state(store: &Path) -> (Vec<Row>, Vec<FeedRow>) {
    let list = common::herald_at(store, &["list", "--json"]);
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let mut articles: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["source"].as_str().unwrap().to_owned(),
                a["title"].as_str().unwrap().to_owned(),
                a["read"] == true,
                a["starred"] == true,
            )
        })
        .collect();
    articles.sort();
    let feeds = common::herald_at(store, &["feed", "list", "--json"]);
    let feeds: Value = serde_json::from_slice(&feeds.stdout).unwrap();
    let feeds = feeds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["url"].as_str().unwrap().to_owned(),
                f["name"].as_str().unwrap_or_default().to_owned(),
                f["last_error"].clone(),
            )
        })
        .collect();
    (articles, feeds)
}

#[test]
fn the_command_line_and_the_reader_refresh_alike() {
    let site = server();
    let base = site.base();
    let dir = tempfile::tempdir().unwrap();
    let (cli, reader) = (dir.path().join("cli.db"), dir.path().join("reader.db"));
    set_up(&cli, &base);
    set_up(&reader, &base);

    let out = common::herald_at(&cli, &["fetch"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The reader's route: its background thread, as `R` starts it.
    let (events, received) = std::sync::mpsc::channel();
    let background =
        herald::tui::Background::start(&reader, events, &herald::app::Settings::default(), false);
    background.fetch_feeds();
    loop {
        match received.recv_timeout(Duration::from_secs(30)).unwrap() {
            Event::Report(Report::FetchDone { failures, .. }) => {
                assert!(failures.is_empty(), "{failures:?}");
                break;
            }
            Event::Report(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }

    let (cli_articles, cli_feeds) = state(&cli);
    let (reader_articles, reader_feeds) = state(&reader);
    assert_eq!(cli_articles, reader_articles);
    assert_eq!(cli_feeds, reader_feeds);
    // And what they agree on is the whole refresh: retention ran with its default
    // (keep_unread true), so Alder's --max-items 4 took none of its unread articles (harbour 1
    // stays; when keep_unread defaulted to false it went), the rule starred the lantern
    // items.
    assert_eq!(cli_articles.len(), 9, "{cli_articles:?}");
    assert!(cli_articles.iter().any(|a| a.1 == "Alder harbour 1"));
    let starred: Vec<&str> = cli_articles
        .iter()
        .filter(|a| a.3)
        .map(|a| a.1.as_str())
        .collect();
    assert!(starred.iter().all(|t| t.contains("lantern")), "{starred:?}");
    assert_eq!(starred.len(), 4, "{starred:?}");
}
