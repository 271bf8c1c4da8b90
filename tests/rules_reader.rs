//! Rules from the reader: `F` makes a rule of the current search; the Hidden line of the
//! sources pane shows what rules hid, which no other list shows; tags that rules give are
//! listed with the feeds' tags.

mod common;

use common::{Harness, fixtures};
use herald::app::action::Action;
use herald::app::sources::{Line, Source};
use herald::domain::model::NewArticle;
use herald::domain::store::RuleAction;

fn list_titles(h: &Harness) -> Vec<String> {
    (0..h.app.list.total)
        .filter_map(|i| h.app.list.row(i).map(|r| r.title.clone()))
        .collect()
}

fn new_ferry() -> NewArticle {
    NewArticle {
        guid: Some("later-ferry".into()),
        source: "Harbour Daily".into(),
        title: "A second night ferry".into(),
        paragraphs: vec!["Another ferry joins the night crossing.".into()],
        ..Default::default()
    }
}

#[test]
fn f_on_a_search_keeps_a_rule_that_acts_on_new_articles() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    // No search yet: F says what to do first and asks nothing.
    h.keys("F");
    assert!(h.app.prompt.is_none());
    assert!(
        h.app
            .status
            .clone()
            .unwrap_or_default()
            .contains("Search first")
    );

    h.keys("/");
    h.type_text("ferry");
    h.keys("enter F");
    assert!(h.screen().contains("Rule for this search:"));
    h.type_text("sparkle");
    h.keys("enter");
    assert!(
        h.app
            .status
            .clone()
            .unwrap_or_default()
            .contains("not an action")
    );
    assert!(h.store.rules().list().unwrap().is_empty());

    h.keys("F");
    h.type_text("hide");
    h.keys("enter");
    let rules = h.store.rules().list().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].query, "ferry");
    assert_eq!(rules[0].action, RuleAction::Hide);
    assert!(h.app.status.clone().unwrap_or_default().contains("hide"));

    // The next ferry article that arrives is hidden; the one already there is not.
    h.store
        .articles()
        .import(
            &[new_ferry()],
            jiff::Timestamp::from_second(1_760_000_000).unwrap(),
        )
        .unwrap();
    h.act(Action::Reload);
    h.keys("esc");
    let titles = list_titles(&h);
    assert!(titles.contains(&"Night ferry to the islands starts in spring".to_owned()));
    assert!(
        !titles.iter().any(|t| t == "A second night ferry"),
        "{titles:?}"
    );
}

#[test]
fn the_hidden_line_shows_what_rules_hid_and_rule_tags_are_listed() {
    let mut h = Harness::new(&fixtures(), 160, 40);
    h.store.rules().add_rule("tram", RuleAction::Hide).unwrap();
    h.store
        .rules()
        .add_rule("ferry", RuleAction::Tag("Boats".into()))
        .unwrap();
    h.store.rules().apply_rules(false).unwrap();
    h.act(Action::Reload);
    let lines: Vec<&Line> = h.app.sources.lines.iter().collect();
    let hidden = lines
        .iter()
        .position(|l| l.source() == Some(&Source::Hidden))
        .expect("a Hidden line");
    assert_eq!(
        lines[hidden - 1].source(),
        Some(&Source::View(3)),
        "after Starred"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.source() == Some(&Source::Tag("Boats".into())))
    );

    // Hidden: not in All.
    assert!(!list_titles(&h).iter().any(|t| t.starts_with("Tram line")));
    h.keys("h");
    while h.app.sources.selected_source() != Some(&Source::Hidden) {
        h.keys("j");
    }
    assert_eq!(
        list_titles(&h),
        ["Tram line reaches the hospital after three years of works"]
    );
    while h.app.sources.selected_source() != Some(&Source::Tag("Boats".into())) {
        h.keys("j");
    }
    assert_eq!(
        list_titles(&h),
        ["Night ferry to the islands starts in spring"]
    );
}

/// Without rules that hide and without hidden articles, there is no Hidden line.
#[test]
fn no_hidden_line_without_rules_that_hide() {
    let h = Harness::new(&fixtures(), 160, 40);
    assert!(
        !h.app
            .sources
            .lines
            .iter()
            .any(|l| l.source() == Some(&Source::Hidden))
    );
}

/// The reader's fetch (`R`) applies retention as `herald fetch` does: a feed's own
/// limit prunes its oldest articles, starred ones kept, whether or not the feed answered.
#[test]
fn the_readers_fetch_prunes_past_a_feeds_limit() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    // A port nothing listens on: the fetch fails at once; the prune runs all the same.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let feed = h
        .store
        .feeds()
        .add_feed(&format!("http://127.0.0.1:{port}/rss.xml"), Some("Quay"))
        .unwrap();
    let items: Vec<NewArticle> = (0..5)
        .map(|i| NewArticle {
            guid: Some(format!("q{i}")),
            source: "Quay".into(),
            title: format!("Quay report {i}"),
            published: Some(
                herald::domain::model::Published::parse_rfc3339(&format!(
                    "2025-0{}-01T08:00:00Z",
                    i + 1
                ))
                .unwrap(),
            ),
            paragraphs: vec!["From the quay.".into()],
            ..Default::default()
        })
        .collect();
    h.store
        .feeds()
        .upsert(
            Some(&feed),
            &items,
            jiff::Timestamp::from_second(1_760_000_000).unwrap(),
        )
        .unwrap();
    let oldest = h
        .store
        .articles()
        .search(
            &herald::domain::search::parse("\"quay report 0\"", jiff::Timestamp::now(), false)
                .unwrap(),
            herald::domain::search::Order::Newest,
        )
        .unwrap()
        .ids[0];
    h.store.articles().set_starred(oldest, true).unwrap();
    // Read: unread articles are kept by default (keep_unread), and this is about the limit.
    let all = h
        .store
        .articles()
        .search(
            &herald::domain::search::parse("\"quay report\"", jiff::Timestamp::now(), false)
                .unwrap(),
            herald::domain::search::Order::Newest,
        )
        .unwrap()
        .ids;
    h.store.articles().set_read_many(&all, true).unwrap();
    h.store
        .feeds()
        .set_feed_retention(feed.id, None, Some(Some(2)))
        .unwrap();
    h.act(Action::FetchFeeds);
    let mut kept: Vec<String> = list_titles(&h)
        .into_iter()
        .filter(|t| t.starts_with("Quay report"))
        .collect();
    kept.sort();
    assert_eq!(kept, ["Quay report 0", "Quay report 3", "Quay report 4"]);
}

/// A delete rule kept from the reader says what it would take of the archive, starred
/// articles left out.
#[test]
fn a_delete_rule_from_the_reader_says_what_it_would_take() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let total = h.app.list.total;
    h.keys("/");
    h.type_text("-zeppelin");
    h.keys("enter F");
    h.type_text("delete");
    h.keys("enter");
    assert_eq!(
        h.store.rules().list().unwrap()[0].action,
        RuleAction::Delete
    );
    let status = h.app.status.clone().unwrap_or_default();
    assert!(
        status.contains(&format!("would delete {total} articles already stored")),
        "{status}"
    );
    assert!(status.contains("starred ones are kept"), "{status}");
}
