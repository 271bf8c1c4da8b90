//! The reader and a sync server that cannot be reached: `R` tries the account, the
//! failure is in the fetch log (`L`) naming the account, the pane marks the account and
//! the status bar says the sync failed, and the change waiting is kept for the next sync.

mod common;

use common::{Harness, fixtures};
use herald::app::Effect;
use herald::app::action::Action;
use herald::app::sources::{Line, Source};
use herald::domain::store::{AccountKind, NewAccount, SecretSource};

#[test]
fn a_failed_sync_is_logged_marked_and_its_changes_kept() {
    let mut h = Harness::new(&fixtures(), 160, 40);
    // A port nothing listens on: the connection is refused at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let account = h
        .store
        .accounts()
        .add_account(&NewAccount {
            name: "home".into(),
            kind: AccountKind::Miniflux,
            url: format!("http://127.0.0.1:{port}"),
            user: Some("ana".into()),
            secret: SecretSource::Command(vec!["echo".into(), "secret".into()]),
        })
        .unwrap();
    let feed = h
        .store
        .feeds()
        .add_feed("https://rss.example/feed", Some("Remote"))
        .unwrap();
    h.store
        .accounts()
        .set_feed_account(feed.id, Some(account.id), Some("12"))
        .unwrap();
    h.store
        .feeds()
        .rename_feed(feed.id, "Remote, renamed")
        .unwrap();
    let waiting = h.store.accounts().account_counts(account.id).unwrap().1;
    assert_eq!(waiting, 1, "the rename waits to be pushed");
    h.act(Action::FetchFeeds);
    assert_eq!(
        h.store.accounts().account_counts(account.id).unwrap().1,
        waiting,
        "kept"
    );
    h.act(Action::ShowFetchLog);
    let log = h.screen();
    assert!(log.contains("account home"), "{log}");
    h.keys("esc");
    h.run(vec![Effect::LoadSources]);
    let line = h
        .app
        .sources
        .lines
        .iter()
        .find(|l| matches!(l.source(), Some(Source::Account(_))))
        .cloned()
        .expect("the account's line");
    assert!(matches!(line, Line::Source { failing: true, .. }));
    let screen = h.screen();
    assert!(screen.contains("sync failed"), "{screen}");
    // Tried once: not due again before a refresh has passed.
    let due = h
        .store
        .accounts()
        .accounts_due(jiff::Timestamp::now(), std::time::Duration::from_secs(60))
        .unwrap();
    assert!(due.is_empty());
}

/// A secret that cannot be had (its variable unset) fails before the server is asked:
/// the attempt is recorded all the same, so the reader does not try again at once, in a
/// loop, and the account is marked.
#[test]
fn a_missing_secret_is_a_recorded_attempt() {
    let mut h = Harness::new(&fixtures(), 160, 40);
    h.store
        .accounts()
        .add_account(&NewAccount {
            name: "home".into(),
            kind: AccountKind::Miniflux,
            url: "http://127.0.0.1:9".into(),
            user: None,
            secret: SecretSource::Env("HERALD_TEST_NO_SUCH_VARIABLE".into()),
        })
        .unwrap();
    h.act(Action::FetchFeeds);
    let due = h
        .store
        .accounts()
        .accounts_due(jiff::Timestamp::now(), std::time::Duration::from_secs(60))
        .unwrap();
    assert!(due.is_empty(), "not due again at once");
    let account = h.store.accounts().account("home").unwrap().unwrap();
    assert!(
        account
            .last_error
            .unwrap()
            .contains("HERALD_TEST_NO_SUCH_VARIABLE")
    );
}
