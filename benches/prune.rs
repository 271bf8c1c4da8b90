//! Retention at archive scale: a store of 1,000,000 generated articles
//! (HERALD_BENCH_N=N for another size) spread over 100 feeds, pruned to each feed's newest
//! N/100 - 500 (50,000 articles go at 1,000,000); then 50,000 new items fetched from a
//! server on 127.0.0.1 (500 feeds of 100). Prints the prune's time and the file's size
//! before the prune, after it and after the fetch. Targets: the prune in at most 10 s, and
//! no growth on the fetch: the pruned articles' pages are reused.
//!
//! HERALD_BENCH_CORPUS=PATH keeps the generated archive there and reuses it.
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
    let mut store = Store::open(&path)?;
    let started = Instant::now();
    herald::domain::import::import_paths(
        &mut store,
        std::slice::from_ref(&input),
        jiff::Timestamp::now(),
        &mut |_| {},
    )?;
    let stored = store.count()?;
    println!(
        "imported {stored} articles in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    // The archive as fetched items of 100 feeds: the bulk import stores files' articles,
    // which retention leaves alone, so the rows are handed to feeds directly.
    for i in 0..FEEDS {
        store.add_feed(&format!("https://archive.example/{i}.xml"), None)?;
    }
    drop(store);
    {
        let conn = rusqlite::Connection::open(&path)?;
        conn.execute(
            "UPDATE articles SET feed_id = (SELECT min(id) FROM feeds) + id % ?1",
            [FEEDS],
        )?;
    }
    let store = Store::open(&path)?;
    let keep = (stored / FEEDS as usize).saturating_sub(PRUNED / FEEDS as usize);
    let limits = Retention {
        max_items: Some(keep as u32),
        ..Retention::default()
    };
    let before = size(&path);
    let started = Instant::now();
    let would = store.prune(&limits, jiff::Timestamp::now(), true)?.total();
    let dry = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let pruned = store.prune(&limits, jiff::Timestamp::now(), false)?.total();
    let took = started.elapsed().as_secs_f64();
    let after = size(&path);
    println!(
        "prune to {keep} per feed: dry run {dry:.2} s ({would} would go); pruned {pruned} of \
         {stored} in {took:.2} s (target: at most 10 s)"
    );
    println!(
        "file: {} before, {} after the prune",
        mib(before),
        mib(after)
    );

    // As many new items fetched: 500 feeds of 100.
    let feeds: Arc<Vec<String>> = Arc::new((0..daily::FEEDS).map(daily::feed_xml).collect());
    let port = daily::serve(feeds, Arc::new(AtomicBool::new(false)), FETCHED_FEEDS);
    for i in 0..FETCHED_FEEDS {
        store.add_feed(&format!("http://127.0.0.1:{port}/feed/{i}.xml"), None)?;
    }
    let (elapsed, new, _, _, failed) = daily::fetch_round(&store)?;
    drop(store);
    let fetched = size(&path);
    println!(
        "fetched {new} new items ({failed} feeds failed) in {elapsed:.1} s; file: {} \
         ({:+.1} MiB against before the prune; target: no growth)",
        mib(fetched),
        (fetched as f64 - before as f64) / 1048576.0
    );
    Ok(())
}
