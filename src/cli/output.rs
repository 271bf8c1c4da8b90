//! What the commands print: rows, articles as text, and JSON with stable keys.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde::Serialize;

use crate::domain::enclosure::Enclosure;
use crate::domain::model::{Article, Summary};
use crate::domain::store::Store;
use crate::domain::text::{self, printable};

pub(super) fn print_list(store: &Store, limit: Option<usize>) -> Result<()> {
    print_rows(&store.articles().summaries(limit, 0)?)
}

pub(super) fn print_rows(rows: &[Summary]) -> Result<()> {
    let zone = text::local_zone();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for row in rows {
        let date = row
            .published
            .map(|p| text::shown_time(&p, &zone).strftime("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "undated".to_owned());
        let source = text::truncate(&printable(&row.source), 18).into_owned();
        let pad = 18usize.saturating_sub(text::width(&source));
        writeln!(
            out,
            "{:>6} {}{} {date:<10} {source}{} {}",
            row.id,
            if row.read { ' ' } else { '●' },
            if row.starred { '★' } else { ' ' },
            " ".repeat(pad),
            printable(&row.title),
        )?;
    }
    out.flush()?;
    Ok(())
}

pub(super) fn print_article(article: &Article, width: usize) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_article(&mut out, article, width, &text::local_zone())?;
    out.flush()?;
    Ok(())
}

/// An article as `herald show` prints it: title, byline, link, the body, its links and
/// its enclosures.
fn write_article(
    out: &mut impl Write,
    article: &Article,
    width: usize,
    zone: &jiff::tz::TimeZone,
) -> Result<()> {
    let s = &article.summary;
    let title = vec![s.title.clone()];
    write!(out, "{}", text::fill(&title, width))?;
    let mut byline = vec![s.source.clone()];
    if !s.authors.is_empty() {
        byline.push(s.authors.join(", "));
    }
    if let Some(p) = s.published {
        byline.push(
            text::shown_time(&p, zone)
                .strftime("%Y-%m-%d %H:%M")
                .to_string(),
        );
    }
    let byline = byline.join(" · ");
    for line in text::wrap_fields(&byline, width) {
        writeln!(out, "{}", printable(&byline[line.start..line.end]))?;
    }
    if let Some(url) = &s.url {
        writeln!(out, "{}", printable(url))?;
    }
    writeln!(out)?;
    write!(out, "{}", text::fill(&article.paragraphs, width))?;
    // After the body, set apart as one more paragraph would be.
    let links = crate::domain::model::link_list(&article.links);
    if !links.is_empty() {
        if !article.paragraphs.is_empty() {
            writeln!(out)?;
        }
        write!(out, "{}", text::fill(&links, width))?;
    }
    let enclosures = crate::domain::enclosure::enclosure_list(&article.enclosures);
    if !enclosures.is_empty() {
        if !article.paragraphs.is_empty() || !article.links.is_empty() {
            writeln!(out)?;
        }
        write!(out, "{}", text::fill(&enclosures, width))?;
    }
    Ok(())
}

/// The width to lay output out for: `COLUMNS` when it is a number, else the terminal's
/// when standard output is one, else 80.
pub(super) fn terminal_width() -> usize {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return cols.clamp(10, 1000);
    }
    if std::io::stdout().is_terminal()
        && let Ok((cols, _)) = ratatui::crossterm::terminal::size()
    {
        return usize::from(cols).max(10);
    }
    80
}

pub(super) fn write_json<T: Serialize>(value: &T) -> Result<()> {
    let text = text::escape_json_output(serde_json::to_string_pretty(value)?);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The keys of `list --json`, in this order; scripts rely on them.
#[derive(Serialize)]
pub(super) struct JsonSummary<'a> {
    id: i64,
    source: &'a str,
    title: &'a str,
    authors: &'a [String],
    published: Option<String>,
    url: Option<&'a str>,
    read: bool,
    starred: bool,
}

impl<'a> From<&'a Summary> for JsonSummary<'a> {
    fn from(s: &'a Summary) -> Self {
        JsonSummary {
            id: s.id.0,
            source: &s.source,
            title: &s.title,
            authors: &s.authors,
            published: s.published.map(|p| p.rfc3339()),
            url: s.url.as_deref(),
            read: s.read,
            starred: s.starred,
        }
    }
}

#[derive(Serialize)]
pub(super) struct JsonArticle<'a> {
    #[serde(flatten)]
    summary: JsonSummary<'a>,
    /// The feed's own text, kept when the body is the full article (`null` when none),
    /// under the key `export` and `import` use.
    #[serde(rename = "summary")]
    feed_text: Option<&'a str>,
    paragraphs: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    links: &'a [String],
    /// Always there, empty or not.
    enclosures: Vec<JsonEnclosure<'a>>,
}

impl<'a> From<&'a Article> for JsonArticle<'a> {
    fn from(a: &'a Article) -> Self {
        JsonArticle {
            summary: JsonSummary::from(&a.summary),
            feed_text: a.summary_text.as_deref(),
            paragraphs: &a.paragraphs,
            links: &a.links,
            enclosures: a.enclosures.iter().map(JsonEnclosure::from).collect(),
        }
    }
}

/// An enclosure in `show --json` and `export`: `null` where unknown. `import` reads the
/// same keys back.
#[derive(Serialize)]
pub(super) struct JsonEnclosure<'a> {
    url: &'a str,
    #[serde(rename = "type")]
    mime: Option<&'a str>,
    bytes: Option<u64>,
    seconds: Option<u64>,
}

impl<'a> From<&'a Enclosure> for JsonEnclosure<'a> {
    fn from(e: &'a Enclosure) -> Self {
        JsonEnclosure {
            url: &e.url,
            mime: e.mime.as_deref(),
            bytes: e.bytes,
            seconds: e.seconds,
        }
    }
}

/// One exported article. Importing it back gives the same article with the same dedup key:
/// the guid is written only when the article had one, and the store's own id goes under a
/// name the importer ignores.
#[derive(Serialize)]
pub(super) struct ExportRecord<'a> {
    herald_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    guid: Option<&'a str>,
    source: &'a str,
    title: &'a str,
    authors: &'a [String],
    published: Option<String>,
    url: Option<&'a str>,
    summary: Option<&'a str>,
    paragraphs: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    links: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    enclosures: Vec<JsonEnclosure<'a>>,
    read: bool,
    starred: bool,
}

impl<'a> From<&'a Article> for ExportRecord<'a> {
    fn from(a: &'a Article) -> Self {
        ExportRecord {
            herald_id: a.summary.id.0,
            guid: a.guid.as_deref(),
            source: &a.summary.source,
            title: &a.summary.title,
            authors: &a.summary.authors,
            published: a.summary.published.map(|p| p.rfc3339()),
            url: a.summary.url.as_deref(),
            summary: a.summary_text.as_deref(),
            paragraphs: &a.paragraphs,
            links: &a.links,
            enclosures: a.enclosures.iter().map(JsonEnclosure::from).collect(),
            read: a.summary.read,
            starred: a.summary.starred,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{ArticleId, Position};

    fn article(paragraphs: &[&str], links: &[&str]) -> Article {
        Article {
            summary: Summary {
                id: ArticleId(7),
                source: "Harbour Wire".into(),
                title: "Ferry timetable changes".into(),
                authors: vec!["Ana Lima".into()],
                published: None,
                url: Some("https://harbour.example/t".into()),
                read: false,
                starred: false,
            },
            guid: None,
            summary_text: None,
            paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
            links: links.iter().map(|l| (*l).to_owned()).collect(),
            enclosures: Vec::new(),
            added: jiff::Timestamp::UNIX_EPOCH,
            position: Position::default(),
        }
    }

    fn shown(article: &Article, width: usize) -> String {
        let mut out = Vec::new();
        write_article(&mut out, article, width, &jiff::tz::TimeZone::UTC).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The text is what it was when the links were the body's last paragraphs.
    #[test]
    fn links_print_after_the_body_as_they_did_as_paragraphs() {
        let now = article(
            &["New times from May.", "See the list [1] and the map [2]."],
            &[
                "https://harbour.example/times",
                "https://harbour.example/map",
            ],
        );
        let before = article(
            &[
                "New times from May.",
                "See the list [1] and the map [2].",
                "Links:",
                "[1] https://harbour.example/times",
                "[2] https://harbour.example/map",
            ],
            &[],
        );
        for width in [20, 80] {
            assert_eq!(shown(&now, width), shown(&before, width));
        }
        assert!(shown(&now, 80).ends_with(
            "map [2].\n\nLinks:\n\n[1] https://harbour.example/times\n\n\
             [2] https://harbour.example/map\n"
        ));
        let only_links = article(&[], &["https://harbour.example/times"]);
        assert!(
            shown(&only_links, 80).ends_with("\n\nLinks:\n\n[1] https://harbour.example/times\n")
        );
    }

    #[test]
    fn json_has_links_only_when_there_are_some() {
        let with = article(&["See [1]."], &["https://harbour.example/times"]);
        let json = serde_json::to_value(JsonArticle::from(&with)).unwrap();
        assert_eq!(
            json["links"],
            serde_json::json!(["https://harbour.example/times"])
        );
        let export = serde_json::to_value(ExportRecord::from(&with)).unwrap();
        assert_eq!(export["links"], json["links"]);
        let without = article(&["Plain."], &[]);
        let json = serde_json::to_value(JsonArticle::from(&without)).unwrap();
        assert!(json.get("links").is_none());
        let export = serde_json::to_value(ExportRecord::from(&without)).unwrap();
        assert!(export.get("links").is_none());
    }

    #[test]
    fn an_export_imports_back_with_its_links() {
        let exported = article(&["See [1]."], &["https://harbour.example/times"]);
        let line = serde_json::to_string(&ExportRecord::from(&exported)).unwrap();
        let back = crate::domain::import::json::parse_line(&line, 1, "x")
            .unwrap()
            .unwrap();
        assert_eq!(back.paragraphs, exported.paragraphs);
        assert_eq!(back.links, exported.links);
    }

    fn with_enclosures(a: Article) -> Article {
        Article {
            enclosures: vec![
                Enclosure {
                    url: "https://harbour.example/talk.mp3".into(),
                    mime: Some("audio/mpeg".into()),
                    bytes: Some(12_345_678),
                    seconds: Some(3723),
                },
                Enclosure {
                    url: "https://harbour.example/map.png".into(),
                    ..Default::default()
                },
            ],
            ..a
        }
    }

    #[test]
    fn enclosures_print_after_the_links_and_in_json() {
        let a = with_enclosures(article(&["Talk."], &["https://harbour.example/times"]));
        assert!(shown(&a, 80).ends_with(
            "[1] https://harbour.example/times\n\nEnclosures:\n\n\
             [e1] https://harbour.example/talk.mp3 (audio/mpeg, 12.3 MB, 1:02:03)\n\n\
             [e2] https://harbour.example/map.png\n"
        ));
        let json = serde_json::to_value(JsonArticle::from(&a)).unwrap();
        assert_eq!(
            json["enclosures"],
            serde_json::json!([
                {"url": "https://harbour.example/talk.mp3", "type": "audio/mpeg",
                 "bytes": 12_345_678, "seconds": 3723},
                {"url": "https://harbour.example/map.png", "type": null,
                 "bytes": null, "seconds": null}
            ])
        );
        let plain = serde_json::to_value(JsonArticle::from(&article(&["x"], &[]))).unwrap();
        assert_eq!(plain["enclosures"], serde_json::json!([]));
        // An export imports back with them.
        let line = serde_json::to_string(&ExportRecord::from(&a)).unwrap();
        let back = crate::domain::import::json::parse_line(&line, 1, "x")
            .unwrap()
            .unwrap();
        assert_eq!(back.enclosures, a.enclosures);
        let none = serde_json::to_value(ExportRecord::from(&article(&["x"], &[]))).unwrap();
        assert!(none.get("enclosures").is_none());
    }
}
