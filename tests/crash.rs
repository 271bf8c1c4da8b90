//! Nothing stored is lost: herald killed with SIGKILL in the middle of an import, many
//! times over, leaves a store that opens, passes SQLite's and FTS5's integrity checks and
//! holds exactly the articles whose transactions committed. Two processes on one store at
//! once both work.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use herald::domain::store::Store;

const ARTICLES: usize = 30_000;

fn corpus(path: &Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..ARTICLES {
        let body = format!(
            "Paragraph one of article {i} about the harbour.\n\nParagraph two, with the ferry and the lighthouse keeper."
        );
        writeln!(
            out,
            "{}",
            serde_json::json!({"guid": format!("g{i:05}"), "source": "Crash Wire", "title": format!("Article {i}"), "body": body})
        )
        .unwrap();
    }
}

fn check(store_path: &Path) -> usize {
    let store = Store::open(store_path).expect("the store opens after a kill");
    assert_eq!(store.maintenance().integrity_check().unwrap(), "ok");
    store
        .maintenance()
        .fts_integrity_check()
        .expect("the full-text index matches the table");
    let count = store.articles().count().unwrap();
    // The kept counts moved in the same transactions as the rows.
    assert_eq!(
        (count, store.articles().count_unread().unwrap()),
        store.maintenance().recount().unwrap()
    );
    // Articles are committed in file order, a batch at a time: what is there is exactly
    // the first `count` of them, each whole.
    let guids: Vec<String> = store
        .articles()
        .summaries(None, 0)
        .unwrap()
        .into_iter()
        .map(|s| store.articles().article(s.id).unwrap().unwrap())
        .map(|a| {
            assert_eq!(a.paragraphs.len(), 2, "no half article");
            a.guid.unwrap()
        })
        .collect();
    let mut sorted = guids.clone();
    sorted.sort();
    let expected: Vec<String> = (0..count).map(|i| format!("g{i:05}")).collect();
    assert_eq!(sorted, expected);
    count
}

#[test]
fn killed_mid_import_many_times_the_store_stays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    corpus(&input);
    let store = dir.path().join("crash.db");
    let mut counts = Vec::new();
    for round in 0..10u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--store")
            .arg(&store)
            .arg("import")
            .arg(&input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Different moments each round, from before the first commit to deep inside.
        std::thread::sleep(Duration::from_millis(30 + round * 120));
        child.kill().unwrap();
        let _ = child.wait();
        counts.push(check(&store));
    }
    let done = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(&store)
        .arg("import")
        .arg(&input)
        .output()
        .unwrap();
    assert!(done.status.success());
    assert_eq!(check(&store), ARTICLES);
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    eprintln!("articles stored after each kill: {counts:?}");
}

#[test]
fn a_reader_and_an_import_share_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    corpus(&input);
    let path = dir.path().join("shared.db");
    // The reader's connection, open the whole time, writing as the reader does.
    let reader = Store::open(&path).unwrap();
    let mut import = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(&path)
        .arg("import")
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reads = 0;
    let mut seen = Vec::new();
    loop {
        let count = reader
            .articles()
            .count()
            .expect("reading while another process writes");
        seen.push(count);
        if let Some(first) = reader.articles().summaries(Some(1), 0).unwrap().first() {
            reader
                .articles()
                .set_read(first.id, true)
                .expect("writing while another process writes");
            reader
                .articles()
                .save_position(
                    first.id,
                    herald::domain::model::Position {
                        paragraph: 1,
                        offset: 0,
                    },
                )
                .unwrap();
        }
        let q =
            herald::domain::search::parse("harbour", jiff::Timestamp::UNIX_EPOCH, false).unwrap();
        reader
            .articles()
            .search(&q, herald::domain::search::Order::Newest)
            .unwrap();
        reads += 1;
        if import.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = import.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("locked"), "{stderr}");
    assert_eq!(
        reader.articles().count().unwrap(),
        ARTICLES,
        "the new articles are visible"
    );
    assert!(reads > 1);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn a_damaged_store_is_reported_with_what_to_do_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    corpus(&input);
    let path = dir.path().join("damaged.db");
    let ok = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(&path)
        .arg("import")
        .arg(&input)
        .output()
        .unwrap();
    assert!(ok.status.success());
    // Fold the WAL in, then scribble over the middle of the file.
    drop(Store::open(&path).unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 64 * 1024] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let _ = std::fs::remove_file(path.with_extension("db-wal"));
    let mut saw_damage = false;
    for args in [
        &["list"][..],
        &["search", "harbour"],
        &["export"],
        &["show", "20000"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--store")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        if !out.status.success() {
            saw_damage = true;
            assert!(
                stderr.contains("damaged") || stderr.contains("not a readable"),
                "{args:?}: {stderr}"
            );
        }
    }
    assert!(saw_damage, "reading every article meets the damage");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "herald wrote nothing to it"
    );
}
