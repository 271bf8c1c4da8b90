//! The domain: what herald knows and does without a screen. Articles (`model`) and the
//! files they carry (`enclosure`), the SQLite
//! store (`store`), the query language and its matching (`search`), the importers
//! (`import`, `opml`), fetching feeds (`fetch`), the article in a fetched page
//! (`extract`), two-way sync with reader servers (`sync`), and the text rules every layer shares
//! (`text`: display width, wrapping, printable; `message`: how counts and errors read).
//! Nothing here names `app`, `ui`, `tui`, `cli`, ratatui or crossterm (tests/shape.rs).

pub mod clock;
pub mod discover;
pub mod enclosure;
pub mod extract;
pub mod fetch;
pub mod images;
pub mod import;
pub mod message;
pub mod model;
pub mod opml;
pub mod panics;
pub mod refresh;
pub mod samples;
pub mod search;
pub mod store;
pub mod sync;
pub mod text;
