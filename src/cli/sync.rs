//! `herald sync [NAME]`: each account in turn, or the one named; one line per account
//! saying what moved, or why it failed. Exit status 0 when all were pushed and pulled.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::domain::store::Store;
use crate::domain::sync;
use crate::domain::text::printable;

pub fn sync(store: &Store, name: Option<&str>, timeout: u64) -> Result<ExitCode> {
    let accounts = match name {
        Some(name) => match store.account(name)? {
            Some(account) => vec![account],
            None => bail!("no account {name}; `herald account list` shows them"),
        },
        None => store.accounts()?,
    };
    if accounts.is_empty() {
        bail!("no accounts to sync; `herald account add --help` says how to add one");
    }
    let mut failed = false;
    for account in accounts {
        let result = sync::secret::secret(&account)
            .and_then(|secret| sync::sync(store, &account, secret, Duration::from_secs(timeout)));
        match result {
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
                // Recorded whatever failed (the secret too), for the reader's status and
                // its schedule.
                let at = jiff::Timestamp::now().as_second();
                store.record_sync(account.id, at, Some(&format!("{err:#}")))?;
                let (_, waiting) = store.account_counts(account.id)?;
                errln!(
                    "herald: {}",
                    printable(&format!(
                        "{err:#} ({waiting} changes wait for the next sync)"
                    ))
                );
            }
        }
    }
    // The full articles of new entries of feeds with full text on (`herald feed set FEED
    // --full-text on`), fetched as after `herald fetch`.
    let options = crate::domain::fetch::Options::default();
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    super::fulltext::fetch_waiting_pages(store, options, jiff::Timestamp::now(), progress)?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
