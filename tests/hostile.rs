//! Article text comes from strangers: escape sequences, control characters and bidi
//! overrides in any field never reach the terminal, and no string from an article is
//! ever seen by a shell.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Harness;
use herald::domain::model::NewArticle;

/// Every trick at once: clear screen, window title (OSC 0), clipboard write (OSC 52),
/// carriage-return and backspace overwrites, an 8-bit CSI, a bell, bidi overrides.
const TRICKS: &str = "a\u{1b}[2Jb\u{1b}]0;pwned\u{7}c\u{1b}]52;c;ZXZpbA==\u{7}d\rX\u{8}\u{8}Y\u{9b}31m\u{202e}evil\u{2066}z\u{7f}";

fn hostile() -> NewArticle {
    NewArticle {
        guid: Some(format!("g{TRICKS}")),
        source: format!("Source {TRICKS}"),
        title: format!("Title {TRICKS}"),
        authors: vec![format!("Author {TRICKS}")],
        url: Some(format!("https://example.org/{TRICKS}")),
        summary: Some(format!("Summary {TRICKS}")),
        paragraphs: vec![format!("Body {TRICKS}"), format!("{TRICKS} again")],
        ..Default::default()
    }
}

/// True when `text` holds a byte or character a terminal would act on.
fn dangerous(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

#[test]
fn nothing_an_article_holds_is_drawn_raw() {
    let mut h = Harness::new(&[hostile()], 120, 30);
    h.keys("enter");
    h.report(herald::app::Report::Notify(format!("Status {TRICKS}")));
    let screen = h.screen();
    assert_eq!(dangerous(&screen), None, "{screen:?}");
    assert!(
        screen.contains("Title a�[2Jb"),
        "visible, not obeyed: {screen}"
    );
    h.keys("q /");
    h.type_text("title");
    assert_eq!(dangerous(&h.screen()), None);
    h.keys("esc ?");
    assert_eq!(dangerous(&h.screen()), None);
    // A status message built from the article's url.
    h.keys("esc o");
    assert!(
        h.app.status.as_deref().unwrap().contains('\u{1b}'),
        "kept as data"
    );
    assert!(h.screen().contains("Opening https://example.org/a�[2J"));
    assert_eq!(dangerous(&h.screen()), None);
}

#[test]
fn nothing_an_article_holds_is_printed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let file = dir.path().join("hostile.json");
    std::fs::write(
        &file,
        serde_json::json!({
            "guid": hostile().guid, "source": hostile().source, "title": hostile().title,
            "authors": hostile().authors, "url": hostile().url, "summary": hostile().summary,
            "paragraphs": hostile().paragraphs,
        })
        .to_string(),
    )
    .unwrap();
    let herald = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(herald(&["import", file.to_str().unwrap()]).status.success());
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["show", "1"],
        &["show", "1", "--json"],
        &["search", "title"],
        &["search", "title", "--json"],
        &["export"],
        &["show", "2"],
    ] {
        let out = herald(args);
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert_eq!(dangerous(&text), None, "{args:?}: {text:?}");
        }
    }
    // The data itself survives: export and import give the same bytes back.
    let exported = herald(&["export"]).stdout;
    let value: serde_json::Value = serde_json::from_slice(&exported).unwrap();
    // (Imports fold runs of white space, a carriage return among them, to one space.)
    assert_eq!(value["title"], hostile().title.replace('\r', " "));
    // A hostile file name in an error message is shown, not obeyed.
    let evil = dir.path().join("evil\u{1b}[2J.txt");
    std::fs::write(&evil, "").unwrap();
    let out = herald(&["import", evil.to_str().unwrap()]);
    assert_eq!(dangerous(&String::from_utf8_lossy(&out.stderr)), None);
    // Feed names too.
    assert!(
        herald(&[
            "feed",
            "add",
            "https://example.org/rss",
            "--no-check",
            "--name",
            TRICKS
        ])
        .status
        .success()
    );
    for args in [
        &["feed", "list"][..],
        &["feed", "list", "--json"],
        &["feed", "export"],
    ] {
        let text = String::from_utf8_lossy(&herald(args).stdout).into_owned();
        assert_eq!(dangerous(&text), None, "{args:?}: {text:?}");
    }
}

#[test]
fn urls_reach_the_browser_as_one_argument_and_never_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("args");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n--\\n' \"$a\"; done > {}\n",
            record.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
    let canary = dir.path().join("pwned");
    let urls = [
        format!("https://example.org/a;touch {}", canary.display()),
        format!("https://example.org/$(touch {})", canary.display()),
        format!("https://example.org/`touch {}`", canary.display()),
        "https://example.org/with spaces and 'quotes'".to_owned(),
        "https://example.org/?q=a&b=|c>d".to_owned(),
    ];
    for url in &urls {
        let _ = std::fs::remove_file(&record);
        herald::tui::open_url_with(Some(script.to_str().unwrap()), url).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        // The script writes its arguments, then `--` as its last line: wait for that
        // line rather than for a while after the file appears.
        let mut args = String::new();
        while !args.ends_with("--\n") && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
            args = std::fs::read_to_string(&record).unwrap_or_default();
        }
        assert_eq!(args, format!("{url}\n--\n"), "one argument, unchanged");
    }
    assert!(!canary.exists(), "no shell ran any part of a URL");
    // A leading dash (an option to the opener) and other schemes are refused.
    for bad in [
        "-new-window https://x",
        "--help",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ] {
        assert!(herald::tui::open_url_with(Some(script.to_str().unwrap()), bad).is_err());
    }
    assert!(!Path::new(&canary).exists());
}

#[test]
fn file_names_reach_the_log_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let folder = dir.path().join("odd\u{1b}]0;title\u{7}folder\u{202e}");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("empty\u{1b}[2J\nline.txt"), "").unwrap();
    std::fs::write(folder.join("bin\u{9b}31m.txt"), [0u8, 1, 2, 3, 0, 0]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(&store)
        .args(["-vv", "import"])
        .arg(&folder)
        .env("XDG_STATE_HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log = std::fs::read_to_string(dir.path().join("herald/herald.log")).unwrap();
    assert!(log.contains("empty"), "the problem is logged: {log}");
    assert_eq!(dangerous(&log), None, "{log:?}");
    // One record, one line: a line break in a name cannot forge a record.
    assert!(!log.lines().any(|l| l.starts_with("line.txt")), "{log}");
}

#[test]
fn only_a_plain_web_address_is_copied() {
    use herald::app::Effect;
    use herald::app::action::Action;
    let mut article = hostile();
    let bad_urls = [
        "https://example.org/a\nrm -rf ~".to_owned(),
        "https://example.org/\u{202e}gpj.exe".to_owned(),
        "https://example.org/\u{1b}]52;c;ZXZpbA==\u{7}".to_owned(),
        "javascript:alert(1)".to_owned(),
        "https://example.org/zero\u{200b}width".to_owned(),
    ];
    for url in &bad_urls {
        article.url = Some(url.clone());
        let mut h = Harness::new(std::slice::from_ref(&article), 100, 30);
        let effects = h.app.update(Action::CopyLink);
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::CopyToClipboard(_))),
            "{url:?} was copied"
        );
        let status = h.app.status.clone().unwrap_or_default();
        assert!(status.contains("Not copied"), "{status}");
        assert_eq!(dangerous(&h.screen()), None);
    }
    article.url = Some("https://example.org/night-ferry?id=7".into());
    let mut h = Harness::new(std::slice::from_ref(&article), 100, 30);
    let effects = h.app.update(Action::CopyLink);
    assert!(effects.contains(&Effect::CopyToClipboard(
        "https://example.org/night-ferry?id=7".into()
    )));
}

#[test]
fn a_date_format_with_controls_is_drawn_safe() {
    // The config's own text, but drawn on the same screen as everything else.
    let mut h = Harness::new(&common::fixtures(), 120, 20);
    h.app.settings.date_format = "%d\u{202e}%m\u{1b}[2J".into();
    h.resize(120, 20);
    let screen = h.screen();
    assert_eq!(dangerous(&screen), None, "{screen}");
}

#[test]
fn argument_errors_show_the_argument_safely() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    for args in [
        &["show", "x\u{202e}\u{1b}[2J"][..],
        &["\u{1b}]0;title\u{7}"],
        &["list", "--limit", "\u{202e}9"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error"), "{stderr}");
        assert_eq!(dangerous(&stderr), None, "{stderr:?}");
    }
}
