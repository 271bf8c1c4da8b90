//! A new user's first week (#28) on the command line: the binary, as a script runs it.

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::herald_at as herald;

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
