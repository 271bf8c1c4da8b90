//! JSON articles: one object, an array of objects, or JSON Lines (one object per line).

use serde::Deserialize;
use serde_json::Value;

use super::tidy::{clean, paragraphs_from_body};
use crate::domain::model::{NewArticle, Published};

/// Where a record sits in its file, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Whole,
    Index(usize),
    Line(usize),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Whole => write!(f, "the object"),
            Place::Index(i) => write!(f, "record {i}"),
            Place::Line(l) => write!(f, "line {l}"),
        }
    }
}

/// A record that could not be read: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub place: Place,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub articles: Vec<NewArticle>,
    /// Where each of `articles` was, for warnings about it.
    pub places: Vec<Place>,
    pub errors: Vec<RecordError>,
}

/// The layouts a JSON file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Object,
    Array,
    Lines,
}

/// Tells the layout from the first bytes: `[` is an array; `{` is one object unless its
/// first line is a whole object followed by more text, which makes it JSON Lines.
pub fn shape(text: &str) -> Option<Shape> {
    let trimmed = text.trim_start();
    match trimmed.as_bytes().first()? {
        b'[' => Some(Shape::Array),
        b'{' => {
            let (first, rest) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
            let whole_first_line = serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok();
            if whole_first_line && !rest.trim().is_empty() {
                Some(Shape::Lines)
            } else {
                Some(Shape::Object)
            }
        }
        _ => None,
    }
}

/// Parses a whole JSON document of any shape. A bad record is reported; the rest are kept.
pub fn parse(text: &str, fallback_source: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for_each(text, fallback_source, &mut |place, result| {
        parsed.push(place, result)
    });
    parsed
}

/// As `parse`, handing each record to `each` as soon as it is read, so that only one is in
/// memory at a time: an array of a million records no longer becomes a million values and
/// then a million articles before the first is stored. An array that turns out broken
/// keeps the records before the break.
pub fn for_each(
    text: &str,
    fallback_source: &str,
    each: &mut dyn FnMut(Place, Result<NewArticle, RecordError>),
) {
    let lines = |each: &mut dyn FnMut(Place, Result<NewArticle, RecordError>)| {
        for (index, line) in text.lines().enumerate() {
            if let Some(result) = parse_line(line, index + 1, fallback_source) {
                each(Place::Line(index + 1), result);
            }
        }
    };
    let whole = |reason: String| RecordError {
        place: Place::Whole,
        reason,
    };
    match shape(text) {
        Some(Shape::Lines) => lines(each),
        Some(Shape::Array) => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let visitor = EachRecord {
                fallback_source,
                each: &mut *each,
            };
            let result = serde::Deserializer::deserialize_seq(&mut deserializer, visitor)
                .and_then(|()| deserializer.end());
            if let Err(err) = result {
                each(
                    Place::Whole,
                    Err(whole(format!("not a valid JSON array: {err}"))),
                );
            }
        }
        Some(Shape::Object) => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let first = Value::deserialize(&mut deserializer);
            // A whole value with more after it: JSON Lines after all (a first line that
            // `shape` did not see as a whole object).
            let more = first.is_ok() && deserializer.end().is_err();
            match first {
                Ok(_) if more => lines(each),
                Ok(value) => each(
                    Place::Whole,
                    from_value(value, Place::Whole, fallback_source),
                ),
                Err(err) => each(Place::Whole, Err(whole(format!("not valid JSON: {err}")))),
            }
        }
        None => each(
            Place::Whole,
            Err(whole(
                "not JSON: expected an object, an array or JSON Lines".into(),
            )),
        ),
    }
}

/// Reads a JSON array one element at a time, handing each on as an article.
struct EachRecord<'a, 'b> {
    fallback_source: &'a str,
    each: &'b mut dyn FnMut(Place, Result<NewArticle, RecordError>),
}

impl<'de> serde::de::Visitor<'de> for EachRecord<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of articles")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            let place = Place::Index(index);
            (self.each)(place, from_value(value, place, self.fallback_source));
            index += 1;
        }
        Ok(())
    }
}

impl Parsed {
    fn push(&mut self, place: Place, result: Result<NewArticle, RecordError>) {
        match result {
            Ok(article) => {
                self.articles.push(article);
                self.places.push(place);
            }
            Err(err) => self.errors.push(err),
        }
    }
}

/// One line of JSON Lines; blank lines are skipped (`None`).
pub fn parse_line(
    line: &str,
    number: usize,
    fallback_source: &str,
) -> Option<Result<NewArticle, RecordError>> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let place = Place::Line(number);
    // The typed parse is the fast path; only a failing record pays for a second look that
    // names the offending field.
    Some(match serde_json::from_str::<Record>(line) {
        Ok(record) => record.into_article(place, fallback_source),
        Err(err) => match serde_json::from_str::<Value>(line) {
            Ok(value) => from_value(value, place, fallback_source),
            Err(_) => Err(RecordError {
                place,
                reason: format!("not valid JSON: {err}"),
            }),
        },
    })
}

fn from_value(
    value: Value,
    place: Place,
    fallback_source: &str,
) -> Result<NewArticle, RecordError> {
    if !value.is_object() {
        return Err(RecordError {
            place,
            reason: format!("expected an article object, found {}", kind(&value)),
        });
    }
    if let Some(reason) = wrong_field(&value) {
        return Err(RecordError { place, reason });
    }
    match serde_json::from_value::<Record>(value) {
        Ok(record) => record.into_article(place, fallback_source),
        Err(err) => Err(RecordError {
            place,
            reason: err.to_string(),
        }),
    }
}

/// Names the first field whose type is wrong, so the message can say which.
fn wrong_field(value: &Value) -> Option<String> {
    let fields: &[(&str, &[&str])] = &[
        ("id", &["string", "number"]),
        ("guid", &["string", "number"]),
        ("source", &["string"]),
        ("title", &["string"]),
        ("author", &["string"]),
        ("authors", &["array of strings"]),
        ("published", &["string"]),
        ("url", &["string"]),
        ("summary", &["string"]),
        ("body", &["string"]),
        ("paragraphs", &["array of strings"]),
        ("links", &["array of strings"]),
        ("read", &["boolean"]),
        ("starred", &["boolean"]),
    ];
    for &(name, allowed) in fields {
        let Some(field) = value.get(name) else {
            continue;
        };
        let found = kind(field);
        let ok = field.is_null()
            || allowed.contains(&found)
            || (allowed.contains(&"array of strings")
                && field
                    .as_array()
                    .is_some_and(|items| items.iter().all(Value::is_string)));
        if !ok {
            return Some(format!(
                "field `{name}`: expected {}, found {found}",
                allowed.join(" or ")
            ));
        }
    }
    None
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(serde_json::Number),
}

impl Id {
    fn into_string(self) -> String {
        match self {
            Id::Text(s) => s,
            Id::Number(n) => n.to_string(),
        }
    }
}

/// The fields herald reads; anything else in a record is ignored.
#[derive(Deserialize)]
struct Record {
    id: Option<Id>,
    guid: Option<Id>,
    source: Option<String>,
    title: Option<String>,
    author: Option<String>,
    authors: Option<Vec<String>>,
    published: Option<String>,
    url: Option<String>,
    summary: Option<String>,
    body: Option<String>,
    paragraphs: Option<Vec<String>>,
    links: Option<Vec<String>>,
    /// As `herald export` and `show --json` write them: `{url, type, bytes, seconds}`.
    enclosures: Option<Vec<serde_json::Value>>,
    read: Option<bool>,
    starred: Option<bool>,
}

impl Record {
    fn into_article(self, place: Place, fallback_source: &str) -> Result<NewArticle, RecordError> {
        let fail = |reason: String| RecordError { place, reason };
        let title = self.title.as_deref().map(clean).unwrap_or_default();
        if title.is_empty() {
            return Err(fail("field `title` is missing or empty".into()));
        }
        let published = match self.published.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(Published::parse_rfc3339(text).map_err(|_| {
                fail(format!(
                    "field `published`: `{text}` is not an RFC 3339 date-time \
                     (like 2024-12-03T18:09:00+09:00)"
                ))
            })?),
        };
        let mut paragraphs = match (self.paragraphs, self.body) {
            (Some(list), _) => list
                .iter()
                .map(|p| clean(p))
                .filter(|p| !p.is_empty())
                .collect(),
            (None, Some(body)) => paragraphs_from_body(&body),
            (None, None) => Vec::new(),
        };
        let links = match self.links {
            Some(links) => links.into_iter().map(|l| l.trim().to_owned()).collect(),
            None => lift_link_list(&mut paragraphs),
        };
        let authors = match (self.authors, self.author) {
            (Some(list), _) => list
                .iter()
                .map(|a| clean(a))
                .filter(|a| !a.is_empty())
                .collect(),
            (None, Some(one)) => vec![clean(&one)]
                .into_iter()
                .filter(|a| !a.is_empty())
                .collect(),
            (None, None) => Vec::new(),
        };
        let source = self
            .source
            .as_deref()
            .map(clean)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| fallback_source.to_owned());
        Ok(NewArticle {
            guid: self.guid.or(self.id).map(Id::into_string),
            source,
            title,
            authors,
            published,
            url: self
                .url
                .map(|u| u.trim().to_owned())
                .filter(|u| !u.is_empty()),
            summary: self.summary.map(|s| clean(&s)).filter(|s| !s.is_empty()),
            paragraphs,
            links,
            enclosures: self
                .enclosures
                .unwrap_or_default()
                .iter()
                .filter_map(super::enclosures::exported)
                .collect(),
            read: self.read.unwrap_or(false),
            starred: self.starred.unwrap_or(false),
        })
    }
}

/// Before links were data, an export's paragraphs ended with them: `Links:`, then
/// `[1] https://…`, `[2] …` in order. Such a tail is taken off the paragraphs and read as
/// the links, so an old export imports as the article it was (and with the same key).
fn lift_link_list(paragraphs: &mut Vec<String>) -> Vec<String> {
    let Some(start) = paragraphs.iter().rposition(|p| p == "Links:") else {
        return Vec::new();
    };
    let mut links = Vec::with_capacity(paragraphs.len() - start - 1);
    for (i, paragraph) in paragraphs[start + 1..].iter().enumerate() {
        let link = paragraph
            .strip_prefix('[')
            .and_then(|p| p.strip_prefix(&(i + 1).to_string()))
            .and_then(|p| p.strip_prefix("] "))
            .filter(|link| !link.is_empty() && !link.contains(char::is_whitespace));
        match link {
            Some(link) => links.push(link.to_owned()),
            None => return Vec::new(),
        }
    }
    if !links.is_empty() {
        paragraphs.truncate(start);
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_object_with_every_field() {
        let text = r#"{
  "guid": 42, "source": "Night Desk", "title": "A  title",
  "authors": ["Ana Lima", "Bo Chen"], "published": "2025-01-02T03:04:05+01:00",
  "url": "https://example.org/a", "body": "One\nline.\n\nTwo.", "extra": {"ignored": true}
}"#;
        let parsed = parse(text, "fallback");
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let a = &parsed.articles[0];
        assert_eq!(a.guid.as_deref(), Some("42"));
        assert_eq!(a.title, "A title");
        assert_eq!(a.authors, ["Ana Lima", "Bo Chen"]);
        assert_eq!(a.paragraphs, ["One line.", "Two."]);
        assert_eq!(a.published.unwrap().rfc3339(), "2025-01-02T03:04:05+01:00");
    }

    #[test]
    fn array_with_a_bad_record_keeps_the_others() {
        let text = r#"[{"title": "Good", "author": "Ana"},
                      {"title": 7},
                      {"title": "Also good", "paragraphs": ["p1", "p2"]}]"#;
        let parsed = parse(text, "Files");
        assert_eq!(parsed.articles.len(), 2);
        assert_eq!(
            parsed.errors,
            [RecordError {
                place: Place::Index(1),
                reason: "field `title`: expected string, found number".into()
            }]
        );
        assert_eq!(parsed.articles[0].source, "Files");
    }

    #[test]
    fn json_lines_report_line_numbers() {
        let text = "{\"id\": \"a\", \"title\": \"One\"}\n\n{\"title\": \"Two\", \"authors\": \"Ana\"}\n{not json\n{\"title\": \"Three\", \"published\": \"last week\"}\n{\"title\": \"Four\"}\n";
        assert_eq!(shape(text), Some(Shape::Lines));
        let parsed = parse(text, "Files");
        let titles: Vec<_> = parsed.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["One", "Four"]);
        let places: Vec<_> = parsed.errors.iter().map(|e| e.place).collect();
        assert_eq!(places, [Place::Line(3), Place::Line(4), Place::Line(5)]);
        assert!(parsed.errors[0].reason.contains("`authors`"));
        assert!(parsed.errors[2].reason.contains("`published`"));
    }

    #[test]
    fn array_records_are_handed_on_as_they_are_read() {
        // The array breaks after two records: they were handed on before the break was
        // reached, so nothing holds the whole array.
        let text = r#"[{"title": "Sluice"}, {"title": "Weir"}, {"title": !}]"#;
        let mut seen = Vec::new();
        for_each(text, "x", &mut |place, result| {
            seen.push((place, result.map(|a| a.title).map_err(|e| e.place)));
        });
        assert_eq!(
            seen,
            [
                (Place::Index(0), Ok("Sluice".to_owned())),
                (Place::Index(1), Ok("Weir".to_owned())),
                (Place::Whole, Err(Place::Whole)),
            ]
        );
    }

    #[test]
    fn links_are_read_and_an_old_exports_link_paragraphs_become_links() {
        let text = r#"[
  {"title": "New", "paragraphs": ["See [1]."], "links": [" https://example.org/a "]},
  {"title": "Old", "paragraphs": ["See [1] and [2].", "Links:", "[1] https://example.org/a",
    "[2] https://example.org/b"]},
  {"title": "Not a list", "paragraphs": ["Links:", "[2] https://example.org/b"]},
  {"title": "Both", "paragraphs": ["Links:", "[1] https://example.org/a"], "links": []},
  {"title": "Wrong", "links": "https://example.org/a"}
]"#;
        let parsed = parse(text, "x");
        let links: Vec<&[String]> = parsed.articles.iter().map(|a| &a.links[..]).collect();
        assert_eq!(
            links,
            [
                &["https://example.org/a".to_owned()][..],
                &[
                    "https://example.org/a".to_owned(),
                    "https://example.org/b".to_owned()
                ],
                &[],
                &[],
            ]
        );
        assert_eq!(parsed.articles[1].paragraphs, ["See [1] and [2]."]);
        assert_eq!(parsed.articles[2].paragraphs.len(), 2);
        assert_eq!(parsed.articles[3].paragraphs.len(), 2);
        assert_eq!(
            parsed.errors[0].reason,
            "field `links`: expected array of strings, found string"
        );
    }

    #[test]
    fn an_object_with_more_after_it_is_read_as_json_lines() {
        let text = "{\"title\": \"One\"} {\"title\": \"Two\"}\n{\"title\": \"Three\"}\n";
        assert_eq!(shape(text), Some(Shape::Object));
        let parsed = parse(text, "x");
        let titles: Vec<_> = parsed.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["Three"]);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].place, Place::Line(1));
    }

    #[test]
    fn not_json_and_wrong_top_level() {
        assert_eq!(parse("[1, 2]", "x").errors.len(), 2);
        assert_eq!(parse("{\"title\": ", "x").errors.len(), 1);
        assert!(
            parse(r#"{"body": "no title"}"#, "x").errors[0]
                .reason
                .contains("title")
        );
    }
}
