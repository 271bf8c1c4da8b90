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
    r#"
-- A feed item is the same article as another only within its own feed: (feed, guid),
-- else (feed, url). The dedup key of a feed item carries its feed's key (see
-- store::feed_scope), and an item is looked up by that key (the unique index) or by its
-- feed and url. Before, an item whose link matched another feed's article replaced it,
-- and the lookup by guid read the whole table (19 s per fetch at 100,000 articles).
ALTER TABLE articles ADD COLUMN feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL;
DROP INDEX articles_url;
CREATE INDEX articles_feed_url ON articles(feed_id, url);
"#,
    r#"
-- Bodies are zstd-compressed (store/codec.rs), with a dictionary trained on the store's
-- own bodies once it has enough of them. They were 65% of the store's bytes.
CREATE TABLE dictionaries (
    -- zstd's id of the dictionary, which each compressed body names in its frame
    id   INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
"#,
    r#"
-- An article's links (the addresses its text numbers [1], [2], …) as data: before, they
-- were paragraphs at the end of its body (store/links.rs). One row per article that has
-- any; the word index keeps them as it did.
CREATE TABLE links (
    id   INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    -- one address per line, `\` and newlines escaped; zstd-compressed when that is smaller
    urls BLOB NOT NULL
);
"#,
];

/// Rust steps run after the SQL of the same version, inside its transaction.
fn after(tx: &rusqlite::Transaction<'_>, version: i64) -> Result<()> {
    match version {
        2 => backfill_cjk(tx),
        7 => adopt_feed_items(tx),
        8 => compress_bodies(tx),
        9 => move_links_out_of_bodies(tx),
        _ => Ok(()),
    }
}

/// Compresses the bodies of a store from before compression, with a dictionary when
/// there are enough of them to train one.
fn compress_bodies(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let codec = super::codec::Codec::load(tx)?;
    let bodies: i64 = tx.query_row("SELECT count(*) FROM bodies", [], |r| r.get(0))?;
    if bodies as usize >= super::codec::TRAIN_AT && codec.train(tx, &[])? {
        return Ok(());
    }
    codec.recompress(tx)?;
    Ok(())
}

/// Moves the links section at the end of each body into `links`. The word index
/// already holds the body and links in just the shape it gets from them now, so it is
/// left as it is.
fn move_links_out_of_bodies(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let codec = super::codec::Codec::load(tx)?;
    let mut select =
        tx.prepare("SELECT id, body FROM bodies WHERE id > ?1 ORDER BY id LIMIT 512")?;
    let mut update = tx.prepare("UPDATE bodies SET body = ?2 WHERE id = ?1")?;
    let mut insert = tx.prepare("INSERT INTO links (id, urls) VALUES (?1, ?2)")?;
    let mut after = i64::MIN;
    loop {
        let mut moved = Vec::new();
        let mut rows = select.query([after])?;
        let mut any = false;
        while let Some(row) = rows.next()? {
            any = true;
            after = row.get(0)?;
            let body = codec
                .decompress(row.get_ref(1)?)
                .with_context(|| format!("reading the body of article {after}"))?;
            if let Some(split) = super::links::split_off(&body) {
                moved.push((after, split));
            }
        }
        if !any {
            return Ok(());
        }
        for (id, (body, links)) in moved {
            update.execute(rusqlite::params![id, codec.compress(&body)])?;
            insert.execute(rusqlite::params![id, super::links::pack(&links)])?;
        }
    }
}

/// Gives the articles that earlier builds fetched their feed: a fetched article's source
/// is its feed's name, so a name that one feed alone has tells it. Their dedup keys move
/// into the feed's scope, so the next fetch updates them instead of adding them again.
fn adopt_feed_items(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut feeds = tx.prepare(
        "SELECT id, url, name FROM feeds WHERE name IS NOT NULL
         AND name IN (SELECT name FROM feeds GROUP BY name HAVING count(*) = 1)",
    )?;
    let named = feeds
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut adopt = tx.prepare(
        "UPDATE articles SET feed_id = ?1, dedup_key = ?2 || dedup_key
         WHERE feed_id IS NULL AND source = ?3",
    )?;
    for (id, url, name) in named {
        adopt.execute(rusqlite::params![id, super::feed_scope(&url), name])?;
    }
    Ok(())
}

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of a herald store ("HRLD"): what tells herald's files from
/// every other SQLite database, so that another program's file is never turned into one.
pub const APPLICATION_ID: i32 = 0x4852_4c44;

/// The tables every herald store has had since schema version 1: how a store made before
/// the application id was written is recognised (and then marked).
const HERALD_TABLES: &[&str] = &["articles", "bodies", "meta"];

/// What an existing file holds, read without writing to it.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// No tables and no marks: nothing to lose, herald may make it a store.
    Blank,
    /// A herald store, marked or (made before the mark) recognised by its tables.
    Herald { marked: bool, version: i64 },
    /// Anything else: another program's database.
    Foreign { tables: Vec<String> },
}

fn kind(conn: &Connection) -> Result<Kind> {
    let application_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(if application_id == APPLICATION_ID {
        Kind::Herald {
            marked: true,
            version,
        }
    } else if application_id == 0 && tables.is_empty() && version == 0 {
        Kind::Blank
    } else if application_id == 0
        && version >= 1
        && HERALD_TABLES.iter().all(|t| tables.iter().any(|n| n == t))
    {
        Kind::Herald {
            marked: false,
            version,
        }
    } else {
        Kind::Foreign { tables }
    })
}

/// Why a file was refused: it is a database, but not herald's.
#[derive(Debug)]
pub struct NotHerald {
    pub newsboat: bool,
    pub tables: Vec<String>,
}

impl std::fmt::Display for NotHerald {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.newsboat {
            write!(f, "a newsboat cache, not a herald store")
        } else {
            let mut shown = self
                .tables
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if self.tables.len() > 5 {
                shown.push_str(", …");
            }
            write!(
                f,
                "another program's SQLite database (tables: {shown}), not a herald store"
            )
        }
    }
}

impl std::error::Error for NotHerald {}

/// Makes `conn` a herald store at the current schema: checks what the file holds without
/// writing, then, only when there is something to do, creates, marks or migrates it in
/// one `BEGIN IMMEDIATE` transaction. Immediate, because two herald processes may open a
/// new store at once: the second waits for the lock (the busy timeout) and then finds the
/// work done, instead of failing on "table already exists" or "database is locked".
pub fn prepare(conn: &mut Connection) -> Result<()> {
    // One read transaction, so the three reads see one moment: read one by one, a store
    // another process was creating could show its tables but not yet its marks.
    let first = {
        let read = conn.transaction()?;
        kind(&read)?
    };
    match first {
        Kind::Foreign { tables } => return Err(refusal(tables)),
        Kind::Herald {
            marked: true,
            version,
        } if version == CURRENT_VERSION => return Ok(()),
        Kind::Herald { version, .. } if version > CURRENT_VERSION => {
            bail!(
                "this store has schema version {version}, newer than this herald understands \
                 ({CURRENT_VERSION}); upgrade herald to open it"
            )
        }
        _ => {}
    }
    // Takes effect only while the file is new; large pages suit long article rows and
    // the full-text index's segments.
    conn.pragma_update(None, "page_size", 16384)?;
    let tx = rusqlite::Transaction::new(conn, rusqlite::TransactionBehavior::Immediate)
        .context("waiting to set up the store")?;
    // Another process may have done the work while this one waited for the lock.
    let version = match kind(&tx)? {
        Kind::Foreign { tables } => return Err(refusal(tables)),
        Kind::Blank => 0,
        Kind::Herald { version, .. } => version,
    };
    if version > CURRENT_VERSION {
        bail!(
            "this store has schema version {version}, newer than this herald understands \
             ({CURRENT_VERSION}); upgrade herald to open it"
        );
    }
    if version > 0 {
        // Compressing every body (schema 8) takes about 2 s per 10,000 articles.
        log::info!("upgrading the store from schema {version} to {CURRENT_VERSION}");
        if version < 8 {
            eprintln!(
                "herald: upgrading the store (compressing article bodies, once; about 2 s \
                 per 10,000 articles)…"
            );
        }
    }
    migrate_from(&tx, version)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit().context("saving the store's schema")?;
    Ok(())
}

fn refusal(tables: Vec<String>) -> anyhow::Error {
    let newsboat = ["rss_feed", "rss_item"]
        .iter()
        .all(|t| tables.iter().any(|n| n == t));
    anyhow::Error::new(NotHerald { newsboat, tables })
}

/// Applies the migrations after `version`, inside the caller's transaction.
fn migrate_from(tx: &rusqlite::Transaction<'_>, version: i64) -> Result<()> {
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let next = index as i64 + 1;
        tx.execute_batch(sql)
            .with_context(|| format!("migrating the store to schema version {next}"))?;
        after(tx, next)?;
        tx.pragma_update(None, "user_version", next)?;
    }
    Ok(())
}

/// Brings the schema up to date (for tests that build old stores by hand).
#[cfg(test)]
pub fn migrate(conn: &mut Connection) -> Result<()> {
    prepare(conn)
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
            let id: i32 = conn
                .query_row("PRAGMA application_id", [], |r| r.get(0))
                .unwrap();
            assert_eq!(id, APPLICATION_ID, "a store made before the mark is marked");
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

    /// Articles fetched by builds before feed scopes belong to their feed after the
    /// upgrade, so the next fetch updates them rather than storing them twice.
    #[test]
    fn fetched_articles_join_their_feed_on_upgrade() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        conn.execute_batch(
            "INSERT INTO feeds (id, url, name) VALUES (1, 'https://a.example/rss', 'Alpha');
             INSERT INTO feeds (id, url, name) VALUES (2, 'https://b.example/rss', 'Same');
             INSERT INTO feeds (id, url, name) VALUES (3, 'https://c.example/rss', 'Same');
             INSERT INTO articles (dedup_key, source, title, authors, sort_key, added)
                 VALUES ('guid:a-1', 'Alpha', 'Fetched', '', 5, 0);
             INSERT INTO articles (dedup_key, source, title, authors, sort_key, added)
                 VALUES ('guid:s-1', 'Same', 'Ambiguous', '', 5, 0);
             INSERT INTO articles (dedup_key, source, title, authors, sort_key, added)
                 VALUES ('hash:ab', 'Local files', 'Imported', '', 5, 0);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let rows: Vec<(String, Option<i64>)> = conn
            .prepare("SELECT dedup_key, feed_id FROM articles ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let scope = super::super::feed_scope("https://a.example/rss");
        assert_eq!(
            rows,
            [
                (format!("{scope}guid:a-1"), Some(1)),
                ("guid:s-1".to_owned(), None),
                ("hash:ab".to_owned(), None),
            ]
        );
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
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("upgrade herald"), "{err}");
    }

    /// A store as herald left it at schema `version`: every step up to it run, marked.
    fn store_at(path: &std::path::Path, version: i64) -> Connection {
        let mut conn = Connection::open(path).unwrap();
        let tx = conn.transaction().unwrap();
        for (index, sql) in MIGRATIONS[..version as usize].iter().enumerate() {
            tx.execute_batch(sql).unwrap();
            after(&tx, index as i64 + 1).unwrap();
        }
        tx.pragma_update(None, "user_version", version).unwrap();
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        tx.commit().unwrap();
        conn
    }

    /// Stores an article as schema 8 did: its body, with any links section, compressed
    /// and in the word index whole.
    fn add_v8(conn: &Connection, id: i64, title: &str, body: &str) {
        conn.execute(
            "INSERT INTO articles (id, dedup_key, source, title, authors, sort_key, added)
             VALUES (?1, ?2, 'Wire', ?3, '', 5, 0)",
            rusqlite::params![id, format!("guid:{id}"), title],
        )
        .unwrap();
        let codec = super::super::codec::Codec::load(conn).unwrap();
        conn.execute(
            "INSERT INTO bodies (id, body) VALUES (?1, ?2)",
            rusqlite::params![id, codec.compress(body)],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, authors, source, body)
             VALUES (?1, ?2, '', 'Wire', ?3)",
            rusqlite::params![id, title, body],
        )
        .unwrap();
    }

    /// Schema 9 moves a body's links section into the links; the text before it, the
    /// word index and every other body stay as they were.
    #[test]
    fn links_move_out_of_the_body_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let conn = store_at(&path, 8);
        add_v8(
            &conn,
            1,
            "With links",
            "The ferry runs late.\n\nLinks:\n\n[1] https://harbour.example/timetable\n\n\
             [2] https://tides.example.org/today",
        );
        add_v8(
            &conn,
            2,
            "Ends with the word",
            "Our favourite sites are listed below.\n\nLinks:",
        );
        add_v8(&conn, 3, "Plain", "Nothing to move.");
        drop(conn);
        let store = super::super::Store::open(&path).unwrap();
        let with = store.article(crate::model::ArticleId(1)).unwrap().unwrap();
        assert_eq!(with.paragraphs, ["The ferry runs late."]);
        assert_eq!(
            with.links,
            [
                "https://harbour.example/timetable",
                "https://tides.example.org/today"
            ]
        );
        let word = store.article(crate::model::ArticleId(2)).unwrap().unwrap();
        assert_eq!(
            word.paragraphs,
            ["Our favourite sites are listed below.", "Links:"]
        );
        assert!(word.links.is_empty());
        let plain = store.article(crate::model::ArticleId(3)).unwrap().unwrap();
        assert_eq!(plain.paragraphs, ["Nothing to move."]);
        assert!(plain.links.is_empty());
        for (words, expected) in [
            ("tides", vec![1]),
            ("ferry", vec![1]),
            ("favourite", vec![2]),
        ] {
            let query = crate::search::parse(words, jiff::Timestamp::UNIX_EPOCH, false).unwrap();
            let found = store.search(&query, crate::search::Order::Newest).unwrap();
            let ids: Vec<i64> = found.ids.iter().map(|id| id.0).collect();
            assert_eq!(ids, expected, "{words}");
        }
        assert_eq!(store.integrity_check().unwrap(), "ok");
        store.fts_integrity_check().unwrap();
    }
}
