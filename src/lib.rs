//! herald: a terminal news reader. The library holds everything; `main.rs` only calls in.
//!
//! The map (ARCHITECTURE.md tells it at length):
//! - `domain`: articles, the store, search, importers, fetching: plain Rust, no terminal.
//! - `app`: the reader's state, the intents that change it (`Action`, through the keymap)
//!   and the results that come back (`Report`); no drawing, no I/O.
//! - `ui`: draws a frame from the app; changes nothing.
//! - `tui`: the terminal shell: the event loop, the terminal, the threads, the effects.
//! - `cli`: the command line, the config file, and the commands that print.

#![forbid(unsafe_code)]
// No panics outside tests: errors become messages (see CONTRIBUTING.md).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod app;
pub mod cli;
pub mod domain;
pub mod tui;
pub mod ui;

// The loopback HTTP server of the tests and benchmarks; in the tests only.
#[cfg(test)]
pub(crate) mod test_server;
