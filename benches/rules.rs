//! Rules on the daily loop: 50 feeds of 100 new items fetched from a server on 127.0.0.1
//! into a store that holds an archive (100,000 generated articles; HERALD_BENCH_N=N), with
//! no rules and with three sets of 100, in turn, each trial on a fresh copy of the same
//! store. Prints the median wall and CPU time of each and the change against no rules.
//! Target: 100 rules add at most 20%.
//!
//! The rules ask for words of the archive's own vocabulary (so the word index has
//! postings for them, none among the new items); in the second set 10 of them catch a
//! few new items each, with every action; in the third, 4 catch every new item.
//!
//! `cargo bench --bench rules`

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/cpu.rs"]
mod cpu;
use cpu::cpu_seconds;

#[path = "support/daily.rs"]
#[allow(dead_code)]
mod daily;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use herald::domain::search::{Order, parse};
use herald::domain::store::{RuleAction, Store};

const TRIALS: usize = 9;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// 90 rules on words the archive has, 10 that catch new items.
fn hundred_rules(store: &Store) -> anyhow::Result<Vec<(String, RuleAction)>> {
    let ids = store
        .articles()
        .search(
            &parse("is:unread", jiff::Timestamp::now(), false)?,
            Order::Newest,
        )?
        .ids;
    let mut words: Vec<String> = Vec::new();
    for id in ids.iter().step_by(97) {
        if let Some(summary) = store.articles().summary(*id)? {
            for word in summary.title.split_whitespace() {
                let word = word.to_lowercase();
                if word.chars().all(char::is_alphabetic) && !words.contains(&word) {
                    words.push(word);
                }
            }
        }
        if words.len() >= 220 {
            break;
        }
    }
    let mut rules = Vec::new();
    for (i, pair) in words.chunks(2).take(100).enumerate() {
        let query = match (i % 3, pair) {
            (0, [a, b]) => format!("{a} {b}"),
            (1, [a, b]) => format!("\"{a} {b}\" OR title:{a}"),
            (_, [a, ..]) => format!("{a} -casino since:30d"),
            (_, []) => continue,
        };
        let action = match i % 4 {
            0 => RuleAction::MarkRead,
            1 => RuleAction::Hide,
            2 => RuleAction::Tag("archive".into()),
            _ => RuleAction::Star,
        };
        rules.push((query, action));
    }
    Ok(rules)
}

/// Rules that catch new items: ten that catch a few each (item 7 of every feed, one
/// feed's items, …: 610 in all), or four that catch every one of the 5,000.
fn catching(all: bool) -> Vec<(String, RuleAction)> {
    let some = [
        ("title:\"item 7 of\"", RuleAction::Hide),
        ("title:\"item 8 of\"", RuleAction::Delete),
        ("\"bench feed 3\"", RuleAction::Star),
        ("source:\"bench feed 4\"", RuleAction::Tag("four".into())),
        ("title:\"item 9 of\" quay", RuleAction::Tag("nines".into())),
        ("title:\"of feed 11\"", RuleAction::MarkRead),
        ("casino", RuleAction::Delete),
        ("title:\"item 10 of\" since:5000d", RuleAction::Star),
        ("source:\"bench feed 12\" is:unread", RuleAction::Hide),
        ("title:\"item 11 of\" -storm", RuleAction::MarkRead),
    ];
    let every = [
        ("lighthouse ferry", RuleAction::MarkRead),
        ("quay -storm", RuleAction::Tag("quays".into())),
        ("title:item", RuleAction::Star),
        ("council since:5000d", RuleAction::Hide),
    ];
    let chosen: &[(&str, RuleAction)] = if all { &every } else { &some };
    chosen
        .iter()
        .map(|(q, a)| (q.to_string(), a.clone()))
        .collect()
}

fn main() -> anyhow::Result<()> {
    let n = corpus::size_from_env();
    let dir = tempfile::tempdir()?;
    let base = dir.path().join("base.db");
    {
        let mut store = Store::open(&base)?;
        let input = std::env::var_os("HERALD_BENCH_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| dir.path().join("archive.jsonl"));
        if !input.exists() {
            corpus::write_jsonl(&input, n)?;
        }
        let started = Instant::now();
        herald::domain::import::import_paths(
            &mut store,
            std::slice::from_ref(&input),
            jiff::Timestamp::now(),
            &mut |_| {},
        )?;
        println!(
            "archive: {} articles imported in {:.1} s",
            store.articles().count()?,
            started.elapsed().as_secs_f64()
        );
    }
    let archive_rules = hundred_rules(&Store::open(&base)?)?;
    // Three sets of 100: none catching a new item; ten catching a few (610 of 5,000);
    // four catching every new item (the worst case: 20,000 changes).
    let sets: Vec<(&str, Vec<(String, RuleAction)>)> = vec![
        ("no rules", Vec::new()),
        (
            "100 rules, none catching",
            archive_rules[..100.min(archive_rules.len())].to_vec(),
        ),
        ("100 rules, 10 catching some", {
            let mut set = archive_rules[..90].to_vec();
            set.extend(catching(false));
            set
        }),
        ("100 rules, 4 catching all", {
            let mut set = archive_rules[..96].to_vec();
            set.extend(catching(true));
            set
        }),
    ];

    let feeds: Arc<Vec<String>> = Arc::new((0..daily::FEEDS).map(daily::feed_xml).collect());
    let site = daily::serve(
        feeds,
        Arc::new(AtomicBool::new(false)),
        sets.len() * TRIALS * daily::FEEDS,
    );
    let port = site.port();
    let mut results: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); sets.len()];
    for trial in 0..TRIALS {
        for (k, (name, rules)) in sets.iter().enumerate() {
            let path = dir.path().join("trial.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            std::fs::copy(&base, &path)?;
            let store = Store::open(&path)?;
            for i in 0..daily::FEEDS {
                store
                    .feeds()
                    .add_feed(&format!("http://127.0.0.1:{port}/feed/{i}.xml"), None)?;
            }
            for (query, action) in rules {
                store.rules().add_rule(query, action.clone())?;
            }
            let cpu = cpu_seconds();
            let (elapsed, stored, _, _, failed) = daily::fetch_round(&store)?;
            let cpu = cpu_seconds() - cpu;
            let caught: i64 = store.rules().list()?.iter().map(|r| r.caught).sum();
            println!(
                "trial {trial}, {name}: {elapsed:.3} s wall, {cpu:.3} s CPU, {stored} stored, \
                 {failed} failed, {caught} caught"
            );
            results[k].0.push(elapsed);
            results[k].1.push(cpu);
        }
    }
    let (wall0, cpu0) = (median(results[0].0.clone()), median(results[0].1.clone()));
    println!("fetch of 5,000 new items into {n} articles, median of {TRIALS}:");
    for ((name, _), (wall, cpu)) in sets.iter().zip(results) {
        let (wall, cpu) = (median(wall), median(cpu));
        println!(
            "  {name}: {wall:.3} s wall ({:+.1}%), {cpu:.3} s CPU ({:+.1}%)",
            (wall / wall0 - 1.0) * 100.0,
            (cpu / cpu0 - 1.0) * 100.0
        );
    }
    println!("target: 100 rules add at most 20%");
    Ok(())
}
