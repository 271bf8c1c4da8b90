//! Finding the matches to highlight in the open article, from a search or from
//! find-in-article. The reader keeps them and scrolls between them.

use super::reader::{LineKind, Mark, Reader};
use crate::domain::search::highlight;
use crate::domain::search::query::Term;

/// Every match of `terms` in the article's title and body, in reading order.
pub fn find<'a>(reader: &Reader, terms: impl Iterator<Item = &'a Term> + Clone) -> Vec<Mark> {
    let mut marks: Vec<Mark> = highlight::find(&reader.article.summary.title, terms.clone())
        .into_iter()
        .map(|range| Mark {
            kind: LineKind::Title,
            paragraph: 0,
            range,
        })
        .collect();
    for (index, paragraph) in reader.article.paragraphs.iter().enumerate() {
        marks.extend(
            highlight::find(paragraph, terms.clone())
                .into_iter()
                .map(|range| Mark {
                    kind: LineKind::Body,
                    paragraph: index,
                    range,
                }),
        );
    }
    marks
}
