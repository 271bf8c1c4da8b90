//! Huge inputs are capped with a message, never a hang or a crash: a 50 MB single-line
//! file, a feed of 100,000 items, a file over the size limit.

mod common;

use std::io::Write;

use common::herald_at as herald;

/// Imports `file` into a new store in `dir`; the store, the run and its stderr.
fn import(
    dir: &std::path::Path,
    file: &std::path::Path,
) -> (std::path::PathBuf, std::process::Output, String) {
    let store = dir.join("s.db");
    let result = herald(&store, &["import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    (store, result, stderr)
}

#[test]
fn a_50_mb_single_line_file_is_stored_with_its_title_cut() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one-line.txt");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    for _ in 0..(50 * 1024 * 1024 / 10) {
        out.write_all(b"harbour 0 ").unwrap();
    }
    drop(out);
    let (store, result, stderr) = import(dir.path(), &file);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning") && stderr.contains("kept the first 1000"),
        "{stderr}"
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["list", "--json"]).stdout).unwrap();
    assert!(rows[0]["title"].as_str().unwrap().chars().count() <= 1001);
    assert!(
        herald(&store, &["show", "1", "--width", "40"])
            .status
            .success()
    );
}

#[test]
fn a_feed_of_100000_items_is_cut_to_the_newest_20000() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge-feed.xml");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    write!(
        out,
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Huge</title>"
    )
    .unwrap();
    for i in 0..100_000 {
        write!(out, "<item><guid>h{i}</guid><title>Item {i}</title></item>").unwrap();
    }
    write!(out, "</channel></rss>").unwrap();
    drop(out);
    let (_, result, stderr) = import(dir.path(), &file);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("100000 items; kept the first 20000"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&result.stdout).starts_with("imported 20000,"));
}

#[test]
fn a_file_over_the_limit_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("too-big.txt");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(out, "A title").unwrap();
    let line = "A line of text that repeats until the file is over the limit.\n";
    let mut written = 0;
    while written <= herald::domain::import::MAX_FILE_BYTES {
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
    }
    drop(out);
    let (_, result, stderr) = import(dir.path(), &file);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        stderr.contains("limit") && stderr.contains("JSON Lines"),
        "{stderr}"
    );
}

#[test]
fn a_json_lines_record_over_the_limit_is_skipped_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("records.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(
        out,
        "{{\"id\": \"r1\", \"title\": \"Lock gates repainted\"}}"
    )
    .unwrap();
    // One record a little over the limit, its body one long run of words.
    write!(
        out,
        "{{\"id\": \"r2\", \"title\": \"Dredging log\", \"body\": \""
    )
    .unwrap();
    let words = "silt sand mud ".repeat(1024);
    let mut written = 0;
    while written <= herald::domain::import::MAX_RECORD_BYTES {
        out.write_all(words.as_bytes()).unwrap();
        written += words.len();
    }
    writeln!(out, "\"}}").unwrap();
    writeln!(out, "{{\"id\": \"r3\", \"title\": \"Buoys replaced\"}}").unwrap();
    drop(out);
    let (store, result, stderr) = import(dir.path(), &file);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line 2: the record is over the") && stderr.contains("skipped"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&result.stdout).starts_with("imported 2,"));
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["list", "--json"]).stdout).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn a_json_lines_body_over_the_limit_is_cut_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    writeln!(out, "{{\"id\": \"b1\", \"title\": \"Short note\"}}").unwrap();
    let paragraph = "The pilot boat waited off the breakwater. ".repeat(100);
    let paragraphs: Vec<&str> = vec![&paragraph; 1000];
    let record = serde_json::json!({"id": "b2", "title": "Long log", "paragraphs": paragraphs});
    writeln!(out, "{record}").unwrap();
    drop(out);
    let (store, result, stderr) = import(dir.path(), &file);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning")
            && stderr.contains("line 2: the body was 4199000 characters long"),
        "{stderr}"
    );
    let shown = herald(&store, &["show", "2", "--width", "60"]);
    assert!(shown.status.success());
}

#[test]
fn a_subscription_list_over_the_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.opml");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    write!(out, "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>").unwrap();
    let mut written = 0;
    let mut i = 0;
    while written <= herald::domain::import::MAX_FILE_BYTES {
        let line = format!("<outline text=\"Lock {i}\" xmlUrl=\"https://locks.example/{i}\"/>\n");
        out.write_all(line.as_bytes()).unwrap();
        written += line.len() as u64;
        i += 1;
    }
    write!(out, "</body></opml>").unwrap();
    drop(out);
    let store = dir.path().join("s.db");
    let result = herald(&store, &["feed", "import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("limit"), "{stderr}");
    let listed = herald(&store, &["feed", "list", "--json"]);
    let feeds: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(feeds.is_empty());
}
