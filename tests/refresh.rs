//! Refresh by itself: the app wakes when the next feed is due and asks for the due feeds;
//! a refresh is quiet unless it brings something, and never doubles a fetch under way.

mod common;

use common::{Harness, fixtures};
use herald::app::Report;
use herald::domain::clock::Clock;
use jiff::{SignedDuration, Timestamp};

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).unwrap()
}

#[test]
fn the_app_wakes_when_a_feed_is_due_and_fetches_what_is_due() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.app.clock = Clock::Fixed(at(0));
    h.report(Report::Scheduled(Some(at(600))));
    assert_eq!(h.app.deadline(), Some(at(600)));
    h.app.clock = Clock::Fixed(at(599));
    h.report(Report::Tick);
    assert!(!h.app.fetching, "not before it is due");
    // Due: the refresh runs (here on the test's thread, against a store with no feeds).
    h.app.clock = Clock::Fixed(at(600));
    h.report(Report::Tick);
    assert!(!h.app.fetching, "over: nothing was due in this store");
    assert_eq!(
        h.app.status, None,
        "a refresh that brought nothing says nothing"
    );
    assert_eq!(
        h.app.deadline(),
        None,
        "asked once; the next time comes with the end"
    );
    // `R` is the person's: it says what happened even when nothing did.
    h.keys("R");
    assert!(
        h.app
            .status
            .as_deref()
            .unwrap_or_default()
            .contains("No feeds")
    );
}

#[test]
fn a_refresh_that_brings_articles_says_so_and_one_under_way_is_not_doubled() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.app.clock = Clock::Fixed(at(0));
    // A fetch the person started is under way when a feed comes due.
    h.app.fetching = true;
    h.report(Report::Scheduled(Some(at(0))));
    assert_eq!(h.app.deadline(), None, "no wake-up while a fetch runs");
    h.report(Report::Tick);
    assert!(h.app.fetching);
    h.report(Report::FetchDone {
        new: 3,
        updated: 0,
        failures: Vec::new(),
        pushed: 0,
    });
    assert_eq!(h.app.status.as_deref(), Some("Fetched: 3 new, 0 updated"));
    h.report(Report::Scheduled(Some(
        at(0) + SignedDuration::from_mins(30),
    )));
    assert_eq!(h.app.deadline(), Some(at(1800)));
}

#[test]
fn the_earlier_of_two_deadlines_wakes_the_app() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.app.clock = Clock::Fixed(at(0));
    h.app.settings.mark_read_after = Some(5);
    h.keys("j");
    h.report(Report::Scheduled(Some(at(600))));
    assert_eq!(h.app.deadline(), Some(at(5)));
    h.app.clock = Clock::Fixed(at(5));
    h.report(Report::Tick);
    assert_eq!(h.app.deadline(), Some(at(600)));
}

/// A schedule that does not move on (a store that cannot record its fetches) must not
/// make the app ask again at once, over and over: refreshes are a minute apart at least.
#[test]
fn a_schedule_stuck_in_the_past_is_not_a_tight_loop() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.app.clock = Clock::Fixed(at(0));
    h.report(Report::Scheduled(Some(at(0))));
    h.report(Report::Tick);
    // The refresh ran (nothing was due in this store); the store says "due" again.
    h.report(Report::Scheduled(Some(at(0))));
    assert_eq!(
        h.app.deadline(),
        Some(at(60)),
        "not before a minute has passed"
    );
}
