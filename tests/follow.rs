//! The reader follows the selection: moving in the list shows the selected article beside
//! it at once, without Enter; opening still moves the focus and marks it read.

mod common;

use common::{Harness, fixtures};
use herald::app::action::Action;
use herald::app::{Effect, Focus, Report};
use herald::domain::clock::Clock;

fn shown(h: &Harness) -> Option<String> {
    h.app
        .reader
        .as_ref()
        .map(|r| r.article.summary.title.clone())
}

fn selected(h: &Harness) -> String {
    h.app.list.selected_row().unwrap().title.clone()
}

#[test]
fn moving_in_the_list_shows_the_selected_article_without_opening_it() {
    for (w, height) in [(120, 30), (80, 24)] {
        let mut h = Harness::new(&fixtures(), w, height);
        assert_eq!(shown(&h), Some(selected(&h)), "{w}x{height}: at start");
        h.keys("j j");
        assert_eq!(shown(&h), Some(selected(&h)));
        assert_eq!(h.app.focus, Focus::List, "the list keeps the focus");
        assert!(
            !h.app.list.selected_row().unwrap().read,
            "shown is not read"
        );
        assert_eq!(h.app.unread, 6);
        h.keys("k");
        assert_eq!(shown(&h), Some(selected(&h)));
        // Opening moves the focus and marks it read, as before.
        h.keys("enter");
        assert_eq!(h.app.focus, Focus::Reader);
        assert_eq!(h.app.unread, 5);
        // Back in the list, moving shows the next one.
        h.keys("tab j");
        assert_eq!(shown(&h), Some(selected(&h)));
        let screen = h.screen();
        assert!(
            !screen.contains("press Enter to read it"),
            "{w}x{height}:\n{screen}"
        );
    }
}

/// Keys that arrive in one read (a fast typist, a paste, tmux's send-keys) go through the
/// loop as one batch, and each is read after the work of the keys before it: `j` then Tab
/// opens the row `j` reached, and Enter then `J` (a reader key) moves on in the reader
/// that Enter opened. Before, every key of a batch was looked up before any work ran: `J`
/// was looked up in the list, where it means nothing, and CI's tmux test of `e` after
/// Enter failed that way.
#[test]
fn keys_that_arrive_together_each_act_on_what_the_keys_before_did() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys_at_once("j tab");
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(h.app.list.selected, 1);
    assert_eq!(shown(&h), Some(selected(&h)), "the row j reached");
    h.keys_at_once("tab j j j");
    assert_eq!(h.app.focus, Focus::List);
    assert_eq!(h.app.list.selected, 4);
    assert_eq!(shown(&h), Some(selected(&h)));
    h.keys_at_once("enter J");
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(
        h.app.list.selected, 5,
        "J moved on from the article Enter opened"
    );
    assert_eq!(shown(&h), Some(selected(&h)));
}

#[test]
fn the_article_shown_is_marked_read_after_mark_read_after_seconds() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let start = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    h.app.clock = Clock::Fixed(start);
    h.app.settings.mark_read_after = Some(5);
    h.keys("j");
    let first = h.app.list.selected_row().unwrap().id;
    assert_eq!(
        h.app.deadline(),
        Some(start + jiff::SignedDuration::from_secs(5))
    );
    // Too early: nothing changes.
    h.app.clock = Clock::Fixed(start + jiff::SignedDuration::from_secs(4));
    h.report(Report::Tick);
    assert!(!h.store.articles().summary(first).unwrap().unwrap().read);
    h.app.clock = Clock::Fixed(start + jiff::SignedDuration::from_secs(5));
    h.report(Report::Tick);
    assert!(
        h.store.articles().summary(first).unwrap().unwrap().read,
        "stored read"
    );
    assert!(h.app.list.selected_row().unwrap().read, "and shown read");
    assert_eq!(h.app.deadline(), None);
    // Moved on before the time is up: the one passed over stays unread.
    h.keys("j");
    let second = h.app.list.selected_row().unwrap().id;
    h.keys("j");
    h.app.clock = Clock::Fixed(start + jiff::SignedDuration::from_secs(60));
    h.report(Report::Tick);
    assert!(!h.store.articles().summary(second).unwrap().unwrap().read);
}

#[test]
fn without_mark_read_after_showing_never_marks_read() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("j j j");
    assert_eq!(h.app.deadline(), None);
    h.report(Report::Tick);
    assert_eq!(h.app.unread, 6);
    assert_eq!(h.store.articles().count_unread().unwrap(), 6);
}

#[test]
fn the_reader_waits_while_the_search_prompt_is_open() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let before = shown(&h);
    h.keys("/");
    h.type_text("ferry");
    assert_eq!(shown(&h), before, "typing does not load articles");
    h.keys("enter");
    assert_eq!(
        shown(&h),
        Some(selected(&h)),
        "kept results: the first is shown"
    );
    let reader = h.app.reader.as_ref().unwrap();
    assert!(!reader.marks.is_empty(), "with the search's words marked");
}

#[test]
fn a_view_with_nothing_in_it_leaves_the_reader_empty() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    assert!(h.app.reader.is_some());
    h.keys("/");
    h.type_text("zzzqqq");
    h.keys("enter");
    assert_eq!(h.app.list.total, 0);
    assert!(h.app.reader.is_none(), "nothing selected, nothing shown");
    assert!(h.screen().contains("Nothing to read yet."));
    h.keys("esc");
    h.keys("1");
    assert_eq!(shown(&h), Some(selected(&h)), "back to all: shown again");
}

/// Moving down the list with the reader following reads articles and writes nothing: a
/// write would wait for the lock behind a background fetch, and so would the key.
#[test]
fn following_the_selection_writes_nothing() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let writes = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Effect::SavePosition(..)
                        | Effect::SetRead(..)
                        | Effect::SetStarred(..)
                        | Effect::SetReadMany(..)
                        | Effect::RememberOpen(..)
                )
            })
            .count()
    };
    for _ in 0..4 {
        let effects = h.app.update(Action::SelectNext);
        assert_eq!(writes(&effects), 0, "{effects:?}");
        let id = h.app.list.selected_row().unwrap().id;
        let article = h.store.articles().article(id).unwrap().unwrap();
        let effects = h.app.apply(Report::ArticlePreviewed(Box::new(article)));
        assert_eq!(writes(&effects), 0, "{effects:?}");
        assert_eq!(
            h.app.reader.as_ref().map(|r| r.article.summary.id),
            Some(id)
        );
    }
    // Scrolled, then moved on: that position is worth keeping, and is saved.
    h.app.update(Action::SelectFirst);
    while !selected(&h).starts_with("Mapping the channel") {
        h.app.update(Action::SelectNext);
    }
    let id = h.app.list.selected_row().unwrap().id;
    let article = h.store.articles().article(id).unwrap().unwrap();
    h.app.apply(Report::ArticlePreviewed(Box::new(article)));
    h.app.reader.as_mut().unwrap().scroll_by(12);
    let mut effects = h.app.update(Action::SelectNext);
    let id = h.app.list.selected_row().unwrap().id;
    let article = h.store.articles().article(id).unwrap().unwrap();
    effects.extend(h.app.apply(Report::ArticlePreviewed(Box::new(article))));
    assert_eq!(writes(&effects), 1, "{effects:?}");
}
