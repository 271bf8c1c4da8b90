//! Pictures in the reader, drawn in half blocks into ratatui's TestBackend and kept as
//! insta snapshots at sizes from 20x5 to 200x50: the screen's text, then each picture
//! row's colours (upper half over lower half, one letter each for the test card's four
//! colours). The picture is made here in code; the shell's drawing is reproduced by
//! handing the app the report the pictures thread would send.

mod common;

use common::Harness;
use herald::app::Report;
use herald::app::pictures::{Shown, max_rows};
use herald::app::reader::LineKind;
use herald::domain::model::NewArticle;
use herald::tui::pictures::{draw_at, painter};
use image::{DynamicImage, Rgba, RgbaImage};
use ratatui::style::Color;
use ratatui_image::picker::ProtocolType;

const CARD: &str = "http://pictures.test/card.png";

/// A test card: red, green / blue, yellow quarters, `w` x `h` pixels.
fn card(w: u32, h: u32) -> DynamicImage {
    DynamicImage::ImageRgba8(RgbaImage::from_fn(w, h, |x, y| {
        match (x < w / 2, y < h / 2) {
            (true, true) => Rgba([230, 20, 20, 255]),
            (false, true) => Rgba([20, 200, 40, 255]),
            (true, false) => Rgba([30, 40, 220, 255]),
            (false, false) => Rgba([240, 220, 30, 255]),
        }
    }))
}

fn illustrated() -> NewArticle {
    let mut article = card_article();
    article.paragraphs.extend((1..=12).map(|i| {
        format!("Letter {i}: a reader remembers the card from the night shift at the depot.")
    }));
    article
}

fn card_article() -> NewArticle {
    NewArticle {
        guid: Some("pic-1".into()),
        source: "Test Card Weekly".into(),
        title: "The test card comes back".into(),
        authors: vec!["Ines Varga".into()],
        paragraphs: vec![
            "The old broadcast card returns to the late schedule this winter.".into(),
            "[image 1: A card in four colours]".into(),
            "Four quarters, as the engineers drew it in the sixties.".into(),
            "Viewers wrote in for years asking where it had gone.".into(),
        ],
        links: vec![CARD.into()],
        ..Default::default()
    }
}

/// The reader open on the illustrated article with its picture drawn as the shell would.
fn opened(width: u16, height: u16, picture: &DynamicImage) -> Harness {
    let mut h = Harness::new(&[illustrated()], width, height);
    h.app.settings.pictures = true;
    h.keys("enter");
    drawn(&mut h, picture);
    h
}

fn drawn(h: &mut Harness, picture: &DynamicImage) {
    let reader = h.app.reader.as_ref().unwrap();
    let id = reader.article.summary.id;
    let width = u16::try_from(reader.width).unwrap();
    let rows = max_rows(reader.height);
    let drawn = draw_at(
        &painter(ProtocolType::Halfblocks),
        picture.clone(),
        width,
        rows,
    );
    h.report(Report::PictureDrawn {
        id,
        url: CARD.into(),
        width,
        drawn,
    });
}

/// Scrolls the reader (it has focus) until the picture's first row is at the top, or
/// as far as the article goes.
fn scroll_to_picture(h: &mut Harness) {
    let first = |h: &Harness| {
        let r = h.app.reader.as_ref().unwrap();
        let at = r
            .lines
            .iter()
            .position(|l| l.kind == LineKind::Picture)
            .unwrap();
        (r.top, at, r.max_top())
    };
    for _ in 0..100 {
        let (top, at, max) = first(h);
        if top >= at || top >= max {
            break;
        }
        h.keys("j");
    }
}

fn letter(color: Color) -> char {
    let Color::Rgb(r, g, b) = color else {
        return '.';
    };
    let palette = [
        ('R', (230, 20, 20)),
        ('G', (20, 200, 40)),
        ('B', (30, 40, 220)),
        ('Y', (240, 220, 30)),
    ];
    let distance = |(pr, pg, pb): (i32, i32, i32)| {
        (i32::from(r) - pr).pow(2) + (i32::from(g) - pg).pow(2) + (i32::from(b) - pb).pow(2)
    };
    palette
        .iter()
        .min_by_key(|(_, c)| distance(*c))
        .map_or('.', |(l, _)| *l)
}

/// The screen's text, then the colours of every row holding a half block.
fn screen_with_colours(h: &Harness) -> String {
    let mut out = h.screen();
    let terminal = h.terminal();
    let buffer = terminal.backend().buffer();
    out.push_str("\n-- colours (upper/lower) --\n");
    for y in 0..buffer.area.height {
        let mut row = String::new();
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            if matches!(cell.bg, Color::Rgb(..)) {
                row.push(letter(cell.fg));
                row.push(letter(cell.bg));
                row.push(' ');
            }
        }
        if !row.is_empty() {
            out.push_str(&format!("{y:>2}: {}\n", row.trim_end()));
        }
    }
    out
}

#[test]
fn half_blocks_at_several_sizes() {
    for (width, height) in [(20, 5), (40, 12), (80, 24), (120, 30), (200, 50)] {
        let mut h = opened(width, height, &card(64, 32));
        if width < 100 {
            // Stacked: the reader below the list; zoom to give it the screen.
            h.keys("z");
        }
        scroll_to_picture(&mut h);
        insta::assert_snapshot!(
            format!("half_blocks_{width}x{height}"),
            screen_with_colours(&h)
        );
    }
}

#[test]
fn the_alt_text_stays_beneath_and_the_list_pane_shows_no_picture() {
    let h = opened(120, 30, &card(64, 32));
    let reader = h.app.reader.as_ref().unwrap();
    let rows: Vec<usize> = (0..reader.lines.len())
        .filter(|&i| reader.lines[i].kind == LineKind::Picture)
        .collect();
    assert!(!rows.is_empty());
    let after = reader.lines[rows[rows.len() - 1] + 1];
    assert_eq!(reader.text(&after), "[image 1: A card in four colours]");
    let screen = h.terminal();
    let buffer = screen.backend().buffer();
    let list = h.app.panes().list.unwrap();
    for y in list.top()..list.bottom() {
        for x in list.left()..list.right() {
            assert!(
                !matches!(buffer[(x, y)].bg, Color::Rgb(..)),
                "a picture's cell in the list pane at {x},{y}"
            );
        }
    }
}

#[test]
fn a_picture_scrolls_row_by_row_and_comes_back_at_a_new_width() {
    let mut h = opened(80, 24, &card(64, 32));
    h.keys("z");
    let before = screen_with_colours(&h);
    // Scroll until the picture's first rows have left the screen.
    scroll_to_picture(&mut h);
    for _ in 0..3 {
        h.keys("j");
    }
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.lines[r.top].kind, LineKind::Picture);
    assert_eq!(
        r.lines[r.top].start, 3,
        "the picture's fourth row at the top"
    );
    let scrolled = screen_with_colours(&h);
    assert_ne!(before, scrolled);
    insta::assert_snapshot!("half_blocks_scrolled_80x24", scrolled);
    // A narrower screen: the picture drawn for 80 columns waits for its new drawing,
    // and the app asks for it.
    h.resize(30, 24);
    let reader = h.app.reader.as_ref().unwrap();
    assert!(reader.lines.iter().all(|l| l.kind != LineKind::Picture));
    let picture = card(64, 32);
    drawn(&mut h, &picture);
    let reader = h.app.reader.as_ref().unwrap();
    assert!(reader.lines.iter().any(|l| l.kind == LineKind::Picture));
}

#[test]
fn a_late_answer_for_an_old_width_is_dropped() {
    let mut h = opened(120, 30, &card(64, 32));
    let before = h.app.reader.as_ref().unwrap().pictures[0].shown.clone();
    let id = h.app.reader.as_ref().unwrap().article.summary.id;
    h.report(Report::PictureDrawn {
        id,
        url: CARD.into(),
        width: 7,
        drawn: Err("drawn for a screen long gone".into()),
    });
    assert_eq!(h.app.reader.as_ref().unwrap().pictures[0].shown, before);
}

#[test]
fn a_picture_that_cannot_be_drawn_leaves_the_alt_text() {
    let mut h = Harness::new(&[illustrated()], 80, 24);
    h.app.settings.pictures = true;
    h.keys("enter");
    let reader = h.app.reader.as_ref().unwrap();
    let (id, width) = (
        reader.article.summary.id,
        u16::try_from(reader.width).unwrap(),
    );
    h.report(Report::PictureDrawn {
        id,
        url: CARD.into(),
        width,
        drawn: Err("the picture claims 60000x60000 pixels".into()),
    });
    let reader = h.app.reader.as_ref().unwrap();
    assert!(matches!(reader.pictures[0].shown, Shown::Failed(_)));
    assert!(h.screen().contains("[image 1: A card in four colours]"));
    assert!(reader.lines.iter().all(|l| l.kind != LineKind::Picture));
}

#[test]
fn with_pictures_off_nothing_is_asked_and_the_marker_shows() {
    let mut h = Harness::new(&[illustrated()], 80, 24);
    assert!(!h.app.settings.pictures);
    let effects = h.app.update(herald::app::action::Action::OpenArticle);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, herald::app::Effect::DrawPictures(_)))
    );
    h.keys("enter");
    assert!(h.screen().contains("[image 1: A card in four colours]"));
}
