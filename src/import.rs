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

use anyhow::Result;
use jiff::Timestamp;

use crate::model::NewArticle;
use crate::store::{BATCH_SIZE, ImportCounts, Prepared, Store};

/// Whole-file formats are read into memory; past this size a file is refused with a
/// message rather than exhausting memory. JSON Lines is streamed and has no such cap.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest JSON Lines record read; a longer line is skipped unread, with an error
/// naming it. Room for a body at `MAX_BODY_CHARS` even written as `\uXXXX` escapes
/// (six bytes a character) or in four-byte characters.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

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
    // Shared by every path given, so `herald import d d/sub` reads each file once.
    let mut walk = Walk::default();
    for path in paths {
        let mut files = Vec::new();
        walk.collect(path, &mut files, &mut |problem| {
            summary.failed += usize::from(!problem.warning);
            report(&problem);
        });
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
    if summary.counts.imported >= BATCH_SIZE
        && let Err(err) = store.settle_word_index()
    {
        // The articles are stored; merging is upkeep that later writes also do.
        log::warn!("merging the word index after the import: {err:#}");
    }
    Ok(summary)
}

/// What a folder walk has seen: folders by (device, inode), so a link back to a folder
/// above (or to one walked already) is not followed again, and files by canonical path,
/// so one file reached by several links is imported once.
#[derive(Default)]
struct Walk {
    folders: std::collections::HashSet<(u64, u64)>,
    files: std::collections::HashSet<PathBuf>,
}

impl Walk {
    /// Adds the files under `path` (itself when not a folder) to `out`, sorted, skipping
    /// hidden entries inside folders. A folder that cannot be listed is reported and the
    /// walk goes on; whether each file is a regular file is checked when it is imported.
    fn collect(&mut self, path: &Path, out: &mut Vec<PathBuf>, report: &mut dyn FnMut(Problem)) {
        use std::os::unix::fs::MetadataExt;
        let problem = |detail: String, warning: bool| Problem {
            path: path.to_path_buf(),
            detail,
            warning,
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                report(problem(format!("cannot read: {err}"), false));
                return;
            }
        };
        if !meta.is_dir() {
            let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if self.files.insert(key) {
                out.push(path.to_path_buf());
            }
            return;
        }
        if !self.folders.insert((meta.dev(), meta.ino())) {
            // Reached again through a link: walking it twice would store its files
            // twice, or loop for ever when the link points above itself.
            report(problem(
                "a link to a folder already walked; skipped".into(),
                true,
            ));
            return;
        }
        let listing = match std::fs::read_dir(path) {
            Ok(listing) => listing,
            Err(err) => {
                report(problem(format!("cannot list the folder: {err}"), false));
                return;
            }
        };
        let mut entries: Vec<PathBuf> = Vec::new();
        for entry in listing {
            match entry {
                Ok(entry) => entries.push(entry.path()),
                Err(err) => {
                    report(problem(format!("cannot list the folder: {err}"), false));
                }
            }
        }
        entries.retain(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| !n.starts_with('.'))
        });
        entries.sort();
        for entry in entries {
            self.collect(&entry, out, report);
        }
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
    // Opening a FIFO waits for a writer, a device may never end: only regular files (or
    // links to them) are opened.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => {
            report(problem(
                "not a regular file (a FIFO, socket, device or folder); skipped".into(),
                false,
            ));
            return Ok(ImportCounts::default());
        }
        Err(err) => {
            report(problem(format!("cannot open: {err}"), false));
            return Ok(ImportCounts::default());
        }
    }
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
            // Stored a batch at a time as the records are read: a file of a million
            // small records never holds a million articles.
            let mut batch = Vec::with_capacity(BATCH_SIZE);
            let mut counts = ImportCounts::default();
            let mut failure = None;
            json::for_each(&decoded.text, &fallback, &mut |place, result| {
                if failure.is_some() {
                    return;
                }
                let mut article = match result {
                    Ok(article) => article,
                    Err(err) => {
                        report(problem(format!("{}: {}", err.place, err.reason), false));
                        return;
                    }
                };
                let place = match place {
                    json::Place::Whole => String::new(),
                    other => format!("{other}: "),
                };
                for warning in cap(&mut article) {
                    report(problem(format!("{place}{warning}"), true));
                }
                batch.push(article);
                if batch.len() >= BATCH_SIZE {
                    match store.import(&batch, added) {
                        Ok(done) => counts.add(done),
                        Err(err) => failure = Some(err),
                    }
                    batch.clear();
                }
            });
            if let Some(err) = failure {
                return Err(err);
            }
            counts.add(store.import(&batch, added)?);
            return Ok(counts);
        }
        Format::Text => match text::parse(
            bounded_text(&decoded.text, &mut |w| report(problem(w, true))),
            &fallback,
        ) {
            Ok(article) => vec![article],
            Err(err) => {
                report(problem(crate::message::error_chain(&err), false));
                Vec::new()
            }
        },
        Format::Feed => {
            return match feed::parse_text(&decoded.text, None) {
                Ok(mut parsed) => {
                    if parsed.dropped > 0 {
                        // Items without a title are no article; they count as items all the same.
                        report(problem(
                            format!(
                                "the feed has {} items; kept the first {}",
                                parsed.items,
                                parsed.items - parsed.dropped
                            ),
                            true,
                        ));
                    }
                    for (index, article) in parsed.articles.iter_mut().enumerate() {
                        for warning in cap(article) {
                            let item = feed_item_label(index, article);
                            report(problem(format!("{item}: {warning}"), true));
                        }
                    }
                    let identity = parsed.link.as_deref().or(parsed.title.as_deref());
                    let counts = store.upsert_file(identity, &parsed.articles, added)?;
                    Ok(ImportCounts {
                        imported: counts.new + counts.updated,
                        already_present: counts.unchanged,
                    })
                }
                Err(err) => {
                    report(problem(crate::message::error_chain(&err), false));
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
        let codec = store.codec()?;
        // A store about to get its first thousand articles from this file: the parser
        // trains the compression dictionary on the first of them before compressing any.
        let train_first =
            !codec.has_dictionary() && store.count()? < crate::store::TRAIN_DICTIONARY_AT;
        scope.spawn(move || parse_json_lines(reader, fallback, &codec, train_first, &sender));
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
    codec: &crate::store::Codec,
    train_first: bool,
    sender: &std::sync::mpsc::SyncSender<Vec<LineOutcome>>,
) {
    const CHUNK: usize = 256;
    // With `train_first`, articles wait here, uncompressed, until there are enough to
    // train the dictionary on (or the file ends).
    const TRAIN_ON: usize = 2_000;
    let mut waiting: Option<Vec<NewArticle>> = train_first.then(Vec::new);
    let train = |waiting: Vec<NewArticle>, chunk: &mut Vec<LineOutcome>| {
        let texts: Vec<String> = waiting
            .iter()
            .map(|a| crate::store::body_of(&a.paragraphs))
            .collect();
        codec.train_from(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        for article in &waiting {
            chunk.push(LineOutcome::Article(Box::new(Prepared::new(
                article, codec,
            ))));
        }
    };
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut raw = Vec::new();
    let mut number = 0;
    let mut warned = false;
    loop {
        raw.clear();
        match read_line_limited(&mut reader, &mut raw, MAX_RECORD_BYTES) {
            Ok(LineRead::End) => break,
            Ok(LineRead::Line) => {}
            Ok(LineRead::TooLong(bytes)) => {
                number += 1;
                chunk.push(LineOutcome::Problem(
                    format!(
                        "line {number}: the record is over the {MAX_RECORD_BYTES}-byte limit \
                         ({bytes} bytes); skipped"
                    ),
                    false,
                ));
                continue;
            }
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
                match &mut waiting {
                    Some(list) => {
                        list.push(article);
                        if list.len() >= TRAIN_ON {
                            let list = std::mem::take(list);
                            waiting = None;
                            train(list, &mut chunk);
                        }
                    }
                    None => chunk.push(LineOutcome::Article(Box::new(Prepared::new(
                        &article, codec,
                    )))),
                }
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
    if let Some(list) = waiting {
        train(list, &mut chunk);
    }
    let _ = sender.send(chunk);
}

/// What `read_line_limited` found.
#[derive(Debug, PartialEq, Eq)]
pub enum LineRead {
    /// The end of the input: nothing was read.
    End,
    /// A line, its newline included when it had one.
    Line,
    /// A line longer than the limit, this many bytes with its newline: only the first
    /// `limit` are in the buffer; the rest was read past and dropped.
    TooLong(usize),
}

/// Reads one line into `line` as `read_until` does, but keeps at most `limit` bytes of it:
/// `read_until` grows its buffer to the whole line, so one line of a gigabyte takes a
/// gigabyte. The rest of a longer line is skipped a buffer at a time.
pub fn read_line_limited(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<LineRead> {
    let mut total = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if available.is_empty() {
            return Ok(match total {
                0 => LineRead::End,
                n if n > limit => LineRead::TooLong(n),
                _ => LineRead::Line,
            });
        }
        let (used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        let room = limit.saturating_sub(line.len());
        line.extend_from_slice(&available[..used.min(room)]);
        total += used;
        reader.consume(used);
        if done {
            return Ok(if total > limit {
                LineRead::TooLong(total)
            } else {
                LineRead::Line
            });
        }
    }
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

/// The most plain text parsed as one article, in bytes. An article keeps at most
/// `MAX_BODY_CHARS` characters (up to four bytes each), and the parser holds every line
/// and paragraph of its input at once: 60 MB of short lines took 2.8 GB.
pub const MAX_TEXT_BYTES: usize = 4 * MAX_BODY_CHARS;

/// `text` cut at the last line break within `MAX_TEXT_BYTES`, with a warning when cut.
fn bounded_text<'a>(text: &'a str, warn: &mut dyn FnMut(String)) -> &'a str {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(end);
    warn(format!(
        "{} bytes of plain text; read the first {end} (an article keeps at most \
         {MAX_BODY_CHARS} characters)",
        text.len()
    ));
    &text[..end]
}

/// The longest title, source or author name kept; longer ones are cut with a warning.
pub const MAX_FIELD_CHARS: usize = 1_000;

/// The longest article body kept, in characters over all its paragraphs: a long read is
/// 50,000, a short novel 500,000. Past this the text is a dump, not an article, and it
/// would cost the reader seconds and gigabytes to lay out.
pub const MAX_BODY_CHARS: usize = 2_000_000;

/// The most paragraphs kept. Plain text makes a paragraph of every line, so a body at
/// `MAX_BODY_CHARS` of hard-wrapped lines (40 characters or more) still fits.
pub const MAX_PARAGRAPHS: usize = 50_000;

/// The longest paragraph (or summary) kept. The longest paragraphs in print run to a few
/// tens of thousands of characters; this also bounds an image's alt text, which the HTML
/// conversion puts inside its paragraph.
pub const MAX_PARAGRAPH_CHARS: usize = 100_000;

/// The longest guid or link kept. A longer link is dropped rather than cut, as a cut one
/// leads nowhere; a guid is cut, the same way every time, so it still identifies.
pub const MAX_LINK_CHARS: usize = 8_192;

/// The most links one article keeps.
pub const MAX_LINKS: usize = 50_000;

/// Keeps the first `max` characters of `text` and frees the rest; returns whether it cut.
/// `ellipsis` takes the last of the `max` for a `…`.
fn keep_chars(text: &mut String, max: usize, ellipsis: bool) -> bool {
    let keep = if ellipsis { max - 1 } else { max };
    match text.char_indices().nth(max) {
        None => false,
        Some(_) => {
            let at = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            text.truncate(at);
            if ellipsis {
                text.push('…');
            }
            text.shrink_to_fit();
            true
        }
    }
}

/// Cuts fields that no article has at such a length (a 50 MB single-line file makes a
/// 50 MB "title"), so the list and the index stay usable. Returns what was cut. Every
/// importer calls it, so the limits are the same whichever way an article came in.
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
    if let Some(guid) = &mut article.guid {
        let chars = guid.chars().count();
        if keep_chars(guid, MAX_LINK_CHARS, false) {
            warnings.push(format!(
                "the guid was {chars} characters long; kept the first {MAX_LINK_CHARS}"
            ));
        }
    }
    if let Some(url) = &article.url {
        let chars = url.chars().count();
        if chars > MAX_LINK_CHARS {
            article.url = None;
            warnings.push(format!(
                "the link was {chars} characters long (over {MAX_LINK_CHARS}); left out"
            ));
        }
    }
    if let Some(summary) = &mut article.summary {
        let chars = summary.chars().count();
        if keep_chars(summary, MAX_PARAGRAPH_CHARS, true) {
            warnings.push(format!(
                "the summary was {chars} characters long; kept the first {}",
                MAX_PARAGRAPH_CHARS - 1
            ));
        }
    }
    cap_body(&mut article.paragraphs, &mut warnings);
    cap_links(&mut article.links, &mut warnings);
    warnings
}

/// The links' share of `cap`: their number, each one's length and their total. The list
/// is cut short, never a link taken out of it, so the numbers in the text still name the
/// right addresses.
fn cap_links(links: &mut Vec<String>, warnings: &mut Vec<String>) {
    let mut room = MAX_BODY_CHARS;
    let mut fits = |link: &String| {
        let chars = link.chars().count();
        let fits = chars <= MAX_LINK_CHARS && chars <= room;
        room = room.saturating_sub(chars);
        fits
    };
    let keep = links
        .iter()
        .take(MAX_LINKS)
        .position(|link| !fits(link))
        .unwrap_or(links.len().min(MAX_LINKS));
    if keep < links.len() {
        warnings.push(format!(
            "kept the first {keep} of {} links (at most {MAX_LINKS}, each at most \
             {MAX_LINK_CHARS} characters and {MAX_BODY_CHARS} in all)",
            links.len()
        ));
        links.truncate(keep);
        links.shrink_to_fit();
    }
}

/// The body's share of `cap`: the number of paragraphs, each one's length, the total.
fn cap_body(paragraphs: &mut Vec<String>, warnings: &mut Vec<String>) {
    if paragraphs.len() > MAX_PARAGRAPHS {
        warnings.push(format!(
            "the body has {} paragraphs; kept the first {MAX_PARAGRAPHS}",
            paragraphs.len()
        ));
        paragraphs.truncate(MAX_PARAGRAPHS);
        paragraphs.shrink_to_fit();
    }
    let lengths: Vec<usize> = paragraphs.iter().map(|p| p.chars().count()).collect();
    let long: Vec<usize> = (0..lengths.len())
        .filter(|&i| lengths[i] > MAX_PARAGRAPH_CHARS)
        .collect();
    match long.as_slice() {
        [] => {}
        [one] => warnings.push(format!(
            "paragraph {} was {} characters long; kept the first {}",
            one + 1,
            lengths[*one],
            MAX_PARAGRAPH_CHARS - 1
        )),
        [first, ..] => warnings.push(format!(
            "{} paragraphs were over {MAX_PARAGRAPH_CHARS} characters long (the first, \
             paragraph {}, {}); kept the first {} of each",
            long.len(),
            first + 1,
            lengths[*first],
            MAX_PARAGRAPH_CHARS - 1
        )),
    }
    for &i in &long {
        keep_chars(&mut paragraphs[i], MAX_PARAGRAPH_CHARS, true);
    }
    let total: usize = lengths.iter().map(|&n| n.min(MAX_PARAGRAPH_CHARS)).sum();
    if total <= MAX_BODY_CHARS {
        return;
    }
    let mut room = MAX_BODY_CHARS;
    let mut kept = 0;
    for paragraph in paragraphs.iter_mut() {
        let chars = paragraph.chars().count();
        if chars > room {
            // A last paragraph cut short, unless next to nothing of it would be left.
            if room > 1 {
                keep_chars(paragraph, room, true);
                kept += 1;
            }
            break;
        }
        room -= chars;
        kept += 1;
    }
    paragraphs.truncate(kept);
    paragraphs.shrink_to_fit();
    warnings.push(format!(
        "the body was {total} characters long; kept the first {MAX_BODY_CHARS}"
    ));
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
    fn plain_text_past_the_bound_is_cut_at_a_line_break_with_a_warning() {
        let line = "Short line of harbour notes.\n";
        let text = line.repeat(MAX_TEXT_BYTES / line.len() + 1000);
        let mut warnings = Vec::new();
        let kept = bounded_text(&text, &mut |w| warnings.push(w));
        assert!(kept.len() <= MAX_TEXT_BYTES);
        assert!(kept.ends_with("notes."), "cut at a line break");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("plain text"), "{}", warnings[0]);
        // Multi-byte text is cut on a character boundary.
        let wide = "한국어 문장\n".repeat(MAX_TEXT_BYTES / 16 + 10);
        let kept = bounded_text(&wide, &mut |_| {});
        assert!(kept.len() <= MAX_TEXT_BYTES && kept.ends_with('장'));
        let mut none = Vec::new();
        assert_eq!(bounded_text("small", &mut |w| none.push(w)), "small");
        assert!(none.is_empty());
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

    fn article_with(paragraphs: Vec<String>) -> NewArticle {
        NewArticle {
            title: "Quay works".into(),
            source: "Harbour Post".into(),
            paragraphs,
            ..Default::default()
        }
    }

    fn total_chars(article: &NewArticle) -> usize {
        article.paragraphs.iter().map(|p| p.chars().count()).sum()
    }

    #[test]
    fn a_body_over_the_limit_is_cut_with_a_warning() {
        // 3 million characters in paragraphs of 30,000: over the body cap, not the
        // paragraph cap. Two-byte characters, so bytes and characters differ.
        let paragraph = "é".repeat(30_000);
        let mut article = article_with(vec![paragraph; 100]);
        let warnings = cap(&mut article);
        assert_eq!(total_chars(&article), MAX_BODY_CHARS);
        assert!(article.paragraphs.last().unwrap().ends_with('…'));
        assert_eq!(
            warnings,
            [format!(
                "the body was 3000000 characters long; kept the first {MAX_BODY_CHARS}"
            )]
        );
        // Capping again finds nothing to cut.
        assert!(cap(&mut article).is_empty());
    }

    #[test]
    fn long_paragraphs_and_alt_texts_are_cut_one_warning_for_all() {
        let alt = format!("[image: {}]", "a gull on a post ".repeat(20_000));
        let mut article = article_with(vec![
            "Short opening.".into(),
            alt,
            "x".repeat(MAX_PARAGRAPH_CHARS + 5),
            "Short close.".into(),
        ]);
        let warnings = cap(&mut article);
        let lengths: Vec<usize> = article
            .paragraphs
            .iter()
            .map(|p| p.chars().count())
            .collect();
        assert_eq!(lengths, [14, MAX_PARAGRAPH_CHARS, MAX_PARAGRAPH_CHARS, 12]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(
                "2 paragraphs were over 100000 characters long (the first, paragraph 2, 340009)"
            ),
            "{warnings:?}"
        );
        assert!(cap(&mut article).is_empty());
    }

    #[test]
    fn too_many_paragraphs_long_summaries_and_links_are_capped() {
        let mut article = article_with(vec!["Tide.".to_owned(); MAX_PARAGRAPHS + 10]);
        article.summary = Some("s".repeat(MAX_PARAGRAPH_CHARS * 2));
        article.url = Some(format!(
            "https://example.org/{}",
            "q".repeat(MAX_LINK_CHARS)
        ));
        article.guid = Some("g".repeat(MAX_LINK_CHARS * 3));
        let warnings = cap(&mut article);
        assert_eq!(article.paragraphs.len(), MAX_PARAGRAPHS);
        assert_eq!(
            article.summary.as_ref().unwrap().chars().count(),
            MAX_PARAGRAPH_CHARS
        );
        assert_eq!(article.url, None);
        assert_eq!(article.guid.as_ref().unwrap().len(), MAX_LINK_CHARS);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(cap(&mut article).is_empty());
    }

    #[test]
    fn links_past_a_limit_are_cut_from_the_end_of_the_list() {
        let link = |i: usize| format!("https://example.org/{i}");
        let mut article = article_with(vec!["Tide.".into()]);
        article.links = (0..MAX_LINKS + 5).map(link).collect();
        let warnings = cap(&mut article);
        assert_eq!(article.links.len(), MAX_LINKS);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(&format!("kept the first {MAX_LINKS} of 50005 links")),
            "{warnings:?}"
        );
        assert!(cap(&mut article).is_empty());
        // An overlong link ends the list: those after it would be misnumbered without it.
        article.links = vec![link(1), "x".repeat(MAX_LINK_CHARS + 1), link(3)];
        assert_eq!(cap(&mut article).len(), 1);
        assert_eq!(article.links, [link(1)]);
        // And the total is bounded as the body is.
        article.links = vec!["y".repeat(MAX_LINK_CHARS); MAX_BODY_CHARS / MAX_LINK_CHARS + 2];
        cap(&mut article);
        assert_eq!(article.links.len(), MAX_BODY_CHARS / MAX_LINK_CHARS);
    }

    #[test]
    fn a_long_line_is_skipped_keeping_no_more_than_the_limit() {
        let mut input = b"{\"title\": \"a\"}\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 3_000_000));
        input.extend(b"\n{\"title\": \"b\"}");
        let mut reader = std::io::BufReader::with_capacity(4096, &input[..]);
        let mut line = Vec::new();
        let mut read = |line: &mut Vec<u8>| {
            line.clear();
            read_line_limited(&mut reader, line, 1000).unwrap()
        };
        assert_eq!(read(&mut line), LineRead::Line);
        assert_eq!(line, b"{\"title\": \"a\"}\n");
        assert_eq!(read(&mut line), LineRead::TooLong(3_000_001));
        // Bytes kept: the limit, not the line.
        assert_eq!(line.len(), 1000);
        assert!(line.capacity() < 8192, "{}", line.capacity());
        assert_eq!(read(&mut line), LineRead::Line);
        assert_eq!(line, b"{\"title\": \"b\"}");
        assert_eq!(read(&mut line), LineRead::End);
    }

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

    #[test]
    fn body_paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs_from_body("a\nb\n\n\n  c  \n"),
            ["a b".to_owned(), "c".to_owned()]
        );
        assert!(paragraphs_from_body("\n\n").is_empty());
    }
}
