//! Before a key of a batch is read: the effects of the keys before it run, and the
//! answers it depends on are taken in. Keys that arrive together (a fast typist, a paste,
//! tmux) must do what they do typed one by one, and typed one by one a person sees a
//! search's results, a deletion or a mark-all land before the next key. The loop and the
//! key-flow tests settle through this one function.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::background::Background;
use super::effects::run_effects;
use super::event::Event;
use crate::app::{App, Effect};
use crate::domain::store::Store;

/// How often the channel is looked at while work is out: a thread gives its work back
/// after its answer is sent, and giving it back sends nothing to wake a wait.
const LOOK_EVERY: Duration = Duration::from_millis(5);

/// The longest a key waits for those answers. A write waits for the store's write lock,
/// which another process (a cron fetch, an import) may hold for up to the 30 s busy
/// timeout: past this the key is read as things stand, as keys were before they waited
/// at all, rather than the screen freezing. A search is stopped by a newer one, so it
/// answers well within this.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(2);

/// Runs `effects`, then takes in answers from `events` while the next key would act on
/// one still to come (`App::awaits_search`, `Writer::awaited`). Other events that arrive
/// meanwhile (keys, a resize) are kept in `held`, in order, for the batch to go on with.
/// Fetches, full articles and pictures are never waited for: the network holds no key.
pub fn before_key(
    store: &Store,
    app: &mut App,
    effects: Vec<Effect>,
    background: Option<&Background>,
    events: &Receiver<Event>,
    held: &mut VecDeque<Event>,
) -> bool {
    before_key_within(store, app, effects, background, events, held, WAIT_AT_MOST)
}

/// [`before_key`], waiting at most `wait` for the answers. True when it changed
/// something: ran effects or took in an answer.
fn before_key_within(
    store: &Store,
    app: &mut App,
    effects: Vec<Effect>,
    background: Option<&Background>,
    events: &Receiver<Event>,
    held: &mut VecDeque<Event>,
    wait: Duration,
) -> bool {
    let deadline = Instant::now() + wait;
    let mut changed = !effects.is_empty();
    run_effects(store, app, effects, background);
    // Without threads every answer was taken in as its effect ran.
    let Some(background) = background else {
        return changed;
    };
    loop {
        // Looked at before the channel is emptied: an answer is sent before its work is
        // given back, so when nothing was out, every answer is in the channel now.
        let waiting = awaits(app, background);
        let mut answered = false;
        while let Ok(event) = events.try_recv() {
            answered |= take(store, app, background, event, held);
        }
        changed |= answered;
        let late = Instant::now() >= deadline;
        if answered && !late {
            // An answer may ask for more (a deletion reads the list again): look again.
            // Not past the bound: a stream of reports (a long fetch) must not hold the key.
            continue;
        }
        if !waiting || late {
            return changed;
        }
        match events.recv_timeout(LOOK_EVERY) {
            Ok(event) => changed |= take(store, app, background, event, held),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return changed,
        }
    }
}

/// Whether an answer the next key depends on is still to come. A search counts only
/// while work is out: a worker that died answers nothing, and the key is read anyway.
fn awaits(app: &App, background: &Background) -> bool {
    let writing = background.writer.as_ref().is_some_and(|w| w.awaited());
    writing || (app.awaits_search() && background.busy.out() > 0)
}

/// Takes in one event that arrived while waiting: a report now, anything else later.
/// True for a report.
fn take(
    store: &Store,
    app: &mut App,
    background: &Background,
    event: Event,
    held: &mut VecDeque<Event>,
) -> bool {
    match event {
        Event::Report(report) => {
            let effects = app.apply(report);
            run_effects(store, app, effects, Some(background));
            true
        }
        other => {
            held.push_back(other);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::Keymap;
    use crate::app::{Report, Start};
    use crate::domain::model::{ArticleId, NewArticle};
    use ratatui::layout::Rect;

    /// A deletion handed to the writer while another process holds the write lock: the
    /// key after it waits no longer than it is allowed, and is read with the write still
    /// out (without the bound it waited the whole busy timeout, 30 s).
    #[test]
    fn a_key_waits_for_a_locked_out_write_no_longer_than_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        let article = NewArticle {
            source: "Wire".into(),
            title: "One".into(),
            paragraphs: vec!["Text.".into()],
            ..Default::default()
        };
        store
            .articles()
            .import(&[article], jiff::Timestamp::UNIX_EPOCH)
            .unwrap();
        let mut app = App::new(Start::new(
            Keymap::default_keymap().unwrap(),
            Rect::new(0, 0, 80, 24),
        ));
        app.apply(Report::Refreshed {
            total: 1,
            unread: 1,
            selected_row: None,
            newest: None,
        });
        // Another process in the middle of a write.
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let (sender, events) = std::sync::mpsc::channel();
        let background = Background::start(&path, sender, &app.settings, false);
        let mut held = VecDeque::new();
        before_key_within(
            &store,
            &mut app,
            vec![Effect::TakeOut(vec![ArticleId(1)])],
            Some(&background),
            &events,
            &mut held,
            Duration::from_millis(50),
        );
        let writer = background.writer.as_ref().unwrap();
        assert!(
            writer.awaited(),
            "the key was read with the deletion still out"
        );
        other.execute_batch("ROLLBACK").unwrap();
        background.finish();
    }
}
