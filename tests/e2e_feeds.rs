//! Feeds from the reader, end to end: the real binary in tmux against a loopback server
//! that logs every request. Feeds due at start are fetched by themselves, never more
//! than two at once from one host; `a` adds a feed by its site's address; a server's
//! 429 with Retry-After is honoured (the next `R` does not ask it); the sources pane
//! shows each feed with its count and marks the failing one.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::tmux::Tmux;

#[derive(Default)]
struct Log {
    paths: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    most_at_once: AtomicUsize,
}

impl Log {
    fn asked(&self, path: &str) -> usize {
        self.paths
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

fn rss(title: &str, item: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <item><guid>{item}</guid><title>{item}</title>\
         <pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>\
         <description>Text of {item}.</description></item></channel></rss>"
    )
}

/// `/` is a site's page naming `/quay.xml`; `/quay.xml` answers twice (discovery reads
/// it, then the first fetch), then 429 with an hour's Retry-After; `/slow/N.xml` answer after 300 ms, so requests overlap if herald
/// lets them.
fn serve(log: Arc<Log>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                let now = log.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                log.most_at_once.fetch_max(now, Ordering::SeqCst);
                let mut request = [0u8; 4096];
                let n = stream.read(&mut request).unwrap_or(0);
                let line = String::from_utf8_lossy(&request[..n]);
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let seen = {
                    let mut paths = log.paths.lock().unwrap();
                    paths.push(path.clone());
                    paths.iter().filter(|p| **p == path).count()
                };
                let (status, extra, body) = match path.as_str() {
                    "/" => (
                        "200 OK",
                        "Content-Type: text/html\r\n",
                        "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" \
                         title=\"Quay Post\" href=\"/quay.xml\"></head><body>Quay</body></html>"
                            .to_owned(),
                    ),
                    "/quay.xml" if seen <= 2 => (
                        "200 OK",
                        "Content-Type: application/rss+xml\r\n",
                        rss("Quay Post", "Crane back in service"),
                    ),
                    "/quay.xml" => (
                        "429 Too Many Requests",
                        "Retry-After: 3600\r\n",
                        String::new(),
                    ),
                    slow if slow.starts_with("/slow/") => {
                        std::thread::sleep(Duration::from_millis(300));
                        let n = slow.trim_start_matches("/slow/").trim_end_matches(".xml");
                        (
                            "200 OK",
                            "Content-Type: application/rss+xml\r\n",
                            rss(&format!("Slow {n}"), &format!("Slow item {n}")),
                        )
                    }
                    _ => ("404 Not Found", "", String::new()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                log.in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    port
}

#[test]
fn feeds_from_the_reader_politely_with_the_sources_pane() {
    let log = Arc::new(Log::default());
    let port = serve(Arc::clone(&log));
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
    assert_eq!(log.most_at_once.load(Ordering::SeqCst), 2, "per-host limit");
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
    assert_eq!(log.asked("/"), 1);
    assert_eq!(
        log.asked("/quay.xml"),
        2,
        "checked once when found, fetched once"
    );

    // R: the server says 429, come back in an hour. The failure is summarised and the
    // feed is marked in the sources pane.
    tmux.keys(&["R"]);
    let screen = tmux.wait_for("the 429 reported", |s| s.contains("failed (L shows why)"));
    assert!(screen.contains("!Quay Post"), "{screen}");
    assert_eq!(log.asked("/quay.xml"), 3);
    // R again: every other feed is asked, the one inside its Retry-After is not.
    let asked = |n: usize| log.asked(&format!("/slow/{n}.xml"));
    let before: Vec<usize> = (0..6).map(asked).collect();
    tmux.keys(&["R"]);
    // Over when every other feed has been asked again and answered: the one fetch that
    // R starts asks each feed once, and a feed inside its Retry-After is left out before
    // it starts, so nothing is asked after this.
    tmux.wait_for("the second fetch over", |_| {
        (0..6).all(|n| asked(n) > before[n]) && log.in_flight.load(Ordering::SeqCst) == 0
    });
    assert_eq!(
        log.asked("/quay.xml"),
        3,
        "not asked inside its Retry-After"
    );

    tmux.keys(&["q"]);
    tmux.wait_for("herald to quit", |s| s.contains("HERALD_EXIT=0"));
}
