//! Getting articles in: walks files and folders, tells each file's format from its content,
//! runs the matching parser and stores the result in batches.

pub mod date;
pub mod decode;
pub mod feed;
pub mod html;
pub mod json;
pub mod newsboat;
pub mod text;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;

use crate::model::NewArticle;
use crate::store::{BATCH_SIZE, ImportCounts, Prepared, Store};

/// Whole-file formats are read into memory; past this size a file is refused with a
/// message rather than exhausting memory. JSON Lines is streamed and has no such cap.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How much of a file is read to tell its format: enough for the first line of a long
/// JSON Lines record.
const SNIFF_BYTES: u64 = 256 * 1024;

/// The formats herald reads, told apart by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json(json::Shape),
    /// RSS, Atom or JSON Feed.
    Feed,
    /// A saved web page.
    Page,
    /// A list of subscriptions, not articles.
    Opml,
}

/// Something that went wrong with one file or one record, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub detail: String,
    /// Warnings do not count as failures: the file was stored.
    pub warning: bool,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.warning { "warning" } else { "error" };
        write!(f, "{kind}: {}: {}", self.path.display(), self.detail)
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub counts: ImportCounts,
    pub failed: usize,
}

/// Imports every file under `paths` into `store`. Each problem is passed to `report` as it
/// happens; the rest of the work goes on. Only a store failure (disk full, say) stops it.
pub fn import_paths(
    store: &mut Store,
    paths: &[PathBuf],
    added: Timestamp,
    report: &mut dyn FnMut(&Problem),
) -> Result<Summary> {
    let mut summary = Summary::default();
    for path in paths {
        let mut files = Vec::new();
        if let Err(err) = collect_files(path, &mut files) {
            summary.failed += 1;
            report(&Problem {
                path: path.clone(),
                detail: format!("{err:#}"),
                warning: false,
            });
            continue;
        }
        for file in files {
            let mut failed = 0;
            let mut note = |problem: Problem| {
                failed += usize::from(!problem.warning);
                report(&problem);
            };
            let counts = import_file(store, &file, added, &mut note)?;
            summary.counts.add(counts);
            summary.failed += failed;
        }
    }
    Ok(summary)
}

/// Lists the files under `path` (itself when a file), sorted, skipping hidden entries
/// inside folders.
fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot list the folder {}", path.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| !n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_files(&entry, out)?;
        } else {
            out.push(entry);
        }
    }
    Ok(())
}

/// Imports one file. Problems with the file are reported, not returned; `Err` means the
/// store itself failed.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    added: Timestamp,
    report: &mut dyn FnMut(Problem),
) -> Result<ImportCounts> {
    let problem = |detail: String, warning: bool| Problem {
        path: path.to_path_buf(),
        detail,
        warning,
    };
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(err) => {
            report(problem(format!("cannot open: {err}"), false));
            return Ok(ImportCounts::default());
        }
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES as usize);
    if let Err(err) = (&mut file).take(SNIFF_BYTES).read_to_end(&mut head) {
        report(problem(format!("cannot read: {err}"), false));
        return Ok(ImportCounts::default());
    }
    if head.iter().all(u8::is_ascii_whitespace) {
        report(problem("empty file, skipped".into(), false));
        return Ok(ImportCounts::default());
    }
    if decode::looks_binary(&head) {
        report(problem(
            "binary data, not an article; skipped".into(),
            false,
        ));
        return Ok(ImportCounts::default());
    }
    let fallback = fallback_source(path);
    let head_text = decode::decode(&head).text;
    if detect(&head_text) == Format::Json(json::Shape::Lines) {
        let reader = BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(file));
        return import_json_lines(store, reader, &fallback, added, &mut |detail, warning| {
            report(problem(detail, warning))
        });
    }

    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        report(problem(
            format!(
                "{size} bytes is over the {MAX_FILE_BYTES}-byte limit for one article file; \
                 split it, or use JSON Lines, which is streamed"
            ),
            false,
        ));
        return Ok(ImportCounts::default());
    }
    let mut bytes = head;
    if let Err(err) = file.read_to_end(&mut bytes) {
        report(problem(format!("cannot read: {err}"), false));
        return Ok(ImportCounts::default());
    }
    let decoded = decode::decode(&bytes);
    if let Some(warning) = decoded.warning {
        report(problem(warning, true));
    }
    let articles = match detect(&decoded.text) {
        Format::Json(_) => {
            let parsed = json::parse(&decoded.text, &fallback);
            for err in parsed.errors {
                report(problem(format!("{}: {}", err.place, err.reason), false));
            }
            parsed.articles
        }
        Format::Text => match text::parse(&decoded.text, &fallback) {
            Ok(article) => vec![article],
            Err(err) => {
                report(problem(format!("{err:#}"), false));
                Vec::new()
            }
        },
        Format::Feed => {
            return match feed::parse_text(&decoded.text, None) {
                Ok(mut parsed) => {
                    if parsed.dropped > 0 {
                        report(problem(
                            format!(
                                "the feed has {} items; kept the first {}",
                                parsed.dropped + parsed.articles.len(),
                                parsed.articles.len()
                            ),
                            true,
                        ));
                    }
                    for article in &mut parsed.articles {
                        cap(article);
                    }
                    let counts = store.upsert(&parsed.articles, added)?;
                    Ok(ImportCounts {
                        imported: counts.new + counts.updated,
                        already_present: counts.unchanged,
                    })
                }
                Err(err) => {
                    report(problem(format!("{err:#}"), false));
                    Ok(ImportCounts::default())
                }
            };
        }
        Format::Opml => {
            report(problem(
                "a list of subscriptions (OPML), not articles: use `herald feed import FILE`"
                    .into(),
                false,
            ));
            Vec::new()
        }
        Format::Page => match html::page_to_article(&decoded.text, &fallback) {
            Some(article) => vec![article],
            None => {
                report(problem(
                    "a web page with no article text found in it".into(),
                    false,
                ));
                Vec::new()
            }
        },
    };
    let mut articles = articles;
    for article in &mut articles {
        for warning in cap(article) {
            report(problem(warning, true));
        }
    }
    let mut counts = ImportCounts::default();
    for batch in articles.chunks(BATCH_SIZE) {
        counts.add(store.import(batch, added)?);
    }
    Ok(counts)
}

/// One parsed line of JSON Lines, ready to write, or what to report about it.
enum LineOutcome {
    Article(Box<Prepared>),
    Problem(String, bool),
}

/// Streams JSON Lines into the store a batch at a time, so a file of any size fits. A
/// second thread reads, parses and prepares rows while this one writes: on two cores
/// that work is then almost free, and SQLite's indexing is what remains.
fn import_json_lines(
    store: &mut Store,
    reader: impl BufRead + Send,
    fallback: &str,
    added: Timestamp,
    report: &mut dyn FnMut(String, bool),
) -> Result<ImportCounts> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<LineOutcome>>(4);
    std::thread::scope(|scope| {
        scope.spawn(move || parse_json_lines(reader, fallback, &sender));
        let mut counts = ImportCounts::default();
        let mut batch: Vec<Prepared> = Vec::with_capacity(BATCH_SIZE);
        for outcomes in receiver {
            for outcome in outcomes {
                match outcome {
                    LineOutcome::Article(row) => batch.push(*row),
                    LineOutcome::Problem(detail, warning) => report(detail, warning),
                }
            }
            if batch.len() >= BATCH_SIZE {
                counts.add(store.import_prepared(&batch, added)?);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            counts.add(store.import_prepared(&batch, added)?);
        }
        // Dropping the receiver on an early return ends the parser: its send fails.
        Ok(counts)
    })
}

/// The parsing half of `import_json_lines`: parses and prepares rows, and sends them in
/// chunks to keep the channel cheap.
fn parse_json_lines(
    mut reader: impl BufRead,
    fallback: &str,
    sender: &std::sync::mpsc::SyncSender<Vec<LineOutcome>>,
) {
    const CHUNK: usize = 256;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut raw = Vec::new();
    let mut number = 0;
    let mut warned = false;
    loop {
        raw.clear();
        match reader.read_until(b'\n', &mut raw) {
            Ok(0) => break,
            Ok(_) => {}
            Err(err) => {
                chunk.push(LineOutcome::Problem(
                    format!("line {}: cannot read: {err}", number + 1),
                    false,
                ));
                break;
            }
        }
        number += 1;
        let decoded = decode::decode(&raw);
        if decoded.warning.is_some() && !warned {
            warned = true;
            chunk.push(LineOutcome::Problem(
                format!("line {number}: not valid UTF-8; read as Windows-1252"),
                true,
            ));
        }
        match json::parse_line(&decoded.text, number, fallback) {
            Some(Ok(mut article)) => {
                for warning in cap(&mut article) {
                    chunk.push(LineOutcome::Problem(
                        format!("line {number}: {warning}"),
                        true,
                    ));
                }
                chunk.push(LineOutcome::Article(Box::new(Prepared::new(&article))));
            }
            Some(Err(err)) => chunk.push(LineOutcome::Problem(
                format!("{}: {}", err.place, err.reason),
                false,
            )),
            None => {}
        }
        if chunk.len() >= CHUNK && sender.send(std::mem::take(&mut chunk)).is_err() {
            return;
        }
    }
    let _ = sender.send(chunk);
}

/// Tells the format from the text itself, whatever the file is called.
pub fn detect(text: &str) -> Format {
    let trimmed = text.trim_start();
    let head: String = trimmed
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.contains("<opml") {
        return Format::Opml;
    }
    if feed::looks_like_feed(trimmed) {
        return Format::Feed;
    }
    if let Some(shape) = json::shape(trimmed) {
        return Format::Json(shape);
    }
    if trimmed.starts_with('<') {
        return Format::Page;
    }
    Format::Text
}

/// The source for articles that do not name one: the folder they were saved in.
fn fallback_source(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .map(clean)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Local files".to_owned())
}

/// The longest title, source or author name kept; longer ones are cut with a warning.
pub const MAX_FIELD_CHARS: usize = 1_000;

/// Cuts fields that no article has at such a length (a 50 MB single-line file makes a
/// 50 MB "title"), so the list and the index stay usable. Returns what was cut.
pub fn cap(article: &mut NewArticle) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut cut = |name: &str, text: &mut String| {
        let chars = text.chars().count();
        if chars > MAX_FIELD_CHARS {
            let kept: String = text.chars().take(MAX_FIELD_CHARS).collect();
            *text = format!("{kept}…");
            warnings.push(format!(
                "the {name} was {chars} characters long; kept the first {MAX_FIELD_CHARS}"
            ));
        }
    };
    cut("title", &mut article.title);
    cut("source", &mut article.source);
    for author in &mut article.authors {
        cut("author name", author);
    }
    if article.authors.len() > 50 {
        warnings.push(format!(
            "{} authors; kept the first 50",
            article.authors.len()
        ));
        article.authors.truncate(50);
    }
    warnings
}

/// Collapses runs of white space (line breaks included) to one space and trims.
pub fn clean(text: &str) -> String {
    // Most text is clean already; checking is cheaper than rebuilding.
    let mut previous_space = true;
    let tidy = text.chars().all(|c| {
        let ok = if c == ' ' {
            !previous_space
        } else {
            !c.is_whitespace()
        };
        previous_space = c == ' ';
        ok
    }) && !text.ends_with(' ');
    if tidy {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A body with paragraphs separated by blank lines; single line breaks are soft.
pub fn paragraphs_from_body(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(clean(&current));
                current.clear();
            }
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        out.push(clean(&current));
    }
    out
}

/// `SEO JI-EUN` becomes `Seo Ji-eun`; names already in mixed case are left alone.
pub fn name_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) || !name.chars().any(char::is_uppercase) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for c in name.chars() {
        if c.is_alphabetic() {
            if word_start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            word_start = false;
        } else {
            out.push(c);
            // After an apostrophe the name goes on capitalised (O'Brien); after a hyphen it
            // does not, as romanised Korean given names are written (Ji-eun).
            word_start = c.is_whitespace() || c == '\'' || c == '’';
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_capitals_get_name_case() {
        assert_eq!(name_case("SEO JI-EUN"), "Seo Ji-eun");
        assert_eq!(name_case("CONOR O'BRIEN"), "Conor O'Brien");
        assert_eq!(name_case("Ana de la Cruz"), "Ana de la Cruz");
        assert_eq!(name_case("김민지"), "김민지");
    }

    #[test]
    fn detection_is_by_content() {
        assert_eq!(
            detect("  {\"title\": \"x\"}"),
            Format::Json(json::Shape::Object)
        );
        assert_eq!(detect("[]"), Format::Json(json::Shape::Array));
        assert_eq!(
            detect("{\"a\":1}\n{\"a\":2}\n"),
            Format::Json(json::Shape::Lines)
        );
        assert_eq!(detect("<?xml version=\"1.0\"?><rss/>"), Format::Feed);
        assert_eq!(
            detect("<!doctype html><html><p>Hi</p></html>"),
            Format::Page
        );
        assert_eq!(
            detect("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}"),
            Format::Feed
        );
        assert_eq!(detect("Title line\nBody"), Format::Text);
    }

    #[test]
    fn body_paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs_from_body("a\nb\n\n\n  c  \n"),
            ["a b".to_owned(), "c".to_owned()]
        );
        assert!(paragraphs_from_body("\n\n").is_empty());
    }
}
