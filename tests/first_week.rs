//! A new user's first week (#28) on the command line: the binary, as a script runs it.

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::herald_at as herald;
use common::{feed_fixture, serve_routes};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The binary on `store` with `env` set.
fn herald_env(store: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
    command
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("HERALD_STORE")
        .env_remove("HERALD_CONFIG");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

/// A failing feed's state is printed once, beside the counts when the terminal is wide
/// enough, else below them (before: cut at 80 columns, then again in full).
#[test]
fn feed_list_prints_each_state_once_for_the_terminals_width() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let add = herald(
        &store,
        &["feed", "add", "http://127.0.0.1:9/gone.xml", "--no-check"],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let fetch = herald(&store, &["fetch"]);
    assert_eq!(fetch.status.code(), Some(1), "{}", text(&fetch.stdout));
    for columns in ["80", "300"] {
        let out = herald_env(&store, &[("COLUMNS", columns)], &["feed", "list"]);
        let listing = text(&out.stdout);
        assert_eq!(
            listing.matches("failed").count(),
            1,
            "COLUMNS={columns}:\n{listing}"
        );
        let widest = listing.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(
            widest <= columns.parse().unwrap(),
            "COLUMNS={columns}:\n{listing}"
        );
        let lines = listing.lines().count();
        if columns == "300" {
            assert_eq!(lines, 2, "beside the counts:\n{listing}");
        } else {
            assert!(lines > 2, "below the counts:\n{listing}");
        }
    }
}

/// `herald fetch --quiet`: nothing on stdout when all went well; a failure on stderr and
/// exit 1 (before: no such option).
#[test]
fn fetch_quiet_prints_only_failures() {
    let site = serve_routes(vec![(
        "/rss.xml",
        "application/rss+xml",
        feed_fixture("rss.xml"),
    )]);
    let base = site.base();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let url = format!("{base}/rss.xml");
    assert!(
        herald(&store, &["feed", "add", &url, "--no-check"])
            .status
            .success()
    );
    let quiet = herald(&store, &["fetch", "--quiet"]);
    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    assert_eq!(text(&quiet.stdout), "");
    assert_eq!(text(&quiet.stderr), "");
    let gone = format!("{base}/gone.xml");
    assert!(
        herald(&store, &["feed", "add", &gone, "--no-check"])
            .status
            .success()
    );
    let quiet = herald(&store, &["fetch", "-q"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(text(&quiet.stdout), "");
    assert!(
        text(&quiet.stderr).contains("404"),
        "{}",
        text(&quiet.stderr)
    );
}

/// `HERALD_STORE=` (set but empty) is unset (before: every command exited 2).
#[test]
fn an_empty_herald_store_is_unset() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["list"])
        .env("HERALD_STORE", "")
        .env("HERALD_CONFIG", "")
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("herald/herald.db").exists());
}

/// A subcommand's help is about the subcommand: the config's long paragraph is only in
/// `herald --help` (before: under --config in every subcommand's help). `herald man`
/// names no pages that do not exist, and its NAME line does not say herald twice.
#[test]
fn help_and_man_keep_to_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let sub = herald(&store, &["feed", "add", "--help"]);
    assert!(
        !text(&sub.stdout).contains("[openers]"),
        "{}",
        text(&sub.stdout)
    );
    let top = herald(&store, &["--help"]);
    assert!(
        text(&top.stdout).contains("[openers]"),
        "{}",
        text(&top.stdout)
    );
    let man = text(&herald(&store, &["man"]).stdout);
    assert!(!man.contains("(1)\n"), "{man}");
    assert!(man.contains("herald import"), "{man}");
    assert!(man.contains("herald \\- Read and search"), "{man}");
}

/// `herald import` on an SQLite file (newsboat's cache) points to `--from-newsboat`
/// (before: "binary data, not an article"); deleting one article says "it", not "them".
#[test]
fn messages_say_what_to_do_and_count_right() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cache = dir.path().join("cache.db");
    drop(herald::domain::store::Store::open(&cache).unwrap());
    let out = herald(&store, &["import", cache.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("--from-newsboat"),
        "{}",
        text(&out.stderr)
    );
    let samples = herald(&store, &["--samples", "list"]);
    assert!(samples.status.success());
    let out = herald(&store, &["delete", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "Deleted 1 article for good (a refetch does not bring it back)"
    );
}

/// `account list --json` gives `last_sync` in RFC 3339 like every other time (before: a
/// Unix integer).
#[test]
fn account_list_json_gives_rfc3339_times() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let add = herald(
        &store,
        &[
            "account",
            "add",
            "home",
            "--kind",
            "miniflux",
            "--url",
            "http://127.0.0.1:9/",
            "--secret-env",
            "FIRST_WEEK_TOKEN",
        ],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    // As a sync that went well records it.
    let opened = herald::domain::store::Store::open(&store).unwrap();
    let id = opened.accounts().account("home").unwrap().unwrap().id;
    opened
        .accounts()
        .record_sync(id, 1_750_000_000, None)
        .unwrap();
    drop(opened);
    let list = herald(&store, &["account", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let at = listed[0]["last_sync"]
        .as_str()
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(at.parse::<jiff::Timestamp>().is_ok(), "{at}");
}

/// `view add` with a name in use is refused unless `--replace` (before: replaced
/// silently).
#[test]
fn view_add_refuses_a_name_in_use_unless_replace() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    assert!(
        herald(&store, &["view", "add", "Boats", "ferry"])
            .status
            .success()
    );
    let again = herald(&store, &["view", "add", "Boats", "crane"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("--replace"),
        "{}",
        text(&again.stderr)
    );
    let list = text(&herald(&store, &["view", "list", "--json"]).stdout);
    assert!(list.contains("\"ferry\""), "{list}");
    let replaced = herald(&store, &["view", "add", "Boats", "crane", "--replace"]);
    assert!(replaced.status.success(), "{}", text(&replaced.stderr));
    let list = text(&herald(&store, &["view", "list", "--json"]).stdout);
    assert!(
        list.contains("\"crane\"") && !list.contains("\"ferry\""),
        "{list}"
    );
}

/// `keep_unread` is true unless the config says false (before: false by default, so a
/// feed's `--max-items` took unread articles); an old config's explicit false stays.
#[test]
fn keep_unread_defaults_to_true_and_an_explicit_false_stays() {
    use herald::cli::config::Config;
    assert!(Config::default().retention.limits().keep_unread);
    let unset = Config::parse("[retention]\nmax_items = 10\n").unwrap();
    assert!(unset.retention.limits().keep_unread);
    let old = Config::parse("[retention]\nmax_items = 10\nkeep_unread = false\n").unwrap();
    assert!(!old.retention.limits().keep_unread);
}

/// `show --json` has the `summary` key the README names (the feed's own text; before:
/// no such key, though `export` had it).
#[test]
fn show_json_has_the_feeds_own_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let file = dir.path().join("one.jsonl");
    std::fs::write(
        &file,
        r#"{"title":"Quay works","summary":"A teaser from the feed.","paragraphs":["The whole article."]}"#,
    )
    .unwrap();
    let out = herald(&store, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let show = herald(&store, &["show", "1", "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(shown["summary"], "A teaser from the feed.", "{shown}");
}

/// A fetch counts as new what it stored, not what a delete rule took at once (before:
/// "2 new" with one of them deleted).
#[test]
fn fetch_counts_what_delete_rules_left() {
    let site = serve_routes(vec![(
        "/rss.xml",
        "application/rss+xml",
        feed_fixture("rss.xml"),
    )]);
    let base = site.base();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let url = format!("{base}/rss.xml");
    assert!(
        herald(&store, &["feed", "add", &url, "--no-check"])
            .status
            .success()
    );
    let rule = herald(&store, &["rule", "add", "ferry", "--delete"]);
    assert!(rule.status.success(), "{}", text(&rule.stderr));
    let fetch = herald(&store, &["fetch"]);
    assert!(fetch.status.success(), "{}", text(&fetch.stderr));
    let out = text(&fetch.stdout);
    assert!(out.contains("fetched 1 feed: 1 new"), "{out}");
    assert_eq!(
        herald::domain::store::Store::open(&store)
            .unwrap()
            .articles()
            .count()
            .unwrap(),
        1
    );
}

/// One install step: `scripts/setup` says what is missing (`--check`) or installs it, and
/// `.ci/run` and `scripts/with-servers` run it first, so the README's two commands are
/// enough on a fresh machine (before: with-servers failed without PostgreSQL).
#[test]
fn the_install_step_is_one_script_both_entry_points_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = Command::new(root.join("scripts/setup"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(matches!(check.status.code(), Some(0 | 1)), "{check:?}");
    assert!(
        text(&check.stdout).starts_with("setup: "),
        "{}",
        text(&check.stdout)
    );
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    assert!(ci.contains("\nscripts/setup\n"), "{ci}");
    let servers = std::fs::read_to_string(root.join("scripts/with-servers")).unwrap();
    let setup_at = servers
        .find("setup\" --check")
        .expect("with-servers runs setup");
    assert!(setup_at < servers.find("miniflux-server\" start").unwrap());
}

/// A saved page's source is the publisher it names (its `og:site_name`, else its
/// JSON-LD `publisher`), and the folder it was saved in only when it names none (before:
/// JSON-LD's publisher was passed over, so such a page was "saved").
#[test]
fn a_saved_pages_source_is_its_publisher() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("saved");
    std::fs::create_dir(&folder).unwrap();
    let body = "<p>The harbour master opened the new pier on a windy morning, and the first \
                ferry tied up there before noon while a crowd of early walkers watched.</p>\
                <p>Work on the second berth goes on through the winter, with the old \
                timber piles pulled out one by one and stacked along the quay.</p>\
                <p>Fishing boats keep their moorings on the north wall until spring.</p>";
    let page = |title: &str, head: &str| {
        format!(
            "<!DOCTYPE html><html><head><title>{title}</title>{head}</head>\
             <body><article><h1>{title}</h1>{body}</article></body></html>"
        )
    };
    let pages = [
        (
            "site-name.html",
            page(
                "A pier opens",
                r#"<meta property="og:site_name" content="Harbour Gazette">"#,
            ),
        ),
        (
            "json-ld.html",
            page(
                "A second berth",
                r#"<script type="application/ld+json">{"@type":"NewsArticle",
                   "headline":"A second berth","publisher":{"@type":"Organization",
                   "name":"Tideline Review"}}</script>"#,
            ),
        ),
        ("nothing.html", page("Moorings", "")),
    ];
    for (name, html) in &pages {
        std::fs::write(folder.join(name), html).unwrap();
    }
    let store = dir.path().join("s.db");
    let out = herald(&store, &["import", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value =
        serde_json::from_str(&text(&herald(&store, &["list", "--json"]).stdout)).unwrap();
    let mut sources: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["title"].as_str().unwrap().to_owned(),
                a["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        [
            ("A pier opens".to_owned(), "Harbour Gazette".to_owned()),
            ("A second berth".to_owned(), "Tideline Review".to_owned()),
            ("Moorings".to_owned(), "saved".to_owned()),
        ]
    );
}
