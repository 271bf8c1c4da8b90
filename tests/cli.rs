//! The command line as a script uses it: the real binary, a temporary store, fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles")
}

struct Herald {
    _dir: tempfile::TempDir,
    store: PathBuf,
}

impl Herald {
    fn new() -> Herald {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store.db");
        Herald { _dir: dir, store }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--store")
            .arg(&self.store)
            .args(args)
            .env_remove("HERALD_STORE")
            .output()
            .unwrap()
    }

    fn list(&self) -> Vec<Value> {
        let out = self.run(&["list", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn importing_the_fixture_folder_reports_failures_and_stores_the_rest() {
    let h = Herald::new();
    let out = h.run(&["import", fixtures().to_str().unwrap()]);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a file failed: {stderr}");
    assert_eq!(
        stdout.trim(),
        "imported 8, already present 0, failed 3",
        "{stderr}"
    );
    assert!(stderr.contains("empty.txt: empty file"), "{stderr}");
    assert!(stderr.contains("garbage.bin: binary data"), "{stderr}");
    assert!(
        stderr.contains("desk.jsonl: line 2: field `title`: expected string, found number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning:") && stderr.contains("windows-1252.txt"),
        "{stderr}"
    );

    let rows = h.list();
    let titles: Vec<&str> = rows.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert!(
        titles.contains(&"Café owners protest new terrace fees"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Bakery wins award for rye bread"),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Format told from content, not name"),
        "{titles:?}"
    );
    // Undated articles come last.
    assert!(rows.last().unwrap()["published"].is_null());

    let again = h.run(&["import", fixtures().to_str().unwrap()]);
    assert_eq!(
        text(&again.stdout).trim(),
        "imported 0, already present 8, failed 3"
    );
    assert_eq!(h.list().len(), 8);
}

#[test]
fn list_json_has_exactly_the_documented_keys() {
    let h = Herald::new();
    let path = fixtures().join("daily-seed-layout.txt");
    assert!(h.run(&["import", path.to_str().unwrap()]).status.success());
    let rows = h.list();
    let row = rows[0].as_object().unwrap();
    let keys: Vec<&str> = row.keys().map(String::as_str).collect();
    let mut expected = [
        "id",
        "source",
        "title",
        "authors",
        "published",
        "url",
        "read",
        "starred",
    ];
    let mut sorted = keys.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
    assert_eq!(row["authors"], serde_json::json!(["Oh Seung-min"]));
    assert_eq!(row["source"], "Harbour Daily");
    assert_eq!(row["published"], "2025-01-21T14:52:00-00:00");
}

#[test]
fn show_wraps_the_byline_between_fields_not_inside_the_date() {
    let h = Herald::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.json");
    std::fs::write(
        &file,
        r#"{"guid": "b-1", "source": "Evening Lantern", "title": "Pier lights",
            "authors": ["Mira Solberg"], "published": "2026-03-11T10:00:00+00:00",
            "body": "The pier lamps were repainted."}"#,
    )
    .unwrap();
    h.run(&["import", file.to_str().unwrap()]);
    for width in ["24", "30", "36"] {
        let out = h.run(&["show", "1", "--width", width]);
        let shown = text(&out.stdout);
        assert!(
            shown.lines().any(|l| l.contains("2026-03-11 10:00"))
                && shown.lines().any(|l| l.contains("Mira Solberg")),
            "at {width}:\n{shown}"
        );
    }
}

#[test]
fn show_wraps_to_width_and_json_adds_paragraphs() {
    let h = Herald::new();
    let path = fixtures().join("daily-seed-layout.txt");
    h.run(&["import", path.to_str().unwrap()]);
    let id = h.list()[0]["id"].as_i64().unwrap().to_string();
    let out = h.run(&["show", &id, "--width", "30"]);
    assert!(out.status.success());
    let shown = text(&out.stdout);
    assert!(shown.lines().all(|l| l.chars().count() <= 30), "{shown}");
    assert!(shown.contains("tugboats"));
    assert!(!shown.contains("To write comments"));

    let out = h.run(&["show", &id, "--json"]);
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["paragraphs"].as_array().unwrap().len(), 3);
    assert_eq!(value["id"].as_i64().unwrap().to_string(), id);

    let missing = h.run(&["show", "999"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no article 999"));
}

#[test]
fn export_then_import_into_an_empty_store_gives_the_same_articles() {
    let h = Herald::new();
    h.run(&["--samples", "import", fixtures().to_str().unwrap()]);
    let id = h.list()[0]["id"].as_i64().unwrap();
    let exported = h.run(&["export"]);
    assert!(exported.status.success());

    let copy = Herald::new();
    let file = copy._dir.path().join("backup.jsonl");
    std::fs::write(&file, &exported.stdout).unwrap();
    let out = copy.run(&["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let strip_ids = |rows: Vec<Value>| -> Vec<Value> {
        rows.into_iter()
            .map(|mut r| {
                r.as_object_mut().unwrap().remove("id");
                r
            })
            .collect()
    };
    assert_eq!(strip_ids(copy.list()), strip_ids(h.list()));
    let second = copy.run(&["export"]);
    let bodies = |out: &Output| -> Vec<Value> {
        text(&out.stdout)
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("herald_id");
                v
            })
            .collect()
    };
    assert_eq!(bodies(&second), bodies(&exported));
    // Importing the original files into the copy adds nothing: the dedup keys survived.
    let again = copy.run(&["import", fixtures().to_str().unwrap()]);
    assert!(
        text(&again.stdout).starts_with("imported 0,"),
        "{}",
        text(&again.stdout)
    );
    assert!(id > 0);
}

#[test]
fn a_named_store_starts_empty_and_samples_are_added_on_request() {
    let h = Herald::new();
    assert!(h.list().is_empty());
    h.run(&["--samples", "list"]);
    let n = h.list().len();
    assert!((12..=20).contains(&n), "{n}");
}

#[test]
fn the_default_store_is_created_with_the_samples() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["list", "--json"])
        .env_remove("HERALD_STORE")
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() >= 12);
    assert!(dir.path().join("herald/herald.db").exists());
}

#[test]
fn user_errors_are_one_clear_line_without_a_backtrace() {
    let h = Herald::new();
    let out = h.run(&["import", "/no/such/file.txt"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("/no/such/file.txt"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let notes = h._dir.path().join("notes.txt");
    std::fs::write(
        &notes,
        "my notes, not a database at all, longer than a header\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(&notes)
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("not a readable herald store"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "my notes, not a database at all, longer than a header\n"
    );
}

#[test]
fn store_flag_works_after_the_subcommand_and_from_the_environment() {
    let h = Herald::new();
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["list", "--json", "--store"])
        .arg(&h.store)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(h.store.exists());
    let other = h._dir.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["list"])
        .env("HERALD_STORE", &other)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(other.exists());
}

#[test]
fn show_width_holds_for_text_full_of_control_characters() {
    let h = Herald::new();
    let dir = tempfile::tempdir().unwrap();
    let body = "Bells \u{7}\u{7}\u{7} and escapes \u{1b}[2J\u{1b}[31m in \u{9b}1m every \u{202e}line\u{202c} \
                of this \u{2066}odd\u{2069} \u{85}article, which \u{1b}]52;c;aGk=\u{7} goes on. "
        .repeat(8);
    let record = serde_json::json!({"title": "Control \u{1b}[1mcharacters\u{1b}[0m everywhere \u{7}\u{7}\u{7}\u{7}\u{7}\u{7}\u{7}", "body": body});
    let file = dir.path().join("odd.json");
    std::fs::write(&file, record.to_string()).unwrap();
    assert!(h.run(&["import", file.to_str().unwrap()]).status.success());
    let out = h.run(&["show", "1", "--width", "40"]);
    assert!(out.status.success());
    let text = text(&out.stdout);
    assert!(!text.contains('\u{1b}'));
    for line in text.lines() {
        let columns = unicode_width::UnicodeWidthStr::width(line);
        assert!(columns <= 40, "{columns} columns: {line:?}");
    }
}

#[test]
fn dates_are_shown_in_the_users_zone_and_json_keeps_the_offset() {
    let h = Herald::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dated.jsonl");
    std::fs::write(
        &file,
        "{\"guid\": \"z1\", \"title\": \"Late ferry\", \"body\": \"x\", \"published\": \"2025-03-14T23:30:00+01:00\"}\n\
         {\"guid\": \"z2\", \"title\": \"Zone unknown\", \"body\": \"y\", \"published\": \"2025-03-10T23:30:00-00:00\"}\n",
    )
    .unwrap();
    assert!(h.run(&["import", file.to_str().unwrap()]).status.success());
    let run_in = |zone: &str, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--store")
            .arg(&h.store)
            .args(args)
            .env_remove("HERALD_STORE")
            .env("TZ", zone)
            .output()
            .unwrap();
        assert!(out.status.success());
        text(&out.stdout)
    };
    let list = run_in("Asia/Seoul", &["list"]);
    assert!(list.contains("2025-03-15"), "{list}");
    assert!(list.contains("2025-03-10"), "as written: {list}");
    let show = run_in("Asia/Seoul", &["show", "1"]);
    assert!(show.contains("2025-03-15 07:30"), "{show}");
    let show = run_in("America/New_York", &["show", "1"]);
    assert!(show.contains("2025-03-14 18:30"), "{show}");
    let list = run_in("America/New_York", &["list"]);
    assert!(list.contains("2025-03-14"), "{list}");
    // Unknown offset: the wall-clock time as written, in every zone.
    for zone in ["Asia/Seoul", "America/New_York"] {
        let show = run_in(zone, &["show", "2"]);
        assert!(show.contains("2025-03-10 23:30"), "{zone}: {show}");
    }
    // JSON keeps the article's own offset, whatever the zone.
    let json = run_in("Asia/Seoul", &["list", "--json"]);
    assert!(json.contains("2025-03-14T23:30:00+01:00"), "{json}");
    assert!(json.contains("2025-03-10T23:30:00-00:00"), "{json}");
}

/// A saved page's links are data: `show` prints them after the body as it always has,
/// `show --json` and the export carry them, and an export imported elsewhere keeps them.
#[test]
fn a_pages_links_are_shown_exported_and_imported_back() {
    let h = Herald::new();
    let page = h._dir.path().join("quay.html");
    std::fs::write(
        &page,
        "<html><head><title>Quay works</title></head><body><article>\
         <p>See the <a href=\"https://quay.example/times\">times</a> and the \
         <a href=\"https://quay.example/map\">map</a>.</p></article></body></html>",
    )
    .unwrap();
    let out = h.run(&["import", page.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&h.run(&["show", "1", "--width", "60"]).stdout);
    assert!(
        shown.ends_with(
            "See the times [1] and the map [2].\n\nLinks:\n\n[1] https://quay.example/times\n\n\
             [2] https://quay.example/map\n"
        ),
        "{shown}"
    );
    let links = serde_json::json!(["https://quay.example/times", "https://quay.example/map"]);
    let json: Value = serde_json::from_slice(&h.run(&["show", "1", "--json"]).stdout).unwrap();
    assert_eq!(
        json["paragraphs"],
        serde_json::json!(["See the times [1] and the map [2]."])
    );
    assert_eq!(json["links"], links);

    let exported = h.run(&["export"]);
    let copy = Herald::new();
    let file = copy._dir.path().join("backup.jsonl");
    std::fs::write(&file, &exported.stdout).unwrap();
    assert!(
        copy.run(&["import", file.to_str().unwrap()])
            .status
            .success()
    );
    let json: Value = serde_json::from_slice(&copy.run(&["show", "1", "--json"]).stdout).unwrap();
    assert_eq!(json["links"], links);
    // The page itself, imported into the copy, is the article already there.
    let again = copy.run(&["import", page.to_str().unwrap()]);
    assert!(
        text(&again.stdout).starts_with("imported 0, already present 1"),
        "{}",
        text(&again.stdout)
    );
}
