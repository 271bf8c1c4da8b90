//! Search correctness on a generated corpus with planted words whose counts are known,
//! and the CLI's `search` command.

mod common;

use herald::domain::model::{NewArticle, Published};
use herald::domain::search::{Order, parse};
use herald::domain::store::Store;

/// xorshift, so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const FILLER: &[&str] = &[
    "harbour", "council", "market", "river", "budget", "station", "school", "weather", "museum",
    "bridge", "farmers", "election", "train", "festival", "hospital", "court",
];

/// 2,000 articles; every 97th has "zephyrine" in its body (21 of them), every 250th has
/// "Ägypten" in its title (8), every 111th has the phrase "amber lantern" (19) and every
/// 7th has "amber" and "lantern" apart (which the phrase must not match); every 300th
/// has `終電` inside a Japanese sentence (7).
fn corpus() -> Vec<NewArticle> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..2000)
        .map(|i| {
            let mut words: Vec<String> = (0..60)
                .map(|_| FILLER[rng.below(FILLER.len() as u64) as usize].to_owned())
                .collect();
            if i % 97 == 0 {
                words.insert(5, "zephyrine".into());
            }
            if i % 111 == 0 {
                words.insert(9, "amber lantern".into());
            } else if i % 7 == 0 {
                words.insert(3, "amber".into());
                words.insert(20, "lantern".into());
            }
            if i % 300 == 0 {
                words.push("東京の地下鉄、終電を30分延長へ".into());
            }
            let mut title = format!("Report number {i}");
            if i % 250 == 0 {
                title.push_str(" from Ägypten");
            }
            NewArticle {
                guid: Some(format!("g{i}")),
                source: format!("Source {}", i % 20),
                title,
                authors: vec![format!("Writer {}", i % 12)],
                published: Published::parse_rfc3339(&format!(
                    "2025-{:02}-{:02}T12:00:00Z",
                    1 + i % 12,
                    1 + i % 28
                ))
                .ok(),
                paragraphs: vec![words.join(" ")],
                read: i % 3 == 0,
                starred: i % 50 == 0,
                ..Default::default()
            }
        })
        .collect()
}

fn count(store: &Store, query: &str) -> usize {
    let q = parse(query, "2025-12-31T00:00:00Z".parse().unwrap(), false).unwrap();
    store
        .articles()
        .search(&q, Order::Relevance)
        .unwrap()
        .ids
        .len()
}

#[test]
fn planted_words_are_found_exactly_as_often_as_planted() {
    let store = Store::open_in_memory().unwrap();
    store
        .articles()
        .import(&corpus(), jiff::Timestamp::UNIX_EPOCH)
        .unwrap();
    let multiples = |n: usize| (0..2000).filter(|i| i % n == 0).count();
    assert_eq!(count(&store, "zephyrine"), multiples(97));
    assert_eq!(count(&store, "ZEPHYRINE"), multiples(97));
    assert_eq!(count(&store, "agypten"), multiples(250));
    assert_eq!(count(&store, "title:ägypten"), multiples(250));
    assert_eq!(count(&store, "\"amber lantern\""), multiples(111));
    let apart = (0..2000).filter(|i| i % 111 != 0 && i % 7 == 0).count();
    assert_eq!(count(&store, "amber lantern"), multiples(111) + apart);
    assert_eq!(count(&store, "終電"), multiples(300));
    assert_eq!(count(&store, "zephyrine OR agypten"), {
        (0..2000).filter(|i| i % 97 == 0 || i % 250 == 0).count()
    });
    assert_eq!(count(&store, "zephyrine -agypten"), {
        (0..2000).filter(|i| i % 97 == 0 && i % 250 != 0).count()
    });
    assert_eq!(count(&store, "zephyrine is:read"), {
        (0..2000).filter(|i| i % 97 == 0 && i % 3 == 0).count()
    });
    assert_eq!(count(&store, "is:starred"), multiples(50));
    assert_eq!(count(&store, "author:\"writer 5\" source:\"source 5\""), {
        (0..2000).filter(|i| i % 12 == 5 && i % 20 == 5).count()
    });
    assert_eq!(count(&store, "after:2025-12-01"), {
        (0..2000).filter(|i| i % 12 == 11).count()
    });
    assert_eq!(count(&store, "zephy"), 0, "a whole word, unless typing");
    let typing = parse("zephy", jiff::Timestamp::UNIX_EPOCH, true).unwrap();
    assert_eq!(
        store
            .articles()
            .search(&typing, Order::Newest)
            .unwrap()
            .ids
            .len(),
        multiples(97)
    );
}

mod cli {
    use super::common::herald_at as herald;

    #[test]
    fn search_prints_rows_json_and_exits_2_on_a_bad_query() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.db");
        assert!(herald(&store, &["--samples", "list"]).status.success());
        let out = herald(&store, &["search", "終電", "--json"]);
        assert!(out.status.success());
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["title"], "東京の地下鉄、終電を30分延長へ");
        assert_eq!(rows[0].as_object().unwrap().len(), 8);

        let out = herald(&store, &["search", "night", "trains", "--limit", "1"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.lines().count(), 1);
        assert!(text.contains("The long way home"), "{text}");

        let out = herald(&store, &["search", "title:\"night ferry"]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("quote is not closed"), "{err}");
    }
}

#[test]
fn very_common_words_come_newest_first_and_filters_still_apply() {
    let n = 6_000;
    let articles: Vec<NewArticle> = (0..n)
        .map(|i| NewArticle {
            guid: Some(format!("c{i}")),
            source: "Wire".into(),
            title: format!("Item {i}"),
            // Dates not in id order, so date order and id order differ.
            published: Published::parse_rfc3339("2025-01-01T00:00:00Z")
                .ok()
                .map(|p| herald::domain::model::Published {
                    instant: p.instant + jiff::SignedDuration::from_secs((i * 7919 % n) as i64),
                    offset: p.offset,
                }),
            paragraphs: vec![format!("a common word in item {i}")],
            read: i % 3 == 0,
            ..Default::default()
        })
        .collect();
    let store = Store::open_in_memory().unwrap();
    store
        .articles()
        .import(&articles, jiff::Timestamp::UNIX_EPOCH)
        .unwrap();
    let q = parse("common is:read", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
    // 6,000 word matches: past the join limit, the date-index walk with a bit set.
    let found = store.articles().search(&q, Order::Newest).unwrap();
    assert_eq!(found.ids.len(), n / 3);
    let ranked = store.articles().search(&q, Order::Relevance).unwrap();
    assert_eq!(ranked.ids, found.ids, "equal scores fall back to the date");
    let expected: Vec<i64> = {
        let mut read: Vec<(i64, i64)> = (0..n)
            .filter(|i| i % 3 == 0)
            .map(|i| ((i * 7919 % n) as i64, i as i64 + 1))
            .collect();
        read.sort_by(|a, b| b.cmp(a));
        read.into_iter().map(|(_, id)| id).collect()
    };
    let got: Vec<i64> = found.ids.iter().map(|id| id.0).collect();
    assert_eq!(got, expected, "newest first");
    let all = store
        .articles()
        .search(
            &parse("common", jiff::Timestamp::UNIX_EPOCH, false).unwrap(),
            Order::Newest,
        )
        .unwrap();
    assert_eq!(all.ids.len(), n);
    assert!(!all.ranked);
}

mod bounds {
    use super::common::{Harness, fixtures, herald_at as herald};
    use super::*;
    use herald::domain::search::query::{MAX_QUERY_CHARS, MAX_TERMS};

    #[test]
    fn huge_queries_exit_2_with_the_cap_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.db");
        assert!(herald(&store, &["--samples", "list"]).status.success());
        let many_words = vec!["harbour"; 5_000].join(" ");
        let many_ors = vec!["harbour"; 5_000].join(" OR ");
        // 8,000 phrases: 10,000 would pass Linux's 128 KiB limit on one argument (the
        // unit tests parse 10,000).
        let many_phrases = vec!["\"night ferry\""; 8_000].join(" ");
        // As near a megabyte as one argument gets (the unit tests parse a megabyte).
        let long = "x".repeat(120_000);
        for query in [
            "since:99999999999d",
            "since:9223372036854775807h",
            many_words.as_str(),
            many_ors.as_str(),
            many_phrases.as_str(),
            long.as_str(),
        ] {
            let out = herald(&store, &["search", query]);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{err}");
            assert!(err.contains("at most"), "{err}");
            assert!(!err.contains("panicked"), "{err}");
        }
        // Many arguments are joined into one query and capped the same way.
        let mut args = vec!["search"];
        args.extend(std::iter::repeat_n("harbour", 5_000));
        let out = herald(&store, &args);
        assert_eq!(out.status.code(), Some(2));
    }

    #[test]
    fn the_prompt_shows_the_error_and_stops_growing() {
        let mut h = Harness::new(&fixtures(), 100, 30);
        h.keys("/");
        h.type_text("since:99999999999d");
        let error = h.app.prompt.as_ref().unwrap().error.clone().unwrap();
        assert!(error.contains("at most"), "{error}");
        h.keys("ctrl-u");
        h.type_text("since:9223372036854775807h");
        let error = h.app.prompt.as_ref().unwrap().error.clone().unwrap();
        assert!(error.contains("at most"), "{error}");
        h.keys("ctrl-u");
        // A paste of 5,000 words: each key parses at most the capped input.
        h.type_text(&vec!["ferry"; 5_000].join(" "));
        let prompt = h.app.prompt.as_ref().unwrap();
        assert!(prompt.error.as_deref().unwrap().contains("at most"));
        assert!(prompt.input.chars().count() <= MAX_QUERY_CHARS + 1);
        h.screen();
    }

    #[test]
    fn a_typed_query_with_nothing_to_search_for_leaves_the_list_as_it_was() {
        let mut h = Harness::new(&fixtures(), 100, 30);
        let all = h.app.list.total;
        for typed in ["(", "—", "🚋", "-", "?! ..."] {
            // The prompt opens on the current search: start again from nothing, which
            // is no filter at all.
            h.keys("/ ctrl-u");
            assert!(
                h.app.prompt.as_ref().unwrap().error.is_none(),
                "empty: no filter"
            );
            assert_eq!(h.app.list.total, all);
            h.type_text(&format!("{typed} tram"));
            let trams = h.app.list.total;
            assert!(h.app.view.is_search() && trams < all, "{trams} of {all}");
            // Taking the word back leaves nothing to search for: said, and the list
            // stays the trams, not every article.
            h.keys("ctrl-w");
            let error = h
                .app
                .prompt
                .as_ref()
                .unwrap()
                .error
                .clone()
                .unwrap_or_default();
            assert!(
                error.contains("nothing to search for"),
                "{typed:?}: {error}"
            );
            assert_eq!(h.app.list.total, trams, "{typed:?}");
            h.keys("enter");
            let status = h.app.status.clone().unwrap_or_default();
            assert!(
                status.contains("nothing to search for"),
                "{typed:?}: {status}"
            );
            assert_eq!(h.app.list.total, trams, "{typed:?}");
        }
    }

    #[test]
    fn a_view_saved_in_the_reader_may_not_start_with_a_dash() {
        let mut h = Harness::new(&fixtures(), 100, 30);
        h.keys("/");
        h.type_text("tram");
        h.keys("enter V");
        h.type_text("-trams");
        h.keys("enter");
        let status = h.app.status.clone().unwrap_or_default();
        assert!(status.contains("cannot start with `-`"), "{status}");
        assert!(
            h.store
                .views()
                .list()
                .unwrap()
                .iter()
                .all(|v| v.name != "-trams")
        );
        assert!(h.app.views.iter().all(|v| v.name != "-trams"));
    }

    /// The largest query accepted, on 10,000 articles: the figure is printed (run with
    /// --nocapture), the assertion is on the results.
    #[test]
    fn the_largest_accepted_query_on_ten_thousand_articles() {
        // 101 CJK characters in a row: every article holds the 100 two-character words
        // of the worst CJK query, each a lookup of its own in the bigram index.
        let cjk_chars: Vec<char> = ('\u{4E00}'..).take(MAX_TERMS + 1).collect();
        let cjk_run: String = cjk_chars.iter().collect();
        let articles: Vec<NewArticle> = (0..10_000)
            .map(|i| NewArticle {
                guid: Some(format!("b{i}")),
                source: format!("Source {}", i % 20),
                title: format!("Bulletin {i}"),
                paragraphs: vec![format!(
                    "word{} and word{} meet near the harbour, {cjk_run} {}",
                    i % 150,
                    (i * 7) % 150,
                    i
                )],
                ..Default::default()
            })
            .collect();
        let store = Store::open_in_memory().unwrap();
        store
            .articles()
            .import(&articles, jiff::Timestamp::UNIX_EPOCH)
            .unwrap();
        let words: Vec<String> = (0..MAX_TERMS).map(|i| format!("word{i}")).collect();
        let ors: Vec<String> = (0..MAX_TERMS / 2).map(|i| format!("word{i}")).collect();
        let cjk: Vec<String> = cjk_chars.windows(2).map(|w| w.iter().collect()).collect();
        for (name, query) in [
            ("100 words", words.join(" ")),
            ("50 words joined by OR", ors.join(" OR ")),
            (
                "100 different CJK words, each in every article",
                cjk.join(" "),
            ),
            (
                "2,000 characters",
                format!("harbour {}", "x".repeat(MAX_QUERY_CHARS - 8)),
            ),
        ] {
            let started = std::time::Instant::now();
            let parsed = parse(&query, jiff::Timestamp::UNIX_EPOCH, true).unwrap();
            let found = store.articles().search(&parsed, Order::Relevance).unwrap();
            println!(
                "{name}: {} matches, parse + search {:.1} ms",
                found.ids.len(),
                started.elapsed().as_secs_f64() * 1e3
            );
            if name.contains("OR") {
                assert!(!found.ids.is_empty());
            }
            if name.contains("CJK") {
                assert_eq!(found.ids.len(), articles.len());
            }
        }
    }
}
