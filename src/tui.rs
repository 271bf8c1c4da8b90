//! The terminal shell around the app: the event loop (`event_loop`), where events come
//! from (`event`: the terminal and signals on one channel), the terminal itself
//! (`terminal`: set up, always restored), the effects the app asks for (`effects`), the
//! threads beside the loop (`background`, `worker`), what a key waits for before it is
//! read (`settle`) and calls out to the system
//! (`system`: browser, clipboard).
//!
//! ui <- app; action <- app + event; app <- app + action (or report).

pub mod background;
pub mod busy;
pub mod effects;
pub mod event;
mod event_loop;
pub mod pictures;
pub mod settle;
pub mod system;
pub mod terminal;
pub mod worker;
pub mod writer;

pub use background::Background;
pub use effects::run_effects;
pub use event_loop::{Batch, Settle, run, take_batch};
pub use system::{open_url, open_url_with, osc52, peak_rss_kib};

use crate::app::keymap::Keymap;

/// What the command line and the config file decide for the reader.
pub struct Options {
    pub keymap: Keymap,
    pub settings: crate::app::Settings,
    pub theme: crate::ui::theme::Theme,
    /// Fetch every feed once the first screen is drawn.
    pub fetch_on_start: bool,
    /// How pictures are drawn (`None`: not at all) and the cache's cap in MiB.
    pub pictures: Option<ratatui_image::picker::ProtocolType>,
    pub image_cache_mb: u64,
    #[cfg(debug_assertions)]
    pub debug_panic: bool,
}
