//! What reading changes on an article: the read and starred marks (one, many or all at
//! once), the reading position, and where an article or the next unread one sits in the
//! newest-first list.

use anyhow::{Context, Result};
use rusqlite::{OptionalExtension, params};

use super::counts::adjust_counts;
use super::handles::Articles;
use super::sources::Tally;
use crate::domain::model::{ArticleId, Position};

impl Articles<'_> {
    pub fn set_read(&self, id: ArticleId, read: bool) -> Result<()> {
        self.set_read_many(&[id], read)
            .context("saving the read mark")
    }

    pub fn set_starred(&self, id: ArticleId, starred: bool) -> Result<()> {
        self.set_starred_many(&[id], starred)
            .context("saving the star")
    }

    /// Stars or unstars every article in `ids`, in one transaction (queued for their
    /// accounts' servers: store/outbox.rs).
    pub fn set_starred_many(&self, ids: &[ArticleId], starred: bool) -> Result<()> {
        let tx = self.write()?;
        let mut changed = Vec::new();
        {
            let mut update = tx.prepare_cached(
                "UPDATE articles SET starred = ?2 WHERE id = ?1 AND starred != ?2",
            )?;
            for id in ids {
                if update.execute(params![id, starred])? > 0 {
                    changed.push(*id);
                }
            }
        }
        super::outbox::articles(&tx, &changed, super::outbox::Change::star(starred))?;
        tx.commit().context("saving the stars")?;
        Ok(())
    }

    /// Sets the read flag of every article in `ids`, in one transaction.
    pub fn set_read_many(&self, ids: &[ArticleId], read: bool) -> Result<()> {
        let tx = self.write()?;
        let mut changed = 0;
        let step = if read { -1 } else { 1 };
        let mut tally = Tally::default();
        let mut queued = Vec::new();
        {
            let mut update = tx.prepare_cached(
                "UPDATE articles SET read = ?2 WHERE id = ?1 AND read != ?2
                 RETURNING feed_id, source",
            )?;
            for id in ids {
                let mut rows = update.query(params![id, read])?;
                while let Some(row) = rows.next()? {
                    let source: String = row.get(1)?;
                    tally.add(row.get(0)?, &source, 0, step);
                    changed += 1;
                    queued.push(*id);
                }
            }
        }
        super::outbox::articles(&tx, &queued, super::outbox::Change::read(read))?;
        adjust_counts(&tx, 0, step * changed)?;
        tally.apply(&tx)?;
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
                super::outbox::all_unread(&tx)?;
                tx.execute("UPDATE articles SET read = 1 WHERE read = 0", [])?;
                super::sources::all_read(&tx)?;
                ids
            }
            Some(ids) => {
                let mut update = tx.prepare_cached(
                    "UPDATE articles SET read = 1 WHERE id = ?1 AND read = 0
                     RETURNING feed_id, source",
                )?;
                let mut changed = Vec::new();
                let mut tally = Tally::default();
                for id in ids {
                    let mut rows = update.query([id])?;
                    while let Some(row) = rows.next()? {
                        let source: String = row.get(1)?;
                        tally.add(row.get(0)?, &source, 0, -1);
                        changed.push(*id);
                    }
                }
                tally.apply(&tx)?;
                super::outbox::articles(&tx, &changed, super::outbox::Change::Read)?;
                changed
            }
        };
        adjust_counts(&tx, 0, -(changed.len() as i64))?;
        tx.commit().context("marking articles read")?;
        Ok(changed)
    }

    /// Marks read every unread article up to `up_to` (every one with `None`), the newest
    /// the reader had counted when the person asked: articles a fetch stored since stay
    /// unread, unseen as they are. When there are none, the whole-store statements run
    /// (one pass); else the articles up to the bound, one by one. One transaction, so no
    /// article is stored between the look and the marks.
    pub fn mark_all_read_up_to(&self, up_to: Option<ArticleId>) -> Result<Vec<ArticleId>> {
        let tx = self.write()?;
        // Usually nothing newer is unread: the ids are read only when some is.
        let newer = |up_to: ArticleId| -> Result<bool> {
            Ok(tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM articles WHERE read = 0 AND id > ?1)",
                [up_to],
                |r| r.get(0),
            )?)
        };
        let ids = match up_to {
            Some(up_to) if newer(up_to)? => Some(
                tx.prepare_cached("SELECT id FROM articles WHERE read = 0 AND id <= ?1")?
                    .query_map([up_to], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<ArticleId>>>()?,
            ),
            _ => None,
        };
        let changed = self.mark_all_read(ids.as_deref())?;
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
                    "SELECT id FROM articles WHERE read = 0 AND hidden = 0
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
                    "SELECT id FROM articles WHERE read = 0 AND hidden = 0
                     ORDER BY sort_key DESC, id DESC LIMIT 1",
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
             WHERE (sort_key > ?1 OR (sort_key = ?1 AND id > ?2)) AND hidden = 0",
            params![sort_key, id],
            |r| r.get(0),
        )?;
        Ok(Some(before as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::super::testing::{article, now};
    use crate::domain::model::ArticleId;

    /// A bound leaves the articles stored after it unread, and marks the ones before it
    /// one by one; with nothing newer unread (or no bound) the whole store is marked.
    #[test]
    fn mark_all_read_up_to_leaves_newer_articles_unread() {
        let store = Store::open_in_memory().unwrap();
        let three: Vec<_> = ["One", "Two", "Three"]
            .iter()
            .map(|t| article(t, None))
            .collect();
        store.articles().import(&three, now()).unwrap();
        let changed = store
            .articles()
            .mark_all_read_up_to(Some(ArticleId(2)))
            .unwrap();
        assert_eq!(changed, [ArticleId(1), ArticleId(2)]);
        assert_eq!(store.articles().count_unread().unwrap(), 1);
        let changed = store
            .articles()
            .mark_all_read_up_to(Some(ArticleId(3)))
            .unwrap();
        assert_eq!(changed, [ArticleId(3)]);
        assert_eq!(store.articles().count_unread().unwrap(), 0);
        store
            .articles()
            .import(&[article("Four", None)], now())
            .unwrap();
        assert_eq!(store.articles().mark_all_read_up_to(None).unwrap().len(), 1);
        assert_eq!(store.articles().count_unread().unwrap(), 0);
    }
}
