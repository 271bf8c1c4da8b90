//! Walking folders to import: links that loop, files that are not files, folders that
//! cannot be read, and a source that does not depend on how a path was typed.

mod common;
use common::is_root;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn herald(store: &Path, args: &[&str], cwd: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
    command
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("HERALD_STORE")
        .env_remove("HERALD_CONFIG")
        .env("XDG_STATE_HOME", store.parent().unwrap());
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    command.output().unwrap()
}

fn list(store: &Path) -> Vec<Value> {
    let out = herald(store, &["list", "--json"], None);
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn article(path: &Path, title: &str) {
    std::fs::write(
        path,
        format!("{title}\nA short paragraph written for the walk tests.\n"),
    )
    .unwrap();
}

#[test]
fn links_to_folders_above_are_walked_once() {
    let dir = tempfile::tempdir().unwrap();
    let news = dir.path().join("news");
    std::fs::create_dir_all(news.join("sub")).unwrap();
    article(&news.join("a.txt"), "Ferry timetable changes");
    article(&news.join("sub/b.txt"), "Market hall reopens");
    // A link to the folder itself, one to its parent, and one to a file already there.
    symlink(&news, news.join("sub/loop")).unwrap();
    symlink("..", news.join("sub/up")).unwrap();
    symlink(news.join("a.txt"), news.join("sub/again.txt")).unwrap();
    let store = dir.path().join("s.db");
    let out = herald(&store, &["import", news.to_str().unwrap()], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("imported 2, already present 0"), "{stdout}");
    let mut sources: Vec<String> = list(&store)
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_owned())
        .collect();
    sources.sort();
    // Each file under the folder it is really in, not one the links invented.
    assert_eq!(sources, ["news", "sub"]);
}

#[test]
fn fifos_and_sockets_are_skipped_without_opening_them() {
    let dir = tempfile::tempdir().unwrap();
    let news = dir.path().join("news");
    std::fs::create_dir(&news).unwrap();
    article(&news.join("a.txt"), "Swifts counted over the mill");
    let fifo = news.join("b-pipe.txt");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let _socket = std::os::unix::net::UnixListener::bind(news.join("c-socket")).unwrap();
    // Opening a FIFO to read waits for a writer. Should herald open it, this writer
    // lets it go on (and see an empty file) instead of hanging the test.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || drop(std::fs::OpenOptions::new().write(true).open(fifo)))
    };
    let store = dir.path().join("s.db");
    let out = herald(&store, &["import", news.to_str().unwrap()], None);
    // Read and write at once never waits on Linux: this frees the writer thread.
    drop(
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&fifo),
    );
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("b-pipe.txt") && stderr.contains("not a regular file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c-socket") && stderr.contains("not a regular file"),
        "{stderr}"
    );
    assert_eq!(list(&store).len(), 1);
    // Named directly, the same.
    let out = herald(
        &store,
        &["import", fifo.to_str().unwrap(), "/dev/null"],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("b-pipe.txt: not a regular file"),
        "{stderr}"
    );
    assert!(stderr.contains("/dev/null: not a regular file"), "{stderr}");
}

#[test]
fn an_unreadable_folder_is_reported_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), PermissionsExt::from_mode(0o777)).unwrap();
    let news = dir.path().join("news");
    std::fs::create_dir_all(news.join("locked")).unwrap();
    article(&news.join("a.txt"), "Tram stop opens early");
    article(&news.join("z.txt"), "Bridge repairs finish");
    article(&news.join("locked/hidden.txt"), "Never read");
    std::fs::set_permissions(news.join("locked"), PermissionsExt::from_mode(0o000)).unwrap();
    let store = dir.path().join("s.db");
    let herald_bin = env!("CARGO_BIN_EXE_herald");
    // Permissions do not bind root: as root the import runs as `nobody` through runuser.
    let mut command = if is_root() {
        if Command::new("runuser").arg("--help").output().is_err() {
            eprintln!("skipped: as root this needs runuser to drop privileges");
            return;
        }
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--", herald_bin]);
        c
    } else {
        Command::new(herald_bin)
    };
    let out = command
        .arg("--store")
        .arg(&store)
        .arg("import")
        .arg(&news)
        .env_remove("HERALD_STORE")
        .env_remove("HERALD_CONFIG")
        .env("XDG_STATE_HOME", dir.path())
        .output()
        .unwrap();
    std::fs::set_permissions(news.join("locked"), PermissionsExt::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("locked"), "{stderr}");
    assert!(stdout.contains("imported 2"), "{stdout} {stderr}");
    let titles: Vec<String> = list(&store)
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
}

#[test]
fn the_source_does_not_depend_on_how_the_path_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let desk = dir.path().join("Night Desk");
    std::fs::create_dir(&desk).unwrap();
    article(&desk.join("w.txt"), "Harbour lights switched on");
    let store = dir.path().join("s.db");
    let relative = herald(&store, &["import", "w.txt"], Some(&desk));
    assert!(relative.status.success());
    let absolute: PathBuf = desk.join("w.txt");
    let again = herald(&store, &["import", absolute.to_str().unwrap()], None);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("imported 0, already present 1"), "{stdout}");
    let dotted = herald(&store, &["import", "./../Night Desk/./w.txt"], Some(&desk));
    assert!(String::from_utf8_lossy(&dotted.stdout).contains("already present 1"));
    let rows = list(&store);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["source"], "Night Desk");
}
