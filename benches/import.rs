//! Import throughput: N generated articles (300–1,500 words) from JSON Lines into a new
//! store, full-text index included. Prints articles/s and the store size.
//!
//! `cargo bench --bench import` (N = 100,000); `HERALD_BENCH_N=10000` for a quicker run.

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/cpu.rs"]
mod cpu;
use cpu::cpu_seconds;

use std::time::Instant;

use herald::domain::store::Store;

fn main() -> anyhow::Result<()> {
    let n = corpus::size_from_env();
    let dir = tempfile::tempdir()?;
    // HERALD_BENCH_CORPUS keeps the generated corpus at that path and reuses it, so a
    // profiler can watch the import alone.
    let input = std::env::var_os("HERALD_BENCH_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("corpus.jsonl"));

    if !input.exists() {
        let started = Instant::now();
        corpus::write_jsonl(&input, n)?;
        println!(
            "generated {n} articles in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let input_bytes = std::fs::metadata(&input)?.len();
    println!(
        "input: {:.1} MiB of JSON Lines",
        input_bytes as f64 / 1048576.0
    );

    let store_path = dir.path().join("bench.db");
    let mut store = Store::open(&store_path)?;
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let mut problems = 0;
    let summary = herald::domain::import::import_paths(
        &mut store,
        std::slice::from_ref(&input),
        jiff::Timestamp::now(),
        &mut |_| problems += 1,
    )?;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    drop(store);
    let size: u64 = std::fs::read_dir(dir.path())?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("bench.db"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "imported {} articles ({} problems) in {elapsed:.2} s: {:.0} articles/s, {:.1} MiB/s of input",
        summary.counts.imported,
        problems,
        summary.counts.imported as f64 / elapsed,
        input_bytes as f64 / 1048576.0 / elapsed
    );
    println!(
        "store size {:.1} MiB ({:.2} KiB per article)",
        size as f64 / 1048576.0,
        size as f64 / 1024.0 / n.max(1) as f64
    );
    let imported = summary.counts.imported.max(1) as f64;
    for (part, bytes) in Store::open(&store_path)?.maintenance().space()? {
        println!(
            "  {part}: {:.1} MiB, {:.2} KiB per article",
            bytes as f64 / 1048576.0,
            bytes as f64 / 1024.0 / imported
        );
    }
    {
        // What the upgrade to schema 15 costs a store of this size: it indexes every
        // article again.
        let store = Store::open(&store_path)?;
        let started = Instant::now();
        store.maintenance().rebuild_word_index()?;
        println!(
            "rebuilding the word index (the upgrade to schema 15): {:.2} s, {:.0} µs per article",
            started.elapsed().as_secs_f64(),
            started.elapsed().as_secs_f64() * 1e6 / imported
        );
    }
    if let Some(keep) = std::env::var_os("HERALD_BENCH_KEEP") {
        std::fs::copy(&store_path, keep)?;
    }
    println!(
        "CPU time {cpu:.2} s on all threads ({:.0} µs per article): split perfectly across \
         two cores, this work could go no faster than {:.0} articles/s",
        cpu / imported * 1e6,
        2.0 * imported / cpu.max(1e-9)
    );
    fts5_alone(&input)
}

/// The ceiling for any design with one SQLite writer: the same titles and bodies put into
/// a bare full-text table in memory, with herald's tokenizer and nothing else (no rows,
/// no file, no parsing in the timed part).
fn fts5_alone(input: &std::path::Path) -> anyhow::Result<()> {
    use std::io::BufRead;
    let mut docs = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(input)?).lines() {
        let record: serde_json::Value = serde_json::from_str(&line?)?;
        let paragraphs: Vec<&str> = record["paragraphs"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p.as_str()).collect())
            .unwrap_or_default();
        let title = record["title"].as_str().unwrap_or_default().to_owned();
        docs.push((title, paragraphs.join("\n\n")));
    }
    let mut conn = rusqlite::Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE VIRTUAL TABLE t USING fts5(title, body, content = '',
             tokenize = 'unicode61 remove_diacritics 2');
         INSERT INTO t (t, rank) VALUES ('hashsize', 33554432);",
    )?;
    let started = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO t (rowid, title, body) VALUES (?1, ?2, ?3)")?;
        for (i, (title, body)) in docs.iter().enumerate() {
            insert.execute(rusqlite::params![i as i64 + 1, title, body])?;
        }
    }
    tx.commit()?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "SQLite's full-text index alone (in memory, one thread, nothing else): {:.0} articles/s",
        docs.len() as f64 / elapsed
    );
    Ok(())
}
