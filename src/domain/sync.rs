//! Two-way sync with self-hosted readers (issue #17). Local-first: every change a person
//! makes is applied to the store and recorded in its outbox in the same transaction
//! (store/outbox.rs); a sync pushes the outbox, then pulls what changed on the server.
//! `secret` gets an account's password or token when a sync needs it, never storing it;
//! `miniflux` is the server's REST API, `entry` an entry as an article, and `engine` one
//! sync: push, pull feeds, pull entries, reconcile.

pub mod engine;
pub mod entry;
pub mod miniflux;
pub mod secret;

pub use engine::{Synced, sync};
