//! Saved views (named queries on the number keys) and the store's named settings.

use anyhow::{Context, Result, bail};
use rusqlite::{OptionalExtension, params};

use super::Store;
use super::handles::Views;
use crate::domain::model::SavedView;

impl Store {
    /// The saved views, in the order they were first saved.
    /// Stops the statement this connection is running, from another thread.
    pub fn interrupt_handle(&self) -> rusqlite::InterruptHandle {
        self.conn.get_interrupt_handle()
    }

    /// SQLite's count of commits made by other connections (other processes, and this
    /// process's other threads) as this connection sees it: when it changes, the store
    /// changed under this connection.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

impl Views<'_> {
    pub fn list(&self) -> Result<Vec<SavedView>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, query FROM views ORDER BY position, name")?;
        let rows = stmt.query_map([], |r| {
            Ok(SavedView {
                name: r.get(0)?,
                query: r.get(1)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context("reading the saved views")
    }

    /// Saves a view; one with the same name is replaced and keeps its place.
    pub fn save_view(&self, name: &str, query: &str) -> Result<()> {
        check_view_name(name)?;
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

    /// Renames a view; false when there is none of that name. A view of the new name
    /// already there is an error.
    pub fn rename_view(&self, old: &str, new: &str) -> Result<bool> {
        check_view_name(new)?;
        let taken = self
            .conn
            .query_row("SELECT 1 FROM views WHERE name = ?1", [new], |_| Ok(()))
            .optional()?
            .is_some();
        anyhow::ensure!(!taken || old == new, "there is a view named {new} already");
        let n = self
            .conn
            .execute(
                "UPDATE views SET name = ?2 WHERE name = ?1",
                params![old, new],
            )
            .context("renaming the view")?;
        Ok(n > 0)
    }

    /// Moves a view to `position` among the saved views (1 is first, on key 4; past the
    /// end is last); false when there is none of that name.
    pub fn move_view(&self, name: &str, position: usize) -> Result<bool> {
        let mut order: Vec<String> = self.list()?.into_iter().map(|v| v.name).collect();
        let Some(from) = order.iter().position(|n| n == name) else {
            return Ok(false);
        };
        let moved = order.remove(from);
        order.insert(position.saturating_sub(1).min(order.len()), moved);
        let tx = self.write()?;
        {
            let mut update = tx.prepare("UPDATE views SET position = ?2 WHERE name = ?1")?;
            for (index, view) in order.iter().enumerate() {
                update.execute(params![view, index as i64 + 1])?;
            }
        }
        tx.commit().context("reordering the views")?;
        Ok(true)
    }

    /// Removes a view; false when there is none of that name.
    pub fn remove_view(&self, name: &str) -> Result<bool> {
        let n = self
            .conn
            .execute("DELETE FROM views WHERE name = ?1", [name])
            .context("removing the view")?;
        Ok(n > 0)
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
}

/// A view's name may not start with `-`: it would read as an option wherever it is given
/// again on the command line (herald view remove -x).
fn check_view_name(name: &str) -> Result<()> {
    if name.starts_with('-') {
        bail!(
            "a view's name cannot start with `-` (not `{}`): it would read as an option",
            crate::domain::text::printable(name)
        );
    }
    Ok(())
}
