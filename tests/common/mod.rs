//! A headless herald for tests: an in-memory store with fixture articles, an `App`, keys
//! fed through the real keymap and effects run against the store as the event loop would.

#![allow(dead_code)]

pub mod tmux;

// The one loopback HTTP server of the tests, shared with the library's and the
// benchmarks' (one file, src/test_server.rs).
#[path = "../../src/test_server.rs"]
pub mod server;

use herald::app::action::Action;
use herald::app::keymap::{Key, Keymap};
use herald::app::{App, Effect, Report, Start};
use herald::domain::model::{NewArticle, Published};
use herald::domain::store::Store;
use herald::tui::event::Event;
use herald::tui::{Background, run_effects, take_batch};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use std::collections::VecDeque;
use std::sync::mpsc::Receiver;

/// The reader without a terminal, on the route people run: a store file, the reader's
/// threads (writer, search worker, view counter, fetches) started as the reader starts
/// them, and effects run by the reader's one executor (`run_effects`). After each step the
/// harness takes in every answer the threads send, until no work is out: deterministic,
/// with no sleep.
pub struct Harness {
    pub store: Store,
    pub app: App,
    route: Route,
}

struct Route {
    background: Background,
    events: Receiver<Event>,
    _dir: Option<tempfile::TempDir>,
}

impl Harness {
    pub fn new(articles: &[NewArticle], width: u16, height: u16) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        store
            .articles()
            .import(
                articles,
                jiff::Timestamp::from_second(1_750_000_000).unwrap(),
            )
            .unwrap();
        let app = App::new(Start::new(
            Keymap::default_keymap().unwrap(),
            Rect::new(0, 0, width, height),
        ));
        let mut h = Harness::over(store, app, Some(dir));
        let effects = h
            .app
            .apply(herald::tui::effects::refreshed(&h.store, None).unwrap());
        h.run(effects);
        h
    }

    /// A harness over a store file of the test's own, with its app.
    pub fn over(store: Store, app: App, dir: Option<tempfile::TempDir>) -> Harness {
        let path = store
            .path()
            .expect("a store file: the reader's threads open it")
            .to_owned();
        let (events, received) = std::sync::mpsc::channel();
        // The writer does not watch for other processes' writes here: the tests write
        // to the store themselves, and say when the app should hear of it.
        let background = Background::start(&path, events, &app.settings, false);
        Harness {
            store,
            app,
            route: Route {
                background,
                events: received,
                _dir: dir,
            },
        }
    }

    /// Runs effects as the reader does, then takes in every answer.
    pub fn run(&mut self, effects: Vec<Effect>) {
        run_effects(
            &self.store,
            &mut self.app,
            effects,
            Some(&self.route.background),
        );
        self.settle();
    }

    /// Takes in the threads' answers until no work is out and none waits. A thread sends
    /// its answer before it gives its work back, so "none out, channel empty" is the end;
    /// while work is out the channel is looked at every few milliseconds (the work given
    /// back sends nothing to wake a wait). Fails after two minutes with work still out.
    pub fn settle(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let event = match self.route.events.try_recv() {
                Ok(event) => event,
                Err(_) if self.route.background.busy.out() == 0 => {
                    // One sent just before the count fell is in the channel now.
                    match self.route.events.try_recv() {
                        Ok(event) => event,
                        Err(_) => return,
                    }
                }
                Err(_) => {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "the reader's threads still have {} pieces of work out after two minutes",
                        self.route.background.busy.out()
                    );
                    match self
                        .route
                        .events
                        .recv_timeout(std::time::Duration::from_millis(5))
                    {
                        Ok(event) => event,
                        Err(_) => continue,
                    }
                }
            };
            if let Event::Report(report) = event {
                if std::env::var_os("HARNESS_DEBUG").is_some() {
                    eprintln!(
                        "report {}",
                        format!("{report:?}").chars().take(80).collect::<String>()
                    );
                }
                let effects = self.app.apply(report);
                run_effects(
                    &self.store,
                    &mut self.app,
                    effects,
                    Some(&self.route.background),
                );
            }
        }
    }

    /// Takes in a report, as if the store, a worker or the terminal had sent it.
    pub fn report(&mut self, report: Report) {
        let effects = self.app.apply(report);
        self.run(effects);
    }

    /// Applies an action and runs its effects against the store, except those that
    /// reach outside the test (a browser, the clipboard).
    pub fn act(&mut self, action: Action) {
        let effects = inside(self.app.update(action));
        self.run(effects);
    }

    /// Types text into the prompt, one key per character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.take_keys(vec![KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)]);
        }
    }

    /// Presses keys given as keymap names separated by spaces: `j j enter ctrl-d J`, one
    /// at a time: each key's work, the threads' included, is done before the next.
    pub fn keys(&mut self, sequence: &str) {
        for token in sequence.split_whitespace() {
            self.take_keys(vec![key_event(token)]);
        }
    }

    /// Presses keys that arrive together, in one read, as a fast typist's or a paste's
    /// do: one batch of the reader's loop (`take_batch`), the threads' answers after.
    pub fn keys_at_once(&mut self, sequence: &str) {
        self.take_keys(sequence.split_whitespace().map(key_event).collect());
    }

    /// Keys through the loop's own batch, with its settling between them (the loop's
    /// `settle::before_key`, which takes in the answers a key depends on).
    fn take_keys(&mut self, keys: Vec<KeyEvent>) {
        let events = keys
            .into_iter()
            .map(|key| Event::Terminal(ratatui::crossterm::event::Event::Key(key)));
        let (store, background, answers) =
            (&self.store, &self.route.background, &self.route.events);
        let mut settle = |app: &mut App, effects: Vec<Effect>, held: &mut VecDeque<Event>| {
            herald::tui::settle::before_key(
                store,
                app,
                inside(effects),
                Some(background),
                answers,
                held,
            )
        };
        let batch = take_batch(&mut self.app, events, &mut settle);
        assert_eq!(batch.failed, None);
        self.run(inside(batch.effects));
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.report(Report::Resized { width, height });
    }

    pub fn terminal(&self) -> Terminal<TestBackend> {
        let mut terminal =
            Terminal::new(TestBackend::new(self.app.size.width, self.app.size.height)).unwrap();
        terminal
            .draw(|frame| herald::ui::render(&self.app, &herald::ui::theme::DEFAULT, frame))
            .unwrap();
        terminal
    }

    /// The screen as text, one line per row, trailing spaces kept.
    pub fn screen(&self) -> String {
        let terminal = self.terminal();
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut skip = 0;
            for x in 0..buffer.area.width {
                // A wide character fills two cells; the second holds nothing to print.
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                out.push_str(symbol);
            }
            out.push('\n');
        }
        out
    }
}

/// The effects a test runs: all but those that reach outside it (a browser, the
/// clipboard).
fn inside(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .filter(|e| !matches!(e, Effect::OpenUrl(_) | Effect::CopyToClipboard(_)))
        .collect()
}

pub fn key_event(token: &str) -> KeyEvent {
    let key = Key::parse(token).unwrap_or_else(|e| panic!("bad key {token}: {e}"));
    let mut modifiers = KeyModifiers::NONE;
    if key.ctrl {
        modifiers |= KeyModifiers::CONTROL;
    }
    if key.alt {
        modifiers |= KeyModifiers::ALT;
    }
    if let KeyCode::Char(c) = key.code
        && c.is_uppercase()
    {
        modifiers |= KeyModifiers::SHIFT;
    }
    KeyEvent::new(key.code, modifiers)
}

fn date(text: &str) -> Option<Published> {
    Some(Published::parse_rfc3339(text).unwrap())
}

fn article(
    guid: &str,
    source: &str,
    title: &str,
    published: &str,
    paragraphs: &[&str],
) -> NewArticle {
    NewArticle {
        guid: Some(guid.into()),
        source: source.into(),
        title: title.into(),
        authors: vec!["Test Writer".into()],
        published: date(published),
        url: Some(format!("https://example.org/{guid}")),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
        ..Default::default()
    }
}

/// Six articles, newest first: wire news, a long read, a CJK piece, an emoji brief.
pub fn fixtures() -> Vec<NewArticle> {
    let long: Vec<String> = (1..=60)
        .map(|i| {
            format!(
                "Section {i}. The survey boat left the harbour before dawn and measured \
                 the depth of the channel every hundred metres, logging each reading by hand."
            )
        })
        .collect();
    let mut long_read = article(
        "fx-long",
        "Survey Weekly",
        "Mapping the channel: a season on the survey boat",
        "2025-05-10T08:00:00+02:00",
        &[],
    );
    long_read.paragraphs = long;
    vec![
        article(
            "fx-tram",
            "City Wire",
            "Tram line reaches the hospital after three years of works",
            "2025-06-01T09:00:00+02:00",
            &[
                "CITY (Wire) — The new tram stop opened on Sunday morning.",
                "Trams will run every six minutes at peak times.",
            ],
        ),
        article(
            "fx-cjk",
            "みなと新報",
            "東京の地下鉄、終電を30分延長へ",
            "2025-05-20T08:15:00+09:00",
            &[
                "東京の地下鉄は来年春から金曜日と土曜日の終電を約30分遅らせると発表した。",
                "서울 지하철도 비슷한 계획을 검토하고 있다.",
            ],
        ),
        long_read,
        article(
            "fx-emoji",
            "Morning Circuit",
            "Robot librarian 📚 passes its first week 🎉",
            "2025-04-02T10:00:00Z",
            &["The robot reshelved 1,200 books and dropped four 🤖."],
        ),
        article(
            "fx-ferry",
            "Harbour Daily",
            "Night ferry to the islands starts in spring",
            "2025-03-14T07:45:00-00:00",
            &["The ferry will leave the port at 11 p.m. every night."],
        ),
        NewArticle {
            guid: Some("fx-undated".into()),
            source: "Field Notes".into(),
            title: "Notes from a beach clean".into(),
            paragraphs: vec!["We collected 41 bags from one kilometre of shore.".into()],
            ..Default::default()
        },
    ]
}

/// Runs the real binary on the store at `store`, as a script would.
pub fn herald_at(store: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("HERALD_STORE")
        .env_remove("HERALD_CONFIG")
        .output()
        .unwrap()
}

/// Whether the tests run as root, who reads and writes past file permissions.
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A feed fixture's text: `tests/fixtures/feeds/NAME`.
pub fn feed_fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name),
    )
    .unwrap()
}

/// Serves `routes` (path, content type, body) on 127.0.0.1 until the test ends, at most
/// 200 requests; anything else is a 404. A TLS hello (no line end) is answered after
/// half a second.
pub fn serve_routes(routes: Vec<(&'static str, &'static str, String)>) -> server::Server {
    routes
        .into_iter()
        .fold(
            server::Script::new()
                .limit(200)
                .read_timeout(std::time::Duration::from_millis(500)),
            |script, (path, kind, body)| script.at(path, server::Answer::typed(kind, body)),
        )
        .otherwise(|_| server::Answer::new(404).body("no"))
        .start()
}
