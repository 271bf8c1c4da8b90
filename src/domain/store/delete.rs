//! Deleting articles for good: each leaves the word indexes, the counts and the per-source
//! counts, and its identity (its dedup key) is remembered, so that the next fetch or
//! import of the same item does not bring it back. The space is reused by later writes.

use anyhow::{Context, Result};
use rusqlite::{OptionalExtension, params};

use super::handles::Articles;
use super::prepared::Prepared;
use super::sources::Tally;
use crate::domain::model::{Article, ArticleId, NewArticle};

/// What a delete did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Deleted {
    pub deleted: Vec<ArticleId>,
    /// Ids given that the store does not hold.
    pub missing: Vec<ArticleId>,
}

impl Articles<'_> {
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

/// An article taken out by [`Articles::take_out`], with what puts it back as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct TakenOut {
    pub article: Article,
    dedup_key: String,
    feed_id: Option<i64>,
    /// Its entry id on its account's server: put back, its changes still reach it.
    remote_id: Option<String>,
    /// Hidden by a rule, and the tags rules gave it: put back with it.
    hidden: bool,
    tags: Vec<String>,
}

impl Articles<'_> {
    /// Deletes `ids` as [`Articles::delete_many`] does, and returns them whole, so that an
    /// undo in the same session can put them back ([`Articles::put_back`]).
    pub fn take_out(&self, ids: &[ArticleId]) -> Result<Vec<TakenOut>> {
        let mut taken = Vec::new();
        for id in ids {
            let Some(article) = self.article(*id)? else {
                continue;
            };
            let (dedup_key, feed_id, hidden, remote_id) = self.conn.query_row(
                "SELECT dedup_key, feed_id, hidden, remote_id FROM articles WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let tags = {
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT tag FROM article_tags WHERE id = ?1")?;
                stmt.query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?
            };
            taken.push(TakenOut {
                article,
                dedup_key,
                feed_id,
                remote_id,
                hidden,
                tags,
            });
        }
        self.delete_many(ids)?;
        Ok(taken)
    }

    /// Puts back articles taken out: the same id, identity, feed, text, links, marks and
    /// reading position, found by search again; forgotten as deleted.
    pub fn put_back(&self, taken: &[TakenOut]) -> Result<Vec<ArticleId>> {
        let codec = self.loaded_codec()?.clone();
        let tx = self.write()?;
        let mut ids = Vec::new();
        for one in taken {
            tx.execute("DELETE FROM deleted WHERE dedup_key = ?1", [&one.dedup_key])?;
            let a = &one.article;
            let new = NewArticle {
                guid: a.guid.clone(),
                source: a.summary.source.clone(),
                title: a.summary.title.clone(),
                authors: a.summary.authors.clone(),
                published: a.summary.published,
                url: a.summary.url.clone(),
                summary: a.summary_text.clone(),
                paragraphs: a.paragraphs.clone(),
                links: a.links.clone(),
                enclosures: a.enclosures.clone(),
                read: a.summary.read,
                starred: a.summary.starred,
            };
            let mut row = Prepared::new(&new, &codec);
            row.dedup_key = one.dedup_key.clone();
            row.feed_id = one.feed_id;
            row.remote_id = one.remote_id.clone();
            // Under its own id again, so undo history and selections that name it still
            // do; unless a newer article took that id meanwhile (ids are reused from
            // the top), then under a new one.
            let free = tx
                .query_row(
                    "SELECT 1 FROM articles WHERE id = ?1",
                    [a.summary.id],
                    |_| Ok(()),
                )
                .optional()?
                .is_none();
            row.id = free.then_some(a.summary.id.0);
            super::insert::insert_prepared(&tx, std::slice::from_ref(&row), a.added, &codec)?;
            let id: Option<ArticleId> = tx
                .query_row(
                    "SELECT id FROM articles WHERE dedup_key = ?1",
                    [&one.dedup_key],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = id {
                tx.execute(
                    "UPDATE articles SET pos_paragraph = ?2, pos_offset = ?3, hidden = ?4
                     WHERE id = ?1",
                    params![
                        id,
                        a.position.paragraph as i64,
                        a.position.offset as i64,
                        one.hidden
                    ],
                )?;
                for tag in &one.tags {
                    tx.execute(
                        "INSERT OR IGNORE INTO article_tags (id, tag) VALUES (?1, ?2)",
                        params![id, tag],
                    )?;
                }
                ids.push(id);
            }
        }
        tx.commit().context("putting the articles back")?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;
    use crate::domain::store::Store;
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
        let feed = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let items = [item("1"), item("2"), item("3")];
        store.feeds().upsert(Some(&feed), &items, now()).unwrap();
        store.articles().import(&[item("local")], now()).unwrap();
        let ids = store
            .articles()
            .search(&Default::default(), Default::default())
            .unwrap()
            .ids;
        let gone = store
            .articles()
            .delete_many(&[ids[0], ids[1], ArticleId(999)])
            .unwrap();
        assert_eq!(gone.deleted, [ids[0], ids[1]]);
        assert_eq!(gone.missing, [ArticleId(999)]);
        assert_eq!(store.articles().count().unwrap(), 2);
        assert_eq!(store.maintenance().recount().unwrap(), (2, 2));
        assert_eq!(
            store.articles().source_counts().unwrap(),
            store.maintenance().recount_sources().unwrap()
        );
        let ferry = crate::domain::search::parse("ferry", now(), false).unwrap();
        assert_eq!(
            store
                .articles()
                .search(&ferry, Default::default())
                .unwrap()
                .ids
                .len(),
            2
        );
        // The next fetch of the same items, and an import of the same file, add nothing.
        let counts = store.feeds().upsert(Some(&feed), &items, now()).unwrap();
        assert_eq!(counts.new, 0);
        store.articles().import(&[item("local")], now()).unwrap();
        assert_eq!(store.articles().count().unwrap(), 2);
        assert_eq!(store.articles().remembered_deletions().unwrap(), 2);
    }

    #[test]
    fn taken_out_articles_are_put_back_as_they_were() {
        let store = Store::open_in_memory().unwrap();
        let feed = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let mut one = item("1");
        one.links = vec!["https://a.example/more".into()];
        store
            .feeds()
            .upsert(Some(&feed), &[one.clone(), item("2")], now())
            .unwrap();
        let ids = store
            .articles()
            .search(&Default::default(), Default::default())
            .unwrap()
            .ids;
        let id = ids
            .iter()
            .copied()
            .find(|id| store.articles().article(*id).unwrap().unwrap().links.len() == 1)
            .unwrap();
        store.articles().set_starred(id, true).unwrap();
        store.articles().set_read(id, true).unwrap();
        let before = store.articles().article(id).unwrap().unwrap();
        let taken = store.articles().take_out(&[id]).unwrap();
        assert_eq!(store.articles().count().unwrap(), 1);
        let back = store.articles().put_back(&taken).unwrap();
        assert_eq!(back, [id], "under its own id");
        let after = store.articles().article(back[0]).unwrap().unwrap();
        assert_eq!(
            (
                after.summary.title.as_str(),
                after.summary.read,
                after.summary.starred
            ),
            (before.summary.title.as_str(), true, true)
        );
        assert_eq!(after.links, before.links);
        assert_eq!(after.paragraphs, before.paragraphs);
        assert_eq!(store.maintenance().recount().unwrap(), (2, 1));
        assert_eq!(
            store.articles().source_counts().unwrap(),
            store.maintenance().recount_sources().unwrap()
        );
        assert_eq!(store.articles().remembered_deletions().unwrap(), 0);
        // The newest article taken out, its id taken by a newer one: put back under a
        // new id.
        let top: i64 = store
            .connection()
            .query_row("SELECT max(id) FROM articles", [], |r| r.get(0))
            .unwrap();
        let top_title = store
            .articles()
            .article(ArticleId(top))
            .unwrap()
            .unwrap()
            .summary
            .title;
        let taken = store.articles().take_out(&[ArticleId(top)]).unwrap();
        store.articles().import(&[item("newer")], now()).unwrap();
        let newer: i64 = store
            .connection()
            .query_row("SELECT max(id) FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(newer, top, "its id was reused");
        let back = store.articles().put_back(&taken).unwrap();
        assert_ne!(back, [ArticleId(top)]);
        assert_eq!(store.articles().count().unwrap(), 3);
        assert_eq!(
            store
                .articles()
                .article(back[0])
                .unwrap()
                .unwrap()
                .summary
                .title,
            top_title
        );
        // Its feed's next fetch finds it, rather than adding it again.
        let counts = store.feeds().upsert(Some(&feed), &[one], now()).unwrap();
        assert_eq!(counts.new, 0);
        let ferry = crate::domain::search::parse("ferry", now(), false).unwrap();
        assert_eq!(
            store
                .articles()
                .search(&ferry, Default::default())
                .unwrap()
                .ids
                .len(),
            3,
            "the two put back and the newer one"
        );
    }
}
