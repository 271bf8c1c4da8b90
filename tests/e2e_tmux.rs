//! The real binary in a real terminal: tmux runs herald, send-keys types, capture-pane
//! reads the screen. Every step waits for its visible effect before the next key.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{Answer, Script, Server};
use common::tmux::Tmux;

fn row_with<'a>(screen: &'a str, text: &str) -> Option<(usize, &'a str)> {
    screen.lines().enumerate().find(|(_, l)| l.contains(text))
}

#[test]
fn start_navigate_open_scroll_next_resize_and_quit_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("e2e.db");
    let bin = env!("CARGO_BIN_EXE_herald");
    let command = format!(
        "env HOME={home} {bin} --store {store} --samples; echo HERALD_EXIT=$?; sleep 30",
        home = dir.path().display(),
        store = store.display(),
    );
    let tmux = Tmux::start(&command, 120, 30);

    // Start: the list is filled with the samples, newest first.
    // The whole first frame, counts included (a capture can land while it is being drawn).
    // A store of nothing but the samples is new: the reader says how to begin.
    let screen = tmux.wait_for("the article list", |s| {
        s.contains("Articles")
            && s.contains("1/14")
            && s.contains("River town votes")
            && s.contains("14 articles · 14 unread")
            && s.contains("Welcome to herald")
    });
    assert!(screen.contains("herald feed import"), "{screen}");
    assert!(tmux.alternate_screen_on());

    // Navigate.
    tmux.keys(&["j", "j", "j", "j"]);
    tmux.wait_for("the fifth row selected", |s| s.contains("5/14"));

    // Open: the long read fills the reader and is marked read.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the long read in the reader", |s| {
        s.contains("The long way home") && s.contains("Ingrid Solberg") && s.contains("13 unread")
    });
    let percent_at_top = screen.lines().next().unwrap_or_default().to_owned();

    // Scroll a page.
    tmux.keys(&["Space"]);
    tmux.wait_for("the reader to scroll", |s| {
        s.lines().next().unwrap_or_default() != percent_at_top
    });

    // Next article without leaving the reader.
    tmux.keys(&["J"]);
    tmux.wait_for("the next article", |s| {
        s.contains("Twelve-year-old wins city chess title")
            && s.contains("6/14")
            && s.contains("12 unread")
    });

    // Resize to a narrow window: the panes stack.
    assert!(
        tmux.run(&["resize-window", "-t", "herald", "-x", "80", "-y", "24"])
            .status
            .success()
    );
    let screen = tmux.wait_for("the stacked layout", |s| {
        let list = row_with(s, "Articles");
        let reader = row_with(s, "lasted six hours");
        matches!((list, reader), (Some((a, _)), Some((b, _))) if b > a + 2)
            && s.lines().all(|l| l.chars().count() <= 80)
    });
    assert!(screen.contains("6/14"), "{screen}");

    // Back to the list; search as you type; open a result; find inside it.
    tmux.keys(&["q"]);
    tmux.wait_for("the list focused", |s| s.contains("▶ Articles"));
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "sleeper"]);
    tmux.wait_for("the search results", |s| {
        s.contains("Search: sleeper") && s.contains("1 of 14") && s.contains("The long way home")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the prompt to close", |s| {
        !s.contains("1 of 14 ") || s.contains("1 of 14 ·")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the result open at its first match", |s| {
        s.lines()
            .any(|l| l.contains("▶ herald samples") && l.contains(" 1/12 · "))
    });
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "night train"]);
    tmux.wait_for("find counting matches", |s| {
        s.contains("matches") && s.contains("Find: night train")
    });
    tmux.keys(&["Enter"]);
    tmux.keys(&["n"]);
    tmux.wait_for("the second match", |s| {
        s.lines()
            .any(|l| l.contains("▶ herald samples") && l.contains(" 2/"))
    });
    tmux.keys(&["q"]);
    tmux.wait_for("the list focused", |s| s.contains("▶ Search: sleeper"));
    std::thread::sleep(Duration::from_millis(100));
    tmux.keys(&["Escape"]);
    tmux.wait_for("all articles again", |s| s.contains("▶ Articles"));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("herald to exit", |s| s.contains("HERALD_EXIT="));
    assert!(screen.contains("HERALD_EXIT=0"), "{screen}");
    assert!(!tmux.alternate_screen_on(), "left the alternate screen");
    assert!(
        !screen.contains("Articles"),
        "the reader's screen is gone:\n{screen}"
    );

    // The read state and the last open article were saved.
    let out = Command::new(bin)
        .args(["--store"])
        .arg(&store)
        .args(["list", "--json"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.iter().filter(|r| r["read"] == true).count(), 2);
    assert!(Path::new(&store).exists());
    drop(tmux);

    // A new start selects the article that was open last.
    let command = format!("{bin} --store {}; sleep 30", store.display());
    let tmux = Tmux::start(&command, 120, 30);
    // The long read, opened last from the search results.
    tmux.wait_for("the last open article selected", |s| {
        s.contains("5/14") && s.contains("12 unread")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("it to open", |s| s.contains("Ingrid Solberg"));
    tmux.keys(&["C-c"]);
    tmux.wait_for("herald to exit", |s| !s.contains("Articles"));
}

/// Whether the pane's program has asked for mouse reports and not yet turned them off.
fn mouse_on(tmux: &Tmux) -> bool {
    let out = tmux.run(&[
        "display-message",
        "-p",
        "-t",
        "herald",
        "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}",
    ]);
    String::from_utf8_lossy(&out.stdout).contains('1')
}

/// The pid of the program the pane's shell started.
fn child_pid(tmux: &Tmux) -> String {
    let shell = tmux.run(&["display-message", "-p", "-t", "herald", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&shell.stdout).trim().to_owned();
    let pids = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
    String::from_utf8_lossy(&pids.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[test]
fn a_panic_restores_the_terminal_and_says_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_herald");
    let command = format!(
        "{bin} --store {} --samples --debug-panic; echo HERALD_EXIT=$?; sleep 30",
        dir.path().join("p.db").display()
    );
    let tmux = Tmux::start(&command, 100, 30);
    let screen = tmux.wait_for("herald to crash", |s| s.contains("HERALD_EXIT="));
    assert!(screen.contains("HERALD_EXIT=101"), "{screen}");
    assert!(
        screen.contains("deliberate crash"),
        "the panic message is readable:\n{screen}"
    );
    assert!(
        !screen.contains("1/14"),
        "the reader's screen is gone:\n{screen}"
    );
    assert!(!tmux.alternate_screen_on());
    assert!(!mouse_on(&tmux), "mouse reporting turned off");
}

#[test]
fn sighup_and_sigint_restore_the_terminal_too() {
    for signal in ["-HUP", "-INT"] {
        let dir = tempfile::tempdir().unwrap();
        let bin = env!("CARGO_BIN_EXE_herald");
        let command = format!(
            "{bin} --store {} --samples; echo HERALD_EXIT=$?; sleep 30",
            dir.path().join("s.db").display()
        );
        let tmux = Tmux::start(&command, 100, 30);
        tmux.wait_for("the article list", |s| s.contains("1/14"));
        assert!(mouse_on(&tmux));
        let pid = child_pid(&tmux);
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let screen = tmux.wait_for("herald to exit", |s| s.contains("HERALD_EXIT="));
        assert!(screen.contains("HERALD_EXIT=0"), "{signal}: {screen}");
        assert!(!tmux.alternate_screen_on(), "{signal}");
        assert!(!mouse_on(&tmux), "{signal}");
    }
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("e2e.db");
    let bin = env!("CARGO_BIN_EXE_herald");
    let command = format!(
        "{bin} --store {} --samples; echo HERALD_EXIT=$?; sleep 30",
        store.display()
    );
    let tmux = Tmux::start(&command, 100, 30);
    tmux.wait_for("the article list", |s| s.contains("1/14"));
    // herald is the child of the pane's shell.
    let shell = tmux.run(&["display-message", "-p", "-t", "herald", "#{pane_pid}"]);
    let shell = String::from_utf8_lossy(&shell.stdout).trim().to_owned();
    let pids = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
    let pid = String::from_utf8_lossy(&pids.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    assert!(!pid.is_empty(), "herald's pid");
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let screen = tmux.wait_for("herald to exit", |s| s.contains("HERALD_EXIT="));
    assert!(screen.contains("HERALD_EXIT=0"), "{screen}");
    assert!(!tmux.alternate_screen_on());
}

/// The screen with its escape sequences, as tmux holds it.
fn screen_with_styles(tmux: &Tmux) -> String {
    String::from_utf8_lossy(
        &tmux
            .run(&["capture-pane", "-e", "-p", "-t", "herald"])
            .stdout,
    )
    .into_owned()
}

/// Whether SGR sequences set a foreground or background colour (30–37, 38, 40–47, 48,
/// 90–97, 100–107).
fn has_colour(screen: &str) -> bool {
    screen.split("\x1b[").skip(1).any(|seq| {
        let params = seq.split('m').next().unwrap_or_default();
        params.split(';').any(|p| {
            matches!(
                p.parse::<u32>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        })
    })
}

#[test]
fn no_color_draws_without_colour_and_the_default_theme_with() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_herald");
    for (env, expect_colour) in [("NO_COLOR=1", false), ("NO_COLOR=", true)] {
        let store = dir.path().join(format!("{expect_colour}.db"));
        let command = format!(
            "env {env} HOME={} {bin} --store {} --samples; sleep 30",
            dir.path().display(),
            store.display()
        );
        let tmux = Tmux::start(&command, 120, 30);
        tmux.wait_for("the article list", |s| s.contains("1/14"));
        tmux.keys(&["Enter"]);
        tmux.wait_for("the reader", |s| s.contains("Dana Whitfield"));
        let styled = screen_with_styles(&tmux);
        assert_eq!(has_colour(&styled), expect_colour, "{env}: {styled:?}");
        // Without colour, state still shows: the focused bar is reversed (SGR 7).
        assert!(styled.contains("\x1b[7m") || styled.contains(";7m") || styled.contains("[7;"));
        tmux.keys(&["C-c"]);
    }
}

#[test]
fn y_copies_the_link_to_the_clipboard_through_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_herald");
    let command = format!(
        "{bin} --store {} --samples; sleep 30",
        dir.path().join("c.db").display()
    );
    let tmux = Tmux::start(&command, 120, 30);
    // tmux takes OSC 52 into its paste buffer when set-clipboard is on.
    assert!(
        tmux.run(&["set-option", "-s", "set-clipboard", "on"])
            .status
            .success()
    );
    tmux.wait_for("the article list", |s| s.contains("1/14"));
    tmux.keys(&["j"]);
    tmux.wait_for("the second row", |s| s.contains("2/14"));
    tmux.keys(&["y"]);
    tmux.wait_for("the message", |s| {
        s.contains("Copied https://circuit.example.com")
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let buffer = tmux.run(&["show-buffer"]);
        let text = String::from_utf8_lossy(&buffer.stdout);
        if text == "https://circuit.example.com/2026/03/11/library-robot" {
            break;
        }
        assert!(Instant::now() < deadline, "clipboard holds {text:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys(&["C-c"]);
}

/// Serves one RSS feed at any path, logging the requests, until the test ends.
fn serve_feed(title: &'static str) -> Server {
    let body = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Quay Post</title>\
         <item><guid>quay-1</guid><title>{title}</title>\
         <pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>\
         <description>The ferry timetable changes on Monday.</description></item>\
         </channel></rss>"
    );
    Script::new()
        .limit(100)
        .otherwise(move |_| Answer::typed("application/rss+xml", body.clone()))
        .start()
}

/// The open reader fetches a feed that is due by itself, in the background: nobody
/// presses `R`, and the article appears in the list.
#[test]
fn the_open_reader_fetches_a_due_feed_by_itself() {
    let server = serve_feed("Quay crane returns to service");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("refresh.db");
    let bin = env!("CARGO_BIN_EXE_herald");
    let url = server.url("/quay.xml");
    // Subscribed without a first fetch: never fetched, so due at once.
    let added = Command::new(bin)
        .args([
            "--store",
            store.to_str().unwrap(),
            "feed",
            "add",
            "--no-check",
            &url,
        ])
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert_eq!(server.count(), 0);
    let command = format!(
        "env HOME={home} {bin} --store {store}; echo HERALD_EXIT=$?; sleep 30",
        home = dir.path().display(),
        store = store.display(),
    );
    let tmux = Tmux::start(&command, 120, 30);
    // A refresh that brings something says so.
    tmux.wait_for("the due feed's article, fetched without a key", |s| {
        s.contains("Quay crane returns to service")
            && s.contains("1 article")
            && s.contains("Fetched: 1 new")
    });
    assert_eq!(server.count(), 1, "asked once");
    tmux.keys(&["q"]);
    tmux.wait_for("herald to quit", |s| s.contains("HERALD_EXIT=0"));
}
