//! The open reader and the store as other processes change it (#25), in a real terminal:
//! tmux runs herald, another herald writes to the same store, and the screen shows it
//! with no key pressed.

mod common;

use std::path::Path;

use common::tmux::Tmux;

fn herald(store: &Path, args: &[&str]) -> String {
    let out = common::herald_at(store, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A store of three articles, two starred, and a saved view; the reader open on it.
fn open_reader(dir: &Path) -> (std::path::PathBuf, Tmux) {
    let store = dir.join("s.db");
    let articles = dir.join("a.jsonl");
    std::fs::write(
        &articles,
        concat!(
            r#"{"guid":"a1","title":"Harbour crane returns","source":"Desk","body":"The crane is back."}"#,
            "\n",
            r#"{"guid":"a2","title":"Ferry timetable shifts","source":"Desk","body":"Earlier boats."}"#,
            "\n",
            r#"{"guid":"a3","title":"Lantern festival dates","source":"Desk","body":"Set for spring."}"#,
            "\n",
        ),
    )
    .unwrap();
    herald(&store, &["import", articles.to_str().unwrap()]);
    herald(&store, &["mark", "star", "1"]);
    herald(&store, &["mark", "star", "2"]);
    herald(&store, &["view", "add", "Boats", "ferry OR crane"]);
    let command = format!(
        "env HOME={home} {bin} --store {store}; sleep 30",
        home = dir.display(),
        bin = env!("CARGO_BIN_EXE_herald"),
        store = store.display(),
    );
    (store, Tmux::start(&command, 150, 20))
}

/// The Starred and saved views' counts show from the start, with no key pressed (they
/// were blank until the first mark: the loop dropped the load it had queued).
#[test]
fn the_views_counts_show_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, tmux) = open_reader(dir.path());
    let screen = tmux.wait_for("the counts of Starred and Boats", |s| {
        let count = |name: &str| {
            s.lines()
                .find(|l| l.trim_start().starts_with(name))
                .and_then(|l| l.split('│').next())
                .map(|l| l.split_whitespace().last().unwrap_or("").to_owned())
        };
        count("Starred").as_deref() == Some("2") && count("Boats").as_deref() == Some("2")
    });
    assert!(screen.contains("3 articles"), "{screen}");
}

/// Another process imports an article, adds a view and stars an article while the
/// reader is open: within a second or two the list, the counts and the views show it,
/// with the selection kept.
#[test]
fn another_processs_writes_show_in_the_open_reader() {
    let dir = tempfile::tempdir().unwrap();
    let (store, tmux) = open_reader(dir.path());
    tmux.wait_for("the list", |s| {
        s.contains("1/3") && s.contains("3 articles")
    });
    tmux.keys(&["j"]);
    tmux.wait_for("the second row", |s| s.contains("2/3"));
    let more = dir.path().join("b.jsonl");
    std::fs::write(
        &more,
        r#"{"guid":"a4","title":"Tidal clock repaired","source":"Wire","body":"It runs again."}"#,
    )
    .unwrap();
    herald(&store, &["import", more.to_str().unwrap()]);
    herald(&store, &["view", "add", "Tides", "tidal"]);
    herald(&store, &["mark", "star", "3"]);
    let screen = tmux.wait_for("the new article, view and star", |s| {
        s.contains("Tidal clock repaired")
            && s.contains("4 articles")
            && s.lines().any(|l| l.trim_start().starts_with("Tides"))
            && s.lines()
                .any(|l| l.trim_start().starts_with("Starred") && l.contains(" 3│"))
    });
    // The selected article is the one selected before (now third, under the new one).
    assert!(screen.contains("3/4"), "{screen}");
}
