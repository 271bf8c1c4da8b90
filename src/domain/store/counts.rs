//! The article and unread counts, kept by every write so that start-up does not count a
//! whole archive.

use anyhow::{Context, Result};
use rusqlite::{Connection, params};

use super::handles::{Articles, Maintenance};

impl Articles<'_> {
    /// How many articles the lists show, from the kept count: what rules hid is left
    /// out, counted through its own small index (so the cost is in the hidden articles,
    /// and no write path has to know about hiding).
    pub fn count(&self) -> Result<usize> {
        Ok(self
            .kept_count("total")?
            .saturating_sub(self.hidden_count(false)?))
    }

    pub fn count_unread(&self) -> Result<usize> {
        Ok(self
            .kept_count("unread")?
            .saturating_sub(self.hidden_count(true)?))
    }

    /// Hidden articles (only the unread ones with `unread`).
    fn hidden_count(&self, unread: bool) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM articles INDEXED BY articles_hidden
                 WHERE hidden = 1 AND (?1 = 0 OR read = 0)",
            )?
            .query_row([unread], |r| r.get(0))
            .context("counting the hidden articles")?;
        Ok(n.max(0) as usize)
    }

    fn kept_count(&self, name: &str) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT value FROM counts WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .context("reading the article counts")?;
        Ok(n.max(0) as usize)
    }
}

impl Maintenance<'_> {
    /// Counts the articles the slow way; the kept counts must agree (for tests).
    pub fn recount(&self) -> Result<(usize, usize)> {
        let total: i64 =
            self.conn
                .query_row("SELECT count(*) FROM articles WHERE hidden = 0", [], |r| {
                    r.get(0)
                })?;
        let unread: i64 = self.conn.query_row(
            "SELECT count(*) FROM articles WHERE read = 0 AND hidden = 0",
            [],
            |r| r.get(0),
        )?;
        Ok((total as usize, unread as usize))
    }
}

/// Moves the kept counts by `total` and `unread`, inside the caller's transaction.
pub(super) fn adjust_counts(conn: &Connection, total: i64, unread: i64) -> Result<()> {
    let mut update = conn.prepare_cached("UPDATE counts SET value = value + ?2 WHERE name = ?1")?;
    if total != 0 {
        update.execute(params!["total", total])?;
    }
    if unread != 0 {
        update.execute(params!["unread", unread])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::domain::model::{ArticleId, NewArticle};
    use crate::domain::store::Store;
    use crate::domain::store::testing::{article, now};

    #[test]
    fn kept_counts_follow_every_write() {
        let store = Store::open_in_memory().unwrap();
        let mut batch: Vec<NewArticle> = (0..5).map(|i| article(&format!("A{i}"), None)).collect();
        batch[0].read = true;
        store.articles().import(&batch, now()).unwrap();
        store.articles().import(&batch, now()).unwrap();
        let ids: Vec<ArticleId> = store
            .articles()
            .summaries(None, 0)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        store.articles().set_read(ids[1], true).unwrap();
        store.articles().set_read(ids[1], true).unwrap();
        store.articles().set_read_many(&ids[..3], false).unwrap();
        store.articles().mark_all_read(Some(&ids[2..4])).unwrap();
        store.articles().delete(ids[4]).unwrap();
        store.articles().mark_all_read(None).unwrap();
        store.articles().set_read(ids[0], false).unwrap();
        assert_eq!(
            (
                store.articles().count().unwrap(),
                store.articles().count_unread().unwrap()
            ),
            store.maintenance().recount().unwrap()
        );
        assert_eq!(store.maintenance().recount().unwrap(), (4, 1));
    }
}
