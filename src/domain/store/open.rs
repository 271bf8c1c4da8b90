//! Opening a store: the connection and its settings, the file made (or found to be) a
//! herald store at the current schema, and a file that is not one refused untouched.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::Connection;

use super::codec::{self, Codec};
use super::fault::{Fault, Refused};
use super::{Store, schema};

/// How long a write waits for another process's transaction: a batch of `BATCH_SIZE`
/// articles commits in about a second, so this covers many of them.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

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
                    crate::domain::message::error_chain(&err)
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
        schema::prepare(&mut conn).context("preparing the schema")?;
        use_wal(&conn)?;
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
            codec_loaded: std::cell::Cell::new(false),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// Switches the store to WAL, which lets readers and a writer work at once. SQLite does
/// not wait (no busy handler) when another process holds the file in the old mode, as
/// two heralds creating one store at once do: retried here, within the busy timeout.
fn use_wal(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get::<_, String>(0)) {
            // In memory the mode stays "memory": nothing to share there.
            Ok(mode) if mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory") => {
                return Ok(());
            }
            // The switch can also fail quietly, answering the old mode.
            Ok(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(mode) => bail!(
                "the store stayed in the {mode} journal mode: another process holds it; try again"
            ),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(err) => return Err(err).context("switching the store to WAL"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::testing::{article, now};

    /// Many heralds creating one store at once: each opens it, none reports it locked.
    /// (Before the retry, about one trial in thirty failed with "database is locked" when
    /// switching to WAL; a chance test, so it runs many trials.)
    #[test]
    fn many_opening_a_new_store_at_once_all_succeed() {
        for trial in 0..40 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("herald.db");
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
            let openers: Vec<_> = (0..6)
                .map(|_| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        let store = Store::open(&path)?;
                        store.feeds().add_feed(
                            &format!("https://{trial}.example/{:?}", std::thread::current().id()),
                            None,
                        )?;
                        anyhow::Ok(())
                    })
                })
                .collect();
            for opener in openers {
                opener
                    .join()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("trial {trial}: {e:#}"));
            }
        }
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
            .articles()
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
        assert_eq!(store.articles().count().unwrap(), 1);
        let id: i32 = store
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, schema::APPLICATION_ID, "marked on upgrade");
        // An empty file is a new store.
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(Store::open(&empty).unwrap().articles().count().unwrap(), 0);
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
