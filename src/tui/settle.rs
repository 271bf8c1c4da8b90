//! Before a key of a batch is read: the effects of the keys before it run, and the
//! answers it depends on are taken in. Keys that arrive together (a fast typist, a paste,
//! tmux) must do what they do typed one by one, and typed one by one a person sees a
//! search's results, a deletion or a mark-all land before the next key. The loop and the
//! key-flow tests settle through this one function.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::background::Background;
use super::effects::run_effects;
use super::event::Event;
use crate::app::{App, Effect};
use crate::domain::store::Store;

/// How often the channel is looked at while work is out: a thread gives its work back
/// after its answer is sent, and giving it back sends nothing to wake a wait.
const LOOK_EVERY: Duration = Duration::from_millis(5);

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
) {
    run_effects(store, app, effects, background);
    // Without threads every answer was taken in as its effect ran.
    let Some(background) = background else {
        return;
    };
    loop {
        // Looked at before the channel is emptied: an answer is sent before its work is
        // given back, so when nothing was out, every answer is in the channel now.
        let waiting = awaits(app, background);
        let mut answered = false;
        while let Ok(event) = events.try_recv() {
            answered |= take(store, app, background, event, held);
        }
        if answered {
            // An answer may ask for more (a deletion reads the list again): look again.
            continue;
        }
        if !waiting {
            return;
        }
        match events.recv_timeout(LOOK_EVERY) {
            Ok(event) => {
                take(store, app, background, event, held);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
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
