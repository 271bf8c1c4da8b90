//! Step 2: the CJK bigram index, filled for the articles stored before it.
//!
//! Frozen once shipped: this step's SQL and code call nothing outside `migrations/`, so a
//! later change to how search segments CJK text (search/cjk.rs, store/prepared.rs) cannot
//! change what an upgrade does. A change to the index's text is a new step that
//! re-indexes.

use anyhow::Result;
use rusqlite::Transaction;

const CJK_INDEX: &str = r#"
-- CJK text has no spaces between words: a bigram index of its CJK runs lets any part of a
-- word be found (see search/cjk.rs). Contentless: it holds only the index.
CREATE VIRTUAL TABLE articles_cjk USING fts5(
    title, authors, source, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61'
);

-- Relevance: a match in the title counts most, then authors and source, then the body.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(8.0, 4.0, 2.0, 1.0)');

CREATE TABLE views (
    name     TEXT PRIMARY KEY,
    query    TEXT NOT NULL,
    position INTEGER NOT NULL
);
"#;

pub(super) fn step(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(CJK_INDEX)?;
    let mut select = tx.prepare(
        "SELECT a.id, a.title, a.authors, a.source, b.body
         FROM articles a JOIN bodies b ON b.id = a.id",
    )?;
    let mut insert = tx.prepare(
        "INSERT INTO articles_cjk (rowid, title, authors, source, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let fields: [String; 4] = [row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?];
        let columns = fields.each_ref().map(|f| bigrams(f));
        if columns.iter().all(Option::is_none) {
            continue;
        }
        let [title, authors, source, body] = columns.map(Option::unwrap_or_default);
        let id: i64 = row.get(0)?;
        insert.execute(rusqlite::params![id, title, authors, source, body])?;
    }
    Ok(())
}

/// Han, kana and Hangul: the scripts that need the bigram index.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'      // Hangul Jamo
        | '\u{3040}'..='\u{30FF}'    // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}'    // Hangul compatibility Jamo
        | '\u{3400}'..='\u{4DBF}'    // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'    // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'    // half-width Katakana
        | '\u{20000}'..='\u{2FA1F}'  // CJK extensions B–F and supplements
    )
}

/// The text to index for `text`: each CJK run's bigrams and its last character,
/// separated by spaces; `None` when there is no CJK at all.
fn bigrams(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| !is_cjk(*c)) {
            chars.next();
        }
        let mut run = Vec::new();
        while let Some(&c) = chars.peek().filter(|c| is_cjk(**c)) {
            run.push(c);
            chars.next();
        }
        if run.is_empty() {
            break;
        }
        for pair in run.windows(2) {
            out.extend(pair);
            out.push(' ');
        }
        if let Some(last) = run.last() {
            out.push(*last);
            out.push(' ');
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_become_bigrams_and_their_last_character() {
        assert_eq!(bigrams("plain English"), None);
        assert_eq!(
            bigrams("東京の地下鉄、終電を30分").unwrap(),
            "東京 京の の地 地下 下鉄 鉄 終電 電を を 分 "
        );
        assert!(bigrams("서울 지하철도").unwrap().contains("지하 하철 철도"));
    }

    /// A store of schema 1 with a CJK article and an English one: the step indexes the
    /// CJK text of the first, column by column, and nothing of the second.
    #[test]
    fn articles_stored_before_the_index_are_indexed() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(super::super::CREATE).unwrap();
        tx.execute_batch(
            "INSERT INTO articles (id, dedup_key, source, title, authors, sort_key, added)
                 VALUES (1, 'a', '新聞', '終電を延長', '山田', 5, 0),
                        (2, 'b', 'Wire', 'Ferry', '', 5, 0);
             INSERT INTO bodies (id, body) VALUES (1, '地下鉄'), (2, 'The ferry.');",
        )
        .unwrap();
        step(&tx).unwrap();
        let found = |query: &str| -> Vec<i64> {
            tx.prepare("SELECT rowid FROM articles_cjk WHERE articles_cjk MATCH ?1")
                .unwrap()
                .query_map([query], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(found("body:\"地下 下鉄\""), [1]);
        assert_eq!(found("title:\"終電\""), [1]);
        assert_eq!(found("authors:\"山田\""), [1]);
        assert_eq!(found("source:\"新聞\""), [1]);
        assert_eq!(found("body:\"終電\""), Vec::<i64>::new());
        let rows: i64 = tx
            .query_row("SELECT count(*) FROM articles_cjk", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1, "no row for an article without CJK");
    }
}
