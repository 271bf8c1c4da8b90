//! `D` deletes the article in hand for good; `u` puts it back within the session, whole.

mod common;

use common::{Harness, fixtures};
use herald::app::Focus;

/// `D` then `u` in one read (a fast typist, tmux): `u` was read before the writer's
/// answer to `D` came back, found nothing to undo (or undid the change before), and the
/// article stayed deleted; `D D` deleted one article where typed one by one it deletes
/// two, the second `D` aiming at the row already gone.
#[test]
fn d_and_u_in_one_read_put_the_article_back() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let total = h.store.articles().count().unwrap();
    h.keys_at_once("j D u");
    assert_eq!(h.store.articles().count().unwrap(), total);
    assert_eq!(h.app.total, total);
    assert_eq!(h.app.status.as_deref(), Some("Put back 1 article"));

    h.keys_at_once("D D");
    assert_eq!(h.store.articles().count().unwrap(), total - 2);
    h.keys_at_once("u u");
    assert_eq!(h.store.articles().count().unwrap(), total);
    assert_eq!(h.app.unread, h.store.articles().count_unread().unwrap());
}

#[test]
fn d_deletes_and_u_puts_back() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let total = h.store.articles().count().unwrap();
    h.keys("j");
    let title = h.app.list.selected_row().unwrap().title.clone();
    h.keys("s D");
    assert_eq!(h.store.articles().count().unwrap(), total - 1);
    assert_eq!(h.app.total, total - 1);
    assert!(
        h.app
            .status
            .clone()
            .unwrap_or_default()
            .contains("u puts it back")
    );
    assert!((0..h.app.list.total).all(|i| h.app.list.row(i).is_none_or(|r| r.title != title)));
    assert_eq!(
        h.store.maintenance().recount().unwrap(),
        (
            h.store.articles().count().unwrap(),
            h.store.articles().count_unread().unwrap()
        )
    );

    // u: back, starred as it was, found by search again.
    h.keys("u");
    assert_eq!(h.store.articles().count().unwrap(), total);
    assert_eq!(h.app.total, total);
    let back = (0..h.app.list.total)
        .filter_map(|i| h.app.list.row(i))
        .find(|r| r.title == title)
        .expect("listed again");
    assert!(back.starred);
    assert_eq!(
        h.store.articles().source_counts().unwrap(),
        h.store.maintenance().recount_sources().unwrap()
    );
    // The star before the delete is the next undo.
    h.keys("u");
    let again = (0..h.app.list.total)
        .filter_map(|i| h.app.list.row(i))
        .find(|r| r.title == title)
        .unwrap();
    assert!(!again.starred);

    // D from the reader closes it and the list keeps the keys.
    h.keys("enter");
    assert_eq!(h.app.focus, Focus::Reader);
    h.keys("D");
    assert_eq!(h.app.focus, Focus::List);
    assert_eq!(h.store.articles().count().unwrap(), total - 1);
}
