//! What a page says about its article besides the text: its canonical address, the
//! JSON-LD `Article` block (headline, authors, date), and the byline and date lines a
//! page writes above its text, recognised so that they give the date and are not read
//! twice. Bounded: JSON-LD blocks are read up to `MAX_JSON_LD` bytes each (serde_json
//! stops at 128 levels of nesting), and only the first `TOP_LINES` short paragraphs
//! are looked at for a byline or date.

use serde_json::Value;

use super::dom::Tree;
use crate::domain::import::date::parse_loose;
use crate::domain::import::tidy::clean;
use crate::domain::model::Published;

/// The most bytes of one JSON-LD block read; a larger block is not metadata.
const MAX_JSON_LD: usize = 256 * 1024;
/// The most JSON-LD blocks looked at.
const MAX_BLOCKS: usize = 16;
/// Paragraphs at the top of the text looked at for a byline or a date line.
pub(super) const TOP_LINES: usize = 6;
/// A byline or date line is short.
const MAX_LINE: usize = 120;

/// An `Article` (or `NewsArticle`, `BlogPosting`, …) block's fields.
#[derive(Debug, Default, PartialEq)]
pub(super) struct LinkedData {
    pub headline: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<Published>,
    pub url: Option<String>,
    /// Who publishes it (`publisher`, a name or an object with one): the site's name.
    pub publisher: Option<String>,
}

/// The page's canonical address: `<link rel="canonical">`, else `og:url`; absolute
/// http(s) addresses only.
pub(super) fn canonical(document: &Tree, og_url: Option<String>) -> Option<String> {
    document
        .elements()
        .filter(|(_, l)| {
            l.name() == "link"
                && l.attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|w| w.eq_ignore_ascii_case("canonical"))
                })
        })
        .filter_map(|(_, l)| l.attr("href"))
        .map(str::trim)
        .map(str::to_owned)
        .chain(og_url)
        .find(|u| web_address(u))
}

fn web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() <= crate::domain::import::limits::MAX_LINK_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The first JSON-LD block describing an article, searched through arrays and `@graph`.
pub(super) fn linked_data(document: &Tree) -> Option<LinkedData> {
    document
        .elements()
        .filter(|(_, s)| {
            s.name() == "script"
                && s.attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .take(MAX_BLOCKS)
        .find_map(|(script, _)| {
            let text: String = script.text().take(64).collect::<Vec<_>>().concat();
            if text.len() > MAX_JSON_LD {
                return None;
            }
            let value: Value = serde_json::from_str(text.trim()).ok()?;
            find_article(&value).map(read_article)
        })
}

/// The article object in a JSON-LD value: itself, an element of an array or of
/// `@graph`, one level down (as pages write them; no deeper search).
fn find_article(value: &Value) -> Option<&Value> {
    let candidates: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => {
            let mut all = vec![value];
            if let Some(Value::Array(graph)) = map.get("@graph") {
                all.extend(graph.iter());
            }
            all
        }
        _ => return None,
    };
    candidates.into_iter().find(|v| is_article(v))
}

fn is_article(value: &Value) -> bool {
    let kinds: Vec<&str> = match value.get("@type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => return false,
    };
    kinds.iter().any(|k| {
        matches!(
            *k,
            "Article"
                | "NewsArticle"
                | "BlogPosting"
                | "ReportageNewsArticle"
                | "AnalysisNewsArticle"
                | "OpinionNewsArticle"
                | "TechArticle"
                | "ScholarlyArticle"
                | "Report"
        )
    })
}

fn read_article(value: &Value) -> LinkedData {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(clean)
            .filter(|t| !t.is_empty() && t.len() <= 2048)
    };
    let authors = match value.get("author") {
        Some(Value::Array(items)) => items.iter().take(16).filter_map(person).collect(),
        Some(one) => person(one).into_iter().collect(),
        None => Vec::new(),
    };
    LinkedData {
        headline: text("headline").or_else(|| text("name")),
        authors,
        published: text("datePublished").and_then(|d| parse_loose(&d)),
        url: text("url").filter(|u| web_address(u)),
        publisher: value.get("publisher").and_then(person),
    }
}

/// A person as JSON-LD writes one: a name, or an object with a `name`.
fn person(value: &Value) -> Option<String> {
    let name = match value {
        Value::String(name) => name.as_str(),
        Value::Object(map) => map.get("name")?.as_str()?,
        _ => return None,
    };
    Some(clean(name)).filter(|n| !n.is_empty() && n.len() <= 200)
}

/// Words a date line may hold besides the date itself.
const DATE_WORDS: &[&str] = &[
    "published",
    "posted",
    "updated",
    "on",
    "at",
    "date",
    "last",
    "modified",
    "first",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
];

/// A paragraph that is only a date, as pages write one above the text (`Published
/// March 3, 2026`, `3 March 2026`, `Updated: 2026-03-03 09:00`), read as that date.
pub(super) fn date_line(paragraph: &str) -> Option<Published> {
    if paragraph.len() > MAX_LINE / 2 {
        return None;
    }
    let words: Vec<&str> = paragraph
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '|' | '·' | '—'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut dated = false;
    for word in &words {
        let lower = word.trim_end_matches('.').to_ascii_lowercase();
        if DATE_WORDS.contains(&lower.as_str()) {
            continue;
        }
        // A month, a day or year, a time, a zone: what parse_loose reads.
        let datelike = lower.bytes().any(|b| b.is_ascii_digit())
            || is_month(&lower)
            || matches!(lower.as_str(), "am" | "pm" | "utc" | "gmt")
            || (lower.len() <= 4
                && lower.bytes().all(|b| b.is_ascii_alphabetic())
                && word.chars().all(|c| c.is_ascii_uppercase()));
        if !datelike {
            return None;
        }
        dated |= is_month(&lower) || lower.contains('-');
    }
    if !dated {
        return None;
    }
    parse_loose(paragraph)
}

fn is_month(lower: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    lower.len() >= 3 && (lower == "sept" || MONTHS.iter().any(|m| m.starts_with(lower)))
}

/// A line of the article's metadata that gives its date: a date line, or a date among
/// short pieces parted by `·`, `|` or `—` (`March 3, 2026 · 4 min read`).
pub(super) fn dated_line(paragraph: &str) -> Option<Published> {
    if paragraph.len() > MAX_LINE {
        return None;
    }
    let pieces: Vec<&str> = paragraph.split(['·', '|', '—']).map(str::trim).collect();
    let date = pieces.iter().find_map(|p| date_line(p))?;
    pieces
        .iter()
        .all(|p| p.split_whitespace().count() <= 4 || date_line(p).is_some())
        .then_some(date)
}

/// Whether a paragraph is one short link and nothing else: `Village [1]`.
pub(super) fn lone_link(paragraph: &str) -> bool {
    let Some((text, number)) = paragraph.rsplit_once(" [") else {
        return false;
    };
    number
        .strip_suffix(']')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && !text.contains('[')
        && (1..=3).contains(&text.split_whitespace().count())
}

/// Whether a paragraph is a byline: `By Ana Lima`, the authors' names alone, or either
/// with a date after a separator (`By Ana Lima · March 3, 2026`).
pub(super) fn byline(paragraph: &str, authors: &[String]) -> bool {
    if paragraph.len() > MAX_LINE {
        return false;
    }
    let first = paragraph
        .split(['·', '|', '—'])
        .next()
        .unwrap_or_default()
        .trim();
    let lower = first.to_lowercase();
    if let Some(rest) = lower
        .strip_prefix("by ")
        .or_else(|| lower.strip_prefix("words by "))
    {
        // A short run of names, not a sentence that starts with "By".
        return rest.split_whitespace().count() <= 8 && !rest.ends_with('.');
    }
    !authors.is_empty()
        && authors.iter().all(|a| lower.contains(&a.to_lowercase()))
        && lower.split_whitespace().count() <= 4 * authors.len() + 2
}

/// The date a byline carries after its separator, if any.
pub(super) fn byline_date(paragraph: &str) -> Option<Published> {
    paragraph
        .split(['·', '|', '—'])
        .skip(1)
        .find_map(|piece| date_line(piece.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines_are_recognised_and_sentences_are_not() {
        for (line, date) in [
            ("Published March 3, 2026", "2026-03-03"),
            ("3 March 2026", "2026-03-03"),
            ("Updated: 2026-03-04 09:30", "2026-03-04"),
            ("Posted on Mar. 5, 2026 at 4:10 PM", "2026-03-05"),
            ("Tuesday", ""),
            ("Tuesday, March 3, 2026", "2026-03-03"),
            ("March 3, 2026 · 4 min read", "2026-03-03"),
            ("The march began on 3 May 2026 at noon.", ""),
            ("May 2026", ""),
            ("12 boats, 3 ferries", ""),
        ] {
            let found = dated_line(line).map(|p| p.rfc3339()[..10].to_owned());
            assert_eq!(found.unwrap_or_default(), date, "{line}");
        }
    }

    #[test]
    fn a_lone_short_link_is_a_kicker() {
        assert!(lone_link("Village [1]"));
        assert!(lone_link("Local news [12]"));
        assert!(!lone_link("See the map [1] of the quay [2]"));
        assert!(!lone_link("The ferry returns to the island in April [3]"));
        assert!(!lone_link("[image 2: gull]"));
    }

    #[test]
    fn bylines_are_recognised_and_sentences_are_not() {
        let authors = vec!["Ana Lima".to_owned()];
        assert!(byline("By Ana Lima", &[]));
        assert!(byline("By Ana Lima · March 3, 2026", &[]));
        assert!(byline("Ana Lima", &authors));
        assert!(!byline(
            "By noon the ferry had left the quay and the gulls followed.",
            &[]
        ));
        assert!(!byline(
            "Ana Lima said the ferry would run late all week.",
            &authors
        ));
        assert_eq!(
            byline_date("By Ana Lima · March 3, 2026").map(|p| p.rfc3339()),
            Some("2026-03-03T00:00:00-00:00".to_owned())
        );
    }

    #[test]
    fn linked_data_is_found_in_a_graph_and_bounded() {
        let page = r#"<script type="application/ld+json">{"@context":"https://schema.org",
            "@graph":[{"@type":"WebSite","name":"Site"},{"@type":["NewsArticle"],
            "headline":"Tide tables","author":[{"@type":"Person","name":"Ana Lima"},"Bo Chen"],
            "datePublished":"2026-03-03T08:00:00Z","url":"https://news.example/tides"}]}</script>"#;
        let found = linked_data(&super::super::parse::document(page).0).unwrap();
        assert_eq!(found.headline.as_deref(), Some("Tide tables"));
        assert_eq!(found.authors, ["Ana Lima", "Bo Chen"]);
        assert_eq!(
            found.published.unwrap().rfc3339(),
            "2026-03-03T08:00:00+00:00"
        );
        assert_eq!(found.url.as_deref(), Some("https://news.example/tides"));
        let deep = format!(
            r#"<script type="application/ld+json">{}{{"@type":"Article"}}{}</script>"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(linked_data(&super::super::parse::document(&deep).0).is_none());
    }
}
