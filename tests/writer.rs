//! A mark made in the reader while another process holds the store's write lock (a cron
//! fetch, an import) does not make the key wait: the writer thread saves it once the lock
//! is free, and the app hears that it was saved.

mod common;

use std::sync::mpsc::channel;
use std::time::Duration;

use common::fixtures;
use herald::app::action::Action;
use herald::app::keymap::Keymap;
use herald::app::{App, Report, Start};
use herald::domain::store::Store;
use herald::tui::event::Event;
use herald::tui::{Background, run_effects};
use ratatui::layout::Rect;

/// Another process's transaction: takes the store's write lock, returns once it holds
/// it, and lets go after `for_how_long`.
fn hold_write_lock(path: &std::path::Path, for_how_long: Duration) -> std::thread::JoinHandle<()> {
    let (locked, holding) = channel();
    let path = path.to_owned();
    let blocker = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked.send(()).unwrap();
        std::thread::sleep(for_how_long);
        conn.execute_batch("COMMIT").unwrap();
    });
    holding.recv().unwrap();
    blocker
}

#[test]
fn a_mark_under_another_writers_lock_is_saved_later_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = Store::open(&path).unwrap();
    store
        .articles()
        .import(
            &fixtures(),
            jiff::Timestamp::from_second(1_750_000_000).unwrap(),
        )
        .unwrap();
    let (events, received) = channel();
    let background = Background::start(&path, events, &herald::app::Settings::default(), false);
    let mut app = App::new(Start::new(
        Keymap::default_keymap().unwrap(),
        Rect::new(0, 0, 120, 30),
    ));
    let effects = app.apply(Report::Refreshed {
        total: store.articles().count().unwrap(),
        unread: store.articles().count_unread().unwrap(),
        selected_row: None,
        newest: None,
    });
    run_effects(&store, &mut app, effects, Some(&background));
    let id = app.list.selected_row().unwrap().id;

    // Another process takes the write lock and keeps it for two seconds.
    let blocker = hold_write_lock(&path, Duration::from_secs(2));
    let effects = app.update(Action::ToggleStar);
    run_effects(&store, &mut app, effects, Some(&background));
    // The key is done and the app shows the star; the store cannot have it yet, as the
    // lock is still held: the write was handed over, not waited for.
    assert!(app.list.selected_row().unwrap().starred);
    assert!(!store.articles().summary(id).unwrap().unwrap().starred);
    loop {
        match received.recv_timeout(Duration::from_secs(30)).unwrap() {
            Event::Report(Report::Saved) => break,
            Event::Report(Report::Notify(message)) => panic!("{message}"),
            _ => {}
        }
    }
    assert!(
        store.articles().summary(id).unwrap().unwrap().starred,
        "saved once the lock was free"
    );
    blocker.join().unwrap();

    // Mark all read under the lock: the key is done at once, the store is unchanged
    // until the lock is free, then the answer comes back as a report.
    let unread = store.articles().count_unread().unwrap();
    let blocker = hold_write_lock(&path, Duration::from_secs(1));
    let effects = app.update(Action::MarkAllRead);
    run_effects(&store, &mut app, effects, Some(&background));
    assert_eq!(store.articles().count_unread().unwrap(), unread);
    let marked = loop {
        match received.recv_timeout(Duration::from_secs(30)).unwrap() {
            Event::Report(report @ Report::MarkedRead(_)) => break report,
            Event::Report(Report::Notify(message)) => panic!("{message}"),
            _ => {}
        }
    };
    let effects = app.apply(marked);
    run_effects(&store, &mut app, effects, Some(&background));
    assert_eq!(store.articles().count_unread().unwrap(), 0);
    assert!(app.status.clone().unwrap_or_default().starts_with("Marked"));
    blocker.join().unwrap();

    // Quitting waits for what was handed over: the last change is not lost.
    let effects = app.update(Action::ToggleRead);
    run_effects(&store, &mut app, effects, Some(&background));
    background.finish();
    assert!(
        !store.articles().summary(id).unwrap().unwrap().read,
        "unread again, as asked"
    );
}
