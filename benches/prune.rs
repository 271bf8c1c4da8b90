//! Retention at archive scale: a store of 1,000,000 generated articles
//! (HERALD_BENCH_N=N for another size) spread over 100 feeds, pruned to each feed's newest
//! N/100 - 500 (50,000 articles go at 1,000,000); then 50,000 new items fetched from a
//! server on 127.0.0.1 (500 feeds of 100). Prints the prune's time and the file's size
//! before the prune, after it and after the fetch. Targets: the prune in at most 10 s, and
//! no growth on the fetch: the pruned articles' pages are reused.
//!
//! HERALD_BENCH_CORPUS=PATH keeps the generated archive there and reuses it;
//! HERALD_BENCH_STORE=PATH keeps the store as it is before the prune, and reuses it.
//!
//! `cargo bench --bench prune`

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/daily.rs"]
#[allow(dead_code)]
mod daily;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use herald::domain::store::{Retention, Store};

const FEEDS: i64 = 100;
const PRUNED: usize = 50_000;
const FETCHED_FEEDS: usize = 500;

fn size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

/// The file's size with the write-ahead log folded in, and the bytes of free pages in it.
fn settled(store: &Store, path: &Path) -> anyhow::Result<(u64, u64)> {
    let conn = rusqlite::Connection::open(path)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let _ = store;
    Ok((size(path), (free * page) as u64))
}

/// Imports the generated archive into a new store at `path` and hands its articles to
/// 100 feeds.
fn build(path: &Path, input: &Path) -> anyhow::Result<()> {
    let mut store = Store::open(path)?;
    let started = Instant::now();
    herald::domain::import::import_paths(
        &mut store,
        &[input.to_path_buf()],
        jiff::Timestamp::now(),
        &mut |_| {},
    )?;
    println!(
        "imported {} articles in {:.0} s",
        store.articles().count()?,
        started.elapsed().as_secs_f64()
    );
    // The archive as fetched items of 100 feeds: the bulk import stores files' articles,
    // which retention leaves alone, so the rows are handed to feeds directly.
    for i in 0..FEEDS {
        store
            .feeds()
            .add_feed(&format!("https://archive.example/{i}.xml"), None)?;
    }
    drop(store);
    let conn = rusqlite::Connection::open(path)?;
    conn.execute(
        "UPDATE articles SET feed_id = (SELECT min(id) FROM feeds) + id % ?1",
        [FEEDS],
    )?;
    // They are not fetched: the loop below fetches only the new feeds.
    conn.execute("UPDATE feeds SET url = 'file:///archive/' || id", [])?;
    Ok(())
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1048576.0)
}

fn main() -> anyhow::Result<()> {
    let n = std::env::var("HERALD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000usize);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("prune.db");
    let input = std::env::var_os("HERALD_BENCH_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("archive.jsonl"));
    if !input.exists() {
        let started = Instant::now();
        corpus::write_jsonl(&input, n)?;
        println!(
            "generated {n} articles in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let kept = std::env::var_os("HERALD_BENCH_STORE").map(std::path::PathBuf::from);
    let base = match &kept {
        Some(kept) if kept.exists() => {
            println!("the store from {}", kept.display());
            kept.clone()
        }
        _ => {
            let built = dir.path().join("base.db");
            build(&built, &input)?;
            if let Some(kept) = &kept {
                std::fs::copy(&built, kept)?;
            }
            built
        }
    };
    // Two archives: dates in the order the articles were stored, as in a store filled
    // by years of fetches (the oldest are the lowest ids, so a prune frees whole pages);
    // and the generated corpus's dates, at random against the ids (every page loses a
    // few rows, which only rows whose keys fall there can reuse).
    for (name, in_order) in [("dates in stored order", true), ("dates at random", false)] {
        println!("== {name}");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        std::fs::copy(&base, &path)?;
        if in_order {
            let conn = rusqlite::Connection::open(&path)?;
            conn.execute("UPDATE articles SET sort_key = 1500000000 + id * 60", [])?;
        }
        prune_then_fetch(&path)?;
    }
    Ok(())
}

/// Prunes 50,000 articles, then fetches as many new ones, saying what each cost.
fn prune_then_fetch(path: &Path) -> anyhow::Result<()> {
    let path = path.to_path_buf();
    let store = Store::open(&path)?;
    let stored = store.articles().count()?;
    let keep = (stored / FEEDS as usize).saturating_sub(PRUNED / FEEDS as usize);
    let limits = Retention {
        max_items: Some(keep as u32),
        // The bench's articles are unread: let the limit take them, as before.
        keep_unread: false,
        ..Retention::default()
    };
    let before = settled(&store, &path)?;
    let started = Instant::now();
    let would = store
        .maintenance()
        .prune(&limits, jiff::Timestamp::now(), true)?
        .total();
    let dry = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let pruned = store
        .maintenance()
        .prune(&limits, jiff::Timestamp::now(), false)?
        .total();
    let took = started.elapsed().as_secs_f64();
    let after = settled(&store, &path)?;
    println!(
        "prune to {keep} per feed: dry run {dry:.2} s ({would} would go); pruned {pruned} of \
         {stored} in {took:.2} s (target: at most 10 s)"
    );
    println!(
        "file: {} before, {} after the prune ({} of free pages in it)",
        mib(before.0),
        mib(after.0),
        mib(after.1)
    );

    // As many new items fetched: 500 feeds of 100.
    let feeds: Arc<Vec<String>> = Arc::new((0..daily::FEEDS).map(daily::feed_xml).collect());
    let site = daily::serve(feeds, Arc::new(AtomicBool::new(false)), FETCHED_FEEDS);
    let port = site.port();
    for i in 0..FETCHED_FEEDS {
        store
            .feeds()
            .add_feed(&format!("http://127.0.0.1:{port}/feed/{i}.xml"), None)?;
    }
    let (elapsed, new, _, _, failed) = daily::fetch_round(&store)?;
    let fetched = settled(&store, &path)?;
    println!(
        "fetched {new} new items ({failed} feeds failed) in {elapsed:.1} s; file: {} \
         ({:+.1} MiB against after the prune, {} of free pages left; target: no growth)",
        mib(fetched.0),
        (fetched.0 as f64 - after.0 as f64) / 1048576.0,
        mib(fetched.1)
    );
    Ok(())
}
