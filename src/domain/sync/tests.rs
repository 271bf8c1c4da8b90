//! The engine against a server in memory (`fake.rs`): identity, the outbox, folders and
//! server answers that must not cost the archive. The protocols' own paging is tested
//! against loopback servers in their files, and the whole against a real Miniflux in
//! tests/sync_miniflux.rs.

use std::time::Duration;

use jiff::Timestamp;

use super::engine::run;
use super::fake::Fake;
use super::outcome::Synced;
use super::server::Budget;
use crate::domain::model::{ArticleId, NewArticle};
use crate::domain::store::{Account, AccountKind, NewAccount, SecretSource, Store};

fn account(store: &Store, name: &str) -> Account {
    store
        .accounts()
        .add_account(&NewAccount {
            name: name.into(),
            kind: AccountKind::Miniflux,
            url: format!("http://127.0.0.1:9/{name}"),
            user: None,
            secret: SecretSource::Env("T".into()),
        })
        .unwrap()
}

fn sync(store: &Store, name: &str, server: &Fake) -> Synced {
    let account = store.accounts().account(name).unwrap().unwrap();
    run(
        store,
        &account,
        server,
        &mut Budget::new(Duration::from_secs(60), 100_000),
    )
    .unwrap()
}

/// Every article: (title, read, starred), sorted.
fn articles(store: &Store) -> Vec<(String, bool, bool)> {
    let mut all: Vec<_> = store
        .articles()
        .summaries(None, 0)
        .unwrap()
        .into_iter()
        .map(|s| (s.title, s.read, s.starred))
        .collect();
    all.sort();
    all
}

fn id_of(store: &Store, title: &str) -> ArticleId {
    store
        .articles()
        .summaries(None, 0)
        .unwrap()
        .into_iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no article {title}"))
        .id
}

/// The account's articles' entry ids, sorted.
fn remote_ids(store: &Store, account: &Account) -> Vec<String> {
    let mut ids: Vec<String> = store
        .accounts()
        .account_articles(account.id)
        .unwrap()
        .into_iter()
        .filter_map(|a| a.remote_id)
        .collect();
    ids.sort_by_key(|i| i.parse::<i64>().unwrap_or(0));
    ids
}

/// Entries with ids of their own that share one link (a comic, a live blog) are as many
/// articles, over several syncs and pages; before, 500 became 250.
#[test]
fn entries_that_share_a_link_stay_apart() {
    let store = Store::open_in_memory().unwrap();
    account(&store, "home");
    let server = Fake::new(true);
    let feed = server.add_feed("https://comic.example/rss", &[]);
    for i in 1..=60 {
        server.add_entry(i, &feed, &format!("Strip {i}"), "https://comic.example/");
    }
    let done = sync(&store, "home", &server);
    assert_eq!(done.new, 60);
    for i in 61..=90 {
        server.add_entry(i, &feed, &format!("Strip {i}"), "https://comic.example/");
    }
    let done = sync(&store, "home", &server);
    assert_eq!((done.new, done.updated), (30, 0));
    assert_eq!(articles(&store).len(), 90);
    assert_eq!(sync(&store, "home", &server).new, 0);
}

/// A feed read locally before an account followed it: its articles are matched to the
/// server's entries by link, keep their state, are not duplicated, and from then on
/// their changes reach the server, both ways.
#[test]
fn a_local_feed_that_joins_an_account_keeps_its_articles_and_syncs_them() {
    let store = Store::open_in_memory().unwrap();
    let url = "https://harbour.example/rss";
    let local = store.feeds().add_feed(url, Some("Harbour")).unwrap();
    let items: Vec<NewArticle> = (1..=5)
        .map(|i| NewArticle {
            guid: Some(format!("harbour-{i}")),
            url: Some(format!("https://harbour.example/{i}")),
            title: format!("Tide {i}"),
            source: "Harbour".into(),
            paragraphs: vec!["Local text.".into()],
            ..Default::default()
        })
        .collect();
    store
        .feeds()
        .upsert(Some(&local), &items, Timestamp::now())
        .unwrap();
    store
        .articles()
        .set_starred(id_of(&store, "Tide 1"), true)
        .unwrap();
    store
        .articles()
        .set_read(id_of(&store, "Tide 2"), true)
        .unwrap();

    let home = account(&store, "home");
    let server = Fake::new(true);
    let feed = server.add_feed(url, &[]);
    for i in 1..=5 {
        server.add_entry(
            10 + i,
            &feed,
            &format!("Tide {i}"),
            &format!("https://harbour.example/{i}"),
        );
    }
    let done = sync(&store, "home", &server);
    assert_eq!((done.new, done.adopted), (0, 5));
    assert_eq!(articles(&store).len(), 5, "no article twice");
    assert_eq!(remote_ids(&store, &home), ["11", "12", "13", "14", "15"]);
    // What was done here before reaches the server with the next push.
    sync(&store, "home", &server);
    assert!(server.entry(11).starred);
    assert!(server.entry(12).read);
    let state = articles(&store);
    assert_eq!(state[0], ("Tide 1".into(), false, true));
    assert_eq!(state[1], ("Tide 2".into(), true, false));
    // And from then on, both ways.
    store
        .articles()
        .set_read(id_of(&store, "Tide 3"), true)
        .unwrap();
    server.entries.borrow_mut()[3].read = true; // entry 14
    let done = sync(&store, "home", &server);
    assert!(server.entry(13).read);
    assert_eq!(done.flags, 1);
    assert!(articles(&store)[3].1, "Tide 4 read on the server");
}

/// A local feed that joins an account whose mark is past the feed's entries (older ids):
/// its entries are pulled whole and matched.
#[test]
fn a_feed_that_joins_after_the_first_sync_is_matched_too() {
    let store = Store::open_in_memory().unwrap();
    let home = account(&store, "home");
    let server = Fake::new(true);
    let first = server.add_feed("https://first.example/rss", &[]);
    for i in 10..=12 {
        server.add_entry(
            i,
            &first,
            &format!("First {i}"),
            &format!("https://first.example/{i}"),
        );
    }
    sync(&store, "home", &server);
    let url = "https://late.example/rss";
    let local = store.feeds().add_feed(url, Some("Late")).unwrap();
    let item = NewArticle {
        guid: Some("late-1".into()),
        url: Some("https://late.example/1".into()),
        title: "Late one".into(),
        source: "Late".into(),
        paragraphs: vec!["Text.".into()],
        ..Default::default()
    };
    store
        .feeds()
        .upsert(Some(&local), &[item], Timestamp::now())
        .unwrap();
    store
        .articles()
        .set_starred(id_of(&store, "Late one"), true)
        .unwrap();
    let late = server.add_feed(url, &[]);
    server.add_entry(3, &late, "Late one", "https://late.example/1");
    let done = sync(&store, "home", &server);
    assert_eq!((done.new, done.adopted), (0, 1));
    assert_eq!(articles(&store).len(), 4);
    assert_eq!(remote_ids(&store, &home), ["3", "10", "11", "12"]);
    sync(&store, "home", &server);
    assert!(server.entry(3).starred);
}

/// Two accounts whose servers follow one address: each keeps its feed, its entries (the
/// same entry ids on both servers) and its mark; a change goes to its own server only.
#[test]
fn two_accounts_that_share_a_feed_keep_their_own_entries() {
    let store = Store::open_in_memory().unwrap();
    let a = account(&store, "a");
    let b = account(&store, "b");
    let (one, two) = (Fake::new(true), Fake::new(false));
    for (server, who) in [(&one, "One"), (&two, "Two")] {
        let feed = server.add_feed("https://shared.example/rss", &[]);
        for i in 1..=3 {
            server.add_entry(
                i,
                &feed,
                &format!("{who} {i}"),
                &format!("https://shared.example/{i}"),
            );
        }
    }
    assert_eq!(sync(&store, "a", &one).new, 3);
    assert_eq!(sync(&store, "b", &two).new, 3);
    assert_eq!(articles(&store).len(), 6);
    assert_eq!(remote_ids(&store, &a), ["1", "2", "3"]);
    assert_eq!(remote_ids(&store, &b), ["1", "2", "3"]);
    for name in ["a", "b"] {
        assert_eq!(
            store.accounts().account(name).unwrap().unwrap().last_entry,
            Some(3)
        );
    }
    assert_eq!(sync(&store, "a", &one).new, 0);
    assert_eq!(sync(&store, "b", &two).new, 0);
    store
        .articles()
        .set_read(id_of(&store, "Two 2"), true)
        .unwrap();
    sync(&store, "a", &one);
    sync(&store, "b", &two);
    assert!(!one.entry(2).read);
    assert!(two.entry(2).read);
}

/// A change made while the sync pushes that article's previous change is kept: the
/// clean-up after the push clears only the row it sent (outbox ids are never reused).
#[test]
fn a_change_made_during_a_push_is_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("herald.db");
    let store = Store::open(&path).unwrap();
    account(&store, "home");
    let server = Fake::new(true);
    let feed = server.add_feed("https://busy.example/rss", &[]);
    server.add_entry(1, &feed, "Busy", "https://busy.example/1");
    sync(&store, "home", &server);
    let id = id_of(&store, "Busy");
    store.articles().set_read(id, true).unwrap();
    let other = Store::open(&path).unwrap();
    *server.during_push.borrow_mut() = Some(Box::new(move || {
        other.articles().set_read(id, false).unwrap();
    }));
    let home = store.accounts().account("home").unwrap().unwrap();
    sync(&store, "home", &server);
    assert_eq!(
        *server.log.borrow(),
        ["read=true 1", "read=false 1"],
        "the change made meanwhile is sent after the one before it"
    );
    assert!(!server.entry(1).read);
    assert!(!articles(&store)[0].1);
    assert!(store.accounts().pending(home.id, 10).unwrap().is_empty());
}

/// A server that suddenly lists no feeds deletes nothing: every feed is kept as an
/// archive with its articles, loudly; when the server lists them again they come back
/// with their articles, and marks sync again.
#[test]
fn a_server_that_loses_its_feeds_costs_no_article() {
    let store = Store::open_in_memory().unwrap();
    let home = account(&store, "home");
    let server = Fake::new(true);
    for f in 0..2 {
        let feed = server.add_feed(&format!("https://f{f}.example/rss"), &[]);
        for i in 1..=3 {
            let id = f * 10 + i;
            server.add_entry(
                id,
                &feed,
                &format!("Item {id}"),
                &format!("https://f{f}.example/{i}"),
            );
        }
    }
    sync(&store, "home", &server);
    store
        .articles()
        .set_starred(id_of(&store, "Item 12"), true)
        .unwrap();
    sync(&store, "home", &server);
    assert!(server.entry(12).starred);
    let saved = server.feeds.replace(Vec::new());
    let done = sync(&store, "home", &server);
    assert_eq!(done.feeds_removed, 2);
    assert!(
        done.warnings
            .iter()
            .any(|w| w.contains("no longer lists any")),
        "{:?}",
        done.warnings
    );
    assert_eq!(articles(&store).len(), 6, "nothing deleted");
    assert!(
        articles(&store).iter().any(|a| a.0 == "Item 12" && a.2),
        "still starred"
    );
    // Back: the same feeds and entries.
    server.feeds.replace(saved);
    let done = sync(&store, "home", &server);
    assert_eq!((done.new, done.feeds_added), (0, 0));
    assert_eq!(articles(&store).len(), 6);
    assert_eq!(remote_ids(&store, &home).len(), 6);
    store
        .articles()
        .set_starred(id_of(&store, "Item 12"), false)
        .unwrap();
    sync(&store, "home", &server);
    assert!(!server.entry(12).starred, "the unstar reached the server");
}

/// A feed removed on the server and subscribed again comes back with new entry ids: the
/// kept articles are matched to them by link, starred ones included, and sync again.
#[test]
fn a_feed_that_comes_back_with_new_entries_gets_its_articles_back() {
    let store = Store::open_in_memory().unwrap();
    let home = account(&store, "home");
    let server = Fake::new(true);
    let feed = server.add_feed("https://back.example/rss", &[]);
    for i in 1..=3 {
        server.add_entry(
            i,
            &feed,
            &format!("Back {i}"),
            &format!("https://back.example/{i}"),
        );
    }
    sync(&store, "home", &server);
    store
        .articles()
        .set_starred(id_of(&store, "Back 2"), true)
        .unwrap();
    sync(&store, "home", &server);
    server.feeds.borrow_mut().clear();
    server.entries.borrow_mut().clear();
    sync(&store, "home", &server);
    assert_eq!(articles(&store).len(), 3);
    let again = server.add_feed("https://back.example/rss", &[]);
    for i in 1..=3 {
        server.add_entry(
            20 + i,
            &again,
            &format!("Back {i}"),
            &format!("https://back.example/{i}"),
        );
    }
    let done = sync(&store, "home", &server);
    assert_eq!(done.new, 0, "{done:?}");
    assert_eq!(articles(&store).len(), 3);
    assert_eq!(remote_ids(&store, &home), ["21", "22", "23"]);
    sync(&store, "home", &server);
    assert!(
        server.entry(22).starred,
        "the kept star reached the new entry"
    );
    store
        .articles()
        .set_starred(id_of(&store, "Back 2"), false)
        .unwrap();
    sync(&store, "home", &server);
    assert!(!server.entry(22).starred);
}

/// One subscription the server refuses does not hold up the rest: reported, kept in the
/// outbox, and every other change goes through, sync after sync.
#[test]
fn a_refused_subscription_does_not_block_the_rest() {
    let store = Store::open_in_memory().unwrap();
    let home = account(&store, "home");
    let server = Fake::new(true);
    let feed = server.add_feed("https://ok.example/rss", &[]);
    server.add_entry(1, &feed, "Fine", "https://ok.example/1");
    sync(&store, "home", &server);
    server
        .refuse
        .borrow_mut()
        .insert("https://bad.example/rss".into());
    store
        .accounts()
        .add_account_feed(home.id, "https://bad.example/rss", None)
        .unwrap();
    store
        .accounts()
        .add_account_feed(home.id, "https://good.example/rss", None)
        .unwrap();
    store
        .articles()
        .set_read(id_of(&store, "Fine"), true)
        .unwrap();
    for _ in 0..2 {
        let done = sync(&store, "home", &server);
        assert!(
            done.warnings.iter().any(|w| w.contains("bad.example")),
            "{:?}",
            done.warnings
        );
    }
    assert!(
        server
            .log
            .borrow()
            .contains(&"subscribe https://good.example/rss".to_owned())
    );
    assert!(server.entry(1).read);
    let waiting = store.accounts().pending(home.id, 10).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].value.as_deref(), Some("https://bad.example/rss"));
}

/// Folders over a server that keeps several (Google Reader labels): every tag is sent,
/// a tag taken away is taken away there, and the server's moves come back.
#[test]
fn every_folder_goes_both_ways_where_a_feed_has_several() {
    let store = Store::open_in_memory().unwrap();
    account(&store, "home");
    let server = Fake::new(false);
    let feed = server.add_feed("https://folders.example/rss", &["news"]);
    sync(&store, "home", &server);
    let local = store
        .feeds()
        .feed_by_url("https://folders.example/rss")
        .unwrap()
        .unwrap();
    assert_eq!(store.feeds().tags_of(local.id).unwrap(), ["news"]);
    store.feeds().tag_feed(local.id, "tech").unwrap();
    store.feeds().tag_feed(local.id, "art").unwrap();
    sync(&store, "home", &server);
    assert_eq!(server.folders(&feed), ["art", "news", "tech"]);
    store.feeds().untag_feed(local.id, "news").unwrap();
    sync(&store, "home", &server);
    assert_eq!(server.folders(&feed), ["art", "tech"]);
    assert_eq!(
        store.feeds().tags_of(local.id).unwrap(),
        ["art", "tech"],
        "not brought back"
    );
    // Moved on the server: the new folder comes, the old one goes.
    server.feeds.borrow_mut()[0].folders = vec!["art".into(), "science".into()];
    sync(&store, "home", &server);
    assert_eq!(store.feeds().tags_of(local.id).unwrap(), ["art", "science"]);
}

/// Over a server with one category per feed (Miniflux), the tag just given becomes the
/// category, the person is told which and that the others stay in herald; a category
/// moved on the server moves in herald, and a tag only herald has stays.
#[test]
fn one_category_a_feed_says_which_tag_became_it() {
    let store = Store::open_in_memory().unwrap();
    account(&store, "home");
    let server = Fake::new(true);
    let feed = server.add_feed("https://cat.example/rss", &["news"]);
    sync(&store, "home", &server);
    let local = store
        .feeds()
        .feed_by_url("https://cat.example/rss")
        .unwrap()
        .unwrap();
    store.feeds().tag_feed(local.id, "tech").unwrap();
    let done = sync(&store, "home", &server);
    assert_eq!(server.folders(&feed), ["tech"]);
    assert!(
        done.warnings
            .iter()
            .any(|w| w.contains("`tech` is its category") && w.contains("news")),
        "{:?}",
        done.warnings
    );
    assert_eq!(store.feeds().tags_of(local.id).unwrap(), ["news", "tech"]);
    // Taking away a tag that is not the category leaves the category alone.
    store.feeds().untag_feed(local.id, "news").unwrap();
    sync(&store, "home", &server);
    assert_eq!(server.folders(&feed), ["tech"]);
    // Moved on the server.
    server.feeds.borrow_mut()[0].folders = vec!["science".into()];
    sync(&store, "home", &server);
    assert_eq!(store.feeds().tags_of(local.id).unwrap(), ["science"]);
    // Taking the category away puts the feed in the default one.
    store.feeds().untag_feed(local.id, "science").unwrap();
    sync(&store, "home", &server);
    assert!(server.folders(&feed).is_empty());
}

/// A pull stopped by its budget keeps what it stored and says so.
#[test]
fn a_pull_past_its_budget_stops_with_a_message_and_keeps_what_it_stored() {
    let store = Store::open_in_memory().unwrap();
    let home = account(&store, "home");
    let server = Fake::new(true);
    let feed = server.add_feed("https://many.example/rss", &[]);
    for i in 1..=10 {
        server.add_entry(
            i,
            &feed,
            &format!("Many {i}"),
            &format!("https://many.example/{i}"),
        );
    }
    let done = run(
        &store,
        &home,
        &server,
        &mut Budget::new(Duration::from_secs(60), 4),
    )
    .unwrap();
    assert_eq!(done.new, 4);
    assert!(
        done.warnings.iter().any(|w| w.contains("stopped early")),
        "{:?}",
        done.warnings
    );
    let done = run(
        &store,
        &home,
        &server,
        &mut Budget::new(Duration::ZERO, 100),
    )
    .unwrap();
    assert_eq!(done.new, 0);
    assert!(
        done.warnings
            .iter()
            .any(|w| w.contains("as long as one sync runs"))
    );
    assert_eq!(articles(&store).len(), 4);
}
