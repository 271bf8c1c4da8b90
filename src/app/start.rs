//! What the app starts from: the reader's settings from the config file, and the
//! keymap, zone, clock and size the shell decides before the first frame.

use jiff::Timestamp;
use ratatui::layout::Rect;

use super::layout::{self, LayoutChoice};
use crate::app::keymap::Keymap;
use crate::domain::clock::Clock;

/// What the config file sets for the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub layout: LayoutChoice,
    pub reader_width: u16,
    pub date_format: String,
    /// The list's columns.
    pub columns: super::columns::Columns,
    pub mark_read_on_open: bool,
    /// Mark an article read once the reader has shown it this many seconds beside the
    /// list; `None`: only opening it marks it read.
    pub mark_read_after: Option<u32>,
    /// The sources pane: by width, always or never (the key toggles it anyway).
    pub sources: super::sources::SourcesChoice,
    /// Which program opens an enclosure, by its type (the config's `[openers]`).
    pub openers: crate::domain::enclosure::Openers,
    /// Draw an article's pictures in the reader (the config's `images` is not `off`);
    /// off, their markers (`[image N: alt]`) are all that shows.
    pub pictures: bool,
    /// How refreshes run (`R`, the schedule): jobs, timeouts, the refresh, retention.
    pub fetch: crate::domain::fetch::Options,
    /// The config's `after_fetch` command; empty for none.
    pub after_fetch: Vec<String>,
    /// Refreshes keep the new articles' pictures in a cache of this many megabytes
    /// (`image_cache_mb`); `None` when the config's `images` is `off`.
    pub keep_pictures: Option<u64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            layout: LayoutChoice::Auto,
            reader_width: layout::READABLE_WIDTH,
            date_format: "%d %b %y".into(),
            columns: super::columns::Columns::default(),
            mark_read_on_open: true,
            mark_read_after: None,
            sources: super::sources::SourcesChoice::Auto,
            openers: crate::domain::enclosure::Openers::default(),
            pictures: false,
            fetch: crate::domain::fetch::Options::default(),
            after_fetch: Vec::new(),
            keep_pictures: None,
        }
    }
}

/// What the app starts from: decided by the command line, the config file and the
/// environment before the first frame. The store's counts arrive as `Report::Refreshed`.
#[derive(Debug, Clone)]
pub struct Start {
    pub keymap: Keymap,
    pub settings: Settings,
    pub zone: jiff::tz::TimeZone,
    pub clock: Clock,
    pub size: Rect,
}

impl Start {
    /// Default settings, UTC, and a clock stopped at the epoch: what tests start from.
    pub fn new(keymap: Keymap, size: Rect) -> Start {
        Start {
            keymap,
            settings: Settings::default(),
            zone: jiff::tz::TimeZone::UTC,
            clock: Clock::Fixed(Timestamp::UNIX_EPOCH),
            size,
        }
    }
}
