//! The article store: one SQLite file with a full-text index, every write a transaction.

mod clause;
mod codec;
mod fault;
mod feeds;
mod links;
mod migrations;
#[cfg(test)]
mod plans;
mod schema;
mod search;

use fault::Refused;
pub use fault::{Fault, hint};
pub use feeds::{Feed, UpsertCounts};
pub use search::{Found, RANK_LIMIT};

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::model::{Article, ArticleId, NewArticle, Position, Published, Summary};
pub use codec::{Codec, TRAIN_AT as TRAIN_DICTIONARY_AT};

pub use migrations::CURRENT_VERSION as SCHEMA_VERSION;

/// How many articles of one import share a transaction: large enough that commits cost
/// little, small enough that the WAL stays modest during a huge import.
pub const BATCH_SIZE: usize = 4096;

/// How long a write waits for another process's transaction: a batch of `BATCH_SIZE`
/// articles commits in about a second, so this covers many of them.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Paragraphs are stored joined by this; importers guarantee no paragraph contains it.
pub(crate) const PARAGRAPH_BREAK: &str = "\n\n";

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    codec: Codec,
    /// The article count at which to try training a compression dictionary next.
    train_at: std::cell::Cell<usize>,
    /// Inside [`Store::batch`]: writes are savepoints of its transaction.
    batching: std::cell::Cell<bool>,
    /// Whether `codec` has read the store's dictionaries.
    codec_loaded: std::cell::Cell<bool>,
}

/// A write in progress: rolled back when dropped without `commit`.
pub(crate) struct Write<'a> {
    conn: &'a Connection,
    nested: bool,
    done: bool,
}

impl Write<'_> {
    /// Commits; a commit that fails (a deferred constraint, a full disk) is rolled back
    /// as the guard drops, so no transaction is left open on the connection.
    pub fn commit(mut self) -> Result<()> {
        let end = if self.nested {
            "RELEASE herald_write"
        } else {
            "COMMIT"
        };
        self.conn.execute_batch(end)?;
        self.done = true;
        Ok(())
    }
}

impl std::ops::Deref for Write<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        if !self.done {
            let undo = if self.nested {
                "ROLLBACK TO herald_write; RELEASE herald_write"
            } else {
                "ROLLBACK"
            };
            if let Err(err) = self.conn.execute_batch(undo) {
                log::warn!("undoing a failed write: {err}");
            }
        }
    }
}

/// What one import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    pub imported: usize,
    pub already_present: usize,
}

impl ImportCounts {
    pub fn add(&mut self, other: ImportCounts) {
        self.imported += other.imported;
        self.already_present += other.already_present;
    }
}

const SUMMARY_COLUMNS: &str = "articles.id, source, title, authors, published, url, read, starred";

/// The columns of a whole article: [`SUMMARY_COLUMNS`], then those `article_from_row`
/// reads by number.
const ARTICLE_COLUMNS: &str = "articles.id, source, title, authors, published, url, read, starred,
     guid, summary, body, added, pos_paragraph, pos_offset, links.urls";
const ARTICLE_TABLES: &str = "articles JOIN bodies USING (id) LEFT JOIN links USING (id)";

impl Store {
    /// Opens (creating if needed) the store at `path`. A file that is not a herald store is
    /// reported and left untouched.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the store folder {}", path.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("opening the store {}", path.display()))?;
        Self::setup(conn, Some(path.to_path_buf())).map_err(|err| {
            if let Some(foreign) = err.downcast_ref::<schema::NotHerald>() {
                let what_to_do = if foreign.newsboat {
                    format!(
                        "to move in from newsboat, run `herald import --from-newsboat {}`",
                        path.display()
                    )
                } else {
                    "pass --store with the path of a herald store, or of a new file".to_owned()
                };
                return anyhow::Error::new(Refused(format!(
                    "{} is {foreign}. herald has not changed it; {what_to_do}",
                    path.display()
                )));
            }
            if Fault::of(&err) == Some(Fault::Corrupt) {
                anyhow::Error::new(Refused(format!(
                    "{} is not a readable herald store ({}). herald has not changed it; \
                     move it aside or pass --store with another path",
                    path.display(),
                    crate::message::error_chain(&err)
                )))
            } else {
                err.context(format!("opening the store {}", path.display()))
            }
        })
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        // Another herald (a cron fetch beside the open reader) may hold the write lock for
        // a batch; every write transaction is IMMEDIATE, so this wait is what it gets.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Nothing is written before the file is known to be herald's (or blank).
        schema::prepare(&mut conn)?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        conn.pragma_update(None, "synchronous", "normal")?;
        conn.pragma_update(None, "foreign_keys", "on")?;
        // The dictionary is read when first needed: reading a body loads it on demand
        // (`body_text`), writing loads it first (`loaded_codec`). Reading it here cost
        // the first frame a few milliseconds.
        let codec = Codec::default();
        Ok(Store {
            conn,
            path,
            codec,
            train_at: std::cell::Cell::new(codec::TRAIN_AT),
            batching: std::cell::Cell::new(false),
            codec_loaded: std::cell::Cell::new(false),
        })
    }

    /// Begins a write: a transaction that takes the write lock at once, or, inside
    /// [`Store::batch`], a savepoint of the batch's transaction. A deferred transaction
    /// that reads first cannot wait for a lock held by another process: SQLite fails it
    /// with "database is locked" at its first write, whatever the busy timeout.
    fn write(&self) -> Result<Write<'_>> {
        let nested = self.batching.get();
        let begin = if nested {
            "SAVEPOINT herald_write"
        } else {
            "BEGIN IMMEDIATE"
        };
        self.conn
            .execute_batch(begin)
            .context("waiting for another herald to finish writing")?;
        Ok(Write {
            conn: &self.conn,
            nested,
            done: false,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `work` in one write transaction, each write inside it a savepoint of its
    /// own (it fails or succeeds alone). A fetch stores many feeds this way: in a large
    /// archive each feed's new rows touch index pages all over the file, and one
    /// transaction writes each such page once instead of once per feed.
    pub fn batch<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.batching.get() {
            return work();
        }
        let tx = self.write()?;
        self.batching.set(true);
        let result = work();
        self.batching.set(false);
        let value = result?;
        tx.commit()?;
        Ok(value)
    }

    /// Stores `articles` in one transaction; an article already present (same dedup key) is
    /// counted and left as it is.
    pub fn import(&self, articles: &[NewArticle], added: Timestamp) -> Result<ImportCounts> {
        let rows = articles
            .iter()
            .map(|a| self.prepare(a))
            .collect::<Result<Vec<Prepared>>>()?;
        self.import_prepared(&rows, added)
    }

    /// As [`Store::import`], for rows prepared in advance (on another thread, in a bulk
    /// import), so that the writer does nothing but write.
    pub fn import_prepared(&self, rows: &[Prepared], added: Timestamp) -> Result<ImportCounts> {
        let tx = self.write()?;
        self.train_when_due(&tx, rows)?;
        let counts = insert_prepared(&tx, rows, added, self.loaded_codec()?)?;
        tx.commit().context("committing the import")?;
        Ok(counts)
    }

    /// The codec that compresses bodies, for threads that prepare rows.
    pub fn codec(&self) -> Result<Codec> {
        Ok(self.loaded_codec()?.clone())
    }

    /// The codec, with the store's dictionaries read: what writing needs.
    fn loaded_codec(&self) -> Result<&Codec> {
        if !self.codec_loaded.get() {
            self.codec.reload(&self.conn)?;
            self.codec_loaded.set(true);
        }
        Ok(&self.codec)
    }

    /// An article as a row to write.
    pub fn prepare(&self, article: &NewArticle) -> Result<Prepared> {
        Ok(Prepared::new(article, self.loaded_codec()?))
    }

    /// Trains the compression dictionary, inside the caller's transaction, once the
    /// store with `rows` written has enough bodies for it; before `rows` are written, so
    /// that they are compressed with it too.
    fn train_when_due(&self, tx: &Connection, rows: &[Prepared]) -> Result<()> {
        if self.loaded_codec()?.has_dictionary() || self.count()? + rows.len() < self.train_at.get()
        {
            return Ok(());
        }
        let texts: Vec<&str> = rows.iter().map(|r| r.body.as_str()).collect();
        if !self.codec.train(tx, &texts)? {
            // Too little text: try again when there is twice as much.
            self.train_at
                .set((self.count()? + rows.len()).saturating_mul(2));
        }
        Ok(())
    }

    /// A stored body as text, loading a dictionary another process trained if needed.
    fn body_text(&self, stored: rusqlite::types::ValueRef<'_>) -> Result<String> {
        if self.codec.lacks_dictionary_for(stored) {
            self.codec.reload(&self.conn)?;
        }
        self.codec.decompress(stored)
    }

    /// The stored links as text (`None` when the article has none).
    fn links_text(&self, stored: rusqlite::types::ValueRef<'_>) -> Result<Option<String>> {
        match stored {
            rusqlite::types::ValueRef::Null => Ok(None),
            stored => self.codec.decompress(stored).map(Some),
        }
    }

    /// How many articles there are, from the kept count.
    pub fn count(&self) -> Result<usize> {
        self.kept_count("total")
    }

    pub fn count_unread(&self) -> Result<usize> {
        self.kept_count("unread")
    }

    fn kept_count(&self, name: &str) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT value FROM counts WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .context("reading the article counts")?;
        Ok(n.max(0) as usize)
    }

    /// Counts the articles the slow way; the kept counts must agree (for tests).
    pub fn recount(&self) -> Result<(usize, usize)> {
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        let unread: i64 =
            self.conn
                .query_row("SELECT count(*) FROM articles WHERE read = 0", [], |r| {
                    r.get(0)
                })?;
        Ok((total as usize, unread as usize))
    }

    /// Newest first, undated last; `limit` rows from `offset`.
    pub fn summaries(&self, limit: Option<usize>, offset: usize) -> Result<Vec<Summary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles
             ORDER BY sort_key DESC, id DESC LIMIT ?1 OFFSET ?2"
        ))?;
        let limit = limit.map_or(-1, |l| l as i64);
        let rows = stmt.query_map(params![limit, offset as i64], summary_from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the article list")
    }

    pub fn summary(&self, id: ArticleId) -> Result<Option<Summary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles WHERE id = ?1"
        ))?;
        Ok(stmt.query_row([id], summary_from_row).optional()?)
    }

    pub fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_TABLES} WHERE id = ?1"
        ))?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(row) => Ok(Some(self.article_from_row(row)?)),
            None => Ok(None),
        }
    }

    /// Calls `each` with every article, oldest id first, without holding them all in memory.
    pub fn for_each_article(&self, mut each: impl FnMut(Article) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_TABLES} ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(self.article_from_row(row)?)?;
        }
        Ok(())
    }

    fn article_from_row(&self, row: &Row<'_>) -> Result<Article> {
        let summary = summary_from_row(row)?;
        let body = self
            .body_text(row.get_ref(10)?)
            .with_context(|| format!("reading article {}", summary.id))?;
        let added: i64 = row.get(11)?;
        Ok(Article {
            guid: row.get(8)?,
            summary_text: row.get(9)?,
            paragraphs: split_paragraphs(&body),
            links: self
                .links_text(row.get_ref(14)?)
                .with_context(|| format!("reading the links of article {}", summary.id))?
                .as_deref()
                .map(links::decode)
                .unwrap_or_default(),
            added: Timestamp::from_second(added).unwrap_or(Timestamp::UNIX_EPOCH),
            position: Position {
                paragraph: row.get::<_, i64>(12)?.max(0) as usize,
                offset: row.get::<_, i64>(13)?.max(0) as usize,
            },
            summary,
        })
    }

    /// Removes an article and its index entry.
    pub fn delete(&mut self, id: ArticleId) -> Result<()> {
        let tx = self.write()?;
        let unread: Option<bool> = tx
            .query_row("SELECT read = 0 FROM articles WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        tx.execute("DELETE FROM articles_fts WHERE rowid = ?1", [id])?;
        tx.execute("DELETE FROM articles_cjk WHERE rowid = ?1", [id])?;
        tx.execute("DELETE FROM articles WHERE id = ?1", [id])?;
        if let Some(unread) = unread {
            adjust_counts(&tx, -1, -i64::from(unread))?;
        }
        tx.commit().context("deleting the article")?;
        Ok(())
    }

    pub fn set_read(&self, id: ArticleId, read: bool) -> Result<()> {
        self.set_read_many(&[id], read)
            .context("saving the read mark")
    }

    pub fn set_starred(&self, id: ArticleId, starred: bool) -> Result<()> {
        self.conn
            .execute(
                "UPDATE articles SET starred = ?2 WHERE id = ?1",
                params![id, starred],
            )
            .context("saving the star")?;
        Ok(())
    }

    /// Sets the read flag of every article in `ids`, in one transaction.
    pub fn set_read_many(&self, ids: &[ArticleId], read: bool) -> Result<()> {
        let tx = self.write()?;
        let mut changed = 0;
        {
            let mut update =
                tx.prepare_cached("UPDATE articles SET read = ?2 WHERE id = ?1 AND read != ?2")?;
            for id in ids {
                changed += update.execute(params![id, read])? as i64;
            }
        }
        adjust_counts(&tx, 0, if read { -changed } else { changed })?;
        tx.commit().context("saving the read marks")?;
        Ok(())
    }

    /// Marks read the unread articles among `ids` (all of them when `None`); returns the
    /// ones that changed, for undo.
    pub fn mark_all_read(&self, ids: Option<&[ArticleId]>) -> Result<Vec<ArticleId>> {
        let tx = self.write()?;
        let changed: Vec<ArticleId> = match ids {
            None => {
                let mut stmt = tx.prepare("SELECT id FROM articles WHERE read = 0")?;
                let ids = stmt
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<ArticleId>>>()?;
                tx.execute("UPDATE articles SET read = 1 WHERE read = 0", [])?;
                ids
            }
            Some(ids) => {
                let mut update =
                    tx.prepare_cached("UPDATE articles SET read = 1 WHERE id = ?1 AND read = 0")?;
                let mut changed = Vec::new();
                for id in ids {
                    if update.execute([id])? == 1 {
                        changed.push(*id);
                    }
                }
                changed
            }
        };
        adjust_counts(&tx, 0, -(changed.len() as i64))?;
        tx.commit().context("marking articles read")?;
        Ok(changed)
    }

    /// The next unread article after `after` in newest-first order, wrapping to the top;
    /// with its row in that order.
    pub fn next_unread(&self, after: Option<ArticleId>) -> Result<Option<(ArticleId, usize)>> {
        let position = match after {
            Some(id) => self
                .conn
                .query_row(
                    "SELECT sort_key, id FROM articles WHERE id = ?1",
                    [id],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
                )
                .optional()?,
            None => None,
        };
        let mut found: Option<ArticleId> = None;
        if let Some((sort_key, id)) = position {
            found = self
                .conn
                .query_row(
                    "SELECT id FROM articles WHERE read = 0
                       AND (sort_key < ?1 OR (sort_key = ?1 AND id < ?2))
                     ORDER BY sort_key DESC, id DESC LIMIT 1",
                    params![sort_key, id],
                    |r| r.get(0),
                )
                .optional()?;
        }
        if found.is_none() {
            found = self
                .conn
                .query_row(
                    "SELECT id FROM articles WHERE read = 0 ORDER BY sort_key DESC, id DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
        }
        match found {
            Some(id) => Ok(self.rank_of(id)?.map(|row| (id, row))),
            None => Ok(None),
        }
    }

    pub fn save_position(&self, id: ArticleId, position: Position) -> Result<()> {
        self.conn
            .execute(
                "UPDATE articles SET pos_paragraph = ?2, pos_offset = ?3 WHERE id = ?1",
                params![id, position.paragraph as i64, position.offset as i64],
            )
            .context("saving the reading position")?;
        Ok(())
    }

    /// The saved views, in the order they were first saved.
    pub fn views(&self) -> Result<Vec<crate::model::SavedView>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, query FROM views ORDER BY position, name")?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::model::SavedView {
                name: r.get(0)?,
                query: r.get(1)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the saved views")
    }

    /// Saves a view; one with the same name is replaced and keeps its place.
    pub fn save_view(&self, name: &str, query: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO views (name, query, position)
                 VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM views))
                 ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                params![name, query],
            )
            .context("saving the view")?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Row position of `id` in the newest-first order, for restoring a selection.
    pub fn rank_of(&self, id: ArticleId) -> Result<Option<usize>> {
        let Some((sort_key, _)) = self
            .conn
            .query_row(
                "SELECT sort_key, id FROM articles WHERE id = ?1",
                [id],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let before: i64 = self.conn.query_row(
            "SELECT count(*) FROM articles
             WHERE sort_key > ?1 OR (sort_key = ?1 AND id > ?2)",
            params![sort_key, id],
            |r| r.get(0),
        )?;
        Ok(Some(before as usize))
    }

    /// Finishes the merging of the word index's segments that a bulk import leaves
    /// half done. FTS5 merges incrementally, a little after each write, so otherwise
    /// the next fetches pay for it: at 100,000 articles they spent most of their time
    /// in `fts5IndexMergeLevel`. Each step is its own short transaction, so the reader
    /// and other writers go on meanwhile.
    pub fn settle_word_index(&self) -> Result<()> {
        // At most this many steps of 2,000 pages (32 MiB) each.
        for _ in 0..10_000 {
            let before = self.conn.total_changes();
            let tx = self.write()?;
            tx.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', 2000)",
                [],
            )?;
            tx.commit().context("merging the word index")?;
            // FTS5's own test for "no work left": fewer than two rows changed.
            if self.conn.total_changes() - before < 2 {
                break;
            }
        }
        Ok(())
    }

    /// Checks that both full-text indexes agree with what they index.
    pub fn fts_integrity_check(&self) -> Result<()> {
        for table in ["articles_fts", "articles_cjk"] {
            self.conn
                .execute(
                    &format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)"),
                    [],
                )
                .with_context(|| format!("{table} does not match the articles"))?;
        }
        Ok(())
    }

    /// The article with the longest body.
    pub fn longest_article(&self) -> Result<Option<ArticleId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM bodies ORDER BY length(body) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Where the file's bytes go, largest first: article rows (with their indexes),
    /// bodies, the word index, the CJK index, and the rest, from SQLite's page census.
    pub fn space(&self) -> Result<Vec<(&'static str, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")?;
        let mut parts: Vec<(&'static str, u64)> = Vec::new();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (name, bytes) = row?;
            let part = if name.starts_with("articles_fts") {
                "word index"
            } else if name.starts_with("articles_cjk") {
                "CJK index"
            } else if name == "bodies" || name.starts_with("sqlite_autoindex_bodies") {
                "bodies"
            } else if name == "links" {
                "links"
            } else if name == "articles"
                || name.starts_with("articles_")
                || name.starts_with("sqlite_autoindex_articles")
            {
                "article rows and their indexes"
            } else {
                "other"
            };
            match parts.iter_mut().find(|(p, _)| *p == part) {
                Some((_, total)) => *total += bytes.max(0) as u64,
                None => parts.push((part, bytes.max(0) as u64)),
            }
        }
        let free: i64 = self
            .conn
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        let page: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        parts.push(("free pages", (free * page).max(0) as u64));
        parts.sort_by_key(|p| std::cmp::Reverse(p.1));
        Ok(parts)
    }

    /// Runs SQLite's own consistency check, returning its verdict.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
impl Store {
    /// The connection, for tests elsewhere in the crate that arrange a failure.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Adds `rows` inside the caller's transaction; a row whose dedup key is present is
/// counted and left as it is.
fn insert_prepared(
    tx: &Connection,
    rows: &[Prepared],
    added: Timestamp,
    codec: &Codec,
) -> Result<ImportCounts> {
    // A dictionary the rows were compressed with, trained while they were prepared.
    codec.save_pending(tx)?;
    let mut counts = ImportCounts::default();
    let mut unread = 0;
    let mut insert = tx.prepare_cached(
        "INSERT INTO articles (dedup_key, guid, source, title, authors, published,
             sort_key, url, summary, added, read, starred, feed_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(dedup_key) DO NOTHING",
    )?;
    let mut insert_body = tx.prepare_cached("INSERT INTO bodies (id, body) VALUES (?1, ?2)")?;
    let mut insert_links = tx.prepare_cached("INSERT INTO links (id, urls) VALUES (?1, ?2)")?;
    let mut index = tx.prepare_cached(
        "INSERT INTO articles_fts (rowid, title, authors, source, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut cjk_index = tx.prepare_cached(
        "INSERT INTO articles_cjk (rowid, title, authors, source, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for row in rows {
        let changed = insert.execute(params![
            row.dedup_key,
            row.guid,
            row.source,
            row.title,
            row.authors,
            row.published,
            row.sort_key,
            row.url,
            row.summary,
            added.as_second(),
            row.read,
            row.starred,
            row.feed_id,
        ])?;
        if changed == 1 {
            let id = tx.last_insert_rowid();
            if codec.is_stale(&row.stored) {
                insert_body.execute(params![id, codec.compress(&row.body)])?;
            } else {
                insert_body.execute(params![id, row.stored])?;
            }
            if let Some(urls) = &row.stored_links {
                insert_links.execute(params![id, urls])?;
            }
            index.execute(params![id, row.title, row.authors, row.source, row.words()])?;
            if let Some(cjk) = &row.cjk {
                cjk_index.execute(params![id, cjk[0], cjk[1], cjk[2], cjk[3]])?;
            }
            counts.imported += 1;
            unread += i64::from(!row.read);
        } else {
            counts.already_present += 1;
        }
    }
    adjust_counts(tx, counts.imported as i64, unread)?;
    Ok(counts)
}

/// The prefix of the dedup keys of one feed's items: a digest of its address, so the
/// same guid in two feeds is two articles, and a feed removed and added again finds
/// its articles again.
pub(crate) fn feed_scope(url: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(url.trim().as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("feed:{hex}:")
}

/// Moves the kept counts by `total` and `unread`, inside the caller's transaction.
fn adjust_counts(conn: &Connection, total: i64, unread: i64) -> Result<()> {
    let mut update = conn.prepare_cached("UPDATE counts SET value = value + ?2 WHERE name = ?1")?;
    if total != 0 {
        update.execute(params!["total", total])?;
    }
    if unread != 0 {
        update.execute(params!["unread", unread])?;
    }
    Ok(())
}

/// An article as the store writes it: the row's columns, the body and the bigram-index
/// text, all worked out before the write. A bulk import prepares rows on its parsing
/// thread, which leaves the writer (SQLite has one) nothing but writing to do.
#[derive(Debug, Clone)]
pub struct Prepared {
    dedup_key: String,
    guid: Option<String>,
    source: String,
    title: String,
    authors: String,
    published: Option<String>,
    sort_key: i64,
    url: Option<String>,
    summary: Option<String>,
    read: bool,
    starred: bool,
    /// The paragraphs as one text.
    body: String,
    /// The body as stored: compressed.
    stored: Vec<u8>,
    links: Vec<String>,
    /// The links as stored, when there are any.
    stored_links: Option<Vec<u8>>,
    cjk: Option<[String; 4]>,
    feed_id: Option<i64>,
}

impl Prepared {
    pub fn new(article: &NewArticle, codec: &Codec) -> Prepared {
        let authors = article.authors.join("\n");
        let body = body_of(&article.paragraphs);
        let stored = codec.compress(&body);
        let words = links::indexed_text(&body, &article.links);
        let cjk = cjk_columns(&[article.title.as_str(), &authors, &article.source, &words]);
        Prepared {
            dedup_key: article.dedup_key(),
            guid: article.guid.clone(),
            source: article.source.clone(),
            title: article.title.clone(),
            authors,
            published: article.published.map(|p| p.rfc3339()),
            // Undated articles sort last.
            sort_key: article.published.map_or(i64::MIN, |p| p.sort_key()),
            url: article.url.clone(),
            summary: article.summary.clone(),
            read: article.read,
            starred: article.starred,
            body,
            stored,
            links: article.links.clone(),
            stored_links: links::pack(&article.links),
            cjk,
            feed_id: None,
        }
    }

    /// The text the word index holds: the body and the links.
    fn words(&self) -> std::borrow::Cow<'_, str> {
        links::indexed_text(&self.body, &self.links)
    }

    /// A row for an item of the feed `feed_id` (or of a feed file, `None`), whose
    /// dedup keys start with `scope`.
    pub fn in_scope(
        article: &NewArticle,
        codec: &Codec,
        feed_id: Option<i64>,
        scope: &str,
    ) -> Prepared {
        let mut row = Prepared::new(article, codec);
        row.dedup_key.insert_str(0, scope);
        row.feed_id = feed_id;
        row
    }
}

/// The stored body: paragraphs joined by a blank line. A paragraph holding a blank line
/// of its own would come back as two, so such lines keep a space.
pub(crate) fn body_of(paragraphs: &[String]) -> String {
    let length = paragraphs.iter().map(|p| p.len() + PARAGRAPH_BREAK.len());
    let mut body = String::with_capacity(length.sum());
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            body.push_str(PARAGRAPH_BREAK);
        }
        if p.contains(PARAGRAPH_BREAK) {
            let mut p = p.clone();
            while p.contains(PARAGRAPH_BREAK) {
                p = p.replace(PARAGRAPH_BREAK, "\n \n");
            }
            body.push_str(&p);
        } else {
            body.push_str(p);
        }
    }
    body
}

/// The bigram-index text of title, authors, source and body, or `None` when none of them
/// holds CJK text.
pub(crate) fn cjk_columns<S: AsRef<str>>(fields: &[S; 4]) -> Option<[String; 4]> {
    let columns = fields
        .each_ref()
        .map(|f| crate::search::cjk::index_text(f.as_ref()));
    if columns.iter().all(Option::is_none) {
        return None;
    }
    Some(columns.map(Option::unwrap_or_default))
}

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<Summary> {
    let authors: String = row.get(3)?;
    let published: Option<String> = row.get(4)?;
    Ok(Summary {
        id: row.get(0)?,
        source: row.get(1)?,
        title: row.get(2)?,
        authors: split_authors(&authors),
        published: published.and_then(|p| Published::parse_rfc3339(&p).ok()),
        url: row.get(5)?,
        read: row.get(6)?,
        starred: row.get(7)?,
    })
}

fn split_authors(authors: &str) -> Vec<String> {
    authors
        .lines()
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

fn split_paragraphs(body: &str) -> Vec<String> {
    if body.is_empty() {
        return Vec::new();
    }
    body.split(PARAGRAPH_BREAK).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, published: Option<&str>) -> NewArticle {
        NewArticle {
            source: "Test Wire".into(),
            title: title.into(),
            authors: vec!["Ana Lima".into(), "Bo Chen".into()],
            published: published.map(|p| Published::parse_rfc3339(p).unwrap()),
            paragraphs: vec!["First paragraph.".into(), "Second one.".into()],
            ..Default::default()
        }
    }

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn import_is_idempotent_and_lists_newest_first_undated_last() {
        let store = Store::open_in_memory().unwrap();
        let batch = vec![
            article("Old", Some("2020-01-01T00:00:00Z")),
            article("Undated", None),
            article("New", Some("2025-06-01T12:00:00+02:00")),
        ];
        let counts = store.import(&batch, now()).unwrap();
        assert_eq!(counts.imported, 3);
        let again = store.import(&batch, now()).unwrap();
        assert_eq!(
            again,
            ImportCounts {
                imported: 0,
                already_present: 3
            }
        );
        let titles: Vec<_> = store
            .summaries(None, 0)
            .unwrap()
            .into_iter()
            .map(|s| s.title)
            .collect();
        assert_eq!(titles, ["New", "Old", "Undated"]);
        assert_eq!(store.count().unwrap(), 3);
    }

    #[test]
    fn kept_counts_follow_every_write() {
        let mut store = Store::open_in_memory().unwrap();
        let mut batch: Vec<NewArticle> = (0..5).map(|i| article(&format!("A{i}"), None)).collect();
        batch[0].read = true;
        store.import(&batch, now()).unwrap();
        store.import(&batch, now()).unwrap();
        let ids: Vec<ArticleId> = store
            .summaries(None, 0)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        store.set_read(ids[1], true).unwrap();
        store.set_read(ids[1], true).unwrap();
        store.set_read_many(&ids[..3], false).unwrap();
        store.mark_all_read(Some(&ids[2..4])).unwrap();
        store.delete(ids[4]).unwrap();
        store.mark_all_read(None).unwrap();
        store.set_read(ids[0], false).unwrap();
        assert_eq!(
            (store.count().unwrap(), store.count_unread().unwrap()),
            store.recount().unwrap()
        );
        assert_eq!(store.recount().unwrap(), (4, 1));
    }

    #[test]
    fn article_round_trips_fields_and_state() {
        let store = Store::open_in_memory().unwrap();
        store
            .import(&[article("One", Some("2024-12-03T18:09:00-00:00"))], now())
            .unwrap();
        let id = store.summaries(Some(1), 0).unwrap()[0].id;
        store.set_read(id, true).unwrap();
        store.set_starred(id, true).unwrap();
        store
            .save_position(
                id,
                Position {
                    paragraph: 1,
                    offset: 3,
                },
            )
            .unwrap();
        let a = store.article(id).unwrap().unwrap();
        assert_eq!(a.summary.authors, ["Ana Lima", "Bo Chen"]);
        assert_eq!(a.paragraphs, ["First paragraph.", "Second one."]);
        assert!(a.summary.read && a.summary.starred);
        assert_eq!(
            a.position,
            Position {
                paragraph: 1,
                offset: 3
            }
        );
        assert_eq!(a.summary.published.unwrap().offset, None);
        assert_eq!(store.count_unread().unwrap(), 0);
        assert_eq!(store.rank_of(id).unwrap(), Some(0));
    }

    /// Links are data: stored apart from the body, read back in order whatever they hold,
    /// found by a search for a word of theirs, and gone with their article.
    #[test]
    fn links_are_kept_as_data_and_found_by_search() {
        let mut store = Store::open_in_memory().unwrap();
        let mut a = article("With links", None);
        a.links = vec![
            "https://harbour.example/timetable".into(),
            "https://odd.example/a\nb\\c".into(),
            "https://odd.example/line\nbreak".into(),
        ];
        store
            .import(&[a.clone(), article("Without", None)], now())
            .unwrap();
        let with = store.article(ArticleId(1)).unwrap().unwrap();
        assert_eq!(with.paragraphs, a.paragraphs, "no links in the text");
        assert_eq!(with.links, a.links);
        let without = store.article(ArticleId(2)).unwrap().unwrap();
        assert!(without.links.is_empty());
        assert_eq!(fts_hits(&store, "harbour"), 1);
        assert_eq!(fts_hits(&store, "timetable"), 1);
        let mut seen = Vec::new();
        store
            .for_each_article(|a| {
                seen.push(a.links.len());
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, [3, 0]);
        store.delete(ArticleId(1)).unwrap();
        let left: i64 = store
            .conn
            .query_row("SELECT count(*) FROM links", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(fts_hits(&store, "timetable"), 0);
    }

    /// A re-fetched item's links replace the ones it had; the same links again change
    /// nothing.
    #[test]
    fn an_updated_item_gets_its_new_links() {
        let store = Store::open_in_memory().unwrap();
        let mut item = article("Item", None);
        item.guid = Some("g".into());
        item.links = vec![
            "https://old.example/one".into(),
            "https://old.example/two".into(),
        ];
        store.upsert(None, &[item.clone()], now()).unwrap();
        item.links = vec!["https://new.example/only".into()];
        let counts = store.upsert(None, &[item.clone()], now()).unwrap();
        assert_eq!(counts.updated, 1, "new links are a change");
        let back = store.article(ArticleId(1)).unwrap().unwrap();
        assert_eq!(back.links, ["https://new.example/only"]);
        assert_eq!(fts_hits(&store, "old"), 0);
        assert_eq!(fts_hits(&store, "new"), 1);
        assert_eq!(
            store
                .upsert(None, &[item.clone()], now())
                .unwrap()
                .unchanged,
            1
        );
        item.links.clear();
        assert_eq!(store.upsert(None, &[item], now()).unwrap().updated, 1);
        assert!(
            store
                .article(ArticleId(1))
                .unwrap()
                .unwrap()
                .links
                .is_empty()
        );
        store.fts_integrity_check().unwrap();
    }

    #[test]
    fn a_paragraph_with_a_blank_line_stays_one_paragraph() {
        let store = Store::open_in_memory().unwrap();
        let mut a = article("Pre", None);
        a.paragraphs = vec!["code\n\n\nmore".into(), "next".into()];
        store.import(&[a], now()).unwrap();
        let id = store.summaries(Some(1), 0).unwrap()[0].id;
        let back = store.article(id).unwrap().unwrap();
        assert_eq!(back.paragraphs.len(), 2);
        assert_eq!(back.paragraphs[1], "next");
    }

    #[test]
    fn prepared_rows_carry_the_bigram_text_only_when_there_is_cjk() {
        let codec = Codec::default();
        let latin = Prepared::new(
            &article("Harbour report", Some("2025-03-01T09:00:00Z")),
            &codec,
        );
        assert!(latin.cjk.is_none());
        assert_eq!(latin.body, "First paragraph.\n\nSecond one.");
        assert_eq!(latin.authors, "Ana Lima\nBo Chen");
        let mut a = article("終電を延長", None);
        a.paragraphs = vec!["Late trains run longer.".into()];
        let cjk = Prepared::new(&a, &codec);
        let columns = cjk.cjk.as_ref().expect("a CJK title gets bigram text");
        assert!(!columns[0].is_empty());
        assert!(columns[3].is_empty());
        assert_eq!(cjk.sort_key, i64::MIN);
        // Written on another thread or not, a prepared row is found like any other.
        let store = Store::open_in_memory().unwrap();
        let counts = store.import_prepared(&[latin, cjk], now()).unwrap();
        assert_eq!(counts.imported, 2);
        assert_eq!(fts_hits(&store, "harbour"), 1);
        assert_eq!(store.recount().unwrap(), (2, 2));
    }

    fn fts_hits(store: &Store, word: &str) -> i64 {
        store
            .conn
            .query_row(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1",
                [word],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn full_text_index_follows_the_table() {
        let mut store = Store::open_in_memory().unwrap();
        let mut a = article("Harbour report", None);
        a.paragraphs = vec!["Die Fähre nach Ägypten fährt.".into()];
        store.import(&[a], now()).unwrap();
        assert_eq!(fts_hits(&store, "agypten"), 1);
        let id = store.summaries(Some(1), 0).unwrap()[0].id;
        store.delete(id).unwrap();
        assert_eq!(store.count().unwrap(), 0);
        assert_eq!(fts_hits(&store, "agypten"), 0);
        store
            .conn
            .execute(
                "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn a_full_disk_fails_the_whole_batch_and_keeps_what_was_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("full.db")).unwrap();
        store.import(&[article("Kept", None)], now()).unwrap();
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        // SQLite reports a database at its page limit exactly as a full disk.
        store
            .conn
            .query_row(
                &format!("PRAGMA max_page_count = {}", pages + 2),
                [],
                |_| Ok(()),
            )
            .unwrap();
        let big: Vec<NewArticle> = (0..200)
            .map(|i| {
                let mut a = article(&format!("Big {i}"), None);
                a.paragraphs = vec!["words ".repeat(2_000)];
                a
            })
            .collect();
        let err = store.import(&big, now()).unwrap_err();
        assert!(format!("{err:#}").contains("full"), "{err:#}");
        assert_eq!(store.count().unwrap(), 1, "nothing half-written");
        assert_eq!(store.integrity_check().unwrap(), "ok");
        store.fts_integrity_check().unwrap();
        assert_eq!(Fault::of(&err), Some(Fault::DiskFull));
        assert!(hint(&err).unwrap().contains("disk is full"));
    }

    #[test]
    fn another_programs_database_is_refused_unchanged_to_the_byte() {
        let dir = tempfile::tempdir().unwrap();
        for (name, schema, expect) in [
            (
                "cache.db",
                "CREATE TABLE rss_feed (rssurl TEXT); CREATE TABLE rss_item (id INTEGER);",
                "--from-newsboat",
            ),
            (
                "notes.db",
                "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');",
                "another program's SQLite database (tables: notes)",
            ),
            // Marked by another program but holding nothing yet.
            (
                "marked.db",
                "PRAGMA application_id = 7;",
                "not a herald store",
            ),
        ] {
            let path = dir.path().join(name);
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(schema).unwrap();
            drop(conn);
            let before = std::fs::read(&path).unwrap();
            let err = format!("{:#}", Store::open(&path).err().expect(name));
            assert!(err.contains(expect), "{name}: {err}");
            assert!(err.contains("has not changed it"), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), before, "{name} changed");
            assert!(!dir.path().join(format!("{name}-wal")).exists());
        }
    }

    #[test]
    fn a_store_is_marked_and_a_store_made_before_the_mark_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        Store::open(&path)
            .unwrap()
            .import(&[article("Kept", None)], now())
            .unwrap();
        let conn = Connection::open(&path).unwrap();
        let id: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, schema::APPLICATION_ID);
        // As an older herald left it: no mark.
        conn.pragma_update(None, "application_id", 0).unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.count().unwrap(), 1);
        let id: i32 = store
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, schema::APPLICATION_ID, "marked on upgrade");
        // An empty file is a new store.
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(Store::open(&empty).unwrap().count().unwrap(), 0);
    }

    /// Another process holds the write lock; a write that reads before it writes must
    /// wait for it rather than fail with "database is locked".
    #[test]
    fn a_write_waits_for_another_writer_instead_of_failing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        store.import(&[article("First", None)], now()).unwrap();
        // The reader holds a snapshot first, as the reader pane does between keys.
        let (locked, wait) = std::sync::mpsc::channel();
        let holder = std::thread::spawn({
            let path = path.clone();
            move || {
                let other = Connection::open(&path).unwrap();
                other.execute_batch("BEGIN IMMEDIATE").unwrap();
                other
                    .execute("INSERT INTO meta (key, value) VALUES ('x', 'y')", [])
                    .unwrap();
                locked.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(400));
                other.execute_batch("COMMIT").unwrap();
            }
        });
        wait.recv().unwrap();
        let mut second = article("Second", None);
        second.guid = Some("g-2".into());
        let counts = store.upsert(None, &[second], now()).unwrap();
        assert_eq!(counts.new, 1);
        let id = store.summaries(Some(1), 0).unwrap()[0].id;
        store.set_read_many(&[id], true).unwrap();
        holder.join().unwrap();
        assert_eq!(store.recount().unwrap(), (2, 1));
    }

    /// Bodies are compressed, with a dictionary once there are enough of them; every
    /// body reads back, also in a second process that opened the store before the
    /// dictionary existed.
    #[test]
    fn bodies_are_compressed_and_read_back_across_processes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let first = Store::open(&path).unwrap();
        let second = Store::open(&path).unwrap();
        let words = [
            "tide", "harbour", "ferry", "crane", "pier", "gull", "net", "buoy",
        ];
        let articles: Vec<NewArticle> = (0..codec::TRAIN_AT + 200)
            .map(|i| {
                let mut a = article(&format!("Report {i}"), None);
                a.paragraphs = (0..6)
                    .map(|p| {
                        (0..60)
                            .map(|w| words[(i + p * 3 + w * w) % words.len()])
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                a
            })
            .collect();
        second.import(&articles[..10], now()).unwrap();
        assert!(!first.codec.has_dictionary());
        first.import(&articles[10..], now()).unwrap();
        assert!(
            first.codec.has_dictionary(),
            "trained past {}",
            codec::TRAIN_AT
        );
        let stored: Vec<u8> = first
            .conn
            .query_row(
                "SELECT body FROM bodies ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let text_length = body_of(&articles.last().unwrap().paragraphs).len();
        assert!(
            stored.len() * 3 < text_length,
            "{} bytes stored for {text_length}",
            stored.len()
        );
        // The second connection has not seen the dictionary; it loads it when needed.
        assert!(!second.codec.has_dictionary());
        for (store, name) in [(&first, "first"), (&second, "second")] {
            let mut count = 0;
            store
                .for_each_article(|a| {
                    let i: usize = a.summary.title["Report ".len()..].parse().unwrap();
                    assert_eq!(a.paragraphs, articles[i].paragraphs, "{name}: {i}");
                    count += 1;
                    Ok(())
                })
                .unwrap();
            assert_eq!(count, articles.len());
        }
        // Unchanged feed items stay unchanged under the dictionary.
        let counts = second.upsert(None, &articles[..50], now()).unwrap();
        assert_eq!(counts.unchanged, 50);
        assert_eq!(first.integrity_check().unwrap(), "ok");
    }

    /// A bulk import into a new store ends with one dictionary, saved, and every body
    /// compressed with it, the rows prepared on the parsing thread included. (That the
    /// parser trains it first, so no row is compressed twice, shows in the import
    /// benchmark's time, not here.)
    #[test]
    fn a_bulk_import_trains_before_it_compresses() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("pile.jsonl");
        let words = [
            "tide", "harbour", "ferry", "crane", "pier", "gull", "net", "buoy",
        ];
        let mut text = String::new();
        for i in 0..2_500 {
            let body: Vec<&str> = (0..300).map(|w| words[(i + w * w) % words.len()]).collect();
            text.push_str(&format!(
                "{{\"guid\": \"p-{i}\", \"title\": \"Pile {i}\", \"body\": \"{}\"}}\n",
                body.join(" ")
            ));
        }
        std::fs::write(&input, text).unwrap();
        let mut store = Store::open(&dir.path().join("herald.db")).unwrap();
        crate::import::import_paths(&mut store, &[input], now(), &mut |p| panic!("{p}")).unwrap();
        let dictionaries: Vec<i64> = store
            .conn
            .prepare("SELECT id FROM dictionaries")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(dictionaries.len(), 1);
        let mut stmt = store.conn.prepare("SELECT body FROM bodies").unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut count = 0;
        while let Some(row) = rows.next().unwrap() {
            let blob: Vec<u8> = row.get(0).unwrap();
            let id = zstd::zstd_safe::get_dict_id_from_frame(&blob).map(|d| i64::from(d.get()));
            assert_eq!(id, Some(dictionaries[0]), "every body with the dictionary");
            count += 1;
        }
        assert_eq!(count, 2_500);
        let first = store.article(ArticleId(1)).unwrap().unwrap();
        assert_eq!(first.paragraphs[0].split(' ').count(), 300);
    }

    /// Inside a batch each write succeeds or fails alone; the batch commits the rest.
    #[test]
    fn a_failed_write_inside_a_batch_undoes_only_itself() {
        let store = Store::open_in_memory().unwrap();
        store
            .batch(|| {
                store.import(&[article("Before", None)], now())?;
                {
                    let failing = store.write()?;
                    failing.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')", [])?;
                    // Dropped without commit, as when a later statement fails.
                }
                store.import(&[article("After", None)], now())?;
                Ok(())
            })
            .unwrap();
        assert_eq!(store.recount().unwrap(), (2, 2));
        assert_eq!(store.meta("half").unwrap(), None);
        assert!(store.conn.is_autocommit(), "the batch is over");
    }

    /// A commit that fails leaves no transaction open: the next write works.
    #[test]
    fn a_failed_commit_is_rolled_back() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn
            .execute_batch(
                "CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY);
                 CREATE TEMP TABLE child (parent INTEGER
                     REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
                 CREATE TEMP TRIGGER broken AFTER INSERT ON main.articles
                 WHEN new.title = 'Breaks' BEGIN INSERT INTO child (parent) VALUES (7); END;",
            )
            .unwrap();
        assert!(store.import(&[article("Breaks", None)], now()).is_err());
        assert!(store.conn.is_autocommit(), "no transaction left open");
        assert_eq!(store.recount().unwrap(), (0, 0));
        store.import(&[article("Fine", None)], now()).unwrap();
        assert_eq!(store.recount().unwrap(), (1, 1));
        assert_eq!(store.count().unwrap(), 1);
    }

    #[test]
    fn a_file_that_is_not_a_store_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(
            &path,
            b"these are my notes, not a database, and not 100 bytes",
        )
        .unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(
            format!("{err:#}").contains("not a readable herald store"),
            "{err:#}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"these are my notes, not a database, and not 100 bytes"
        );
    }
}
