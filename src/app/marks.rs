//! Highlighted matches in the open article, from a search or from find-in-article.

use std::ops::Range;

use super::reader::{LineKind, Reader};
use crate::search::highlight;
use crate::search::query::Term;

/// One match: where it is in the title or a body paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub kind: LineKind,
    pub paragraph: usize,
    pub range: Range<usize>,
}

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

/// The wrapped line holding the start of `mark`.
pub fn line_of(reader: &Reader, mark: &Mark) -> Option<usize> {
    reader.lines.iter().position(|l| {
        l.kind == mark.kind
            && l.paragraph == mark.paragraph
            && l.start <= mark.range.start
            && mark.range.start < l.end.max(l.start + 1)
    })
}
