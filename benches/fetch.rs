//! Fetching 50 feeds of 100 items each from a server on 127.0.0.1: wall time and
//! articles/s for the first fetch, then for a second fetch answered with 304s.
//!
//! `cargo bench --bench fetch`

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use herald::fetch::{self, Outcome};
use herald::store::Store;

const FEEDS: usize = 50;
const ITEMS: usize = 100;

fn feed_xml(n: usize) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bench feed {n}</title>"
    );
    for i in 0..ITEMS {
        xml.push_str(&format!(
            "<item><guid>feed-{n}-item-{i}</guid><title>Item {i} of feed {n}</title>\
             <link>https://bench.example/{n}/{i}</link>\
             <pubDate>Mon, 03 Mar 2025 07:{:02}:00 +0000</pubDate><description>",
            i % 60
        ));
        let mut body = String::new();
        for p in 0..5 {
            body.push_str(&format!(
                "<p>Paragraph {p} of item {i}: the harbour council met again to discuss \
                 the ferry timetable, the new <a href=\"https://bench.example/{n}/{i}/{p}\">quay</a> \
                 and the lighthouse, and the meeting ran late into the evening as usual.</p>"
            ));
        }
        xml.push_str(&quick_escape(&body));
        xml.push_str("</description></item>");
    }
    xml.push_str("</channel></rss>");
    xml
}

fn quick_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Serves `/feed/N.xml` with an ETag; answers 304 when the client already has it. Stops
/// after the requests the benchmark makes (two rounds) or after two minutes.
fn serve(feeds: Arc<Vec<String>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a local port");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(120);
        for stream in listener.incoming().take(FEEDS * 2) {
            if Instant::now() > deadline {
                break;
            }
            let Ok(mut stream) = stream else { continue };
            let feeds = Arc::clone(&feeds);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                let mut cached = false;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                    cached |= header.to_ascii_lowercase().starts_with("if-none-match");
                }
                let n: usize = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|p| p.strip_prefix("/feed/"))
                    .and_then(|p| p.strip_suffix(".xml"))
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let response = if cached {
                    "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
                } else {
                    let body = &feeds[n % FEEDS];
                    format!(
                        "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                let _ = stream.write_all(response.as_bytes());
            });
        }
    });
    port
}

fn main() -> anyhow::Result<()> {
    let feeds: Arc<Vec<String>> = Arc::new((0..FEEDS).map(feed_xml).collect());
    let bytes: usize = feeds.iter().map(String::len).sum();
    let port = serve(Arc::clone(&feeds));
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("fetch.db"))?;
    for n in 0..FEEDS {
        store.add_feed(&format!("http://127.0.0.1:{port}/feed/{n}.xml"), None)?;
    }
    println!(
        "{FEEDS} feeds x {ITEMS} items, {:.1} MiB of RSS",
        bytes as f64 / 1048576.0
    );
    for round in ["first fetch", "second fetch (304s)"] {
        let started = Instant::now();
        let reports = fetch::fetch_all(
            &store,
            store.feeds()?,
            fetch::Options::default(),
            jiff::Timestamp::now(),
            &mut |_, _, _| {},
        );
        let elapsed = started.elapsed().as_secs_f64();
        let stored: usize = reports
            .iter()
            .map(|r| match &r.outcome {
                Outcome::Stored(c) => c.new + c.updated,
                _ => 0,
            })
            .sum();
        let failed = reports
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
            .count();
        let unchanged = reports
            .iter()
            .filter(|r| r.outcome == Outcome::NotModified)
            .count();
        println!(
            "{round}: {elapsed:.2} s wall, {stored} articles stored ({:.0} articles/s), {unchanged} not modified, {failed} failed",
            stored as f64 / elapsed
        );
    }
    Ok(())
}
