//! Property tests standing in for fuzzing: every parser takes any input without a panic.
//! Inputs are drawn from strategies shaped like each format (so they get past the first
//! byte) as well as arbitrary bytes. `PROPTEST_CASES=100000 cargo test --test fuzz`
//! runs longer; regressions found are kept in `tests/fuzz.proptest-regressions`.

use proptest::prelude::*;

use herald::domain::import::{self, html, json, text};
use herald::domain::search;

/// 256 cases per property in a normal run; `PROPTEST_CASES` for a long one.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Pieces of real syntax for each format, strung together at random.
fn shaped(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(pieces).prop_map(str::to_owned),
            any::<String>(),
            "[ -~]{0,12}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

const TEXT: &[&str] = &[
    "\n",
    "\r\n",
    "Published: ",
    "03 Dec. 2024, 18:09",
    "- ",
    "SEO JI-EUN",
    "[email protected]",
    "Audio report: ",
    "BY ",
    " [",
    "]",
    "with the ",
    "Daily",
    "To write comments",
    "(0/250자)",
    "By ",
    " and ",
    "Updated ",
    "4:12 PM EST, November 19, 2026",
    "SEOUL, Nov. 1 (Yonhap) --",
    "NEW ORLEANS (AP) —",
    "(END)",
    "___",
    "\u{feff}",
    "\n\n",
];
const JSON: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"title\":",
    "\"body\":",
    "\"paragraphs\":",
    "\"authors\":",
    "\"id\":",
    "\"published\":",
    "\"2024-12-03T18:09:00+09:00\"",
    "\"x\"",
    "1",
    "null",
    "true",
    ",",
    ":",
    "\n",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "1e999",
    "-0",
];
const HTML: &[&str] = &[
    "<p>",
    "</p>",
    "<a href=\"https://x\">",
    "</a>",
    "<ul>",
    "<ol>",
    "<li>",
    "</li>",
    "<pre>",
    "</pre>",
    "<blockquote>",
    "<h1>",
    "<h6>",
    "<img alt=\"x\">",
    "<script>",
    "</script>",
    "<table><tr><td>",
    "</td><th>",
    "<caption>",
    "</table>",
    "<img src=\"/i.png\" alt=\"y\">",
    "<link rel=canonical href=\"https://x/\">",
    "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":\"h\"}</script>",
    "Published March 3, 2026",
    "By Ana Lima · ",
    "<br>",
    "&amp;",
    "&#x1b;",
    "&nbsp;",
    "<article>",
    "<nav>",
    "<div class=comments>",
    "<meta property=\"og:title\" content=\"t\">",
    "<title>",
    "</title>",
    "<!--",
    "-->",
    "<",
];
const FEED: &[&str] = &[
    "<?xml version=\"1.0\"?>",
    "<rss version=\"2.0\">",
    "<channel>",
    "<item>",
    "</item>",
    "<title>",
    "</title>",
    "<guid>",
    "</guid>",
    "<link>",
    "</link>",
    "<description>",
    "</description>",
    "<pubDate>",
    "Tue, 03 Dec 2024 18:09:00 +0900",
    "</pubDate>",
    "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
    "<entry>",
    "<content type=\"html\">",
    "&lt;p&gt;",
    "<![CDATA[",
    "]]>",
    "{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [",
    "<enclosure url=\"https://a.example/x\" length=\"5\" type=\"audio/mpeg\"/>",
    "<enclosure url=\"",
    "<rss xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" \
     xmlns:media=\"http://search.yahoo.com/mrss/\">",
    "<itunes:duration>",
    "</itunes:duration>",
    "1:02:03",
    "<media:content url=\"https://m.example/x\">",
    "</media:content>",
    "<link rel=\"enclosure\" href=\"https://a.example/e\"/>",
    "{\"id\": \"1\", \"title\": \"t\", \"attachments\": [",
    "{\"url\": \"https://a.example/a\", \"mime_type\": \"audio/mpeg\", \"size_in_bytes\": ",
    "99999999999999999999999",
    "\"a\\u0074tachments\":",
    "]}",
];
const QUERY: &[&str] = &[
    " ",
    "\"",
    "-",
    "NOT ",
    " OR ",
    "title:",
    "author:",
    "source:",
    "is:",
    "unread",
    "after:",
    "before:",
    "since:",
    "7d",
    "2024-12-01",
    "終電",
    "Ägypten",
    "*",
    ":",
    "(",
    ")",
    "OR",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn plain_text_articles(input in shaped(TEXT)) {
        let _ = text::parse(&input, "fuzz");
        let _ = import::decode::decode(input.as_bytes());
    }

    #[test]
    fn any_bytes_decode_and_detect(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let decoded = import::decode::decode(&bytes);
        let _ = import::decode::looks_binary(&bytes);
        let _ = import::detect(&decoded.text);
        let _ = text::parse(&decoded.text, "fuzz");
    }

    #[test]
    fn json_articles(input in shaped(JSON)) {
        let parsed = json::parse(&input, "fuzz");
        for article in parsed.articles {
            prop_assert!(!article.title.is_empty());
        }
        for (i, line) in input.lines().enumerate() {
            let _ = json::parse_line(line, i + 1, "fuzz");
        }
    }

    #[test]
    fn html_bodies_and_pages(input in shaped(HTML)) {
        let converted = html::to_text(&input);
        for p in &converted.paragraphs {
            prop_assert!(!p.contains("\n\n"), "a paragraph break inside {p:?}");
        }
        // Each link is one address that can be listed and opened as it is.
        for link in &converted.links {
            prop_assert!(
                !link.is_empty()
                    && link.chars().count() <= import::MAX_LINK_CHARS
                    && !link.contains(char::is_whitespace),
                "{link:?}"
            );
        }
        let _ = html::page_to_article(&input, "fuzz");
        if let Ok(got) = herald::domain::extract::extract(&input, "https://x.example/a") {
            for p in &got.article.paragraphs {
                prop_assert!(!p.contains("\n\n"), "a paragraph break inside {p:?}");
            }
        }
    }

    #[test]
    fn feeds(input in shaped(FEED)) {
        let _ = import::feed::parse(input.as_bytes(), None);
        let _ = import::feed::looks_like_feed(&input);
    }

    /// The scanners that read enclosures before feed-rs does: a low cap, so they cut.
    #[test]
    fn enclosure_scanners(input in shaped(FEED)) {
        use herald::domain::import::enclosures;
        let bytes = input.as_bytes();
        if let Some(cut) = enclosures::trim_xml_enclosures(bytes, 1) {
            prop_assert!(cut.len() < bytes.len());
        }
        if let Some((hidden, _)) = enclosures::json_attachments(bytes) {
            prop_assert_eq!(hidden.len(), bytes.len());
        }
        let _ = enclosures::itunes_durations(bytes);
    }

    #[test]
    fn queries(input in shaped(QUERY), typing in any::<bool>()) {
        if let Ok(query) = search::parse(&input, jiff::Timestamp::UNIX_EPOCH, typing) {
            let _ = search::highlight::find(&input, query.highlight_terms());
        }
    }

    #[test]
    fn loose_dates(input in shaped(TEXT)) {
        let _ = import::date::parse_loose(&input);
    }

    #[test]
    fn wrapping_and_display(input in any::<String>(), width in 0usize..200) {
        let paragraphs = vec![input.clone()];
        for line in herald::domain::text::wrap(&paragraphs, width) {
            let _ = herald::domain::text::line_text(&paragraphs, &line);
        }
        let cut = herald::domain::text::truncate(&input, width);
        prop_assert!(herald::domain::text::width(&cut) <= width, "{cut:?} is wider than {width}");
        let _ = herald::domain::text::printable(&input);
    }
}

#[test]
fn queries_reach_the_store_without_sql_or_fts_errors() {
    // Every query that parses must run: quotes, stars and words FTS5 treats as syntax
    // (AND, NEAR, column names) are passed as strings, never as its query language.
    let store = herald::domain::store::Store::open_in_memory().unwrap();
    store
        .articles()
        .import(
            &[herald::domain::model::NewArticle {
                title: "NEAR AND OR NOT title".into(),
                source: "s".into(),
                paragraphs: vec!["body \" * ^ :".into()],
                ..Default::default()
            }],
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: cases(),
        ..Default::default()
    });
    runner
        .run(&(shaped(QUERY), any::<bool>()), |(input, typing)| {
            if let Ok(query) = search::parse(&input, jiff::Timestamp::UNIX_EPOCH, typing) {
                for order in [search::Order::Relevance, search::Order::Newest] {
                    let result = store.articles().search(&query, order);
                    prop_assert!(result.is_ok(), "{input:?}: {:?}", result.err());
                }
            }
            Ok(())
        })
        .unwrap();
    for input in [
        "NEAR",
        "AND",
        "\"\"",
        "title:NEAR",
        "* *",
        "^x",
        "col:x",
        "\"a\" OR",
        "NOT",
    ] {
        if let Ok(query) = search::parse(input, jiff::Timestamp::UNIX_EPOCH, true) {
            assert!(
                store
                    .articles()
                    .search(&query, search::Order::Relevance)
                    .is_ok(),
                "{input}"
            );
        }
    }
}

/// Inputs the fuzzers found problems with, kept so they stay fixed.
#[test]
fn regressions_found_by_fuzzing() {
    herald::domain::panics::silence_contained();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = import::decode::decode(&bytes).text;
        let converted = html::to_text(&text);
        for p in &converted.paragraphs {
            assert!(!p.contains("\n\n"), "a paragraph break inside {p:?}");
        }
        let _ = html::page_to_article(&text, "fuzz");
        let _ = import::feed::parse(&bytes, None);
        let _ = json::parse(&text, "fuzz");
        let _ = text::parse(&text, "fuzz");
    }
}
