//! Step 8: article bodies compressed with zstd, with a dictionary trained on the store's
//! own bodies when it has enough of them.
//!
//! Frozen once shipped: it compresses with the frozen codec beside it (`codec.rs`), not
//! the live one, so a later change to how bodies are compressed cannot change what this
//! step writes.

use anyhow::Result;
use rusqlite::Transaction;

use super::codec::{Codec, TRAIN_AT};

const COMPRESSED_BODIES: &str = r#"
-- Bodies are zstd-compressed (store/codec.rs), with a dictionary trained on the store's
-- own bodies once it has enough of them. They were 65% of the store's bytes.
CREATE TABLE dictionaries (
    -- zstd's id of the dictionary, which each compressed body names in its frame
    id   INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
"#;

pub(super) fn step(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(COMPRESSED_BODIES)?;
    let mut codec = Codec::load(tx)?;
    let bodies: i64 = tx.query_row("SELECT count(*) FROM bodies", [], |r| r.get(0))?;
    if bodies as usize >= TRAIN_AT && codec.train(tx)? {
        return Ok(());
    }
    codec.recompress(tx)
}

#[cfg(test)]
mod tests {
    use crate::domain::model::ArticleId;
    use crate::domain::store::Store;

    /// A text of 400 words from a small vocabulary, different for each `i`.
    fn body(i: usize) -> String {
        let words = [
            "harbour",
            "ferry",
            "timetable",
            "council",
            "tram",
            "bridge",
            "river",
            "morning",
            "station",
            "weather",
            "market",
            "season",
            "crossing",
            "pier",
            "island",
            "route",
        ];
        let text: Vec<&str> = (0..400)
            .map(|j| words[(i * 7 + j * j) % words.len()])
            .collect();
        format!("{}\n\nNumber {i}.", text.join(" "))
    }

    /// A store of schema 7 with enough bodies to train on: the upgrade trains one
    /// dictionary, compresses every body with it, and the store reads them back (step 9
    /// then takes out a links section through the same dictionary).
    #[test]
    fn enough_bodies_are_compressed_with_a_trained_dictionary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", "off").unwrap();
        let tx = conn.transaction().unwrap();
        for step in &super::super::STEPS[..7] {
            step.run(&tx).unwrap();
        }
        tx.pragma_update(None, "user_version", 7).unwrap();
        let count = super::TRAIN_AT + 100;
        for i in 1..=count {
            tx.execute(
                "INSERT INTO articles (id, dedup_key, source, title, authors, sort_key, added)
                 VALUES (?1, ?2, 'Wire', 'T', '', 5, 0)",
                rusqlite::params![i as i64, format!("guid:{i}")],
            )
            .unwrap();
            let mut text = body(i);
            if i == 3 {
                text.push_str("\n\nLinks:\n\n[1] https://harbour.example/timetable");
            }
            tx.execute(
                "INSERT INTO bodies (id, body) VALUES (?1, ?2)",
                rusqlite::params![i as i64, text],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let conn = store.connection();
        let dictionaries: Vec<i64> = conn
            .prepare("SELECT id FROM dictionaries")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(dictionaries.len(), 1, "one dictionary trained");
        let mut stmt = conn.prepare("SELECT body FROM bodies").unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut seen = 0;
        while let Some(row) = rows.next().unwrap() {
            let blob: Vec<u8> = row.get(0).unwrap();
            let id = zstd::zstd_safe::get_dict_id_from_frame(&blob).map(|d| i64::from(d.get()));
            assert_eq!(id, Some(dictionaries[0]), "compressed with the dictionary");
            seen += 1;
        }
        assert_eq!(seen, count);
        for i in [1, 3, count] {
            let article = store
                .articles()
                .article(ArticleId(i as i64))
                .unwrap()
                .unwrap();
            assert_eq!(article.paragraphs.join("\n\n"), body(i), "article {i}");
        }
        let linked = store.articles().article(ArticleId(3)).unwrap().unwrap();
        assert_eq!(linked.links, ["https://harbour.example/timetable"]);
        assert_eq!(store.maintenance().integrity_check().unwrap(), "ok");
    }
}
