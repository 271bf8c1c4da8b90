//! A parsed query as SQL over the word index, the CJK bigram index and the article table.

use anyhow::{Context, Result};
use rusqlite::types::Value;

use super::clause::Clause;
use super::handles::Articles;
use crate::domain::model::{ArticleId, Summary};
use crate::domain::search::query::{Query, Term, Within};
use crate::domain::search::{Order, cjk};

/// The FTS5 expression for one term in the word index, or `None` when the term has no
/// letters or digits to look for. A term with other spellings (`fluege`) asks for any.
fn word_expression(term: &Term) -> Option<String> {
    if !term.has_text() {
        return None;
    }
    let spellings: Vec<String> = term
        .spellings()
        .iter()
        .map(|t| {
            let mut expr = format!("\"{}\"", t.text.replace('"', "\"\""));
            if t.prefix {
                expr.push_str(" *");
            }
            expr
        })
        .collect();
    let mut expr = match spellings.as_slice() {
        [one] => one.clone(),
        many => format!("({})", many.join(" OR ")),
    };
    if let Some(field) = term.field {
        expr = format!("{} : {expr}", field.column());
    }
    Some(expr)
}

fn cjk_expression(term: &Term) -> Option<String> {
    let expr = cjk::match_expression(&term.text)?;
    Some(match term.field {
        Some(field) => format!("{} : ({expr})", field.column()),
        None => expr,
    })
}

/// SQL pieces built from a query.
struct Plan {
    /// The word-index expression that drives the query and gives the ranking.
    main: Option<String>,
    /// Everything else the rows must meet.
    filter: Clause,
}

/// Rows whose id the word index (or the CJK bigram index) matches with `expr`.
fn in_words(expr: String) -> Clause {
    Clause::new(
        "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
        vec![Value::Text(expr)],
    )
}

fn in_cjk(expr: String) -> Clause {
    Clause::new(
        "a.id IN (SELECT rowid FROM articles_cjk WHERE articles_cjk MATCH ?)",
        vec![Value::Text(expr)],
    )
}

/// The condition for a source, and for a source text the words the word index holds
/// for it, which narrow the rows to check from the whole archive to that source's (and
/// the few others that share its words).
fn within_clause(within: &Within) -> (Clause, Option<String>) {
    match within {
        Within::Feed(id) => (
            Clause::new("a.feed_id = ?", vec![Value::Integer(*id)]),
            None,
        ),
        Within::Tag(tag) => (tagged(tag), None),
        Within::Account(id) => (
            Clause::new(
                "a.feed_id IN (SELECT id FROM feeds WHERE account_id = ?)",
                vec![Value::Integer(*id)],
            ),
            None,
        ),
        Within::Local(source) => {
            let words: Vec<String> = source
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(8)
                .map(|w| format!("\"{w}\""))
                .collect();
            let expr = (!words.is_empty()).then(|| format!("source : ({})", words.join(" AND ")));
            (
                Clause::new(
                    "a.feed_id IS NULL AND a.source = ?",
                    vec![Value::Text(source.clone())],
                ),
                expr,
            )
        }
    }
}

/// The articles whose feed has `tag`, or that a rule tagged with it; case aside, as
/// words are.
fn tagged(tag: &str) -> Clause {
    Clause::new(
        "(a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ? COLLATE NOCASE)
          OR a.id IN (SELECT id FROM article_tags WHERE tag = ? COLLATE NOCASE))",
        vec![Value::Text(tag.to_owned()), Value::Text(tag.to_owned())],
    )
}

fn plan(query: &Query) -> Plan {
    let mut filter = Clause::always();
    let mut main_groups = Vec::new();
    for group in &query.groups {
        if group.any_of.iter().any(Term::is_cjk) {
            // A group that reaches into the bigram index is a condition of its own.
            let alternatives = group
                .any_of
                .iter()
                .filter_map(|term| {
                    if term.is_cjk() {
                        cjk_expression(term).map(in_cjk)
                    } else {
                        word_expression(term).map(in_words)
                    }
                })
                .collect();
            if let Some(any) = Clause::any(alternatives) {
                filter = filter.and(any);
            }
        } else {
            let parts: Vec<String> = group.any_of.iter().filter_map(word_expression).collect();
            if !parts.is_empty() {
                main_groups.push(format!("({})", parts.join(" OR ")));
            }
        }
    }
    let mut excluded_words = Vec::new();
    for term in &query.excluded {
        if term.is_cjk() {
            if let Some(expr) = cjk_expression(term) {
                filter = filter.and(in_cjk(expr).not());
            }
        } else if let Some(expr) = word_expression(term) {
            excluded_words.push(expr);
        }
    }
    if let Some(within) = &query.within {
        let (clause, words) = within_clause(within);
        filter = filter.and(clause);
        main_groups.extend(words);
    }
    let mut main = None;
    if main_groups.is_empty() {
        if !excluded_words.is_empty() {
            filter = filter.and(in_words(excluded_words.join(" OR ")).not());
        }
    } else {
        let mut words = main_groups.join(" AND ");
        if !excluded_words.is_empty() {
            words = format!("({words}) NOT ({})", excluded_words.join(" OR "));
        }
        main = Some(words);
    }
    let flag = |sql: &str, value: bool| Clause::new(sql, vec![Value::Integer(i64::from(value))]);
    if let Some(read) = query.read {
        filter = filter.and(flag("a.read = ?", read));
    }
    if let Some(starred) = query.starred {
        filter = filter.and(flag("a.starred = ?", starred));
    }
    // What a rule hid is in no list but the one that asks for it.
    filter = filter.and(flag("a.hidden = ?", query.hidden));
    if let Some(tag) = &query.tag {
        filter = filter.and(tagged(tag));
    }
    if let Some(after) = query.after {
        filter = filter.and(Clause::new("a.sort_key >= ?", vec![Value::Integer(after)]));
    }
    if let Some(before) = query.before {
        // Undated articles carry the smallest sort key; a date filter never matches them.
        filter = filter.and(Clause::new(
            "a.sort_key < ? AND a.sort_key > ?",
            vec![Value::Integer(before), Value::Integer(i64::MIN)],
        ));
    }
    Plan { main, filter }
}

/// Past this many matches, results come newest first instead of ranked: BM25 must score
/// every match, which takes over 100 ms for a word in all of 100,000 articles, and a
/// query that broad has no useful "best" match anyway.
pub const RANK_LIMIT: usize = 20_000;

/// Below this many word-index matches, joining each match to its row is cheapest; above
/// it, one pass over the date index checked against the set of matches is.
const JOIN_LIMIT: usize = 5_000;

/// The newest-first walk over the articles that meet `filter`, for filters and broad
/// searches. The date index holds read, starred and the date, so a walk filtered on them
/// stays in the index (a test checks SQLite's plan).
fn walk(filter: &Clause) -> String {
    format!(
        "SELECT a.id FROM articles a WHERE {} ORDER BY a.sort_key DESC, a.id DESC",
        filter.sql()
    )
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// Every match, in order: ids only, so a result of any size is cheap to hold and its
    /// rows are loaded a screen at a time.
    pub ids: Vec<ArticleId>,
    /// False when the results are newest first although relevance was asked for.
    pub ranked: bool,
}

impl Articles<'_> {
    pub fn search(&self, query: &Query, order: Order) -> Result<Found> {
        let Plan { main, filter } = plan(query);
        let Some(main) = main else {
            return Ok(Found {
                ids: self.ids(&walk(&filter), filter.into_params())?,
                ranked: false,
            });
        };
        // One pass over the word index gives both the matches and their number.
        let matched = self.ids(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
            vec![Value::Text(main.clone())],
        )?;
        let matching = Clause::new("articles_fts MATCH ?", vec![Value::Text(main)]);
        let joined = matching.and(filter.clone());
        let from_matches = format!(
            "SELECT a.id FROM articles_fts f CROSS JOIN articles a ON a.id = f.rowid WHERE {}",
            joined.sql()
        );
        if order == Order::Relevance && query.has_words_to_rank() && matched.len() <= RANK_LIMIT {
            let sql = format!("{from_matches} ORDER BY f.rank, a.sort_key DESC, a.id DESC");
            return Ok(Found {
                ids: self.ids(&sql, joined.into_params())?,
                ranked: true,
            });
        }
        if matched.len() <= JOIN_LIMIT {
            let sql = format!("{from_matches} ORDER BY a.sort_key DESC, a.id DESC");
            return Ok(Found {
                ids: self.ids(&sql, joined.into_params())?,
                ranked: false,
            });
        }
        // Many matches: mark them in a bit set, then walk the date index once.
        let top = matched.iter().map(|id| id.0).max().unwrap_or(0).max(0) as usize;
        let mut set = vec![0u64; top / 64 + 1];
        for id in &matched {
            let i = id.0.max(0) as usize;
            set[i / 64] |= 1 << (i % 64);
        }
        let ids = self
            .ids(&walk(&filter), filter.into_params())?
            .into_iter()
            .filter(|id| {
                let i = id.0.max(0) as usize;
                set.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
            })
            .collect();
        Ok(Found { ids, ranked: false })
    }

    /// The articles with ids above `after` that `query` finds, by id: what a rule
    /// catches among new rows. The word index is asked for rows past `after` only, which
    /// it finds without reading the postings before them.
    pub(super) fn matching_after(&self, query: &Query, after: i64) -> Result<Vec<ArticleId>> {
        let Plan { main, filter } = plan(query);
        let (sql, clause) = match main {
            None => {
                let clause = Clause::new("a.id > ?", vec![Value::Integer(after)]).and(filter);
                let sql = format!(
                    "SELECT a.id FROM articles a WHERE {} ORDER BY a.id",
                    clause.sql()
                );
                (sql, clause)
            }
            Some(main) => {
                let clause = Clause::new("articles_fts MATCH ?", vec![Value::Text(main)])
                    .and(Clause::new("f.rowid > ?", vec![Value::Integer(after)]))
                    .and(filter);
                let sql = format!(
                    "SELECT a.id FROM articles_fts f CROSS JOIN articles a ON a.id = f.rowid
                     WHERE {} ORDER BY f.rowid",
                    clause.sql()
                );
                (sql, clause)
            }
        };
        self.ids(&sql, clause.into_params())
    }

    fn ids(&self, sql: &str, params: Vec<Value>) -> Result<Vec<ArticleId>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let ids = stmt
            .query_map(rusqlite::params_from_iter(params), |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<ArticleId>>>()
            .context("searching the store")?;
        Ok(ids)
    }

    /// The list rows for `ids`, in the same order; ids no longer stored are skipped.
    pub fn summaries_by_ids(&self, ids: &[ArticleId]) -> Result<Vec<Summary>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(summary) = self.summary(*id)? {
                out.push(summary);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{NewArticle, Published};
    use crate::domain::search::parse;
    use crate::domain::store::Store;

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap();
        let article =
            |guid: &str, source: &str, title: &str, body: &str, date: Option<&str>| NewArticle {
                guid: Some(guid.into()),
                source: source.into(),
                title: title.into(),
                authors: vec!["Seo Ji-eun".into()],
                published: date.map(|d| Published::parse_rfc3339(d).unwrap()),
                paragraphs: vec![body.into()],
                ..Default::default()
            };
        store
            .articles()
            .import(
                &[
                    article(
                        "1",
                        "Harbour Daily",
                        "Night ferry returns",
                        "The ferry sails to Ägypten at night.",
                        Some("2025-01-10T00:00:00Z"),
                    ),
                    article(
                        "2",
                        "Harbour Daily",
                        "Storm closes port",
                        "No ferry today; the storm is too strong.",
                        Some("2024-12-05T00:00:00Z"),
                    ),
                    article(
                        "3",
                        "Minato",
                        "東京の地下鉄、終電を30分延長へ",
                        "終電の延長は来年から。",
                        Some("2024-11-01T00:00:00Z"),
                    ),
                    article(
                        "4",
                        "Field Notes",
                        "Swifts over the mill",
                        "We counted 212 swifts in kvæstrup.",
                        None,
                    ),
                ],
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        store
    }

    fn ids(store: &Store, query: &str) -> Vec<i64> {
        let q = parse(query, "2025-01-15T00:00:00Z".parse().unwrap(), false).unwrap();
        store
            .articles()
            .search(&q, Order::Newest)
            .unwrap()
            .ids
            .into_iter()
            .map(|i| i.0)
            .collect()
    }

    #[test]
    fn each_construct_selects_what_it_says() {
        let s = store();
        assert_eq!(ids(&s, "ferry"), [1, 2]);
        assert_eq!(ids(&s, "ferry -storm"), [1]);
        assert_eq!(ids(&s, "ferry NOT storm"), [1]);
        assert_eq!(ids(&s, "-ferry"), [3, 4]);
        assert_eq!(ids(&s, "\"ferry sails\""), [1]);
        assert_eq!(ids(&s, "\"sails ferry\""), Vec::<i64>::new());
        assert_eq!(ids(&s, "swifts OR storm"), [2, 4]);
        assert_eq!(ids(&s, "title:ferry"), [1]);
        assert_eq!(ids(&s, "author:seo source:harbour"), [1, 2]);
        assert_eq!(ids(&s, "after:2025-01-01"), [1]);
        assert_eq!(ids(&s, "before:2024-12-31"), [2, 3]);
        assert_eq!(ids(&s, "since:7d"), [1]);
        assert_eq!(ids(&s, "is:unread"), [1, 2, 3, 4]);
        assert!(ids(&s, "is:read").is_empty());
        assert!(ids(&s, "is:starred").is_empty());
        assert_eq!(ids(&s, ""), [1, 2, 3, 4]);
    }

    #[test]
    fn a_source_chosen_narrows_every_query_to_it() {
        let store = store();
        let feed = store
            .feeds()
            .add_feed("https://a.example/rss", None)
            .unwrap();
        let other = store
            .feeds()
            .add_feed("https://b.example/rss", None)
            .unwrap();
        let item = |guid: &str, title: &str| NewArticle {
            guid: Some(guid.into()),
            source: "Harbour Daily".into(),
            title: title.into(),
            paragraphs: vec!["A ferry story from the feed.".into()],
            ..Default::default()
        };
        store
            .feeds()
            .upsert(
                Some(&feed),
                &[item("f1", "Feed ferry")],
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        store
            .feeds()
            .upsert(
                Some(&other),
                &[item("f2", "Other ferry")],
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        store.feeds().tag_feed(other.id, "boats").unwrap();
        let within = |within: Within, text: &str| {
            let mut q = parse(text, "2025-01-15T00:00:00Z".parse().unwrap(), false).unwrap();
            q.within = Some(within);
            store
                .articles()
                .search(&q, Order::Newest)
                .unwrap()
                .ids
                .into_iter()
                .map(|i| i.0)
                .collect::<Vec<_>>()
        };
        // Local "Harbour Daily" is the two imported articles, not the feed items whose
        // source text is the same.
        assert_eq!(within(Within::Local("Harbour Daily".into()), ""), [1, 2]);
        assert_eq!(within(Within::Local("Harbour Daily".into()), "storm"), [2]);
        assert_eq!(
            within(Within::Local("Harbour".into()), ""),
            Vec::<i64>::new()
        );
        assert_eq!(within(Within::Local("Field Notes".into()), ""), [4]);
        assert_eq!(within(Within::Local("—".into()), ""), Vec::<i64>::new());
        assert_eq!(within(Within::Feed(feed.id), ""), [5]);
        assert_eq!(within(Within::Feed(feed.id), "ferry"), [5]);
        assert_eq!(within(Within::Feed(feed.id), "storm"), Vec::<i64>::new());
        assert_eq!(within(Within::Tag("boats".into()), ""), [6]);
        assert_eq!(within(Within::Tag("none".into()), ""), Vec::<i64>::new());
    }

    #[test]
    fn unicode_folding_and_cjk_substrings() {
        let s = store();
        assert_eq!(ids(&s, "agypten"), [1]);
        assert_eq!(ids(&s, "ÄGYPTEN"), [1]);
        assert_eq!(ids(&s, "KVÆSTRUP"), [4]);
        assert_eq!(ids(&s, "終電"), [3]);
        assert_eq!(ids(&s, "地下鉄"), [3]);
        assert_eq!(ids(&s, "title:延長"), [3]);
        assert_eq!(ids(&s, "終電 OR storm"), [2, 3]);
        assert_eq!(ids(&s, "-終電"), [1, 2, 4]);
        assert!(ids(&s, "大阪").is_empty());
    }

    #[test]
    fn umlauts_typed_as_two_letters_find_the_real_spelling() {
        let s = Store::open_in_memory().unwrap();
        let article = |guid: &str, title: &str, body: &str| NewArticle {
            guid: Some(guid.into()),
            source: "Alpen Bote".into(),
            title: title.into(),
            paragraphs: vec![body.into()],
            ..Default::default()
        };
        s.articles()
            .import(
                &[
                    article(
                        "1",
                        "Billige Flüge ab München",
                        "Mehr Verkehr auf der Straße.",
                    ),
                    article("2", "Hafenfest in Ålesund", "Boote und Musik."),
                    article(
                        "3",
                        "A blue queue",
                        "The fluege myth and a muenchen mention.",
                    ),
                ],
                jiff::Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        assert_eq!(ids(&s, "fluege"), [3, 1]);
        assert_eq!(ids(&s, "muenchen"), [3, 1]);
        assert_eq!(ids(&s, "title:fluege"), [1]);
        assert_eq!(ids(&s, "strasse"), [1]);
        assert_eq!(ids(&s, "aalesund"), [2]);
        assert_eq!(ids(&s, "\"billige fluege\""), [1]);
        assert_eq!(ids(&s, "fluege -muenchen"), Vec::<i64>::new());
        // Prefixes too, as the last word is being typed.
        let q = parse("fluege", jiff::Timestamp::UNIX_EPOCH, true).unwrap();
        assert_eq!(s.articles().search(&q, Order::Newest).unwrap().ids.len(), 2);
        // A prefix too short to tell (`flue` → `flü*`) waits for more letters.
        let q = parse("flue", jiff::Timestamp::UNIX_EPOCH, true).unwrap();
        assert_eq!(s.articles().search(&q, Order::Newest).unwrap().ids.len(), 1);
        // The real letters still find themselves, and plain words are unchanged.
        assert_eq!(ids(&s, "flüge"), [1]);
        assert_eq!(ids(&s, "blue"), [3]);
    }

    #[test]
    fn broad_searches_walk_the_date_index_alone() {
        let s = store();
        let filter = Clause::new("a.read = 0", Vec::new())
            .and(Clause::new("a.starred = 0", Vec::new()))
            .and(Clause::new("a.sort_key >= 0", Vec::new()));
        let sql = format!("EXPLAIN QUERY PLAN {}", walk(&filter));
        let mut stmt = s.conn.prepare(&sql).unwrap();
        let steps: Vec<String> = stmt
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = steps.join("; ");
        assert!(plan.contains("COVERING INDEX articles_newest"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    /// Every condition a query becomes carries exactly the values its placeholders take.
    #[test]
    fn each_plan_has_one_value_a_placeholder() {
        for text in [
            "ferry",
            "終電 OR storm -地下鉄 -ferry is:unread is:starred after:2024-01-01 before:2025-01-01",
            "-ferry -storm",
            "title:延長 author:seo",
            "is:read since:7d",
        ] {
            let q = parse(text, "2025-01-15T00:00:00Z".parse().unwrap(), false).unwrap();
            let Plan { filter, .. } = plan(&q);
            let placeholders = filter.sql().matches('?').count();
            assert_eq!(placeholders, filter.into_params().len(), "{text}");
        }
    }

    #[test]
    fn prefixes_and_relevance() {
        let s = store();
        let q = parse("fer", jiff::Timestamp::UNIX_EPOCH, true).unwrap();
        assert_eq!(s.articles().search(&q, Order::Newest).unwrap().ids.len(), 2);
        // Both mention the ferry; the one with it in the title ranks first.
        let q = parse("ferry", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
        assert_eq!(
            s.articles().search(&q, Order::Relevance).unwrap().ids[0],
            ArticleId(1)
        );
        let q = parse("\"—\" ferry", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
        assert_eq!(
            s.articles().search(&q, Order::Newest).unwrap().ids.len(),
            2,
            "a term without letters is ignored"
        );
    }
}
