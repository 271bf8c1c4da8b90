//! Extraction quality on the corpus in `tests/fixtures/pages/` (the figures `cargo bench
//! --bench extract` prints), held here so that a regression fails; and saved pages of
//! the corpus imported with their addresses, metadata and dates.

use std::path::{Path, PathBuf};

use herald::domain::extract::extract;
use herald::domain::extract::score::{Expected, Score, differences, score};
use herald::domain::import::html::page_to_article;

fn corpus() -> Vec<(String, String, Expected)> {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".html"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let page = std::fs::read_to_string(dir.join(&name)).unwrap();
            let expected =
                std::fs::read_to_string(dir.join(name.replace(".html", ".txt"))).unwrap();
            (name, page, Expected::parse(&expected))
        })
        .collect()
}

#[test]
fn the_corpus_is_recovered_and_its_boilerplate_left_out() {
    let pages = corpus();
    assert!(pages.len() >= 15, "{} pages", pages.len());
    let mut total = Score::default();
    for (name, page, expected) in &pages {
        let got = extract(page, &format!("https://corpus.example/{name}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = score(expected, &got.article.paragraphs);
        let (leaked, missed) = differences(expected, &got.article.paragraphs);
        assert!(s.recovered_share() >= 0.8, "{name}: missed {missed:?}");
        assert!(s.leaked_share() <= 0.2, "{name}: leaked {leaked:?}");
        total.add(s);
    }
    assert!(
        total.recovered_share() >= 0.95,
        "recovered {} of {}",
        total.recovered,
        total.paragraphs
    );
    assert!(
        total.leaked_share() <= 0.02,
        "leaked {} of {}",
        total.leaked,
        total.boilerplate
    );
}

#[test]
fn saved_pages_of_the_corpus_keep_their_address_metadata_and_date() {
    let pages = corpus();
    let page = |prefix: &str| {
        let (_, html, _) = pages
            .iter()
            .find(|(n, _, _)| n.starts_with(prefix))
            .unwrap();
        page_to_article(html, "Saved").unwrap()
    };
    let wordpress = page("01-");
    assert_eq!(
        wordpress.url.as_deref(),
        Some("https://gazette.example/2026/03/night-ferry/")
    );
    assert_eq!(wordpress.authors, ["Marta Quell"]);
    // JSON-LD alone gives headline, author and date.
    let json_ld = page("09-");
    assert_eq!(
        json_ld.title,
        "A quiet revolution in the school lunch queue"
    );
    assert_eq!(json_ld.authors, ["Hana Sato"]);
    assert_eq!(
        json_ld.published.unwrap().rfc3339(),
        "2025-06-05T08:00:00+00:00"
    );
    assert_eq!(
        json_ld.url.as_deref(),
        Some("https://fernside.example/lunch-queue")
    );
    // A date written only in the text, and the byline above it, are fields, not text.
    let rail = page("04-");
    assert_eq!(rail.published.unwrap().rfc3339()[..10], *"2025-11-21");
    assert_eq!(rail.authors, ["Dana Whitlock"]);
    assert!(
        rail.paragraphs
            .iter()
            .all(|p| !p.contains("Published") && !p.starts_with("By "))
    );
    let interview = page("14-");
    assert_eq!(interview.published.unwrap().rfc3339()[..10], *"2025-02-02");
    assert!(interview.paragraphs.iter().all(|p| p != "February 2, 2025"));
}
