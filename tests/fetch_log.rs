//! The fetch log (`L`): the status line summarises a fetch; every error is kept in full in
//! a pop-up that scrolls like the help.

mod common;

use common::{Harness, fixtures};
use herald::app::action::Action;
use herald::app::keymap::Keymap;
use herald::app::{App, Report, Start};
use ratatui::layout::Rect;

fn words(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_failed_fetch_is_summarised_and_its_reason_kept_in_full() {
    let mut h = Harness::new(&fixtures(), 100, 30);
    h.keys("L");
    assert!(h.screen().contains("No fetch errors kept."));
    h.keys("esc");
    // A real refresh (the loop thread's, as in-memory stores run it) of a feed whose
    // server is not there.
    h.store
        .feeds()
        .add_feed("http://127.0.0.1:9/harbour.xml", Some("Harbour Board"))
        .unwrap();
    h.act(Action::FetchFeeds);
    let status = h.app.status.clone().unwrap();
    assert!(status.contains("1 failed (L shows why)"), "{status}");
    h.keys("L");
    assert!(h.app.log_open());
    let screen = h.screen();
    assert!(screen.contains("Fetch errors"), "{screen}");
    assert!(words(&screen).contains("Harbour Board:"), "{screen}");
    // Keys go to the log, not the list; Esc closes it.
    let selected = h.app.list.selected;
    h.keys("j");
    assert_eq!(h.app.list.selected, selected);
    h.keys("esc");
    assert!(!h.app.log_open());
    assert!(h.screen().lines().last().unwrap().contains("articles"));
    // The store keeps it: a reader started again shows it (before, the log was gone
    // with the process that met the failure).
    h.app = App::new(Start::new(
        Keymap::default_keymap().unwrap(),
        Rect::new(0, 0, 100, 30),
    ));
    h.keys("L");
    assert!(
        words(&h.screen()).contains("Harbour Board:"),
        "{}",
        h.screen()
    );
}

/// A failure of the `a` prompt (no feed at the address) is in the log too.
#[test]
fn a_failure_to_add_a_feed_is_kept_in_the_log() {
    let mut h = Harness::new(&fixtures(), 100, 30);
    h.report(Report::FeedsFound {
        address: "https://quay.example/".into(),
        found: Err("the site answered HTTP 404".into()),
    });
    h.keys("L");
    assert!(words(&h.screen()).contains("No feed added: the site answered HTTP 404"));
    assert_eq!(h.store.maintenance().fetch_log().unwrap().len(), 1);
}

#[test]
fn a_long_log_scrolls_to_its_end_and_back_at_once() {
    let mut h = Harness::new(&fixtures(), 80, 12);
    for i in 0..40 {
        h.store
            .maintenance()
            .log_failures(
                1_750_000_000 + i,
                &[(None, format!("Feed {i}: not a feed"))],
            )
            .unwrap();
    }
    h.keys("L");
    for _ in 0..100 {
        h.keys("j");
    }
    let at_end = h.screen();
    assert!(
        at_end.contains("Feed 0: not a feed"),
        "oldest last:\n{at_end}"
    );
    h.keys("k");
    assert_ne!(h.screen(), at_end, "one k moves back");
}
