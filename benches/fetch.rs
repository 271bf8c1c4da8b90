//! The daily loop: 50 feeds of 100 items each fetched from a server on 127.0.0.1 into
//! stores that already hold an archive (empty, 1,000 and 100,000 generated articles;
//! 1,000,000 with HERALD_BENCH_1M=1; HERALD_BENCH_N=N for one size). Three rounds per
//! store: all items new; the same items again in full (a server that does not answer
//! 304, so every item is looked up and compared); and 304s. Prints wall time per round
//! and its ratio to the empty store. Target: at 100,000 articles within 1.5x of empty.
//!
//! `cargo bench --bench fetch`

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/daily.rs"]
mod daily;

fn main() -> anyhow::Result<()> {
    let mut sizes = vec![0, 1_000, 100_000];
    if std::env::var_os("HERALD_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    if let Some(n) = std::env::var("HERALD_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        sizes = vec![0, n];
    }
    daily::run(&sizes)
}
