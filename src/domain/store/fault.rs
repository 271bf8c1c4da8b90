//! What a failed store operation means for the person who asked for it: the kind of
//! fault, told by SQLite's error code (never by the words of a message), and what to do
//! about it.

use rusqlite::ErrorCode;

/// The kinds of store failure that call for something other than "try again".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The disk (or the file's page limit) is full.
    DiskFull,
    /// The file or its folder cannot be written.
    ReadOnly,
    /// The file is damaged, or not a database at all.
    Corrupt,
    /// The file cannot be opened (or its journal created).
    CannotOpen,
    /// Another process held the lock for longer than the busy timeout.
    Busy,
    /// herald refused the file itself (see [`Refused`]).
    Refused,
    /// Another thread stopped the statement (a search made stale by a newer one).
    Interrupted,
}

impl Fault {
    /// The kind of `err`: the outermost cause that tells one, so herald's own refusal
    /// wins over the SQLite error it was made from.
    pub fn of(err: &anyhow::Error) -> Option<Fault> {
        err.chain().find_map(|cause| {
            if cause.is::<Refused>() {
                return Some(Fault::Refused);
            }
            match cause.downcast_ref::<rusqlite::Error>()? {
                rusqlite::Error::SqliteFailure(e, _) => Fault::of_code(e.code),
                _ => None,
            }
        })
    }

    fn of_code(code: ErrorCode) -> Option<Fault> {
        match code {
            ErrorCode::DiskFull => Some(Fault::DiskFull),
            ErrorCode::ReadOnly => Some(Fault::ReadOnly),
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => Some(Fault::Corrupt),
            ErrorCode::CannotOpen => Some(Fault::CannotOpen),
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Some(Fault::Busy),
            ErrorCode::OperationInterrupted => Some(Fault::Interrupted),
            _ => None,
        }
    }

    /// What to do, where the error's own words do not say it.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Fault::DiskFull => {
                Some("The disk is full: free some space and try again. Nothing was half-written.")
            }
            Fault::ReadOnly => Some(
                "The store cannot be written: check the permissions of the file and its folder, or pass --store with another path.",
            ),
            Fault::Corrupt => Some(
                "The store is damaged or not a herald store; herald has not changed it. Keep a copy, then try `sqlite3 FILE .recover`, or pass --store with another path.",
            ),
            Fault::CannotOpen => Some(
                "The store cannot be opened: check that its folder exists and can be written, or pass --store with another path.",
            ),
            // The store's own context says another herald is writing.
            Fault::Busy => None,
            // The refusal already says what to do; a stop was asked for.
            Fault::Refused | Fault::Interrupted => None,
        }
    }
}

/// What to do about errors whose own words do not say it.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    Fault::of(err).and_then(Fault::hint)
}

/// herald's refusal to use a file as its store (another program's database, or one it
/// cannot read), left unchanged; the message says what to do instead.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::Store;
    use anyhow::Context;

    #[test]
    fn a_file_of_garbage_is_corrupt_and_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(&path, "my notes, not a database, ".repeat(200)).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert_eq!(Fault::of(&err), Some(Fault::Refused));
        assert_eq!(hint(&err), None, "the refusal says what to do: {err:#}");
        // Underneath, SQLite's own code.
        let raw = rusqlite::Connection::open(&path)
            .and_then(|c| {
                c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                    r.get::<_, i64>(0)
                })
            })
            .map_err(anyhow::Error::from)
            .context("reading")
            .unwrap_err();
        assert_eq!(Fault::of(&raw), Some(Fault::Corrupt));
        assert!(hint(&raw).unwrap().contains("damaged"));
    }

    #[test]
    fn another_programs_database_is_refused_without_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE notes (body TEXT);")
            .unwrap();
        let err = Store::open(&path).err().unwrap();
        assert_eq!(Fault::of(&err), Some(Fault::Refused));
        assert_eq!(hint(&err), None);
    }

    /// SQLite reports a write through a read-only connection as it reports a file it
    /// may not write; root may write any file, so the connection is opened read-only.
    #[test]
    fn a_read_only_store_is_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        Store::open(&path).unwrap();
        let conn = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let err = anyhow::Error::from(
            conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')", [])
                .unwrap_err(),
        )
        .context("saving");
        assert_eq!(Fault::of(&err), Some(Fault::ReadOnly));
        assert!(hint(&err).unwrap().contains("cannot be written"));
    }

    #[test]
    fn a_store_in_a_missing_folder_cannot_be_opened() {
        let dir = tempfile::tempdir().unwrap();
        let err = rusqlite::Connection::open(dir.path().join("missing/herald.db"))
            .map_err(anyhow::Error::from)
            .context("opening the store")
            .unwrap_err();
        assert_eq!(Fault::of(&err), Some(Fault::CannotOpen));
        assert!(hint(&err).unwrap().contains("cannot be opened"));
    }

    #[test]
    fn a_held_lock_is_busy_and_says_so_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        Store::open(&path).unwrap();
        let holder = rusqlite::Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        let err = anyhow::Error::from(other.execute_batch("BEGIN IMMEDIATE").unwrap_err())
            .context("waiting for another herald to finish writing");
        assert_eq!(Fault::of(&err), Some(Fault::Busy));
        assert_eq!(hint(&err), None);
    }

    #[test]
    fn an_unrelated_error_gets_no_hint() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let sql = anyhow::Error::from(conn.execute("SELECT * FROM nowhere", []).unwrap_err());
        assert_eq!(Fault::of(&sql), None);
        // Words that once chose a hint no longer do.
        for text in [
            "database or disk is full",
            "attempt to write a readonly database",
            "database disk image is malformed",
            "unable to open database file",
        ] {
            let err = anyhow::anyhow!("{text}").context("a feed said");
            assert_eq!(hint(&err), None, "{text}");
        }
    }
}
