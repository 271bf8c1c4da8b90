//! One file in: opened only when it is a regular file, its format told from its first
//! bytes, read and decoded, handed to the parser for that format, capped and stored.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;

use super::detect::{Format, detect};
use super::jsonl::import_json_lines;
use super::limits::{bounded_text, cap};
use super::tidy::clean;
use super::{decode, feed, html, json, text};
use crate::domain::model::NewArticle;
use crate::domain::store::{BATCH_SIZE, ImportCounts, Store};

/// Whole-file formats are read into memory; past this size a file is refused with a
/// message rather than exhausting memory. JSON Lines is streamed and has no such cap.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How much of a file is read to tell its format: enough for the first line of a long
/// JSON Lines record.
const SNIFF_BYTES: u64 = 256 * 1024;

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
    let mut report = |detail: String, warning: bool| report(problem(detail, warning));
    let report: Report<'_> = &mut report;
    let nothing = Ok(ImportCounts::default());
    // Opening a FIFO waits for a writer, a device may never end: only regular files (or
    // links to them) are opened.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => {
            report(
                "not a regular file (a FIFO, socket, device or folder); skipped".into(),
                false,
            );
            return nothing;
        }
        Err(err) => {
            report(format!("cannot open: {err}"), false);
            return nothing;
        }
    }
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(err) => {
            report(format!("cannot open: {err}"), false);
            return nothing;
        }
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES as usize);
    if let Err(err) = (&mut file).take(SNIFF_BYTES).read_to_end(&mut head) {
        report(format!("cannot read: {err}"), false);
        return nothing;
    }
    if head.iter().all(u8::is_ascii_whitespace) {
        report("empty file, skipped".into(), false);
        return nothing;
    }
    if head.starts_with(b"SQLite format 3\0") {
        report(
            "an SQLite database, not an article; skipped (newsboat's cache? \
             herald import --from-newsboat PATH reads it)"
                .into(),
            false,
        );
        return nothing;
    }
    if decode::looks_binary(&head) {
        report("binary data, not an article; skipped".into(), false);
        return nothing;
    }
    let fallback = fallback_source(path);
    let head_text = decode::decode(&head).text;
    if detect(&head_text) == Format::Json(json::Shape::Lines) {
        let reader = BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(file));
        return import_json_lines(store, reader, &fallback, added, report);
    }

    // Not taken as 0 when unknown: the size is what keeps the read below bounded.
    let size = match file.metadata() {
        Ok(meta) => meta.len(),
        Err(err) => {
            report(format!("cannot read: {err}"), false);
            return nothing;
        }
    };
    if size > MAX_FILE_BYTES {
        report(
            format!(
                "{size} bytes is over the {MAX_FILE_BYTES}-byte limit for one article file; \
                 split it, or use JSON Lines, which is streamed"
            ),
            false,
        );
        return nothing;
    }
    let mut bytes = head;
    if let Err(err) = file.read_to_end(&mut bytes) {
        report(format!("cannot read: {err}"), false);
        return nothing;
    }
    let decoded = decode::decode(&bytes);
    if let Some(warning) = decoded.warning {
        report(warning, true);
    }
    let content = &decoded.text;
    let mut articles = match detect(content) {
        Format::Json(_) => return store_json(store, content, &fallback, added, report),
        Format::Feed => return store_feed(store, content, added, report),
        Format::Text => {
            match text::parse(bounded_text(content, &mut |w| report(w, true)), &fallback) {
                Ok(article) => vec![article],
                Err(err) => {
                    report(crate::domain::message::error_chain(&err), false);
                    Vec::new()
                }
            }
        }
        Format::Page => match html::page_to_article(content, &fallback) {
            Some(article) => vec![article],
            None => {
                report("a web page with no article text found in it".into(), false);
                Vec::new()
            }
        },
        Format::Opml => {
            report(
                "a list of subscriptions (OPML), not articles: use `herald feed import FILE`"
                    .into(),
                false,
            );
            Vec::new()
        }
    };
    for article in &mut articles {
        for warning in cap(article) {
            report(warning, true);
        }
    }
    let mut counts = ImportCounts::default();
    for batch in articles.chunks(BATCH_SIZE) {
        counts.add(store.articles().import(batch, added)?);
    }
    Ok(counts)
}

/// Where a file's problems go: the detail, and whether it is only a warning.
type Report<'a> = &'a mut dyn FnMut(String, bool);

/// A JSON file, stored a batch at a time as the records are read: a file of a million
/// small records never holds a million articles.
fn store_json(
    store: &mut Store,
    text: &str,
    fallback: &str,
    added: Timestamp,
    report: Report<'_>,
) -> Result<ImportCounts> {
    let mut batch = Vec::with_capacity(BATCH_SIZE);
    let mut counts = ImportCounts::default();
    let mut failure = None;
    json::for_each(text, fallback, &mut |place, result| {
        if failure.is_some() {
            return;
        }
        let mut article = match result {
            Ok(article) => article,
            Err(err) => {
                report(format!("{}: {}", err.place, err.reason), false);
                return;
            }
        };
        let place = match place {
            json::Place::Whole => String::new(),
            other => format!("{other}: "),
        };
        for warning in cap(&mut article) {
            report(format!("{place}{warning}"), true);
        }
        batch.push(article);
        if batch.len() >= BATCH_SIZE {
            match store.articles().import(&batch, added) {
                Ok(done) => counts.add(done),
                Err(err) => failure = Some(err),
            }
            batch.clear();
        }
    });
    if let Some(err) = failure {
        return Err(err);
    }
    counts.add(store.articles().import(&batch, added)?);
    Ok(counts)
}

/// A feed document saved as a file: stored as one feed, so importing it again updates its
/// items rather than adding them twice.
fn store_feed(
    store: &mut Store,
    text: &str,
    added: Timestamp,
    report: Report<'_>,
) -> Result<ImportCounts> {
    let mut parsed = match feed::parse_text(text, None) {
        Ok(parsed) => parsed,
        Err(err) => {
            report(crate::domain::message::error_chain(&err), false);
            return Ok(ImportCounts::default());
        }
    };
    if parsed.dropped > 0 {
        // Items without a title are no article; they count as items all the same.
        report(
            format!(
                "the feed has {} items; kept the first {}",
                parsed.items,
                parsed.items - parsed.dropped
            ),
            true,
        );
    }
    for (index, article) in parsed.articles.iter_mut().enumerate() {
        for warning in cap(article) {
            let item = feed_item_label(index, article);
            report(format!("{item}: {warning}"), true);
        }
    }
    let identity = parsed.link.as_deref().or(parsed.title.as_deref());
    let counts = store
        .feeds()
        .upsert_file(identity, &parsed.articles, added)?;
    Ok(ImportCounts {
        imported: counts.new + counts.updated,
        already_present: counts.unchanged,
    })
}

/// A feed item in a warning: its place among the articles and its guid, link or title.
fn feed_item_label(index: usize, article: &NewArticle) -> String {
    let name = article
        .guid
        .as_deref()
        .or(article.url.as_deref())
        .unwrap_or(&article.title);
    let short: String = name.chars().take(80).collect();
    format!("item {} ({short})", index + 1)
}

/// The source for articles that do not name one: the folder they were saved in. From the
/// canonical path, so `w.txt` typed inside the folder, its absolute path and a link to
/// it all give the same source, and so the same dedup key.
fn fallback_source(path: &Path) -> String {
    let full = std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    full.parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .map(clean)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Local files".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import::limits::MAX_PARAGRAPH_CHARS;

    /// The warnings importing `content` as a file gives.
    fn warnings_for(name: &str, content: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let mut warnings = Vec::new();
        import_file(&mut store, &path, Timestamp::UNIX_EPOCH, &mut |p| {
            assert!(p.warning, "{p}");
            warnings.push(p.detail);
        })
        .unwrap();
        warnings
    }

    #[test]
    fn every_importer_caps_and_names_the_record() {
        let long = "w".repeat(MAX_PARAGRAPH_CHARS + 1);
        let array = serde_json::json!([
            {"title": "Fine"},
            {"title": "Too long", "paragraphs": ["ok", long]},
        ]);
        assert_eq!(
            warnings_for("a.json", &array.to_string()),
            ["record 1: paragraph 2 was 100001 characters long; kept the first 99999"]
        );
        let rss = format!(
            "<rss version=\"2.0\"><channel><title>C</title><item><title>Fine</title></item>\
             <item><guid>g-2</guid><title>Long</title><description>{long}</description></item>\
             </channel></rss>"
        );
        assert_eq!(
            warnings_for("f.xml", &rss),
            ["item 2 (g-2): paragraph 1 was 100001 characters long; kept the first 99999"]
        );
        assert_eq!(
            warnings_for("t.txt", &format!("A title\n\n{long}\n")),
            ["paragraph 1 was 100001 characters long; kept the first 99999"]
        );
    }
}
