//! Subscribing by a site's address (discovery), tags as folders, and removing a feed,
//! end to end against an HTTP server on 127.0.0.1 inside the test.

use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use common::feed_fixture;
use common::herald_at as herald;
use common::server::{Answer, Script, Server};
use herald::domain::store::Store;

/// Serves fixed answers by path (anything else is a 404; a kind of "redirect" is a 301
/// to its body) and logs every path asked for. It stops by itself after a minute or
/// 1,000 requests.
fn serve(routes: Vec<(&str, &str, String)>) -> Server {
    routes
        .into_iter()
        .fold(
            // A TLS hello has no line end: answer it after a second.
            Script::new()
                .limit(1_000)
                .lifetime(Duration::from_secs(60))
                .read_timeout(Duration::from_secs(1)),
            |script, (path, kind, body)| {
                let answer = if kind == "redirect" {
                    Answer::new(301).header("Location", body)
                } else {
                    Answer::typed(kind, body)
                };
                script.at(path, answer)
            },
        )
        .otherwise(|_| {
            Answer::new(404)
                .header("Content-Type", "text/html")
                .body("<html>Not found</html>")
        })
        .start()
}

const HTML: &str = "text/html; charset=utf-8";
const XML: &str = "application/rss+xml";

fn page(head: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>A site</title>{head}</head><body><p>Hello</p></body></html>"
    )
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn feed_count(store: &Path) -> usize {
    let out = herald(store, &["feed", "list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    rows.len()
}

#[test]
fn a_404_a_page_naming_no_feed_and_plain_text_subscribe_nothing() {
    let site = serve(vec![
        ("/", HTML, page("<link rel=stylesheet href=/s.css>")),
        ("/notes.txt", "text/plain", "Just some words.".into()),
        ("/half.xml", XML, "<rss><channel><title>Half".into()),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let missing = herald(&store, &["feed", "add", &site.url("/gone.xml")]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("HTTP 404"),
        "{}",
        stderr(&missing)
    );
    let home = herald(&store, &["feed", "add", &site.url("/")]);
    assert_eq!(home.status.code(), Some(1));
    assert!(stderr(&home).contains("names no feed"), "{}", stderr(&home));
    // Every common path was tried once, on the same site, and no other address.
    let hits = site.paths();
    for path in [
        "/feed",
        "/rss",
        "/atom.xml",
        "/feed.xml",
        "/rss.xml",
        "/index.xml",
        "/feed.json",
    ] {
        assert_eq!(
            hits.iter().filter(|h| *h == path).count(),
            1,
            "{path}: {hits:?}"
        );
    }
    assert_eq!(hits.len(), 2 + 7, "{hits:?}");
    let text = herald(&store, &["feed", "add", &site.url("/notes.txt")]);
    assert!(
        stderr(&text).contains("neither a feed nor a web page"),
        "{}",
        stderr(&text)
    );
    let half = herald(&store, &["feed", "add", &site.url("/half.xml")]);
    assert_eq!(half.status.code(), Some(1));
    assert_eq!(feed_count(&store), 0, "nothing was subscribed");
}

/// `feed add 127.0.0.1:PORT/path` (no scheme) tries https, then http, and says which
/// answered (before: "is not an http or https address").
#[test]
fn an_address_without_a_scheme_tries_https_then_http() {
    let site = serve(vec![("/notes/feed.xml", XML, feed_fixture("rss.xml"))]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let bare = format!("127.0.0.1:{}/notes/feed.xml", site.port());
    let out = herald(&store, &["feed", "add", &bare]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("no scheme: http://{bare} answered")),
        "{}",
        stdout(&out)
    );
    let list = herald(&store, &["feed", "list", "--json"]);
    assert!(
        stdout(&list).contains(&format!("\"http://{bare}\"")),
        "{}",
        stdout(&list)
    );
    let again = herald(&store, &["feed", "add", &bare]);
    assert!(
        stderr(&again).contains("already subscribed"),
        "{}",
        stderr(&again)
    );
    let nowhere = herald(&store, &["feed", "add", "127.0.0.1:9/x"]);
    assert_eq!(nowhere.status.code(), Some(1));
    assert!(
        stderr(&nowhere).contains("neither https://127.0.0.1:9/x nor http://127.0.0.1:9/x"),
        "{}",
        stderr(&nowhere)
    );
}

#[test]
fn a_sites_page_leads_to_the_feed_it_names() {
    let site = serve(vec![
        (
            "/blog/",
            HTML,
            page(
                r#"<base href="/blog/posts/"><link rel="alternate" type="application/rss+xml"
                   title="Posts" href="rss.xml">"#,
            ),
        ),
        ("/blog/posts/rss.xml", XML, feed_fixture("rss.xml")),
        ("/plain/", HTML, page("")),
        (
            "/atom.xml",
            "application/atom+xml",
            feed_fixture("atom.xml"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let out = herald(
        &store,
        &["feed", "add", &site.url("/blog/"), "--tag", "news"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("/blog/posts/rss.xml (named by the page)"),
        "{}",
        stdout(&out)
    );
    // A page naming none: the common path that is a feed.
    let out = herald(&store, &["feed", "add", &site.url("/plain/")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("/atom.xml (found at a common feed address)"),
        "{}",
        stdout(&out)
    );
    let out = herald(&store, &["feed", "list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["url"], site.url("/blog/posts/rss.xml"));
    assert_eq!(rows[0]["tags"], serde_json::json!(["news"]));
    assert_eq!(rows[1]["url"], site.url("/atom.xml"));
    // Given the feed's own address, it is subscribed to as it is.
    let again = herald(&store, &["feed", "add", &site.url("/atom.xml")]);
    assert!(stderr(&again).contains("already subscribed"));
}

#[test]
fn several_feeds_are_listed_and_one_is_picked() {
    let links: String = ["/rss.xml", "/missing.xml", "/atom.xml", "/rss.xml"]
        .iter()
        .map(|h| format!(r#"<link rel="alternate" type="application/rss+xml" href="{h}">"#))
        .collect();
    let site = serve(vec![
        ("/", HTML, page(&links)),
        ("/rss.xml", XML, feed_fixture("rss.xml")),
        ("/atom.xml", XML, feed_fixture("atom.xml")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let out = herald(&store, &["feed", "add", &site.url("/")]);
    assert_eq!(out.status.code(), Some(1));
    let listed = stdout(&out);
    assert!(listed.contains("leads to 2 feeds"), "{listed}");
    assert!(
        listed.contains("  1  ") && listed.contains("  2  "),
        "{listed}"
    );
    assert!(
        !listed.contains("missing.xml"),
        "only feeds are offered: {listed}"
    );
    assert!(stderr(&out).contains("--pick"), "{}", stderr(&out));
    assert_eq!(feed_count(&store), 0);
    let out = herald(&store, &["feed", "add", &site.url("/"), "--pick", "3"]);
    assert_eq!(out.status.code(), Some(1));
    let out = herald(&store, &["feed", "add", &site.url("/"), "--pick", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["feed", "list", "--json"]).stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["url"], site.url("/atom.xml"));
}

#[test]
fn a_page_naming_hundreds_of_feeds_costs_at_most_fifty_requests() {
    let links: String = (0..300)
        .map(|i| format!(r#"<link rel="alternate" type="application/rss+xml" href="/f{i}.xml">"#))
        .collect();
    let site = serve(vec![("/", HTML, page(&links))]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let out = herald(&store, &["feed", "add", &site.url("/")]);
    assert_eq!(out.status.code(), Some(1));
    let hits = site.paths();
    // The page, fifty links, then the common paths.
    assert_eq!(hits.len(), 1 + 50 + 7, "{hits:?}");
    assert_eq!(feed_count(&store), 0);
}

#[test]
fn tags_group_the_list_and_remove_keeps_starred_articles_and_other_feeds() {
    let site = serve(vec![
        ("/rss.xml", XML, feed_fixture("rss.xml")),
        ("/atom.xml", XML, feed_fixture("atom.xml")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let long = "A name far longer than any column could hold, on and on and on";
    for args in [
        vec![
            "feed",
            "add",
            &site.url("/rss.xml"),
            "--tag",
            "news",
            "--tag",
            "daily",
        ],
        vec!["feed", "add", &site.url("/atom.xml"), "--name", long],
    ] {
        let out = herald(&store, &args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(herald(&store, &["fetch"]).status.success());
    let set = herald(
        &store,
        &[
            "feed", "set", "2", "--name", "Desk", "--tag", "news", "--untag", "none",
        ],
    );
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(stderr(&set).contains("had no tag none"));
    // Nothing to change is a usage error: clap names the settings there are.
    let nothing = herald(&store, &["feed", "set", "2"]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        stderr(&nothing).contains("--refresh"),
        "{}",
        stderr(&nothing)
    );
    assert_eq!(
        herald(&store, &["feed", "set", "9", "--tag", "x"])
            .status
            .code(),
        Some(1)
    );
    let list = stdout(&herald(&store, &["feed", "list"]));
    assert!(list.lines().all(|l| l.chars().count() <= 80), "{list}");
    let heads: Vec<&str> = list.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(heads.len(), 2, "{list}");
    assert!(heads[0].starts_with("daily  (1 feed,"), "{list}");
    assert!(heads[1].starts_with("news  (2 feeds,"), "{list}");

    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["feed", "list", "--json"]).stdout).unwrap();
    assert_eq!(rows[0]["tags"], serde_json::json!(["daily", "news"]));
    assert_eq!(rows[1]["name"], "Desk");
    let (a_total, b_total) = (
        rows[0]["total"].as_u64().unwrap(),
        rows[1]["total"].as_u64().unwrap(),
    );
    assert!(a_total >= 2 && b_total >= 1, "{rows:?}");
    assert_eq!(rows[0]["unread"], rows[0]["total"]);

    // Star one article of the first feed, read another.
    let first_name = rows[0]["name"].as_str().unwrap().to_owned();
    {
        let s = Store::open(&store).unwrap();
        let mine: Vec<_> = s
            .articles()
            .summaries(None, 0)
            .unwrap()
            .into_iter()
            .filter(|a| a.source == first_name)
            .collect();
        s.articles().set_starred(mine[0].id, true).unwrap();
        s.articles().set_read(mine[1].id, true).unwrap();
    }
    // Not on a terminal: --yes is needed, and nothing is removed without it.
    let refused = herald(&store, &["feed", "remove", "1"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
    assert_eq!(feed_count(&store), 2);
    let out = herald(&store, &["feed", "remove", &site.url("/rss.xml"), "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!(
            "{} deleted, 1 starred article kept",
            if a_total - 1 == 1 {
                "1 article".to_owned()
            } else {
                format!("{} articles", a_total - 1)
            }
        )),
        "{}",
        stdout(&out)
    );
    let s = Store::open(&store).unwrap();
    assert_eq!(
        s.maintenance().recount().unwrap(),
        (
            s.articles().count().unwrap(),
            s.articles().count_unread().unwrap()
        )
    );
    assert_eq!(
        s.articles().count().unwrap() as u64,
        b_total + 1,
        "the other feed's and the starred one"
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["feed", "list", "--json"]).stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["total"].as_u64(),
        Some(b_total),
        "the other feed is untouched"
    );
    assert_eq!(rows[0]["tags"], serde_json::json!(["news"]));
    drop(s);
    // With --include-starred nothing of the feed stays.
    let out = herald(
        &store,
        &["feed", "remove", "2", "--yes", "--include-starred"],
    );
    assert!(out.status.success());
    let s = Store::open(&store).unwrap();
    assert_eq!(
        s.articles().count().unwrap(),
        1,
        "the starred article of the first feed"
    );
    assert_eq!(
        s.maintenance().recount().unwrap(),
        (1, 1),
        "it was never read"
    );
    assert_eq!(
        (
            s.articles().count().unwrap(),
            s.articles().count_unread().unwrap()
        ),
        (1, 1)
    );
}

#[test]
fn opml_keeps_folders_as_tags_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    for args in [
        vec!["feed", "add", "--no-check", "http://127.0.0.1:9/top.xml"],
        vec![
            "feed",
            "add",
            "--no-check",
            "http://127.0.0.1:9/both.xml",
            "--name",
            "Both",
            "--tag",
            "news",
            "--tag",
            "tech & code",
        ],
        vec![
            "feed",
            "add",
            "--no-check",
            "http://127.0.0.1:9/one.xml",
            "--tag",
            "news",
        ],
    ] {
        let out = herald(&store, &args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let exported = herald(&store, &["feed", "export"]).stdout;
    let text = String::from_utf8_lossy(&exported);
    assert!(text.contains("<outline text=\"tech &amp; code\""), "{text}");
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, &exported).unwrap();
    let other = dir.path().join("other.db");
    let out = herald(&other, &["feed", "import", opml.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("subscribed to 3 of 3"),
        "{}",
        stdout(&out)
    );
    assert_eq!(herald(&other, &["feed", "export"]).stdout, exported);
    let tags = |store: &Path| -> Vec<(String, serde_json::Value)> {
        let rows: Vec<serde_json::Value> =
            serde_json::from_slice(&herald(store, &["feed", "list", "--json"]).stdout).unwrap();
        let mut all: Vec<(String, serde_json::Value)> = rows
            .into_iter()
            .map(|r| (r["url"].as_str().unwrap().to_owned(), r["tags"].clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    };
    assert_eq!(tags(&store), tags(&other));
    assert_eq!(
        tags(&other)[0],
        (
            "http://127.0.0.1:9/both.xml".to_owned(),
            serde_json::json!(["news", "tech & code"])
        )
    );
    // Importing again adds nothing and keeps the tags as they are.
    let out = herald(&other, &["feed", "import", opml.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("subscribed to 0 of 3"),
        "{}",
        stdout(&out)
    );
    assert_eq!(herald(&other, &["feed", "export"]).stdout, exported);
}

#[test]
fn moving_in_from_newsboat_brings_the_tags_and_names_of_its_urls_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.db");
    let conn = rusqlite::Connection::open(&cache).unwrap();
    conn.execute_batch(
        "CREATE TABLE rss_feed (rssurl VARCHAR(1024) PRIMARY KEY NOT NULL, url VARCHAR(1024) NOT NULL,
            title VARCHAR(1024) NOT NULL);
         CREATE TABLE rss_item (id INTEGER PRIMARY KEY AUTOINCREMENT, guid VARCHAR(64) NOT NULL,
            title VARCHAR(1024) NOT NULL, author VARCHAR(1024) NOT NULL, url VARCHAR(1024) NOT NULL,
            feedurl VARCHAR(1024) NOT NULL, pubDate INTEGER NOT NULL, content VARCHAR(65535) NOT NULL,
            unread INTEGER(1) NOT NULL, flags VARCHAR(52), deleted INTEGER(1) NOT NULL DEFAULT 0);
         INSERT INTO rss_feed (rssurl, url, title) VALUES
            ('https://harbour.example/rss.xml', 'https://harbour.example/', 'Harbour Wire'),
            ('https://valley.example/atom.xml', 'https://valley.example/', 'Valley Desk');
         INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, flags) VALUES
            ('nb-1', 'Ferry timetable changes', '', 'https://harbour.example/t',
             'https://harbour.example/rss.xml', 1740000000, '<p>New times.</p>', 1, '');",
    )
    .unwrap();
    drop(conn);
    std::fs::write(
        dir.path().join("urls"),
        "# newsboat's urls file\n\
         https://harbour.example/rss.xml \"local news\" boats \"~The Harbour\" !hidden\n\
         https://valley.example/atom.xml boats\n\
         https://only-here.example/feed \"~Only here\"\n\
         \"query:Unread Articles:unread = \\\"yes\\\"\"\n",
    )
    .unwrap();
    let store = dir.path().join("s.db");
    let out = herald(
        &store,
        &["import", "--from-newsboat", cache.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("tags and names from"),
        "{}",
        stdout(&out)
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["feed", "list", "--json"]).stdout).unwrap();
    let got: Vec<(String, serde_json::Value, serde_json::Value)> = rows
        .iter()
        .map(|r| {
            (
                r["url"].as_str().unwrap().to_owned(),
                r["name"].clone(),
                r["tags"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "https://harbour.example/rss.xml".to_owned(),
                serde_json::json!("The Harbour"),
                serde_json::json!(["boats", "local news"])
            ),
            (
                "https://valley.example/atom.xml".to_owned(),
                serde_json::json!("Valley Desk"),
                serde_json::json!(["boats"])
            ),
            (
                "https://only-here.example/feed".to_owned(),
                serde_json::json!("Only here"),
                serde_json::json!([])
            ),
        ]
    );
    assert_eq!(rows[0]["unread"], 1);
    let list = herald(&store, &["list", "--json"]);
    let articles: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        articles[0]["source"], "The Harbour",
        "the renamed feed names its articles"
    );
    // Moving in again changes nothing.
    let again = herald(
        &store,
        &["import", "--from-newsboat", cache.to_str().unwrap()],
    );
    assert!(again.status.success());
    let rows_again: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["feed", "list", "--json"]).stdout).unwrap();
    assert_eq!(rows_again, rows);
}

#[test]
fn links_resolve_against_the_page_redirected_to_and_a_huge_page_is_refused() {
    let huge = format!("<html><head>{}</head></html>", " ".repeat(17 * 1024 * 1024));
    let site = serve(vec![
        ("/go", "redirect", "/blog/index.html".into()),
        (
            "/blog/index.html",
            HTML,
            page(r#"<link rel="alternate" type="application/atom+xml" href="feed.xml">"#),
        ),
        (
            "/blog/feed.xml",
            "application/atom+xml",
            feed_fixture("atom.xml"),
        ),
        ("/huge", HTML, huge),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let out = herald(&store, &["feed", "add", &site.url("/go")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&site.url("/blog/feed.xml")),
        "{}",
        stdout(&out)
    );
    let out = herald(&store, &["feed", "add", &site.url("/huge")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("16 MiB limit"), "{}", stderr(&out));
    assert_eq!(feed_count(&store), 1);
}

/// The question on a real terminal: tmux runs `feed remove`, the test answers.
#[test]
fn remove_asks_on_a_terminal_and_only_yes_removes() {
    use std::process::Command;
    if !Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        panic!("tmux is needed for this test: apt-get install tmux (.ci/run does this)");
    }
    let site = serve(vec![("/rss.xml", XML, feed_fixture("rss.xml"))]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    assert!(
        herald(&store, &["feed", "add", &site.url("/rss.xml")])
            .status
            .success()
    );
    assert!(herald(&store, &["fetch"]).status.success());
    let before = Store::open(&store).unwrap().articles().count().unwrap();
    assert!(before >= 2);
    let socket = format!("herald-subscribe-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .unwrap()
    };
    struct Kill<'a>(&'a dyn Fn(&[&str]) -> std::process::Output);
    impl Drop for Kill<'_> {
        fn drop(&mut self) {
            let _ = (self.0)(&["kill-server"]);
        }
    }
    let _kill = Kill(&tmux);
    // Waits until `text` is on the screen `times` times.
    let wait_for_n = |text: &str, times: usize| -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = tmux(&["capture-pane", "-p", "-t", "herald"]);
            let screen = String::from_utf8_lossy(&out.stdout).into_owned();
            if screen.matches(text).count() >= times {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let wait_for = |text: &str| wait_for_n(text, 1);
    let command = format!(
        "{bin} --store {s} feed remove 1; echo exit=$?; {bin} --store {s} feed remove 1; echo exit=$?; sleep 60",
        bin = env!("CARGO_BIN_EXE_herald"),
        s = store.display()
    );
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        "herald",
        "-x",
        "100",
        "-y",
        "30",
        "sh",
        "-c",
        &command,
    ]);
    assert!(started.status.success(), "{}", stderr(&started));
    let screen = wait_for("[y/N]");
    assert!(
        screen.contains(&format!(
            "Remove Harbour Wire and its {before} articles (0 starred kept)? [y/N]"
        )),
        "{screen}"
    );
    tmux(&["send-keys", "-t", "herald", "n", "Enter"]);
    wait_for("nothing was removed");
    assert_eq!(
        Store::open(&store).unwrap().articles().count().unwrap(),
        before
    );
    wait_for_n("[y/N]", 2);
    tmux(&["send-keys", "-t", "herald", "y", "Enter"]);
    let screen = wait_for("unsubscribed from Harbour Wire");
    assert!(
        screen.contains(&format!("{before} articles deleted")),
        "{screen}"
    );
    let s = Store::open(&store).unwrap();
    assert_eq!(s.articles().count().unwrap(), 0);
    assert_eq!(s.maintenance().recount().unwrap(), (0, 0));
}
