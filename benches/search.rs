//! Search latency over N generated articles (100,000 by default): a rare word, a common
//! word, a two-letter prefix, a phrase, a field + flag + date query, and a CJK word.
//! Each query is timed from parse to the first screen of rows loaded, as the reader
//! needs it. Targets at 100,000: rare words within 15 ms, every query within 50 ms.
//!
//! `cargo bench --bench search`; HERALD_BENCH_STORE=PATH keeps (and reuses) the store.

#[path = "support/corpus.rs"]
mod corpus;

use std::time::{Duration, Instant};

use herald::domain::search::{Order, parse};
use herald::domain::store::Store;

fn main() -> anyhow::Result<()> {
    let n = corpus::size_from_env();
    let dir = tempfile::tempdir()?;
    let path = std::env::var_os("HERALD_BENCH_STORE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("search.db"));
    if !path.exists() {
        let input = dir.path().join("corpus.jsonl");
        corpus::write_jsonl(&input, n)?;
        let mut store = Store::open(&path)?;
        let started = Instant::now();
        herald::domain::import::import_paths(
            &mut store,
            &[input],
            jiff::Timestamp::now(),
            &mut |_| {},
        )?;
        println!(
            "built a store of {n} articles in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let store = Store::open(&path)?;
    let total = store.articles().count()?;
    println!("store: {total} articles");
    let now = jiff::Timestamp::now();
    let queries = [
        ("rare word", "zephyrine", false),
        ("rarer word, typed", "quillwor", true),
        ("common word", "the", false),
        ("two-letter prefix", "ka", true),
        ("phrase", "\"a note on\"", false),
        (
            "rare word + field + flag + date",
            "quillwort author:\"author 3\" is:unread after:2024-06-01",
            false,
        ),
        (
            "field + flag + date, common",
            "source:\"source 07\" is:unread after:2025-06-01",
            false,
        ),
        ("CJK word", "終電", false),
    ];
    for (label, text, typing) in queries {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..7 {
            let started = Instant::now();
            let query = parse(text, now, typing)?;
            let ids = store.articles().search(&query, Order::Relevance)?.ids;
            let first_screen = &ids[..ids.len().min(50)];
            let rows = store.articles().summaries_by_ids(first_screen)?;
            times.push(started.elapsed());
            found = ids.len();
            std::hint::black_box(rows);
        }
        times.sort();
        let median = times[times.len() / 2];
        let worst = times.last().copied().unwrap_or(Duration::ZERO);
        println!(
            "{label:<28} {text:<48} {found:>7} of {total}: median {:>7.2} ms, worst {:>7.2} ms",
            median.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3
        );
    }
    Ok(())
}
