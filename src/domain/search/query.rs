//! The query language, parsed once into a plain structure that the store turns into SQL
//! and the views use for highlighting.
//!
//! `harbour "night ferry" -storm title:port author:lee source:daily is:unread
//!  after:2024-12-01 before:2025-01-01 since:7d ferry OR boat`

use jiff::Timestamp;

use super::cjk;

/// The query language in brief, for the help screen: (example, meaning).
pub const SYNTAX: &[(&str, &str)] = &[
    ("night ferry", "both words, any order"),
    ("\"night ferry\"", "the exact phrase"),
    ("-storm, NOT storm", "without the word"),
    ("ferry OR boat", "either word"),
    ("title: author: source:", "in that field only"),
    ("is:unread is:read is:starred", "by state"),
    ("tag:news, is:hidden", "tagged; hidden by a rule"),
    ("after:2024-12-01 before:2025", "by date"),
    ("since:7d since:2w", "in the last days, weeks"),
    ("終電, 지하철", "inside CJK text too"),
];

/// Where a term must appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Author,
    Source,
}

impl Field {
    /// The full-text index's column.
    pub fn column(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Author => "authors",
            Field::Source => "source",
        }
    }
}

/// A word or a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub phrase: bool,
    pub field: Option<Field>,
    /// Matches words that start with `text` (the word being typed).
    pub prefix: bool,
}

impl Term {
    pub fn is_cjk(&self) -> bool {
        self.text.chars().any(cjk::is_cjk)
    }

    /// Whether the term has anything the indexes hold: a letter or a digit, or a
    /// character of the CJK bigram index (which holds its punctuation too, `・`).
    /// Punctuation and emoji alone are in no index, so such a term searches for nothing.
    pub fn has_text(&self) -> bool {
        self.text
            .chars()
            .any(|c| c.is_alphanumeric() || cjk::is_cjk(c))
    }

    /// This term, then the same term in each other spelling of its letter pairs
    /// (`fluege`, `flüge`): what the index and the highlighting look for.
    pub fn spellings(&self) -> Vec<Term> {
        if self.is_cjk() {
            return vec![self.clone()];
        }
        super::spelling::variants(&self.text)
            .into_iter()
            .enumerate()
            // A short prefix in another spelling is a common start of other words
            // (`does` → `dös`, folded `dos*`): measured on the generated corpus, such
            // prefixes brought most false matches, so they wait for more letters.
            .filter(|(i, text)| {
                *i == 0 || !self.prefix || text.chars().count() >= super::spelling::MIN_PREFIX_CHARS
            })
            .map(|(_, text)| Term {
                text,
                ..self.clone()
            })
            .collect()
    }
}

/// Terms of which at least one must match (`a OR b`); most groups hold one term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub any_of: Vec<Term>,
}

/// Where the articles come from: the source chosen in the sources pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Within {
    /// One feed's articles.
    Feed(i64),
    /// The articles of every feed with this tag.
    Tag(String),
    /// Articles of no feed with this source text: imported files, the samples.
    Local(String),
    /// The articles of every feed of this sync account.
    Account(i64),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Only the articles of this source; `None`: all of them.
    pub within: Option<Within>,
    /// Every group must match.
    pub groups: Vec<Group>,
    /// No term here may match.
    pub excluded: Vec<Term>,
    pub read: Option<bool>,
    pub starred: Option<bool>,
    /// Published at or after / before these instants (Unix seconds).
    pub after: Option<i64>,
    pub before: Option<i64>,
    /// `is:hidden`: only the articles a rule hid; otherwise they are left out.
    pub hidden: bool,
    /// `tag:NAME`: articles a rule tagged, or whose feed has the tag.
    pub tag: Option<String>,
}

impl Query {
    /// True when the query selects every article.
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    /// True when the query has words to rank by: a group in the word index with a word
    /// of the text or the title. Names (`source:`, `author:`), states and dates only
    /// filter, and CJK terms are matched apart from the ranking; with nothing else, a
    /// "best" order would be arbitrary, so such a query lists newest first.
    pub fn has_words_to_rank(&self) -> bool {
        self.groups.iter().any(|g| {
            !g.any_of.iter().any(Term::is_cjk)
                && g.any_of
                    .iter()
                    .any(|t| matches!(t.field, None | Some(Field::Title)))
        })
    }

    /// The terms to highlight: every term that must or may match.
    pub fn highlight_terms(&self) -> impl Iterator<Item = &Term> + Clone {
        self.groups.iter().flat_map(|g| g.any_of.iter())
    }
}

/// The most words, phrases, operators and filters one query may hold. Every term costs
/// an index lookup and a highlighting pass over each article shown, and the prompt
/// parses the whole query on every key: a pasted book of a query would make each key
/// cost seconds and gigabytes. No one types a hundred terms.
pub const MAX_TERMS: usize = 100;

/// The longest query, in characters; checked before any parsing, so an enormous paste
/// costs no more than this to refuse.
pub const MAX_QUERY_CHARS: usize = 2_000;

/// The furthest back `since:` reaches. Past this the arithmetic on the span would
/// overflow (`since:9223372036854775807h`), and no archive is older.
pub const MAX_SINCE_YEARS: i64 = 1_000;

/// Which way a query is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryErrorKind {
    /// It does not parse: an open quote, a field that is not one, a bad date.
    Malformed,
    /// It has text but nothing in it to search for (only punctuation or emoji, which the
    /// word index does not hold): taken as it is, it would match every article.
    NothingToSearch,
}

/// What is wrong with a query, in words for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub kind: QueryErrorKind,
    message: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

fn error(message: impl Into<String>) -> QueryError {
    QueryError {
        kind: QueryErrorKind::Malformed,
        message: message.into(),
    }
}

/// The error for a query with nothing to search for (see [`QueryErrorKind`]).
pub fn nothing_to_search() -> QueryError {
    QueryError {
        kind: QueryErrorKind::NothingToSearch,
        message: "the query has nothing to search for (no letters or digits), so it would \
                  match every article: give a word, a phrase, or a filter such as is:unread"
            .into(),
    }
}

/// Splits the input into raw tokens, keeping quoted phrases (and `field:"a phrase"`) whole.
/// Refuses input over `MAX_QUERY_CHARS` or `MAX_TERMS` tokens as soon as it sees it, so the
/// work is bounded by the caps, not by the input.
fn tokens(input: &str) -> Result<Vec<String>, QueryError> {
    // Bytes bound characters from above: most input passes without counting.
    if input.len() > MAX_QUERY_CHARS && input.chars().nth(MAX_QUERY_CHARS).is_some() {
        return Err(error(format!(
            "a query is at most {MAX_QUERY_CHARS} characters long"
        )));
    }
    let too_many = || {
        error(format!(
            "a query has at most {MAX_TERMS} words, phrases, operators and filters"
        ))
    };
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in input.chars() {
        match c {
            '"' | '“' | '”' => {
                current.push('"');
                in_quotes = !in_quotes;
            }
            c if c.is_whitespace() && !in_quotes => {
                if !current.is_empty() {
                    if out.len() == MAX_TERMS {
                        return Err(too_many());
                    }
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if in_quotes {
        return Err(error("a quote is not closed: add the closing \""));
    }
    if !current.is_empty() {
        if out.len() == MAX_TERMS {
            return Err(too_many());
        }
        out.push(current);
    }
    Ok(out)
}

/// Parses `input`. `now` anchors `since:`; `typing` makes the last word a prefix, as the
/// search-as-you-type prompt wants (unless the input ends with a space).
pub fn parse(input: &str, now: Timestamp, typing: bool) -> Result<Query, QueryError> {
    let raw = tokens(input)?;
    let mut query = Query::default();
    let mut negate_next = false;
    let mut or_pending = false;
    let last_index = raw.len().saturating_sub(1);
    let prefix_last = typing && !input.ends_with(char::is_whitespace);

    for (index, token) in raw.iter().enumerate() {
        if token == "OR" {
            if query.groups.is_empty() || or_pending || negate_next {
                return Err(error("OR needs a word on each side"));
            }
            or_pending = true;
            continue;
        }
        if token == "NOT" {
            negate_next = true;
            continue;
        }
        let (negated, body) = match token.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            Some(_) => continue,
            None => (negate_next, token.as_str()),
        };
        negate_next = false;

        if let Some(filter) = filter(body, now)? {
            if or_pending {
                return Err(error("OR joins words, not filters such as is: or after:"));
            }
            if negated {
                return Err(error(format!("`{body}` cannot be negated")));
            }
            filter.apply(&mut query);
            continue;
        }
        let mut term = term(body)?;
        if term.text.is_empty() {
            continue;
        }
        term.prefix = prefix_last && index == last_index && !term.phrase && !negated;
        if negated {
            if or_pending {
                return Err(error("a word after OR cannot be negated"));
            }
            query.excluded.push(term);
        } else if or_pending {
            or_pending = false;
            if let Some(group) = query.groups.last_mut() {
                group.any_of.push(term);
            }
        } else {
            query.groups.push(Group { any_of: vec![term] });
        }
    }
    if or_pending && !(typing && raw.last().is_some_and(|t| t == "OR")) {
        return Err(error("OR needs a word on each side"));
    }
    // Terms with no letters or digits are in no index: left in, they looked for nothing,
    // and a query of only such terms matched every article.
    for group in &mut query.groups {
        group.any_of.retain(Term::has_text);
    }
    query.groups.retain(|g| !g.any_of.is_empty());
    query.excluded.retain(Term::has_text);
    if query.is_empty() && !input.trim().is_empty() {
        return Err(nothing_to_search());
    }
    // The same word twice selects the same articles as once, but each CJK term is a
    // lookup of its own in the store: `終電` a hundred times cost a second.
    dedup(&mut query.groups);
    dedup(&mut query.excluded);
    if let (Some(after), Some(before)) = (query.after, query.before)
        && after >= before
    {
        return Err(error("after: must be earlier than before:"));
    }
    Ok(query)
}

/// Drops later copies, keeping the order; quadratic, but over at most `MAX_TERMS` items.
fn dedup<T: PartialEq>(items: &mut Vec<T>) {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    *items = kept;
}

fn term(body: &str) -> Result<Term, QueryError> {
    let (field, text) = match body.split_once(':') {
        Some((name, rest)) if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic()) => {
            let field = match name.to_ascii_lowercase().as_str() {
                "title" => Field::Title,
                "author" | "by" => Field::Author,
                "source" => Field::Source,
                other => {
                    return Err(error(format!(
                        "`{other}:` is not a field; use title:, author:, source:, tag:, is:, \
                         after:, before: or since: (quote the text to search for it)"
                    )));
                }
            };
            if rest.is_empty() {
                return Err(error(format!("`{name}:` needs a word after it")));
            }
            (Some(field), rest)
        }
        _ => (None, body),
    };
    let phrase = text.starts_with('"');
    let text = text.trim_matches('"').trim().to_owned();
    Ok(Term {
        phrase: phrase && text.contains(char::is_whitespace),
        text,
        field,
        prefix: false,
    })
}

enum Filter {
    Read(bool),
    Starred(bool),
    Hidden,
    Tag(String),
    After(i64),
    Before(i64),
}

impl Filter {
    fn apply(self, query: &mut Query) {
        match self {
            Filter::Read(r) => query.read = Some(r),
            Filter::Starred(s) => query.starred = Some(s),
            Filter::Hidden => query.hidden = true,
            Filter::Tag(tag) => query.tag = Some(tag),
            Filter::After(t) => query.after = Some(query.after.map_or(t, |a| a.max(t))),
            Filter::Before(t) => query.before = Some(query.before.map_or(t, |b| b.min(t))),
        }
    }
}

fn filter(body: &str, now: Timestamp) -> Result<Option<Filter>, QueryError> {
    let Some((name, value)) = body.split_once(':') else {
        return Ok(None);
    };
    let value = value.trim_matches('"');
    let filter = match name.to_ascii_lowercase().as_str() {
        "is" => match value.to_ascii_lowercase().as_str() {
            "unread" | "new" => Filter::Read(false),
            "read" => Filter::Read(true),
            "starred" | "star" => Filter::Starred(true),
            "unstarred" => Filter::Starred(false),
            "hidden" => Filter::Hidden,
            _ => {
                return Err(error(format!(
                    "`is:{value}` is not a flag; use is:unread, is:read, is:starred or is:hidden"
                )));
            }
        },
        "tag" if !value.trim().is_empty() => Filter::Tag(value.trim().to_owned()),
        "tag" => return Err(error("`tag:` needs a tag's name after it")),
        "after" => Filter::After(day(value, "after")?),
        "before" => Filter::Before(day(value, "before")?),
        "since" => Filter::After(since(value, now)?),
        _ => return Ok(None),
    };
    Ok(Some(filter))
}

/// `2024-12-01` (or `2024-12`, `2024`) as the first second of that day, in UTC.
fn day(value: &str, name: &str) -> Result<i64, QueryError> {
    let full = match value.len() {
        4 => format!("{value}-01-01"),
        7 => format!("{value}-01"),
        _ => value.to_owned(),
    };
    let date = full
        .parse::<jiff::civil::Date>()
        .map_err(|_| error(format!("`{name}:{value}` needs a date like 2024-12-01")))?;
    // The first and last days of jiff's range (years -9999 and 9999) are partly outside
    // the instants it can hold in UTC: those dates mean "from the start" and "to the end".
    Ok(jiff::tz::Offset::UTC
        .to_timestamp(date.at(0, 0, 0, 0))
        .unwrap_or(if date.year() < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        })
        .as_second())
}

/// `7d`, `2w`, `3m` (months of 30 days), `1y` (365 days), `12h` before `now`; at most
/// `MAX_SINCE_YEARS` back.
fn since(value: &str, now: Timestamp) -> Result<i64, QueryError> {
    let bad = || {
        error(format!(
            "`since:{value}` needs a span like 7d, 2w, 3m or 12h"
        ))
    };
    let too_far = || error(format!("since: at most {MAX_SINCE_YEARS} years"));
    let split = value.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (digits, unit) = value.split_at(split);
    let hours_per_unit: i64 = match unit {
        "h" => 1,
        "d" => 24,
        "w" => 24 * 7,
        "m" => 24 * 30,
        "y" => 24 * 365,
        _ => return Err(bad()),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    // Only digits here: a number that does not fit is too large, not malformed.
    let n: i64 = digits.parse().map_err(|_| too_far())?;
    let hours = n
        .checked_mul(hours_per_unit)
        .filter(|h| *h <= MAX_SINCE_YEARS * 365 * 24)
        .ok_or_else(too_far)?;
    now.checked_sub(jiff::SignedDuration::from_hours(hours))
        .map(|t| t.as_second())
        .map_err(|_| too_far())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-24T12:00:00Z".parse().unwrap()
    }

    fn q(input: &str) -> Query {
        parse(input, now(), false).unwrap()
    }

    fn word(text: &str) -> Term {
        Term {
            text: text.into(),
            phrase: false,
            field: None,
            prefix: false,
        }
    }

    #[test]
    fn words_phrases_negation_and_or() {
        let query = q(r#"harbour "night ferry" -storm NOT fog ferry OR boat"#);
        assert_eq!(query.groups.len(), 3);
        assert_eq!(query.groups[0].any_of, [word("harbour")]);
        assert!(query.groups[1].any_of[0].phrase);
        assert_eq!(query.groups[1].any_of[0].text, "night ferry");
        assert_eq!(query.groups[2].any_of, [word("ferry"), word("boat")]);
        assert_eq!(query.excluded, [word("storm"), word("fog")]);
    }

    #[test]
    fn fields_flags_and_dates() {
        let query = q(
            "title:port author:\"seo ji-eun\" source:daily is:unread is:starred after:2024-12-01 before:2025-01",
        );
        let fields: Vec<_> = query.groups.iter().map(|g| g.any_of[0].field).collect();
        assert_eq!(
            fields,
            [Some(Field::Title), Some(Field::Author), Some(Field::Source)]
        );
        assert_eq!(query.groups[1].any_of[0].text, "seo ji-eun");
        assert_eq!(query.read, Some(false));
        assert_eq!(query.starred, Some(true));
        assert_eq!(query.after, Some(1_733_011_200));
        assert_eq!(query.before, Some(1_735_689_600));
        assert_eq!(q("is:read").read, Some(true));
    }

    #[test]
    fn relative_dates_count_back_from_now() {
        let week = q("since:7d").after.unwrap();
        assert_eq!(now().as_second() - week, 7 * 86_400);
        assert_eq!(
            now().as_second() - q("since:2w").after.unwrap(),
            14 * 86_400
        );
        assert_eq!(
            now().as_second() - q("since:12h").after.unwrap(),
            12 * 3_600
        );
    }

    #[test]
    fn typing_makes_the_last_word_a_prefix() {
        let query = parse("night fer", now(), true).unwrap();
        assert!(!query.groups[0].any_of[0].prefix);
        assert!(query.groups[1].any_of[0].prefix);
        let done = parse("night fer ", now(), true).unwrap();
        assert!(!done.groups[1].any_of[0].prefix);
        assert!(
            parse("ferry OR", now(), true).is_ok(),
            "OR still being typed"
        );
    }

    #[test]
    fn malformed_queries_say_what_is_wrong() {
        let err = |input: &str| parse(input, now(), false).unwrap_err().to_string();
        assert!(err("\"night ferry").contains("quote"));
        assert!(err("OR ferry").contains("OR"));
        assert!(err("ferry OR").contains("OR"));
        assert!(err("ferry OR OR boat").contains("OR"));
        assert!(err("colour:red").contains("not a field"));
        assert!(err("is:sleepy").contains("is:unread"));
        assert!(err("after:yesterday").contains("2024-12-01"));
        assert!(err("since:soon").contains("7d"));
        assert!(err("since:5x").contains("7d"));
        assert!(err("after:2025-01-01 before:2024-01-01").contains("earlier"));
        assert!(err("title:").contains("needs a word"));
        assert!(err("-is:unread").contains("negated"));
    }

    #[test]
    fn huge_spans_are_an_error_not_a_crash() {
        let err = |input: &str| parse(input, now(), true).unwrap_err().to_string();
        for input in [
            "since:99999999999d",
            "since:9223372036854775807h",
            "since:9223372036854775807y",
            "since:99999999999999999999999999w",
            "since:1000000m",
        ] {
            assert!(err(input).contains("at most"), "{input}: {}", err(input));
        }
        // The largest span accepted still gives a date, before `now`.
        let oldest = q(&format!("since:{MAX_SINCE_YEARS}y")).after.unwrap();
        assert!(oldest < now().as_second());
        assert!(err(&format!("since:{}y", MAX_SINCE_YEARS + 1)).contains("at most"));
    }

    proptest::proptest! {
        #[test]
        fn any_span_is_a_date_before_now_or_an_error(
            n in proptest::prelude::any::<u128>(),
            unit in "[hdwmyx]",
            typing in proptest::prelude::any::<bool>(),
        ) {
            match parse(&format!("since:{n}{unit}"), now(), typing) {
                Ok(query) => {
                    let after = query.after.unwrap();
                    proptest::prop_assert!(after <= now().as_second());
                    proptest::prop_assert!(now().as_second() - after <= MAX_SINCE_YEARS * 366 * 86_400);
                }
                Err(err) => proptest::prop_assert!(err.to_string().contains("at most") || err.to_string().contains("7d")),
            }
        }
    }

    #[test]
    fn repeated_terms_are_searched_once() {
        let query = q("終電 ferry 終電 ferry OR boat ferry OR boat -storm -storm 終電");
        assert_eq!(query.groups.len(), 3, "{query:?}");
        assert_eq!(query.excluded.len(), 1);
        let typing = parse("ferry fer", now(), true).unwrap();
        assert_eq!(typing.groups.len(), 2, "a prefix differs from the word");
    }

    #[test]
    fn extreme_dates_are_an_error_or_a_date() {
        for input in [
            "after:0000-01-01",
            "before:9999-12-31",
            "after:9999-12-31",
            "before:0000",
            "after:-009999-01-01",
        ] {
            let _ = parse(input, now(), false);
        }
        assert!(parse("after:99999-01-01", now(), false).is_err());
        assert!(parse("before:9999-12-32", now(), false).is_err());
        assert!(q("before:9999-12-31").before.is_some());
    }

    #[test]
    fn queries_are_bounded_by_terms_and_length() {
        let err = |input: &str| parse(input, now(), true).unwrap_err().to_string();
        let words = |n: usize| vec!["ferry"; n].join(" ");
        assert!(parse(&words(MAX_TERMS), now(), true).is_ok());
        assert!(err(&words(MAX_TERMS + 1)).contains("at most"));
        assert!(err(&words(5_000)).contains("at most"));
        assert!(err(&vec!["ferry"; 5_000].join(" OR ")).contains("at most"));
        assert!(err(&vec!["\"a b\""; 10_000].join(" ")).contains("at most"));
        assert!(err(&"(".repeat(100_000)).contains("at most"));
        assert!(err(&"x".repeat(1 << 20)).contains("at most"));
        let longest = "y".repeat(MAX_QUERY_CHARS);
        assert!(parse(&longest, now(), true).is_ok());
        assert!(err(&format!("{longest}y")).contains("at most"));
        // Filters count too: thousands of them are as much work as words.
        assert!(err(&vec!["is:unread"; 5_000].join(" ")).contains("at most"));
    }

    #[test]
    fn a_query_with_nothing_to_search_for_is_its_own_error() {
        for input in [
            "(",
            "((",
            "- ",
            "—",
            "🦀",
            "🦀 🎉",
            "\"(\"",
            "-(",
            "( OR )",
            "title:(",
            "NOT ?",
            "!!! ...",
            "\"\"",
        ] {
            for typing in [false, true] {
                let err = parse(input, now(), typing).unwrap_err();
                assert_eq!(err.kind, QueryErrorKind::NothingToSearch, "{input}: {err}");
                assert!(
                    err.to_string().contains("nothing to search for"),
                    "{input}: {err}"
                );
            }
        }
        // A field, a flag or a date searches for something; so does a word beside punctuation.
        for input in [
            "is:unread",
            "source:Daily",
            "since:7d",
            "tag:news",
            "is:hidden",
            "before:2025",
            "-storm",
            "( ferry )",
            "ferry OR (",
            "C++",
            "10:30",
            "終電",
        ] {
            assert!(parse(input, now(), false).is_ok(), "{input}");
        }
        // Punctuation beside a word is not searched for, as the index has no such word.
        assert_eq!(q("( ferry").groups.len(), 1);
        assert!(q("-( ferry").excluded.is_empty());
    }

    #[test]
    fn empty_and_odd_input() {
        assert!(q("").is_empty());
        assert!(q("   ").is_empty());
        assert_eq!(q("10:30").groups[0].any_of[0].text, "10:30");
        assert!(q("終電").groups[0].any_of[0].is_cjk());
    }
}
