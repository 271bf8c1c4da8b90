//! herald: a terminal news reader. The library holds everything; `main.rs` only calls in.

#![forbid(unsafe_code)]
// No panics outside tests: errors become messages (see STYLE.md).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod action;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod display;
pub mod event;
pub mod fetch;
pub mod import;
pub mod keymap;
pub mod logging;
pub mod message;
pub mod model;
pub mod opml;
pub mod panics;
pub mod paths;
pub mod samples;
pub mod search;
pub mod store;
pub mod terminal;
pub mod tui;
pub mod ui;
pub mod worker;
