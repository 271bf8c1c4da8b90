//! Making herald yours: config-driven settings and keys, undo, mark-all-read, next
//! unread, copying a link; completions, man page, config errors and the log file.

mod common;

use common::{Harness, fixtures};
use herald::app::PromptKind;
use herald::cli::config::{Config, LayoutChoice};

fn harness_with(config: &str, width: u16, height: u16) -> Harness {
    let config = Config::parse(config).unwrap();
    let mut h = Harness::new(&fixtures(), width, height);
    h.app.keymap.apply(&config.keys).unwrap();
    h.app.settings = config.settings().unwrap();
    h.app.sources.choice = config.sources;
    h.resize(width, height);
    h
}

#[test]
fn key_overrides_and_sequences_drive_the_app() {
    let mut h = harness_with(
        "[keys.list]\nselect_first = [\"g g\"]\nselect_last = [\"g e\"]\n",
        120,
        30,
    );
    h.keys("g e");
    assert_eq!(h.app.list.selected, 5);
    h.keys("g");
    assert_eq!(h.app.list.selected, 5, "waiting for the second key");
    assert_eq!(h.app.pending_keys.len(), 1);
    h.keys("g");
    assert_eq!(h.app.list.selected, 0);
    // A key that does not continue the sequence acts on its own.
    h.keys("g j");
    assert_eq!(h.app.list.selected, 1);
    let help = h.app.keymap.help();
    assert!(help.iter().any(|r| r.keys.contains(&"gg".to_owned())));
}

#[test]
fn a_long_date_format_is_shown_whole_or_not_at_all() {
    let mut h = harness_with("date_format = \"%A %d %B %Y\"\n", 200, 30);
    let screen = h.screen();
    assert!(screen.contains("Sunday 01 June 2025"), "{screen}");
    // Too narrow for the whole date: the list leaves it out rather than cut it.
    h.resize(100, 30);
    let screen = h.screen();
    assert!(!screen.contains("Sunday 01"), "{screen}");
}

#[test]
fn settings_change_layout_width_dates_and_reading() {
    let mut h = harness_with(
        "layout = \"stacked\"\nreader_width = 40\ndate_format = \"%Y-%m-%d\"\nmark_read_on_open = false\n",
        160,
        30,
    );
    assert!(!h.app.panes().side_by_side);
    h.keys("enter");
    assert_eq!(h.app.reader.as_ref().unwrap().width, 40);
    assert_eq!(h.app.unread, 6, "opening did not mark it read");
    let screen = h.screen();
    assert!(screen.contains("2025-06-01"), "{screen}");
    assert_eq!(h.app.settings.layout, LayoutChoice::Stacked);
}

#[test]
fn undo_takes_back_read_star_and_mark_all() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    let first = h.app.list.row(0).unwrap().id;
    h.keys("s m");
    assert!(h.store.articles().summary(first).unwrap().unwrap().starred);
    assert!(h.store.articles().summary(first).unwrap().unwrap().read);
    h.keys("u");
    assert!(!h.store.articles().summary(first).unwrap().unwrap().read);
    assert!(h.app.status.as_deref().unwrap().contains("unread again"));
    h.keys("u");
    assert!(!h.store.articles().summary(first).unwrap().unwrap().starred);
    h.keys("u");
    assert_eq!(h.app.status.as_deref(), Some("Nothing to undo"));

    // Six unread fit on one screen: no question asked.
    h.keys("A");
    assert_eq!(h.app.unread, 0);
    assert_eq!(h.store.articles().count_unread().unwrap(), 0);
    h.keys("u");
    assert_eq!(h.app.unread, 6);
    assert_eq!(h.store.articles().count_unread().unwrap(), 6);
    assert!(!h.app.list.row(3).unwrap().read);
}

/// `A y u` in one read: `u` was read before the writer said which articles the
/// mark-all had marked, so it had nothing to undo and every article stayed read.
#[test]
fn mark_all_and_undo_in_one_read_undo_the_mark_all() {
    let mut h = Harness::new(&fixtures(), 120, 5);
    h.keys_at_once("A y u");
    assert_eq!(h.store.articles().count_unread().unwrap(), 6);
    assert_eq!(h.app.unread, 6);
}

/// "Mark 6 articles read?" answered after another process (a cron `herald fetch`)
/// stored a new article: `y` marked the new one read too, unseen, as the All list's
/// mark-all was "every unread article in the store". It is now bounded by the newest
/// article the reader had counted (`Store::mark_all_read_up_to`).
#[test]
fn mark_all_read_on_all_leaves_articles_stored_after_the_question_unread() {
    let mut h = Harness::new(&fixtures(), 120, 5);
    h.keys("A");
    assert_eq!(
        h.app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::ConfirmMarkAll(6))
    );
    let late = herald::domain::model::NewArticle {
        guid: Some("late".into()),
        source: "City Wire".into(),
        title: "Stored while the question was open".into(),
        paragraphs: vec!["New.".into()],
        ..Default::default()
    };
    h.store
        .articles()
        .import(
            &[late],
            jiff::Timestamp::from_second(1_760_000_000).unwrap(),
        )
        .unwrap();
    h.keys("y");
    assert_eq!(h.store.articles().count_unread().unwrap(), 1);
}

/// The same, when the reader hears of the new article (the writer's watch) while the
/// question is open: the question counted 6, so `y` marks those 6 and not the newcomer.
#[test]
fn mark_all_read_keeps_the_bound_the_question_counted_when_the_store_changes_under_it() {
    let mut h = Harness::new(&fixtures(), 120, 5);
    h.keys("A");
    let late = herald::domain::model::NewArticle {
        guid: Some("late".into()),
        source: "City Wire".into(),
        title: "Stored while the question was open".into(),
        paragraphs: vec!["New.".into()],
        ..Default::default()
    };
    h.store
        .articles()
        .import(&[late], jiff::Timestamp::now())
        .unwrap();
    h.report(herald::app::Report::StoreChanged);
    assert_eq!(
        h.app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::ConfirmMarkAll(6))
    );
    h.keys("y");
    assert_eq!(h.store.articles().count_unread().unwrap(), 1);
}

#[test]
fn mark_all_read_asks_when_it_touches_more_than_a_screen() {
    let mut h = Harness::new(&fixtures(), 120, 5);
    h.keys("A");
    assert_eq!(
        h.app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::ConfirmMarkAll(6))
    );
    assert!(h.screen().contains("Mark 6 articles read?"));
    h.keys("n");
    assert!(h.app.prompt.is_none());
    assert_eq!(h.store.articles().count_unread().unwrap(), 6);
    h.keys("A y");
    assert_eq!(h.store.articles().count_unread().unwrap(), 0);
    h.keys("u 2");
    assert_eq!(h.app.list.total, 6);
    // In a view, only the view's articles.
    h.keys("/");
    h.type_text("tram OR ferry");
    h.keys("enter A");
    assert_eq!(h.store.articles().count_unread().unwrap(), 4);
}

#[test]
fn next_unread_goes_across_sources_and_wraps() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("enter");
    h.keys("U");
    let open = |h: &Harness| h.app.reader.as_ref().unwrap().article.summary.title.clone();
    assert_eq!(open(&h), "東京の地下鉄、終電を30分延長へ");
    h.keys("U U U U");
    assert_eq!(open(&h), "Notes from a beach clean");
    h.keys("U");
    assert_eq!(h.app.status.as_deref(), Some("No unread articles"));
    // From a search view it goes on from the selected article among all articles.
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("/");
    h.type_text("ferry");
    h.keys("enter U");
    assert!(h.app.view.is_all());
    assert_eq!(open(&h), "Notes from a beach clean");
    assert_eq!(h.app.list.selected, 5);
}

#[test]
fn copy_link_says_what_it_copied() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("y");
    assert_eq!(
        h.app.status.as_deref(),
        Some("Copied https://example.org/fx-tram")
    );
    h.keys("G y");
    assert_eq!(h.app.status.as_deref(), Some("This article has no link"));
}

mod cli {
    use std::process::Command;

    fn herald(args: &[&str], env: &[(&str, &std::path::Path)]) -> std::process::Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_herald"));
        cmd.args(args)
            .env_remove("HERALD_STORE")
            .env_remove("HERALD_CONFIG");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    #[test]
    fn completions_and_man_page_come_from_the_command_definition() {
        for shell in ["bash", "zsh", "fish"] {
            let out = herald(&["completions", shell], &[]);
            assert!(out.status.success());
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("herald") && text.contains("search"),
                "{shell}"
            );
        }
        let out = herald(&["man"], &[]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(".TH herald 1"), "{text}");
        assert!(text.contains("import"));
    }

    #[test]
    fn keys_lists_the_bindings_by_their_config_names_with_the_configs_changes() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "[keys.list]\nnext_unread = [\"n\"]\n").unwrap();
        let out = herald(&["--config", config.to_str().unwrap(), "keys"], &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let list = text
            .split("[list]")
            .nth(1)
            .unwrap()
            .split("\n[")
            .next()
            .unwrap();
        let line = list
            .lines()
            .find(|l| l.starts_with("next_unread "))
            .unwrap();
        assert!(line.contains(" n ") && !line.contains('U'), "{line}");
        assert!(
            text.contains("[reader]") && text.contains("scroll_down"),
            "{text}"
        );
        // No store is opened or created for it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_bad_config_names_the_key_and_line_and_a_good_one_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "theme = \"default\"\nreader_widht = 80\n").unwrap();
        let store = dir.path().join("s.db");
        let out = herald(
            &[
                "--config",
                config.to_str().unwrap(),
                "--store",
                store.to_str().unwrap(),
                "list",
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("line 2") && err.contains("reader_widht"),
            "{err}"
        );
        assert!(!err.contains("panicked"));

        let missing = herald(&["--config", "/no/such/config.toml", "list"], &[]);
        assert_eq!(missing.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&missing.stderr).contains("/no/such/config.toml"));

        // The config's store is used when no --store is given; it starts empty.
        let configured = dir.path().join("from-config.db");
        std::fs::write(&config, format!("store = \"{}\"\n", configured.display())).unwrap();
        let out = herald(
            &["--config", config.to_str().unwrap(), "list"],
            &[("HOME", dir.path())],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(configured.exists());
        // The default config location is read too.
        let xdg = dir.path().join("xdg");
        std::fs::create_dir_all(xdg.join("herald")).unwrap();
        std::fs::write(xdg.join("herald/config.toml"), "layout = \"sideways\"\n").unwrap();
        let out = herald(
            &["list"],
            &[("XDG_CONFIG_HOME", &xdg), ("HOME", dir.path())],
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("sideways"));
    }

    #[test]
    fn logs_go_to_the_state_directory_not_the_screen() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.db");
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/articles/desk.jsonl"
        );
        let out = herald(
            &["-v", "--store", store.to_str().unwrap(), "import", fixture],
            &[("XDG_STATE_HOME", dir.path())],
        );
        assert_eq!(out.status.code(), Some(1), "one bad record");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(stdout.trim(), "imported 2, already present 0, failed 1");
        let log = std::fs::read_to_string(dir.path().join("herald/herald.log")).unwrap();
        assert!(
            log.contains("imported 2, already present 0, failed 1"),
            "{log}"
        );
        assert!(log.contains("line 2"), "{log}");
    }
}

#[test]
fn the_list_shows_the_columns_the_config_names_in_its_order() {
    let h = harness_with(
        "list_columns = [\"date\", \"title\", \"author\"]\nsource_width = 10\nsources = \"hide\"\n",
        120,
        30,
    );
    let screen = h.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("Tram line reaches"))
        .unwrap_or_else(|| panic!("{screen}"));
    // The date first, then the title, then the author cut to ten columns; no source.
    let date = row.find("01 Jun 25").unwrap_or_else(|| panic!("{row}"));
    let title = row.find("Tram line").unwrap();
    let author = row.find("Test Writ…").unwrap_or_else(|| panic!("{row}"));
    assert!(date < title && title < author, "{row}");
    assert!(!row.contains("City Wire"), "{row}");
    assert!(!row.contains('●'), "no flags column: {row}");

    // The default columns: the source at a fixed width, the title taking the rest.
    let h = harness_with("source_width = 6\nsources = \"hide\"\n", 120, 30);
    let screen = h.screen();
    let row = screen.lines().find(|l| l.contains("Tram line")).unwrap();
    assert!(row.contains("City … Tram line"), "{row}");
}

/// A config that binds `x` in the list (as configs did before `x` became the default
/// for fetch_full_text) starts and lists its key as the config's: the config's key wins
/// over the default's (herald refused to start before).
#[test]
fn a_config_key_that_a_newer_default_uses_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[keys.list]\nselect_next = [\"x\", \"j\"]\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["--config", config.to_str().unwrap(), "keys"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    let line = listing
        .lines()
        .skip_while(|l| *l != "[list]")
        .find(|l| l.starts_with("select_next"))
        .unwrap();
    assert!(line.contains("x (config)"), "{listing}");
}
