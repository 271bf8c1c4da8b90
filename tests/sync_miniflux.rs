//! Sync against a real Miniflux: `scripts/with-servers cargo test --locked` starts one
//! (PostgreSQL and Miniflux 2.3.5 on loopback ports) and names it in
//! HERALD_TEST_MINIFLUX_URL, _USER and _PASSWORD. Every test here has `needs_miniflux` in
//! its name and fails, saying why, when those are not set: it never skips. Each test
//! makes its own Miniflux user, so they run side by side; Miniflux fetches their feeds
//! from a loopback server in the test (FETCHER_ALLOW_PRIVATE_NETWORKS=1).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::server::{Answer, Script, Server};
use serde_json::{Value, json};

/// The test server's address and admin credentials.
struct Miniflux {
    url: String,
    user: String,
    password: String,
}

fn miniflux() -> Miniflux {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: the needs_miniflux tests run against a real Miniflux; \
                 run them as `scripts/with-servers cargo test --locked` (PostgreSQL and Go \
                 needed, see README)"
            )
        })
    };
    Miniflux {
        url: var("HERALD_TEST_MINIFLUX_URL"),
        user: var("HERALD_TEST_MINIFLUX_USER"),
        password: var("HERALD_TEST_MINIFLUX_PASSWORD"),
    }
}

impl Miniflux {
    /// A request to the server's API as this user: the status and the JSON answer.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.user, self.password));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url))
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/json");
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut response = agent.run(request.body(body).unwrap()).unwrap();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.call(method, path, body);
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {answer}"
        );
        answer
    }

    /// A new user of this server, for one test.
    fn user(&self, test: &str) -> Miniflux {
        let name = format!("{test}-{}", std::process::id());
        self.ok(
            "POST",
            "/v1/users",
            Some(json!({"username": name, "password": "test-password-1"})),
        );
        Miniflux {
            url: self.url.clone(),
            user: name,
            password: "test-password-1".into(),
        }
    }

    /// The server's entries, by title: (id, read, starred).
    fn entries(&self) -> Vec<(String, i64, bool, bool)> {
        let answer = self.ok("GET", "/v1/entries?limit=1000&order=id", None);
        let mut all: Vec<_> = answer["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["title"].as_str().unwrap().to_owned(),
                    e["id"].as_i64().unwrap(),
                    e["status"] == "read",
                    e["starred"] == true,
                )
            })
            .collect();
        all.sort();
        all
    }

    fn entry_id(&self, title: &str) -> i64 {
        self.entries()
            .into_iter()
            .find(|e| e.0 == title)
            .unwrap_or_else(|| panic!("no entry {title}"))
            .1
    }
}

/// A loopback server of RSS feeds for Miniflux to fetch: `/N.xml` is a feed of
/// `items` items titled "Feed N story I". It stops by itself after two minutes.
fn feed_server(items: usize) -> Server {
    Script::new()
        .limit(100_000)
        .otherwise(move |r| {
            let origin = r.origin();
            // An item's own page (`/N/I`): a full article, for full text.
            if let Some((n, i)) = r.path.trim_start_matches('/').split_once('/') {
                let paragraph = |k: usize| {
                    format!(
                        "<p>The whole of story {i} of feed {n}, which only its page holds: \
                     the keeper of the lighthouse logged every ship that passed the \
                     point, the tides that turned, the weather that came in from the \
                     west, and wrote each night of the long winter in a careful hand \
                     that the village still reads aloud. Pagewordonly{i} marks it, part {k}.</p>"
                    )
                };
                let page = format!(
                    "<html><head><title>Story {i}</title></head><body><article>\
                     <h1>Story {i}</h1>{}</article></body></html>",
                    (1..=6).map(paragraph).collect::<String>()
                );
                return Answer::typed("text/html; charset=utf-8", page);
            }
            let n = r.path.trim_start_matches('/').trim_end_matches(".xml");
            let mut body = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\
                 <title>Feed {n}</title><link>{origin}/</link>"
            );
            for i in 1..=items {
                // `/sameN.xml`: every item links to the site's home page (a
                // comic, a live blog), each with a guid of its own.
                let link = if n.starts_with("same") {
                    format!("{origin}/")
                } else {
                    format!("{origin}/{n}/{i}")
                };
                body.push_str(&format!(
                    "<item><guid>f{n}-{i}</guid><title>Feed {n} story {i}</title>\
                     <link>{link}</link>\
                     <description>&lt;p&gt;Story {i} of feed {n}.&lt;/p&gt;</description>\
                     <pubDate>Mon, 30 Nov 2026 {:02}:00:00 GMT</pubDate></item>",
                    i % 24
                ));
            }
            body.push_str("</channel></rss>");
            Answer::typed("application/rss+xml", body)
        })
        .start()
}

/// A herald store with account `home` on `server` as its user.
struct Herald {
    _dir: tempfile::TempDir,
    store: PathBuf,
}

impl Herald {
    fn empty() -> Herald {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("herald.db");
        Herald { _dir: dir, store }
    }

    /// With account `home` signing in with an API token instead of a password.
    fn with_token(url: &str, token: &str) -> Herald {
        let herald = Herald::empty();
        herald.ok(&[
            "account",
            "add",
            "home",
            "--kind",
            "miniflux",
            "--url",
            url,
            "--secret-command",
            "echo",
            token,
        ]);
        herald
    }

    fn new(server: &Miniflux, url: &str) -> Herald {
        let herald = Herald::empty();
        herald.ok(&[
            "account",
            "add",
            "home",
            "--kind",
            "miniflux",
            "--url",
            url,
            "--user",
            &server.user,
            "--secret-command",
            "echo",
            &server.password,
        ]);
        herald
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        common::herald_at(&self.store, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "herald {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Articles by title: (id, read, starred).
    fn articles(&self) -> Vec<(String, i64, bool, bool)> {
        let list: Value = serde_json::from_str(&self.ok(&["list", "--json"])).unwrap();
        let mut all: Vec<_> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["title"].as_str().unwrap().to_owned(),
                    a["id"].as_i64().unwrap(),
                    a["read"] == true,
                    a["starred"] == true,
                )
            })
            .collect();
        all.sort();
        all
    }

    fn id(&self, title: &str) -> String {
        self.articles()
            .into_iter()
            .find(|a| a.0 == title)
            .unwrap_or_else(|| panic!("no article {title}"))
            .1
            .to_string()
    }

    fn waiting(&self) -> i64 {
        let list: Value = serde_json::from_str(&self.ok(&["account", "list", "--json"])).unwrap();
        list[0]["waiting"].as_i64().unwrap()
    }
}

fn path(store: &Path) -> &str {
    store.to_str().unwrap()
}

/// The harness itself: the server answers as the test user.
#[test]
fn needs_miniflux_the_test_server_answers() {
    let server = miniflux();
    let me = server.ok("GET", "/v1/me", None);
    assert_eq!(me["username"], server.user.as_str());
}

/// Subscribed on the server → sync → in herald, under the feed; a second sync with
/// nothing changed brings nothing.
#[test]
fn needs_miniflux_subscribed_on_the_server_then_synced_into_herald() {
    let user = miniflux().user("sub-server");
    let site = feed_server(3);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/1.xml")})),
    );
    let herald = Herald::new(&user, &user.url);
    let said = herald.ok(&["sync"]);
    assert!(
        said.contains("home: pushed 0, feeds +1, entries 3 new"),
        "{said}"
    );
    let titles: Vec<String> = herald.articles().into_iter().map(|a| a.0).collect();
    assert_eq!(
        titles,
        ["Feed 1 story 1", "Feed 1 story 2", "Feed 1 story 3"]
    );
    let feeds = herald.ok(&["feed", "list"]);
    assert!(feeds.contains("Feed 1"), "{feeds}");
    let again = herald.ok(&["sync"]);
    assert!(
        again.contains("entries 0 new 0 updated, 0 marks"),
        "{again}"
    );
    // herald does not fetch an account's feeds itself: the server does, and herald
    // fetch syncs the account (one refresh for every command).
    let fetched = herald.ok(&["fetch"]);
    assert!(
        fetched.contains("home: pushed 0, feeds +0, entries 0 new"),
        "{fetched}"
    );
    assert!(!fetched.contains("Feed 1:"), "{fetched}");
    let _ = path(&herald.store);
}

/// Read and starred in herald with no sync → the outbox holds them → sync → the server
/// has them; read on the server → sync → herald has it.
#[test]
fn needs_miniflux_changes_go_both_ways() {
    let user = miniflux().user("both-ways");
    let site = feed_server(3);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/2.xml")})),
    );
    let herald = Herald::new(&user, &user.url);
    herald.ok(&["sync"]);
    herald.ok(&["mark", "read", &herald.id("Feed 2 story 1")]);
    herald.ok(&["mark", "star", &herald.id("Feed 2 story 2")]);
    assert_eq!(herald.waiting(), 2);
    herald.ok(&["sync"]);
    assert_eq!(herald.waiting(), 0);
    let server = user.entries();
    assert_eq!(
        server
            .iter()
            .map(|e| (e.0.as_str(), e.2, e.3))
            .collect::<Vec<_>>(),
        [
            ("Feed 2 story 1", true, false),
            ("Feed 2 story 2", false, true),
            ("Feed 2 story 3", false, false)
        ]
    );

    // On the server: story 3 read, story 2 unstarred.
    let three = user.entry_id("Feed 2 story 3");
    let two = user.entry_id("Feed 2 story 2");
    user.ok(
        "PUT",
        "/v1/entries",
        Some(json!({"entry_ids": [three], "status": "read"})),
    );
    user.ok(
        "PUT",
        "/v1/entries",
        Some(json!({"entry_ids": [two], "starred": false})),
    );
    herald.ok(&["sync"]);
    let local = herald.articles();
    assert_eq!(
        local
            .iter()
            .map(|a| (a.0.as_str(), a.2, a.3))
            .collect::<Vec<_>>(),
        [
            ("Feed 2 story 1", true, false),
            ("Feed 2 story 2", false, false),
            ("Feed 2 story 3", true, false)
        ]
    );
}

/// The same item changed on both sides: the local change not yet pushed wins; an item
/// changed only on the server follows the server.
#[test]
fn needs_miniflux_a_local_change_not_yet_pushed_wins() {
    let user = miniflux().user("conflict");
    let site = feed_server(2);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/3.xml")})),
    );
    let herald = Herald::new(&user, &user.url);
    herald.ok(&["sync"]);
    let one = user.entry_id("Feed 3 story 1");
    let two = user.entry_id("Feed 3 story 2");
    // Server: both read. herald, meanwhile: story 1 starred and read, then unread again.
    user.ok(
        "PUT",
        "/v1/entries",
        Some(json!({"entry_ids": [one, two], "status": "read"})),
    );
    herald.ok(&["mark", "read", &herald.id("Feed 3 story 1")]);
    herald.ok(&["mark", "unread", &herald.id("Feed 3 story 1")]);
    herald.ok(&["sync"]);
    let server = user.entries();
    assert_eq!(
        server
            .iter()
            .map(|e| (e.0.as_str(), e.2))
            .collect::<Vec<_>>(),
        [("Feed 3 story 1", false), ("Feed 3 story 2", true)],
        "herald's unread story 1 went to the server"
    );
    let local = herald.articles();
    assert_eq!(
        local
            .iter()
            .map(|a| (a.0.as_str(), a.2))
            .collect::<Vec<_>>(),
        [("Feed 3 story 1", false), ("Feed 3 story 2", true)],
        "the server's read story 2 came to herald"
    );
}

/// Subscribed in herald under the account (with a tag) → sync → on the server, in a
/// category of that name, fetched by it, and its entries in herald.
#[test]
fn needs_miniflux_subscribed_in_herald_then_created_on_the_server() {
    let user = miniflux().user("sub-herald");
    let site = feed_server(2);
    let port = site.port();
    let herald = Herald::new(&user, &user.url);
    let url = format!("http://127.0.0.1:{port}/4.xml");
    herald.ok(&[
        "feed",
        "add",
        &url,
        "--account",
        "home",
        "--no-check",
        "--tag",
        "news",
    ]);
    assert_eq!(herald.waiting(), 2, "the subscription and its tag wait");
    herald.ok(&["sync"]);
    assert_eq!(herald.waiting(), 0);
    let feeds = user.ok("GET", "/v1/feeds", None);
    assert_eq!(feeds[0]["feed_url"], url.as_str());
    assert_eq!(feeds[0]["category"]["title"], "news");
    let titles: Vec<String> = herald.articles().into_iter().map(|a| a.0).collect();
    assert_eq!(titles, ["Feed 4 story 1", "Feed 4 story 2"]);
    // Renamed here, unsubscribed here: the server follows.
    herald.ok(&["feed", "set", &url, "--name", "Four"]);
    herald.ok(&["sync"]);
    assert_eq!(user.ok("GET", "/v1/feeds", None)[0]["title"], "Four");
    herald.ok(&["feed", "remove", &url, "--yes"]);
    herald.ok(&["sync"]);
    assert_eq!(user.ok("GET", "/v1/feeds", None), json!([]));
}

/// A wrong password: exit 1, and a message naming the account and saying what to check.
#[test]
fn needs_miniflux_a_wrong_password_is_a_clear_error() {
    let server = miniflux();
    let wrong = Miniflux {
        url: server.url.clone(),
        user: server.user.clone(),
        password: "not-the-password".into(),
    };
    let herald = Herald::new(&wrong, &server.url);
    let out = herald.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("account home"), "{said}");
    assert!(
        said.contains("refused the user and secret (HTTP 401)"),
        "{said}"
    );
    let list: Value = serde_json::from_str(&herald.ok(&["account", "list", "--json"])).unwrap();
    assert!(list[0]["last_error"].as_str().unwrap().contains("401"));
}

/// A proxy in front of Miniflux that forwards request `break_at` to the server but drops
/// the connection instead of answering (the server stopped mid-sync, after doing the
/// work), and refuses everything after it until `heal` is set.
struct Proxy {
    server: Server,
    requests: Arc<AtomicUsize>,
    healed: Arc<AtomicUsize>,
}

impl Proxy {
    fn start(upstream: &str, break_at: usize) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let requests = Arc::new(AtomicUsize::new(0));
        let healed = Arc::new(AtomicUsize::new(0));
        let (count, heal) = (requests.clone(), healed.clone());
        let server = Script::new()
            .limit(200)
            .lifetime(Duration::from_secs(600))
            .read_timeout(Duration::from_secs(10))
            .otherwise(move |r| {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                let healed = heal.load(Ordering::SeqCst) > 0;
                if n > break_at && !healed {
                    return Answer::hang_up(); // the server is gone
                }
                // One request per connection: the answer says Connection: close.
                let mut head = format!("{} {} HTTP/1.1\r\n", r.method, r.path);
                for (name, value) in r.headers.iter().filter(|(n, _)| n != "connection") {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("Connection: close\r\n\r\n");
                let mut server = TcpStream::connect(&upstream).unwrap();
                server.write_all(head.as_bytes()).unwrap();
                server.write_all(&r.body).unwrap();
                let mut answer = Vec::new();
                server.read_to_end(&mut answer).unwrap();
                if n == break_at && !healed {
                    return Answer::hang_up(); // done on the server, never answered
                }
                Answer::raw(answer)
            })
            .start();
        Proxy {
            server,
            requests,
            healed,
        }
    }
}

/// The server stops in the middle of a push (after starring, before answering): the
/// sync fails naming the account, nothing is lost, and the next sync completes without
/// flipping the star back.
#[test]
fn needs_miniflux_a_server_stopped_mid_sync_loses_nothing() {
    let user = miniflux().user("stopped");
    let site = feed_server(2);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/5.xml")})),
    );
    // The push's requests: 1 PUT read, 2 PUT starred (done, never answered).
    let proxy = Proxy::start(&user.url, 2);
    let through = proxy.server.base();
    let herald = Herald::new(&user, &through);
    proxy.healed.store(1, Ordering::SeqCst);
    herald.ok(&["sync"]);
    proxy.healed.store(0, Ordering::SeqCst);
    proxy.requests.store(0, Ordering::SeqCst);
    herald.ok(&["mark", "read", &herald.id("Feed 5 story 1")]);
    herald.ok(&["mark", "star", &herald.id("Feed 5 story 2")]);
    let out = herald.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("account home"), "{said}");
    assert!(said.contains("2 changes wait for the next sync"), "{said}");
    assert_eq!(herald.waiting(), 2);
    let starred: Vec<bool> = user.entries().iter().map(|e| e.3).collect();
    assert_eq!(starred, [false, true], "the server starred it, unanswered");

    proxy.healed.store(1, Ordering::SeqCst);
    herald.ok(&["sync"]);
    assert_eq!(herald.waiting(), 0);
    let server = user.entries();
    assert_eq!(
        server
            .iter()
            .map(|e| (e.0.as_str(), e.2, e.3))
            .collect::<Vec<_>>(),
        [
            ("Feed 5 story 1", true, false),
            ("Feed 5 story 2", false, true)
        ],
        "sent twice, the star stays"
    );
    let local = herald.articles();
    assert_eq!(
        local
            .iter()
            .map(|a| (a.0.as_str(), a.2, a.3))
            .collect::<Vec<_>>(),
        [
            ("Feed 5 story 1", true, false),
            ("Feed 5 story 2", false, true)
        ]
    );
}

/// A subscription the server refuses (nothing answers at its address) fails the sync,
/// naming it and how to drop it; it waits in the outbox until removed, and then the sync
/// completes.
#[test]
fn needs_miniflux_a_refused_subscription_waits_until_removed() {
    let user = miniflux().user("refused");
    let herald = Herald::new(&user, &user.url);
    let dead = "http://127.0.0.1:9/gone.xml";
    herald.ok(&["feed", "add", dead, "--account", "home", "--no-check"]);
    let out = herald.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("account home"), "{said}");
    assert!(
        said.contains(&format!("herald feed remove {dead}")),
        "{said}"
    );
    assert_eq!(herald.waiting(), 1);
    herald.ok(&["feed", "remove", dead, "--yes"]);
    herald.ok(&["sync"]);
    assert_eq!(herald.waiting(), 0);
    assert_eq!(user.ok("GET", "/v1/feeds", None), json!([]));
}

impl Miniflux {
    /// A new API token of this user.
    fn token(&self) -> String {
        let made = self.ok(
            "POST",
            "/v1/api-keys",
            Some(json!({"description": "herald"})),
        );
        made["token"].as_str().unwrap().to_owned()
    }
}

/// Without --user the secret is an API token; a wrong one is refused as clearly as a
/// wrong password.
#[test]
fn needs_miniflux_an_api_token_signs_in() {
    let user = miniflux().user("token");
    let site = feed_server(1);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/6.xml")})),
    );
    let herald = Herald::with_token(&user.url, &user.token());
    herald.ok(&["sync"]);
    let titles: Vec<String> = herald.articles().into_iter().map(|a| a.0).collect();
    assert_eq!(titles, ["Feed 6 story 1"]);
    let wrong = Herald::with_token(&user.url, "not-a-token");
    let out = wrong.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("account home") && said.contains("HTTP 401"),
        "{said}"
    );
}

/// The targets, measured: 10,000 entries on the server; a first sync, a sync
/// with nothing changed, a sync after 100 local changes. Slow to set up (Miniflux takes
/// about 12 s to take in the feed), so run on demand:
/// `scripts/with-servers cargo test --test sync_miniflux -- --ignored --nocapture`.
/// The limits checked are the targets times 3, for a debug build on a shared machine.
#[test]
#[ignore]
fn needs_miniflux_ten_thousand_entries_sync_in_time() {
    let user = miniflux().user("tenk");
    let site = big_feed_server(10_000);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/big.xml")})),
    );
    user.enable_greader();
    let herald = Herald::with_token(&user.url, &user.token());
    let reader = Herald::empty();
    reader.ok(&[
        "account",
        "add",
        "home",
        "--kind",
        "greader",
        "--url",
        &user.url,
        "--user",
        &user.user,
        "--secret-command",
        "echo",
        &user.password,
    ]);
    // The second account sees the first one's stars: it takes them off.
    let runs = [
        ("Miniflux API", &herald, "star"),
        ("Google Reader API", &reader, "unstar"),
    ];
    for (name, herald, mark) in runs {
        measure(name, herald, mark);
    }
}

/// A first sync, one with nothing changed, one after 100 changes (`mark`); checked
/// against the targets times 3.
fn measure(name: &str, herald: &Herald, mark: &str) {
    let timed = |args: &[&str]| {
        let started = Instant::now();
        let said = herald.ok(args);
        (started.elapsed(), said)
    };
    let (first, said) = timed(&["sync"]);
    assert!(said.contains("entries 10000 new"), "{said}");
    let (nothing, said) = timed(&["sync"]);
    assert!(said.contains("entries 0 new"), "{said}");
    let list: Value =
        serde_json::from_str(&herald.ok(&["list", "--json", "--limit", "100"])).unwrap();
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].to_string())
        .collect();
    let mut args = vec!["mark", mark];
    args.extend(ids.iter().map(String::as_str));
    herald.ok(&args);
    let (hundred, said) = timed(&["sync"]);
    assert!(said.contains("pushed 100"), "{said}");
    println!(
        "{name}, 10,000 entries: first sync {first:?}, nothing changed {nothing:?}, \
         100 changes {hundred:?}"
    );
    // Figures to read against the targets (10 s, 0.5 s, 1 s in a release build), not
    // assertions: the machine is shared.
}

/// A loopback server of one feed of `items` items, made once.
fn big_feed_server(items: usize) -> Server {
    let mut body = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>\
         <link>http://127.0.0.1/</link>",
    );
    for i in 0..items {
        body.push_str(&format!(
            "<item><guid>big-{i}</guid><title>Big story {i}</title>\
             <link>http://127.0.0.1/big/{i}</link><description>&lt;p&gt;Paragraph one of \
             story {i}, with a few words to index.&lt;/p&gt;&lt;p&gt;A second \
             one.&lt;/p&gt;</description><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate></item>"
        ));
    }
    body.push_str("</channel></rss>");
    Script::new()
        .limit(20)
        .lifetime(Duration::from_secs(600))
        .otherwise(move |_| Answer::typed("application/rss+xml", body.clone()))
        .start()
}

impl Miniflux {
    /// Switches the Google Reader API on for this user, with its own password: Miniflux
    /// does it only in its web interface, so the test writes the setting in its
    /// database (HERALD_TEST_MINIFLUX_DATABASE_URL, bcrypt from pgcrypto).
    fn enable_greader(&self) {
        let db = std::env::var("HERALD_TEST_MINIFLUX_DATABASE_URL").unwrap_or_else(|_| {
            panic!(
                "HERALD_TEST_MINIFLUX_DATABASE_URL is not set: run the tests as \
                 `scripts/with-servers cargo test --locked`"
            )
        });
        // Names and passwords here are the tests' own: letters, digits and `-`.
        assert!(
            (self.user.clone() + &self.password)
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
        let sql = format!(
            "UPDATE integrations SET googlereader_enabled = 't', \
             googlereader_username = '{user}', \
             googlereader_password = crypt('{password}', gen_salt('bf')) \
             WHERE user_id = (SELECT id FROM users WHERE username = '{user}')",
            user = self.user,
            password = self.password
        );
        let out = std::process::Command::new("psql")
            .args([&db, "-v", "ON_ERROR_STOP=1", "-q", "-c", &sql])
            .output()
            .expect("psql (PostgreSQL's client) is needed to switch the Google Reader API on");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The Google Reader API, against Miniflux's: subscribed on the server → in herald;
/// read and starred in herald → on the server; read on the server → in herald;
/// subscribed, renamed, tagged and removed in herald → on the server; a wrong password.
#[test]
fn needs_miniflux_the_google_reader_api_syncs_both_ways() {
    let user = miniflux().user("greader");
    user.enable_greader();
    let site = feed_server(3);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/7.xml")})),
    );
    let herald = Herald::empty();
    herald.ok(&[
        "account",
        "add",
        "home",
        "--kind",
        "greader",
        "--url",
        &user.url,
        "--user",
        &user.user,
        "--secret-command",
        "echo",
        &user.password,
    ]);
    let said = herald.ok(&["sync"]);
    assert!(said.contains("feeds +1, entries 3 new"), "{said}");
    let titles: Vec<String> = herald.articles().into_iter().map(|a| a.0).collect();
    assert_eq!(
        titles,
        ["Feed 7 story 1", "Feed 7 story 2", "Feed 7 story 3"]
    );
    let again = herald.ok(&["sync"]);
    assert!(
        again.contains("entries 0 new 0 updated, 0 marks"),
        "{again}"
    );

    herald.ok(&["mark", "read", &herald.id("Feed 7 story 1")]);
    herald.ok(&["mark", "star", &herald.id("Feed 7 story 2")]);
    herald.ok(&["sync"]);
    assert_eq!(herald.waiting(), 0);
    let server = user.entries();
    assert_eq!(
        server
            .iter()
            .map(|e| (e.0.as_str(), e.2, e.3))
            .collect::<Vec<_>>(),
        [
            ("Feed 7 story 1", true, false),
            ("Feed 7 story 2", false, true),
            ("Feed 7 story 3", false, false)
        ]
    );
    let three = user.entry_id("Feed 7 story 3");
    user.ok(
        "PUT",
        "/v1/entries",
        Some(json!({"entry_ids": [three], "status": "read"})),
    );
    herald.ok(&["sync"]);
    let read: Vec<bool> = herald.articles().iter().map(|a| a.2).collect();
    assert_eq!(read, [true, false, true]);

    let url = format!("http://127.0.0.1:{port}/8.xml");
    herald.ok(&[
        "feed",
        "add",
        &url,
        "--account",
        "home",
        "--no-check",
        "--tag",
        "news",
    ]);
    herald.ok(&["sync"]);
    let feeds = user.ok("GET", "/v1/feeds", None);
    let added = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["feed_url"] == url.as_str())
        .expect("subscribed on the server");
    assert_eq!(added["category"]["title"], "news");
    let titles: Vec<String> = herald.articles().into_iter().map(|a| a.0).collect();
    assert_eq!(titles.len(), 6, "{titles:?}");
    herald.ok(&["feed", "set", &url, "--name", "Eight"]);
    herald.ok(&["sync"]);
    let feeds = user.ok("GET", "/v1/feeds", None);
    assert!(
        feeds
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["title"] == "Eight"),
        "{feeds}"
    );
    herald.ok(&["feed", "remove", &url, "--yes"]);
    herald.ok(&["sync"]);
    let feeds = user.ok("GET", "/v1/feeds", None);
    assert_eq!(feeds.as_array().unwrap().len(), 1, "{feeds}");

    let wrong = Herald::empty();
    wrong.ok(&[
        "account",
        "add",
        "home",
        "--kind",
        "greader",
        "--url",
        &user.url,
        "--user",
        &user.user,
        "--secret-command",
        "echo",
        "wrong-password",
    ]);
    let out = wrong.run(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("account home") && said.contains("HTTP 401"),
        "{said}"
    );
}

/// The reader: `R` syncs the account in the background (here, with no threads, at once)
/// along with the fetch; the account and its feed are in the sources pane; a read mark
/// made in the reader waits in the outbox, the status bar says so, and the next `R`
/// pushes it to the server.
#[test]
fn needs_miniflux_the_reader_syncs_on_r_and_shows_the_account() {
    use herald::app::action::Action;
    use herald::app::keymap::Keymap;
    use herald::app::sources::Source;
    use herald::app::{App, Report, Start};
    let user = miniflux().user("reader");
    let site = feed_server(2);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/4.xml")})),
    );
    let herald = Herald::new(&user, &user.url);
    let store = herald::domain::store::Store::open(&herald.store).unwrap();
    let app = App::new(Start::new(
        Keymap::default_keymap().unwrap(),
        ratatui::layout::Rect::new(0, 0, 160, 40),
    ));
    let mut h = common::Harness::over(store, app, None);
    h.report(Report::Refreshed {
        total: 0,
        unread: 0,
        selected_row: None,
        newest: None,
    });
    h.act(Action::FetchFeeds);
    let titles: Vec<String> = (0..h.app.list.total)
        .filter_map(|i| h.app.list.row(i).map(|r| r.title.clone()))
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?} {:?}", h.app.status);
    assert!(titles.iter().all(|t| t.starts_with("Feed 4 story")));
    let lines = &h.app.sources.lines;
    let account = lines
        .iter()
        .position(|l| matches!(l.source(), Some(Source::Account(_))))
        .expect("the account in the pane");
    assert!(
        matches!(lines[account + 1].source(), Some(Source::Feed(_))),
        "its feed under it"
    );
    assert!(!h.screen().contains("to sync"));

    // Read here: waiting, and said so; pushed by the next R.
    h.keys("tab");
    h.act(Action::ToggleRead);
    h.run(vec![herald::app::Effect::LoadSources]);
    let screen = h.screen();
    assert!(screen.contains("1 to sync"), "{screen}");
    assert_eq!(user.entries().iter().filter(|e| e.2).count(), 0);
    h.act(Action::FetchFeeds);
    assert_eq!(
        user.entries().iter().filter(|e| e.2).count(),
        1,
        "pushed by R"
    );
    h.run(vec![herald::app::Effect::LoadSources]);
    assert!(!h.screen().contains("to sync"));
}

/// Rules act on entries a sync brings, as on fetched ones; what a rule changed on an
/// account's article is the person's change, and goes to the server with the next sync.
#[test]
fn needs_miniflux_rules_act_on_synced_entries() {
    let user = miniflux().user("rules");
    let site = feed_server(2);
    let port = site.port();
    user.ok(
        "POST",
        "/v1/feeds",
        Some(json!({"feed_url": format!("http://127.0.0.1:{port}/5.xml")})),
    );
    let herald = Herald::new(&user, &user.url);
    herald.ok(&["rule", "add", "\"story 1\"", "--star"]);
    herald.ok(&["sync"]);
    let articles = herald.articles();
    let starred: Vec<&str> = articles
        .iter()
        .filter(|a| a.3)
        .map(|a| a.0.as_str())
        .collect();
    assert_eq!(starred, ["Feed 5 story 1"], "{articles:?}");
    assert_eq!(herald.waiting(), 1, "the rule's star waits to be pushed");
    herald.ok(&["sync"]);
    let on_server: Vec<String> = user
        .entries()
        .into_iter()
        .filter(|e| e.3)
        .map(|e| e.0)
        .collect();
    assert_eq!(on_server, ["Feed 5 story 1"]);
}

/// A feed with full text on, subscribed under an account: the entries the sync brings
/// get their pages fetched and kept as their bodies, as after a fetch.
#[test]
fn needs_miniflux_synced_entries_of_a_full_text_feed_get_their_pages() {
    let user = miniflux().user("fulltext");
    let site = feed_server(2);
    let port = site.port();
    let herald = Herald::new(&user, &user.url);
    let url = format!("http://127.0.0.1:{port}/6.xml");
    herald.ok(&["feed", "add", &url, "--account", "home", "--no-check"]);
    herald.ok(&["feed", "set", &url, "--full-text", "on"]);
    // The first sync creates the feed on the server; the server fetches it; a later
    // sync brings its entries.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        herald.ok(&["sync"]);
        if herald.articles().len() == 2 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(herald.articles().len(), 2, "the entries came");
    let found = herald.ok(&["search", "pagewordonly1", "--json"]);
    let found: Value = serde_json::from_str(&found).unwrap();
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "the page's text is the body: {found}"
    );
}

/// Identity (#24): a feed read in herald before the account followed it. Its articles
/// are matched to the server's entries (no article twice), keep their marks, and from
/// then on their changes reach the server and the server's reach them.
#[test]
fn needs_miniflux_a_local_feed_that_joins_the_account_keeps_its_articles_and_syncs() {
    let user = miniflux().user("joins");
    let site = feed_server(3);
    let port = site.port();
    let url = format!("http://127.0.0.1:{port}/31.xml");
    let herald = Herald::empty();
    herald.ok(&["feed", "add", &url]);
    herald.ok(&["fetch"]);
    assert_eq!(herald.articles().len(), 3);
    herald.ok(&["mark", "star", &herald.id("Feed 31 story 1")]);
    herald.ok(&["mark", "read", &herald.id("Feed 31 story 2")]);
    user.ok("POST", "/v1/feeds", Some(json!({ "feed_url": url })));
    herald.ok(&[
        "account",
        "add",
        "home",
        "--kind",
        "miniflux",
        "--url",
        &user.url,
        "--user",
        &user.user,
        "--secret-command",
        "echo",
        &user.password,
    ]);
    let said = herald.ok(&["sync"]);
    assert!(said.contains("3 already here matched"), "{said}");
    herald.ok(&["sync"]);
    let local = herald.articles();
    assert_eq!(local.len(), 3, "no article twice: {local:?}");
    let server: Vec<(String, bool, bool)> = user
        .entries()
        .into_iter()
        .map(|e| (e.0, e.2, e.3))
        .collect();
    assert_eq!(
        server,
        [
            ("Feed 31 story 1".to_owned(), false, true),
            ("Feed 31 story 2".to_owned(), true, false),
            ("Feed 31 story 3".to_owned(), false, false),
        ],
        "the marks made before the account reached the server"
    );
    herald.ok(&["mark", "read", &herald.id("Feed 31 story 3")]);
    let one = user.entry_id("Feed 31 story 1");
    user.ok(
        "PUT",
        "/v1/entries",
        Some(json!({"entry_ids": [one], "starred": false})),
    );
    herald.ok(&["sync"]);
    assert!(user.entries()[2].2, "read in herald, read on the server");
    assert!(
        !herald.articles()[0].3,
        "unstarred on the server, unstarred here"
    );
}

/// Identity (#24): two accounts whose servers follow one feed address each keep their
/// own entries and mark: the second account's entries are stored, and a second sync of
/// either brings nothing again.
#[test]
fn needs_miniflux_two_accounts_that_share_a_feed_keep_their_own_entries() {
    let server = miniflux();
    let (one, two) = (server.user("share-a"), server.user("share-b"));
    let site = feed_server(3);
    let port = site.port();
    let url = format!("http://127.0.0.1:{port}/32.xml");
    for user in [&one, &two] {
        user.ok("POST", "/v1/feeds", Some(json!({ "feed_url": url })));
    }
    let herald = Herald::new(&one, &one.url);
    herald.ok(&[
        "account",
        "add",
        "work",
        "--kind",
        "miniflux",
        "--url",
        &two.url,
        "--user",
        &two.user,
        "--secret-command",
        "echo",
        &two.password,
    ]);
    let said = herald.ok(&["sync"]);
    assert!(
        said.contains("home: pushed 0, feeds +1, entries 3 new"),
        "{said}"
    );
    assert!(
        said.contains("work: pushed 0, feeds +1, entries 3 new"),
        "{said}"
    );
    assert_eq!(herald.articles().len(), 6);
    let feeds: Value = serde_json::from_str(&herald.ok(&["feed", "list", "--json"])).unwrap();
    let mut owners: Vec<&str> = feeds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["account"].as_str().unwrap())
        .collect();
    owners.sort();
    assert_eq!(owners, ["home", "work"]);
    let listed = herald.ok(&["feed", "list"]);
    assert!(listed.contains("synced by account work"), "{listed}");
    let again = herald.ok(&["sync"]);
    assert_eq!(
        again.matches("entries 0 new 0 updated").count(),
        2,
        "{again}"
    );
    // A mark on the second account's copy goes to its server only.
    let list: Value = serde_json::from_str(&herald.ok(&["list", "--json"])).unwrap();
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == "Feed 32 story 1")
        .map(|a| a["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        herald.ok(&["mark", "read", id]);
    }
    herald.ok(&["sync"]);
    for user in [&one, &two] {
        assert!(user.entries()[0].2, "{}", user.user);
    }
}

/// Identity (#24): items with guids of their own that all link to one page (500
/// entries became 250 before) are as many articles, through the server and locally.
#[test]
fn needs_miniflux_entries_that_share_a_link_stay_apart() {
    let user = miniflux().user("same-link");
    let site = feed_server(15);
    let port = site.port();
    let url = format!("http://127.0.0.1:{port}/same33.xml");
    user.ok("POST", "/v1/feeds", Some(json!({ "feed_url": url })));
    assert_eq!(user.entries().len(), 15);
    let herald = Herald::new(&user, &user.url);
    let said = herald.ok(&["sync"]);
    assert!(said.contains("entries 15 new"), "{said}");
    assert_eq!(herald.articles().len(), 15);
    let again = herald.ok(&["sync"]);
    assert!(again.contains("entries 0 new 0 updated"), "{again}");
    // The same feed read locally in another store: fifteen too.
    let local = Herald::empty();
    local.ok(&["feed", "add", &url]);
    local.ok(&["fetch"]);
    local.ok(&["fetch"]);
    assert_eq!(local.articles().len(), 15);
}

/// Two first syncs of a new account at once (a timer and a person): both end well, and
/// every entry is stored once (one failed with a raw UNIQUE constraint before).
#[test]
fn needs_miniflux_two_first_syncs_at_once_both_succeed() {
    let user = miniflux().user("twice");
    let site = feed_server(5);
    let port = site.port();
    for n in 34..=36 {
        let url = format!("http://127.0.0.1:{port}/{n}.xml");
        user.ok("POST", "/v1/feeds", Some(json!({ "feed_url": url })));
    }
    let herald = Herald::new(&user, &user.url);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let store = herald.store.clone();
            std::thread::spawn(move || common::herald_at(&store, &["sync"]))
        })
        .collect();
    for run in runs {
        let out = run.join().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(herald.articles().len(), 15);
    let feeds: Value = serde_json::from_str(&herald.ok(&["feed", "list", "--json"])).unwrap();
    assert_eq!(feeds.as_array().unwrap().len(), 3);
}

/// A feed removed on the server (or a server that lost it) costs no article: herald
/// keeps it as an archive, says so, and when the feed is subscribed again its articles
/// are matched to the new entries, a kept star included.
#[test]
fn needs_miniflux_a_feed_removed_on_the_server_is_kept_as_an_archive() {
    let user = miniflux().user("archive");
    let site = feed_server(3);
    let port = site.port();
    let url = format!("http://127.0.0.1:{port}/37.xml");
    let feed = user.ok("POST", "/v1/feeds", Some(json!({ "feed_url": url })));
    let herald = Herald::new(&user, &user.url);
    herald.ok(&["sync"]);
    herald.ok(&["mark", "star", &herald.id("Feed 37 story 2")]);
    herald.ok(&["sync"]);
    user.ok("DELETE", &format!("/v1/feeds/{}", feed["feed_id"]), None);
    let said = herald.ok(&["sync"]);
    assert!(
        said.contains("1 feeds gone from the server kept as archives"),
        "{said}"
    );
    assert_eq!(herald.articles().len(), 3, "nothing deleted");
    let listed = herald.ok(&["feed", "list"]);
    assert!(listed.contains("kept as an archive"), "{listed}");
    user.ok("POST", "/v1/feeds", Some(json!({ "feed_url": url })));
    let said = herald.ok(&["sync"]);
    assert!(said.contains("3 already here matched"), "{said}");
    herald.ok(&["sync"]);
    let local = herald.articles();
    assert_eq!(local.len(), 3);
    assert!(local[1].3, "still starred here");
    let server = user.entries();
    assert!(
        server[1].3,
        "and the star reached the new entry: {server:?}"
    );
}
