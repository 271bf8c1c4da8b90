//! What the store's tests share: a sample article, a fixed clock, a word-index count.

use jiff::Timestamp;

use super::Store;
use crate::domain::model::{NewArticle, Published};

pub fn article(title: &str, published: Option<&str>) -> NewArticle {
    NewArticle {
        source: "Test Wire".into(),
        title: title.into(),
        authors: vec!["Ana Lima".into(), "Bo Chen".into()],
        published: published.map(|p| Published::parse_rfc3339(p).unwrap()),
        paragraphs: vec!["First paragraph.".into(), "Second one.".into()],
        ..Default::default()
    }
}

pub fn now() -> Timestamp {
    Timestamp::from_second(1_700_000_000).unwrap()
}

pub fn fts_hits(store: &Store, word: &str) -> i64 {
    store
        .conn
        .query_row(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1",
            [word],
            |r| r.get(0),
        )
        .unwrap()
}
