//! Moving in from newsboat: its `cache.db` holds the subscriptions (`rss_feed`) and every
//! article (`rss_item`) with HTML bodies and read and flagged state.
//!
//! Articles are read a row at a time and handed on in batches, so a cache of any size
//! moves in within the memory of one batch; a row that cannot be read is reported by its
//! id and the rest go on.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::html;
use super::limits::cap;
use super::tidy::clean;
use crate::domain::enclosure::Enclosure;
use crate::domain::model::{NewArticle, Published};
use crate::domain::opml::Outline;

/// An open newsboat cache, read-only.
pub struct Cache {
    conn: Connection,
    path: std::path::PathBuf,
}

/// An article with the address of the feed it came from.
pub type FeedArticle = (String, NewArticle);

/// What reading the articles came to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rows {
    /// Rows turned into articles and handed on.
    pub read: usize,
    /// Rows left out, each reported.
    pub skipped: usize,
}

impl Cache {
    /// Opens a newsboat cache without changing it.
    pub fn open(path: &Path) -> Result<Cache> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening the newsboat cache {}", path.display()))?;
        Ok(Cache {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Whether `table` has the column `column` (false when it cannot tell).
    fn has_column(&self, table: &str, column: &str) -> bool {
        self.conn
            .query_row(
                "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
                [table, column],
                |_| Ok(()),
            )
            .is_ok()
    }

    fn not_newsboat(&self) -> String {
        format!(
            "{} is not a newsboat cache (no rss_feed and rss_item tables)",
            self.path.display()
        )
    }

    /// The subscriptions. A row without a url is no subscription and is left out.
    pub fn feeds(&self) -> Result<Vec<Outline>> {
        let mut stmt = self
            .conn
            .prepare("SELECT rssurl, title FROM rss_feed")
            .with_context(|| self.not_newsboat())?;
        let mut rows = stmt.query([])?;
        let mut feeds = Vec::new();
        while let Some(row) = rows.next().context("reading the newsboat subscriptions")? {
            let (Ok(Some(url)), Ok(name)) = (text(row.get_ref(0)?), text(row.get_ref(1)?)) else {
                continue;
            };
            feeds.push(Outline {
                url,
                name: name.map(|t| clean(&t)).filter(|t| !t.is_empty()),
                tags: Vec::new(),
            });
        }
        Ok(feeds)
    }

    /// Reads the articles in id order and hands them to `batch`, at most `batch_size` at a
    /// time. A row that cannot be read, and every cap applied, goes to `report` with the
    /// row's id (the detail, and whether it is only a warning). `Err` is the cache failing
    /// as a whole, or `batch` failing.
    pub fn articles(
        &self,
        feeds: &[Outline],
        batch_size: usize,
        batch: &mut dyn FnMut(&[FeedArticle]) -> Result<()>,
        report: &mut dyn FnMut(String, bool),
    ) -> Result<Rows> {
        let names: HashMap<&str, &str> = feeds
            .iter()
            .filter_map(|f| f.name.as_deref().map(|n| (f.url.as_str(), n)))
            .collect();
        // Caches from before newsboat kept enclosures have no such columns.
        let enclosure_columns = if self.has_column("rss_item", "enclosure_url")
            && self.has_column("rss_item", "enclosure_type")
        {
            "enclosure_url, enclosure_type"
        } else {
            "NULL, NULL"
        };
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, guid, title, author, url, feedurl, pubDate, content, unread, flags,
                    {enclosure_columns}
                 FROM rss_item WHERE deleted = 0 ORDER BY id"
            ))
            .with_context(|| self.not_newsboat())?;
        let mut rows = stmt.query([])?;
        let mut counts = Rows::default();
        let mut pending = Vec::with_capacity(batch_size.min(4096));
        let mut last_id = None;
        loop {
            let row = rows.next().with_context(|| match last_id {
                Some(id) => format!("reading the newsboat cache after row {id}"),
                None => "reading the newsboat cache".to_owned(),
            })?;
            let Some(row) = row else { break };
            let id: Option<i64> = row.get(0).ok();
            last_id = id.or(last_id);
            let label = id.map_or_else(|| "a row".to_owned(), |id| format!("row {id}"));
            match article(row, &names) {
                Ok(Some((feed_url, mut article))) => {
                    for warning in cap(&mut article) {
                        report(format!("{label}: {warning}"), true);
                    }
                    pending.push((feed_url, article));
                    counts.read += 1;
                }
                Ok(None) => {}
                Err(reason) => {
                    report(format!("{label}: {reason}; skipped"), false);
                    counts.skipped += 1;
                }
            }
            if pending.len() >= batch_size {
                batch(&pending)?;
                pending.clear();
            }
        }
        if !pending.is_empty() {
            batch(&pending)?;
        }
        Ok(counts)
    }
}

/// A text column: NULL is none, a number is its digits (SQLite gives a VARCHAR column a
/// number it was given), a blob is an error.
fn text(value: ValueRef<'_>) -> Result<Option<String>, &'static str> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) => Ok(Some(String::from_utf8_lossy(bytes).into_owned())),
        ValueRef::Integer(n) => Ok(Some(n.to_string())),
        ValueRef::Real(x) => Ok(Some(x.to_string())),
        ValueRef::Blob(_) => Err("expected text, found a blob"),
    }
}

/// A number column: NULL is none, text or a blob is an error.
fn number(value: ValueRef<'_>) -> Result<Option<i64>, &'static str> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(n) => Ok(Some(n)),
        ValueRef::Real(x) => Ok(Some(x as i64)),
        ValueRef::Text(_) => Err("expected a number, found text"),
        ValueRef::Blob(_) => Err("expected a number, found a blob"),
    }
}

/// One `rss_item` row as an article with its feed's address; `None` for one with neither
/// title nor text.
fn article(
    row: &rusqlite::Row<'_>,
    names: &HashMap<&str, &str>,
) -> Result<Option<(String, NewArticle)>, String> {
    const COLUMNS: [&str; 12] = [
        "id",
        "guid",
        "title",
        "author",
        "url",
        "feedurl",
        "pubDate",
        "content",
        "unread",
        "flags",
        "enclosure_url",
        "enclosure_type",
    ];
    let value = |i: usize| {
        row.get_ref(i)
            .map_err(|err| format!("column {}: {err}", COLUMNS[i]))
    };
    let text_at =
        |i: usize| text(value(i)?).map_err(|reason| format!("column {}: {reason}", COLUMNS[i]));
    let number_at =
        |i: usize| number(value(i)?).map_err(|reason| format!("column {}: {reason}", COLUMNS[i]));
    let guid = text_at(1)?;
    let title = clean(&text_at(2)?.unwrap_or_default());
    let author = text_at(3)?;
    let url = text_at(4)?;
    let feed_url = text_at(5)?.unwrap_or_default();
    let published = number_at(6)?;
    let content = text_at(7)?;
    let unread = number_at(8)?;
    let flags = text_at(9)?;
    // newsboat keeps one enclosure an item; a column it cannot read is no enclosure.
    let enclosures = match (text_at(10), text_at(11)) {
        (Ok(Some(url)), mime) => {
            Enclosure::checked(&url, mime.ok().flatten().as_deref(), None, None)
        }
        _ => None,
    };
    let html::Converted { paragraphs, links } =
        html::to_text(content.as_deref().unwrap_or_default());
    if title.is_empty() && paragraphs.is_empty() {
        return Ok(None);
    }
    let title = if title.is_empty() {
        paragraphs[0].chars().take(80).collect()
    } else {
        title
    };
    let source = match names.get(feed_url.as_str()) {
        Some(name) => (*name).to_owned(),
        None if feed_url.is_empty() => "newsboat".to_owned(),
        None => feed_url.clone(),
    };
    Ok(Some((
        feed_url,
        NewArticle {
            guid: guid.filter(|g| !g.is_empty()),
            source,
            title,
            authors: author
                .map(|a| clean(&a))
                .filter(|a| !a.is_empty())
                .into_iter()
                .collect(),
            published: published
                .filter(|s| *s > 0)
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map(|instant| Published {
                    instant,
                    offset: Some(jiff::tz::Offset::UTC),
                }),
            url: url.filter(|u| !u.is_empty()),
            summary: None,
            paragraphs,
            links,
            enclosures: enclosures.into_iter().collect(),
            read: unread == Some(0),
            starred: flags.is_some_and(|f| !f.trim().is_empty()),
        },
    )))
}

/// A subscription line of newsboat's `urls` file: `URL tag "tag two" "~Name"`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlsLine {
    pub url: String,
    /// From a `~Name` token: newsboat shows the feed under this name.
    pub name: Option<String>,
    pub tags: Vec<String>,
}

/// The most tokens read from one line of a `urls` file.
const MAX_TOKENS: usize = 128;

/// The subscriptions of a newsboat `urls` file with their tags and names. Comment lines
/// (`#`), blank lines and lines that are not http or https (`"query:…"`, `exec:`,
/// `filter:`) are left out; `!` tags (newsboat's hidden feeds) are ignored.
pub fn parse_urls(text: &str) -> Vec<UrlsLine> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut tokens = tokens(line).into_iter();
        let Some(url) = tokens.next() else { continue };
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://"))
            || url.contains(char::is_whitespace)
        {
            continue;
        }
        let mut entry = UrlsLine {
            url,
            ..UrlsLine::default()
        };
        for token in tokens {
            if let Some(name) = token.strip_prefix('~') {
                let name = clean(name);
                if !name.is_empty() {
                    entry.name = Some(name);
                }
            } else if token.starts_with('!') || token.trim().is_empty() {
                continue;
            } else if !entry.tags.contains(&token) {
                entry.tags.push(token);
            }
        }
        out.push(entry);
    }
    out
}

/// A line's tokens as newsboat reads them: separated by white space, `"quoted"` ones
/// holding spaces (with `\"` and `\\` inside), a `#` outside quotes ending the line.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while out.len() < MAX_TOKENS {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        if first == '#' {
            break;
        }
        let mut token = String::new();
        if first == '"' {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => token.extend(chars.next()),
                    c => token.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                token.push(c);
            }
        }
        out.push(token);
    }
    out
}

/// The `urls` file that goes with the newsboat cache at `cache`: beside it (newsboat's
/// `~/.newsboat` layout), else, for a cache in a `newsboat` data folder (the XDG
/// layout), `newsboat/urls` in the config folder (`$XDG_CONFIG_HOME`, else
/// `~/.config`).
pub fn urls_file_for(cache: &Path) -> Option<std::path::PathBuf> {
    let folder = cache.parent()?;
    let beside = folder.join("urls");
    if beside.is_file() {
        return Some(beside);
    }
    if folder.file_name()? != "newsboat" {
        return None;
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    let path = config.join("newsboat").join("urls");
    path.is_file().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_urls_file_gives_tags_and_names() {
        let text = "# my feeds\n\
            https://a.example/rss \"tag one\" tag2 \"~Renamed Feed\" !hidden tag2\n\
            \n   https://b.example/atom.xml   # a comment \"not a tag\"\n\
            \"query:Unread:unread = \\\"yes\\\"\"\n\
            exec:~/bin/feed.sh news\n\
            https://c.example/ \"say \\\"hi\\\"\" \"unterminated\n\
            https://d.example/ \"~\"\n";
        let lines = parse_urls(text);
        assert_eq!(
            lines,
            [
                UrlsLine {
                    url: "https://a.example/rss".into(),
                    name: Some("Renamed Feed".into()),
                    tags: vec!["tag one".into(), "tag2".into()],
                },
                UrlsLine {
                    url: "https://b.example/atom.xml".into(),
                    ..UrlsLine::default()
                },
                UrlsLine {
                    url: "https://c.example/".into(),
                    name: None,
                    tags: vec!["say \"hi\"".into(), "unterminated".into()],
                },
                UrlsLine {
                    url: "https://d.example/".into(),
                    ..UrlsLine::default()
                },
            ]
        );
        let crowded = format!("https://e.example/ {}", "t ".repeat(100_000));
        assert!(tokens(&crowded).len() <= MAX_TOKENS);
    }

    #[test]
    fn articles_are_handed_on_in_batches_as_they_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE rss_feed (rssurl TEXT, title TEXT);
             CREATE TABLE rss_item (id INTEGER PRIMARY KEY, guid TEXT, title TEXT, author TEXT,
                url TEXT, feedurl TEXT, pubDate INTEGER, content TEXT, unread INTEGER,
                flags TEXT, deleted INTEGER DEFAULT 0);
             INSERT INTO rss_feed VALUES ('https://canal.example/rss', 'Canal Notes'),
                (NULL, 'no url');",
        )
        .unwrap();
        for i in 1..=10 {
            // Row 4 has NULLs wherever newsboat writes text: read as empty, not an error.
            let title = (i != 4).then(|| format!("Lock {i}"));
            conn.execute(
                "INSERT INTO rss_item (id, guid, title, feedurl, pubDate, content, unread)
                 VALUES (?1, ?2, ?3, 'https://canal.example/rss', NULL, ?4, 1)",
                rusqlite::params![
                    i,
                    format!("c{i}"),
                    title,
                    format!("<p><a href=\"https://canal.example/{i}\">Level</a> {i}.</p>")
                ],
            )
            .unwrap();
        }
        drop(conn);
        let cache = Cache::open(&path).unwrap();
        let feeds = cache.feeds().unwrap();
        assert_eq!(feeds.len(), 1);
        let mut sizes = Vec::new();
        let mut titles = Vec::new();
        let rows = cache
            .articles(
                &feeds,
                3,
                &mut |batch| {
                    sizes.push(batch.len());
                    titles.extend(batch.iter().map(|a| a.1.title.clone()));
                    assert!(batch.iter().all(|a| a.1.links.len() == 1));
                    assert!(batch.iter().all(|a| a.1.source == "Canal Notes"));
                    Ok(())
                },
                &mut |detail, _| panic!("{detail}"),
            )
            .unwrap();
        assert_eq!(sizes, [3, 3, 3, 1]);
        assert_eq!(
            rows,
            Rows {
                read: 10,
                skipped: 0
            }
        );
        assert_eq!(titles[3], "Level [1] 4.");
    }

    #[test]
    fn an_items_enclosure_comes_along() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE rss_feed (rssurl TEXT, title TEXT);
             CREATE TABLE rss_item (id INTEGER PRIMARY KEY, guid TEXT, title TEXT, author TEXT,
                url TEXT, feedurl TEXT, pubDate INTEGER, content TEXT, unread INTEGER,
                flags TEXT, deleted INTEGER DEFAULT 0, enclosure_url VARCHAR(1024),
                enclosure_type VARCHAR(1024));
             INSERT INTO rss_item (id, guid, title, feedurl, unread, enclosure_url, enclosure_type)
             VALUES (1, 'a', 'Podcast', 'https://p.example/rss', 1,
                     'https://p.example/a.mp3', 'audio/mpeg'),
                    (2, 'b', 'Plain', 'https://p.example/rss', 1, '', ''),
                    (3, 'c', 'Local', 'https://p.example/rss', 1, 'file:///etc/passwd', NULL),
                    (4, 'd', 'Blob', 'https://p.example/rss', 1, x'00ff', 'audio/mpeg');",
        )
        .unwrap();
        drop(conn);
        let cache = Cache::open(&path).unwrap();
        let mut seen = Vec::new();
        cache
            .articles(
                &[],
                10,
                &mut |batch| {
                    seen.extend(batch.iter().map(|a| a.1.enclosures.clone()));
                    Ok(())
                },
                &mut |detail, _| panic!("{detail}"),
            )
            .unwrap();
        assert_eq!(seen.len(), 4);
        assert_eq!(
            seen[0],
            [Enclosure {
                url: "https://p.example/a.mp3".into(),
                mime: Some("audio/mpeg".into()),
                bytes: None,
                seconds: None,
            }]
        );
        assert!(seen[1..].iter().all(Vec::is_empty));
    }
}
