//! Adding articles, in bulk or a few at a time, each with its body, links and entries in
//! both word indexes, training the compression dictionary when it is due; and removing
//! one.

use anyhow::{Context, Result};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::counts::adjust_counts;
use super::handles::{Articles, RulesOnNew};
use super::sources::Tally;
use super::{Codec, Prepared, Store};
use crate::domain::model::{ArticleId, NewArticle};

/// What one import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    pub imported: usize,
    pub already_present: usize,
}

impl ImportCounts {
    pub fn add(&mut self, other: ImportCounts) {
        self.imported += other.imported;
        self.already_present += other.already_present;
    }
}

impl Articles<'_> {
    /// Stores `articles` in one transaction; an article already present (same dedup key) is
    /// counted and left as it is.
    pub fn import(&self, articles: &[NewArticle], added: Timestamp) -> Result<ImportCounts> {
        let rows = articles
            .iter()
            .map(|a| self.prepare(a))
            .collect::<Result<Vec<Prepared>>>()?;
        self.import_prepared(&rows, added)
    }

    /// As [`Articles::import`], for rows prepared in advance (on another thread, in a bulk
    /// import), so that the writer does nothing but write.
    pub fn import_prepared(&self, rows: &[Prepared], added: Timestamp) -> Result<ImportCounts> {
        let tx = self.write()?;
        self.train_when_due(&tx, rows)?;
        let before = super::fulltext::last_id(&tx)?;
        let counts = insert_prepared(&tx, rows, added, self.loaded_codec()?)?;
        if counts.imported > 0 {
            self.stored_new_after(before, RulesOnNew::Now)?;
        }
        tx.commit().context("committing the import")?;
        Ok(counts)
    }

    /// The codec that compresses bodies, for threads that prepare rows.
    pub fn codec(&self) -> Result<Codec> {
        Ok(self.loaded_codec()?.clone())
    }

    /// An article as a row to write.
    pub fn prepare(&self, article: &NewArticle) -> Result<Prepared> {
        Ok(Prepared::new(article, self.loaded_codec()?))
    }

    /// Removes an article and its index entry.
    pub fn delete(&self, id: ArticleId) -> Result<()> {
        let tx = self.write()?;
        let row: Option<(bool, Option<i64>, String)> = tx
            .query_row(
                "SELECT read = 0, feed_id, source FROM articles WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        tx.execute("DELETE FROM articles_fts WHERE rowid = ?1", [id])?;
        tx.execute("DELETE FROM articles_cjk WHERE rowid = ?1", [id])?;
        tx.execute("DELETE FROM articles WHERE id = ?1", [id])?;
        if let Some((unread, feed, source)) = row {
            adjust_counts(&tx, -1, -i64::from(unread))?;
            let mut tally = Tally::default();
            tally.add(feed, &source, -1, -i64::from(unread));
            tally.apply(&tx)?;
        }
        tx.commit().context("deleting the article")?;
        Ok(())
    }
}

impl Store {
    /// The codec, with the store's dictionaries read: what writing needs.
    pub(super) fn loaded_codec(&self) -> Result<&Codec> {
        if !self.codec_loaded.get() {
            self.codec.reload(&self.conn)?;
            self.codec_loaded.set(true);
        }
        Ok(&self.codec)
    }

    /// Trains the compression dictionary, inside the caller's transaction, once the
    /// store with `rows` written has enough bodies for it; before `rows` are written, so
    /// that they are compressed with it too.
    pub(super) fn train_when_due(&self, tx: &Connection, rows: &[Prepared]) -> Result<()> {
        if self.loaded_codec()?.has_dictionary()
            || self.articles().count()? + rows.len() < self.train_at.get()
        {
            return Ok(());
        }
        let texts: Vec<&str> = rows.iter().map(|r| r.body.as_str()).collect();
        if !self.codec.train(tx, &texts)? {
            // Too little text: try again when there is twice as much.
            self.train_at
                .set((self.articles().count()? + rows.len()).saturating_mul(2));
        }
        Ok(())
    }
}

impl Store {
    /// An incoming article matched (`found`) or not to a stored one, for a feed's items
    /// and a server's entries alike: a match is rewritten in place (keeping a page's text
    /// that is longer than the feed's); anything else waits in `fresh`, for
    /// [`Store::insert_fresh`].
    pub(super) fn update_or_keep(
        &self,
        tx: &Connection,
        found: Option<i64>,
        article: &NewArticle,
        row: Prepared,
        fresh: &mut Vec<Prepared>,
        counts: &mut super::UpsertCounts,
    ) -> Result<()> {
        let Some(id) = found else {
            fresh.push(row);
            return Ok(());
        };
        let kept = super::fulltext::keeping_full_text(self, self.loaded_codec()?, id, article)?;
        if super::rewrite::update_article(tx, id, kept.as_ref().unwrap_or(&row))? {
            counts.updated += 1;
        } else {
            counts.unchanged += 1;
        }
        Ok(())
    }

    /// Stores the articles [`Store::update_or_keep`] kept for insertion, inside the
    /// caller's transaction: the dictionary trained first when due, the rules on what is
    /// new (`before`: the last id before this write), and, for a full-text feed, its new
    /// articles queued for their pages. Returns what was inserted and what was there.
    pub(super) fn insert_fresh(
        &self,
        tx: &Connection,
        fresh: &[Prepared],
        added: Timestamp,
        before: i64,
        rules: RulesOnNew,
        full_text: Option<i64>,
    ) -> Result<ImportCounts> {
        self.train_when_due(tx, fresh)?;
        let inserted = insert_prepared(tx, fresh, added, self.loaded_codec()?)?;
        if inserted.imported > 0 {
            self.stored_new_after(before, rules)?;
        }
        if let Some(feed_id) = full_text {
            super::fulltext::mark_waiting(tx, feed_id, before)?;
        }
        Ok(inserted)
    }
}

/// Adds `rows` inside the caller's transaction; a row whose dedup key is present is
/// counted and left as it is.
pub(super) fn insert_prepared(
    tx: &Connection,
    rows: &[Prepared],
    added: Timestamp,
    codec: &Codec,
) -> Result<ImportCounts> {
    // A dictionary the rows were compressed with, trained while they were prepared.
    codec.save_pending(tx)?;
    let mut counts = ImportCounts::default();
    let mut unread = 0;
    let mut tally = Tally::default();
    let mut insert = tx.prepare_cached(
        "INSERT INTO articles (dedup_key, guid, source, title, authors, published,
             sort_key, url, summary, added, read, starred, feed_id, id, remote_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT(dedup_key) DO NOTHING",
    )?;
    let mut insert_body = tx.prepare_cached("INSERT INTO bodies (id, body) VALUES (?1, ?2)")?;
    let mut insert_links = tx.prepare_cached("INSERT INTO links (id, urls) VALUES (?1, ?2)")?;
    let mut index = tx.prepare_cached(
        "INSERT INTO articles_fts (rowid, title, authors, source, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut cjk_index = tx.prepare_cached(
        "INSERT INTO articles_cjk (rowid, title, authors, source, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for row in rows {
        // Deleted for good: a refetch or a re-import does not bring it back.
        if was_deleted(tx, &row.dedup_key)? {
            counts.already_present += 1;
            continue;
        }
        let changed = insert.execute(params![
            row.dedup_key,
            row.guid,
            row.source,
            row.title,
            row.authors,
            row.published,
            row.sort_key,
            row.url,
            row.summary,
            added.as_second(),
            row.read,
            row.starred,
            row.feed_id,
            row.id,
            row.remote_id,
        ])?;
        if changed == 1 {
            let id = tx.last_insert_rowid();
            if codec.is_stale(&row.stored) {
                insert_body.execute(params![id, codec.compress(&row.body)])?;
            } else {
                insert_body.execute(params![id, row.stored])?;
            }
            if let Some(urls) = &row.stored_links {
                insert_links.execute(params![id, urls])?;
            }
            super::enclosures::write(tx, id, &row.enclosures)?;
            index.execute(params![id, row.title, row.authors, row.source, row.words()])?;
            if let Some(cjk) = &row.cjk {
                cjk_index.execute(params![id, cjk[0], cjk[1], cjk[2], cjk[3]])?;
            }
            counts.imported += 1;
            unread += i64::from(!row.read);
            tally.add(row.feed_id, &row.source, 1, i64::from(!row.read));
        } else {
            counts.already_present += 1;
        }
    }
    adjust_counts(tx, counts.imported as i64, unread)?;
    tally.apply(tx)?;
    Ok(counts)
}

/// True when an article with `dedup_key` was deleted for good (the `deleted` table of
/// store/delete.rs): it is not stored again.
fn was_deleted(tx: &rusqlite::Connection, dedup_key: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM deleted WHERE dedup_key = ?1")?
        .query_row(params![dedup_key], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::Fault;
    use crate::domain::store::hint;
    use crate::domain::store::testing::{article, fts_hits, now};

    #[test]
    fn import_is_idempotent_and_lists_newest_first_undated_last() {
        let store = Store::open_in_memory().unwrap();
        let batch = vec![
            article("Old", Some("2020-01-01T00:00:00Z")),
            article("Undated", None),
            article("New", Some("2025-06-01T12:00:00+02:00")),
        ];
        let counts = store.articles().import(&batch, now()).unwrap();
        assert_eq!(counts.imported, 3);
        let again = store.articles().import(&batch, now()).unwrap();
        assert_eq!(
            again,
            ImportCounts {
                imported: 0,
                already_present: 3
            }
        );
        let titles: Vec<_> = store
            .articles()
            .summaries(None, 0)
            .unwrap()
            .into_iter()
            .map(|s| s.title)
            .collect();
        assert_eq!(titles, ["New", "Old", "Undated"]);
        assert_eq!(store.articles().count().unwrap(), 3);
    }

    /// Links are data: stored apart from the body, read back in order whatever they hold,
    /// found by a search for a word of theirs, and gone with their article.
    #[test]
    fn links_are_kept_as_data_and_found_by_search() {
        let store = Store::open_in_memory().unwrap();
        let mut a = article("With links", None);
        a.links = vec![
            "https://harbour.example/timetable".into(),
            "https://odd.example/a\nb\\c".into(),
            "https://odd.example/line\nbreak".into(),
        ];
        store
            .articles()
            .import(&[a.clone(), article("Without", None)], now())
            .unwrap();
        let with = store.articles().article(ArticleId(1)).unwrap().unwrap();
        assert_eq!(with.paragraphs, a.paragraphs, "no links in the text");
        assert_eq!(with.links, a.links);
        let without = store.articles().article(ArticleId(2)).unwrap().unwrap();
        assert!(without.links.is_empty());
        assert_eq!(fts_hits(&store, "harbour"), 1);
        assert_eq!(fts_hits(&store, "timetable"), 1);
        let mut seen = Vec::new();
        store
            .articles()
            .for_each_article(|a| {
                seen.push(a.links.len());
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, [3, 0]);
        store.articles().delete(ArticleId(1)).unwrap();
        let left: i64 = store
            .conn
            .query_row("SELECT count(*) FROM links", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        assert_eq!(fts_hits(&store, "timetable"), 0);
    }

    #[test]
    fn full_text_index_follows_the_table() {
        let store = Store::open_in_memory().unwrap();
        let mut a = article("Harbour report", None);
        a.paragraphs = vec!["Die Fähre nach Ägypten fährt.".into()];
        store.articles().import(&[a], now()).unwrap();
        assert_eq!(fts_hits(&store, "agypten"), 1);
        let id = store.articles().summaries(Some(1), 0).unwrap()[0].id;
        store.articles().delete(id).unwrap();
        assert_eq!(store.articles().count().unwrap(), 0);
        assert_eq!(fts_hits(&store, "agypten"), 0);
        store
            .conn
            .execute(
                "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap();
        assert_eq!(store.maintenance().integrity_check().unwrap(), "ok");
    }

    #[test]
    fn a_full_disk_fails_the_whole_batch_and_keeps_what_was_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("full.db")).unwrap();
        store
            .articles()
            .import(&[article("Kept", None)], now())
            .unwrap();
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        // SQLite reports a database at its page limit exactly as a full disk.
        store
            .conn
            .query_row(
                &format!("PRAGMA max_page_count = {}", pages + 2),
                [],
                |_| Ok(()),
            )
            .unwrap();
        let big: Vec<NewArticle> = (0..200)
            .map(|i| {
                let mut a = article(&format!("Big {i}"), None);
                a.paragraphs = vec!["words ".repeat(2_000)];
                a
            })
            .collect();
        let err = store.articles().import(&big, now()).unwrap_err();
        assert!(format!("{err:#}").contains("full"), "{err:#}");
        assert_eq!(store.articles().count().unwrap(), 1, "nothing half-written");
        assert_eq!(store.maintenance().integrity_check().unwrap(), "ok");
        store.maintenance().fts_integrity_check().unwrap();
        assert_eq!(Fault::of(&err), Some(Fault::DiskFull));
        assert!(hint(&err).unwrap().contains("disk is full"));
    }

    /// A bulk import into a new store ends with one dictionary, saved, and every body
    /// compressed with it, the rows prepared on the parsing thread included. (That the
    /// parser trains it first, so no row is compressed twice, shows in the import
    /// benchmark's time, not here.)
    #[test]
    fn a_bulk_import_trains_before_it_compresses() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("pile.jsonl");
        let words = [
            "tide", "harbour", "ferry", "crane", "pier", "gull", "net", "buoy",
        ];
        let mut text = String::new();
        for i in 0..2_500 {
            let body: Vec<&str> = (0..300).map(|w| words[(i + w * w) % words.len()]).collect();
            text.push_str(&format!(
                "{{\"guid\": \"p-{i}\", \"title\": \"Pile {i}\", \"body\": \"{}\"}}\n",
                body.join(" ")
            ));
        }
        std::fs::write(&input, text).unwrap();
        let mut store = Store::open(&dir.path().join("herald.db")).unwrap();
        crate::domain::import::import_paths(&mut store, &[input], now(), &mut |p| panic!("{p}"))
            .unwrap();
        let dictionaries: Vec<i64> = store
            .conn
            .prepare("SELECT id FROM dictionaries")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(dictionaries.len(), 1);
        let mut stmt = store.conn.prepare("SELECT body FROM bodies").unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut count = 0;
        while let Some(row) = rows.next().unwrap() {
            let blob: Vec<u8> = row.get(0).unwrap();
            let id = zstd::zstd_safe::get_dict_id_from_frame(&blob).map(|d| i64::from(d.get()));
            assert_eq!(id, Some(dictionaries[0]), "every body with the dictionary");
            count += 1;
        }
        assert_eq!(count, 2_500);
        let first = store.articles().article(ArticleId(1)).unwrap().unwrap();
        assert_eq!(first.paragraphs[0].split(' ').count(), 300);
    }
}
