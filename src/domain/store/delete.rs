//! Deleting articles for good: each leaves the word indexes, the counts and the per-source
//! counts, and its identity (its dedup key) is remembered, so that the next fetch or
//! import of the same item does not bring it back. The space is reused by later writes.

use anyhow::{Context, Result};
use rusqlite::{OptionalExtension, params};

use super::Store;
use super::sources::Tally;
use crate::domain::model::ArticleId;

/// Schema step: the identities of deleted articles.
pub(super) const DELETED: &str = r#"
-- Deleted articles' dedup keys (store/delete.rs): an item fetched or imported again with
-- one of these is not stored again.
CREATE TABLE deleted (
    dedup_key TEXT PRIMARY KEY
) WITHOUT ROWID;
"#;

/// What a delete did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Deleted {
    pub deleted: Vec<ArticleId>,
    /// Ids given that the store does not hold.
    pub missing: Vec<ArticleId>,
}

impl Store {
    /// Deletes the articles `ids`, in one transaction, remembering their identities.
    pub fn delete_many(&self, ids: &[ArticleId]) -> Result<Deleted> {
        let tx = self.write()?;
        let mut done = Deleted::default();
        let mut tally = Tally::default();
        let (mut total, mut unread) = (0i64, 0i64);
        {
            let mut select = tx.prepare_cached(
                "SELECT dedup_key, read = 0, feed_id, source FROM articles WHERE id = ?1",
            )?;
            let mut remember =
                tx.prepare_cached("INSERT OR IGNORE INTO deleted (dedup_key) VALUES (?1)")?;
            let mut delete_fts = tx.prepare_cached("DELETE FROM articles_fts WHERE rowid = ?1")?;
            let mut delete_cjk = tx.prepare_cached("DELETE FROM articles_cjk WHERE rowid = ?1")?;
            let mut delete = tx.prepare_cached("DELETE FROM articles WHERE id = ?1")?;
            for id in ids {
                let row: Option<(String, bool, Option<i64>, String)> = select
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .optional()?;
                let Some((key, is_unread, feed, source)) = row else {
                    if !done.missing.contains(id) {
                        done.missing.push(*id);
                    }
                    continue;
                };
                remember.execute([&key])?;
                delete_fts.execute([id])?;
                delete_cjk.execute([id])?;
                delete.execute([id])?;
                total += 1;
                unread += i64::from(is_unread);
                tally.add(feed, &source, -1, -i64::from(is_unread));
                done.deleted.push(*id);
            }
        }
        super::counts::adjust_counts(&tx, -total, -unread)?;
        tally.apply(&tx)?;
        tx.commit().context("deleting the articles")?;
        Ok(done)
    }

    /// How many deleted articles' identities the store remembers.
    pub fn remembered_deletions(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM deleted", [], |r| r.get(0))?;
        Ok(n as usize)
    }
}

/// True when an article with `dedup_key` was deleted: it is not stored again.
pub(super) fn was_deleted(tx: &rusqlite::Connection, dedup_key: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM deleted WHERE dedup_key = ?1")?
        .query_row(params![dedup_key], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;
    use crate::domain::store::testing::now;

    fn item(guid: &str) -> NewArticle {
        NewArticle {
            guid: Some(guid.into()),
            source: "Wire".into(),
            title: format!("Story {guid} about the ferry"),
            paragraphs: vec![format!("The ferry story {guid}.")],
            ..Default::default()
        }
    }

    #[test]
    fn deleted_articles_leave_the_index_and_do_not_come_back() {
        let store = Store::open_in_memory().unwrap();
        let feed = store.add_feed("https://a.example/rss", None).unwrap();
        let items = [item("1"), item("2"), item("3")];
        store.upsert(Some(&feed), &items, now()).unwrap();
        store.import(&[item("local")], now()).unwrap();
        let ids = store
            .search(&Default::default(), Default::default())
            .unwrap()
            .ids;
        let gone = store
            .delete_many(&[ids[0], ids[1], ArticleId(999)])
            .unwrap();
        assert_eq!(gone.deleted, [ids[0], ids[1]]);
        assert_eq!(gone.missing, [ArticleId(999)]);
        assert_eq!(store.count().unwrap(), 2);
        assert_eq!(store.recount().unwrap(), (2, 2));
        assert_eq!(
            store.source_counts().unwrap(),
            store.recount_sources().unwrap()
        );
        let ferry = crate::domain::search::parse("ferry", now(), false).unwrap();
        assert_eq!(
            store.search(&ferry, Default::default()).unwrap().ids.len(),
            2
        );
        // The next fetch of the same items, and an import of the same file, add nothing.
        let counts = store.upsert(Some(&feed), &items, now()).unwrap();
        assert_eq!(counts.new, 0);
        store.import(&[item("local")], now()).unwrap();
        assert_eq!(store.count().unwrap(), 2);
        assert_eq!(store.remembered_deletions().unwrap(), 2);
    }
}
