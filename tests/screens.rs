//! Whole screens rendered into ratatui's TestBackend and compared as insta snapshots, at
//! sizes from 20x5 to 200x50, plus direct checks of the styles that carry meaning.

mod common;

use common::{Harness, fixtures};
use ratatui::style::Modifier;

fn snap(name: &str, h: &Harness) {
    insta::assert_snapshot!(name, h.screen());
}

#[test]
fn list_and_reader_side_by_side() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("enter");
    snap("side_by_side_120x30", &h);
}

#[test]
fn stacked_when_narrow() {
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("j enter");
    snap("stacked_80x24", &h);
}

#[test]
fn zoomed_reader() {
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("j j enter z");
    snap("zoomed_80x24", &h);
}

#[test]
fn help_overlay() {
    let mut h = Harness::new(&fixtures(), 100, 50);
    h.keys("?");
    snap("help_100x50", &h);
}

#[test]
fn empty_store() {
    let h = Harness::new(&[], 80, 24);
    snap("empty_80x24", &h);
}

#[test]
fn tiny_terminal() {
    let mut h = Harness::new(&fixtures(), 20, 5);
    snap("tiny_20x5_list", &h);
    h.keys("j j enter");
    snap("tiny_20x5_reader", &h);
    h.keys("?");
    snap("tiny_20x5_help", &h);
}

#[test]
fn wide_terminal() {
    let mut h = Harness::new(&fixtures(), 200, 50);
    h.keys("j j enter");
    snap("wide_200x50", &h);
}

#[test]
fn cjk_article() {
    let mut h = Harness::new(&fixtures(), 60, 20);
    h.keys("j enter z");
    snap("cjk_60x20", &h);
}

#[test]
fn long_article_scrolled_to_the_middle() {
    let mut h = Harness::new(&fixtures(), 100, 30);
    h.keys("j j enter");
    let r = h.app.reader.as_ref().unwrap();
    let middle = r.max_top() / 2;
    for _ in 0..middle {
        h.keys("j");
    }
    snap("long_middle_100x30", &h);
}

#[test]
fn selection_and_unread_are_shown_by_style_and_mark() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("j enter tab");
    let terminal = h.terminal();
    let buffer = terminal.backend().buffer();
    // Row 1 is the first article (unread), row 2 the second (selected, now read).
    let unread_mark = &buffer[(0, 1)];
    assert_eq!(unread_mark.symbol(), "●");
    assert!(unread_mark.modifier.contains(Modifier::BOLD));
    let selected = &buffer[(5, 2)];
    assert!(
        selected.modifier.contains(Modifier::REVERSED),
        "{selected:?}"
    );
    assert_eq!(buffer[(0, 2)].symbol(), " ", "opened article is read");
    assert!(!buffer[(10, 3)].modifier.contains(Modifier::REVERSED));
    // The focused pane's bar carries a mark, not only a colour.
    assert_eq!(buffer[(0, 0)].symbol(), "▶");
    let reader_bar_x = h.app.panes().reader.unwrap().x;
    assert_eq!(buffer[(reader_bar_x, 0)].symbol(), " ");
}

#[test]
fn no_line_overflows_and_no_wide_character_is_cut() {
    for (w, hgt) in [(20, 5), (33, 11), (60, 20), (99, 30), (100, 30), (200, 50)] {
        let mut h = Harness::new(&fixtures(), w, hgt);
        h.keys("j enter");
        let screen = h.screen();
        for line in screen.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= usize::from(w),
                "{w}x{hgt}: {line:?}"
            );
        }
        h.keys("tab j j j enter");
    }
}

#[test]
fn search_prompt_with_count_and_highlighted_titles() {
    let mut h = Harness::new(&fixtures(), 100, 16);
    h.keys("/");
    h.type_text("night OR tram");
    snap("search_prompt_100x16", &h);
    let terminal = h.terminal();
    let buffer = terminal.backend().buffer();
    // "Tram" in the first row's title is highlighted; the word after it is not.
    let row = 1;
    let line: String = (0..100)
        .map(|x| buffer[(x, row)].symbol().to_owned())
        .collect();
    let at = line.find("Tram").unwrap();
    let x = line[..at].chars().count() as u16;
    assert_eq!(buffer[(x, row)].bg, ratatui::style::Color::Yellow);
    assert_ne!(buffer[(x + 5, row)].bg, ratatui::style::Color::Yellow);
    // The cursor is in the prompt.
    let mut terminal = h.terminal();
    assert_eq!(terminal.get_cursor_position().unwrap().y, 15);
}

#[test]
fn a_malformed_query_is_explained_in_the_prompt() {
    let mut h = Harness::new(&fixtures(), 100, 12);
    h.keys("/");
    h.type_text("tram is:sleepy");
    snap("search_error_100x12", &h);
}

#[test]
fn find_in_article_counter_and_current_match() {
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("j j enter /");
    h.type_text("section 2");
    h.keys("enter n n");
    snap("find_80x24", &h);
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.current_mark, Some(2));
}

#[test]
fn help_scrolls_when_it_does_not_fit() {
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("?");
    let top = h.screen();
    assert!(top.contains("j/k scroll"), "{top}");
    for _ in 0..200 {
        h.keys("j");
    }
    snap("help_scrolled_80x24", &h);
    let bottom = h.screen();
    assert!(bottom.contains("inside CJK text too"), "{bottom}");
    assert!(!bottom.contains("j/k scroll"));
    h.keys("esc");
    assert!(!h.app.help_open());
}

#[test]
fn the_help_border_is_whole_beside_wide_characters() {
    for width in 90..110u16 {
        let mut h = Harness::new(&fixtures(), width, 26);
        h.keys("?");
        let terminal = h.terminal();
        let buffer = terminal.backend().buffer();
        let top = (0..26u16)
            .find(|&y| (0..width).any(|x| buffer[(x, y)].symbol() == "┌"))
            .unwrap();
        let left = (0..width)
            .find(|&x| buffer[(x, top)].symbol() == "┌")
            .unwrap();
        if left > 0 {
            for y in top + 1..top + 10 {
                let before = buffer[(left - 1, y)].symbol();
                assert!(
                    unicode_width::UnicodeWidthStr::width(before) <= 1,
                    "at width {width}, row {y}: {before:?} spills into the border"
                );
            }
        }
    }
}
