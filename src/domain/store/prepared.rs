//! An article as the store writes it: the row's columns, the compressed body, the links
//! and the text of both word indexes, all worked out before the write (on the parsing
//! thread, in a bulk import).

use std::borrow::Cow;

use super::{Codec, PARAGRAPH_BREAK, links};
use crate::domain::model::NewArticle;

/// An article as the store writes it: the row's columns, the body and the bigram-index
/// text, all worked out before the write. A bulk import prepares rows on its parsing
/// thread, which leaves the writer (SQLite has one) nothing but writing to do.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(super) dedup_key: String,
    pub(super) guid: Option<String>,
    pub(super) source: String,
    pub(super) title: String,
    pub(super) authors: String,
    pub(super) published: Option<String>,
    pub(super) sort_key: i64,
    pub(super) url: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) read: bool,
    pub(super) starred: bool,
    /// The paragraphs as one text.
    pub(super) body: String,
    /// The body as stored: compressed.
    pub(super) stored: Vec<u8>,
    pub(super) links: Vec<String>,
    /// The links as stored, when there are any.
    pub(super) stored_links: Option<Vec<u8>>,
    pub(super) enclosures: Vec<crate::domain::enclosure::Enclosure>,
    pub(super) cjk: Option<[String; 4]>,
    pub(super) feed_id: Option<i64>,
    /// Its entry id on its feed's account's server (a synced entry).
    pub(super) remote_id: Option<String>,
    /// The id to store it under: an article put back keeps the one it had; `None`, the
    /// next free one.
    pub(super) id: Option<i64>,
}

impl Prepared {
    pub fn new(article: &NewArticle, codec: &Codec) -> Prepared {
        let authors = article.authors.join("\n");
        let body = body_of(&article.paragraphs);
        let stored = codec.compress(&body);
        let words = links::indexed_text(&body, &article.links);
        let cjk = cjk_columns(&[article.title.as_str(), &authors, &article.source, &words]);
        Prepared {
            dedup_key: article.dedup_key(),
            guid: article.guid.clone(),
            source: article.source.clone(),
            title: article.title.clone(),
            authors,
            published: article.published.map(|p| p.rfc3339()),
            // Undated articles sort last.
            sort_key: article.published.map_or(i64::MIN, |p| p.sort_key()),
            url: article.url.clone(),
            summary: article.summary.clone(),
            read: article.read,
            starred: article.starred,
            body,
            stored,
            links: article.links.clone(),
            stored_links: links::pack(&article.links),
            enclosures: article.enclosures.clone(),
            cjk,
            feed_id: None,
            remote_id: None,
            id: None,
        }
    }

    /// The text the word index holds: the body and the links.
    pub(super) fn words(&self) -> Cow<'_, str> {
        links::indexed_text(&self.body, &self.links)
    }

    /// A row for an item of the feed `feed_id` (or of a feed file, `None`), whose
    /// dedup keys start with `scope`.
    pub fn in_scope(
        article: &NewArticle,
        codec: &Codec,
        feed_id: Option<i64>,
        scope: &str,
    ) -> Prepared {
        let mut row = Prepared::new(article, codec);
        row.dedup_key.insert_str(0, scope);
        row.feed_id = feed_id;
        row
    }
}

/// The stored body: paragraphs joined by a blank line. A paragraph holding a blank line
/// of its own would come back as two, so such lines keep a space.
pub(crate) fn body_of(paragraphs: &[String]) -> String {
    let length = paragraphs.iter().map(|p| p.len() + PARAGRAPH_BREAK.len());
    let mut body = String::with_capacity(length.sum());
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            body.push_str(PARAGRAPH_BREAK);
        }
        if p.contains(PARAGRAPH_BREAK) {
            let mut p = p.clone();
            while p.contains(PARAGRAPH_BREAK) {
                p = p.replace(PARAGRAPH_BREAK, "\n \n");
            }
            body.push_str(&p);
        } else {
            body.push_str(p);
        }
    }
    body
}

/// The bigram-index text of title, authors, source and body, or `None` when none of them
/// holds CJK text.
pub(crate) fn cjk_columns<S: AsRef<str>>(fields: &[S; 4]) -> Option<[String; 4]> {
    let columns = fields
        .each_ref()
        .map(|f| crate::domain::search::cjk::index_text(f.as_ref()));
    if columns.iter().all(Option::is_none) {
        return None;
    }
    Some(columns.map(Option::unwrap_or_default))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::Store;
    use crate::domain::store::testing::{article, fts_hits, now};

    #[test]
    fn a_paragraph_with_a_blank_line_stays_one_paragraph() {
        let store = Store::open_in_memory().unwrap();
        let mut a = article("Pre", None);
        a.paragraphs = vec!["code\n\n\nmore".into(), "next".into()];
        store.articles().import(&[a], now()).unwrap();
        let id = store.articles().summaries(Some(1), 0).unwrap()[0].id;
        let back = store.articles().article(id).unwrap().unwrap();
        assert_eq!(back.paragraphs.len(), 2);
        assert_eq!(back.paragraphs[1], "next");
    }

    #[test]
    fn prepared_rows_carry_the_bigram_text_only_when_there_is_cjk() {
        let codec = Codec::default();
        let latin = Prepared::new(
            &article("Harbour report", Some("2025-03-01T09:00:00Z")),
            &codec,
        );
        assert!(latin.cjk.is_none());
        assert_eq!(latin.body, "First paragraph.\n\nSecond one.");
        assert_eq!(latin.authors, "Ana Lima\nBo Chen");
        let mut a = article("終電を延長", None);
        a.paragraphs = vec!["Late trains run longer.".into()];
        let cjk = Prepared::new(&a, &codec);
        let columns = cjk.cjk.as_ref().expect("a CJK title gets bigram text");
        assert!(!columns[0].is_empty());
        assert!(columns[3].is_empty());
        assert_eq!(cjk.sort_key, i64::MIN);
        // Written on another thread or not, a prepared row is found like any other.
        let store = Store::open_in_memory().unwrap();
        let counts = store
            .articles()
            .import_prepared(&[latin, cjk], now())
            .unwrap();
        assert_eq!(counts.imported, 2);
        assert_eq!(fts_hits(&store, "harbour"), 1);
        assert_eq!(store.maintenance().recount().unwrap(), (2, 2));
    }
}
