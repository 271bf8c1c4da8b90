//! The daily loop, shared by `cargo bench --bench fetch` and the suite: 50 feeds of 100
//! items each fetched from a server on 127.0.0.1 into stores that already hold an archive.
//! Three rounds per store: all items new; the same items again in full (a server that
//! does not answer 304, so every item is looked up and compared); and 304s. Prints wall
//! time per round and its ratio to the empty store. Target: at 100,000 articles within
//! 1.5x of empty.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use herald::domain::fetch::{self, Outcome};
use herald::domain::store::Store;

use super::corpus;

// The loopback server of the tests, from the one file they share.
#[path = "../../src/test_server.rs"]
mod test_server;
use test_server::{Answer, Script, Server};

pub const FEEDS: usize = 50;
const ITEMS: usize = 100;

pub fn feed_xml(n: usize) -> String {
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

/// Serves `/feed/N.xml`. While `etags` is on it also sends an ETag, and answers 304 when
/// the client already has it. Stops after the requests the benchmark makes or ten
/// minutes.
pub fn serve(feeds: Arc<Vec<String>>, etags: Arc<AtomicBool>, requests: usize) -> Server {
    Script::new()
        .limit(requests)
        .lifetime(Duration::from_secs(600))
        .otherwise(move |r| {
            let etag = etags.load(Ordering::SeqCst);
            if etag && r.header("if-none-match").is_some() {
                return Answer::new(304).header("ETag", "\"v1\"");
            }
            let n: usize = r
                .path
                .strip_prefix("/feed/")
                .and_then(|p| p.strip_suffix(".xml"))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let answer = Answer::ok(feeds[n % FEEDS].as_str());
            if etag {
                answer.header("ETag", "\"v1\"")
            } else {
                answer
            }
        })
        .start()
}

/// One fetch of every subscription: wall time, items stored, unchanged, 304s, failures.
pub fn fetch_round(store: &Store) -> anyhow::Result<(f64, usize, usize, usize, usize)> {
    let started = Instant::now();
    let reports = fetch::fetch_all(
        store,
        store.feeds().list()?,
        // Every feed here is on one loopback host: the per-host limit, which is for other
        // people's servers, would make this measure politeness rather than the store.
        fetch::Options {
            per_host: 4,
            ..fetch::Options::default()
        },
        jiff::Timestamp::now(),
        &mut |_, _, _| {},
    );
    let elapsed = started.elapsed().as_secs_f64();
    let (mut stored, mut unchanged, mut not_modified, mut failed) = (0, 0, 0, 0);
    for report in &reports {
        match &report.outcome {
            Outcome::Stored(c) => {
                stored += c.new + c.updated;
                unchanged += c.unchanged;
            }
            Outcome::NotModified => not_modified += 1,
            Outcome::Failed(_) => failed += 1,
        }
    }
    Ok((elapsed, stored, unchanged, not_modified, failed))
}

/// Runs the loop into stores of each size in `sizes` (0 first: the ratios are to it).
pub fn run(sizes: &[usize]) -> anyhow::Result<()> {
    let feeds: Arc<Vec<String>> = Arc::new((0..FEEDS).map(feed_xml).collect());
    let bytes: usize = feeds.iter().map(String::len).sum();
    let etags = Arc::new(AtomicBool::new(false));
    let server = serve(
        Arc::clone(&feeds),
        Arc::clone(&etags),
        sizes.len() * FEEDS * 4,
    );
    let port = server.port();
    println!(
        "{FEEDS} feeds x {ITEMS} items, {:.1} MiB of RSS, fetched 4 at a time",
        bytes as f64 / 1048576.0
    );
    let mut empty: Vec<f64> = Vec::new();
    for &n in sizes {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(&dir.path().join("fetch.db"))?;
        if n > 0 {
            let input = dir.path().join("archive.jsonl");
            corpus::write_jsonl(&input, n)?;
            let started = Instant::now();
            herald::domain::import::import_paths(
                &mut store,
                std::slice::from_ref(&input),
                jiff::Timestamp::now(),
                &mut |_| {},
            )?;
            std::fs::remove_file(&input)?;
            println!(
                "== into a store of {n} articles (imported in {:.1} s)",
                started.elapsed().as_secs_f64()
            );
        } else {
            println!("== into an empty store");
        }
        for i in 0..FEEDS {
            store
                .feeds()
                .add_feed(&format!("http://127.0.0.1:{port}/feed/{i}.xml"), None)?;
        }
        etags.store(false, Ordering::SeqCst);
        let mut times = Vec::new();
        for round in ["new items", "unchanged items, sent in full", "304s"] {
            if round == "304s" {
                // One more full fetch, untimed, to learn the ETags.
                etags.store(true, Ordering::SeqCst);
                fetch_round(&store)?;
            }
            let (elapsed, stored, unchanged, not_modified, failed) = fetch_round(&store)?;
            let ratio = empty
                .get(times.len())
                .map(|e| format!(", {:.2}x the empty store", elapsed / e))
                .unwrap_or_default();
            println!(
                "{round}: {elapsed:.3} s wall, {stored} stored, {unchanged} unchanged, \
                 {not_modified} not modified, {failed} failed{ratio}"
            );
            times.push(elapsed);
        }
        if empty.is_empty() {
            empty = times;
        }
    }
    Ok(())
}
