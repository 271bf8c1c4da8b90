//! The open article: its lines wrapped for the current width, and where the reader is.
//! Lines remember their paragraph and byte range, so the position survives re-wrapping.

use std::ops::Range;

use super::pictures::{Shown, Slot};
use crate::domain::model::{Article, Position};
use crate::domain::text::{self, Line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Title,
    Meta,
    /// The article's address, cut to the width (`Reader::link_line`).
    Link,
    Blank,
    Body,
    /// One row of a picture: `paragraph` indexes `Reader::pictures`, `start` is the row
    /// and `end` the picture's rows.
    Picture,
}

/// One match: where it is in the title or a body paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub kind: LineKind,
    pub paragraph: usize,
    pub range: Range<usize>,
}

/// One screen line of the reader. `paragraph`, `start` and `end` index the title, the meta
/// line or a body paragraph, as `kind` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderLine {
    pub kind: LineKind,
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone)]
pub struct Reader {
    pub article: Article,
    /// Source · authors · date · reading time, built once when the article opens.
    pub meta: String,
    /// `Link: ` and the article's address, cut to the width at the last wrap; empty when
    /// it has none.
    pub link_line: String,
    pub lines: Vec<ReaderLine>,
    /// The width `lines` were wrapped to.
    pub width: usize,
    /// The first line on screen.
    pub top: usize,
    /// The place the reader chose, by scrolling or opening. A clamp at the article's end
    /// (a taller or wider screen) changes what is shown, not this: the next re-flow
    /// comes back to it. It moves only when the person scrolls.
    anchor: Position,
    /// Lines on screen, from the last layout.
    pub height: usize,
    /// Matches to highlight, in reading order.
    pub marks: Vec<Mark>,
    /// The match `n`/`N` last moved to.
    pub current_mark: Option<usize>,
    /// The pictures the text places (with an address), and how far each is shown.
    pub pictures: Vec<Slot>,
    /// The width and rows the pictures were last asked for at.
    pub pictures_asked: Option<(u16, u16)>,
}

/// Words a minute for the reading-time estimate.
const READING_SPEED: usize = 230;

impl Reader {
    /// The wrapped line holding the start of `mark`.
    pub fn line_of(&self, mark: &Mark) -> Option<usize> {
        self.lines.iter().position(|l| {
            l.kind == mark.kind
                && l.paragraph == mark.paragraph
                && l.start <= mark.range.start
                && mark.range.start < l.end.max(l.start + 1)
        })
    }

    pub fn new(article: Article, width: usize, height: usize) -> Reader {
        Reader::in_zone(article, width, height, &jiff::tz::TimeZone::UTC)
    }

    /// A reader whose byline shows the date in `zone`.
    pub fn in_zone(
        article: Article,
        width: usize,
        height: usize,
        zone: &jiff::tz::TimeZone,
    ) -> Reader {
        let meta = meta_line(&article, zone);
        let position = article.position;
        let pictures = super::pictures::slots(crate::domain::images::figures(&article));
        let mut article = article;
        // The links are shown after the text, numbered as the text numbers them. They
        // follow the last paragraph, so positions and matches in the text keep their
        // indexes; `article.links` stays the one list `o`/`open_link` reads.
        let section = crate::domain::model::link_list(&article.links);
        article.paragraphs.extend(section);
        // Then the enclosures, `[e1]`, `[e2]`, … with their type, size and duration;
        // `article.enclosures` stays the list `open_enclosure` reads.
        let enclosures = crate::domain::enclosure::enclosure_list(&article.enclosures);
        article.paragraphs.extend(enclosures);
        let mut reader = Reader {
            article,
            meta,
            link_line: String::new(),
            lines: Vec::new(),
            width: 0,
            top: 0,
            anchor: Position::default(),
            height,
            marks: Vec::new(),
            current_mark: None,
            pictures,
            pictures_asked: None,
        };
        reader.rewrap(width);
        reader.go_to(position);
        reader
    }

    /// Fits the reader to a new text area: wraps again for the width and scrolls back to
    /// the remembered place, clamped to the new height.
    pub fn resize(&mut self, width: usize, height: usize) {
        self.height = height;
        self.rewrap(width);
        self.place();
    }

    /// Wraps again for a new width, keeping the remembered place at the top of the screen.
    pub fn rewrap(&mut self, width: usize) {
        if width == self.width && !self.lines.is_empty() {
            return;
        }
        let title = std::slice::from_ref(&self.article.summary.title);
        let mut lines = Vec::new();
        let convert = |kind: LineKind, l: &Line| ReaderLine {
            kind,
            paragraph: l.paragraph,
            start: l.start,
            end: l.end,
        };
        lines.extend(
            text::wrap(title, width)
                .iter()
                .map(|l| convert(LineKind::Title, l)),
        );
        lines.extend(
            text::wrap_fields(&self.meta, width)
                .iter()
                .map(|l| convert(LineKind::Meta, l)),
        );
        // The address, as newsboat's article view starts with it: one line, cut to the
        // width (`y` copies it whole).
        self.link_line = match &self.article.summary.url {
            Some(url) => {
                text::truncate(&format!("Link: {}", text::printable(url)), width).into_owned()
            }
            None => String::new(),
        };
        if !self.link_line.is_empty() {
            lines.push(ReaderLine {
                kind: LineKind::Link,
                paragraph: 0,
                start: 0,
                end: self.link_line.len(),
            });
        }
        lines.push(ReaderLine {
            kind: LineKind::Blank,
            paragraph: 0,
            start: 0,
            end: 0,
        });
        let body = text::wrap(&self.article.paragraphs, width)
            .iter()
            .map(|l| {
                let kind = if l.start == l.end {
                    LineKind::Blank
                } else {
                    LineKind::Body
                };
                convert(kind, l)
            })
            .collect();
        lines.extend(place(body, &self.pictures, width));
        self.lines = lines;
        self.width = width;
        self.place();
    }

    /// Wraps again at the same width: a picture's rows came or went.
    pub fn reflow(&mut self) {
        let width = self.width;
        self.lines.clear();
        self.rewrap(width);
    }

    pub fn text(&self, line: &ReaderLine) -> &str {
        let source: &str = match line.kind {
            LineKind::Title => &self.article.summary.title,
            LineKind::Meta => &self.meta,
            LineKind::Link => &self.link_line,
            LineKind::Blank | LineKind::Picture => return "",
            LineKind::Body => self
                .article
                .paragraphs
                .get(line.paragraph)
                .map_or("", String::as_str),
        };
        source.get(line.start..line.end).unwrap_or_default()
    }

    /// Where the reader is: the place last chosen, which is what gets saved.
    pub fn position(&self) -> Position {
        self.anchor
    }

    /// The first body text at or below the top of the screen.
    fn shown_position(&self) -> Position {
        self.lines
            .iter()
            .skip(self.top)
            .find(|l| l.kind == LineKind::Body)
            .filter(|_| self.top > 0)
            .map_or(Position::default(), |l| Position {
                paragraph: l.paragraph,
                offset: l.start,
            })
    }

    /// Scrolls so the line holding `position` is at the top, and remembers it.
    pub fn go_to(&mut self, position: Position) {
        self.anchor = position;
        self.place();
    }

    /// Puts the line holding the anchor at the top, as far as the end allows.
    fn place(&mut self) {
        let position = self.anchor;
        if position == Position::default() {
            self.top = 0;
            return;
        }
        let found = self
            .lines
            .iter()
            .rposition(|l| {
                l.kind == LineKind::Body
                    && l.paragraph == position.paragraph
                    && l.start <= position.offset
            })
            .or_else(|| {
                // A paragraph past the end (the article changed): go to the end.
                self.lines.iter().rposition(|l| l.kind == LineKind::Body)
            });
        self.top = found.unwrap_or(0);
        self.clamp();
    }

    /// Replaces the highlighted matches; scrolls to the first one when asked.
    pub fn set_marks(&mut self, marks: Vec<Mark>, scroll_to_first: bool) {
        self.marks = marks;
        self.current_mark = None;
        if scroll_to_first && !self.marks.is_empty() {
            self.go_to_mark(0);
        }
    }

    /// Moves to match `index` and scrolls it into view, a few lines below the top.
    pub fn go_to_mark(&mut self, index: usize) {
        let Some(mark) = self.marks.get(index) else {
            return;
        };
        self.current_mark = Some(index);
        if let Some(line) = self.line_of(mark) {
            let visible = self.top..self.top + self.height.max(1);
            if !visible.contains(&line) {
                self.scroll_to(line.saturating_sub(self.height / 4));
            }
        }
    }

    /// The next (or previous) match from the current one, wrapping around; returns true
    /// when it wrapped.
    pub fn step_mark(&mut self, forward: bool) -> bool {
        let count = self.marks.len();
        if count == 0 {
            return false;
        }
        let (next, wrapped) = match (self.current_mark, forward) {
            (None, true) => (self.first_mark_from_top(), false),
            (None, false) => (
                self.first_mark_from_top()
                    .checked_sub(1)
                    .unwrap_or(count - 1),
                false,
            ),
            (Some(i), true) if i + 1 >= count => (0, true),
            (Some(i), true) => (i + 1, false),
            (Some(0), false) => (count - 1, true),
            (Some(i), false) => (i - 1, false),
        };
        self.go_to_mark(next);
        wrapped
    }

    /// The first match at or below the top of the screen.
    fn first_mark_from_top(&self) -> usize {
        self.marks
            .iter()
            .position(|m| self.line_of(m).is_some_and(|l| l >= self.top))
            .unwrap_or(0)
    }

    pub fn max_top(&self) -> usize {
        self.lines.len().saturating_sub(self.height.max(1))
    }

    pub fn scroll_by(&mut self, delta: isize) {
        self.scroll_to(self.top.saturating_add_signed(delta));
    }

    /// Scrolls as the person asked: what is then shown becomes the remembered place.
    pub fn scroll_to(&mut self, top: usize) {
        self.top = top;
        self.clamp();
        self.anchor = self.shown_position();
    }

    fn clamp(&mut self) {
        self.top = self.top.min(self.max_top());
    }

    /// How far through the article the bottom of the screen is, 0–100.
    pub fn percent(&self) -> usize {
        if self.lines.is_empty() {
            return 100;
        }
        let bottom = (self.top + self.height).min(self.lines.len());
        bottom * 100 / self.lines.len()
    }
}

fn meta_line(article: &Article, zone: &jiff::tz::TimeZone) -> String {
    let s = &article.summary;
    let mut parts = vec![s.source.clone()];
    if !s.authors.is_empty() {
        parts.push(s.authors.join(", "));
    }
    if let Some(p) = s.published {
        parts.push(
            text::shown_time(&p, zone)
                .strftime("%Y-%m-%d %H:%M")
                .to_string(),
        );
    }
    let minutes = article.word_count().div_ceil(READING_SPEED).max(1);
    parts.push(format!("{minutes} min read"));
    parts.join(" · ")
}

/// Inserts each drawn picture's rows into `body` (the wrapped paragraphs), above the
/// first line of the paragraph that holds its marker. A picture drawn for a wider area
/// than `width` waits for its new drawing.
pub fn place(body: Vec<ReaderLine>, slots: &[Slot], width: usize) -> Vec<ReaderLine> {
    let drawn: Vec<(usize, usize, u16)> = slots
        .iter()
        .enumerate()
        .filter_map(|(index, slot)| match &slot.shown {
            Shown::Drawn { drawn, .. } if usize::from(drawn.width) <= width && drawn.rows > 0 => {
                Some((slot.figure.paragraph, index, drawn.rows))
            }
            _ => None,
        })
        .collect();
    if drawn.is_empty() {
        return body;
    }
    let extra: usize = drawn.iter().map(|d| usize::from(d.2) + 1).sum();
    let mut lines = Vec::with_capacity(body.len() + extra);
    let mut previous: Option<usize> = None;
    for line in body {
        let starts = line.kind == LineKind::Body && previous != Some(line.paragraph);
        if starts {
            for &(_, index, rows) in drawn.iter().filter(|d| d.0 == line.paragraph) {
                lines.extend((0..usize::from(rows)).map(|row| ReaderLine {
                    kind: LineKind::Picture,
                    paragraph: index,
                    start: row,
                    end: usize::from(rows),
                }));
            }
        }
        if line.kind == LineKind::Body {
            previous = Some(line.paragraph);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{ArticleId, Summary};

    pub fn article(paragraphs: Vec<String>) -> Article {
        Article {
            summary: Summary {
                id: ArticleId(1),
                source: "Test Wire".into(),
                title: "A title long enough to wrap at narrow widths".into(),
                authors: vec!["Ana Lima".into()],
                published: None,
                url: None,
                read: false,
                starred: false,
            },
            guid: None,
            summary_text: None,
            paragraphs,
            links: Vec::new(),
            enclosures: Vec::new(),
            added: jiff::Timestamp::UNIX_EPOCH,
            position: Position::default(),
        }
    }

    fn paragraphs(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("Paragraph {i} says something about the harbour and the ferry that runs at night."))
            .collect()
    }

    #[test]
    fn position_survives_rewrap() {
        let mut r = Reader::new(article(paragraphs(40)), 60, 10);
        r.scroll_by(50);
        let before = r.position();
        assert!(before.paragraph > 5);
        for width in [25, 120, 7, 60] {
            r.rewrap(width);
            let top = r.lines[r.top];
            assert_eq!(top.paragraph, before.paragraph, "at width {width}");
            assert!(top.start <= before.offset, "at width {width}");
        }
    }

    #[test]
    fn saved_position_is_restored_on_open() {
        let mut a = article(paragraphs(40));
        a.position = Position {
            paragraph: 12,
            offset: 20,
        };
        let r = Reader::new(a, 30, 8);
        let line = r.lines[r.top];
        assert_eq!(line.paragraph, 12);
        assert!(line.start <= 20 && 20 < line.end.max(21));
    }

    #[test]
    fn scrolling_clamps_and_percent_reaches_100() {
        let mut r = Reader::new(article(paragraphs(5)), 40, 6);
        r.scroll_by(-5);
        assert_eq!(r.top, 0);
        r.scroll_by(10_000);
        assert_eq!(r.top, r.max_top());
        assert_eq!(r.percent(), 100);
        assert!(r.meta.contains("1 min read"));
    }

    #[test]
    fn the_byline_shows_the_date_in_the_zone_given() {
        let mut a = article(paragraphs(1));
        a.summary.published =
            Some(crate::domain::model::Published::parse_rfc3339("2025-03-14T23:30:00Z").unwrap());
        let seoul = jiff::tz::TimeZone::get("Asia/Seoul").unwrap();
        let r = Reader::in_zone(a.clone(), 80, 10, &seoul);
        assert!(r.meta.contains("2025-03-15 08:30"), "{}", r.meta);
        let r = Reader::in_zone(
            a,
            80,
            10,
            &jiff::tz::TimeZone::get("America/New_York").unwrap(),
        );
        assert!(r.meta.contains("2025-03-14 19:30"), "{}", r.meta);
    }

    #[test]
    fn the_byline_wraps_between_fields_never_inside_a_date_or_a_name() {
        let mut a = article(paragraphs(1));
        a.summary.source = "The Morning Circuit".into();
        a.summary.authors = vec!["Priya Raman".into(), "Tomás Ferreira".into()];
        a.summary.published =
            Some(crate::domain::model::Published::parse_rfc3339("2026-03-11T10:00:00Z").unwrap());
        for width in 17..90 {
            let r = Reader::new(a.clone(), width, 10);
            let meta: Vec<&str> = r
                .lines
                .iter()
                .filter(|l| l.kind == LineKind::Meta)
                .map(|l| r.text(l))
                .collect();
            for whole in [
                "2026-03-11 10:00",
                "Priya Raman",
                "Tomás Ferreira",
                "1 min read",
            ] {
                assert!(
                    meta.iter().any(|l| l.contains(whole)),
                    "at {width}: {whole:?} is split in {meta:?}"
                );
            }
            assert!(meta.iter().all(|l| text::width(l) <= width), "{meta:?}");
        }
    }

    #[test]
    fn an_empty_article_and_width_one_do_not_panic() {
        let mut r = Reader::new(article(vec![]), 1, 1);
        r.scroll_by(3);
        r.rewrap(0);
        let _ = r.percent();
        assert!(!r.lines.is_empty());
    }

    #[test]
    fn links_are_listed_under_the_text_from_the_article_data() {
        let mut a = article(vec!["See the timetable [1] and the map [2].".into()]);
        a.links = vec![
            "https://example.org/timetable".into(),
            "https://example.org/map".into(),
        ];
        let r = Reader::in_zone(a, 60, 20, &jiff::tz::TimeZone::UTC);
        let tail = &r.article.paragraphs[1..];
        assert_eq!(
            tail,
            [
                "Links:",
                "[1] https://example.org/timetable",
                "[2] https://example.org/map"
            ]
        );
        assert_eq!(r.article.links.len(), 2, "the data stays as it was");
        let none = Reader::in_zone(article(vec!["p".into()]), 60, 20, &jiff::tz::TimeZone::UTC);
        assert_eq!(none.article.paragraphs, ["p"]);
    }

    fn line(paragraph: usize, kind: LineKind) -> ReaderLine {
        ReaderLine {
            kind,
            paragraph,
            start: 0,
            end: 1,
        }
    }

    #[test]
    fn picture_rows_go_above_the_paragraph_holding_the_marker_and_only_when_drawn() {
        let image = image::DynamicImage::new_rgba8(200, 200);
        let blocks = ratatui_image::protocol::halfblocks::Halfblocks::new(
            image,
            ratatui::layout::Size::new(10, 5),
        )
        .unwrap();
        let protocol = ratatui_image::sliced::SlicedProtocol::Halfblocks(blocks);
        let drawn = super::super::pictures::Drawn::new(protocol);
        assert!(drawn.rows > 0 && drawn.width <= 10, "{drawn:?}");
        let figure = |paragraph| crate::domain::images::Figure {
            paragraph,
            url: Some("https://p.example/a.png".into()),
            alt: "a".into(),
            caption: None,
        };
        let slots = vec![
            Slot {
                figure: figure(1),
                shown: Shown::Drawn {
                    drawn: drawn.clone(),
                    for_width: 10,
                },
            },
            Slot {
                figure: figure(2),
                shown: Shown::Waiting,
            },
        ];
        let body = vec![
            line(0, LineKind::Body),
            line(0, LineKind::Blank),
            line(1, LineKind::Body),
            line(1, LineKind::Body),
            line(1, LineKind::Blank),
            line(2, LineKind::Body),
        ];
        let placed = place(body.clone(), &slots, 10);
        let kinds: Vec<LineKind> = placed.iter().map(|l| l.kind).collect();
        let rows = usize::from(drawn.rows);
        assert_eq!(placed.len(), body.len() + rows);
        assert_eq!(kinds[2], LineKind::Picture);
        assert_eq!(kinds[2 + rows], LineKind::Body, "the marker's text beneath");
        // Narrower than the drawing: no rows until drawn again.
        assert_eq!(place(body.clone(), &slots, 3), body);
        assert_eq!(super::super::pictures::max_rows(4), 3);
        assert_eq!(super::super::pictures::max_rows(200), 40);
    }
}
