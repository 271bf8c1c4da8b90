//! The article commands: import, list, show, search and export.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use jiff::Timestamp;

use super::feeds::from_newsboat_cache;
use super::output::{
    ExportRecord, JsonSummary, print_article, print_list, print_rows, terminal_width, write_json,
};
use crate::domain::import;
use crate::domain::model::ArticleId;
use crate::domain::store::Store;
use crate::domain::text::{self, printable};

/// `herald import`: a newsboat cache first when one is named, then the paths. The exit
/// status is a failure when either had one.
pub(super) fn import(
    store: &mut Store,
    paths: &[PathBuf],
    from_newsboat: Option<&Path>,
) -> Result<ExitCode> {
    let mut code = ExitCode::SUCCESS;
    if let Some(cache) = from_newsboat {
        code = from_newsboat_cache(store, cache)?;
    }
    if !paths.is_empty() {
        let files = import_paths(store, paths)?;
        if code == ExitCode::SUCCESS {
            code = files;
        }
    }
    Ok(code)
}

/// Imports the files and folders, one line on stderr for each problem and a summary on
/// stdout.
fn import_paths(store: &mut Store, paths: &[PathBuf]) -> Result<ExitCode> {
    let mut report = |problem: &import::Problem| {
        log::warn!("import: {problem}");
        errln!("{}", printable(&problem.to_string()));
    };
    let summary = import::import_paths(store, paths, Timestamp::now(), &mut report)?;
    outln!(
        "imported {}, already present {}, failed {}",
        summary.counts.imported,
        summary.counts.already_present,
        summary.failed
    )?;
    log::info!(
        "import of {} path(s): imported {}, already present {}, failed {}",
        paths.len(),
        summary.counts.imported,
        summary.counts.already_present,
        summary.failed
    );
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `herald list`: the newest articles, as rows or as JSON.
pub(super) fn list(store: &Store, json: bool, limit: Option<usize>) -> Result<()> {
    if json {
        let summaries = store.articles().summaries(limit, 0)?;
        let rows: Vec<_> = summaries.iter().map(JsonSummary::from).collect();
        write_json(&rows)
    } else {
        print_list(store, limit)
    }
}

/// `herald show`: one article, wrapped to `width` (else the terminal's), or as JSON.
pub(super) fn show(store: &Store, id: i64, width: Option<u16>, json: bool) -> Result<()> {
    let Some(article) = store.articles().article(ArticleId(id))? else {
        bail!("there is no article {id} in this store; `herald list` shows the ids");
    };
    if json {
        write_json(&super::pictures::shown(&article, store))
    } else {
        let width = width.map(usize::from).unwrap_or_else(terminal_width);
        print_article(&article, width)
    }
}

/// `herald search`: exit status 2, with the reason, for a query that does not parse.
pub(super) fn search(
    store: &Store,
    query: &[String],
    json: bool,
    limit: Option<usize>,
    newest: bool,
) -> Result<ExitCode> {
    let text = query.join(" ");
    let parsed = match super::errors::query(&text) {
        Ok(parsed) => parsed,
        Err(code) => return Ok(code),
    };
    let order = if newest {
        crate::domain::search::Order::Newest
    } else {
        crate::domain::search::Order::Relevance
    };
    let mut ids = store.articles().search(&parsed, order)?.ids;
    ids.truncate(limit.unwrap_or(usize::MAX));
    let rows = store.articles().summaries_by_ids(&ids)?;
    if json {
        let rows: Vec<_> = rows.iter().map(JsonSummary::from).collect();
        write_json(&rows)?;
    } else {
        print_rows(&rows)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `herald export`: every article as JSON Lines, which `herald import` reads back.
pub(super) fn export_jsonl(store: &Store) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    store.articles().for_each_article(|article| {
        let line = serde_json::to_string(&ExportRecord::from(&article))?;
        out.write_all(text::escape_json_output(line).as_bytes())?;
        out.write_all(b"\n")?;
        Ok(())
    })?;
    out.flush()?;
    Ok(())
}
