//! The sample articles in `assets/samples`, compiled into the binary so an installed herald
//! opens on something worth reading.

use anyhow::{Result, bail};

use crate::domain::import::{self, Format};
use crate::domain::model::NewArticle;

/// (file name, contents) of every sample, in the formats herald imports.
const SAMPLES: &[(&str, &str)] = &[
    (
        "harbour-daily-ferry.txt",
        include_str!("../../assets/samples/harbour-daily-ferry.txt"),
    ),
    (
        "harbour-daily-kimchi.txt",
        include_str!("../../assets/samples/harbour-daily-kimchi.txt"),
    ),
    (
        "northwind-levee.txt",
        include_str!("../../assets/samples/northwind-levee.txt"),
    ),
    (
        "hanul-rail.txt",
        include_str!("../../assets/samples/hanul-rail.txt"),
    ),
    (
        "long-read-night-trains.txt",
        include_str!("../../assets/samples/long-read-night-trains.txt"),
    ),
    (
        "korean-market.json",
        include_str!("../../assets/samples/korean-market.json"),
    ),
    (
        "japanese-subway.json",
        include_str!("../../assets/samples/japanese-subway.json"),
    ),
    (
        "desk-briefs.json",
        include_str!("../../assets/samples/desk-briefs.json"),
    ),
    (
        "field-notes.jsonl",
        include_str!("../../assets/samples/field-notes.jsonl"),
    ),
];

/// The source every sample is listed under, apart from the articles a person adds, so
/// that one key removes them all (the sources pane's remove on this line).
pub const SOURCE: &str = "herald samples";

/// Parses every sample. A sample that does not parse cleanly is a bug in herald, so it is
/// an error here rather than a skipped file.
pub fn articles() -> Result<Vec<NewArticle>> {
    let mut out = Vec::new();
    for (name, text) in SAMPLES {
        match import::detect(text) {
            Format::Text => out.push(import::text::parse(text, "herald samples")?),
            Format::Json(_) => {
                let parsed = import::json::parse(text, "herald samples");
                if let Some(err) = parsed.errors.first() {
                    bail!("sample {name}: {}: {}", err.place, err.reason);
                }
                out.extend(parsed.articles);
            }
            Format::Feed | Format::Page | Format::Opml => {
                bail!("sample {name} is a feed or a page, which samples may not be")
            }
        }
    }
    for article in &mut out {
        article.source = SOURCE.to_owned();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_cover_what_the_reader_must_handle() {
        let articles = articles().unwrap();
        assert!(
            (12..=20).contains(&articles.len()),
            "{} samples",
            articles.len()
        );
        let words = |a: &NewArticle| -> usize {
            a.paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum()
        };
        assert!(articles.iter().any(|a| words(a) >= 3000), "a long read");
        let any = |f: &dyn Fn(char) -> bool| {
            articles
                .iter()
                .any(|a| a.paragraphs.iter().any(|p| p.chars().any(f)))
        };
        assert!(any(&|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)), "Korean");
        assert!(
            any(&|c| ('\u{3040}'..='\u{30FF}').contains(&c)),
            "Japanese kana"
        );
        assert!(any(&|c| c as u32 >= 0x1F300), "emoji");
        assert!(
            articles.iter().all(|a| a.source == SOURCE),
            "one source, to remove at once"
        );
        assert!(
            articles
                .iter()
                .all(|a| !a.title.is_empty() && !a.paragraphs.is_empty())
        );
        let mut keys: Vec<_> = articles.iter().map(NewArticle::dedup_key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), articles.len(), "every sample is distinct");
    }
}
