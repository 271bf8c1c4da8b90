//! Plain-text articles as people save them from news sites: a title line, a header of
//! date and author lines, one paragraph per line, and site boilerplate at the end.

use anyhow::{Result, bail};

use super::date::parse_loose;
use super::tidy::{clean, name_case};
use crate::domain::model::{NewArticle, Published};

/// Parses one plain-text article. `fallback_source` names the source when the text does
/// not (no `with the … Daily` line, no agency in a dateline).
pub fn parse(text: &str, fallback_source: &str) -> Result<NewArticle> {
    let spaced: Vec<std::borrow::Cow<'_, str>> = text.lines().map(plain_spaces).collect();
    let lines: Vec<&str> = spaced.iter().map(|l| l.trim()).collect();
    let Some(title_at) = lines.iter().position(|l| !l.is_empty()) else {
        bail!("the file has no text");
    };
    let mut article = NewArticle {
        title: clean(lines[title_at]),
        ..Default::default()
    };
    let mut source = None;

    let body_start = read_header(&lines, title_at + 1, &mut article);
    let (body_end, closing_byline) = read_trailer(&lines, body_start, &mut source);
    if article.authors.is_empty() {
        article.authors = closing_byline;
    }

    let body = &lines[body_start.min(body_end)..body_end];
    article.paragraphs = paragraphs(body);
    if let Some(last) = article.paragraphs.last_mut()
        && let Some(stripped) = last.strip_suffix("(END)")
    {
        *last = stripped.trim_end().to_owned();
    }
    article.paragraphs.retain(|p| !p.is_empty());

    article.source = source
        .or_else(|| article.paragraphs.first().and_then(|p| dateline_agency(p)))
        .unwrap_or_else(|| fallback_source.to_owned());
    Ok(article)
}

/// Every kind of space (no-break, figure, narrow, ideographic, …) as a plain one, so
/// `-\u{a0}name` is an author line and `By\u{a0}Ana Lima` a byline, as they read. What is
/// kept loses nothing by it: titles, names and paragraphs go through `clean`, which
/// folds every white space to one plain space anyway.
fn plain_spaces(line: &str) -> std::borrow::Cow<'_, str> {
    if line.chars().all(|c| c == ' ' || !c.is_whitespace()) {
        return std::borrow::Cow::Borrowed(line);
    }
    std::borrow::Cow::Owned(
        line.chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect(),
    )
}

/// Reads date, author and noise lines after the title; returns where the body starts.
fn read_header(lines: &[&str], from: usize, article: &mut NewArticle) -> usize {
    let mut updated: Option<Published> = None;
    for (index, line) in lines.iter().enumerate().skip(from) {
        if line.is_empty() || is_noise(line) {
            continue;
        }
        if let Some(date) = dated_line(line, "published") {
            article.published = Some(date);
        } else if let Some(date) = dated_line(line, "updated") {
            updated = Some(date);
        } else if let Some(name) = line.strip_prefix("- ").or_else(|| line.strip_prefix("– ")) {
            if name.len() > 60 || name.ends_with('.') {
                return index;
            }
            // `- [email protected]` sits among the author lines: an address, not a name
            // (nor is anything with an @ in it, spaces or not).
            if !is_noise(name) && !name.contains('@') {
                article.authors.push(name_case(&clean(name)));
            }
        } else if let Some(names) = byline(line) {
            article.authors.extend(names);
        } else {
            if article.published.is_none() {
                article.published = updated;
            }
            return index;
        }
    }
    if article.published.is_none() {
        article.published = updated;
    }
    lines.len()
}

/// Drops site boilerplate from the end; returns where the body ends and the authors of a
/// closing `BY NAME [...]` line.
fn read_trailer(
    lines: &[&str],
    body_start: usize,
    source: &mut Option<String>,
) -> (usize, Vec<String>) {
    let mut end = lines.len();
    let mut authors = Vec::new();
    while end > body_start {
        let line = lines[end - 1];
        if line.is_empty() || is_noise(line) || is_comment_box(line) || line == "(END)" {
            end -= 1;
        } else if let Some(name) = with_the_paper(line) {
            *source = Some(name);
            end -= 1;
        } else if let Some(rest) = line.strip_prefix("BY ") {
            let name = rest.split('[').next().unwrap_or_default();
            authors.extend(split_names(name));
            end -= 1;
        } else {
            break;
        }
    }
    (end, authors)
}

/// Lines that carry no reading: obfuscated addresses, audio-player labels.
fn is_noise(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower == "[email protected]"
        || lower.starts_with("audio report:")
        || (!line.contains(' ') && line.contains('@') && line.len() < 80)
}

fn is_comment_box(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.starts_with("to write comments")
        || lower.contains("please log in to")
        || lower.starts_with("standards board policy")
}

/// `with the Korea JoongAng Daily` names the paper the article came from.
fn with_the_paper(line: &str) -> Option<String> {
    let rest = strip_prefix_ci(line, "with the ")?;
    (line.len() < 80 && !rest.ends_with('.')).then(|| clean(rest))
}

/// `By Jane Doe and John Roe`, `By JANE DOE, MAX POE`: a short line naming people.
fn byline(line: &str) -> Option<Vec<String>> {
    let rest = strip_prefix_ci(line, "by ")?;
    if line.len() > 100 || rest.ends_with('.') || rest.contains(['"', '“']) {
        return None;
    }
    let names = split_names(rest);
    (!names.is_empty()).then_some(names)
}

fn split_names(text: &str) -> Vec<String> {
    text.replace(" and ", ",")
        .replace(" AND ", ",")
        .replace(" & ", ",")
        .split(',')
        .map(clean)
        .filter(|n| !n.is_empty())
        .map(|n| name_case(&n))
        .collect()
}

/// `SEOUL, Nov. 1 (Yonhap) --` or `NEW ORLEANS (AP) —` opens wire copy; the agency is the
/// source. The dateline itself stays in the paragraph.
fn dateline_agency(paragraph: &str) -> Option<String> {
    let head: String = paragraph.chars().take(80).collect();
    let open = head.find(" (")?;
    let close = open + head[open..].find(')')?;
    let after = head[close + 1..].trim_start();
    let place = &head[..open];
    let is_dateline = after.starts_with("--") || after.starts_with('—') || after.starts_with('–');
    let place_is_caps = place
        .chars()
        .take_while(|c| *c != ',')
        .all(|c| !c.is_lowercase());
    (is_dateline && place_is_caps && close > open + 2).then(|| clean(&head[open + 2..close]))
}

/// Body lines to paragraphs. Usually one line is one paragraph; text hard-wrapped into
/// blocks separated by blank lines is joined back into its paragraphs.
fn paragraphs(body: &[&str]) -> Vec<String> {
    let blocks: Vec<Vec<&str>> = body
        .split(|l| l.is_empty() || is_separator(l))
        .filter(|b| !b.is_empty())
        .map(<[&str]>::to_vec)
        .collect();
    let multi_line: Vec<&Vec<&str>> = blocks.iter().filter(|b| b.len() > 1).collect();
    let hard_wrapped = blocks.len() > 1 && !multi_line.is_empty() && {
        let (chars, count) = multi_line
            .iter()
            .flat_map(|b| b.iter())
            .fold((0, 0), |(c, n), l| (c + l.chars().count(), n + 1));
        chars / count.max(1) < 100
    };
    let mut out = Vec::new();
    for block in blocks {
        if hard_wrapped {
            out.push(clean(&block.join(" ")));
        } else {
            out.extend(block.iter().map(|l| clean(l)));
        }
    }
    out
}

/// `___` before a contributor line: a rule, not text.
fn is_separator(line: &str) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == '_' || c == '-' || c == '*')
}

/// `Published: 03 Dec. 2024, 18:09`; a line that opens with the word but holds no date is
/// body text.
fn dated_line(line: &str, label: &str) -> Option<Published> {
    let rest = strip_prefix_ci(line, label)?;
    parse_loose(rest.trim_start_matches(':'))
}

fn strip_prefix_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| line[prefix.len()..].trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's layout and quirks, in words written for this test.
    const DAILY: &str = "Harbour city opens night ferry to the islands
Published: 14 Mar. 2025, 07:45
- PARK MIN-JI
- [email protected]
Audio report: written by reporters, read by AI
The city launched a night ferry on Friday, linking the port to three islands after 11 p.m.
Officials said the \"late boat\" would run until October, when demand will be reviewed.
“We hope fishermen’s families use it most,” said a harbour official.
BY PARK MIN-JI [[email protected]]
with the Harbour Daily
To write comments, please log in to one of the accounts.
Standards Board Policy (0/250자)
";

    #[test]
    fn seed_layout_with_all_its_quirks() {
        let a = parse(DAILY, "fallback").unwrap();
        assert_eq!(a.title, "Harbour city opens night ferry to the islands");
        assert_eq!(a.authors, ["Park Min-ji"]);
        assert_eq!(a.published.unwrap().rfc3339(), "2025-03-14T07:45:00-00:00");
        assert_eq!(a.source, "Harbour Daily");
        assert_eq!(a.paragraphs.len(), 3);
        assert!(a.paragraphs[0].starts_with("The city launched"));
        assert!(a.paragraphs[2].starts_with("“We hope"));
    }

    #[test]
    fn wire_layout_with_byline_update_dateline_and_end_marker() {
        let text = "Levee repairs finish ahead of storm season
By Dana Whitfield and Omar Haddad
Updated 4:12 PM EST, November 19, 2026

NEW ORLEANS (AP) — Crews finished the last levee section on Tuesday.

Engineers said the work came in under budget.

___
Associated Press writer Lena Ortiz contributed to this report.
";
        let a = parse(text, "fallback").unwrap();
        assert_eq!(a.authors, ["Dana Whitfield", "Omar Haddad"]);
        assert_eq!(a.published.unwrap().rfc3339(), "2026-11-19T16:12:00-05:00");
        assert_eq!(a.source, "AP");
        assert_eq!(
            a.paragraphs,
            [
                "NEW ORLEANS (AP) — Crews finished the last levee section on Tuesday.",
                "Engineers said the work came in under budget.",
                "Associated Press writer Lena Ortiz contributed to this report.",
            ]
        );
    }

    #[test]
    fn yonhap_dateline_and_end_marker() {
        let text = "Rail line to reopen\nSEOUL, Nov. 1 (Yonhap) -- The rail line will reopen next week, officials said.\nRepairs took nine days. (END)\n";
        let a = parse(text, "fallback").unwrap();
        assert_eq!(a.source, "Yonhap");
        assert!(a.paragraphs[0].starts_with("SEOUL, Nov. 1 (Yonhap) --"));
        assert_eq!(a.paragraphs[1], "Repairs took nine days.");
    }

    #[test]
    fn hard_wrapped_paragraphs_separated_by_blank_lines_are_joined() {
        let text = "A title\n\nFirst paragraph wraps\nonto a second line.\n\nSecond paragraph\nalso wraps.\n";
        let a = parse(text, "Local files").unwrap();
        assert_eq!(
            a.paragraphs,
            [
                "First paragraph wraps onto a second line.",
                "Second paragraph also wraps."
            ]
        );
        assert_eq!(a.source, "Local files");
        assert!(a.authors.is_empty());
        assert!(a.published.is_none());
    }

    #[test]
    fn empty_text_is_an_error_and_title_only_is_an_article() {
        assert!(parse("\n  \n", "x").is_err());
        let a = parse("Only a title", "x").unwrap();
        assert_eq!(a.title, "Only a title");
        assert!(a.paragraphs.is_empty());
    }

    #[test]
    fn unicode_spaces_are_spaces_in_address_and_byline_lines() {
        let plain = parse(DAILY, "fallback").unwrap();
        for space in ['\u{a0}', '\u{2007}', '\u{202f}', '\u{2009}', '\u{3000}'] {
            let odd = DAILY
                .replace("- ", &format!("-{space}"))
                .replace("BY PARK MIN-JI", &format!("BY{space}PARK{space}MIN-JI"));
            let a = parse(&odd, "fallback").unwrap();
            assert_eq!(a.authors, plain.authors, "{space:?}");
            assert_eq!(a.paragraphs, plain.paragraphs, "{space:?}");
            assert_eq!(a.source, plain.source, "{space:?}");
        }
        let text = "Night market opens\nBy\u{a0}Ana\u{a0}Lima and\u{202f}Omar Haddad\n-\u{a0}ana.lima@example.org\nThe stalls open at six.\n";
        let a = parse(text, "x").unwrap();
        assert_eq!(a.authors, ["Ana Lima", "Omar Haddad"]);
        assert_eq!(a.paragraphs, ["The stalls open at six."]);
        // An address with a space of another kind inside is still an address.
        let text = "Title\n- PARK MIN-JI\n- minji.park@\u{a0}daily.example\nBody line.\n";
        let a = parse(text, "x").unwrap();
        assert_eq!(a.authors, ["Park Min-ji"]);
        assert_eq!(a.paragraphs, ["Body line."]);
    }

    #[test]
    fn a_list_item_after_the_header_is_body() {
        let text = "Title\n- ANA LIMA\nFirst paragraph.\n- a dash item that is a sentence.\n";
        let a = parse(text, "x").unwrap();
        assert_eq!(a.authors, ["Ana Lima"]);
        assert_eq!(a.paragraphs.len(), 2);
    }
}
