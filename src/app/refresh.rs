//! Refresh by itself: the store says when the next feed is due (`Report::Scheduled`), the
//! app waits for that moment through its deadline, then asks for the due feeds to be
//! fetched in the background. A fetch the person started (`R`) is never doubled, and a
//! refresh that brought nothing leaves the status line alone.

use jiff::{SignedDuration, Timestamp};

use super::{App, Effect};

/// The shortest time between two refreshes the app starts by itself. Should a feed's
/// schedule fail to move on (a store that cannot record a fetch), this keeps the app from
/// asking its server again and again.
pub const MIN_GAP: SignedDuration = SignedDuration::from_secs(60);

impl App {
    /// When the next feed is due, as the store last said; `None`: no feed is.
    pub(super) fn scheduled(&mut self, at: Option<Timestamp>) {
        self.next_fetch = match (at, self.last_refresh) {
            (Some(at), Some(last)) => Some(at.max(last + MIN_GAP)),
            (at, _) => at,
        };
    }

    /// Starts the background fetch of the due feeds once their time has come.
    pub(super) fn fetch_tick(&mut self, effects: &mut Vec<Effect>) {
        let Some(at) = self.next_fetch else {
            return;
        };
        if self.fetching || self.clock.now() < at {
            return;
        }
        // Asked once: the next time comes with the fetch's end.
        self.next_fetch = None;
        self.last_refresh = Some(self.clock.now());
        self.fetching = true;
        self.refreshing = true;
        effects.push(Effect::FetchDue);
    }

    /// When the app next needs to hear the time (`Report::Tick`), if ever: an article to
    /// mark read, or feeds coming due.
    pub fn deadline(&self) -> Option<Timestamp> {
        let read = self.read_deadline.map(|d| d.at);
        let fetch = self.next_fetch.filter(|_| !self.fetching);
        match (read, fetch) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a fetch's end is worth a message: always for one the person asked for; for
    /// a refresh only when it brought something or something failed.
    pub(super) fn worth_saying(&self, new: usize, updated: usize, failed: usize) -> bool {
        !self.refreshing || new + updated + failed > 0
    }
}
