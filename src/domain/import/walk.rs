//! The paths given to `herald import`: folders walked (each file once, however many links
//! reach it), then each file imported in turn.

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;

use super::file::{Problem, import_file};
use crate::domain::store::{BATCH_SIZE, ImportCounts, Store};

/// What importing a set of paths came to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub counts: ImportCounts,
    pub failed: usize,
}

/// Imports every file under `paths` into `store`. Each problem is passed to `report` as it
/// happens; the rest of the work goes on. Only a store failure (disk full, say) stops it.
pub fn import_paths(
    store: &mut Store,
    paths: &[PathBuf],
    added: Timestamp,
    report: &mut dyn FnMut(&Problem),
) -> Result<Summary> {
    let mut summary = Summary::default();
    // Shared by every path given, so `herald import d d/sub` reads each file once.
    let mut walk = Walk::default();
    for path in paths {
        let mut files = Vec::new();
        walk.collect(path, &mut files, &mut |problem| {
            summary.failed += usize::from(!problem.warning);
            report(&problem);
        });
        for file in files {
            let mut failed = 0;
            let mut note = |problem: Problem| {
                failed += usize::from(!problem.warning);
                report(&problem);
            };
            let counts = import_file(store, &file, added, &mut note)?;
            summary.counts.add(counts);
            summary.failed += failed;
        }
    }
    if summary.counts.imported >= BATCH_SIZE
        && let Err(err) = store.maintenance().settle_word_index()
    {
        // The articles are stored; merging is upkeep that later writes also do.
        log::warn!("merging the word index after the import: {err:#}");
    }
    Ok(summary)
}

/// What a folder walk has seen: folders by (device, inode), so a link back to a folder
/// above (or to one walked already) is not followed again, and files by canonical path,
/// so one file reached by several links is imported once.
#[derive(Default)]
struct Walk {
    folders: std::collections::HashSet<(u64, u64)>,
    files: std::collections::HashSet<PathBuf>,
}

impl Walk {
    /// Adds the files under `path` (itself when not a folder) to `out`, sorted, skipping
    /// hidden entries inside folders. A folder that cannot be listed is reported and the
    /// walk goes on; whether each file is a regular file is checked when it is imported.
    fn collect(&mut self, path: &Path, out: &mut Vec<PathBuf>, report: &mut dyn FnMut(Problem)) {
        use std::os::unix::fs::MetadataExt;
        let problem = |detail: String, warning: bool| Problem {
            path: path.to_path_buf(),
            detail,
            warning,
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                report(problem(format!("cannot read: {err}"), false));
                return;
            }
        };
        if !meta.is_dir() {
            let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if self.files.insert(key) {
                out.push(path.to_path_buf());
            }
            return;
        }
        if !self.folders.insert((meta.dev(), meta.ino())) {
            // Reached again through a link: walking it twice would store its files
            // twice, or loop for ever when the link points above itself.
            report(problem(
                "a link to a folder already walked; skipped".into(),
                true,
            ));
            return;
        }
        let listing = match std::fs::read_dir(path) {
            Ok(listing) => listing,
            Err(err) => {
                report(problem(format!("cannot list the folder: {err}"), false));
                return;
            }
        };
        let mut entries: Vec<PathBuf> = Vec::new();
        for entry in listing {
            match entry {
                Ok(entry) => entries.push(entry.path()),
                Err(err) => {
                    report(problem(format!("cannot list the folder: {err}"), false));
                }
            }
        }
        entries.retain(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| !n.starts_with('.'))
        });
        entries.sort();
        for entry in entries {
            self.collect(&entry, out, report);
        }
    }
}
