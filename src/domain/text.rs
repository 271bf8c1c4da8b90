//! Text as a terminal shows it: display width, cutting to a width, wrapping, and keeping
//! control characters from article text away from the terminal.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns `text` takes in a terminal (CJK and emoji count two), as herald draws it:
/// every control or bidi character is drawn as one `�` (a tab as one space), though
/// Unicode gives it no width, so it counts one column here too. Measuring the raw text
/// made lines with such characters overflow their pane and clip words.
pub fn width(text: &str) -> usize {
    if !text.chars().any(is_unsafe) {
        return UnicodeWidthStr::width(text);
    }
    // The pieces between marks are measured apart, as they are drawn apart.
    let marks = text.chars().filter(|&c| is_unsafe(c)).count();
    text.split(is_unsafe)
        .map(UnicodeWidthStr::width)
        .sum::<usize>()
        + marks
}

/// Cuts `text` to at most `max` columns, ending in `…` when cut; never splits a wide
/// character.
///
/// ```
/// use herald::domain::text::truncate;
/// assert_eq!(truncate("Harbour news", 8), "Harbour…");
/// assert_eq!(truncate("한국어 뉴스", 6), "한국…");
/// ```
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    // By grapheme, as ratatui lays text out: `☀️` is one cluster two columns wide, though
    // its two characters measure one column between them.
    for grapheme in text.graphemes(true) {
        let w = width(grapheme);
        if used + w > max - 1 {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Replaces what could move the cursor, change the terminal or reorder text (C0 and C1
/// controls, DEL, escape sequences' introducers, bidi overrides) with a visible `�`.
///
/// Also drops U+FE0F (emoji presentation): terminals disagree on whether `☀️` takes one
/// column or two, and a row measured one way but drawn the other shifts everything after
/// it. Without the selector the character has one agreed width.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe(c) || c == EMOJI_PRESENTATION)
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter(|&c| c != EMOJI_PRESENTATION)
            .map(|c| match c {
                // A tab would move the cursor by the terminal's rule, not ours.
                '\t' => ' ',
                c if is_unsafe(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

const EMOJI_PRESENTATION: char = '\u{FE0F}';

/// Controls (C0, DEL, C1: ESC and CSI start every escape sequence), line and paragraph
/// separators, and the bidi controls that can make text read other than it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `url` when it is one plain web address that is safe to hand on (to the clipboard):
/// http or https, and nothing a terminal would act on, no white space and nothing
/// invisible, so what lands on the clipboard is what was shown.
pub fn plain_web_address(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let invisible = |c: char| {
        matches!(
            c,
            '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
    };
    let plain = url
        .chars()
        .all(|c| !is_unsafe(c) && !c.is_whitespace() && !invisible(c) && c != EMOJI_PRESENTATION);
    (web && plain).then_some(url)
}

/// JSON output escapes what serde_json leaves raw (DEL, C1 controls, bidi controls), so
/// printing it to a terminal is as safe as printing herald's own text.
pub fn escape_json_output(json: String) -> String {
    // serde_json escapes C0 controls inside strings, so a raw line feed is layout.
    let needs_escape = |c: char| c != '\n' && is_unsafe(c);
    if !json.chars().any(needs_escape) {
        return json;
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if needs_escape(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The wall-clock time to show for `published` in `zone` (the user's: `TZ`, else the
/// system's). A date written without a zone (`-00:00`) is shown as written: moving it
/// into any zone would invent a difference nobody knows.
pub fn shown_time(
    published: &crate::domain::model::Published,
    zone: &jiff::tz::TimeZone,
) -> jiff::civil::DateTime {
    match published.offset {
        Some(_) => zone.to_datetime(published.instant),
        None => published.civil(),
    }
}

/// The user's time zone, as `TZ` or the system says; read once.
pub fn local_zone() -> jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| zone_from_files().unwrap_or_else(jiff::tz::TimeZone::system))
        .clone()
}

/// The zone read straight from its TZif file: `TZ` naming a zone (or a file), else
/// `/etc/localtime`. jiff's own lookup first lists every zone in the system's database
/// (a walk of /usr/share/zoneinfo), which cost the reader's first frame 2-3 ms; `None`
/// leaves the rest (POSIX rules in `TZ`, other systems) to jiff.
fn zone_from_files() -> Option<jiff::tz::TimeZone> {
    let path = match std::env::var("TZ") {
        Ok(tz) if tz.is_empty() => return Some(jiff::tz::TimeZone::UTC),
        Ok(tz) => {
            let name = tz.strip_prefix(':').unwrap_or(&tz);
            if name.starts_with('/') {
                std::path::PathBuf::from(name)
            } else if name.split('/').all(|part| {
                !part.is_empty()
                    && part != ".."
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_+-.".contains(c))
            }) {
                std::path::Path::new("/usr/share/zoneinfo").join(name)
            } else {
                return None;
            }
        }
        Err(_) => std::path::PathBuf::from("/etc/localtime"),
    };
    let bytes = std::fs::read(&path).ok()?;
    let name = std::fs::canonicalize(&path)
        .ok()
        .and_then(|p| {
            p.to_str()
                .and_then(|p| p.split_once("zoneinfo/").map(|(_, n)| n.to_owned()))
        })
        .unwrap_or_else(|| "Local".to_owned());
    jiff::tz::TimeZone::tzif(&name, &bytes).ok()
}

/// One wrapped line: a byte range of one paragraph, so a position or a highlight can be
/// found again after the text is wrapped to another width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
}

/// Wraps each paragraph to `width` columns. Paragraphs are separated by one blank line,
/// which has `start == end` at the end of the paragraph before it.
pub fn wrap(paragraphs: &[String], width: usize) -> Vec<Line> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index > 0 {
            let end = paragraphs[index - 1].len();
            lines.push(Line {
                paragraph: index - 1,
                start: end,
                end,
            });
        }
        // Wrapped as drawn: textwrap would give a control character no width (and an
        // escape sequence none at all), but each is drawn as a one-column mark.
        let paragraph = &as_drawn_same_bytes(paragraph);
        let base = paragraph.as_ptr() as usize;
        let mut cursor = 0;
        for piece in textwrap::wrap(paragraph, wrap_options(paragraph, width)) {
            // textwrap borrows each line from the paragraph unless it had to change it;
            // then find it from where the last line ended.
            let start = match piece {
                Cow::Borrowed(s) => s.as_ptr() as usize - base,
                Cow::Owned(ref s) => paragraph[cursor..]
                    .find(s.trim())
                    .map_or(cursor, |at| cursor + at),
            };
            let end = (start + piece.trim_end().len()).min(paragraph.len());
            lines.push(Line {
                paragraph: index,
                start,
                end,
            });
            cursor = end;
        }
    }
    lines
}

/// Where a byline may break: between its fields, and between the names of a list.
const FIELD_SEPARATORS: [&str; 2] = [" · ", ", "];

/// Wraps a byline (`source · names · date · reading time`) by whole fields, so a date or
/// a name is never cut across two lines; a line that breaks drops the separator there.
/// Only a field wider than `width` on its own is wrapped inside, as a paragraph would be.
pub fn wrap_fields(text: &str, width: usize) -> Vec<Line> {
    let width = width.max(1);
    // Each field as the byte range it covers, separators left out.
    let mut fields = Vec::new();
    let mut start = 0;
    while start <= text.len() {
        let next = FIELD_SEPARATORS
            .iter()
            .filter_map(|sep| text[start..].find(sep).map(|at| (start + at, sep.len())))
            .min();
        match next {
            Some((end, sep)) => {
                fields.push(start..end);
                start = end + sep;
            }
            None => {
                fields.push(start..text.len());
                break;
            }
        }
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Option<std::ops::Range<usize>> = None;
    for field in fields {
        if let Some(line) = &current
            && crate::domain::text::width(&text[line.start..field.end]) <= width
        {
            current = Some(line.start..field.end);
            continue;
        }
        if let Some(line) = current.take() {
            lines.push(Line {
                paragraph: 0,
                start: line.start,
                end: line.end,
            });
        }
        if crate::domain::text::width(&text[field.clone()]) <= width {
            current = Some(field);
        } else {
            let piece = [text[field.clone()].to_owned()];
            lines.extend(wrap(&piece, width).into_iter().map(|l| Line {
                paragraph: 0,
                start: field.start + l.start,
                end: field.start + l.end,
            }));
        }
    }
    if let Some(line) = current {
        lines.push(Line {
            paragraph: 0,
            start: line.start,
            end: line.end,
        });
    }
    lines
}

/// `text` with each control and bidi character replaced by a character of the same UTF-8
/// length that takes the one column its drawn mark takes (a tab by a space, as drawn), so
/// the byte ranges of wrapped lines hold for the original text.
fn as_drawn_same_bytes(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match (c, c.len_utf8()) {
                ('\t', _) => ' ',
                // A line break inside a paragraph (a list, a `<br>`, a preformatted
                // block) is a break for textwrap, not a mark to draw.
                ('\n', _) => '\n',
                (c, _) if !is_unsafe(c) => c,
                (_, 1) => '?',
                (_, 2) => '\u{BF}',
                // The unsafe characters are all below U+10000: three bytes at most.
                _ => '\u{FFFD}',
            })
            .collect(),
    )
}

/// First-fit wrapping: linear in the text, so a megabyte-long article opens at once; the
/// optimal-fit default costs about twice as much for little a reader would notice. Text
/// without CJK breaks at spaces, several times faster than full Unicode line breaking,
/// which only scripts written without spaces need.
fn wrap_options(paragraph: &str, width: usize) -> textwrap::Options<'static> {
    let separator = if paragraph.chars().all(|c| c < '\u{2E80}' && c != '\u{200B}') {
        textwrap::WordSeparator::AsciiSpace
    } else {
        textwrap::WordSeparator::UnicodeBreakProperties
    };
    textwrap::Options::new(width)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
        .word_separator(separator)
}

/// The text of a wrapped line.
pub fn line_text<'a>(paragraphs: &'a [String], line: &Line) -> &'a str {
    paragraphs
        .get(line.paragraph)
        .and_then(|p| p.get(line.start..line.end))
        .unwrap_or_default()
}

/// Paragraphs wrapped to `width`, as plain text.
pub fn fill(paragraphs: &[String], width: usize) -> String {
    let lines = wrap(paragraphs, width);
    let mut out = String::new();
    for line in &lines {
        out.push_str(&printable(line_text(paragraphs, line)));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_wide_characters() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("한국어 뉴스", 6), "한국…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("🎉🎉🎉", 4), "🎉…");
        assert_eq!(truncate("🎉🎉🎉", 1), "…");
        assert_eq!(width("☀\u{FE0F}"), 2);
        assert_eq!(
            truncate("☀\u{FE0F}☀\u{FE0F}☀\u{FE0F}", 5),
            "☀\u{FE0F}☀\u{FE0F}…"
        );
        assert!(width(&truncate("東京の地下鉄、終電を30分延長へ", 9)) <= 9);
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(printable("plain"), "plain");
        assert_eq!(printable("☀\u{FE0F} sun"), "☀ sun");
        assert_eq!(printable("a\tb\u{9b}31m\u{2028}"), "a b\u{FFFD}31m\u{FFFD}");
        let json = serde_json::to_string("x\u{1b}[2J\u{9b}\u{202e}").unwrap();
        let escaped = escape_json_output(json);
        assert_eq!(escaped, "\"x\\u001b[2J\\u009b\\u202e\"");
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "x\u{1b}[2J\u{9b}\u{202e}");
        let pretty = serde_json::to_string_pretty(&["a\u{9b}", "b"]).unwrap();
        let escaped = escape_json_output(pretty);
        assert!(escaped.contains('\n'));
        let back: Vec<String> = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, ["a\u{9b}", "b"]);
        assert_eq!(
            printable("a\x1b[2Jb\u{202E}c\r"),
            "a\u{FFFD}[2Jb\u{FFFD}c\u{FFFD}"
        );
    }

    /// Columns of a line as the terminal shows it: after `printable`, by grapheme, as
    /// ratatui lays it out.
    fn drawn(text: &str) -> usize {
        printable(text)
            .graphemes(true)
            .map(UnicodeWidthStr::width)
            .sum()
    }

    #[test]
    fn times_are_shown_in_the_given_zone_unless_unknown() {
        use crate::domain::model::Published;
        let seoul = jiff::tz::TimeZone::get("Asia/Seoul").unwrap();
        let new_york = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let known = Published::parse_rfc3339("2025-03-14T23:30:00+01:00").unwrap();
        assert_eq!(
            shown_time(&known, &seoul).to_string(),
            "2025-03-15T07:30:00"
        );
        assert_eq!(
            shown_time(&known, &new_york).to_string(),
            "2025-03-14T18:30:00"
        );
        let unknown = Published::parse_rfc3339("2025-03-14T23:30:00-00:00").unwrap();
        assert_eq!(
            shown_time(&unknown, &seoul).to_string(),
            "2025-03-14T23:30:00"
        );
        assert_eq!(
            shown_time(&unknown, &new_york).to_string(),
            "2025-03-14T23:30:00"
        );
    }

    #[test]
    fn only_plain_web_addresses_pass() {
        assert_eq!(
            plain_web_address("https://example.org/a?b=1"),
            Some("https://example.org/a?b=1")
        );
        assert!(plain_web_address("HTTP://EXAMPLE.ORG/").is_some());
        for bad in [
            "https://example.org/a\nb",
            "https://example.org/\u{202e}fdp",
            "https://example.org/a b",
            "https://example.org/\u{200b}",
            "ftp://example.org/",
            "javascript:alert(1)",
            "",
            "https",
            "é",
        ] {
            assert_eq!(plain_web_address(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn control_characters_take_the_column_their_mark_takes() {
        let hostile = "\u{1b}[31mred\u{7}\u{9b}2J\u{202e}evil\u{2066}x\u{85}\u{61c}\t!";
        assert_eq!(width(hostile), drawn(hostile));
        assert_eq!(width("a\u{1b}b"), 3);
        let cut = truncate(hostile, 8);
        assert!(drawn(&cut) <= 8, "{cut:?}");
        let paragraph = vec![
            "\u{1b}[2J\u{1b}[31m word \u{7}\u{7}\u{7}\u{7} \u{202e}\u{202e}\u{202e} more words here"
                .repeat(6),
        ];
        for line in wrap(&paragraph, 10) {
            let text = line_text(&paragraph, &line);
            assert!(drawn(text) <= 10, "{text:?} is {} columns", drawn(text));
        }
    }

    proptest::proptest! {
        #[test]
        fn every_wrapped_line_fits_as_drawn(
            text in "([a-z]{1,9}|[ \t]|[\u{0}-\u{1f}\u{7f}-\u{9f}]|[\u{200e}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{2028}\u{61c}]|[한東🎉]|\u{fe0f}|\u{1b}\\[[0-9;]{0,5}m){0,80}",
            width in 1usize..30,
        ) {
            let paragraphs = vec![text.clone(), text];
            for line in wrap(&paragraphs, width) {
                let shown = line_text(&paragraphs, &line);
                // A single wide character cannot be split: it may take two columns of one.
                let limit = width.max(2);
                proptest::prop_assert!(drawn(shown) <= limit, "{:?} is {} columns, not <= {}", shown, drawn(shown), width);
            }
            for max in [0, 1, 5, width] {
                let cut = truncate(&paragraphs[0], max);
                proptest::prop_assert!(drawn(&cut) <= max, "{:?}", cut);
            }
        }
    }

    #[test]
    fn a_line_break_inside_a_paragraph_breaks_the_line() {
        let paragraphs = vec!["• Tides\n• Ferries \u{1b} late".to_owned()];
        let lines = wrap(&paragraphs, 40);
        let texts: Vec<&str> = lines.iter().map(|l| line_text(&paragraphs, l)).collect();
        assert_eq!(texts, ["• Tides", "• Ferries \u{1b} late"]);
    }

    #[test]
    fn wrapped_lines_map_back_to_paragraph_bytes() {
        let paragraphs = vec![
            "The quick brown fox jumps over the lazy dog.".to_owned(),
            "東京の地下鉄、終電を30分延長へ".to_owned(),
        ];
        let lines = wrap(&paragraphs, 12);
        for line in &lines {
            let text = line_text(&paragraphs, line);
            assert!(width(text) <= 12, "{text:?} is too wide");
        }
        let joined: Vec<_> = lines
            .iter()
            .filter(|l| l.paragraph == 0 && l.start != l.end)
            .map(|l| line_text(&paragraphs, l))
            .collect();
        assert_eq!(joined.join(" "), paragraphs[0]);
        assert!(
            lines.iter().any(|l| l.start == l.end),
            "blank separator line"
        );
        let cjk: String = lines
            .iter()
            .filter(|l| l.paragraph == 1)
            .map(|l| line_text(&paragraphs, l))
            .collect();
        assert_eq!(cjk, paragraphs[1]);
    }
}
