//! JSON Lines, streamed: a second thread reads, parses and prepares each record while
//! this one stores them a batch at a time, so a file of any size fits in memory.

use std::io::BufRead;

use anyhow::Result;
use jiff::Timestamp;

use super::limits::cap;
use super::{decode, json};
use crate::domain::model::NewArticle;
use crate::domain::store::{BATCH_SIZE, ImportCounts, Prepared, Store};

/// The longest JSON Lines record read; a longer line is skipped unread, with an error
/// naming it. Room for a body at `MAX_BODY_CHARS` even written as `\uXXXX` escapes
/// (six bytes a character) or in four-byte characters.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// One parsed line of JSON Lines, ready to write, or what to report about it.
enum LineOutcome {
    Article(Box<Prepared>),
    Problem(String, bool),
}

/// Streams JSON Lines into the store a batch at a time, so a file of any size fits. A
/// second thread reads, parses and prepares rows while this one writes: on two cores
/// that work is then almost free, and SQLite's indexing is what remains.
pub(super) fn import_json_lines(
    store: &mut Store,
    reader: impl BufRead + Send,
    fallback: &str,
    added: Timestamp,
    report: &mut dyn FnMut(String, bool),
) -> Result<ImportCounts> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<LineOutcome>>(4);
    std::thread::scope(|scope| {
        let codec = store.articles().codec()?;
        // A store about to get its first thousand articles from this file: the parser
        // trains the compression dictionary on the first of them before compressing any.
        let train_first = !codec.has_dictionary()
            && store.articles().count()? < crate::domain::store::TRAIN_DICTIONARY_AT;
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
                counts.add(store.articles().import_prepared(&batch, added)?);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            counts.add(store.articles().import_prepared(&batch, added)?);
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
    codec: &crate::domain::store::Codec,
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
            .map(|a| crate::domain::store::body_of(&a.paragraphs))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
