//! A new user's first week (#28): key flows on the reader's threads against a small
//! HTTP server on 127.0.0.1 inside the test.

mod common;

use common::{Harness, feed_fixture, fixtures, serve_routes};

fn words(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A site naming two feeds, one followed already: the picker marks it; picking the
/// other fetches that feed alone and the status names it (before: no mark, and
/// "Fetched: 2 new" without a name).
#[test]
fn the_feed_picker_marks_feeds_followed_and_the_fetch_names_the_feed() {
    let page = r#"<!DOCTYPE html><html><head><title>Site</title>
        <link rel="alternate" type="application/rss+xml" title="Wire" href="/rss.xml">
        <link rel="alternate" type="application/atom+xml" title="Desk" href="/atom.xml">
        </head><body></body></html>"#;
    let site = serve_routes(vec![
        ("/", "text/html", page.to_owned()),
        ("/rss.xml", "application/rss+xml", feed_fixture("rss.xml")),
        (
            "/atom.xml",
            "application/atom+xml",
            feed_fixture("atom.xml"),
        ),
    ]);
    let base = site.base();
    let mut h = Harness::new(&fixtures(), 160, 30);
    h.store
        .feeds()
        .add_feed(&format!("{base}/atom.xml"), None)
        .unwrap();
    h.keys("a");
    h.type_text(&format!("{base}/"));
    h.keys("enter");
    let screen = words(&h.screen());
    assert!(screen.contains("2 Valley Desk (followed)"), "{screen}");
    assert!(!screen.contains("Harbour Wire (followed)"), "{screen}");
    h.keys("1 enter");
    let screen = words(&h.screen());
    assert!(screen.contains("Fetched Harbour Wire: 2 new"), "{screen}");
}

/// `r` in the list fetches only the feed the list shows (before: only `R`, every feed).
#[test]
fn r_refreshes_only_the_feed_shown() {
    let site = serve_routes(vec![
        ("/rss.xml", "application/rss+xml", feed_fixture("rss.xml")),
        (
            "/atom.xml",
            "application/atom+xml",
            feed_fixture("atom.xml"),
        ),
    ]);
    let base = site.base();
    let mut h = Harness::new(&fixtures(), 160, 30);
    let wire = h
        .store
        .feeds()
        .add_feed(&format!("{base}/rss.xml"), None)
        .unwrap();
    h.store
        .feeds()
        .add_feed(&format!("{base}/atom.xml"), None)
        .unwrap();
    h.keys("r");
    assert!(
        words(&h.screen()).contains("No feed to fetch"),
        "{}",
        h.screen()
    );
    h.keys("ctrl-r h");
    // Down the sources pane to the first feed, then into the list.
    for _ in 0..30 {
        if h.app.sources.selected_source() == Some(&herald::app::sources::Source::Feed(wire.id)) {
            break;
        }
        h.keys("j");
    }
    assert_eq!(
        h.app.sources.selected_source(),
        Some(&herald::app::sources::Source::Feed(wire.id)),
        "{}",
        h.screen()
    );
    h.keys("tab r");
    let screen = words(&h.screen());
    assert!(screen.contains("2 new"), "{screen}");
    let feeds = h.store.feeds().list().unwrap();
    let fetched: Vec<_> = feeds.iter().filter(|f| f.last_fetched.is_some()).collect();
    assert_eq!(fetched.len(), 1, "{feeds:?}");
    assert_eq!(fetched[0].id, wire.id);
}

/// `/` reopens the search with its query selected: typing replaces it; an arrow key
/// keeps it to edit (before: typing appended to the old query).
#[test]
fn a_reopened_search_is_replaced_by_typing_or_kept_by_an_arrow() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("/");
    h.type_text("ferry");
    h.keys("enter /");
    h.type_text("tram");
    h.keys("enter");
    assert_eq!(h.app.view.text, "tram");
    h.keys("/ right");
    h.type_text(" line");
    h.keys("enter");
    assert_eq!(h.app.view.text, "tram line");
    h.keys("/ backspace");
    h.keys("enter");
    assert_eq!(h.app.view.text, "tram lin");
}

/// `T` shows only the unread articles of the list, and says so in its title; again
/// shows all (before: no such toggle).
#[test]
fn t_toggles_unread_only_for_the_list_shown() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("m j m");
    let all = h.app.list.total;
    h.keys("T");
    assert_eq!(h.app.list.total, all - 2);
    assert!(h.screen().contains("(unread only)"), "{}", h.screen());
    h.keys("T");
    assert_eq!(h.app.list.total, all);
    assert!(!h.screen().contains("(unread only)"), "{}", h.screen());
    // In a search, the text says it.
    h.keys("/");
    h.type_text("ferry");
    h.keys("enter");
    let found = h.app.list.total;
    h.keys("T");
    assert_eq!(h.app.view.text, "ferry is:unread");
    assert!(h.app.list.total <= found);
    h.keys("T");
    assert_eq!(h.app.view.text, "ferry");
    assert_eq!(h.app.list.total, found);
}

/// `D` then `u`: the article is back and selected where it was (before: the cursor
/// ended one row further down).
#[test]
fn undoing_a_delete_selects_the_article_put_back() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("j j");
    let (row, id) = (h.app.list.selected, h.app.list.selected_row().unwrap().id);
    h.keys("D");
    assert_ne!(h.app.list.selected_row().unwrap().id, id);
    h.keys("u");
    assert_eq!(h.app.list.selected_row().unwrap().id, id);
    assert_eq!(h.app.list.selected, row);
}

/// Renaming the feed the list shows renames the list's title too (before: the old
/// name stayed).
#[test]
fn renaming_the_feed_shown_renames_the_lists_title() {
    let mut h = Harness::new(&fixtures(), 140, 30);
    let feed = h
        .store
        .feeds()
        .add_feed("http://127.0.0.1:9/wire.xml", Some("Old Wire"))
        .unwrap();
    h.keys("ctrl-r h");
    for _ in 0..30 {
        if h.app.sources.selected_source() == Some(&herald::app::sources::Source::Feed(feed.id)) {
            break;
        }
        h.keys("j");
    }
    assert_eq!(h.app.view.name, "Old Wire", "{}", h.screen());
    h.keys("r ctrl-u");
    h.type_text("New Wire");
    h.keys("enter");
    assert_eq!(h.app.view.name, "New Wire", "{}", h.screen());
    assert!(h.screen().contains("New Wire"), "{}", h.screen());
}

/// Deleting the samples (`d y` in the sources pane) leaves an empty store whose list
/// says to press `a` (before: "Nothing matches."; and after a restart only
/// `herald import PATH`).
#[test]
fn an_empty_store_says_which_key_adds_a_feed() {
    let samples = herald::domain::samples::articles().unwrap();
    let mut h = Harness::new(&samples, 120, 30);
    h.keys("h");
    for _ in 0..30 {
        if matches!(
            h.app.sources.selected_source(),
            Some(herald::app::sources::Source::Local(_))
        ) {
            break;
        }
        h.keys("j");
    }
    h.keys("d y");
    assert_eq!(h.store.articles().count().unwrap(), 0);
    let screen = words(&h.screen());
    assert!(screen.contains("Press a to add a feed"), "{screen}");
    assert!(!screen.contains("Nothing matches"), "{screen}");
}

/// In a locale that is not UTF-8 the reader draws ASCII marks and lines (before: `▶ ● ★
/// ·` and box lines whatever the locale).
#[test]
fn a_locale_that_is_not_utf8_draws_ascii_marks() {
    use herald::ui::symbols;
    let symbols = symbols::for_locale(|name| (name == "LC_ALL").then(|| "C".to_owned()));
    assert_eq!(symbols, symbols::ASCII);
    // The list and the help (the reader's header, src/ui/reader.rs, keeps its `·`).
    let mut h = Harness::new(&fixtures(), 100, 30);
    h.keys("s ?");
    let theme = herald::ui::theme::Theme {
        symbols,
        ..herald::ui::theme::DEFAULT
    };
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|frame| herald::ui::render(&h.app, &theme, frame))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let screen: String = buffer.content().iter().map(|c| c.symbol()).collect();
    for mark in ["▶", "●", "★", "│", "─", "┌", "—", "↓"] {
        assert!(!screen.contains(mark), "{mark} drawn:\n{screen}");
    }
    let status = &screen[screen.len() - 100..];
    assert!(!status.contains('·'), "{status}");
    assert!(screen.contains("--+"), "an ASCII box:\n{screen}");
}

/// `a` with an address without a scheme subscribes (https is tried, then http) (before:
/// "http: invalid format").
#[test]
fn a_without_a_scheme_subscribes_over_http() {
    let site = serve_routes(vec![(
        "/notes/feed.xml",
        "application/rss+xml",
        feed_fixture("rss.xml"),
    )]);
    let base = site.base();
    let bare = base.trim_start_matches("http://").to_owned() + "/notes/feed.xml";
    let mut h = Harness::new(&fixtures(), 160, 30);
    h.keys("a");
    h.type_text(&bare);
    h.keys("enter");
    let feeds = h.store.feeds().list().unwrap();
    assert_eq!(feeds.len(), 1, "{}", h.screen());
    assert_eq!(feeds[0].url, format!("http://{bare}"));
    assert!(
        words(&h.screen()).contains("Fetched Harbour Wire: 2 new"),
        "{}",
        h.screen()
    );
}

/// `V` with the name of a saved view says it replaced it and what it was (before: "Saved
/// the view", the old query gone without a word).
#[test]
fn saving_a_view_over_another_says_so() {
    let mut h = Harness::new(&fixtures(), 160, 30);
    for query in ["ferry", "tram"] {
        h.keys("/");
        h.type_text(query);
        h.keys("enter V");
        h.type_text("Boats");
        h.keys("enter");
    }
    let status = h.app.status.clone().unwrap_or_default();
    assert!(
        status.contains("Replaced the view \"Boats\" (it was: ferry)"),
        "{status}"
    );
}

/// `R` with no feeds says which key adds one (before: only `herald feed add URL`).
#[test]
fn fetching_with_no_feeds_says_which_key_adds_one() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("R");
    let status = h.app.status.clone().unwrap_or_default();
    assert_eq!(status, "No feeds to fetch yet: press a to add one");
}

/// In ASCII mode the reader's byline, its match counter, its scrollbar and the sources
/// pane's last line are ASCII too (before: `·`, `…`, `║` and `█` whatever the locale).
#[test]
fn ascii_mode_reaches_the_byline_the_scrollbar_and_the_sources_overflow() {
    use herald::ui::symbols;
    let mut articles = fixtures();
    let limit = herald::domain::store::MAX_LOCAL_SOURCES;
    articles.extend((0..=limit).map(|i| herald::domain::model::NewArticle {
        guid: Some(format!("many-{i}")),
        source: format!("Outlet {i:04}"),
        title: format!("Note {i}"),
        paragraphs: vec!["A short note.".into()],
        ..Default::default()
    }));
    let mut h = Harness::new(&articles, 200, 40);
    // The long read: its byline has an author, a date and a reading time, and it is
    // longer than the screen, so the scrollbar shows.
    h.keys("/");
    h.type_text("survey boat");
    h.keys("enter enter");
    let draw = |theme: &herald::ui::theme::Theme, h: &Harness| {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 40)).unwrap();
        terminal
            .draw(|frame| herald::ui::render(&h.app, theme, frame))
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol().to_owned())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let ascii = herald::ui::theme::Theme {
        symbols: symbols::ASCII,
        ..herald::ui::theme::DEFAULT
    };
    let unicode = draw(&herald::ui::theme::DEFAULT, &h);
    assert!(
        unicode.contains("min read"),
        "the reader is open:\n{unicode}"
    );
    assert!(unicode.contains('·') && unicode.contains('█'), "{unicode}");
    let screen = draw(&ascii, &h);
    assert!(screen.contains("min read"), "{screen}");
    for mark in ["·", "…", "║", "█"] {
        assert!(!screen.contains(mark), "{mark} drawn:\n{screen}");
    }
    assert!(screen.contains('#'), "an ASCII scrollbar thumb:\n{screen}");
    // The sources pane's overflow line, at the end of its list.
    h.keys("h h G");
    let unicode = draw(&herald::ui::theme::DEFAULT, &h);
    assert!(unicode.contains("… more"), "{unicode}");
    let screen = draw(&ascii, &h);
    assert!(screen.contains("... more"), "{screen}");
    assert!(!screen.contains('…'), "{screen}");
}
