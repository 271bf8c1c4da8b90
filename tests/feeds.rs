//! Feeds end to end against an HTTP server on 127.0.0.1 inside the test, serving fixture
//! feeds: formats, rich HTML, a malformed feed, one over the size cap, one slower than
//! the timeout, a 304 on the second request, redirects; OPML round trip; newsboat.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;

use common::feed_fixture;
use common::herald_at as herald;
use common::server::{Answer, Script, Server};
use herald::domain::fetch::{self, Outcome};
use herald::domain::store::Store;

/// The fixture feeds, each way a feed can fail, a 304 on the second request and
/// redirects; at most 500 requests and two minutes, so it never outlives its test.
fn serve() -> Server {
    let xml = "application/rss+xml";
    let changing = AtomicUsize::new(0);
    Script::new()
        .at("/rss.xml", Answer::typed(xml, feed_fixture("rss.xml")))
        .at("/atom.xml", Answer::typed(xml, feed_fixture("atom.xml")))
        .at("/feed.json", Answer::ok(feed_fixture("feed.json")))
        .at("/rich.xml", Answer::typed(xml, feed_fixture("rich.xml")))
        .at(
            "/broken.xml",
            Answer::typed(xml, "<rss><channel><title>Half a feed"),
        )
        .at_with("/huge.xml", move |_| {
            let mut body = String::from(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Huge</title>",
            );
            while body.len() < 300_000 {
                body.push_str("<item><title>Padding</title><description>More padding text.</description></item>");
            }
            body.push_str("</channel></rss>");
            Answer::typed(xml, body)
        })
        .at(
            "/slow.xml",
            Answer::typed(xml, feed_fixture("rss.xml")).after(Duration::from_secs(4)),
        )
        .at_with("/etag.xml", |r| {
            if r.header("if-none-match") == Some("\"v1\"") {
                Answer::new(304).header("ETag", "\"v1\"")
            } else {
                Answer::ok(feed_fixture("atom.xml")).header("ETag", "\"v1\"")
            }
        })
        .at_with("/changing.xml", move |_| {
            let n = changing.fetch_add(1, Ordering::SeqCst);
            let title = if n == 0 {
                "First headline"
            } else {
                "Corrected headline"
            };
            Answer::typed(
                xml,
                format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Changing</title>\
                     <item><guid>same-guid</guid><title>{title}</title><link>https://changing.example/a</link>\
                     <description>Body {n}.</description></item></channel></rss>"
                ),
            )
        })
        .at_with("/redirect", |r| {
            Answer::new(302).header("Location", format!("{}/feed.json", r.origin()))
        })
        .at(
            "/redirect-ftp",
            Answer::new(302).header("Location", "ftp://127.0.0.1/feed.xml"),
        )
        .otherwise(|_| Answer::new(404).body("no such feed"))
        .start()
}

/// How many requests the server answered 304.
fn not_modified(server: &Server) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path == "/etag.xml" && r.header("if-none-match") == Some("\"v1\""))
        .count()
}

fn options() -> fetch::Options {
    fetch::Options {
        jobs: 4,
        timeout: Duration::from_secs(2),
        max_bytes: 100 * 1024,
        ..Default::default()
    }
}

fn run_fetch(store: &mut Store) -> Vec<fetch::Report> {
    let feeds = store.feeds().list().unwrap();
    let mut seen = 0;
    let reports = fetch::fetch_all(
        store,
        feeds,
        options(),
        jiff::Timestamp::UNIX_EPOCH,
        &mut |done, total, _| {
            seen = done;
            assert!(done <= total);
        },
    );
    assert_eq!(seen, reports.len());
    reports
}

fn outcome<'a>(reports: &'a [fetch::Report], path: &str) -> &'a Outcome {
    &reports
        .iter()
        .find(|r| r.feed.url.ends_with(path))
        .unwrap()
        .outcome
}

#[test]
fn fetching_every_kind_of_feed_and_every_kind_of_failure() {
    let server = serve();
    let mut store = Store::open_in_memory().unwrap();
    for path in [
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        "/rich.xml",
        "/broken.xml",
        "/huge.xml",
        "/slow.xml",
        "/etag.xml",
        "/redirect",
        "/redirect-ftp",
        "/missing.xml",
    ] {
        store.feeds().add_feed(&server.url(path), None).unwrap();
    }
    let started = Instant::now();
    let reports = run_fetch(&mut store);
    // Four at a time, the slow feed does not hold up the others past its timeout: a
    // figure to read, not an assertion (the machine is shared; benches measure speed).
    eprintln!("fetched 10 feeds, one slow, in {:?}", started.elapsed());

    let stored = |path: &str| match outcome(&reports, path) {
        Outcome::Stored(c) => c.new,
        other => panic!("{path}: {other:?}"),
    };
    assert_eq!(stored("/rss.xml"), 2);
    assert_eq!(stored("/atom.xml"), 1);
    assert_eq!(stored("/feed.json"), 1);
    assert_eq!(stored("/rich.xml"), 1);
    // Another subscription with the same items as atom.xml (and one that redirects to
    // feed.json) keeps its own copies: an article belongs to its feed.
    assert_eq!(
        stored("/etag.xml"),
        1,
        "same items as atom.xml, its own feed"
    );
    assert_eq!(stored("/redirect"), 1, "the redirect reached feed.json");
    let failed = |path: &str| match outcome(&reports, path) {
        Outcome::Failed(reason) => reason.clone(),
        other => panic!("{path}: {other:?}"),
    };
    assert!(
        failed("/broken.xml").contains("not a feed"),
        "{}",
        failed("/broken.xml")
    );
    assert!(
        failed("/huge.xml").contains("limit"),
        "{}",
        failed("/huge.xml")
    );
    assert!(
        failed("/slow.xml").to_lowercase().contains("timeout"),
        "{}",
        failed("/slow.xml")
    );
    assert!(!failed("/redirect-ftp").is_empty());
    assert!(failed("/missing.xml").contains("404"));

    // Unnamed feeds take the feed's own title.
    let names: Vec<Option<String>> = store
        .feeds()
        .list()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(names.contains(&Some("Harbour Wire".into())));

    // The rich item reads as structured text with its links listed.
    let q =
        herald::domain::search::parse("title:survey", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
    let id = store
        .articles()
        .search(&q, herald::domain::search::Order::Newest)
        .unwrap()
        .ids[0];
    let article = store.articles().article(id).unwrap().unwrap();
    assert_eq!(
        article.paragraphs,
        [
            "## The instruments",
            "The boat carries an echo sounder [1] and a GPS mast.",
            "• Depth every 100 m\n• Position every second",
            "> We log it all by hand as well.",
            "depth  position\n12.4   51.90N 4.48E",
            "[image: The survey boat at dawn]",
            "Read the full log [2].",
        ]
    );
    assert_eq!(
        article.links,
        ["https://rich.example/sonar", "https://rich.example/log"]
    );

    // Second fetch: the ETag feed costs one 304.
    let reports = run_fetch(&mut store);
    assert_eq!(outcome(&reports, "/etag.xml"), &Outcome::NotModified);
    assert_eq!(not_modified(&server), 1);
    assert_eq!(server.times_asked("/etag.xml"), 2);
}

#[test]
fn an_item_fetched_again_is_updated_in_place_keeping_its_state() {
    let server = serve();
    let mut store = Store::open_in_memory().unwrap();
    store
        .feeds()
        .add_feed(&server.url("/changing.xml"), Some("Changing"))
        .unwrap();
    run_fetch(&mut store);
    let row = store.articles().summaries(None, 0).unwrap().remove(0);
    assert_eq!(row.title, "First headline");
    store.articles().set_read(row.id, true).unwrap();
    store.articles().set_starred(row.id, true).unwrap();
    store
        .articles()
        .save_position(
            row.id,
            herald::domain::model::Position {
                paragraph: 0,
                offset: 2,
            },
        )
        .unwrap();
    let reports = run_fetch(&mut store);
    assert!(matches!(&reports[0].outcome, Outcome::Stored(c) if c.updated == 1 && c.new == 0));
    assert_eq!(server.times_asked("/changing.xml"), 2);
    assert_eq!(store.articles().count().unwrap(), 1, "not duplicated");
    let article = store.articles().article(row.id).unwrap().unwrap();
    assert_eq!(article.summary.title, "Corrected headline");
    assert!(article.summary.read && article.summary.starred);
    assert_eq!(article.position.offset, 2);
    let q = herald::domain::search::parse("corrected", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
    assert_eq!(
        store
            .articles()
            .search(&q, herald::domain::search::Order::Newest)
            .unwrap()
            .ids,
        [row.id]
    );
    let q = herald::domain::search::parse("first", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
    assert!(
        store
            .articles()
            .search(&q, herald::domain::search::Order::Newest)
            .unwrap()
            .ids
            .is_empty()
    );
}

#[test]
fn one_feed_is_counted_in_the_singular_and_a_parse_error_is_said_once() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    herald(&store, &["feed", "add", &server.url("/rss.xml")]);
    let out = herald(&store, &["fetch", "--timeout", "5"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("fetched 1 feed: 2 new"), "{stdout}");

    // An unclosed tag: feed-rs's error repeats its cause in its own message.
    let bad = dir.path().join("tides.xml");
    std::fs::write(
        &bad,
        "<rss version=\"2.0\"><channel><title>Tides</title><item><title>Low",
    )
    .unwrap();
    let out = herald(&store, &["import", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a feed herald can read"), "{stderr}");
    assert_eq!(stderr.matches("end of input").count(), 1, "{stderr}");
}

#[test]
fn the_command_line_subscribes_fetches_and_moves_subscriptions_with_opml() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    assert!(
        herald(
            &store,
            &["feed", "add", &server.url("/rss.xml"), "--name", "Harbour"]
        )
        .status
        .success()
    );
    // Not a feed: refused, unless told not to check (a feed that is down now).
    let refused = herald(&store, &["feed", "add", &server.url("/broken.xml")]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        herald(
            &store,
            &["feed", "add", "--no-check", &server.url("/broken.xml")]
        )
        .status
        .success()
    );
    let again = herald(&store, &["feed", "add", &server.url("/rss.xml")]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already subscribed"));
    let bad = herald(&store, &["feed", "add", "file:///etc/passwd"]);
    assert_eq!(bad.status.code(), Some(1));

    let out = herald(&store, &["fetch", "--timeout", "5"]);
    assert_eq!(out.status.code(), Some(1), "one feed failed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Harbour: 2 new, 0 updated"), "{stdout}");
    assert!(
        stdout.contains("fetched 2 feeds: 2 new, 0 updated, 1 failed"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("failed: not a feed"));

    let list = herald(&store, &["list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["source"], "Harbour");

    // OPML out, into a new store, and back out the same.
    let exported = herald(&store, &["feed", "export"]);
    let opml = dir.path().join("out.opml");
    std::fs::write(&opml, &exported.stdout).unwrap();
    let other = dir.path().join("other.db");
    let imported = herald(&other, &["feed", "import", opml.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&imported.stdout).contains("subscribed to 2 of 2"));
    assert_eq!(herald(&other, &["feed", "export"]).stdout, exported.stdout);
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds/subscriptions.opml");
    let out = herald(&other, &["feed", "import", fixture.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("subscribed to 2 of 3"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("file:///etc/passwd"));
    let listed = herald(&other, &["feed", "list", "--json"]);
    let feeds: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(feeds.len(), 4);
    let removed = herald(&other, &["feed", "remove", "1", "--yes"]);
    assert!(removed.status.success());
    assert!(
        herald(&other, &["feed", "remove", "99", "--yes"])
            .status
            .code()
            == Some(1)
    );
}

#[test]
fn feed_files_and_saved_pages_import_like_articles() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let page = dir.path().join("saved.html");
    std::fs::write(
        &page,
        "<html><head><meta property=\"og:title\" content=\"Bridge painting finished\">\
         <meta name=\"author\" content=\"Lena Ortiz\"></head><body><nav>Menu</nav>\
         <article><p>The bridge is green again.</p></article>\
         <div class=\"comments\">42 comments</div></body></html>",
    )
    .unwrap();
    let feeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let out = herald(
        &store,
        &["import", feeds.to_str().unwrap(), page.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // rss 2 + atom 1 + json 1 + rich 1 + the page; the OPML file is not an article.
    assert_eq!(
        stdout.trim(),
        "imported 6, already present 0, failed 1",
        "{stderr}"
    );
    assert!(
        stderr.contains("subscriptions.opml") && stderr.contains("herald feed import"),
        "{stderr}"
    );
    let again = herald(&store, &["import", feeds.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("imported 0,"));
    let rows = herald(&store, &["search", "bridge", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&rows.stdout).unwrap();
    assert_eq!(rows[0]["authors"], serde_json::json!(["Lena Ortiz"]));
}

/// A newsboat cache.db with newsboat's own tables (the columns herald reads, and others).
fn newsboat_cache(path: &PathBuf) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE rss_feed (rssurl VARCHAR(1024) PRIMARY KEY NOT NULL, url VARCHAR(1024) NOT NULL,
            title VARCHAR(1024) NOT NULL, lastmodified INTEGER(11) NOT NULL DEFAULT 0,
            is_rtl INTEGER(1) NOT NULL DEFAULT 0, etag VARCHAR(128) NOT NULL DEFAULT '');
         CREATE TABLE rss_item (id INTEGER PRIMARY KEY AUTOINCREMENT, guid VARCHAR(64) NOT NULL,
            title VARCHAR(1024) NOT NULL, author VARCHAR(1024) NOT NULL, url VARCHAR(1024) NOT NULL,
            feedurl VARCHAR(1024) NOT NULL, pubDate INTEGER NOT NULL, content VARCHAR(65535) NOT NULL,
            unread INTEGER(1) NOT NULL, enclosure_url VARCHAR(1024), enclosure_type VARCHAR(1024),
            enqueued INTEGER(1) NOT NULL DEFAULT 0, flags VARCHAR(52), deleted INTEGER(1) NOT NULL DEFAULT 0,
            base VARCHAR(128) NOT NULL DEFAULT '', content_mime_type VARCHAR(255) NOT NULL DEFAULT '');
         INSERT INTO rss_feed (rssurl, url, title) VALUES
            ('https://harbour.example/rss.xml', 'https://harbour.example/', 'Harbour Wire'),
            ('https://valley.example/atom.xml', 'https://valley.example/', 'Valley Desk');
         INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, flags, deleted) VALUES
            ('nb-1', 'Ferry timetable changes', 'Ana Lima', 'https://harbour.example/t', 'https://harbour.example/rss.xml', 1740000000, '<p>New times from <b>May</b>.</p><p>See the <a href=\"https://harbour.example/times\">list</a>.</p>', 0, 's', 0),
            ('nb-2', 'Orchard frost warning', '', 'https://valley.example/frost', 'https://valley.example/atom.xml', 1740100000, '<p>Growers ready the fans.</p>', 1, '', 0),
            ('nb-3', 'Deleted item', '', 'https://valley.example/gone', 'https://valley.example/atom.xml', 1740200000, '<p>Gone.</p>', 1, NULL, 1);",
    )
    .unwrap();
}

#[test]
fn moving_in_from_newsboat_keeps_feeds_articles_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    newsboat_cache(&cache);
    let store = dir.path().join("s.db");
    let out = herald(
        &store,
        &["import", "--from-newsboat", cache.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("2 subscriptions added") && stdout.contains("2 new"),
        "{stdout}"
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["list", "--json"]).stdout).unwrap();
    assert_eq!(rows.len(), 2);
    let ferry = rows
        .iter()
        .find(|r| r["title"] == "Ferry timetable changes")
        .unwrap();
    assert_eq!(ferry["source"], "Harbour Wire");
    assert_eq!(ferry["read"], true);
    assert_eq!(ferry["starred"], true);
    assert_eq!(ferry["authors"], serde_json::json!(["Ana Lima"]));
    let frost = rows
        .iter()
        .find(|r| r["title"] == "Orchard frost warning")
        .unwrap();
    assert_eq!(frost["read"], false);
    let id = ferry["id"].as_i64().unwrap().to_string();
    let shown: serde_json::Value =
        serde_json::from_slice(&herald(&store, &["show", &id, "--json"]).stdout).unwrap();
    assert_eq!(
        shown["paragraphs"],
        serde_json::json!(["New times from May.", "See the list [1]."])
    );
    assert_eq!(
        shown["links"],
        serde_json::json!(["https://harbour.example/times"])
    );
    let feeds = herald(&store, &["feed", "list", "--json"]);
    let feeds: Vec<serde_json::Value> = serde_json::from_slice(&feeds.stdout).unwrap();
    assert_eq!(feeds.len(), 2);
    // The articles belong to their feeds: the next fetch of the feed finds them.
    {
        let opened = Store::open(&store).unwrap();
        let harbour = opened
            .feeds()
            .feed_by_url("https://harbour.example/rss.xml")
            .unwrap()
            .unwrap();
        let again = herald::domain::model::NewArticle {
            guid: Some("nb-1".into()),
            source: "Harbour Wire".into(),
            title: "Ferry timetable changes, revised".into(),
            url: Some("https://harbour.example/t".into()),
            paragraphs: vec!["New times from June.".into()],
            ..Default::default()
        };
        let counts = opened
            .feeds()
            .upsert(Some(&harbour), &[again], jiff::Timestamp::now())
            .unwrap();
        assert_eq!((counts.new, counts.updated), (0, 1));
        assert_eq!(opened.articles().count().unwrap(), 2);
        let ferry = opened
            .articles()
            .summary(herald::domain::model::ArticleId(id.parse().unwrap()))
            .unwrap()
            .unwrap();
        assert!(ferry.read && ferry.starred, "state kept through the update");
    }
    // Not a newsboat cache: a clear error.
    let notes = dir.path().join("notes.db");
    rusqlite::Connection::open(&notes)
        .unwrap()
        .execute_batch("CREATE TABLE x (a)")
        .unwrap();
    let out = herald(
        &store,
        &["import", "--from-newsboat", notes.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a newsboat cache"));
}

#[test]
fn a_bad_newsboat_row_is_named_and_the_rest_move_in_capped() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    newsboat_cache(&cache);
    let conn = rusqlite::Connection::open(&cache).unwrap();
    // SQLite keeps what it cannot convert to a column's type as it is, so a damaged or
    // hand-edited cache can hold text where newsboat writes numbers, or a blob.
    let long_body = format!("<p>{}</p>", "quay ".repeat(600)).repeat(1000);
    conn.execute_batch(&format!(
        "INSERT INTO rss_item (id, guid, title, author, url, feedurl, pubDate, content, unread) VALUES
            (10, 'nb-10', 'Dated in words', '', 'https://harbour.example/10', 'https://harbour.example/rss.xml', 'last tuesday', '<p>x</p>', 1),
            (11, 'nb-11', 'Body as a blob', '', 'https://harbour.example/11', 'https://harbour.example/rss.xml', 1740000000, X'00ff10', 1),
            (12, 'nb-12', 'Unread in words', '', 'https://harbour.example/12', 'https://harbour.example/rss.xml', 1740000000, '<p>y</p>', 'yes'),
            (13, 'nb-13', 'Breakwater survey in full', '', 'https://harbour.example/13', 'https://harbour.example/rss.xml', 1740300000, '{long_body}', 1),
            (14, 'nb-14', 'Pier lights fixed', '', 'https://harbour.example/14', 'https://harbour.example/rss.xml', 1740400000, '<p>On again.</p>', 1);"
    ))
    .unwrap();
    drop(conn);
    let store = dir.path().join("s.db");
    let out = herald(
        &store,
        &["import", "--from-newsboat", cache.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Rows were left out: the exit status says so, as for a file that failed.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("4 new") && stdout.contains("3 rows skipped"),
        "{stdout}"
    );
    for expected in [
        "error: ",
        "row 10: column pubDate: expected a number, found text",
        "row 11: column content: expected text, found a blob",
        "row 12: column unread: expected a number, found text",
        "warning: ",
        "row 13: the body was 2999000 characters long; kept the first 2000000",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["list", "--json"]).stdout).unwrap();
    let mut titles: Vec<&str> = rows.iter().map(|r| r["title"].as_str().unwrap()).collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            "Breakwater survey in full",
            "Ferry timetable changes",
            "Orchard frost warning",
            "Pier lights fixed"
        ]
    );
}

/// Moves a newsboat cache of 100,000 articles in and prints the peak memory and the time:
/// `cargo test --release --test feeds -- --ignored --nocapture newsboat_cache_of`. The
/// articles go to the store a batch at a time, so the peak should not grow with the cache.
#[test]
#[ignore]
fn a_newsboat_cache_of_100000_rows_moves_in_a_batch_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    newsboat_cache(&cache);
    let mut conn = rusqlite::Connection::open(&cache).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread)
                 VALUES (?1, ?2, 'Desk', ?3, 'https://harbour.example/rss.xml', ?4, ?5, 1)",
            )
            .unwrap();
        let body =
            "<p>The harbour master logged the tide, the wind and the ships that came in. </p>"
                .repeat(20);
        for i in 0..100_000 {
            insert
                .execute(rusqlite::params![
                    format!("bulk-{i}"),
                    format!("Harbour log {i}"),
                    format!("https://harbour.example/log/{i}"),
                    1_700_000_000 + i,
                    body,
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(conn);
    let cache_bytes = std::fs::metadata(&cache).unwrap().len();
    let store = dir.path().join("s.db");
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(&store)
        .args(["import", "--from-newsboat", cache.to_str().unwrap()])
        .output()
        .expect("/usr/bin/time");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let field = |name: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .unwrap_or("?")
            .trim()
            .to_owned()
    };
    println!(
        "newsboat cache of 100,000 rows ({} MB): peak {} KiB, {} elapsed; {}",
        cache_bytes / 1_000_000,
        field("Maximum resident set size (kbytes):"),
        field("Elapsed (wall clock) time (h:mm:ss or m:ss):"),
        String::from_utf8_lossy(&out.stdout).trim()
    );
}

#[test]
fn the_reader_fetches_in_the_background_and_reports_progress() {
    use herald::app::Report;
    use herald::tui::event::Event;
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = Store::open(&path).unwrap();
    store
        .feeds()
        .add_feed(&server.url("/rss.xml"), None)
        .unwrap();
    store
        .feeds()
        .add_feed(&server.url("/broken.xml"), Some("Broken"))
        .unwrap();
    let (events, received) = std::sync::mpsc::channel();
    let background =
        herald::tui::Background::start(&path, events, &herald::app::Settings::default(), false);
    background.fetch_feeds();
    let mut progress = Vec::new();
    let done = loop {
        match received.recv_timeout(Duration::from_secs(20)).unwrap() {
            Event::Report(Report::FetchProgress { done, total }) => progress.push((done, total)),
            Event::Report(done @ Report::FetchDone { .. }) => break done,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(progress, [(1, 2), (2, 2)]);
    let Report::FetchDone {
        new,
        updated,
        failures,
        ..
    } = done
    else {
        unreachable!()
    };
    assert_eq!((new, updated), (2, 0));
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0].starts_with("Broken: not a feed"),
        "{failures:?}"
    );
    assert_eq!(
        store.articles().count().unwrap(),
        2,
        "written through the thread's own connection"
    );
    // Then when the next feed is due, for the reader to wake at.
    let next = match received.recv_timeout(Duration::from_secs(20)).unwrap() {
        Event::Report(Report::Scheduled(Some(at))) => at,
        other => panic!("expected the schedule, got {other:?}"),
    };
    assert!(
        next > jiff::Timestamp::now(),
        "nothing is due right after a fetch"
    );

    // A refresh fetches only what is due: a feed added now (never fetched) is, the two
    // just fetched are not.
    store
        .feeds()
        .add_feed(&server.url("/atom.xml"), None)
        .unwrap();
    background.fetch_due();
    let done = loop {
        match received.recv_timeout(Duration::from_secs(20)).unwrap() {
            Event::Report(Report::FetchProgress { .. }) => {}
            Event::Report(done @ Report::FetchDone { .. }) => break done,
            other => panic!("unexpected {other:?}"),
        }
    };
    let Report::FetchDone { new, failures, .. } = done else {
        unreachable!()
    };
    assert_eq!(new, 1, "only the new feed's item");
    assert!(
        failures.is_empty(),
        "the broken feed was not due: {failures:?}"
    );
}

/// Two feed files from disk whose items share guids and links are two feeds: importing
/// the second stores its own articles, and importing the first again changes nothing.
#[test]
fn feed_files_from_disk_keep_their_own_articles() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let file = |name: &str, site: &str, title: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{site}</title>\
                 <link>https://{site}.example/</link><item><guid>1</guid><title>{title}</title>\
                 <link>https://shared.example/story</link><description>Text of {title}.</description>\
                 </item></channel></rss>"
            ),
        )
        .unwrap();
        path
    };
    let a = file("a.xml", "alpha", "Alpha's report");
    let b = file("b.xml", "beta", "Beta's report");
    let out = herald(
        &store,
        &["import", a.to_str().unwrap(), b.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = herald(&store, &["import", a.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("imported 0, already present 1"));
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["list", "--json"]).stdout).unwrap();
    let mut titles: Vec<&str> = rows.iter().filter_map(|r| r["title"].as_str()).collect();
    titles.sort();
    assert_eq!(titles, ["Alpha's report", "Beta's report"]);
}
