//! Several herald processes on one store at once, as in the daily loop: a cron fetch
//! beside the open reader, an import started while another runs, two of them creating
//! the same new store. Every one must succeed, and nothing may be lost or counted twice.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

mod common;

use common::server::{Answer, Script, Server};
use herald::domain::model::ArticleId;
use herald::domain::store::Store;

const FEEDS: usize = 3;
const ITEMS: usize = 40;
const PER_FILE: usize = 250;
const TRIALS: usize = 5;

/// Serves `/feed/N.xml`: ITEMS items each, always in full (no 304), so every fetch writes.
fn serve() -> Server {
    Script::new()
        .limit(2_000)
        .lifetime(Duration::from_secs(300))
        .otherwise(|r| {
            let feed: usize = r
                .path
                .strip_prefix("/feed/")
                .and_then(|p| p.strip_suffix(".xml")?.parse().ok())
                .unwrap_or(0);
            let mut body = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Desk {feed}</title>"
            );
            for i in 0..ITEMS {
                body.push_str(&format!(
                    "<item><guid>desk-{feed}-{i}</guid><title>Desk {feed} note {i}</title>\
                     <link>https://example.org/{feed}/{i}</link>\
                     <description>Tide and ferry notes, number {i} of desk {feed}.</description></item>"
                ));
            }
            body.push_str("</channel></rss>");
            Answer::typed("application/rss+xml", body)
        })
        .start()
}

fn jsonl(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.jsonl"));
    let mut text = String::new();
    for i in 0..PER_FILE {
        text.push_str(&format!(
            "{{\"guid\": \"{name}-{i}\", \"source\": \"Pile {name}\", \"title\": \"{name} item {i}\", \
             \"body\": \"Harbour crane report {i} from pile {name}.\\n\\nSecond paragraph.\"}}\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn herald(store: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("XDG_STATE_HOME", store.parent().unwrap())
        .env("XDG_CONFIG_HOME", store.parent().unwrap())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(children: Vec<(String, Child)>) {
    for (what, child) in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{what} failed ({:?}):\n{stderr}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!stderr.contains("locked"), "{what}: {stderr}");
    }
}

#[test]
fn imports_fetches_and_the_reader_at_once_lose_nothing() {
    let site = serve();
    let port = site.port();
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| jsonl(dir.path(), n))
        .collect();
    for trial in 0..TRIALS {
        let folder = dir.path().join(format!("trial-{trial}"));
        std::fs::create_dir(&folder).unwrap();
        let store = folder.join("herald.db");

        // Five processes create the same new store at once.
        let mut first = Vec::new();
        for feed in 0..FEEDS {
            let url = format!("http://127.0.0.1:{port}/feed/{feed}.xml");
            first.push((
                format!("feed add {feed}"),
                herald(&store, &["feed", "add", &url]),
            ));
        }
        for file in &files[..2] {
            let path = file.to_str().unwrap();
            first.push((format!("import {path}"), herald(&store, &["import", path])));
        }
        finish(first);

        // Two fetches, two imports and the reader marking articles read, all at once.
        let done = Arc::new(AtomicBool::new(false));
        let reader = std::thread::spawn({
            let (store, done) = (store.clone(), Arc::clone(&done));
            move || {
                let reader = Store::open(&store).unwrap();
                let mut marked: Vec<ArticleId> = Vec::new();
                while !done.load(Ordering::SeqCst) {
                    let page = reader.articles().summaries(Some(30), 0).unwrap();
                    let unread: Vec<ArticleId> = page
                        .iter()
                        .filter(|s| !s.read)
                        .map(|s| s.id)
                        .take(3)
                        .collect();
                    reader.articles().set_read_many(&unread, true).unwrap();
                    marked.extend(unread);
                    if let Some(first) = page.first() {
                        reader.articles().article(first.id).unwrap().unwrap();
                    }
                    std::thread::sleep(Duration::from_millis(15));
                }
                marked
            }
        });
        let mut second = Vec::new();
        for n in 0..2 {
            second.push((format!("fetch {n}"), herald(&store, &["fetch"])));
        }
        for file in &files[2..] {
            let path = file.to_str().unwrap();
            second.push((format!("import {path}"), herald(&store, &["import", path])));
        }
        finish(second);
        done.store(true, Ordering::SeqCst);
        let mut marked = reader.join().unwrap();
        marked.sort();
        marked.dedup();

        let store = Store::open(&store).unwrap();
        let total = FEEDS * ITEMS + files.len() * PER_FILE;
        assert_eq!(
            store.maintenance().recount().unwrap().0,
            total,
            "trial {trial}"
        );
        assert_eq!(
            (
                store.articles().count().unwrap(),
                store.articles().count_unread().unwrap()
            ),
            store.maintenance().recount().unwrap(),
            "the kept counts agree with the rows"
        );
        assert_eq!(
            store.articles().count_unread().unwrap(),
            total - marked.len()
        );
        assert_eq!(store.feeds().list().unwrap().len(), FEEDS);
        assert_eq!(store.maintenance().integrity_check().unwrap(), "ok");
        store.maintenance().fts_integrity_check().unwrap();
    }
}
