//! Feeds from the reader, end to end: the real binary in tmux against a loopback server
//! that logs every request. Feeds due at start are fetched by themselves, never more
//! than two at once from one host; `a` adds a feed by its site's address; a server's
//! 429 with Retry-After is honoured (the next `R` does not ask it); the sources pane
//! shows each feed with its count and marks the failing one.

mod common;

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::server::{Answer, Script, Server};
use common::tmux::Tmux;

fn rss(title: &str, item: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <item><guid>{item}</guid><title>{item}</title>\
         <pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>\
         <description>Text of {item}.</description></item></channel></rss>"
    )
}

/// `/` is a site's page naming `/quay.xml`; `/quay.xml` answers twice (discovery reads
/// it, then the first fetch), then 429 with an hour's Retry-After; `/slow/N.xml` answer
/// after 300 ms, so requests overlap if herald lets them.
fn serve() -> Server {
    let quay = AtomicUsize::new(0);
    Script::new()
        .limit(200)
        .at(
            "/",
            Answer::typed(
                "text/html",
                "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" \
                 title=\"Quay Post\" href=\"/quay.xml\"></head><body>Quay</body></html>",
            ),
        )
        .at_with("/quay.xml", move |_| {
            if quay.fetch_add(1, Ordering::SeqCst) < 2 {
                Answer::typed(
                    "application/rss+xml",
                    rss("Quay Post", "Crane back in service"),
                )
            } else {
                Answer::new(429).header("Retry-After", "3600")
            }
        })
        .prefix("/slow/", |r| {
            let n = r.path.trim_start_matches("/slow/").trim_end_matches(".xml");
            Answer::typed(
                "application/rss+xml",
                rss(&format!("Slow {n}"), &format!("Slow item {n}")),
            )
            .after(Duration::from_millis(300))
        })
        .otherwise(|_| Answer::new(404))
        .start()
}

#[test]
fn feeds_from_the_reader_politely_with_the_sources_pane() {
    let server = serve();
    let port = server.port();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("feeds.db");
    let bin = env!("CARGO_BIN_EXE_herald");
    // Six feeds on one host, subscribed without a first fetch: due at once.
    for n in 0..6 {
        let added = Command::new(bin)
            .args([
                "--store",
                store.to_str().unwrap(),
                "feed",
                "add",
                "--no-check",
            ])
            .arg(format!("http://127.0.0.1:{port}/slow/{n}.xml"))
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
    }
    let command = format!(
        "env HOME={home} {bin} --store {store}; echo HERALD_EXIT=$?; sleep 30",
        home = dir.path().display(),
        store = store.display(),
    );
    let tmux = Tmux::start(&command, 160, 40);

    // The due feeds are fetched by themselves, two at a time at most.
    tmux.wait_for("the six due feeds fetched without a key", |s| {
        s.contains("Fetched: 6 new") && s.contains("6 articles")
    });
    assert_eq!(server.most_at_once(), 2, "per-host limit");
    let screen = tmux.screen();
    assert!(
        screen.contains("Sources") && screen.contains("Slow 3"),
        "{screen}"
    );

    // `a`, the site's address: its feed is found, subscribed to and fetched.
    tmux.keys(&["a"]);
    tmux.wait_for("the address prompt", |s| s.contains("Add feed:"));
    tmux.keys(&["-l", &format!("http://127.0.0.1:{port}/")]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the site's feed subscribed and fetched", |s| {
        s.contains("Crane back in service") && s.contains("7 articles")
    });
    assert!(screen.contains("Quay Post"), "{screen}");
    assert_eq!(server.times_asked("/"), 1);
    assert_eq!(
        server.times_asked("/quay.xml"),
        2,
        "checked once when found, fetched once"
    );

    // R: the server says 429, come back in an hour. The failure is summarised and the
    // feed is marked in the sources pane.
    tmux.keys(&["R"]);
    let screen = tmux.wait_for("the 429 reported", |s| s.contains("failed (L shows why)"));
    assert!(screen.contains("!Quay Post"), "{screen}");
    assert_eq!(server.times_asked("/quay.xml"), 3);
    // R again: every other feed is asked, the one inside its Retry-After is not.
    let asked = |n: usize| server.times_asked(&format!("/slow/{n}.xml"));
    let before: Vec<usize> = (0..6).map(asked).collect();
    tmux.keys(&["R"]);
    // Over when every other feed has been asked again and answered: the one fetch that
    // R starts asks each feed once, and a feed inside its Retry-After is left out before
    // it starts, so nothing is asked after this.
    tmux.wait_for("the second fetch over", |_| {
        (0..6).all(|n| asked(n) > before[n]) && server.in_flight() == 0
    });
    assert_eq!(
        server.times_asked("/quay.xml"),
        3,
        "not asked inside its Retry-After"
    );

    tmux.keys(&["q"]);
    tmux.wait_for("herald to quit", |s| s.contains("HERALD_EXIT=0"));
}
