//! Getting articles in: walks files and folders, tells each file's format from its content,
//! runs the matching parser and stores the result in batches.
//!
//! `walk` takes the paths given, `file` one file through format detection (`detect`) to its
//! parser, `jsonl` streams JSON Lines; the parsers are `text`, `json`, `feed`, `html` and
//! `newsboat`, with `decode` and `date` under them and `tidy` and `limits` shared by all.

pub mod date;
pub mod decode;
mod detect;
pub mod enclosures;
pub mod feed;
mod file;
pub mod html;
pub mod json;
mod jsonl;
mod lead_image;
mod limits;
pub mod newsboat;
pub mod text;
mod tidy;
mod walk;

pub use detect::{Format, detect};
pub use file::{MAX_FILE_BYTES, Problem, import_file};
pub use jsonl::{LineRead, MAX_RECORD_BYTES, read_line_limited};
pub use limits::{
    MAX_BODY_CHARS, MAX_FIELD_CHARS, MAX_LINK_CHARS, MAX_LINKS, MAX_PARAGRAPH_CHARS,
    MAX_PARAGRAPHS, MAX_TEXT_BYTES, cap,
};
pub use tidy::{clean, name_case, paragraphs_from_body};
pub use walk::{Summary, import_paths};
