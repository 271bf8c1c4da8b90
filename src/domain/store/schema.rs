//! What a file holds (nothing yet, a herald store of some schema version, another
//! program's database), read without writing, and making it a herald store at the current
//! schema: created, marked or upgraded in one transaction, or refused untouched.

use anyhow::{Context, Result, bail};
use rusqlite::Connection;

use super::migrations::{self, CURRENT_VERSION};

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
    // Also only while the file is new: free pages can be given back to the disk without
    // rewriting the file (see `Maintenance::settle_word_index`).
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    // Off while upgrading (it cannot change inside a transaction): a step may rebuild a
    // table others refer to, and dropping the old one must not set their references to
    // NULL. The store turns them on again once it is prepared (store/open.rs).
    conn.pragma_update(None, "foreign_keys", "off")?;
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
        log::info!("upgrading the store from schema {version} to {CURRENT_VERSION}");
        let notices = migrations::notices(version);
        if !notices.is_empty() {
            eprintln!("herald: upgrading the store ({})…", notices.join("; "));
        }
    }
    migrations::upgrade(&tx, version)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_from_a_newer_herald_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        let err = prepare(&mut conn).unwrap_err().to_string();
        assert!(err.contains("upgrade herald"), "{err}");
    }
}

#[cfg(test)]
mod vacuum_tests {
    use crate::domain::store::Store;

    /// A new store can give free pages back without rewriting the file.
    #[test]
    fn a_new_store_vacuums_incrementally() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("v.db")).unwrap();
        let mode: i64 = store
            .connection()
            .query_row("PRAGMA auto_vacuum", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, 2, "incremental");
        let free = || -> i64 {
            store
                .connection()
                .query_row("PRAGMA freelist_count", [], |r| r.get(0))
                .unwrap()
        };
        for batch in 0..40 {
            let articles: Vec<_> = (0..50)
                .map(|i| {
                    let mut a =
                        crate::domain::store::testing::article(&format!("{batch} {i}"), None);
                    a.paragraphs = vec![(0..300).map(|j| format!("w{batch}x{i}y{j} ")).collect()];
                    a
                })
                .collect();
            store
                .articles()
                .import(&articles, crate::domain::store::testing::now())
                .unwrap();
        }
        assert!(free() > 0, "merging freed pages");
        store.maintenance().settle_word_index().unwrap();
        assert_eq!(free(), 0, "and gave them back");
    }
}
