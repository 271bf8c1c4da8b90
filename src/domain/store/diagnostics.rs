//! Looking after the file: SQLite's and FTS5's consistency checks, where the bytes go,
//! the longest article, and finishing the word index's merging after a bulk import.

use anyhow::{Context, Result};
use rusqlite::OptionalExtension;

use super::handles::Maintenance;
use crate::domain::model::ArticleId;

impl Maintenance<'_> {
    /// Finishes the merging of the word index's segments that a bulk import leaves
    /// half done. FTS5 merges incrementally, a little after each write, so otherwise
    /// the next fetches pay for it: at 100,000 articles they spent most of their time
    /// in `fts5IndexMergeLevel`. Each step is its own short transaction, so the reader
    /// and other writers go on meanwhile.
    pub fn settle_word_index(&self) -> Result<()> {
        // At most this many steps of 2,000 pages (32 MiB) each.
        for _ in 0..10_000 {
            let before = self.conn.total_changes();
            let tx = self.write()?;
            tx.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', 2000)",
                [],
            )?;
            tx.commit().context("merging the word index")?;
            // FTS5's own test for "no work left": fewer than two rows changed.
            if self.conn.total_changes() - before < 2 {
                break;
            }
        }
        // The last merges free the segments they read: 0.34 KiB per article at 100,000,
        // at the end of the file. A store made with `auto_vacuum = INCREMENTAL` gives
        // them back; in others this does nothing, and later writes reuse them.
        let tx = self.write()?;
        {
            // It frees a page per step (a row each): stepped to the end.
            let mut vacuum = tx.prepare("PRAGMA incremental_vacuum")?;
            let mut pages = vacuum.query([])?;
            while pages.next()?.is_some() {}
        }
        tx.commit()
            .context("giving the word index's freed pages back")?;
        Ok(())
    }

    /// Indexes every article again (`reindex.rs`), as the upgrade to schema 15 does with
    /// its frozen copy; the import bench times it, so the upgrade's notice can say how
    /// long it takes.
    pub fn rebuild_word_index(&self) -> Result<()> {
        let tx = self.write()?;
        super::reindex::rebuild(&tx)?;
        tx.commit().context("rebuilding the word index")
    }

    /// Checks that both full-text indexes agree with what they index.
    pub fn fts_integrity_check(&self) -> Result<()> {
        for table in ["articles_fts", "articles_cjk"] {
            self.conn
                .execute(
                    &format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)"),
                    [],
                )
                .with_context(|| format!("{table} does not match the articles"))?;
        }
        Ok(())
    }

    /// The article with the longest body.
    pub fn longest_article(&self) -> Result<Option<ArticleId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM bodies ORDER BY length(body) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Where the file's bytes go, largest first: article rows (with their indexes),
    /// bodies, the word index, the CJK index, and the rest, from SQLite's page census.
    pub fn space(&self) -> Result<Vec<(&'static str, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")?;
        let mut parts: Vec<(&'static str, u64)> = Vec::new();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (name, bytes) = row?;
            let part = if name.starts_with("articles_fts") {
                "word index"
            } else if name.starts_with("articles_cjk") {
                "CJK index"
            } else if name == "bodies" || name.starts_with("sqlite_autoindex_bodies") {
                "bodies"
            } else if name == "links" {
                "links"
            } else if name == "articles"
                || name.starts_with("articles_")
                || name.starts_with("sqlite_autoindex_articles")
            {
                "article rows and their indexes"
            } else {
                "other"
            };
            match parts.iter_mut().find(|(p, _)| *p == part) {
                Some((_, total)) => *total += bytes.max(0) as u64,
                None => parts.push((part, bytes.max(0) as u64)),
            }
        }
        let free: i64 = self
            .conn
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        let page: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        parts.push(("free pages", (free * page).max(0) as u64));
        parts.sort_by_key(|p| std::cmp::Reverse(p.1));
        Ok(parts)
    }

    /// Runs SQLite's own consistency check, returning its verdict.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}
