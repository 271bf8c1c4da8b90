//! The fetch log (`L`): the status line summarises a fetch; every error is kept in full in
//! a pop-up that scrolls like the help.

mod common;

use common::{Harness, fixtures};
use herald::app::Report;

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
    assert!(h.screen().contains("No fetch errors since herald started."));
    h.keys("esc");
    let reason = format!(
        "Harbour Board: the server answered HTTP 503 and asked to wait 7200 s; {}",
        "the gateway said the upstream feed service is being moved to a new cluster ".repeat(3)
    );
    h.report(Report::FetchDone {
        new: 1,
        updated: 0,
        failures: vec![reason.clone()],
    });
    let status = h.app.status.clone().unwrap();
    assert!(status.contains("1 failed (L shows why)"), "{status}");
    h.keys("L");
    assert!(h.app.log_open);
    let screen = h.screen();
    assert!(screen.contains("Fetch errors"), "{screen}");
    assert!(
        words(&screen).contains(
            reason
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim()
        ),
        "the whole reason, wrapped:\n{screen}"
    );
    // Keys go to the log, not the list; Esc closes it.
    let selected = h.app.list.selected;
    h.keys("j");
    assert_eq!(h.app.list.selected, selected);
    h.keys("esc");
    assert!(!h.app.log_open);
    assert!(h.screen().lines().last().unwrap().contains("articles"));
}

#[test]
fn a_long_log_scrolls_to_its_end_and_back_at_once() {
    let mut h = Harness::new(&fixtures(), 80, 12);
    for i in 0..40 {
        h.report(Report::FetchDone {
            new: 0,
            updated: 0,
            failures: vec![format!("Feed {i}: not a feed")],
        });
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
