//! The command line that changes things: `herald mark`, `herald delete`, `herald view`,
//! their `--json` output checked by key and their exit statuses.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::fixtures;
use herald::domain::model::ArticleId;
use herald::domain::store::Store;

fn herald(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("XDG_STATE_HOME", store.parent().unwrap())
        .env("XDG_CONFIG_HOME", store.parent().unwrap())
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The saved views' names, in order, as `herald view list --json` gives them.
fn view_names(path: &Path) -> Vec<String> {
    json(&herald(path, &["view", "list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    Store::open(&path)
        .unwrap()
        .articles()
        .import(
            &fixtures(),
            jiff::Timestamp::from_second(1_750_000_000).unwrap(),
        )
        .unwrap();
    (dir, path)
}

#[test]
fn mark_by_id_and_by_query_with_json_and_exit_statuses() {
    let (_dir, path) = setup();
    let unread = Store::open(&path)
        .unwrap()
        .articles()
        .count_unread()
        .unwrap();
    let out = herald(&path, &["mark", "read", "1", "2", "999", "--json"]);
    assert_eq!(out.status.code(), Some(1), "an id not in the store");
    let done = json(&out);
    assert_eq!(done["changed"], serde_json::json!([1, 2]));
    assert_eq!(done["unchanged"], serde_json::json!([]));
    assert_eq!(done["missing"], serde_json::json!([999]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in the store: 999"));
    let store = Store::open(&path).unwrap();
    assert!(
        store
            .articles()
            .summary(ArticleId(1))
            .unwrap()
            .unwrap()
            .read
    );
    assert_eq!(store.articles().count_unread().unwrap(), unread - 2);
    // Again: nothing to change.
    let again = json(&herald(&path, &["mark", "read", "1", "--json"]));
    assert_eq!(again["unchanged"], serde_json::json!([1]));

    let out = herald(&path, &["mark", "star", "--query", "tram OR ferry"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Starred: 2 articles"));
    let starred = store
        .articles()
        .search(
            &herald::domain::search::parse("is:starred", jiff::Timestamp::now(), false).unwrap(),
            Default::default(),
        )
        .unwrap()
        .ids;
    assert_eq!(starred.len(), 2);
    let out = herald(&path, &["mark", "read", "--query", "since:99999999999d"]);
    assert_eq!(out.status.code(), Some(2), "a query that does not parse");
    let out = herald(&path, &["mark", "read"]);
    assert_eq!(out.status.code(), Some(2), "no ids and no query: usage");
    assert_eq!(
        store.maintenance().recount().unwrap(),
        (
            store.articles().count().unwrap(),
            store.articles().count_unread().unwrap()
        )
    );
}

#[test]
fn deleted_articles_go_for_good_and_a_query_needs_yes() {
    let (_dir, path) = setup();
    let total = fixtures().len();
    let out = herald(&path, &["delete", "3", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["changed"], serde_json::json!([3]));
    let store = Store::open(&path).unwrap();
    assert_eq!(store.articles().count().unwrap(), total - 1);
    // Imported again: not brought back.
    store
        .articles()
        .import(
            &fixtures(),
            jiff::Timestamp::from_second(1_750_000_000).unwrap(),
        )
        .unwrap();
    assert_eq!(store.articles().count().unwrap(), total - 1);

    let out = herald(&path, &["delete", "--query", "tram"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Add --yes"));
    assert_eq!(
        store.articles().count().unwrap(),
        total - 1,
        "nothing deleted without --yes"
    );
    let out = herald(&path, &["delete", "--query", "tram", "--yes"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(store.articles().count().unwrap(), total - 2);
    let tram = herald::domain::search::parse("tram", jiff::Timestamp::now(), false).unwrap();
    assert!(
        store
            .articles()
            .search(&tram, Default::default())
            .unwrap()
            .ids
            .is_empty(),
        "out of the index"
    );
    assert_eq!(
        store.maintenance().recount().unwrap(),
        (
            store.articles().count().unwrap(),
            store.articles().count_unread().unwrap()
        )
    );
    assert_eq!(herald(&path, &["delete", "424242"]).status.code(), Some(1));
}

#[test]
fn views_are_listed_added_renamed_and_removed_beyond_nine() {
    let (_dir, path) = setup();
    for i in 1..=12 {
        let out = herald(
            &path,
            &[
                "view",
                "add",
                &format!("View {i}"),
                &format!("ferry since:{i}d"),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let list = json(&herald(&path, &["view", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 12);
    assert_eq!(list[11]["name"], "View 12");
    assert_eq!(list[11]["query"], "ferry since:12d");
    assert!(
        herald(&path, &["view", "rename", "View 12", "Twelve"])
            .status
            .success()
    );
    let taken = herald(&path, &["view", "rename", "View 1", "Twelve"]);
    assert!(!taken.status.success(), "a name already taken");
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already"));
    assert_eq!(
        herald(&path, &["view", "rename", "Nope", "X"])
            .status
            .code(),
        Some(1)
    );
    assert!(
        herald(&path, &["view", "remove", "View 3"])
            .status
            .success()
    );
    assert_eq!(
        herald(&path, &["view", "remove", "View 3"]).status.code(),
        Some(1)
    );
    assert_eq!(
        herald(&path, &["view", "add", "Bad", "since:99999999999d"])
            .status
            .code(),
        Some(2)
    );
    let names = view_names(&path);
    assert_eq!(names.len(), 11);
    assert_eq!(names.last().map(String::as_str), Some("Twelve"));
    // Reordered: the twelfth first, on key 4.
    assert!(
        herald(&path, &["view", "move", "Twelve", "1"])
            .status
            .success()
    );
    let names = view_names(&path);
    assert_eq!(names[0], "Twelve");
    assert_eq!(names[1], "View 1");
    assert_eq!(names.len(), 11);
    assert_eq!(
        herald(&path, &["view", "move", "Nope", "1"]).status.code(),
        Some(1)
    );
    assert!(!names.contains(&"View 3".to_owned()));
}

#[test]
fn queries_with_nothing_to_search_for_are_refused_by_every_command() {
    let (_dir, path) = setup();
    let store = Store::open(&path).unwrap();
    let (total, unread) = (
        store.articles().count().unwrap(),
        store.articles().count_unread().unwrap(),
    );
    for query in ["(", "—", "🦀 ✨", "-", "?! ...", "title:)", "", "   "] {
        for args in [
            vec!["search", query],
            vec!["mark", "read", "--query", query],
            vec!["delete", "--query", query, "--yes"],
            vec!["rule", "add", query, "--delete"],
        ] {
            let out = herald(&path, &args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains("nothing to search for"), "{args:?}: {err}");
            assert!(out.stdout.is_empty(), "{args:?}");
        }
    }
    assert_eq!(store.articles().count().unwrap(), total);
    assert_eq!(store.articles().count_unread().unwrap(), unread);
    assert!(store.rules().list().unwrap().is_empty());
    // A flag or a field alone searches for something.
    let out = herald(
        &path,
        &["mark", "read", "--query", "source:\"Field Notes\""],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = herald(&path, &["search", "is:unread", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(json(&out).as_array().unwrap().len() < total);
}

/// A view named `-x` could be named again only after `--`: refused, as account names are.
#[test]
fn a_view_name_that_starts_with_a_dash_is_refused() {
    let (_dir, path) = setup();
    let out = herald(&path, &["view", "add", "--", "-x", "tram"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot start with `-`"), "{err}");
    assert!(
        herald(&path, &["view", "add", "trams", "tram"])
            .status
            .success()
    );
    let out = herald(&path, &["view", "rename", "trams", "--", "--trams"]);
    assert!(!out.status.success());
    assert_eq!(view_names(&path), ["trams"]);
}

/// A delete by query says, before --yes, how many of what it finds are starred: they go
/// too, unlike with a delete rule or retention.
#[test]
fn a_delete_by_query_says_how_many_starred_articles_it_would_take() {
    let (_dir, path) = setup();
    assert!(
        herald(&path, &["mark", "star", "--query", "tram"])
            .status
            .success()
    );
    let out = herald(&path, &["delete", "--query", "tram OR ferry"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("finds 2 articles, 1 of them starred"), "{err}");
    let out = herald(&path, &["delete", "--query", "ferry"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("finds 1 article;"), "{err}");
}
