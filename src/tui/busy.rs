//! Work handed to the reader's threads and not yet answered. Each hand-over counts one;
//! the thread gives it back once its answer is on the loop's channel (or it dropped the
//! work for a newer request). A test waits until none is out and the channel is empty:
//! then every answer has been taken in, with no sleep and no guess.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Default)]
pub struct Busy(Arc<AtomicUsize>);

impl Busy {
    /// Counts `n` pieces of work handed over.
    pub fn take(&self, n: usize) {
        self.0.fetch_add(n, Ordering::SeqCst);
    }

    /// Gives back `n` pieces of work answered (or dropped).
    pub fn done(&self, n: usize) {
        self.0.fetch_sub(n, Ordering::SeqCst);
    }

    /// Work handed over and not answered yet.
    pub fn out(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// One piece of work, given back when dropped (a panicking thread included).
    pub fn one(&self) -> Ticket {
        self.take(1);
        Ticket(self.clone())
    }
}

/// One piece of work out; dropping it gives it back.
pub struct Ticket(Busy);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.done(1);
    }
}
