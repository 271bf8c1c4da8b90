//! Key sequences through the real keymap into the app and store; state asserted.

mod common;

use common::{Harness, fixtures};
use herald::app::action::Action;
use herald::app::{Focus, Report};
use herald::domain::model::ArticleId;

fn title(h: &Harness) -> String {
    h.app
        .reader
        .as_ref()
        .map(|r| r.article.summary.title.clone())
        .unwrap_or_default()
}

#[test]
fn move_open_and_step_through_articles_from_the_reader() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    assert_eq!(h.app.focus, Focus::List);
    h.keys("j j");
    assert_eq!(h.app.list.selected, 2);
    h.keys("enter");
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(
        title(&h),
        "Mapping the channel: a season on the survey boat"
    );
    h.keys("J");
    assert_eq!(title(&h), "Robot librarian 📚 passes its first week 🎉");
    assert_eq!(h.app.list.selected, 3);
    h.keys("[ [");
    assert_eq!(title(&h), "東京の地下鉄、終電を30分延長へ");
    h.keys("G j J J J J J");
    assert_eq!(title(&h), "Notes from a beach clean");
    assert_eq!(h.app.status.as_deref(), Some("This is the last article"));
    h.keys("q");
    assert_eq!(h.app.focus, Focus::List);
    assert!(!h.app.quit);
    h.keys("q");
    assert!(h.app.quit);
}

/// A row read from the store while the writer still had a change to it out kept the
/// flags from before it until something else read the list again: `/ferry` Enter `A y
/// u 1` in one read showed the ferry read in All, while the store (and the unread
/// count) had it unread, as All's rows were read before the undo's marks were saved.
/// The rows loaded are read again once the writer says it has saved.
#[test]
fn the_rows_loaded_are_read_again_once_the_writer_has_saved() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let first = h.app.list.row(0).unwrap().id;
    assert!(!h.app.list.row(0).unwrap().read);
    // The writer's change lands after the rows were read.
    h.store.articles().set_read(first, true).unwrap();
    h.report(Report::Saved);
    assert!(h.app.list.row(0).unwrap().read);
    // In a search's list too, its articles kept.
    h.keys("/ t r a m enter");
    h.store.articles().set_read(first, false).unwrap();
    h.report(Report::Saved);
    assert_eq!(h.app.list.total, 1);
    assert!(!h.app.list.row(0).unwrap().read);
}

/// That second read takes the rows it read before by their ids, not their places: an
/// article another process stored in between (newer, so first in All) is not shown in
/// place of the rows the list holds until the list is counted again.
#[test]
fn the_rows_read_again_after_a_save_are_the_same_articles() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let before: Vec<_> = (0..6).map(|i| h.app.list.row(i).unwrap().id).collect();
    let newer = herald::domain::model::NewArticle {
        guid: Some("newer".into()),
        source: "City Wire".into(),
        title: "Stored by another process".into(),
        published: Some(
            herald::domain::model::Published::parse_rfc3339("2030-01-01T00:00:00Z").unwrap(),
        ),
        paragraphs: vec!["New.".into()],
        ..Default::default()
    };
    h.store
        .articles()
        .import(&[newer], jiff::Timestamp::now())
        .unwrap();
    h.report(Report::Saved);
    let after: Vec<_> = (0..6).map(|i| h.app.list.row(i).unwrap().id).collect();
    assert_eq!(after, before);
}

#[test]
fn opening_marks_read_and_m_s_toggle_in_the_store() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    assert_eq!(h.app.unread, 6);
    h.keys("enter");
    assert_eq!(h.app.unread, 5);
    let id = h.app.reader.as_ref().unwrap().article.summary.id;
    assert!(h.store.articles().summary(id).unwrap().unwrap().read);
    h.keys("m s");
    let stored = h.store.articles().summary(id).unwrap().unwrap();
    assert!(!stored.read && stored.starred);
    assert!(h.app.list.row(0).unwrap().starred, "list row follows");
    assert_eq!(h.app.unread, 6);
    h.keys("tab j m");
    assert!(
        h.store
            .articles()
            .summary(h.app.list.row(1).unwrap().id)
            .unwrap()
            .unwrap()
            .read
    );
    assert_eq!(h.app.unread, 5);
    assert_eq!(h.store.articles().count_unread().unwrap(), 5);
}

#[test]
fn scrolling_paging_and_position_is_saved_and_restored() {
    let mut h = Harness::new(&fixtures(), 100, 30);
    h.keys("j j enter");
    h.keys("j j j");
    assert_eq!(h.app.reader.as_ref().unwrap().top, 3);
    h.keys("space");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.top, 3 + r.height);
    h.keys("ctrl-u");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.top, 3 + r.height - r.height / 2);
    h.keys("G");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.top, r.max_top());
    h.keys("g ctrl-d ctrl-d");
    let saved = h.app.reader.as_ref().unwrap().position();
    assert!(saved.paragraph > 0);
    // Leaving the article saves its position; opening it again restores it.
    h.keys("J K");
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(r.position(), saved);
    let id = r.article.summary.id;
    assert_eq!(
        h.store.articles().article(id).unwrap().unwrap().position,
        saved
    );
}

#[test]
fn resize_reflows_and_keeps_the_paragraph_at_the_top() {
    let mut h = Harness::new(&fixtures(), 200, 50);
    h.keys("j j enter ctrl-d ctrl-d");
    let before = h.app.reader.as_ref().unwrap().position();
    for (w, hgt) in [(80, 24), (20, 5), (43, 17), (200, 50)] {
        h.resize(w, hgt);
        let r = h.app.reader.as_ref().unwrap();
        let top = r.lines[r.top];
        assert_eq!(top.paragraph, before.paragraph, "at {w}x{hgt}");
    }
}

#[test]
fn a_clamp_at_the_end_does_not_move_the_remembered_place() {
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("j j enter G");
    // Up to the nearest paragraph start, less than a taller screen from the end.
    while h.app.reader.as_ref().unwrap().lines[h.app.reader.as_ref().unwrap().top].start != 0 {
        h.keys("k");
    }
    let r = h.app.reader.as_ref().unwrap();
    let before = r.lines[r.top];
    for (w, hgt) in [(130, 24), (60, 24), (80, 24)] {
        h.resize(w, hgt);
    }
    let r = h.app.reader.as_ref().unwrap();
    assert_eq!(
        r.lines[r.top], before,
        "back at 80x24, the same line is at the top"
    );
    // Once the person scrolls, the place shown becomes the place remembered.
    h.resize(130, 24);
    h.keys("k");
    let shown = h.app.reader.as_ref().unwrap().position();
    assert_ne!(shown.paragraph, before.paragraph);
    h.resize(80, 24);
    assert_eq!(h.app.reader.as_ref().unwrap().position(), shown);
}

#[test]
fn zoom_focus_and_help() {
    let mut empty = Harness::new(&[], 120, 30);
    empty.keys("z");
    assert!(!empty.app.zoomed, "nothing to zoom yet");
    assert!(empty.app.status.is_some());
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("enter z");
    assert!(h.app.zoomed);
    assert!(h.app.panes().list.is_none());
    h.keys("esc");
    assert_eq!(h.app.focus, Focus::List);
    assert!(!h.app.zoomed);
    h.keys("l");
    assert_eq!(h.app.focus, Focus::Reader);
    h.keys("h");
    assert_eq!(h.app.focus, Focus::List);
    h.keys("?");
    assert!(h.app.help_open());
    h.keys("j");
    assert_eq!(h.app.list.selected, 0, "keys do not leak through help");
    h.keys("esc");
    assert!(!h.app.help_open());
    h.keys("ctrl-c");
    assert!(h.app.quit);
}

#[test]
fn mouse_wheel_scrolls_the_pane_under_the_pointer_and_click_selects() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let at = std::time::Instant::now();
    h.act(Action::Click {
        column: 3,
        row: 4,
        at,
    });
    assert_eq!(h.app.list.selected, 3);
    h.keys("enter");
    let reader_x = h.app.panes().reader.unwrap().x + 2;
    h.act(Action::Wheel {
        column: reader_x,
        row: 10,
        lines: 3,
    });
    assert_eq!(h.app.reader.as_ref().unwrap().top, 0, "short article");
    h.keys("K");
    h.act(Action::Wheel {
        column: reader_x,
        row: 10,
        lines: 3,
    });
    assert_eq!(h.app.reader.as_ref().unwrap().top, 3);
    h.act(Action::Wheel {
        column: 2,
        row: 5,
        lines: -3,
    });
    assert_eq!(h.app.list.selected, 0);
    h.act(Action::Click {
        column: reader_x,
        row: 5,
        at,
    });
    assert_eq!(h.app.focus, Focus::Reader);
}

#[test]
fn a_double_click_on_a_row_opens_it_and_a_single_click_selects() {
    use std::time::{Duration, Instant};
    let mut h = Harness::new(&fixtures(), 120, 30);
    // The clock is given with each click: the times are made up, not waited for.
    let t0 = Instant::now();
    let click = |h: &mut Harness, row: u16, after_ms: u64| {
        h.act(Action::Click {
            column: 5,
            row,
            at: t0 + Duration::from_millis(after_ms),
        })
    };
    click(&mut h, 2, 0);
    assert_eq!(h.app.list.selected, 1);
    // One click selects: the reader shows the article beside the list, not opened.
    assert_eq!(h.app.focus, Focus::List, "one click only selects");
    click(&mut h, 2, 900);
    assert_eq!(
        h.app.focus,
        Focus::List,
        "two slow clicks are two single clicks"
    );
    click(&mut h, 3, 1000);
    assert_eq!(
        h.app.focus,
        Focus::List,
        "two quick clicks on different rows"
    );
    assert_eq!(h.app.unread, 6, "nothing opened, nothing read");
    assert_eq!(h.app.list.selected, 2);
    click(&mut h, 3, 1200);
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(
        title(&h),
        "Mapping the channel: a season on the survey boat"
    );
    // A third quick click is not a second double click.
    h.keys("tab j");
    click(&mut h, 3, 1300);
    assert_eq!(h.app.list.selected, 2);
    assert_eq!(h.app.focus, Focus::List);
}

#[test]
fn an_empty_store_and_missing_links_give_messages_not_panics() {
    let mut h = Harness::new(&[], 20, 5);
    h.keys("j k g G enter J K m s o z space ctrl-d tab ?");
    h.keys("esc q");
    assert!(h.app.quit);
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("G o");
    assert_eq!(h.app.status.as_deref(), Some("This article has no link"));
    assert_eq!(h.app.list.selected_row().unwrap().id, ArticleId(6));
}

mod search {
    use super::*;
    use herald::app::PromptKind;

    fn titles(h: &Harness) -> Vec<String> {
        (0..h.app.list.total)
            .filter_map(|i| h.app.list.row(i).map(|r| r.title.clone()))
            .collect()
    }

    #[test]
    fn typing_filters_the_list_enter_keeps_and_esc_restores() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("j j");
        h.keys("/");
        assert_eq!(h.app.prompt.as_ref().unwrap().kind, PromptKind::Search);
        h.type_text("fer");
        assert_eq!(titles(&h), ["Night ferry to the islands starts in spring"]);
        assert_eq!(h.app.total, 6);
        h.type_text("ry OR tram");
        assert_eq!(h.app.list.total, 2);
        h.keys("esc");
        assert!(h.app.prompt.is_none());
        assert_eq!(h.app.list.total, 6, "the whole list is back");
        assert_eq!(h.app.list.selected, 2, "with its selection");

        h.keys("/");
        h.type_text("survey");
        h.keys("enter");
        assert!(h.app.prompt.is_none());
        assert_eq!(
            titles(&h),
            ["Mapping the channel: a season on the survey boat"]
        );
        h.keys("enter");
        let r = h.app.reader.as_ref().unwrap();
        assert!(!r.marks.is_empty(), "matches highlighted in the reader");
        assert_eq!(r.current_mark, Some(0));
        h.keys("q esc");
        assert_eq!(h.app.list.total, 6, "Esc in the list leaves the search");
    }

    #[test]
    fn a_malformed_query_keeps_the_last_good_results_and_says_why() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("/");
        h.type_text("tram");
        assert_eq!(h.app.list.total, 1);
        h.type_text(" \"hospital");
        let prompt = h.app.prompt.as_ref().unwrap();
        assert!(prompt.error.as_deref().unwrap().contains("quote"));
        assert_eq!(h.app.list.total, 1, "last good results stay");
        h.type_text("\"");
        assert!(h.app.prompt.as_ref().unwrap().error.is_none());
        h.keys("ctrl-w ctrl-w");
        assert_eq!(h.app.prompt.as_ref().unwrap().input, "");
        assert_eq!(h.app.list.total, 6);
    }

    /// A search that the store answers with an error (an interrupted statement, a full
    /// disk) is an answer too: nothing stays on its way, so the status does not say
    /// "searching…" for ever and no key waits for it.
    #[test]
    fn a_failed_search_is_no_longer_on_its_way() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("/");
        let effects = h.app.update(Action::InsertChar('t'));
        let generation = effects
            .iter()
            .find_map(|e| match e {
                herald::app::Effect::Search { generation, .. } => Some(*generation),
                _ => None,
            })
            .unwrap();
        assert!(h.app.searching());
        h.report(Report::SearchDone {
            generation,
            result: Err("the disk is full".into()),
        });
        assert!(!h.app.searching());
        assert_eq!(h.app.list.total, 6, "the list stays as it was");
    }

    #[test]
    fn a_stale_answer_is_dropped() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("/");
        // Type without running effects, as if the worker were slow: two searches leave.
        let first = h.app.update(Action::InsertChar('t'));
        let second = h.app.update(Action::InsertChar('r'));
        let generation = |effects: &[herald::app::Effect]| {
            effects.iter().find_map(|e| match e {
                herald::app::Effect::Search { generation, .. } => Some(*generation),
                _ => None,
            })
        };
        let (old, new) = (generation(&first).unwrap(), generation(&second).unwrap());
        assert!(new > old);
        let found = |ids: Vec<i64>| {
            Ok(herald::domain::store::Found {
                ids: ids.into_iter().map(ArticleId).collect(),
                ranked: true,
            })
        };
        h.report(Report::SearchDone {
            generation: new,
            result: found(vec![1]),
        });
        h.report(Report::SearchDone {
            generation: old,
            result: found(vec![1, 2, 3, 4]),
        });
        assert_eq!(h.app.list.total, 1, "the late, older answer did not win");
        assert!(!h.app.searching());
    }

    #[test]
    fn order_toggles_between_best_match_and_newest() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("/");
        h.type_text("the");
        let ranked = titles(&h);
        h.keys("ctrl-o");
        let newest = titles(&h);
        assert_eq!(h.app.view.order, herald::domain::search::Order::Newest);
        let mut sorted = ranked.clone();
        sorted.sort();
        let mut sorted_newest = newest.clone();
        sorted_newest.sort();
        assert_eq!(sorted, sorted_newest, "same results");
        assert_eq!(
            newest[0],
            "Tram line reaches the hospital after three years of works"
        );
        h.keys("enter O");
        assert_eq!(h.app.view.order, herald::domain::search::Order::Relevance);
    }

    #[test]
    fn filters_alone_come_newest_first_and_say_so() {
        let mut articles = fixtures();
        // Same source for all: the newest has the longest text, which BM25 ranks last.
        for a in &mut articles {
            a.source = "Harbour Daily".into();
        }
        let mut h = Harness::new(&articles, 200, 30);
        let all_newest_first = titles(&h);
        h.keys("/");
        h.type_text("source:\"Harbour Daily\" is:unread");
        h.keys("enter");
        assert_eq!(titles(&h), all_newest_first);
        let screen = h.screen();
        assert!(screen.contains("(newest first)"), "{screen}");
        h.keys("O");
        assert!(
            h.app
                .status
                .as_deref()
                .unwrap_or_default()
                .contains("newest first")
        );
        assert!(h.screen().contains("(newest first)"));
    }

    #[test]
    fn find_in_article_counts_steps_and_wraps() {
        let mut h = Harness::new(&fixtures(), 100, 30);
        h.keys("j j enter /");
        assert_eq!(h.app.prompt.as_ref().unwrap().kind, PromptKind::Find);
        h.type_text("section 1");
        let count = h.app.reader.as_ref().unwrap().marks.len();
        // "Section 1", "Section 10" .. "Section 19": the last word is a prefix while typing.
        assert_eq!(count, 11);
        h.keys("enter");
        assert!(h.app.status.as_deref().unwrap().contains("11 matches"));
        h.keys("n");
        assert_eq!(h.app.reader.as_ref().unwrap().current_mark, Some(1));
        h.keys("N N");
        assert_eq!(h.app.reader.as_ref().unwrap().current_mark, Some(10));
        assert!(h.app.status.as_deref().unwrap().contains("last match"));
        h.keys("n");
        assert_eq!(h.app.reader.as_ref().unwrap().current_mark, Some(0));
        assert!(h.app.status.as_deref().unwrap().contains("first match"));
        // The current match is on screen.
        h.keys("G N");
        let r = h.app.reader.as_ref().unwrap();
        let line = r.line_of(&r.marks[10]).unwrap();
        assert!((r.top..r.top + r.height).contains(&line));
        h.keys("/");
        h.keys("esc");
        assert!(h.app.reader.as_ref().unwrap().marks.is_empty());
    }

    /// Another process wrote (a cron fetch: `Report::StoreChanged`) while a search typed
    /// into the prompt was on its way: the list was read again for the search shown
    /// before, whose newer generation made the typed search's answer stale, so the list
    /// showed the ferry alone while the prompt said `ferry OR tram`.
    #[test]
    fn a_store_change_while_a_search_is_on_its_way_keeps_the_typed_search() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("/ f e r r y");
        assert_eq!(titles(&h), ["Night ferry to the islands starts in spring"]);
        // The keys of ` OR tram` taken in, their search not answered yet, when the
        // change comes.
        let mut effects = Vec::new();
        for c in " OR tram".chars() {
            effects.extend(h.app.update(Action::InsertChar(c)));
        }
        effects.extend(h.app.apply(Report::StoreChanged));
        h.run(effects);
        assert_eq!(
            h.app.prompt.as_ref().map(|p| p.input.as_str()),
            Some("ferry OR tram")
        );
        assert_eq!(h.app.list.total, 2, "{:?}", titles(&h));
    }

    /// `V` on a list with no search text (a source chosen in the sources pane, All
    /// with `T`) saved a view with an empty query, which lists every article: "Harbour
    /// Daily" on key 4 showed all six. `F` already asked for a search first; `V` does.
    #[test]
    fn v_asks_for_a_search_on_a_list_without_search_text() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("T");
        assert!(!h.app.view.is_all());
        h.keys("V");
        assert_eq!(h.app.prompt, None);
        assert!(h.app.status.as_deref().unwrap().contains("Search first"));
        h.keys("T S");
        for _ in 0..20 {
            if h.app.view.name == "Harbour Daily" {
                break;
            }
            h.keys("j");
        }
        assert_eq!(h.app.view.name, "Harbour Daily");
        assert_eq!(h.app.list.total, 1);
        h.keys("tab V");
        assert_eq!(h.app.prompt, None);
        assert!(h.app.status.as_deref().unwrap().contains("Search first"));
        assert!(h.store.views().list().unwrap().is_empty());
    }

    #[test]
    fn views_switch_with_number_keys_and_searches_can_be_saved() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("enter q s");
        h.keys("2");
        assert_eq!(h.app.view.name, "Unread");
        assert_eq!(h.app.list.total, 5);
        h.keys("3");
        assert_eq!(h.app.view.name, "Starred");
        assert_eq!(h.app.list.total, 1);
        h.keys("1");
        assert!(h.app.view.is_all());
        h.keys("V");
        assert!(h.app.status.as_deref().unwrap().contains("Search first"));
        h.keys("/");
        h.type_text("title:night OR title:tram");
        h.keys("enter V");
        h.type_text("Transport");
        h.keys("enter");
        assert!(h.app.status.as_deref().unwrap().contains("key 4"));
        assert_eq!(h.store.views().list().unwrap()[0].name, "Transport");
        h.keys("1 4");
        assert_eq!(h.app.view.name, "Transport");
        assert_eq!(h.app.list.total, 2);
        h.keys("9");
        assert!(
            h.app
                .status
                .as_deref()
                .unwrap()
                .contains("No view on key 9")
        );
    }

    #[test]
    fn the_tui_and_the_cli_give_the_same_results_in_the_same_order() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("/");
        h.type_text("the ");
        let tui: Vec<ArticleId> = (0..h.app.list.total)
            .map(|i| h.app.list.row(i).unwrap().id)
            .collect();
        let query =
            herald::domain::search::parse("the", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
        let cli = h
            .store
            .articles()
            .search(&query, herald::domain::search::Order::Relevance)
            .unwrap()
            .ids;
        assert_eq!(tui, cli);
        assert!(tui.len() > 2);
    }

    /// A search typed and opened in one read (a fast typist, a paste, tmux): Enter in
    /// the list was read before the search's answer came back from the worker, and
    /// opened the first article of the list before the search, the tram, not the ferry.
    #[test]
    fn a_search_typed_and_opened_in_one_read_opens_what_it_found() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys_at_once("/ f e r r y enter enter");
        assert_eq!(h.app.focus, Focus::Reader);
        assert_eq!(title(&h), "Night ferry to the islands starts in spring");
        assert_eq!(h.app.list.total, 1);
        // Typing into the prompt still runs one search for the whole text, not one per
        // key: the prompt's keys wait for no answer.
        h.keys_at_once("tab / t r a m");
        assert_eq!(
            h.app.prompt.as_ref().map(|p| p.input.as_str()),
            Some("tram")
        );
        assert_eq!(
            titles(&h),
            ["Tram line reaches the hospital after three years of works"]
        );
    }

    /// A view's key and a list key in one read: `3` (Starred, empty) then Enter opened
    /// the first article of All, and `2 j Enter` left the list's selection on the first
    /// row of Unread while the reader showed the second.
    #[test]
    fn a_view_key_and_the_keys_after_it_act_on_the_view() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys_at_once("3 enter");
        assert_eq!(h.app.list.total, 0);
        assert_eq!(h.app.focus, Focus::List);
        assert_eq!(h.app.status.as_deref(), Some("No article to open"));
        assert_eq!(
            h.store.articles().count_unread().unwrap(),
            6,
            "nothing opened"
        );

        h.keys_at_once("2 j enter");
        assert_eq!(h.app.view.name, "Unread");
        let selected = h.app.list.selected_row().map(|r| r.title.clone());
        assert_eq!(selected.as_deref(), Some(title(&h).as_str()));
        assert_eq!(title(&h), "東京の地下鉄、終電を30分延長へ");
        assert_eq!(h.app.list.selected, 1);
    }
}

mod feeds {
    use super::*;
    use herald::domain::model::{NewArticle, Published};

    #[test]
    fn a_fetch_refreshes_the_list_without_moving_the_selection_or_the_reader() {
        let mut h = Harness::new(&fixtures(), 120, 30);
        h.keys("j j enter ctrl-d");
        let open = h.app.reader.as_ref().unwrap().article.summary.id;
        let position = h.app.reader.as_ref().unwrap().position();
        h.keys("tab");
        assert_eq!(h.app.list.selected, 2);
        // Two newer articles arrive, as a fetch would store them.
        let fresh: Vec<NewArticle> = (0..2)
            .map(|i| NewArticle {
                guid: Some(format!("fresh-{i}")),
                source: "Harbour Wire".into(),
                title: format!("Fresh news {i}"),
                published: Published::parse_rfc3339("2026-01-01T00:00:00Z").ok(),
                paragraphs: vec!["New.".into()],
                ..Default::default()
            })
            .collect();
        h.store
            .articles()
            .import(&fresh, jiff::Timestamp::UNIX_EPOCH)
            .unwrap();
        h.report(Report::FetchDone {
            new: 2,
            updated: 0,
            failures: vec!["Broken: not a feed".into()],
            pushed: 0,
        });
        assert_eq!(h.app.list.total, 8);
        assert_eq!(h.app.list.selected, 4, "the same article, two rows down");
        assert_eq!(h.app.list.selected_row().unwrap().id, open);
        let r = h.app.reader.as_ref().unwrap();
        assert_eq!((r.article.summary.id, r.position()), (open, position));
        let status = h.app.status.clone().unwrap();
        assert!(
            status.contains("2 new") && status.contains("1 failed"),
            "{status}"
        );
        assert!(!h.app.fetching);
    }

    #[test]
    fn r_without_subscriptions_says_how_to_add_one() {
        for width in [80, 100, 120] {
            let mut h = Harness::new(&fixtures(), width, 24);
            h.keys("R");
            let status = h.app.status.clone().unwrap();
            assert!(!status.contains("failed"), "nothing failed: {status}");
            let screen = h.screen();
            let bottom = screen.lines().last().unwrap();
            assert!(
                bottom.contains("press a to add one"),
                "at {width}: {bottom}"
            );
        }
        // A message too long for the line keeps its start, the counts give way.
        let mut h = Harness::new(&fixtures(), 60, 24);
        h.report(Report::Notify(
            "Fetched: 2 new, 0 updated, 1 failed (a long reason)".into(),
        ));
        let screen = h.screen();
        let bottom = screen.lines().last().unwrap();
        assert!(
            bottom.starts_with("Fetched: 2 new, 0 updated, 1 failed"),
            "{bottom}"
        );
    }

    #[test]
    fn numbered_links_open_by_number() {
        let mut article = fixtures().remove(0);
        article.guid = Some("with-links".into());
        article.paragraphs = vec!["See the timetable [1] and the map [2].".into()];
        article.links = vec![
            "https://example.org/times".into(),
            "https://example.org/map".into(),
        ];
        let mut h = Harness::new(&[article], 100, 24);
        h.keys("enter f");
        h.type_text("2");
        // Look at the effect rather than run it: a test must not start a browser.
        let effects = h.app.update(Action::SubmitPrompt);
        assert!(effects.contains(&herald::app::Effect::OpenUrl(
            "https://example.org/map".into()
        )));
        assert_eq!(
            h.app.status.as_deref(),
            Some("Opening https://example.org/map")
        );
        h.keys("f");
        h.type_text("7");
        h.keys("enter");
        assert!(h.app.status.as_deref().unwrap().contains("links 1 to 2"));
    }
}

#[test]
fn ctrl_r_shows_articles_another_herald_added() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("j j");
    let selected = h.app.list.selected_row().unwrap().id;
    let mut added = fixtures().remove(0);
    added.guid = Some("from-elsewhere".into());
    added.title = "Added by another process".into();
    added.published = herald::domain::model::Published::parse_rfc3339("2026-06-01T00:00:00Z").ok();
    h.store
        .articles()
        .import(&[added], jiff::Timestamp::UNIX_EPOCH)
        .unwrap();
    assert_eq!(h.app.list.total, 6);
    h.keys("ctrl-r");
    assert_eq!(h.app.list.total, 7);
    assert_eq!(h.app.unread, 7);
    assert_eq!(h.app.list.row(0).unwrap().title, "Added by another process");
    assert_eq!(
        h.app.list.selected_row().unwrap().id,
        selected,
        "selection kept"
    );
}

#[test]
fn the_list_and_reader_show_dates_in_the_zone_given() {
    let mut h = Harness::new(&fixtures(), 120, 20);
    // 2025-05-20 08:15 in Tokyo is still the 19th in New York and in UTC.
    let row = |h: &Harness| {
        h.screen()
            .lines()
            .find(|l| l.contains("東京の地下鉄"))
            .unwrap()
            .to_owned()
    };
    assert!(row(&h).contains("19 May 25"), "{}", row(&h));
    h.app.zone = jiff::tz::TimeZone::get("Asia/Seoul").unwrap();
    assert!(row(&h).contains("20 May 25"), "{}", row(&h));
    h.keys("j enter");
    assert!(h.screen().contains("2025-05-20 08:15"), "{}", h.screen());
    h.app.zone = jiff::tz::TimeZone::get("America/New_York").unwrap();
    h.keys("q j k enter");
    assert!(h.screen().contains("2025-05-19 19:15"), "{}", h.screen());
}

#[test]
fn counts_of_one_are_singular_in_the_status_bar() {
    let mut h = Harness::new(&fixtures()[..1], 120, 10);
    assert!(
        h.screen().contains("1 article · 1 unread"),
        "{}",
        h.screen()
    );
    h.keys("enter / t r a m s");
    assert!(h.screen().ends_with(" 1 match\n"), "{}", h.screen());
    h.keys("enter");
    let status = h.app.status.clone().unwrap_or_default();
    assert!(status.starts_with("1 match:"), "{status}");
}

/// The help once let `j` scroll past its end (the app and the drawing disagreed on the
/// limit): at 80x24, after scrolling to the end, `k` had to be pressed 23 times before
/// the help moved.
#[test]
fn help_scrolled_to_its_end_moves_back_on_the_first_k() {
    let mut h = Harness::new(&fixtures(), 80, 24);
    h.keys("?");
    for _ in 0..200 {
        h.keys("j");
    }
    let at_end = h.screen();
    h.keys("j");
    assert_eq!(h.screen(), at_end, "the end is the end");
    h.keys("k");
    assert_ne!(h.screen(), at_end, "one k scrolls back one line");
    // Growing the window clamps the scroll to the new, shorter limit.
    h.resize(80, 60);
    h.keys("k");
    let top = h.app.help_scroll;
    h.resize(80, 24);
    assert!(h.app.help_scroll <= top);
}

/// The help's bottom border once covered the status bar.
#[test]
fn help_leaves_the_status_bar_visible() {
    for (w, hgt) in [(20, 5), (80, 24), (100, 50), (200, 50)] {
        let mut h = Harness::new(&fixtures(), w, hgt);
        h.keys("?");
        let screen = h.screen();
        let bottom = screen.lines().last().unwrap();
        assert!(bottom.starts_with("Esc close"), "{w}x{hgt}: {bottom:?}");
    }
}

/// `since:1d` counts back from the time it runs, not from when herald started: a view
/// re-run after a day has passed drops what is now older than a day.
#[test]
fn since_counts_from_now_through_a_long_session() {
    let mut h = Harness::new(&fixtures(), 100, 30);
    let newest = h
        .store
        .articles()
        .summaries(Some(1), 0)
        .unwrap()
        .remove(0)
        .published
        .unwrap()
        .instant;
    h.app.clock =
        herald::domain::clock::Clock::Fixed(newest + jiff::SignedDuration::from_hours(12));
    h.keys("/");
    h.type_text("since:1d");
    h.keys("enter");
    assert_eq!(h.app.list.total, 1, "the newest article is within a day");
    h.app.clock =
        herald::domain::clock::Clock::Fixed(newest + jiff::SignedDuration::from_hours(36));
    h.keys("ctrl-r");
    assert_eq!(h.app.list.total, 0, "a day and a half later it is not");
}

/// After a reload in the Unread list, the list and the reader agree: the open article,
/// read now and so outside the view, stays selected where it was (the cursor jumped to
/// row 1 before, and `J` then skipped the first unread article).
#[test]
fn a_reload_in_the_unread_list_keeps_the_open_article_selected() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("2");
    assert_eq!(h.app.view.name, "Unread");
    let rows = h.app.list.total;
    h.keys("j enter");
    let open = title(&h);
    let second: Vec<_> = (0..rows)
        .filter_map(|i| h.app.list.row(i).map(|r| r.title.clone()))
        .collect();
    h.keys("ctrl-r");
    assert_eq!(h.app.focus, Focus::Reader);
    let selected = h.app.list.selected_row().map(|r| r.title.clone());
    assert_eq!(
        selected.as_deref(),
        Some(open.as_str()),
        "list and reader agree"
    );
    assert_eq!(h.app.list.selected, 1);
    h.keys("J");
    assert_eq!(title(&h), second[2], "the next one, none skipped");
}

/// The reader's header names the article's address under the byline, dimmed and cut to
/// the width, as newsboat's article view starts with `Link:` (#28; it showed none).
#[test]
fn the_reader_shows_the_articles_address() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("enter");
    let url = h
        .app
        .reader
        .as_ref()
        .unwrap()
        .article
        .summary
        .url
        .clone()
        .unwrap();
    let screen = h.screen();
    assert!(screen.contains(&format!("Link: {url}")), "{screen}");
    h.resize(28, 20);
    let narrow = h.screen();
    let line = narrow.lines().find(|l| l.contains("Link: ")).unwrap();
    assert!(line.contains('…'), "cut to the width: {line}");
}
