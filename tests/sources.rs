//! The sources pane: its lines and counts, choosing a source, the counts following read
//! marks, renaming, tagging and removing from it, the failing mark, and the samples.

mod common;

use common::{Harness, fixtures};
use herald::app::Focus;
use herald::app::sources::{Line, Source};
use herald::domain::model::NewArticle;
use jiff::Timestamp;

fn item(source: &str, guid: &str, title: &str) -> NewArticle {
    NewArticle {
        guid: Some(guid.into()),
        source: source.into(),
        title: title.into(),
        paragraphs: vec![format!("The text of {title}.")],
        published: Some(herald::domain::model::Published {
            instant: Timestamp::from_second(1_760_000_000).unwrap(),
            offset: None,
        }),
        ..Default::default()
    }
}

/// The fixtures, then three feeds: Quay Post (tagged harbour, two items), Tram Notes
/// (tagged harbour and city, one item), Dead Feed (untagged, failing, one item).
fn harness(width: u16, height: u16) -> Harness {
    let h = Harness::new(&fixtures(), width, height);
    let now = Timestamp::from_second(1_760_000_000).unwrap();
    let quay = h
        .store
        .feeds()
        .add_feed("https://quay.example/rss", Some("Quay Post"))
        .unwrap();
    let tram = h
        .store
        .feeds()
        .add_feed("https://tram.example/rss", Some("Tram Notes"))
        .unwrap();
    let dead = h
        .store
        .feeds()
        .add_feed("https://dead.example/rss", Some("Dead Feed"))
        .unwrap();
    h.store
        .feeds()
        .upsert(
            Some(&quay),
            &[
                item("Quay Post", "q1", "Crane back in service"),
                item("Quay Post", "q2", "New pier lights"),
            ],
            now,
        )
        .unwrap();
    h.store
        .feeds()
        .upsert(
            Some(&tram),
            &[item("Tram Notes", "t1", "Line 4 reopens")],
            now,
        )
        .unwrap();
    h.store
        .feeds()
        .upsert(Some(&dead), &[item("Dead Feed", "d1", "Last words")], now)
        .unwrap();
    h.store.feeds().tag_feed(quay.id, "harbour").unwrap();
    h.store.feeds().tag_feed(tram.id, "harbour").unwrap();
    h.store.feeds().tag_feed(tram.id, "city").unwrap();
    h.store
        .feeds()
        .record_fetch(dead.id, None, None, Some("HTTP 500 from dead.example"), now)
        .unwrap();
    let mut h = h;
    h.act(herald::app::action::Action::Reload);
    h
}

fn labels(h: &Harness) -> Vec<String> {
    h.app
        .sources
        .lines
        .iter()
        .map(|l| match l {
            Line::Heading(t) => format!("# {t}"),
            Line::Source {
                label,
                depth,
                unread,
                failing,
                ..
            } => format!(
                "{}{label}{}{}",
                "  ".repeat(usize::from(*depth)),
                unread.map(|u| format!(" {u}")).unwrap_or_default(),
                if *failing { " !" } else { "" }
            ),
            Line::More => "…".into(),
        })
        .collect()
}

fn list_titles(h: &Harness) -> Vec<String> {
    (0..h.app.list.total)
        .filter_map(|i| h.app.list.row(i).map(|r| r.title.clone()))
        .collect()
}

#[test]
fn three_panes_from_140_columns_with_counts_per_source() {
    let h = harness(140, 40);
    assert!(h.app.panes().sources.is_some());
    let fixtures = fixtures().len();
    let lines = labels(&h);
    assert_eq!(lines[0], format!("All {}", fixtures + 4));
    assert!(lines.contains(&"# Tags".to_owned()), "{lines:?}");
    let at = |text: &str| {
        lines
            .iter()
            .position(|l| l == text)
            .unwrap_or_else(|| panic!("{text} in {lines:?}"))
    };
    // Tags in order, each with its feeds under it and the sum of their unread.
    assert!(at("city 1") < at("harbour 3"));
    assert!(at("harbour 3") < at("  Quay Post 2"));
    assert!(
        at("# Feeds") < at("Dead Feed 1 !"),
        "the failing feed is marked"
    );
    assert!(at("# Files") < lines.len());
    let screen = h.screen();
    assert!(screen.contains("Sources"), "{screen}");
    assert!(screen.contains("!Dead Feed"), "{screen}");

    // Narrower: no sources pane unless asked for.
    let mut h = h;
    h.resize(120, 40);
    assert!(h.app.panes().sources.is_none());
    h.keys("S");
    assert!(h.app.panes().sources.is_some());
    assert_eq!(h.app.focus, Focus::Sources);
    h.keys("S");
    assert!(h.app.panes().sources.is_none());
    assert_eq!(h.app.focus, Focus::List);
    h.keys("h");
    assert_eq!(
        h.app.focus,
        Focus::Sources,
        "h from the list goes to the pane, showing it"
    );
}

#[test]
fn moving_the_cursor_shows_that_source_in_the_list() {
    let mut h = harness(160, 40);
    h.keys("h");
    // Down to the first tag (city): its one feed's article.
    while h.app.sources.selected_source() != Some(&Source::Tag("city".into())) {
        h.keys("j");
    }
    assert_eq!(list_titles(&h), ["Line 4 reopens"]);
    h.keys("j");
    assert!(matches!(
        h.app.sources.selected_source(),
        Some(Source::Feed(_))
    ));
    assert_eq!(list_titles(&h), ["Line 4 reopens"]);
    h.keys("j");
    assert_eq!(
        h.app.sources.selected_source(),
        Some(&Source::Tag("harbour".into()))
    );
    let mut titles = list_titles(&h);
    titles.sort();
    assert_eq!(
        titles,
        ["Crane back in service", "Line 4 reopens", "New pier lights"]
    );
    // The failing feed: the status says why.
    while !matches!(h.app.sources.selected_source(), Some(Source::Feed(_)))
        || list_titles(&h) != ["Last words"]
    {
        h.keys("j");
    }
    let status = h.app.status.clone().unwrap_or_default();
    assert!(status.contains("HTTP 500"), "{status}");
    // Back to All, then into the list: Tab.
    h.keys("g");
    assert_eq!(h.app.list.total, fixtures().len() + 4);
    h.keys("tab");
    assert_eq!(h.app.focus, Focus::List);
}

#[test]
fn counts_follow_read_marks() {
    let mut h = harness(160, 40);
    h.keys("h");
    while h.app.sources.selected_source() != Some(&Source::Tag("city".into())) {
        h.keys("j");
    }
    h.keys("tab m");
    let lines = labels(&h);
    assert!(lines.contains(&"city 0".to_owned()), "{lines:?}");
    assert_eq!(lines[1], format!("Unread {}", fixtures().len() + 3));
    assert!(lines.contains(&"harbour 2".to_owned()), "{lines:?}");
    // The kept counts agree with a count of the articles.
    let mut kept = h.store.articles().source_counts().unwrap();
    kept.sort_by_key(|s| (s.feed_id, s.source.clone()));
    let mut counted = h.store.maintenance().recount_sources().unwrap();
    counted.sort_by_key(|s| (s.feed_id, s.source.clone()));
    assert_eq!(kept, counted);
}

#[test]
fn rename_tag_and_remove_from_the_pane() {
    let mut h = harness(160, 40);
    h.keys("h");
    while labels(&h)[h.app.sources.selected] != "Dead Feed 1 !" {
        h.keys("j");
    }
    h.keys("r ctrl-u");
    h.type_text("Old Wire");
    h.keys("enter");
    assert!(
        labels(&h).contains(&"Old Wire 1 !".to_owned()),
        "{:?}",
        labels(&h)
    );
    h.keys("t");
    h.type_text("archive, city");
    h.keys("enter");
    let lines = labels(&h);
    assert!(lines.contains(&"archive 1".to_owned()), "{lines:?}");
    assert!(lines.contains(&"city 2".to_owned()), "{lines:?}");
    // Remove asks first; n keeps it, y removes it and its articles.
    let feeds = h.store.feeds().list().unwrap().len();
    while !labels(&h)[h.app.sources.selected].contains("Old Wire") {
        h.keys("j");
    }
    h.keys("d");
    assert!(
        h.app.sources.question.contains("Unsubscribe from Old Wire"),
        "{}",
        h.app.sources.question
    );
    h.keys("n");
    assert_eq!(h.store.feeds().list().unwrap().len(), feeds);
    h.keys("d y");
    assert_eq!(h.store.feeds().list().unwrap().len(), feeds - 1);
    assert!(!labels(&h).iter().any(|l| l.contains("Old Wire")));
    assert!(
        h.app
            .status
            .clone()
            .unwrap_or_default()
            .contains("1 article deleted")
    );
    // Only a feed can be renamed.
    h.keys("g r");
    assert!(h.app.prompt.is_none());
}

#[test]
fn the_samples_are_one_source_that_one_key_removes_for_good() {
    let mut h = Harness::new(&herald::domain::samples::articles().unwrap(), 160, 40);
    // As a new store opens: the welcome in the reader's place until the person moves.
    h.app.sources.first_run = true;
    h.app.reader = None;
    let screen = h.screen();
    assert!(screen.contains("Welcome to herald"), "{screen}");
    assert!(screen.contains("herald feed import"), "{screen}");
    assert!(labels(&h).iter().any(|l| l.starts_with("herald samples")));
    h.keys("h G");
    assert_eq!(
        h.app.sources.selected_source(),
        Some(&Source::Local("herald samples".into()))
    );
    assert!(!h.app.sources.first_run, "moving ends the welcome");
    h.keys("d");
    assert!(
        h.app.sources.question.contains("the samples for good"),
        "{}",
        h.app.sources.question
    );
    h.keys("y");
    assert_eq!(h.store.articles().count().unwrap(), 0);
    assert_eq!(h.app.total, 0);
    assert!(!labels(&h).iter().any(|l| l.contains("samples")));
}

#[test]
fn snapshots_with_the_sources_pane() {
    // Three panes by default at 140 and 200 columns; shown by its key at 80 and 20.
    for (width, height, toggle) in [
        (140, 40, false),
        (200, 50, false),
        (80, 24, true),
        (20, 5, true),
    ] {
        let mut h = harness(width, height);
        if toggle {
            h.keys("S");
        } else {
            h.keys("h");
        }
        h.keys("j j j j");
        insta::assert_snapshot!(format!("sources_{width}x{height}"), h.screen());
    }
}

#[test]
fn starred_and_saved_views_show_their_unread_counts() {
    let mut h = harness(160, 40);
    let id = h.app.list.selected_row().unwrap().id;
    h.store.articles().set_starred(id, true).unwrap();
    h.store.views().save_view("Trams", "tram OR line").unwrap();
    let views = h.store.views().list().unwrap();
    h.report(herald::app::Report::ViewsLoaded(views));
    let lines = labels(&h);
    assert!(lines.contains(&"Starred 1".to_owned()), "{lines:?}");
    assert!(lines.contains(&"# Views".to_owned()), "{lines:?}");
    assert!(lines.contains(&"Trams 2".to_owned()), "{lines:?}");
    // Read one of them: the view's count follows.
    h.keys("h");
    while h.app.sources.selected_source() != Some(&Source::View(4)) {
        h.keys("j");
    }
    h.keys("tab m");
    assert!(
        labels(&h).contains(&"Trams 1".to_owned()),
        "{:?}",
        labels(&h)
    );
}

#[test]
fn a_bad_tag_list_changes_nothing_and_says_why() {
    let mut h = harness(160, 40);
    h.keys("h");
    while !labels(&h)[h.app.sources.selected].starts_with("Dead Feed") {
        h.keys("j");
    }
    let too_many: Vec<String> = (0..150).map(|i| format!("t{i}")).collect();
    h.keys("t");
    h.type_text(&format!("keep, {}", too_many.join(",")));
    h.keys("enter");
    let status = h.app.status.clone().unwrap_or_default();
    assert!(status.contains("at most 100 tags"), "{status}");
    let dead = h
        .store
        .feeds()
        .list()
        .unwrap()
        .into_iter()
        .find(|f| f.name.as_deref() == Some("Dead Feed"))
        .unwrap();
    assert!(
        h.store.feeds().tags_of(dead.id).unwrap().is_empty(),
        "nothing changed"
    );
    // A control character in a tag: refused, nothing changed either.
    h.keys("t");
    h.type_text("fine, bad\u{7}tag");
    h.keys("enter");
    assert!(h.store.feeds().tags_of(dead.id).unwrap().is_empty());
    assert!(
        h.app
            .status
            .clone()
            .unwrap_or_default()
            .contains("control characters")
    );
}

#[test]
fn views_beyond_the_number_keys_are_reached_from_the_pane() {
    let mut h = harness(160, 40);
    for i in 1..=12 {
        h.store
            .views()
            .save_view(&format!("V{i}"), if i == 12 { "lights" } else { "tram" })
            .unwrap();
    }
    let views = h.store.views().list().unwrap();
    h.report(herald::app::Report::ViewsLoaded(views));
    h.keys("h");
    while h.app.sources.selected_source() != Some(&Source::View(15)) {
        h.keys("j");
    }
    assert_eq!(h.app.view.name, "V12");
    assert_eq!(list_titles(&h), ["New pier lights"]);
}
