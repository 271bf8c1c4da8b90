//! The steps that bring a store's schema from any earlier version to this herald's, in
//! order: step `i` takes version `i` to `i + 1`, so the current version is the number of
//! steps. [`super::schema::prepare`] runs the ones a store lacks, in one transaction.

use anyhow::{Context, Result};
use rusqlite::Transaction;

mod body_first;
mod cjk_index;
mod codec;
mod compressed_bodies;
mod feed_scopes;
mod fetch_log;
mod identity;
mod links;
mod links_as_data;
mod shipped;

// The tests store bodies as the steps of their time did.
#[cfg(test)]
use codec::Codec;

/// One step of the schema.
#[derive(Clone, Copy)]
struct Step {
    work: Work,
    /// Said to the person before the step runs, when it takes long on a large store.
    notice: Option<&'static str>,
}

#[derive(Clone, Copy)]
enum Work {
    Sql(&'static str),
    /// For what SQL alone cannot do: runs its own SQL, then moves the data.
    Rust(fn(&Transaction<'_>) -> Result<()>),
}

impl Step {
    const fn sql(text: &'static str) -> Step {
        Step {
            work: Work::Sql(text),
            notice: None,
        }
    }

    const fn rust(work: fn(&Transaction<'_>) -> Result<()>) -> Step {
        Step {
            work: Work::Rust(work),
            notice: None,
        }
    }

    const fn slow(self, notice: &'static str) -> Step {
        Step {
            notice: Some(notice),
            ..self
        }
    }

    fn run(&self, tx: &Transaction<'_>) -> Result<()> {
        match self.work {
            Work::Sql(sql) => Ok(tx.execute_batch(sql)?),
            Work::Rust(work) => work(tx),
        }
    }
}

/// Never edit a shipped step: add one, so stores made by older builds upgrade in place.
/// A step's SQL and code live in this module and name nothing outside it (tests/shape.rs
/// checks), so later work elsewhere cannot change what an upgrade does.
const STEPS: &[Step] = &[
    Step::sql(CREATE),
    Step::rust(cjk_index::step),
    Step::sql(FEEDS),
    Step::sql(COUNTS),
    Step::sql(DATE_INDEX_WITH_FLAGS),
    Step::sql(AUTOMERGE),
    Step::rust(feed_scopes::step),
    Step::rust(compressed_bodies::step)
        .slow("compressing article bodies, once; about 2 s per 10,000 articles"),
    Step::rust(links_as_data::step)
        .slow("moving links out of article bodies, once; about 3 s per 10,000 articles"),
    Step::sql(TAGS),
    Step::sql(SCHEDULE),
    Step::sql(shipped::SOURCE_COUNTS),
    Step::sql(FULL_TEXT),
    Step::sql(shipped::DELETED),
    Step::rust(body_first::step)
        .slow("rebuilding the word index smaller, once; about 4 s per 10,000 articles"),
    Step::sql(shipped::RULES),
    Step::sql(shipped::ENCLOSURES),
    Step::sql(shipped::SYNC),
    Step::rust(identity::step),
    Step::sql(fetch_log::FETCH_LOG),
];

pub const CURRENT_VERSION: i64 = STEPS.len() as i64;

/// What to tell the person before upgrading from `version`: the slow steps ahead.
pub fn notices(version: i64) -> Vec<&'static str> {
    steps_after(version)
        .filter_map(|(_, step)| step.notice)
        .collect()
}

/// Runs the steps after `version`, inside the caller's transaction.
pub fn upgrade(tx: &Transaction<'_>, version: i64) -> Result<()> {
    for (next, step) in steps_after(version) {
        step.run(tx)
            .with_context(|| format!("migrating the store to schema version {next}"))?;
        tx.pragma_update(None, "user_version", next)?;
    }
    Ok(())
}

/// The steps after `version`, each with the version it brings the store to.
fn steps_after(version: i64) -> impl Iterator<Item = (i64, &'static Step)> {
    STEPS
        .iter()
        .enumerate()
        .skip(version.max(0) as usize)
        .map(|(index, step)| (index as i64 + 1, step))
}

const CREATE: &str = r#"
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
"#;

const FEEDS: &str = r#"
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
"#;

const COUNTS: &str = r#"
-- The article and unread counts, kept by every write so that start-up does not count
-- a whole archive (tens of milliseconds from a cold disk at 100,000 articles). Kept by
-- the store's code, not by triggers: a trigger's savepoint makes FTS5 flush its index.
CREATE TABLE counts (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counts (name, value) SELECT 'total', count(*) FROM articles;
INSERT INTO counts (name, value) SELECT 'unread', count(*) FROM articles WHERE read = 0;
"#;

const DATE_INDEX_WITH_FLAGS: &str = r#"
-- Broad searches and the unread view walk the articles newest first, filtering on read,
-- starred and date (store/search.rs). With those in the date index the walk never reads
-- the table; at 1,000,000 articles it otherwise fetched every row. The partial unread
-- index goes: the counts are kept, and SQLite chose it for `is:unread` and then sorted
-- every unread row by date.
DROP INDEX articles_unread;
DROP INDEX articles_newest;
CREATE INDEX articles_newest ON articles(sort_key DESC, id DESC, read, starred);
"#;

const AUTOMERGE: &str = r#"
-- FTS5 merges its index segments once `automerge` of them share a level: 16 (its
-- largest) instead of the default 4 rewrites each posting fewer times. Importing
-- 100,000 articles took 210-216 µs of CPU per article instead of 224-291, and
-- 1,000,000 took 287 s instead of 339 s; search medians at both sizes stayed within
-- the machine's noise.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
"#;

const TAGS: &str = r#"
-- Tags are folders: a feed has any number of them (store/tags.rs). Their own table, so
-- the feeds table keeps its shape; removing a feed removes its tags.
CREATE TABLE feed_tags (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (feed_id, tag)
) WITHOUT ROWID;
CREATE INDEX feed_tags_by_tag ON feed_tags(tag, feed_id);
"#;

const SCHEDULE: &str = r#"
-- Each feed's schedule (store/schedule.rs): its own refresh in seconds (NULL: the
-- config's), when it is due next (NULL: never fetched, due now), the failures in a row
-- that grow its delay, and the server's Retry-After, before which no request is made.
ALTER TABLE feeds ADD COLUMN refresh INTEGER;
ALTER TABLE feeds ADD COLUMN next_due INTEGER;
ALTER TABLE feeds ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN retry_after INTEGER;
"#;

const FULL_TEXT: &str = r#"
-- Full articles for feeds that carry only a teaser (store/fulltext.rs): a feed with
-- full_text = 1 has each new item's page fetched and its article stored as the body,
-- the feed's own text kept as the summary. A row here is an item whose page is waiting
-- (tried IS NULL) or was tried: error NULL when the body is the full article, else why
-- the feed's text was kept. A waiting page whose server answered Retry-After is not
-- asked before not_before.
ALTER TABLE feeds ADD COLUMN full_text INTEGER NOT NULL DEFAULT 0;
CREATE TABLE full_texts (
    id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    tried INTEGER,
    error TEXT,
    not_before INTEGER
);
CREATE INDEX full_texts_waiting ON full_texts(id) WHERE tried IS NULL;
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::ArticleId;
    use crate::domain::store::Store;
    use crate::domain::store::feeds::feed_scope;
    use crate::domain::store::schema::{APPLICATION_ID, prepare};
    use rusqlite::Connection;

    /// Makes `conn` a store as herald left it at schema `version`: every step up to it
    /// run, unmarked (as builds before the mark left them).
    fn build_at(conn: &mut Connection, version: i64) {
        // As `schema::prepare` runs the steps: foreign keys off.
        conn.pragma_update(None, "foreign_keys", "off").unwrap();
        let tx = conn.transaction().unwrap();
        for step in &STEPS[..version as usize] {
            step.run(&tx).unwrap();
        }
        tx.pragma_update(None, "user_version", version).unwrap();
        tx.commit().unwrap();
    }

    /// A store made by an older build upgrades in place and keeps its articles.
    #[test]
    fn every_older_version_upgrades_in_place() {
        for from in 1..CURRENT_VERSION {
            let mut conn = Connection::open_in_memory().unwrap();
            build_at(&mut conn, from);
            conn.execute(
                "INSERT INTO articles (dedup_key, source, title, authors, sort_key, added)
                 VALUES ('guid:1', 'Wire', 'Kept', '', 5, 0)",
                [],
            )
            .unwrap();
            prepare(&mut conn).unwrap();
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
            assert_eq!(columns, 5, "the date index holds read, starred and hidden");
        }
    }

    #[test]
    fn the_slow_steps_ahead_are_announced() {
        assert_eq!(notices(CURRENT_VERSION), Vec::<&str>::new());
        assert_eq!(notices(8).len(), 2);
        assert!(notices(14)[0].starts_with("rebuilding the word index"));
        assert!(notices(7)[0].starts_with("compressing article bodies"));
        assert!(notices(1).len() >= 2);
    }

    /// Articles fetched by builds before feed scopes belong to their feed after the
    /// upgrade, so the next fetch updates them rather than storing them twice.
    #[test]
    fn fetched_articles_join_their_feed_on_upgrade() {
        let mut conn = Connection::open_in_memory().unwrap();
        build_at(&mut conn, 6);
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
        prepare(&mut conn).unwrap();
        let rows: Vec<(String, Option<i64>)> = conn
            .prepare("SELECT dedup_key, feed_id FROM articles ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let scope = feed_scope("https://a.example/rss");
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
        prepare(&mut conn).unwrap();
        let automerge: i64 = conn
            .query_row(
                "SELECT v FROM articles_fts_config WHERE k = 'automerge'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(automerge, 16);
    }

    /// A store from before full articles keeps its feeds, none fetching full
    /// articles, and its articles; a feed then turns it on and its items wait.
    #[test]
    fn a_store_before_full_articles_upgrades_and_takes_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        let version = STEPS.len() - 1 - steps_after_full_text();
        build_at(&mut conn, version as i64);
        conn.execute_batch(
            "INSERT INTO feeds (id, url, name) VALUES (1, 'https://a.example/rss', 'Alpha');",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let feed = store.feeds().find_feed("1").unwrap();
        assert!(!feed.full_text);
        store.feeds().set_full_text(1, true).unwrap();
        let feed = store.feeds().find_feed("1").unwrap();
        assert!(feed.full_text);
        let item = crate::domain::model::NewArticle {
            guid: Some("1".into()),
            title: "Teaser".into(),
            source: "Alpha".into(),
            url: Some("https://a.example/1".into()),
            paragraphs: vec!["Short.".into()],
            ..Default::default()
        };
        store
            .feeds()
            .upsert(Some(&feed), &[item], jiff::Timestamp::UNIX_EPOCH)
            .unwrap();
        assert_eq!(store.articles().waiting_full_texts(5).unwrap().len(), 1);
    }

    /// How many steps were appended after the full-text step (none when it is last).
    fn steps_after_full_text() -> usize {
        STEPS
            .iter()
            .rev()
            .position(|s| matches!(s.work, Work::Sql(sql) if sql == FULL_TEXT))
            .unwrap()
    }

    /// A store from before schedules keeps its subscriptions, each due now.
    #[test]
    fn feeds_get_a_schedule_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        build_at(&mut conn, 10);
        conn.execute_batch(
            "INSERT INTO feeds (url, name, etag, last_fetched)
             VALUES ('https://a.example/rss', 'Alpha', '\"v1\"', 1000);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let feeds = store.feeds().list().unwrap();
        assert_eq!(feeds.len(), 1);
        let feed = &feeds[0];
        assert_eq!(feed.etag.as_deref(), Some("\"v1\""));
        assert_eq!(
            (feed.refresh, feed.next_due, feed.failures, feed.retry_after),
            (None, None, 0, None)
        );
        let now = jiff::Timestamp::from_second(2000).unwrap();
        assert_eq!(store.feeds().due_feeds(now).unwrap().len(), 1, "due now");
    }

    /// Schema 12 keeps counts per source: a store from before gets them from its
    /// articles, feeds and files alike.
    #[test]
    fn counts_per_source_are_worked_out_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        build_at(&mut conn, 11);
        conn.execute_batch(
            "INSERT INTO feeds (id, url) VALUES (7, 'https://a.example/rss');
             INSERT INTO articles (dedup_key, source, title, authors, sort_key, added, read, feed_id)
             VALUES ('a', 'Alpha', 'One', '', 5, 0, 0, 7), ('b', 'Alpha', 'Two', '', 5, 0, 1, 7),
                    ('c', 'Desk', 'Three', '', 5, 0, 0, NULL);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let kept = store.articles().source_counts().unwrap();
        assert_eq!(kept, store.maintenance().recount_sources().unwrap());
        assert_eq!(
            (kept[0].feed_id, kept[0].total, kept[0].unread),
            (Some(7), 2, 1)
        );
        assert_eq!((kept[1].source.as_str(), kept[1].unread), ("Desk", 1));
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
        let codec = Codec::load(conn).unwrap();
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

    /// Schema 10 adds tags: a store from before has none, its feeds stay, and tags
    /// then work and go with their feed.
    #[test]
    fn a_store_before_tags_upgrades_and_takes_tags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        build_at(&mut conn, 9);
        conn.execute_batch(
            "INSERT INTO feeds (id, url, name) VALUES (1, 'https://a.example/rss', 'Alpha');",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let feed = store.feeds().find_feed("1").unwrap();
        assert_eq!(feed.name.as_deref(), Some("Alpha"));
        assert!(store.feeds().tags_of(1).unwrap().is_empty());
        store.feeds().tag_feed(1, "news").unwrap();
        assert_eq!(store.feeds().all_tags().unwrap(), [(1, "news".to_owned())]);
        store.feeds().remove_feed(1, false).unwrap();
        assert!(store.feeds().all_tags().unwrap().is_empty());
    }

    /// Schema 9 moves a body's links section into the links; the text before it, the
    /// word index and every other body stay as they were.
    #[test]
    fn links_move_out_of_the_body_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        build_at(&mut conn, 8);
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
        let store = Store::open(&path).unwrap();
        let with = store.articles().article(ArticleId(1)).unwrap().unwrap();
        assert_eq!(with.paragraphs, ["The ferry runs late."]);
        assert_eq!(
            with.links,
            [
                "https://harbour.example/timetable",
                "https://tides.example.org/today"
            ]
        );
        let word = store.articles().article(ArticleId(2)).unwrap().unwrap();
        assert_eq!(
            word.paragraphs,
            ["Our favourite sites are listed below.", "Links:"]
        );
        assert!(word.links.is_empty());
        let plain = store.articles().article(ArticleId(3)).unwrap().unwrap();
        assert_eq!(plain.paragraphs, ["Nothing to move."]);
        assert!(plain.links.is_empty());
        for (words, expected) in [
            ("tides", vec![1]),
            ("ferry", vec![1]),
            ("favourite", vec![2]),
        ] {
            let query =
                crate::domain::search::parse(words, jiff::Timestamp::UNIX_EPOCH, false).unwrap();
            let found = store
                .articles()
                .search(&query, crate::domain::search::Order::Newest)
                .unwrap();
            let ids: Vec<i64> = found.ids.iter().map(|id| id.0).collect();
            assert_eq!(ids, expected, "{words}");
        }
        assert_eq!(store.maintenance().integrity_check().unwrap(), "ok");
        store.maintenance().fts_integrity_check().unwrap();
    }

    /// Schema 15 rebuilds the word index with the body first: what was found is still
    /// found (links included), phrases match, and a word in a title still ranks above
    /// the same word in a body.
    #[test]
    fn the_word_index_is_rebuilt_body_first_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        build_at(&mut conn, 14);
        add_v8(
            &conn,
            1,
            "Harbour notes",
            "The ferry runs late on windy days.",
        );
        add_v8(&conn, 2, "Ferry timetable", "Nothing about boats in here.");
        conn.execute(
            "INSERT INTO links (id, urls) VALUES (1, ?1)",
            [crate::domain::store::links::pack(&[
                "https://tides.example.org/today".into(),
            ])],
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let first: String = store
            .conn
            .query_row(
                "SELECT name FROM pragma_table_info('articles_fts') WHERE cid = 0",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(first, "body");
        for (words, order, expected) in [
            ("ferry", crate::domain::search::Order::Relevance, vec![2, 1]),
            (
                "\"ferry runs late\"",
                crate::domain::search::Order::Newest,
                vec![1],
            ),
            (
                "\"late ferry\"",
                crate::domain::search::Order::Newest,
                vec![],
            ),
            ("tides", crate::domain::search::Order::Newest, vec![1]),
            (
                "title:harbour",
                crate::domain::search::Order::Newest,
                vec![1],
            ),
            ("title:windy", crate::domain::search::Order::Newest, vec![]),
            (
                "source:wire boats",
                crate::domain::search::Order::Newest,
                vec![2],
            ),
        ] {
            let query =
                crate::domain::search::parse(words, jiff::Timestamp::UNIX_EPOCH, false).unwrap();
            let found = store.articles().search(&query, order).unwrap();
            let ids: Vec<i64> = found.ids.iter().map(|id| id.0).collect();
            assert_eq!(ids, expected, "{words}");
        }
        store.maintenance().fts_integrity_check().unwrap();
    }

    /// A store from before enclosures keeps its articles, and they and new ones take
    /// enclosures.
    #[test]
    fn a_store_before_enclosures_upgrades_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        let before = STEPS
            .iter()
            .position(|s| matches!(s.work, Work::Sql(sql) if sql == super::shipped::ENCLOSURES))
            .unwrap();
        build_at(&mut conn, before as i64);
        conn.execute(
            "INSERT INTO articles (id, dedup_key, source, title, authors, sort_key, added)
             VALUES (1, 'guid:old', 'Wire', 'Old', '', 5, 0)",
            [],
        )
        .unwrap();
        conn.execute("INSERT INTO bodies (id, body) VALUES (1, 'Old body.')", [])
            .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let old = store.articles().article(ArticleId(1)).unwrap().unwrap();
        assert!(old.enclosures.is_empty());
        let cast = crate::domain::enclosure::Enclosure {
            url: "https://cast.example/1.mp3".into(),
            mime: Some("audio/mpeg".into()),
            bytes: Some(1),
            seconds: None,
        };
        let item = crate::domain::model::NewArticle {
            guid: Some("new".into()),
            title: "New".into(),
            source: "Cast".into(),
            enclosures: vec![cast.clone()],
            ..Default::default()
        };
        store
            .articles()
            .import(&[item], jiff::Timestamp::UNIX_EPOCH)
            .unwrap();
        let id: ArticleId = store
            .connection()
            .query_row("SELECT id FROM articles WHERE guid = 'new'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            store.articles().article(id).unwrap().unwrap().enclosures,
            [cast]
        );
    }

    /// The sync step: a store from before accounts keeps its feeds, all local, and
    /// takes accounts and the outbox.
    #[test]
    fn a_store_before_accounts_upgrades_with_its_feeds_local() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        let sync = STEPS
            .iter()
            .position(|s| matches!(s.work, Work::Sql(sql) if sql == super::shipped::SYNC))
            .unwrap();
        build_at(&mut conn, sync as i64);
        conn.execute_batch(
            "INSERT INTO feeds (url, name) VALUES ('https://a.example/rss', 'Alpha');",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let feeds = store.feeds().list().unwrap();
        assert_eq!(feeds.len(), 1);
        assert_eq!(
            store.accounts().feed_account(feeds[0].id).unwrap(),
            None,
            "local"
        );
        assert!(store.accounts().list().unwrap().is_empty());
        let waiting: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(waiting, 0);
    }

    /// The identity step: a store with an account keeps its feeds (ids, tags, articles
    /// still theirs), its synced articles get their entry ids from their guids (a local
    /// item's guid is no entry id), its outbox keeps its rows and never reuses an id,
    /// and a second account can then follow an address the first one follows.
    #[test]
    fn a_store_with_an_account_upgrades_to_one_identity_per_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = Connection::open(&path).unwrap();
        build_at(&mut conn, 18);
        conn.execute_batch(
            "INSERT INTO accounts (id, name, kind, url, secret_env, last_entry)
                 VALUES (1, 'home', 'miniflux', 'http://127.0.0.1:9', 'T', 41);
             INSERT INTO feeds (id, url, name, account_id, remote_id)
                 VALUES (5, 'https://a.example/rss', 'Alpha', 1, '7');
             INSERT INTO feeds (id, url, name) VALUES (6, 'https://b.example/rss', 'Beta');
             INSERT INTO feed_tags (feed_id, tag) VALUES (5, 'news');
             INSERT INTO articles (id, dedup_key, guid, source, title, authors, sort_key, added,
                                   read, starred, feed_id)
                 VALUES (1, 'feed:x:guid:41', '41', 'Alpha', 'Synced', '', 5, 0, 1, 1, 5),
                        (2, 'feed:x:guid:tag:a,1', 'tag:a,1', 'Alpha', 'Read before', '', 5, 0,
                         0, 0, 5),
                        (3, 'feed:y:guid:9', '9', 'Beta', 'Local', '', 5, 0, 0, 0, 6);
             INSERT INTO outbox (id, account_id, change, article_id, feed_id, remote_id, made)
                 VALUES (1, 1, 'read', 1, 5, '41', 0), (2, 1, 'star', 1, 5, '41', 0);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let rows: Vec<(i64, Option<i64>, Option<String>)> = store
            .connection()
            .prepare("SELECT id, feed_id, remote_id FROM articles ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, Some(5), Some("41".into())),
                (2, Some(5), None),
                (3, Some(6), None)
            ]
        );
        assert_eq!(store.feeds().tags_of(5).unwrap(), ["news"]);
        assert_eq!(
            store.accounts().feed_account(5).unwrap(),
            Some((1, Some("7".into())))
        );
        assert_eq!(store.accounts().pending(1, 10).unwrap().len(), 2);
        // The outbox never gives a used id again.
        store.accounts().pushed(&[2]).unwrap();
        store
            .articles()
            .set_read(crate::domain::model::ArticleId(1), false)
            .unwrap();
        let ids: Vec<i64> = store
            .accounts()
            .pending(1, 10)
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, [3], "the new change has a new id");
        // Another account may follow the same address now.
        store
            .connection()
            .execute_batch(
                "INSERT INTO accounts (id, name, kind, url, secret_env)
                     VALUES (2, 'work', 'miniflux', 'http://127.0.0.1:9', 'T');
                 INSERT INTO feeds (url, account_id, remote_id)
                     VALUES ('https://a.example/rss', 2, '7');",
            )
            .unwrap();
        assert!(
            store
                .connection()
                .execute_batch("INSERT INTO feeds (url) VALUES ('https://b.example/rss');")
                .is_err(),
            "one local feed an address"
        );
        assert_eq!(store.maintenance().integrity_check().unwrap(), "ok");
    }
}
