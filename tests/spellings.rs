//! What reading `ae`, `oe`, `ue`, `ss` and `aa` as ä, ö, ü, ß and å costs in false
//! matches: on the benchmarks' generated corpus, how many more articles English words
//! holding those pairs find with the other spellings than without. Ignored in the
//! normal run (it builds a store of 10,000 articles); run it with
//! `cargo test --test spellings -- --ignored --nocapture` (HERALD_BENCH_N for another size).

#[path = "../benches/support/corpus.rs"]
mod corpus;

use herald::domain::search::{Order, parse};
use herald::domain::store::Store;

/// English words holding the pairs, and two German ones as a check that the spellings find
/// what they are for (the corpus has `Zürich`).
const WORDS: &[&str] = &[
    "blue",
    "queue",
    "true",
    "value",
    "aerial",
    "aesthetic",
    "does",
    "shoe",
    "poem",
    "class",
    "press",
    "less",
    "mission",
    "bazaar",
    "aardvark",
    "zuerich",
];

#[test]
#[ignore = "builds a 10,000-article store; prints figures for a report"]
fn extra_matches_of_the_other_spellings() {
    let n = std::env::var("HERALD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    corpus::write_jsonl(&input, n).unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    herald::domain::import::import_paths(&mut store, &[input], jiff::Timestamp::now(), &mut |_| {})
        .unwrap();
    // The word alone, straight from the index, is the count without other spellings.
    let raw = rusqlite::Connection::open(&path).unwrap();
    let plain = |expr: String| -> usize {
        raw.query_row(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
            [expr],
            |row| row.get::<_, i64>(0).map(|c| c as usize),
        )
        .unwrap()
    };
    let now = jiff::Timestamp::now();
    println!("{n} articles; extra = found only through another spelling");
    println!(
        "{:<10} {:>7} {:>7} {:>6}   {:>7} {:>7} {:>6}",
        "word", "plain", "with", "extra", "prefix", "with", "extra"
    );
    let (mut extra_words, mut extra_prefixes) = (0, 0);
    for word in WORDS {
        let without = plain(format!("\"{word}\""));
        let with = store
            .articles()
            .search(&parse(word, now, false).unwrap(), Order::Newest)
            .unwrap()
            .ids
            .len();
        let without_prefix = plain(format!("\"{word}\" *"));
        let with_prefix = store
            .articles()
            .search(&parse(word, now, true).unwrap(), Order::Newest)
            .unwrap()
            .ids
            .len();
        println!(
            "{word:<10} {without:>7} {with:>7} {:>6}   {without_prefix:>7} {with_prefix:>7} {:>6}",
            with - without,
            with_prefix - without_prefix
        );
        assert!(with >= without && with_prefix >= without_prefix);
        if *word != "zuerich" {
            extra_words += with - without;
            extra_prefixes += with_prefix - without_prefix;
        }
    }
    println!("English words: {extra_words} extra articles as words, {extra_prefixes} as prefixes");
}
