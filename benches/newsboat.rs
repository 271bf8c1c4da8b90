//! herald beside newsboat on the same archive, as a person sees them: both run in tmux on
//! the suite's generated articles (100,000 unless HERALD_BENCH_N says otherwise), and
//! each figure is the time from the keys sent to the screen showing the answer, read by
//! `tmux capture-pane` (so each includes tmux's own few milliseconds, for both readers):
//! - start-up: launching the reader until its list of articles (herald) or feeds
//!   (newsboat) is on screen;
//! - a burst search: `/zephyrine` and Enter sent in one `send-keys`, as a paste or a fast
//!   typist's keys arrive, until the results' count is on screen.
//!
//! newsboat's cache is filled with the same articles (one feed per source) through its own
//! schema, made by newsboat itself. Skipped, saying so, when newsboat is not installed
//! (`apt-get install newsboat`).
//!
//! `cargo bench --bench newsboat`

#[path = "support/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

const WORD: &str = "zephyrine";

fn main() -> Result<()> {
    if Command::new("newsboat")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        println!("skipped: newsboat is not installed (apt-get install newsboat)");
        return Ok(());
    }
    let n = corpus::size_from_env();
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("corpus.jsonl");
    corpus::write_jsonl(&input, n)?;
    let store = dir.path().join("herald.db");
    let herald = env!("CARGO_BIN_EXE_herald");
    let imported = Command::new(herald)
        .arg("--store")
        .arg(&store)
        .arg("import")
        .arg(&input)
        .output()?;
    ensure!(imported.status.success(), "herald import failed");
    let newsboat_dir = dir.path().join("newsboat");
    let hits = fill_newsboat(&newsboat_dir, &input)?;
    println!(
        "{n} articles, '{WORD}' in {hits}; medians of the runs, each from the keys sent to \
         the answer on screen (tmux capture-pane included)"
    );

    // As herald's status bar writes it.
    let total = herald::domain::message::thousands(n);
    let herald_command = format!("{herald} --store {}", store.display());
    let herald_ready = format!("{total} unread");
    let herald_found = format!("{hits} of {total}");
    let newsboat_command = "newsboat -u urls -c cache.db -C config";

    let herald_start = runs(5, || {
        Pane::start(&herald_command, dir.path())?.until_shown(&herald_ready, None)
    })?;
    let newsboat_start = runs(3, || {
        Pane::start(newsboat_command, &newsboat_dir)?.until_shown("Your feeds", None)
    })?;
    let herald_search = runs(7, || {
        let pane = Pane::start(&herald_command, dir.path())?;
        pane.until_shown(&herald_ready, None)?;
        settle();
        pane.until_shown(&herald_found, Some(&[&format!("/{WORD}"), "Enter"]))
    })?;
    let newsboat_search = runs(3, || {
        let pane = Pane::start(newsboat_command, &newsboat_dir)?;
        pane.until_shown("Your feeds", None)?;
        settle();
        pane.until_shown(
            &format!("Search results ({hits} unread"),
            Some(&[&format!("/{WORD}"), "Enter"]),
        )
    })?;
    println!("| | herald | newsboat | newsboat / herald |");
    println!("| --- | --- | --- | --- |");
    for (what, ours, theirs) in [
        ("start-up to the list", herald_start, newsboat_start),
        (
            "burst search to its results",
            herald_search,
            newsboat_search,
        ),
    ] {
        println!(
            "| {what} | {ours:.1} ms | {theirs:.1} ms | {:.0} × |",
            theirs / ours
        );
    }
    Ok(())
}

/// The median of `count` runs of `measure`, in milliseconds.
fn runs(count: usize, mut measure: impl FnMut() -> Result<f64>) -> Result<f64> {
    let mut all = (0..count).map(|_| measure()).collect::<Result<Vec<_>>>()?;
    all.sort_by(f64::total_cmp);
    Ok(all[all.len() / 2])
}

/// After the list shows, herald's worker threads and newsboat's loading finish their
/// start before the keys come, as they would for a person reaching for the keyboard.
fn settle() {
    std::thread::sleep(Duration::from_millis(1500));
}

/// One reader running in its own tmux server, killed when dropped.
struct Pane {
    socket: String,
    started: Instant,
}

impl Pane {
    fn start(command: &str, dir: &Path) -> Result<Pane> {
        static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let run = RUN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = format!("herald-newsboat-{}-{run}", std::process::id());
        let started = Instant::now();
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "160", "-y", "40", "-c"])
            .arg(dir)
            .arg(command)
            .status()?;
        ensure!(status.success(), "tmux could not start (is it installed?)");
        Ok(Pane { socket, started })
    }

    /// Sends `keys` (if any) and returns the milliseconds until `text` is on screen,
    /// counted from the keys, or from the start when there are none.
    fn until_shown(&self, text: &str, keys: Option<&[&str]>) -> Result<f64> {
        let mut from = self.started;
        if let Some(keys) = keys {
            from = Instant::now();
            let status = Command::new("tmux")
                .args(["-L", &self.socket, "send-keys"])
                .args(keys)
                .status()?;
            ensure!(status.success(), "tmux send-keys failed");
        }
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let screen = Command::new("tmux")
                .args(["-L", &self.socket, "capture-pane", "-p"])
                .output()?;
            if String::from_utf8_lossy(&screen.stdout).contains(text) {
                return Ok(from.elapsed().as_secs_f64() * 1e3);
            }
            ensure!(Instant::now() < deadline, "'{text}' not shown within 120 s");
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .stderr(Stdio::null())
            .status();
    }
}

/// newsboat's cache in `dir` holding the articles of `input` (JSON Lines), one feed per
/// source; newsboat makes the schema itself (`-x print-unread` on an empty cache).
/// Returns how many articles hold the searched word.
fn fill_newsboat(dir: &Path, input: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir)?;
    let urls: String = (0..corpus::SOURCES)
        .map(|i| format!("{}\n", feed_url(&format!("Source {i:02}"))))
        .collect();
    std::fs::write(dir.join("urls"), urls)?;
    std::fs::write(dir.join("config"), "")?;
    let made = Command::new("newsboat")
        .args([
            "-u",
            "urls",
            "-c",
            "cache.db",
            "-C",
            "config",
            "-x",
            "print-unread",
        ])
        .current_dir(dir)
        .output()?;
    ensure!(made.status.success(), "newsboat could not make its cache");
    let mut db = rusqlite::Connection::open(dir.join("cache.db"))?;
    let tx = db.transaction()?;
    let mut hits = 0;
    {
        let mut item = tx.prepare(
            "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)",
        )?;
        let text = std::fs::read_to_string(input)?;
        for line in text.lines() {
            let a: serde_json::Value = serde_json::from_str(line)?;
            let field = |name: &str| a[name].as_str().unwrap_or_default().to_owned();
            let published: i64 = field("published")
                .parse::<jiff::Timestamp>()
                .map_or(0, |t| t.as_second());
            let paragraphs: Vec<&str> = a["paragraphs"]
                .as_array()
                .context("paragraphs")?
                .iter()
                .filter_map(|p| p.as_str())
                .collect();
            if paragraphs.iter().any(|p| p.contains(WORD)) || field("title").contains(WORD) {
                hits += 1;
            }
            let content: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
            item.execute(rusqlite::params![
                field("guid"),
                field("title"),
                field("author"),
                field("url"),
                feed_url(&field("source")),
                published,
                content,
            ])?;
        }
        let mut feed =
            tx.prepare("INSERT OR REPLACE INTO rss_feed (rssurl, url, title) VALUES (?1, ?1, ?2)")?;
        for i in 0..corpus::SOURCES {
            let name = format!("Source {i:02}");
            feed.execute(rusqlite::params![feed_url(&name), name])?;
        }
    }
    tx.commit()?;
    Ok(hits)
}

/// The address newsboat knows a source's feed by (never fetched: port 9 is discard).
fn feed_url(source: &str) -> String {
    format!(
        "http://127.0.0.1:9/{}.xml",
        source.to_lowercase().replace(' ', "-")
    )
}
