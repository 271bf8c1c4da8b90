//! Fetching politely, against loopback HTTP servers that log what they were asked, by
//! whom and when: the User-Agent and Accept-Encoding of every request, gzip and brotli
//! bodies, a decompression bomb refused, at most `per_host` requests at once to one host,
//! 429 and 503 with Retry-After honoured across runs, growing delays after failures,
//! `fetch --due`, `feed set --refresh` and `feed list --json`.

use std::net::TcpListener;
use std::time::{Duration, Instant};

mod common;

use common::herald_at as herald;
use common::server::{Answer, Request, Script, Server};
use herald::domain::fetch::{self, Outcome};
use herald::domain::store::{Attempt, Store};
use jiff::Timestamp;

/// The script of every test here: feeds named by their path, compressed, slow, refused
/// or failing; at most 300 requests, two minutes.
fn script() -> Script {
    Script::new()
        .limit(300)
        .prefix("/slow", |r| {
            Answer::ok(rss(name(r))).after(Duration::from_millis(300))
        })
        .at_with("/gzip.xml", |r| {
            Answer::ok(gzip_stored(rss(name(r)).as_bytes())).header("Content-Encoding", "gzip")
        })
        .at_with("/brotli.xml", |r| {
            Answer::ok(brotli_uncompressed(rss(name(r)).as_bytes()))
                .header("Content-Encoding", "br")
        })
        .at_with("/bomb.xml", |_| {
            Answer::ok(gzip_bomb(64 * 1024 * 1024)).header("Content-Encoding", "gzip")
        })
        .at(
            "/limited.xml",
            Answer::new(429)
                .header("Retry-After", "3600")
                .body("slow down"),
        )
        .at_with("/unavailable.xml", |_| {
            let later = Timestamp::now() + jiff::SignedDuration::from_hours(2);
            let date = jiff::fmt::rfc2822::DateTimePrinter::new()
                .timestamp_to_rfc9110_string(&later)
                .unwrap();
            Answer::new(503).header("Retry-After", date).body("down")
        })
        .at(
            "/forever.xml",
            Answer::new(429)
                .header("Retry-After", "9".repeat(40))
                .body("slow down"),
        )
        .at("/fail.xml", Answer::new(500).body("oops"))
        .otherwise(|r| Answer::ok(rss(name(r))))
}

/// A server on 127.0.0.1.
fn serve() -> Server {
    script().start()
}

/// The feed's title: its path without the slash and `.xml`.
fn name(r: &Request) -> &str {
    r.path.trim_start_matches('/').trim_end_matches(".xml")
}

fn rss(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <item><guid>{title}-1</guid><title>{title} one</title><description>First.</description></item>\
         <item><guid>{title}-2</guid><title>{title} two</title><description>Second.</description></item>\
         </channel></rss>"
    )
}

/// Bits written least significant first, as deflate and brotli read them.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    used: u32,
}

impl Bits {
    fn push(&mut self, value: u32, count: u32) {
        for i in 0..count {
            if self.used.is_multiple_of(8) {
                self.bytes.push(0);
            }
            let bit = ((value >> i) & 1) as u8;
            *self.bytes.last_mut().unwrap() |= bit << (self.used % 8);
            self.used += 1;
        }
    }

    /// A Huffman code, which deflate writes most significant bit first.
    fn code(&mut self, code: u32, count: u32) {
        for i in (0..count).rev() {
            self.push((code >> i) & 1, 1);
        }
    }

    fn align(&mut self) {
        self.used = self.bytes.len() as u32 * 8;
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// `data` (under 64 KiB) as gzip with one stored deflate block.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let len = data.len() as u16;
    let mut out = GZIP_HEADER.to_vec();
    out.push(1);
    out.extend(len.to_le_bytes());
    out.extend((!len).to_le_bytes());
    out.extend(data);
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// Gzip that inflates to `size` zero bytes: one zero, then copies of 258 bytes at
/// distance 1 (13 bits each in deflate's fixed codes), about 1 byte per 160.
fn gzip_bomb(size: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.push(1, 1); // the last block
    bits.push(1, 2); // fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..(size - 1) / 258 {
        bits.code(0b1100_0101, 8); // length 258
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    let mut out = GZIP_HEADER.to_vec();
    out.extend(bits.bytes);
    out.extend([0; 8]); // a checksum never reached
    out
}

/// `data` (at most 64 KiB) as brotli: one uncompressed meta-block, then an empty last.
fn brotli_uncompressed(data: &[u8]) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.push(0, 1); // window 16 bits
    bits.push(0, 1); // not the last meta-block
    bits.push(0, 2); // its length in 4 nibbles
    bits.push(data.len() as u32 - 1, 16);
    bits.push(1, 1); // uncompressed
    bits.align();
    bits.bytes.extend(data);
    bits.align();
    bits.push(1, 1); // the last meta-block
    bits.push(1, 1); // and empty
    bits.bytes
}

fn options() -> fetch::Options {
    fetch::Options {
        timeout: Duration::from_secs(5),
        ..Default::default()
    }
}

fn fetch_into(store: &Store, options: fetch::Options, now: Timestamp) -> Vec<fetch::Report> {
    let feeds = store.feeds().list().unwrap();
    fetch::fetch_all(store, feeds, options, now, &mut |_, _, _| {})
}

fn outcome<'a>(reports: &'a [fetch::Report], path: &str) -> &'a Outcome {
    &reports
        .iter()
        .find(|r| r.feed.url.ends_with(path))
        .unwrap()
        .outcome
}

#[test]
fn requests_name_herald_and_gzip_and_brotli_bodies_are_read() {
    let server = serve();
    let store = Store::open_in_memory().unwrap();
    for path in ["/gzip.xml", "/brotli.xml", "/plain.xml"] {
        store.feeds().add_feed(&server.url(path), None).unwrap();
    }
    let reports = fetch_into(&store, options(), Timestamp::now());
    for path in ["/gzip.xml", "/brotli.xml", "/plain.xml"] {
        assert!(
            matches!(outcome(&reports, path), Outcome::Stored(c) if c.new == 2),
            "{path}: {:?}",
            outcome(&reports, path)
        );
    }
    let asked = server.requests();
    assert_eq!(asked.len(), 3);
    for a in &asked {
        assert_eq!(a.host(), "127.0.0.1");
        assert_eq!(
            a.header("user-agent").unwrap_or_default(),
            format!("herald/{}", env!("CARGO_PKG_VERSION"))
        );
        let accept_encoding = a.header("accept-encoding").unwrap_or_default();
        assert!(accept_encoding.contains("gzip"), "{a:?}");
        assert!(accept_encoding.contains("br"), "{a:?}");
    }
}

/// 64 MiB of zeros in about 400 KB of gzip: refused at the 16 MiB cap on the decoded
/// bytes, without holding more than that.
#[test]
fn a_decompression_bomb_is_refused_at_the_cap() {
    let bomb = gzip_bomb(64 * 1024 * 1024);
    assert!(bomb.len() < 450_000, "{}", bomb.len());
    let server = serve();
    let store = Store::open_in_memory().unwrap();
    store
        .feeds()
        .add_feed(&server.url("/bomb.xml"), None)
        .unwrap();
    let started = Instant::now();
    let reports = fetch_into(&store, options(), Timestamp::now());
    let took = started.elapsed();
    match outcome(&reports, "/bomb.xml") {
        Outcome::Failed(reason) => {
            assert!(reason.contains("larger than the 16 MiB limit"), "{reason}")
        }
        other => panic!("the bomb was not refused: {other:?}"),
    }
    eprintln!("bomb refused in {took:?}");
    assert_eq!(store.articles().count().unwrap(), 0);
}

/// Two hosts (127.0.0.1 and 127.0.0.2), six slow feeds each, eight workers: never more
/// than two requests at once to one host, while the other host is served meanwhile.
#[test]
fn at_most_per_host_requests_at_once_to_one_host() {
    if TcpListener::bind(("127.0.0.2", 0)).is_err() {
        eprintln!("skipped: 127.0.0.2 is not a loopback address here");
        return;
    }
    let server = script().start_on(&["127.0.0.1", "127.0.0.2"]);
    let store = Store::open_in_memory().unwrap();
    for i in 0..6 {
        for host in 0..2 {
            store
                .feeds()
                .add_feed(&server.url_on(host, &format!("/slow-{host}-{i}.xml")), None)
                .unwrap();
        }
    }
    let options = fetch::Options {
        jobs: 8,
        per_host: 2,
        ..options()
    };
    let started = Instant::now();
    let reports = fetch_into(&store, options, Timestamp::now());
    let took = started.elapsed();
    assert!(
        reports
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Stored(_)))
    );
    for host in ["127.0.0.1", "127.0.0.2"] {
        assert_eq!(server.most_at_once_on(host), 2, "{host}: the most at once");
    }
    assert_eq!(server.most_at_once(), 4, "both hosts were served at once");
    // Twelve requests of 300 ms, four at a time, are three rounds: a figure to read (the
    // concurrency itself is asserted above from the server's own count).
    eprintln!("12 slow feeds on 2 hosts in {took:?}");
}

/// A 429 with Retry-After: the next `herald fetch`, right after, does not ask that
/// feed again (the server's log shows one request) and says until when it waits; the
/// other feed is fetched both times. A 503 with an HTTP date does the same.
#[test]
fn retry_after_is_honoured_across_runs() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    for feed in ["/limited.xml", "/unavailable.xml", "/fine.xml"] {
        assert!(
            herald(&path, &["feed", "add", "--no-check", &server.url(feed)])
                .status
                .success()
        );
    }
    let first = herald(&path, &["fetch"]);
    assert_eq!(first.status.code(), Some(1), "two feeds failed");
    let second = herald(&path, &["fetch"]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{stdout}");
    // Skips are said on stderr: a cron job whose fetch worked prints nothing to mail
    // while a Retry-After holds.
    assert!(
        stderr.contains("limited.xml: skipped: the server asked not to be asked again before"),
        "{stderr}"
    );
    assert!(stderr.contains("unavailable.xml: skipped"), "{stderr}");
    assert!(!stdout.contains("skipped"), "{stdout}");
    assert!(stdout.contains("fetched 1 feed"), "{stdout}");
    assert!(
        stderr.contains("skipped 2 feeds whose server asked to wait"),
        "{stderr}"
    );
    assert_eq!(server.times_asked("/limited.xml"), 1);
    assert_eq!(server.times_asked("/unavailable.xml"), 1);
    assert_eq!(server.times_asked("/fine.xml"), 2);
    // --due does not ask either.
    herald(&path, &["fetch", "--due"]);
    assert_eq!(server.times_asked("/limited.xml"), 1);

    let list = herald(&path, &["feed", "list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    let now = Timestamp::now();
    let at = |v: &serde_json::Value| v.as_str().unwrap().parse::<Timestamp>().unwrap();
    let limited = &rows[0];
    assert_eq!(limited["failures"], 1);
    let wait = at(&limited["retry_after"]).as_second() - now.as_second();
    assert!((3500..=3600).contains(&wait), "{limited}");
    assert!(
        at(&limited["next_due"]) >= at(&limited["retry_after"]),
        "{limited}"
    );
    let unavailable = &rows[1];
    let wait = at(&unavailable["retry_after"]).as_second() - now.as_second();
    assert!((7100..=7200).contains(&wait), "{unavailable}");
    let fine = &rows[2];
    assert_eq!(fine["failures"], 0);
    assert!(fine["retry_after"].is_null());
    assert!(fine["refresh"].is_null());
    let due = at(&fine["next_due"]).as_second() - now.as_second();
    assert!(
        (1700..=1800).contains(&due),
        "the default refresh is 30m: {fine}"
    );

    let human = herald(&path, &["feed", "list"]);
    // The listing wraps a long state over lines: read it as words.
    let human = String::from_utf8_lossy(&human.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(human.contains("HTTP 429"), "{human}");
    assert!(human.contains("the server asked to wait until"), "{human}");
    assert!(human.contains("next due"), "{human}");
}

/// fetch_all itself never asks a feed inside its Retry-After, whoever calls it (the
/// reader's `R` included).
#[test]
fn fetch_all_never_asks_inside_a_retry_after() {
    let server = serve();
    let store = Store::open_in_memory().unwrap();
    store
        .feeds()
        .add_feed(&server.url("/limited.xml"), None)
        .unwrap();
    store
        .feeds()
        .add_feed(&server.url("/fine.xml"), None)
        .unwrap();
    let now = Timestamp::from_second(1_800_000_000).unwrap();
    assert_eq!(fetch_into(&store, options(), now).len(), 2);
    let an_hour_less_a_second = Timestamp::from_second(now.as_second() + 3599).unwrap();
    let reports = fetch_into(&store, options(), an_hour_less_a_second);
    assert_eq!(reports.len(), 1);
    assert_eq!(server.times_asked("/limited.xml"), 1);
    let an_hour = Timestamp::from_second(now.as_second() + 3600).unwrap();
    assert_eq!(fetch_into(&store, options(), an_hour).len(), 2);
    assert_eq!(server.times_asked("/limited.xml"), 2);
}

/// A Retry-After of forty nines waits seven days, not forever.
#[test]
fn a_huge_retry_after_is_bounded_at_seven_days() {
    let server = serve();
    let store = Store::open_in_memory().unwrap();
    store
        .feeds()
        .add_feed(&server.url("/forever.xml"), None)
        .unwrap();
    let now = Timestamp::from_second(1_800_000_000).unwrap();
    fetch_into(&store, options(), now);
    let feed = &store.feeds().list().unwrap()[0];
    assert_eq!(feed.retry_after, Some(now.as_second() + 7 * 86_400));
}

/// Each failure in a row doubles the wait, up to a day; a success clears it.
#[test]
fn delays_grow_across_failures() {
    let server = serve();
    let store = Store::open_in_memory().unwrap();
    store
        .feeds()
        .add_feed(&server.url("/fail.xml"), None)
        .unwrap();
    let mut now = Timestamp::from_second(1_800_000_000).unwrap();
    let mut delays = Vec::new();
    for _ in 0..7 {
        let due = store.feeds().due_feeds(now).unwrap();
        assert_eq!(due.len(), 1);
        fetch::fetch_all(&store, due, options(), now, &mut |_, _, _| {});
        let feed = &store.feeds().list().unwrap()[0];
        let delay = feed.next_due.unwrap() - now.as_second();
        delays.push(delay);
        // Not due a second before.
        let almost = Timestamp::from_second(now.as_second() + delay - 1).unwrap();
        assert!(store.feeds().due_feeds(almost).unwrap().is_empty());
        now = Timestamp::from_second(now.as_second() + delay).unwrap();
    }
    assert_eq!(delays, [3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400]);
    assert_eq!(server.times_asked("/fail.xml"), 7);
    assert_eq!(store.feeds().list().unwrap()[0].failures, 7);
}

/// `fetch --due` asks only the feeds that are due; `feed set --refresh` gives one feed
/// its own refresh.
#[test]
fn fetch_due_asks_only_the_due_feeds() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    for feed in ["/a.xml", "/b.xml"] {
        assert!(
            herald(&path, &["feed", "add", "--no-check", &server.url(feed)])
                .status
                .success()
        );
    }
    // Never fetched: both due.
    let out = herald(&path, &["fetch", "--due"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("fetched 2 feeds"));
    // Fetched just now: neither due.
    let out = herald(&path, &["fetch", "--due"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("nothing to fetch now; the next is due at"),
        "{stdout}"
    );
    assert_eq!(server.count(), 2);
    // b's last fetch moves back a day: due again.
    {
        let store = Store::open(&path).unwrap();
        let b = store.feeds().find_feed("2").unwrap();
        let yesterday = Timestamp::from_second(Timestamp::now().as_second() - 86_400).unwrap();
        store
            .feeds()
            .schedule(&b, Attempt::Succeeded, Duration::from_secs(1800), yesterday)
            .unwrap();
    }
    let out = herald(&path, &["fetch", "--due"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("fetched 1 feed"));
    assert_eq!(server.times_asked("/a.xml"), 1);
    assert_eq!(server.times_asked("/b.xml"), 2);
    // Plain fetch asks everything.
    herald(&path, &["fetch"]);
    assert_eq!(server.times_asked("/a.xml"), 2);

    let set = herald(&path, &["feed", "set", "1", "--refresh", "15m"]);
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert!(String::from_utf8_lossy(&set.stdout).contains("fetched every 15m"));
    let list = herald(&path, &["feed", "list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows[0]["refresh"], 900);
    for key in [
        "next_due",
        "failures",
        "retry_after",
        "refresh",
        "last_fetched",
    ] {
        assert!(rows[1].get(key).is_some(), "{key}: {}", rows[1]);
    }
    let human = herald(&path, &["feed", "list"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("refresh 15m"));
    let off = herald(
        &path,
        &["feed", "set", &server.url("/a.xml"), "--refresh", "off"],
    );
    assert!(off.status.success());
    let list = herald(&path, &["feed", "list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    assert!(rows[0]["refresh"].is_null());

    let bad = herald(&path, &["feed", "set", "1", "--refresh", "5s"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("from 1m to 30d"));
    let nothing = herald(&path, &["feed", "set", "1"]);
    assert_eq!(nothing.status.code(), Some(2), "a setting is required");
    let missing = herald(&path, &["feed", "set", "9", "--refresh", "1h"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no subscription 9"));
}

/// The config's `refresh` sets when a fetched feed is due again.
#[test]
fn the_config_sets_the_global_refresh() {
    let server = serve();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "refresh = \"2h\"\n").unwrap();
    herald(&path, &["feed", "add", "--no-check", &server.url("/a.xml")]);
    let out = herald(&path, &["--config", config.to_str().unwrap(), "fetch"]);
    assert!(out.status.success());
    let store = Store::open(&path).unwrap();
    let feed = &store.feeds().list().unwrap()[0];
    let due = feed.next_due.unwrap() - Timestamp::now().as_second();
    assert!((7100..=7200).contains(&due), "{due}");
}
