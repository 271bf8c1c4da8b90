//! Two-way sync with self-hosted readers (issue #17). Local-first: every change a person
//! makes is applied to the store and recorded in its outbox in the same transaction
//! (store/outbox.rs); a sync pushes the outbox, then pulls what changed on the server.
//! `secret` gets an account's password or token when a sync needs it, never storing it;
//! `server` is what a sync asks of a server, `miniflux` (+ `miniflux_server`) and
//! `greader` the two protocols that answer it, `entry` an entry as an article, and
//! `engine` one sync: push, pull feeds, pull entries, reconcile.

pub mod engine;
pub mod entry;
#[cfg(test)]
mod fake;
pub mod greader;
mod greader_items;
mod greader_login;
pub mod miniflux;
pub mod miniflux_server;
mod outcome;
mod pull;
pub mod secret;
pub mod server;
#[cfg(test)]
mod tests;

pub use engine::sync;
pub use outcome::Synced;
