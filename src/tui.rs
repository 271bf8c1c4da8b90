//! The interactive reader's event loop: events become actions through the keymap,
//! `App::update` applies them, effects run against the store, and a frame is drawn once
//! per batch of events that changed something.
//!
//! ui <- app; action <- app + event; app <- app + action.

use std::process::{Command, Stdio};

use anyhow::{Context as _, Result};
use ratatui::crossterm::event::{
    Event as TermEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use std::sync::mpsc::Sender;

use crate::action::Action;
use crate::app::{App, Effect};
use crate::event::{self, Event};
use crate::keymap::Keymap;
use crate::model::ArticleId;
use crate::store::Store;
use crate::terminal::TerminalGuard;
use crate::ui;
use crate::worker::{self, SearchRequest};

/// The meta key holding the id of the article open when herald last closed.
const LAST_OPEN: &str = "last_open";

/// What the command line and the config file decide for the reader.
pub struct Options {
    pub keymap: Keymap,
    pub settings: crate::app::Settings,
    pub theme: crate::ui::theme::Theme,
    #[cfg(debug_assertions)]
    pub debug_panic: bool,
}

pub fn run(store: Store, options: Options) -> Result<()> {
    let mut guard = TerminalGuard::new()?;
    let size = guard.terminal.size().context("reading the terminal size")?;
    let mut app = App::new(
        options.keymap,
        store.count()?,
        store.count_unread()?,
        Rect::new(0, 0, size.width, size.height),
    );
    app.settings = options.settings;
    app.theme = options.theme;
    app.now = jiff::Timestamp::now();
    app.zone = crate::display::local_zone();
    restore_selection(&store, &mut app);
    let (sender, events) = event::spawn();
    // The worker threads start after the first frame: their own connections would
    // otherwise open the store at the same moment as the first screen's queries.
    let mut background: Option<Background> = None;
    // Undocumented, for benchmarks: report the first frame to this file and quit.
    let mut first_frame_report = std::env::var_os("HERALD_FIRST_FRAME_REPORT");
    let resized = app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });
    // The first screen's rows load here, once: queued beside the views, they were asked
    // for twice, as nothing had filled the list yet when the views came.
    run_effects(&store, &mut app, resized, None);
    let mut pending = app.update(Action::ViewsLoaded(store.views()?));
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
            .draw(|frame| ui::render(&app, frame))
            .context("drawing the screen")?;
        if background.is_none() {
            background = store.path().map(|path| Background {
                search: worker::spawn(path.to_path_buf(), sender.clone()),
                store_path: path.to_path_buf(),
                events: sender.clone(),
            });
        }
        if let Some(path) = first_frame_report.take() {
            // For the start-up benchmark: how long the first full frame took, and memory.
            let elapsed = crate::clock::STARTED
                .get()
                .map_or(0.0, |t| t.elapsed().as_secs_f64() * 1e3);
            let report = format!(
                "first_frame_ms={elapsed:.2}\npeak_rss_kib={}\nrows={}\n",
                peak_rss_kib().unwrap_or(0),
                app.list.total
            );
            std::fs::write(&path, report).context("writing the first-frame report")?;
            break;
        }
        #[cfg(debug_assertions)]
        #[allow(clippy::panic)]
        if options.debug_panic {
            // Asked for by a test: the terminal must come back through the panic hook.
            panic!("--debug-panic: a deliberate crash after the first frame");
        }
        // Wait for one event, then take every event already queued before drawing again.
        let Ok(first) = events.recv() else {
            break;
        };
        let mut batch = vec![first];
        batch.extend(events.try_iter());
        let mut changed = false;
        for ev in batch {
            let action = match ev {
                Event::Terminal(term) => action_for(&mut app, term),
                Event::Terminate => Some(Action::ForceQuit),
                Event::SearchDone { generation, result } => {
                    Some(Action::SearchDone { generation, result })
                }
                Event::Action(action) => Some(action),
                Event::InputFailed(reason) => {
                    let effects = app.update(Action::ForceQuit);
                    run_effects(&store, &mut app, effects, None);
                    anyhow::bail!("reading the terminal failed: {reason}");
                }
            };
            if let Some(action) = action {
                pending.extend(app.update(action));
                changed = true;
            }
        }
        if !changed {
            // Nothing asked for a change: skip the redraw, wait again.
            while let Ok(ev) = events.recv() {
                if let Some(action) = match ev {
                    Event::Terminal(term) => action_for(&mut app, term),
                    Event::Terminate | Event::InputFailed(_) => Some(Action::ForceQuit),
                    Event::SearchDone { generation, result } => {
                        Some(Action::SearchDone { generation, result })
                    }
                    Event::Action(action) => Some(action),
                } {
                    pending.extend(app.update(action));
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Turns a terminal event into an action. Only key presses count: some terminals also
/// send releases and repeats.
fn action_for(app: &mut App, event: TermEvent) -> Option<Action> {
    match event {
        TermEvent::Key(key) if key.kind == KeyEventKind::Press => app.handle_key(&key),
        TermEvent::Resize(width, height) => Some(Action::Resize { width, height }),
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

/// The threads that work beside the event loop, each with its own store connection.
pub struct Background {
    pub search: Sender<SearchRequest>,
    pub store_path: std::path::PathBuf,
    pub events: Sender<Event>,
}

impl Background {
    /// Fetches every feed on a thread of its own; progress and the result arrive as
    /// actions, so keys keep working the whole time.
    pub fn fetch_feeds(&self) {
        let path = self.store_path.clone();
        let events = self.events.clone();
        std::thread::spawn(move || {
            let done = match Store::open(&path) {
                Ok(store) => fetch_feeds_with(&store, &mut |done, total| {
                    let _ = events.send(Event::Action(Action::FetchProgress { done, total }));
                }),
                Err(err) => Action::FetchDone {
                    new: 0,
                    updated: 0,
                    failures: vec![crate::message::error_chain(&err)],
                },
            };
            let _ = events.send(Event::Action(done));
        });
    }
}

/// Fetches every feed of `store`, reporting progress; the summary as an action.
fn fetch_feeds_with(store: &Store, progress: &mut dyn FnMut(usize, usize)) -> Action {
    let feeds = match store.feeds() {
        Ok(feeds) => feeds,
        Err(err) => {
            return Action::FetchDone {
                new: 0,
                updated: 0,
                failures: vec![crate::message::error_chain(&err)],
            };
        }
    };
    if feeds.is_empty() {
        return Action::NothingToFetch;
    }
    let reports = crate::fetch::fetch_all(
        store,
        feeds,
        crate::fetch::Options::default(),
        jiff::Timestamp::now(),
        &mut |done, total, _| progress(done, total),
    );
    let (mut new, mut updated, mut failures) = (0, 0, Vec::new());
    for report in &reports {
        match &report.outcome {
            crate::fetch::Outcome::Stored(c) => {
                new += c.new;
                updated += c.updated;
            }
            crate::fetch::Outcome::NotModified => {}
            crate::fetch::Outcome::Failed(reason) => {
                log::warn!("fetching {}: {reason}", report.feed.url);
                failures.push(format!("{}: {reason}", report.label()));
            }
        }
    }
    Action::FetchDone {
        new,
        updated,
        failures,
    }
}

/// Runs effects until none are left; results and failures come back as actions.
/// Searches and fetches go to the background threads when there are some, else run here
/// (tests, in-memory stores).
pub fn run_effects(
    store: &Store,
    app: &mut App,
    mut effects: Vec<Effect>,
    background: Option<&Background>,
) {
    while !effects.is_empty() {
        let mut next = Vec::new();
        for effect in effects {
            if let Some(background) = background {
                match &effect {
                    Effect::Search {
                        generation,
                        query,
                        order,
                    } => {
                        let request = SearchRequest {
                            generation: *generation,
                            query: query.clone(),
                            order: *order,
                        };
                        if background.search.send(request).is_ok() {
                            continue;
                        }
                    }
                    Effect::FetchFeeds => {
                        background.fetch_feeds();
                        continue;
                    }
                    _ => {}
                }
            }
            let result = run_effect(store, effect);
            match result {
                Ok(Some(action)) => next.extend(app.update(action)),
                Ok(None) => {}
                Err(err) => {
                    log::error!("{}", crate::message::error_chain(&err));
                    let mut message = format!("Error: {}", crate::message::error_chain(&err));
                    if let Some(hint) = crate::store::hint(&err) {
                        message = format!("{message}. {hint}");
                    }
                    next.extend(app.update(Action::Notify(message)));
                }
            }
        }
        effects = next;
    }
}

fn run_effect(store: &Store, effect: Effect) -> Result<Option<Action>> {
    Ok(match effect {
        Effect::LoadRows { start, len, ids } => Some(Action::RowsLoaded {
            start,
            rows: match ids {
                Some(ids) => store.summaries_by_ids(&ids)?,
                None => store.summaries(Some(len), start)?,
            },
        }),
        Effect::Search {
            generation,
            query,
            order,
        } => Some(Action::SearchDone {
            generation,
            result: store
                .search(&query, order)
                .map_err(|e| crate::message::error_chain(&e)),
        }),
        Effect::SetReadMany(ids, read) => {
            store.set_read_many(&ids, read)?;
            None
        }
        Effect::MarkAllRead(ids) => Some(Action::MarkedRead(store.mark_all_read(ids.as_deref())?)),
        Effect::FindNextUnread(after) => match store.next_unread(after)? {
            Some((id, row)) => Some(Action::GoToArticle { id, row }),
            None => Some(Action::Notify("No unread articles".into())),
        },
        Effect::FetchFeeds => Some(fetch_feeds_with(store, &mut |_, _| {})),
        Effect::Refresh { keep } => Some(Action::Refreshed {
            total: store.count()?,
            unread: store.count_unread()?,
            selected_row: match keep {
                Some(id) => store.rank_of(id)?,
                None => None,
            },
        }),
        Effect::CopyToClipboard(text) => {
            copy_to_clipboard(&text)?;
            None
        }
        Effect::SaveView(view) => {
            store.save_view(&view.name, &view.query)?;
            None
        }
        Effect::LoadArticle(id) => match store.article(id)? {
            Some(article) => Some(Action::ArticleLoaded(Box::new(article))),
            None => Some(Action::Notify(format!(
                "Article {id} is no longer in the store"
            ))),
        },
        Effect::SetRead(id, read) => {
            store.set_read(id, read)?;
            None
        }
        Effect::SetStarred(id, starred) => {
            store.set_starred(id, starred)?;
            None
        }
        Effect::SavePosition(id, position) => {
            store.save_position(id, position)?;
            None
        }
        Effect::RememberOpen(id) => {
            store.set_meta(LAST_OPEN, &id.to_string())?;
            None
        }
        Effect::OpenUrl(url) => {
            open_url(&url)?;
            None
        }
    })
}

/// Puts the selection back on the article that was open when herald last closed.
fn restore_selection(store: &Store, app: &mut App) {
    let last = store
        .meta(LAST_OPEN)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<i64>().ok())
        .map(ArticleId);
    if let Some(rank) = last.and_then(|id| store.rank_of(id).ok().flatten()) {
        app.list.selected = rank;
    }
}

/// Opens `url` in `$BROWSER`, else the desktop's opener. The URL is one argument to the
/// program, never text for a shell.
pub fn open_url(url: &str) -> Result<()> {
    open_url_with(std::env::var("BROWSER").ok().as_deref(), url)
}

/// `open_url` with the `$BROWSER` value given: the program and its own arguments come
/// from the user; the URL is only ever one more argument.
pub fn open_url_with(browser: Option<&str>, url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        anyhow::bail!("only http and https links are opened");
    }
    let (program, mut args): (String, Vec<String>) = match browser {
        Some(browser) if !browser.trim().is_empty() => {
            let mut parts = browser.split_whitespace().map(str::to_owned);
            let program = parts.next().unwrap_or_default();
            (program, parts.collect())
        }
        _ if cfg!(target_os = "macos") => ("open".into(), Vec::new()),
        _ => ("xdg-open".into(), Vec::new()),
    };
    if let Some(slot) = args.iter_mut().find(|a| a.contains("%s")) {
        *slot = slot.replace("%s", url);
    } else {
        args.push(url.to_owned());
    }
    let mut child = Command::new(&program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {program}"))?;
    // Reap the browser launcher when it exits, so it leaves no zombie behind.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard. It travels
/// with the terminal's own output, so it works over ssh, and through tmux with
/// `set-clipboard on`.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

fn copy_to_clipboard(text: &str) -> Result<()> {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    // The app copies only plain web addresses; checked again here, where the text goes
    // to the terminal inside an escape sequence.
    if crate::display::plain_web_address(text).is_none() {
        anyhow::bail!("only a plain http or https address is copied");
    }
    // Only a terminal understands the sequence; anywhere else it would be junk output.
    if out.is_terminal() {
        out.write_all(osc52(text).as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// The process's peak resident memory (VmHWM), in KiB, where /proc tells it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_key_presses_count() {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
        let mut app = App::new(
            Keymap::default_keymap().unwrap(),
            3,
            3,
            Rect::new(0, 0, 80, 24),
        );
        let key = |kind| {
            TermEvent::Key(KeyEvent::new_with_kind(
                KeyCode::Char('j'),
                KeyModifiers::NONE,
                kind,
            ))
        };
        assert_eq!(action_for(&mut app, key(KeyEventKind::Release)), None);
        assert_eq!(action_for(&mut app, key(KeyEventKind::Repeat)), None);
        assert_eq!(
            action_for(&mut app, key(KeyEventKind::Press)),
            Some(Action::SelectNext)
        );
    }

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(
            osc52("https://example.org/a?b=1"),
            "\x1b]52;c;aHR0cHM6Ly9leGFtcGxlLm9yZy9hP2I9MQ==\x07"
        );
    }
}
