//! The interactive reader's event loop: events become actions through the keymap (or
//! reports), the app takes them in, effects run against the store, and a frame is drawn
//! once per batch of events that changed something.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError};

use anyhow::{Context as _, Result};
use ratatui::crossterm::event::{
    Event as TermEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use super::Options;
use super::background::Background;
use super::effects::run_effects;
use super::event::{self, Event};
use super::terminal::TerminalGuard;
use super::writer::LAST_OPEN;
use crate::app::action::Action;
use crate::app::{App, Effect, Report, Start};
use crate::domain::clock::Clock;
use crate::domain::model::ArticleId;
use crate::domain::store::Store;
use crate::ui;

pub fn run(store: Store, options: Options) -> Result<()> {
    let mut guard = TerminalGuard::new()?;
    let size = guard.terminal.size().context("reading the terminal size")?;
    let mut app = App::new(Start {
        keymap: options.keymap,
        settings: options.settings,
        zone: crate::domain::text::local_zone(),
        clock: Clock::System,
        size: Rect::new(0, 0, size.width, size.height),
    });
    let (sender, events) = event::spawn();
    // The worker threads start after the first frame: their own connections would
    // otherwise open the store at the same moment as the first screen's queries.
    let mut background: Option<Background> = None;
    // Undocumented, for benchmarks: report the first frame to this file and quit.
    let mut first_frame_report = std::env::var_os("HERALD_FIRST_FRAME_REPORT");
    // The store's counts, with the article open when herald last closed selected again.
    // The first screen's rows load here, once: queued beside the views, they were asked
    // for twice, as nothing had filled the list yet when the views came.
    let opened = app.apply(super::effects::refreshed(&store, last_open_row(&store))?);
    run_effects(&store, &mut app, opened, None);
    let mut pending = app.apply(Report::ViewsLoaded(store.views().list()?));
    // When the next feed is due: the app wakes then and fetches what is due.
    pending.extend(app.apply(Report::Scheduled(super::background::next_due(
        &store,
        app.settings.fetch.refresh,
    ))));
    loop {
        run_effects(
            &store,
            &mut app,
            std::mem::take(&mut pending),
            background.as_ref(),
        );
        if app.quit {
            break;
        }
        guard
            .terminal
            .draw(|frame| ui::render(&app, &options.theme, frame))
            .context("drawing the screen")?;
        if let Some(path) = first_frame_report.take() {
            report_first_frame(&path, &app)?;
            break;
        }
        if background.is_none() {
            background = store.path().map(|path| {
                let mut started = Background::start(path, sender.clone(), &app.settings, true);
                started.pictures = options.pictures.map(|protocol| {
                    super::pictures::spawn(
                        path.to_path_buf(),
                        options.image_cache_mb,
                        protocol,
                        app.settings.fetch,
                        sender.clone(),
                    )
                });
                started
            });
            // The views' counts, which wait for the counter thread (see effects.rs): run
            // at the top of the loop, with the threads now started, not left for the
            // next key.
            pending.push(Effect::LoadSources);
            if options.fetch_on_start {
                pending.extend(app.update(Action::FetchFeeds));
            }
            continue;
        }
        #[cfg(debug_assertions)]
        #[allow(clippy::panic)]
        if options.debug_panic {
            // Asked for by a test: the terminal must come back through the panic hook.
            panic!("--debug-panic: a deliberate crash after the first frame");
        }
        let mut settle = |app: &mut App, effects, held: &mut VecDeque<Event>| {
            super::settle::before_key(&store, app, effects, background.as_ref(), &events, held)
        };
        match wait_for_change(&mut app, &events, &mut settle) {
            Waited::Changed(effects) => pending.extend(effects),
            Waited::Closed => break,
            Waited::Failed { effects, reason } => {
                // Save what quitting saves (the reading position), then say why.
                run_effects(&store, &mut app, effects, None);
                if let Some(background) = background.take() {
                    background.finish();
                }
                anyhow::bail!("reading the terminal failed: {reason}");
            }
        }
    }
    // What the writer was given (the last reading position, a mark made just before
    // quitting) is saved before herald ends.
    if let Some(background) = background {
        background.finish();
    }
    Ok(())
}

/// How waiting for events ended.
#[derive(Debug)]
enum Waited {
    /// Something changed: redraw after running these effects.
    Changed(Vec<Effect>),
    /// Nobody can send events any more.
    Closed,
    /// The terminal cannot be read: quit with an error, after these effects.
    Failed {
        effects: Vec<Effect>,
        reason: String,
    },
}

/// Waits for events until a batch changes something: one event, then every event already
/// queued, so a burst of keys or a resize storm costs one frame. When the app has a
/// deadline (`App::deadline`), waiting ends then with `Report::Tick`.
///
/// A key (or a click) is read against the state the input before it left: `settle` runs
/// the batch's effects so far first (Enter's article load, then `e` in the reader it
/// opened) and takes in the answers the key depends on (`settle.rs`). Only a repeat (a
/// held `j`, the wheel) skips running previews, so they still cost one read.
fn wait_for_change(app: &mut App, events: &Receiver<Event>, settle: &mut Settle<'_>) -> Waited {
    loop {
        let first = match app.deadline() {
            Some(at) => {
                let left = app.clock.now().duration_until(at);
                let wait = std::time::Duration::try_from(left).unwrap_or_default();
                match events.recv_timeout(wait) {
                    Ok(event) => event,
                    Err(RecvTimeoutError::Timeout) => Event::Report(Report::Tick),
                    Err(RecvTimeoutError::Disconnected) => return Waited::Closed,
                }
            }
            None => match events.recv() {
                Ok(event) => event,
                Err(_) => return Waited::Closed,
            },
        };
        let batch = take_batch(app, std::iter::once(first).chain(events.try_iter()), settle);
        if let Some(reason) = batch.failed {
            return Waited::Failed {
                effects: batch.effects,
                reason,
            };
        }
        if batch.changed {
            return Waited::Changed(batch.effects);
        }
    }
}

/// What a batch of events did to the app.
#[derive(Debug, Default)]
pub struct Batch {
    /// The effects asked for and not yet run (those before a key were run by `settle`).
    pub effects: Vec<Effect>,
    /// Whether any event changed something: the screen is drawn again.
    pub changed: bool,
    /// Why the terminal cannot be read; the app is quitting.
    pub failed: Option<String>,
}

/// Runs effects before a key and takes in the answers it depends on; events that
/// arrived meanwhile go in the queue, to be taken in before any later one. True when it
/// changed something (ran effects, took in an answer): the screen is drawn again even if
/// the key itself changes nothing.
pub type Settle<'a> = dyn FnMut(&mut App, Vec<Effect>, &mut VecDeque<Event>) -> bool + 'a;

/// Takes in events that arrived together, in order: the loop's batch, and the test
/// harness's keys, which go the same way. Before each key or click, `settle` runs the
/// effects asked for so far (see [`must_settle`]) and takes in the answers still to come
/// that the key would act on.
pub fn take_batch(
    app: &mut App,
    events: impl IntoIterator<Item = Event>,
    settle: &mut Settle<'_>,
) -> Batch {
    let mut batch = Batch::default();
    let mut last_input = None;
    let mut events = events.into_iter();
    let mut held = VecDeque::new();
    while let Some(event) = held.pop_front().or_else(|| events.next()) {
        if let Some(input) = Input::of(&event) {
            let typing = app.typing_search();
            let effects = match must_settle(&batch.effects, last_input == Some(input), typing) {
                true => std::mem::take(&mut batch.effects),
                false => Vec::new(),
            };
            batch.changed |= settle(app, effects, &mut held);
            last_input = Some(input);
        }
        match take_in(app, event) {
            Ok(Some(more)) => {
                batch.effects.extend(more);
                batch.changed = true;
            }
            Ok(None) => {}
            Err(reason) => {
                batch.effects.extend(app.update(Action::ForceQuit));
                batch.failed = Some(reason);
                return batch;
            }
        }
    }
    batch
}

/// What a person did, as far as telling a repeat from a new input goes: a held key, or
/// the wheel turned on, repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Key(
        ratatui::crossterm::event::KeyCode,
        ratatui::crossterm::event::KeyModifiers,
    ),
    Mouse(MouseEventKind),
}

impl Input {
    fn of(event: &Event) -> Option<Input> {
        match event {
            Event::Terminal(TermEvent::Key(key)) if key.kind == KeyEventKind::Press => {
                Some(Input::Key(key.code, key.modifiers))
            }
            // Only what `action_for` acts on: a mouse moved over the screen (any-motion
            // tracking is on) asks for nothing, and must not wait for anything either.
            Event::Terminal(TermEvent::Mouse(mouse))
                if matches!(
                    mouse.kind,
                    MouseEventKind::ScrollUp
                        | MouseEventKind::ScrollDown
                        | MouseEventKind::Down(MouseButton::Left)
                ) =>
            {
                Some(Input::Mouse(mouse.kind))
            }
            _ => None,
        }
    }
}

/// Whether the effects asked for so far must run before the next key is read. Searches
/// not while `typing` into the search prompt: the prompt's text is already the app's,
/// and a paste searches once; a key read outside it acts on the results (`/ferry`, Enter,
/// Enter opens a ferry). Previews only before a different key: `j` then Tab must open
/// the row `j` reached.
fn must_settle(effects: &[Effect], repeated_key: bool, typing: bool) -> bool {
    effects.iter().any(|effect| match effect {
        Effect::Search { .. } => !typing,
        Effect::PreviewArticle(_) => !repeated_key,
        _ => true,
    })
}

/// The one mapping from an event to the app: the effects it asks for, `None` when it
/// changes nothing, or why the loop must stop.
fn take_in(app: &mut App, event: Event) -> Result<Option<Vec<Effect>>, String> {
    Ok(match event {
        Event::Terminal(TermEvent::Resize(width, height)) => {
            Some(app.apply(Report::Resized { width, height }))
        }
        Event::Terminal(term) => action_for(app, term).map(|action| app.update(action)),
        Event::Terminate => Some(app.update(Action::ForceQuit)),
        Event::Report(report) => Some(app.apply(report)),
        Event::InputFailed(reason) => return Err(reason),
    })
}

/// Turns a terminal event into an action. Only key presses count: some terminals also
/// send releases and repeats.
fn action_for(app: &mut App, event: TermEvent) -> Option<Action> {
    match event {
        TermEvent::Key(key) if key.kind == KeyEventKind::Press => app.handle_key(&key),
        TermEvent::Mouse(MouseEvent {
            kind, column, row, ..
        }) => match kind {
            MouseEventKind::ScrollDown => Some(Action::Wheel {
                column,
                row,
                lines: 3,
            }),
            MouseEventKind::ScrollUp => Some(Action::Wheel {
                column,
                row,
                lines: -3,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column,
                row,
                at: std::time::Instant::now(),
            }),
            _ => None,
        },
        _ => None,
    }
}

/// Where the article open when herald last closed now sits in the list, if it still is.
fn last_open_row(store: &Store) -> Option<usize> {
    let last = store
        .views()
        .meta(LAST_OPEN)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<i64>().ok())
        .map(ArticleId)?;
    store.articles().rank_of(last).ok().flatten()
}

/// For the start-up benchmark: how long the first full frame took, and memory.
fn report_first_frame(path: &std::ffi::OsStr, app: &App) -> Result<()> {
    let elapsed = crate::domain::clock::STARTED
        .get()
        .map_or(0.0, |t| t.elapsed().as_secs_f64() * 1e3);
    let report = format!(
        "first_frame_ms={elapsed:.2}\ncpu_ms={:.2}\npeak_rss_kib={}\nrows={}\n",
        super::system::cpu_ms().unwrap_or(0.0),
        super::peak_rss_kib().unwrap_or(0),
        app.list.total
    );
    std::fs::write(path, report).context("writing the first-frame report")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::Keymap;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn app() -> App {
        let start = Start::new(Keymap::default_keymap().unwrap(), Rect::new(0, 0, 80, 24));
        let mut app = App::new(start);
        app.apply(Report::Refreshed {
            total: 3,
            unread: 3,
            selected_row: None,
            newest: None,
        });
        app
    }

    fn key(code: KeyCode, kind: KeyEventKind) -> TermEvent {
        TermEvent::Key(KeyEvent::new_with_kind(code, KeyModifiers::NONE, kind))
    }

    #[test]
    fn only_key_presses_count() {
        let mut app = app();
        let j = |kind| key(KeyCode::Char('j'), kind);
        assert_eq!(action_for(&mut app, j(KeyEventKind::Release)), None);
        assert_eq!(action_for(&mut app, j(KeyEventKind::Repeat)), None);
        assert_eq!(
            action_for(&mut app, j(KeyEventKind::Press)),
            Some(Action::SelectNext)
        );
    }

    /// The loop once had two copies of this mapping, and the one used after a batch that
    /// changed nothing quit silently (exit 0) when the terminal could not be read.
    #[test]
    fn unreadable_terminal_is_an_error_even_after_an_idle_batch() {
        let mut app = app();
        let (sender, events) = std::sync::mpsc::channel();
        // An unbound key changes nothing: the loop keeps waiting.
        sender
            .send(Event::Terminal(key(KeyCode::F(9), KeyEventKind::Press)))
            .unwrap();
        let late = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            sender
                .send(Event::InputFailed("input/output error".into()))
                .unwrap();
        });
        let waited = wait_for_change(&mut app, &events, &mut |_, _, _| false);
        late.join().unwrap();
        match waited {
            Waited::Failed { reason, .. } => assert!(reason.contains("input/output")),
            other => panic!("expected a failure, got {other:?}"),
        }
        assert!(app.quit);
    }

    /// A store with one article carrying an enclosure, and an app on its list as the
    /// first frame leaves it (its preview shown).
    fn store_and_app() -> (Store, App) {
        store_and_app_of(1)
    }

    /// As [`store_and_app`], with `n` articles, the first with the enclosure.
    fn store_and_app_of(n: usize) -> (Store, App) {
        let store = Store::open_in_memory().unwrap();
        let mut articles = vec![crate::domain::model::NewArticle {
            source: "Cast".into(),
            title: "Episode".into(),
            paragraphs: vec!["Notes.".into()],
            enclosures: vec![crate::domain::enclosure::Enclosure {
                url: "https://cast.example/e.mp3".into(),
                mime: Some("audio/mpeg".into()),
                ..Default::default()
            }],
            ..Default::default()
        }];
        for i in 1..n {
            articles.push(crate::domain::model::NewArticle {
                source: "Cast".into(),
                title: format!("Notes {i}"),
                paragraphs: vec![format!("Paragraph {i}.")],
                ..Default::default()
            });
        }
        store
            .articles()
            .import(&articles, jiff::Timestamp::UNIX_EPOCH)
            .unwrap();
        let start = Start::new(Keymap::default_keymap().unwrap(), Rect::new(0, 0, 120, 30));
        let mut app = App::new(start);
        let effects = app.apply(Report::Refreshed {
            total: n,
            unread: n,
            selected_row: None,
            newest: None,
        });
        run_effects(&store, &mut app, effects, None);
        let effects = app.apply(Report::ViewsLoaded(store.views().list().unwrap()));
        run_effects(&store, &mut app, effects, None);
        (store, app)
    }

    /// Enter then `e` read in one go (CI typed them faster than a frame): `e` is a reader
    /// key, and was read while the list still had the focus, as Enter's article load had
    /// not run yet; the prompt never came.
    #[test]
    fn a_key_is_read_after_the_effects_of_the_keys_before_it() {
        let (store, mut app) = store_and_app();
        let (sender, events) = std::sync::mpsc::channel();
        for code in [KeyCode::Enter, KeyCode::Char('e')] {
            sender
                .send(Event::Terminal(key(code, KeyEventKind::Press)))
                .unwrap();
        }
        let mut settle = |app: &mut App, effects: Vec<Effect>, _: &mut VecDeque<Event>| {
            let ran = !effects.is_empty();
            run_effects(&store, app, effects, None);
            ran
        };
        match wait_for_change(&mut app, &events, &mut settle) {
            Waited::Changed(effects) => run_effects(&store, &mut app, effects, None),
            other => panic!("expected a change, got {other:?}"),
        }
        assert_eq!(app.focus, crate::app::Focus::Reader);
        assert_eq!(
            app.prompt.as_ref().map(|p| p.kind),
            Some(crate::app::PromptKind::OpenEnclosure)
        );
    }

    /// A held `j` (twenty presses in one read) settles nothing between its presses, so
    /// only the row it stops on is read from the store.
    #[test]
    fn a_held_key_reads_only_the_row_it_stops_on() {
        let (store, mut app) = store_and_app_of(60);
        let mut previews_settled = 0;
        let mut settle = |_: &mut App, effects: Vec<Effect>, _: &mut VecDeque<Event>| {
            previews_settled += effects
                .iter()
                .filter(|e| matches!(e, Effect::PreviewArticle(_)))
                .count();
            false
        };
        let presses =
            (0..20).map(|_| Event::Terminal(key(KeyCode::Char('j'), KeyEventKind::Press)));
        let batch = take_batch(&mut app, presses, &mut settle);
        assert_eq!(previews_settled, 0);
        run_effects(&store, &mut app, batch.effects, None);
        assert_eq!(app.list.selected, 20);
        let shown = app.reader.as_ref().map(|r| r.article.summary.id);
        assert_eq!(shown, app.list.selected_row().map(|row| row.id));
    }

    /// An answer taken in before a key (search results that came while it waited) is
    /// drawn even when the key itself changes nothing (an unbound key, the first `g` of
    /// `g g`); a mouse merely moved over the screen is no input and waits for nothing.
    #[test]
    fn what_settling_took_in_is_drawn_and_a_moved_mouse_settles_nothing() {
        let mut app = app();
        let mut settled = 0;
        let mut settle = |_: &mut App, _: Vec<Effect>, _: &mut VecDeque<Event>| {
            settled += 1;
            true
        };
        let unbound = [Event::Terminal(key(KeyCode::F(9), KeyEventKind::Press))];
        assert!(take_batch(&mut app, unbound, &mut settle).changed);
        let moved = Event::Terminal(TermEvent::Mouse(MouseEvent {
            kind: MouseEventKind::Moved,
            column: 3,
            row: 3,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }));
        let batch = take_batch(&mut app, [moved], &mut settle);
        assert!(!batch.changed);
        assert_eq!(settled, 1, "only the key settled");
    }

    /// A held key still costs one preview: the rows it passes are not read.
    #[test]
    fn a_repeated_key_does_not_settle_but_a_different_one_does() {
        let preview = [Effect::PreviewArticle(ArticleId(1))];
        assert!(!must_settle(&preview, true, false));
        assert!(must_settle(&preview, false, false));
        let search = Effect::Search {
            generation: 1,
            query: crate::domain::search::parse("z", jiff::Timestamp::UNIX_EPOCH, false).unwrap(),
            order: crate::domain::search::Order::Newest,
        };
        // Typed into the search prompt, a key waits for no search; outside it, it does.
        assert!(!must_settle(std::slice::from_ref(&search), false, true));
        assert!(must_settle(std::slice::from_ref(&search), true, false));
        assert!(must_settle(
            &[Effect::LoadArticle(ArticleId(1))],
            true,
            false
        ));
    }

    #[test]
    fn a_resize_is_a_change_and_a_closed_channel_ends_the_wait() {
        let mut app = app();
        let (sender, events) = std::sync::mpsc::channel();
        sender
            .send(Event::Terminal(TermEvent::Resize(120, 40)))
            .unwrap();
        assert!(matches!(
            wait_for_change(&mut app, &events, &mut |_, _, _| false),
            Waited::Changed(_)
        ));
        assert_eq!(app.size, Rect::new(0, 0, 120, 40));
        drop(sender);
        assert!(matches!(
            wait_for_change(&mut app, &events, &mut |_, _, _| false),
            Waited::Closed
        ));
    }
}
