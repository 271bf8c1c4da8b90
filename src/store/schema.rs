//! The store's schema as an ordered list of migrations, applied by `PRAGMA user_version`.

use anyhow::{Context, Result, bail};
use rusqlite::Connection;

/// Each entry moves the schema from version `index` to `index + 1`. Never edit a shipped
/// entry: add a new one, so stores made by older builds upgrade in place.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    dedup_key    TEXT NOT NULL UNIQUE,
    guid         TEXT,
    source       TEXT NOT NULL,
    title        TEXT NOT NULL,
    -- one author per line
    authors      TEXT NOT NULL,
    -- RFC 3339; `-00:00` when the local offset is unknown
    published    TEXT,
    -- published as Unix seconds, or the smallest integer when undated, so undated sorts last
    sort_key     INTEGER NOT NULL,
    url          TEXT,
    summary      TEXT,
    added        INTEGER NOT NULL,
    read         INTEGER NOT NULL DEFAULT 0,
    starred      INTEGER NOT NULL DEFAULT 0,
    pos_paragraph INTEGER NOT NULL DEFAULT 0,
    pos_offset   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX articles_newest ON articles(sort_key DESC, id DESC);
CREATE INDEX articles_unread ON articles(read) WHERE read = 0;

-- Bodies live apart so that the article rows stay small: listing, filtering and sorting
-- search results read many rows and none of the text.
CREATE TABLE bodies (
    id   INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    -- paragraphs separated by one blank line
    body TEXT NOT NULL
);

-- Contentless: the index holds no second copy of the text.
-- unicode61 with remove_diacritics 2 folds case and diacritics beyond ASCII.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, authors, source, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- No triggers keep the index in step: the store writes it beside each row. A trigger makes
-- every insert a multi-row statement with a savepoint, and FTS5 flushes its pending index
-- at each savepoint, which made bulk imports several times slower.

-- Bulk imports: a 32 MiB pending index means fewer, larger segments and far less
-- merging; 16 KiB leaf pages match the store's page size.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 33554432);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('pgsz', 16000);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    r#"
-- CJK text has no spaces between words: a bigram index of its CJK runs lets any part of a
-- word be found (see search/cjk.rs). Contentless: it holds only the index.
CREATE VIRTUAL TABLE articles_cjk USING fts5(
    title, authors, source, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61'
);

-- Relevance: a match in the title counts most, then authors and source, then the body.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(8.0, 4.0, 2.0, 1.0)');

CREATE TABLE views (
    name     TEXT PRIMARY KEY,
    query    TEXT NOT NULL,
    position INTEGER NOT NULL
);
"#,
    r#"
-- Subscriptions, with what the last fetch learned for conditional requests.
CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    name          TEXT,
    etag          TEXT,
    last_modified TEXT,
    last_fetched  INTEGER,
    last_error    TEXT
);
-- Feed items are matched by url when they have no guid.
CREATE INDEX articles_url ON articles(url);
"#,
    r#"
-- The article and unread counts, kept by every write so that start-up does not count
-- a whole archive (tens of milliseconds from a cold disk at 100,000 articles). Kept by
-- the store's code, not by triggers: a trigger's savepoint makes FTS5 flush its index.
CREATE TABLE counts (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counts (name, value) SELECT 'total', count(*) FROM articles;
INSERT INTO counts (name, value) SELECT 'unread', count(*) FROM articles WHERE read = 0;
"#,
    r#"
-- Broad searches and the unread view walk the articles newest first, filtering on read,
-- starred and date (store/search.rs). With those in the date index the walk never reads
-- the table; at 1,000,000 articles it otherwise fetched every row. The partial unread
-- index goes: the counts are kept, and SQLite chose it for `is:unread` and then sorted
-- every unread row by date.
DROP INDEX articles_unread;
DROP INDEX articles_newest;
CREATE INDEX articles_newest ON articles(sort_key DESC, id DESC, read, starred);
"#,
    r#"
-- FTS5 merges its index segments once `automerge` of them share a level: 16 (its
-- largest) instead of the default 4 rewrites each posting fewer times. Importing
-- 100,000 articles took 210-216 µs of CPU per article instead of 224-291, and
-- 1,000,000 took 287 s instead of 339 s; search medians at both sizes stayed within
-- the machine's noise.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
"#,
];

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the schema up to date, each step in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version > CURRENT_VERSION {
        bail!(
            "this store has schema version {version}, newer than this herald understands \
             ({CURRENT_VERSION}); upgrade herald to open it"
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let next = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("migrating the store to schema version {next}"))?;
        if next == 2 {
            backfill_cjk(&tx)?;
        }
        tx.pragma_update(None, "user_version", next)?;
        tx.commit()?;
    }
    Ok(())
}

/// Fills the bigram index for articles stored before it existed.
fn backfill_cjk(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut select = tx.prepare(
        "SELECT a.id, a.title, a.authors, a.source, b.body
         FROM articles a JOIN bodies b ON b.id = a.id",
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO articles_cjk (rowid, title, authors, source, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let fields: [String; 4] = [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?];
        if let Some(cjk) = super::cjk_columns(&fields) {
            let id: i64 = row.get(0)?;
            insert.execute(rusqlite::params![id, cjk[0], cjk[1], cjk[2], cjk[3]])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store made by an older build upgrades in place and keeps its articles.
    #[test]
    fn every_older_version_upgrades_in_place() {
        for from in 1..CURRENT_VERSION {
            let mut conn = Connection::open_in_memory().unwrap();
            for sql in &MIGRATIONS[..from as usize] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", from).unwrap();
            conn.execute(
                "INSERT INTO articles (dedup_key, source, title, authors, sort_key, added)
                 VALUES ('guid:1', 'Wire', 'Kept', '', 5, 0)",
                [],
            )
            .unwrap();
            migrate(&mut conn).unwrap();
            let version: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, CURRENT_VERSION, "from version {from}");
            let title: String = conn
                .query_row("SELECT title FROM articles", [], |r| r.get(0))
                .unwrap();
            assert_eq!(title, "Kept");
            let columns: i64 = conn
                .query_row(
                    "SELECT count(*) FROM pragma_index_info('articles_newest')",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(columns, 4, "the date index holds read and starred");
        }
    }

    #[test]
    fn the_word_index_merges_sixteen_segments_at_a_time() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let automerge: i64 = conn
            .query_row(
                "SELECT v FROM articles_fts_config WHERE k = 'automerge'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(automerge, 16);
    }

    #[test]
    fn a_store_from_a_newer_herald_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("upgrade herald"), "{err}");
    }
}
