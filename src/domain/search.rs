//! Search: the query language, the CJK bigram index, and finding matches to highlight.
//! The store turns a parsed query into SQL (`store::search`).

pub mod cjk;
pub mod highlight;
pub mod query;
pub mod spelling;

pub use query::{Query, QueryError, QueryErrorKind, Within, parse};

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Best match first (BM25, title matches weighing most), newest first among equals.
    #[default]
    Relevance,
    Newest,
}
