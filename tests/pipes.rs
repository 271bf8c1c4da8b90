//! A reader that goes away (`herald list | head -1`): every command stops quietly, without
//! a panic's message or its exit status 101.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn herald(store: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
    command
        .arg("--store")
        .arg(store)
        .env_remove("HERALD_STORE")
        .env_remove("HERALD_CONFIG")
        .env("XDG_STATE_HOME", store.parent().unwrap());
    command
}

/// Runs `args` with stdout a pipe whose read end is already closed: the first write
/// fails with EPIPE, whatever the timing.
fn with_stdout_closed(store: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    herald(store)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

fn assert_quiet(args: &[&str], out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
}

/// A store with 3,000 articles (more output than a pipe holds) and two feeds.
fn store(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("s.db");
    let lines: String = (0..3_000)
        .map(|i| {
            format!(
                "{{\"guid\": \"p{i}\", \"source\": \"Pipe Desk\", \"title\": \"Bulletin number {i}\", \
                 \"body\": \"{}\"}}\n",
                "A line of text for the pipe to carry. ".repeat(if i == 0 { 3_000 } else { 3 })
            )
        })
        .collect();
    std::fs::write(dir.join("many.jsonl"), lines).unwrap();
    let out = herald(&store)
        .args(["import"])
        .arg(dir.join("many.jsonl"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for port in [1, 2] {
        // Nothing listens on these ports: a fetch fails at once, with no network.
        let url = format!("http://127.0.0.1:{port}/feed.xml");
        assert!(
            herald(&store)
                .args(["feed", "add", "--no-check", &url])
                .output()
                .unwrap()
                .status
                .success()
        );
    }
    store
}

#[test]
fn every_command_exits_quietly_when_stdout_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let opml = dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
         <outline type=\"rss\" xmlUrl=\"http://127.0.0.1:3/a.xml\"/></body></opml>",
    )
    .unwrap();
    let article = dir.path().join("one.txt");
    std::fs::write(
        &article,
        "A headline for the pipe\nA paragraph of its text.\n",
    )
    .unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec![],
        vec!["list"],
        vec!["list", "--json"],
        vec!["search", "bulletin"],
        vec!["search", "bulletin", "--json"],
        vec!["show", "1"],
        vec!["show", "1", "--json"],
        vec!["export"],
        vec!["feed", "list"],
        vec!["feed", "list", "--json"],
        vec!["feed", "export"],
        vec!["feed", "import", opml.to_str().unwrap()],
        vec!["feed", "add", "--no-check", "http://127.0.0.1:4/b.xml"],
        vec!["feed", "remove", "--yes", "http://127.0.0.1:4/b.xml"],
        vec!["fetch", "--timeout", "5"],
        vec!["import", article.to_str().unwrap()],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["man"],
        vec!["--help"],
    ];
    for args in &commands {
        let out = with_stdout_closed(&store, args);
        assert_quiet(args, &out);
    }
}

#[test]
fn reading_one_line_then_closing_stops_the_writer_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    for args in [
        vec!["list"],
        vec!["export"],
        vec!["show", "1", "--width", "20"],
    ] {
        let mut child = herald(&store)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        // The reader is dropped here, with most of the output still to come.
        let out = child.wait_with_output().unwrap();
        assert_quiet(&args, &out);
    }
}

#[test]
fn a_closed_stderr_is_no_crash_either() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let missing = dir.path().join("no-such-file.txt");
    for (args, code) in [
        (vec!["search", "title:\"open quote"], 2),
        (vec!["import", missing.to_str().unwrap()], 1),
        (vec!["show", "999999"], 1),
        (vec!["--samples", "list"], 0),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = herald(&store)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(writer)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}
