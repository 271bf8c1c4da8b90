//! Every write as one transaction that takes the write lock at once, or, inside a
//! batch, as a savepoint of the batch's transaction; rolled back unless committed.

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension};

use super::Store;
use super::handles::{Rules, RulesOnNew};

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

impl Store {
    /// Begins a write: a transaction that takes the write lock at once, or, inside one
    /// already open on this connection ([`Store::batch`], or a write that runs the
    /// rules), a savepoint of it. A deferred transaction that reads first cannot wait
    /// for a lock held by another process: SQLite fails it with "database is locked"
    /// at its first write, whatever the busy timeout.
    ///
    /// Whether a transaction is open is the connection's own state, not a flag of
    /// ours: only a [`Write`] opens one, and it commits or rolls back however its scope
    /// ends (a return, an error, a panic), so no mode outlives the work that set it.
    pub(super) fn write(&self) -> Result<Write<'_>> {
        let nested = self.in_transaction();
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

    /// Runs `work` in one write transaction, each write inside it a savepoint of its
    /// own (it fails or succeeds alone). A fetch stores many feeds this way: in a large
    /// archive each feed's new rows touch index pages all over the file, and one
    /// transaction writes each such page once instead of once per feed.
    pub fn batch<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.in_transaction() {
            return work();
        }
        let tx = self.write()?;
        let value = work()?;
        tx.commit()?;
        Ok(value)
    }

    /// Whether a transaction is open on this connection: a write begun now is a
    /// savepoint of it.
    fn in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }

    /// Called inside a write that stored new articles, all with ids above `after`: the
    /// rules run on them now, or, when the write was made to defer them (a fetch), the
    /// store notes in this same transaction where the unruled articles start, for
    /// [`Rules::apply_pending`]. Noted in the store, so that a process that dies before
    /// then leaves the next write to apply them.
    pub(super) fn stored_new_after(&self, after: i64, rules: RulesOnNew) -> Result<()> {
        if !self.rules().has_rules()? {
            return Ok(());
        }
        let noted = self.take_unruled()?;
        let after = noted.map_or(after, |n| n.min(after));
        if rules == RulesOnNew::Deferred {
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('rules_after', ?1)",
                [after.to_string()],
            )?;
            return Ok(());
        }
        self.rules().rules_on_new(after)
    }

    /// Runs `work` with SQLite's page cache at `mib` MiB (at least), then gives the old
    /// size back. For work that touches pages all over the file (rules' lookups in the
    /// word index, pruning): with the default 2 MiB most of them are read again through
    /// the OS for each article. Only while it runs, so the reader stays small.
    pub(super) fn with_cache<T>(&self, mib: i64, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        // Negative: KiB; positive: pages of 16 KiB.
        let current_kib = if cache < 0 { -cache } else { cache * 16 };
        if current_kib >= mib * 1024 {
            return work();
        }
        self.conn.pragma_update(None, "cache_size", -(mib * 1024))?;
        let result = work();
        self.conn.pragma_update(None, "cache_size", cache)?;
        result
    }

    /// Where the articles not yet checked by the rules start, forgetting it.
    fn take_unruled(&self) -> Result<Option<i64>> {
        let noted: Option<String> = self
            .conn
            .query_row(
                "DELETE FROM meta WHERE key = 'rules_after' RETURNING value",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(noted.and_then(|n| n.parse().ok()))
    }
}

impl Rules<'_> {
    /// Applies the rules to the articles stored while they were deferred (or before a
    /// process died that had deferred them), in one write.
    pub fn apply_pending(&self) -> Result<()> {
        let tx = self.write()?;
        if let Some(after) = self.take_unruled()? {
            self.with_cache(32, || self.rules_on_new(after))?;
        }
        tx.commit()
            .context("applying the rules to the new articles")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::testing::{article, now};
    use std::time::Duration;

    /// No mode outlives what set it, a panic included. A panic inside a batch rolls
    /// its transaction back: the next write is a transaction of its own, which another
    /// connection sees once it returns (before, a flag left set made every later write
    /// a savepoint of nothing). Deferring the rules is a handle, not a mode: after a
    /// panic among deferring writes, an import runs the rules on its new articles, and
    /// on the ones the deferring writes left noted.
    #[test]
    fn a_panic_inside_a_batch_or_a_deferral_leaves_no_mode_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        store
            .rules()
            .add_rule("ferry", crate::domain::store::RuleAction::Star)
            .unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.batch(|| -> Result<()> {
                store
                    .articles()
                    .import(&[article("Lost ferry", None)], now())?;
                panic!("a bug inside a fetch")
            })
        }));
        assert!(caught.is_err());
        assert!(store.conn.is_autocommit(), "out of the batch");
        let feed = store
            .feeds()
            .add_feed("https://wire.example/rss", None)
            .unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let deferring = store.feeds().deferring_rules();
            let mut noted = article("Noted ferry", None);
            noted.guid = Some("g-noted".into());
            deferring.upsert(Some(&feed), &[noted], now()).unwrap();
            panic!("a bug while deferring")
        }));
        assert!(caught.is_err());
        store
            .articles()
            .import(&[article("After ferry", None)], now())
            .unwrap();
        let other = Connection::open(&path).unwrap();
        let starred = |title: &str| -> bool {
            other
                .query_row(
                    "SELECT starred FROM articles WHERE title = ?1",
                    [title],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let titles: i64 = other
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(titles, 2, "the batch's article was rolled back");
        assert!(starred("After ferry"), "the rules run on an import");
        assert!(starred("Noted ferry"), "and on what the deferral noted");
    }

    /// Another process holds the write lock; a write that reads before it writes must
    /// wait for it rather than fail with "database is locked".
    #[test]
    fn a_write_waits_for_another_writer_instead_of_failing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        store
            .articles()
            .import(&[article("First", None)], now())
            .unwrap();
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
        let counts = store.feeds().upsert(None, &[second], now()).unwrap();
        assert_eq!(counts.new, 1);
        let id = store.articles().summaries(Some(1), 0).unwrap()[0].id;
        store.articles().set_read_many(&[id], true).unwrap();
        holder.join().unwrap();
        assert_eq!(store.maintenance().recount().unwrap(), (2, 1));
    }

    /// Inside a batch each write succeeds or fails alone; the batch commits the rest.
    #[test]
    fn a_failed_write_inside_a_batch_undoes_only_itself() {
        let store = Store::open_in_memory().unwrap();
        store
            .batch(|| {
                store.articles().import(&[article("Before", None)], now())?;
                {
                    let failing = store.write()?;
                    failing.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')", [])?;
                    // Dropped without commit, as when a later statement fails.
                }
                store.articles().import(&[article("After", None)], now())?;
                Ok(())
            })
            .unwrap();
        assert_eq!(store.maintenance().recount().unwrap(), (2, 2));
        assert_eq!(store.views().meta("half").unwrap(), None);
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
        assert!(
            store
                .articles()
                .import(&[article("Breaks", None)], now())
                .is_err()
        );
        assert!(store.conn.is_autocommit(), "no transaction left open");
        assert_eq!(store.maintenance().recount().unwrap(), (0, 0));
        store
            .articles()
            .import(&[article("Fine", None)], now())
            .unwrap();
        assert_eq!(store.maintenance().recount().unwrap(), (1, 1));
        assert_eq!(store.articles().count().unwrap(), 1);
    }
}
