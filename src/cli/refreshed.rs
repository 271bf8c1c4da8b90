//! What a refresh did, as `herald fetch` and `herald sync` print it: a line for each
//! account, the full articles, what retention took and what failed as a whole. Both
//! commands run the one refresh (domain/refresh.rs) and show its summary here.

use anyhow::Result;

use crate::domain::fetch::PageOutcome;
use crate::domain::message::count;
use crate::domain::refresh::Summary;
use crate::domain::text::printable;

/// A line for each account synced, and its warnings on stderr; true when one failed.
pub(super) fn print_accounts(summary: &Summary) -> Result<bool> {
    let mut failed = false;
    for account in &summary.accounts {
        match &account.result {
            Ok(done) => {
                let adopted = if done.adopted > 0 {
                    format!(", {} already here matched to the server's", done.adopted)
                } else {
                    String::new()
                };
                let kept = if done.feeds_removed > 0 {
                    format!(
                        ", {} feeds gone from the server kept as archives",
                        done.feeds_removed
                    )
                } else {
                    String::new()
                };
                outln!(
                    "{}: pushed {}, feeds +{}{kept}, entries {} new {} updated{adopted}, {} marks from the server",
                    account.name,
                    done.pushed,
                    done.feeds_added,
                    done.new,
                    done.updated,
                    done.flags
                )?;
                for warning in &done.warnings {
                    errln!(
                        "herald: warning: account {}: {}",
                        account.name,
                        printable(warning)
                    );
                }
            }
            Err(err) => {
                failed = true;
                errln!(
                    "herald: {}",
                    printable(&format!(
                        "{err} ({} changes wait for the next sync)",
                        account.waiting
                    ))
                );
            }
        }
    }
    Ok(failed)
}

/// The full articles fetched: a line for each failure, one for the counts; nothing when
/// none waited.
pub(super) fn print_pages(summary: &Summary) -> Result<()> {
    if summary.pages.is_empty() {
        return Ok(());
    }
    let (mut fetched, mut failed, mut deferred) = (0, 0, 0);
    for report in &summary.pages {
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

/// What retention took, whether the `after_fetch` command started, and the steps that
/// failed as a whole; true when one failed.
pub(super) fn print_rest(summary: &Summary) -> Result<bool> {
    if summary.pruned > 0 {
        outln!(
            "pruned {} past the retention limits (starred ones kept)",
            count(summary.pruned, "article", "articles")
        )?;
    }
    if summary.pictures > 0 {
        outln!(
            "kept {} for offline reading",
            count(summary.pictures, "picture", "pictures")
        )?;
    }
    if summary.after_fetch {
        outln!("started the after_fetch command")?;
    }
    for failure in &summary.failures {
        errln!("herald: {}", printable(failure));
    }
    Ok(!summary.failures.is_empty())
}
