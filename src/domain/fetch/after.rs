//! The config's `after_fetch` command, run when a fetch brought new articles, so that
//! `notify-send` (or anything else) can say what arrived. It is run directly, never
//! through a shell: `{new}`, `{updated}` and `{failed}` in its arguments become the
//! counts, and the environment carries them too (`HERALD_NEW`, `HERALD_UPDATED`,
//! `HERALD_FAILED`) with the new articles' titles (`HERALD_TITLES`, one a line, at most
//! [`MAX_TITLES`], control characters shown as `�`). Article text is never an argument:
//! a title is data, whatever it holds.

use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use crate::domain::model::ArticleId;
use crate::domain::store::Store;

/// The most titles handed to the command.
pub const MAX_TITLES: usize = 20;

/// What a fetch brought, for the command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brought {
    pub new: usize,
    pub updated: usize,
    pub failed: usize,
    /// The first new articles' titles, printable.
    pub titles: Vec<String>,
}

/// The newest id before a fetch: the articles after it are the fetch's new ones.
pub fn newest_id(store: &Store) -> Result<i64> {
    store.articles().newest_id()
}

/// The titles of the articles stored after `before` (see [`newest_id`]), at most
/// [`MAX_TITLES`], made printable.
pub fn new_titles(store: &Store, before: i64) -> Result<Vec<String>> {
    Ok(store
        .articles()
        .titles_after(ArticleId(before), MAX_TITLES)?
        .into_iter()
        .map(|t| crate::domain::text::printable(&t).into_owned())
        .collect())
}

/// Starts `command` for what a fetch `brought` (nothing when it brought no new article),
/// without waiting for it: a thread reaps it. Errors are the command's own (not found,
/// not executable), for the caller to report.
pub fn run(command: &[String], brought: &Brought) -> Result<bool> {
    let Some((program, args)) = command.split_first() else {
        return Ok(false);
    };
    if brought.new == 0 {
        return Ok(false);
    }
    let fill = |arg: &String| {
        arg.replace("{new}", &brought.new.to_string())
            .replace("{updated}", &brought.updated.to_string())
            .replace("{failed}", &brought.failed.to_string())
    };
    let mut child = Command::new(program)
        .args(args.iter().map(fill))
        .env("HERALD_NEW", brought.new.to_string())
        .env("HERALD_UPDATED", brought.updated.to_string())
        .env("HERALD_FAILED", brought.failed.to_string())
        .env("HERALD_TITLES", brought.titles.join("\n"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("running the after_fetch command `{program}`"))?;
    std::thread::spawn(move || child.wait());
    Ok(true)
}
