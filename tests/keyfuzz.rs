//! Any keys at any size: random key sequences and resizes, through the real keymap, over
//! a store with feeds, tags, a failing feed and files, with every frame drawn. No panic,
//! and the cursors stay inside what they point at. `PROPTEST_CASES` runs longer.

mod common;

use common::{Harness, fixtures};
use herald::app::report::Report;
use herald::domain::model::NewArticle;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// The keys a person presses, the ones that open prompts and confirmations included
/// (but not those that reach outside the test: a browser, the network).
const KEYS: &[&str] = &[
    "D",
    "j",
    "k",
    "g",
    "G",
    "h",
    "l",
    "tab",
    "backtab",
    "enter",
    "esc",
    "S",
    "r",
    "t",
    "d",
    "y",
    "n",
    "m",
    "s",
    "u",
    "A",
    "U",
    "/",
    "V",
    "1",
    "2",
    "3",
    "4",
    "z",
    "J",
    "K",
    "space",
    "pagedown",
    "pageup",
    "ctrl-d",
    "ctrl-u",
    "backspace",
    "ctrl-w",
    "?",
    "L",
    "O",
    "f",
    "q",
    "é",
    "界",
    ",",
];

#[derive(Debug, Clone)]
enum Step {
    Key(&'static str),
    Resize(u16, u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => prop::sample::select(KEYS).prop_map(Step::Key),
        1 => (1u16..220, 1u16..60).prop_map(|(w, h)| Step::Resize(w, h)),
    ]
}

fn harness(width: u16, height: u16) -> Harness {
    let mut h = Harness::new(&fixtures(), width, height);
    let now = jiff::Timestamp::from_second(1_760_000_000).unwrap();
    for (n, tag) in [(0, Some("news")), (1, Some("news")), (2, None)] {
        let feed = h
            .store
            .feeds()
            .add_feed(
                &format!("https://f{n}.example/rss"),
                Some(&format!("Feed \u{1b}[2J{n}")),
            )
            .unwrap();
        if let Some(tag) = tag {
            h.store.feeds().tag_feed(feed.id, tag).unwrap();
        }
        let items: Vec<NewArticle> = (0..3)
            .map(|i| NewArticle {
                guid: Some(format!("{n}-{i}")),
                source: format!("Feed {n}"),
                title: format!("Item {i} of feed {n} with a long title that needs cutting"),
                paragraphs: vec!["Words.".into()],
                ..Default::default()
            })
            .collect();
        h.store.feeds().upsert(Some(&feed), &items, now).unwrap();
    }
    h.store
        .feeds()
        .record_fetch(3, None, None, Some("HTTP 500"), now)
        .unwrap();
    h.store.views().save_view("Items", "item").unwrap();
    let views = h.store.views().list().unwrap();
    h.report(Report::ViewsLoaded(views));
    h.act(herald::app::action::Action::Reload);
    h
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_keys_at_any_size_draw_without_a_panic(
        start in (1u16..220, 1u16..60),
        steps in prop::collection::vec(step(), 1..80),
    ) {
        let mut h = harness(start.0, start.1);
        for step in steps {
            match step {
                Step::Key(key) => h.keys(key),
                Step::Resize(w, h2) => h.resize(w, h2),
            }
            if h.app.quit {
                break;
            }
            let _ = h.screen();
            let sources = &h.app.sources;
            prop_assert!(sources.lines.is_empty() || sources.selected < sources.lines.len());
            prop_assert!(h.app.list.total == 0 || h.app.list.selected < h.app.list.total);
            let (kept, counted) = (h.store.articles().source_counts().unwrap(), h.store.maintenance().recount_sources().unwrap());
            prop_assert_eq!(kept, counted);
        }
    }
}
