//! `herald fetch`'s second half: the full articles of the new items of feeds with
//! `full_text` on, fetched and stored, with a line for each failure and one for the
//! counts.

use std::io::Write;

use anyhow::Result;
use jiff::Timestamp;

use crate::domain::fetch::{Options, PageOutcome, fetch_waiting};
use crate::domain::message::count;
use crate::domain::store::Store;
use crate::domain::text::printable;

/// Fetches the pages waiting for their full article; says nothing when none waits.
pub(super) fn fetch_waiting_pages(
    store: &Store,
    options: Options,
    now: Timestamp,
    show_progress: bool,
) -> Result<()> {
    let reports = fetch_waiting(store, options, now, &mut |done, total, _| {
        if show_progress {
            let _ = write!(std::io::stderr().lock(), "\r{done}/{total} full articles");
        }
    })?;
    if reports.is_empty() {
        return Ok(());
    }
    if show_progress {
        errln!();
    }
    let (mut fetched, mut failed, mut deferred) = (0, 0, 0);
    for report in &reports {
        let title = printable(&report.page.title).into_owned();
        match &report.outcome {
            PageOutcome::Stored(_) => fetched += 1,
            PageOutcome::Failed(reason) => {
                failed += 1;
                errln!(
                    "{title}: full article failed, the feed's text is kept: {}",
                    printable(reason)
                );
            }
            PageOutcome::Deferred(_) => deferred += 1,
        }
    }
    let later = if deferred > 0 {
        format!(
            ", {} left for a later fetch (a server's Retry-After, or the {} s for pages ran out)",
            count(deferred, "page", "pages"),
            crate::domain::fetch::MAX_RUN.as_secs()
        )
    } else {
        String::new()
    };
    outln!("full articles: {fetched} fetched, {failed} failed{later}")?;
    Ok(())
}
