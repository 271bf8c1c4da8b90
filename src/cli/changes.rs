//! The commands that change articles and views: `herald mark`, `herald delete` and
//! `herald view`, for scripts and people. Each prints what it did, or one JSON object with
//! `--json`. Exit status: 0 done; 1 some ids are not in the store (the others are done);
//! 2 a query that does not parse, or a delete by query without `--yes`.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use serde::Serialize;

use super::output::write_json;
use crate::domain::model::ArticleId;
use crate::domain::search::Order;
use crate::domain::store::Store;
use crate::domain::text::printable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mark {
    Read,
    Unread,
    Star,
    Unstar,
}

/// Which articles: ids, or every article a query finds.
#[derive(Debug, Args)]
pub struct Targets {
    /// Article ids, as `herald list` shows them
    #[arg(
        value_name = "ID",
        required_unless_present = "query",
        conflicts_with = "query"
    )]
    pub ids: Vec<i64>,
    /// Every article this query finds instead, in the search language (`is:unread
    /// source:Wire`, `"a phrase" since:7d`)
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Print one JSON object: the ids changed, left as they were, and not in the store
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ViewCommand {
    /// The saved views in order (the reader's keys 4 to 9 and the sources pane)
    List {
        /// Print one JSON array of objects (name, query)
        #[arg(long)]
        json: bool,
    },
    /// Save a query as a view (a view of the same name is refused unless --replace)
    Add {
        name: String,
        query: String,
        /// Replace a view of the same name, keeping its place
        #[arg(long)]
        replace: bool,
    },
    /// Rename a view
    Rename { name: String, new_name: String },
    /// Move a view to another place (1 is first, on key 4)
    Move {
        name: String,
        #[arg(value_parser = clap::value_parser!(u32).range(1..))]
        position: u32,
    },
    /// Remove a view
    Remove { name: String },
}

/// What a change did, as `--json` prints it.
#[derive(Debug, Default, Serialize)]
struct Changed {
    changed: Vec<i64>,
    unchanged: Vec<i64>,
    missing: Vec<i64>,
}

/// The ids to act on, or the exit status for a query that does not parse.
fn targets(
    store: &Store,
    targets: &Targets,
) -> Result<std::result::Result<Vec<ArticleId>, ExitCode>> {
    let Some(text) = &targets.query else {
        return Ok(Ok(targets.ids.iter().map(|id| ArticleId(*id)).collect()));
    };
    match super::errors::query(text) {
        Ok(query) => Ok(Ok(store.articles().search(&query, Order::Newest)?.ids)),
        Err(code) => Ok(Err(code)),
    }
}

fn finish(done: &Changed, json: bool, verb: &str) -> Result<ExitCode> {
    if json {
        write_json(done)?;
    } else {
        outln!(
            "{verb}: {}, {} already so",
            crate::domain::message::count(done.changed.len(), "article", "articles"),
            done.unchanged.len()
        )?;
    }
    Ok(missing_status(&done.missing))
}

/// Exit status 0, or 1 with the ids given that the store does not hold (the others
/// were done).
fn missing_status(missing: &[i64]) -> ExitCode {
    if missing.is_empty() {
        return ExitCode::SUCCESS;
    }
    let ids: Vec<String> = missing.iter().map(i64::to_string).collect();
    errln!(
        "herald: not in the store: {} (see `herald list`)",
        ids.join(", ")
    );
    ExitCode::from(1)
}

/// herald mark: read, unread, star or unstar, by ids or by a query.
pub fn mark(store: &Store, mark: Mark, given: &Targets) -> Result<ExitCode> {
    let ids = match targets(store, given)? {
        Ok(ids) => ids,
        Err(code) => return Ok(code),
    };
    let mut done = Changed::default();
    let mut to_change = Vec::new();
    for id in ids {
        let Some(summary) = store.articles().summary(id)? else {
            done.missing.push(id.0);
            continue;
        };
        let already = match mark {
            Mark::Read => summary.read,
            Mark::Unread => !summary.read,
            Mark::Star => summary.starred,
            Mark::Unstar => !summary.starred,
        };
        if already {
            done.unchanged.push(id.0);
        } else {
            to_change.push(id);
            done.changed.push(id.0);
        }
    }
    match mark {
        Mark::Read | Mark::Unread => store
            .articles()
            .set_read_many(&to_change, mark == Mark::Read)?,
        Mark::Star | Mark::Unstar => store
            .articles()
            .set_starred_many(&to_change, mark == Mark::Star)?,
    }
    let verb = match mark {
        Mark::Read => "Marked read",
        Mark::Unread => "Marked unread",
        Mark::Star => "Starred",
        Mark::Unstar => "Unstarred",
    };
    finish(&done, given.json, verb)
}

/// herald delete: by ids, or by a query with --yes.
pub fn delete(store: &Store, given: &Targets, yes: bool) -> Result<ExitCode> {
    let ids = match targets(store, given)? {
        Ok(ids) => ids,
        Err(code) => return Ok(code),
    };
    if given.query.is_some() && !yes {
        // Starred ones go too (a delete rule and retention keep them): said first.
        let mut starred = 0;
        for id in &ids {
            starred += usize::from(store.articles().summary(*id)?.is_some_and(|s| s.starred));
        }
        let starred = match starred {
            0 => String::new(),
            n => format!(", {n} of them starred"),
        };
        errln!(
            "herald: the query finds {}{starred}; nothing was deleted. Add --yes to delete them for good",
            crate::domain::message::count(ids.len(), "article", "articles")
        );
        return Ok(ExitCode::from(2));
    }
    let gone = store.articles().delete_many(&ids)?;
    let freed = super::pictures::free_gone(store);
    let done = Changed {
        changed: gone.deleted.iter().map(|id| id.0).collect(),
        unchanged: Vec::new(),
        missing: gone.missing.iter().map(|id| id.0).collect(),
    };
    if given.json {
        write_json(&done)?;
    } else {
        let n = done.changed.len();
        outln!(
            "Deleted {} for good (a refetch does not bring {} back)",
            crate::domain::message::count(n, "article", "articles"),
            if n == 1 { "it" } else { "them" }
        )?;
        if let Some(freed) = freed {
            outln!("{freed}")?;
        }
    }
    Ok(missing_status(&done.missing))
}

/// herald view (list, add, rename, remove): exit status 1 for a view that is not there, 2
/// for a query that does not parse.
pub fn view(store: &Store, action: &ViewCommand) -> Result<ExitCode> {
    match action {
        ViewCommand::List { json } => {
            let views = store.views().list()?;
            if *json {
                let rows: Vec<_> = views
                    .iter()
                    .map(|v| serde_json::json!({"name": v.name, "query": v.query}))
                    .collect();
                write_json(&rows)?;
            } else {
                for (i, v) in views.iter().enumerate() {
                    outln!(
                        "{:>3}  {}  {}",
                        i + 4,
                        printable(&v.name),
                        printable(&v.query)
                    )?;
                }
            }
        }
        ViewCommand::Add {
            name,
            query,
            replace,
        } => {
            if let Err(err) = crate::domain::search::parse(query, Timestamp::now(), false) {
                errln!("herald: {}", printable(&format!("bad query: {err}")));
                return Ok(ExitCode::from(2));
            }
            anyhow::ensure!(
                !name.trim().is_empty() && !name.chars().any(crate::domain::text::is_unsafe),
                "a view's name must have some text and no control characters"
            );
            let taken = store
                .views()
                .list()?
                .into_iter()
                .any(|v| v.name == name.trim());
            if taken && !replace {
                errln!(
                    "herald: {}",
                    printable(&format!(
                        "there is already a view named {}; add --replace to replace it",
                        name.trim()
                    ))
                );
                return Ok(ExitCode::FAILURE);
            }
            store.views().save_view(name.trim(), query)?;
            outln!(
                "{} the view {}",
                if taken { "Replaced" } else { "Saved" },
                printable(name.trim())
            )?;
        }
        ViewCommand::Rename { name, new_name } => {
            anyhow::ensure!(
                !new_name.trim().is_empty()
                    && !new_name.chars().any(crate::domain::text::is_unsafe),
                "a view's name must have some text and no control characters"
            );
            if !store.views().rename_view(name, new_name.trim())? {
                errln!(
                    "herald: no view named {} (see `herald view list`)",
                    printable(name)
                );
                return Ok(ExitCode::from(1));
            }
            outln!(
                "Renamed {} to {}",
                printable(name),
                printable(new_name.trim())
            )?;
        }
        ViewCommand::Move { name, position } => {
            if !store.views().move_view(name, *position as usize)? {
                errln!(
                    "herald: no view named {} (see `herald view list`)",
                    printable(name)
                );
                return Ok(ExitCode::from(1));
            }
            for (i, v) in store.views().list()?.iter().enumerate() {
                outln!(
                    "{:>3}  {}  {}",
                    i + 4,
                    printable(&v.name),
                    printable(&v.query)
                )?;
            }
        }
        ViewCommand::Remove { name } => {
            if !store.views().remove_view(name)? {
                errln!(
                    "herald: no view named {} (see `herald view list`)",
                    printable(name)
                );
                return Ok(ExitCode::from(1));
            }
            outln!("Removed the view {}", printable(name))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
