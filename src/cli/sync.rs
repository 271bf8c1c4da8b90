//! `herald sync [NAME]`: each account in turn, or the one named, through the one
//! refresh (domain/refresh.rs) with no feed to fetch; one line per account saying what
//! moved, or why it failed. Exit status 0 when all were pushed and pulled.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::domain::refresh::{Accounts, Feeds, Plan, refresh};
use crate::domain::store::Store;

pub fn sync(
    store: &Store,
    name: Option<&str>,
    timeout: u64,
    config: &super::config::Config,
) -> Result<ExitCode> {
    let accounts = match name {
        Some(name) => {
            if store.accounts().account(name)?.is_none() {
                bail!("no account {name}; `herald account list` shows them");
            }
            Accounts::Named(name.to_owned())
        }
        None => Accounts::All,
    };
    if store.accounts().list()?.is_empty() {
        bail!("no accounts to sync; `herald account add --help` says how to add one");
    }
    let plan = Plan {
        feeds: Feeds::None,
        accounts,
        options: crate::domain::fetch::Options {
            timeout: Duration::from_secs(timeout),
            refresh: config.refresh.0,
            retention: config.retention.limits(),
            ..Default::default()
        },
        after_fetch: config.after_fetch.clone(),
        pictures: config.keep_pictures(),
    };
    let summary = refresh(store, &plan, &mut |_| {});
    let failed = super::refreshed::print_accounts(&summary)?;
    super::refreshed::print_pages(&summary)?;
    let rest_failed = super::refreshed::print_rest(&summary)?;
    Ok(if failed || rest_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
