//! Stores written by earlier herald builds (tests/fixtures/stores, made by
//! scripts/fixture-stores with the builds that shipped schema 14, 16 and 18) upgrade in
//! place when this herald opens them, and keep what they held: articles, read and
//! starred marks, feeds with their tags, a saved view, a rule, an account and its
//! waiting subscription. The content is checked, not only the version.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A copy of fixture `name` in a temporary folder (the upgrade writes to it).
fn copy_of(name: &str) -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stores")
        .join(name);
    assert!(
        from.exists(),
        "{} is missing: scripts/fixture-stores makes it",
        from.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("herald.db");
    std::fs::copy(&from, &to).unwrap();
    (dir, to)
}

fn json(store: &Path, args: &[&str]) -> Value {
    let out = common::herald_at(store, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What every fixture holds, checked after the upgrade.
fn check_common(store: &Path) {
    let list = json(store, &["list", "--json"]);
    let articles = list.as_array().unwrap();
    assert_eq!(articles.len(), 8, "{list}");
    let flags = |id: i64| {
        let a = articles.iter().find(|a| a["id"] == id).unwrap();
        (a["read"] == true, a["starred"] == true)
    };
    assert_eq!(flags(1), (true, false));
    assert_eq!(flags(2), (true, true));
    assert_eq!(flags(6), (false, true));
    assert_eq!(flags(3), (false, false));
    let harbour = articles.iter().find(|a| a["id"] == 6).unwrap();
    assert_eq!(harbour["source"], "Harbour Log");
    assert_eq!(harbour["title"], "harbour note 3");
    // The word index answers, and field searches work.
    let found = json(store, &["search", "tides", "--json"]);
    assert_eq!(found.as_array().unwrap().len(), 8);
    let starred = json(store, &["search", "is:starred", "--json"]);
    assert_eq!(starred.as_array().unwrap().len(), 2);
    // Feeds and their tags.
    let feeds = json(store, &["feed", "list", "--json"]);
    let feeds = feeds.as_array().unwrap();
    let harbour = feeds.iter().find(|f| f["name"] == "Harbour Log").unwrap();
    assert_eq!(harbour["tags"], serde_json::json!(["coast"]));
    let lighthouse = feeds
        .iter()
        .find(|f| f["url"].as_str().unwrap().ends_with("/lighthouse.xml"))
        .unwrap();
    assert_eq!(lighthouse["tags"], serde_json::json!(["coast", "night"]));
    assert_eq!(lighthouse["total"], 3);
    // The saved view.
    let views = common::herald_at(store, &["view", "list"]);
    assert!(
        String::from_utf8_lossy(&views.stdout).contains("Cranes"),
        "{}",
        String::from_utf8_lossy(&views.stdout)
    );
}

#[test]
fn a_schema_14_store_upgrades_with_its_content() {
    let (_dir, store) = copy_of("v14.db");
    check_common(&store);
}

#[test]
fn a_schema_16_store_upgrades_with_its_rule() {
    let (_dir, store) = copy_of("v16.db");
    check_common(&store);
    let rules = common::herald_at(&store, &["rule", "list"]);
    let said = String::from_utf8_lossy(&rules.stdout);
    assert!(said.contains("ferries"), "{said}");
    // The rule still works: applied over the archive, it tags what it matches.
    let applied = common::herald_at(&store, &["rule", "apply"]);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let tagged = json(&store, &["search", "tag:boats", "--json"]);
    assert_eq!(tagged.as_array().unwrap().len(), 8, "{tagged}");
}

#[test]
fn a_schema_18_store_upgrades_with_its_account_and_outbox() {
    let (_dir, store) = copy_of("v18.db");
    check_common(&store);
    let accounts = json(&store, &["account", "list", "--json"]);
    let home = &accounts.as_array().unwrap()[0];
    assert_eq!(home["name"], "home");
    assert_eq!(
        home["waiting"], 1,
        "the subscription still waits: {accounts}"
    );
    let feeds = json(&store, &["feed", "list", "--json"]);
    let quay = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["url"].as_str().unwrap().ends_with("/quay.xml"))
        .unwrap();
    assert_eq!(quay["account"], "home");
}
