//! Key sequences through the real keymap into the app and store; state asserted.

mod common;

use common::{Harness, fixtures};
use herald::action::Action;
use herald::app::Focus;
use herald::model::ArticleId;

fn title(h: &Harness) -> String {
    h.app
        .reader
        .as_ref()
        .map(|r| r.article.summary.title.clone())
        .unwrap_or_default()
}

#[test]
fn move_open_and_step_through_articles_from_the_reader() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    assert_eq!(h.app.focus, Focus::List);
    h.keys("j j");
    assert_eq!(h.app.list.selected, 2);
    h.keys("enter");
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(
        title(&h),
        "Mapping the channel: a season on the survey boat"
    );
    h.keys("J");
    assert_eq!(title(&h), "Robot librarian 📚 passes its first week 🎉");
    assert_eq!(h.app.list.selected, 3);
    h.keys("[ [");
    assert_eq!(title(&h), "東京の地下鉄、終電を30分延長へ");
    h.keys("G j J J J J J");
    assert_eq!(title(&h), "Notes from a beach clean");
    assert_eq!(h.app.status.as_deref(), Some("This is the last article"));
    h.keys("q");
    assert_eq!(h.app.focus, Focus::List);
    assert!(!h.app.quit);
    h.keys("q");
    assert!(h.app.quit);
}

#[test]
fn opening_marks_read_and_m_s_toggle_in_the_store() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    assert_eq!(h.app.unread, 6);
    h.keys("enter");
    assert_eq!(h.app.unread, 5);
    let id = h.app.reader.as_ref().unwrap().article.summary.id;
    assert!(h.store.summary(id).unwrap().unwrap().read);
    h.keys("m s");
    let stored = h.store.summary(id).unwrap().unwrap();
    assert!(!stored.read && stored.starred);
    assert!(h.app.list.row(0).unwrap().starred, "list row follows");
    assert_eq!(h.app.unread, 6);
    h.keys("tab j m");
    assert!(
        h.store
            .summary(h.app.list.row(1).unwrap().id)
            .unwrap()
            .unwrap()
            .read
    );
    assert_eq!(h.app.unread, 5);
    assert_eq!(h.store.count_unread().unwrap(), 5);
}

#[test]
fn scrolling_paging_and_position_is_saved_and_restored() {
    let mut h = Harness::new(&fixtures(), 100, 30);
    h.keys("j j enter");
    h.keys("j j j");
    assert_eq!(h.app.reader.as_ref().unwrap().top, 3);
    h.keys("space");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.top, 3 + r.height);
    h.keys("ctrl-u");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.top, 3 + r.height - r.height / 2);
    h.keys("G");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.top, r.max_top());
    h.keys("g ctrl-d ctrl-d");
    let saved = h.app.reader.as_ref().unwrap().position();
    assert!(saved.paragraph > 0);
    // Leaving the article saves its position; opening it again restores it.
    h.keys("J K");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.position(), saved);
    let id = r.article.summary.id;
    assert_eq!(h.store.article(id).unwrap().unwrap().position, saved);
}

#[test]
fn resize_reflows_and_keeps_the_paragraph_at_the_top() {
    let mut h = Harness::new(&fixtures(), 200, 50);
    h.keys("j j enter ctrl-d ctrl-d");
    let before = h.app.reader.as_ref().unwrap().position();
    for (w, hgt) in [(80, 24), (20, 5), (43, 17), (200, 50)] {
        h.resize(w, hgt);
        let r = h.app.reader.as_ref().unwrap();
        let top = r.lines[r.top];
        assert_eq!(top.paragraph, before.paragraph, "at {w}x{hgt}");
    }
}

#[test]
fn zoom_focus_and_help() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("z");
    assert!(!h.app.zoomed, "nothing to zoom yet");
    assert!(h.app.status.is_some());
    h.keys("enter z");
    assert!(h.app.zoomed);
    assert!(h.app.panes().list.is_none());
    h.keys("esc");
    assert_eq!(h.app.focus, Focus::List);
    assert!(!h.app.zoomed);
    h.keys("l");
    assert_eq!(h.app.focus, Focus::Reader);
    h.keys("h");
    assert_eq!(h.app.focus, Focus::List);
    h.keys("?");
    assert!(h.app.help_open);
    h.keys("j");
    assert_eq!(h.app.list.selected, 0, "keys do not leak through help");
    h.keys("esc");
    assert!(!h.app.help_open);
    h.keys("ctrl-c");
    assert!(h.app.quit);
}

#[test]
fn mouse_wheel_scrolls_the_pane_under_the_pointer_and_click_selects() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.act(Action::Click { column: 3, row: 4 });
    assert_eq!(h.app.list.selected, 3);
    h.keys("enter");
    let reader_x = h.app.panes().reader.unwrap().x + 2;
    h.act(Action::Wheel {
        column: reader_x,
        row: 10,
        lines: 3,
    });
    assert_eq!(h.app.reader.as_ref().unwrap().top, 0, "short article");
    h.keys("K");
    h.act(Action::Wheel {
        column: reader_x,
        row: 10,
        lines: 3,
    });
    assert_eq!(h.app.reader.as_ref().unwrap().top, 3);
    h.act(Action::Wheel {
        column: 2,
        row: 5,
        lines: -3,
    });
    assert_eq!(h.app.list.selected, 0);
    h.act(Action::Click {
        column: reader_x,
        row: 5,
    });
    assert_eq!(h.app.focus, Focus::Reader);
}

#[test]
fn an_empty_store_and_missing_links_give_messages_not_panics() {
    let mut h = Harness::new(&[], 20, 5);
    h.keys("j k g G enter J K m s o z space ctrl-d tab ?");
    h.keys("esc q");
    assert!(h.app.quit);
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("G o");
    assert_eq!(h.app.status.as_deref(), Some("This article has no link"));
    assert_eq!(h.app.list.selected_row().unwrap().id, ArticleId(6));
}
