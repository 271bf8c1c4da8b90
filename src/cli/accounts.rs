//! `herald account`: the accounts on sync servers (Miniflux, Google Reader API) whose
//! feeds and read state a sync keeps in step with the store.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::output::write_json;
use crate::domain::store::{AccountKind, NewAccount, SecretSource, Store};
use crate::domain::text::printable;

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account on a sync server
    ///
    /// The password (or API token) is never written anywhere by herald: give the name of
    /// an environment variable that holds it (--secret-env), or a command that prints it
    /// on its first line (--secret-command, run without a shell, e.g. `pass show
    /// reader`). Without --user the secret is an API token (Miniflux: Settings > API
    /// Keys). Nothing is asked of the server until a sync.
    #[command(after_help = "Examples:
  herald account add home --kind miniflux --url https://rss.example.org --secret-command pass rss
  herald account add fr --kind greader --url https://fr.example/api/greader.php --user ana \
  --secret-env PW")]
    Add(AddAccount),
    /// List the accounts: server, user, where the secret comes from, feeds, changes
    /// waiting to be pushed, the last sync and its error
    List {
        /// Print one JSON array of objects (name, kind, url, user, secret_env or
        /// secret_command, feeds, waiting, last_sync, last_error; times in RFC 3339)
        #[arg(long)]
        json: bool,
    },
    /// Change an account's address or where its secret comes from
    #[command(
        group(clap::ArgGroup::new("change").required(true).multiple(true)
            .args(["url", "secret_env", "secret_command"])),
        after_help = "Examples:
  herald account set home --secret-env MINIFLUX_TOKEN
  herald account set fr --url https://fr.example/api/greader.php"
    )]
    Set(SetAccount),
    /// Remove an account: its feeds stay, as local ones, and the changes still waiting to
    /// be pushed to it are dropped (the server keeps what it has)
    Remove {
        /// The account's name
        name: String,
    },
}

/// `herald account add`'s arguments.
#[derive(Debug, Args)]
pub struct AddAccount {
    /// The account's name (letters, digits, `-`, `_`, `.`)
    pub name: String,
    /// The server's protocol
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// The server's address (Miniflux: its root, for either kind; Google Reader API
    /// elsewhere: the API's address, e.g. https://host/api/greader.php for FreshRSS)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The user name (without it, the secret is an API token)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// The environment variable that holds the password or token
    #[arg(
        long,
        value_name = "VAR",
        required_unless_present = "secret_command",
        conflicts_with = "secret_command"
    )]
    pub secret_env: Option<String>,
    /// A command that prints the password or token on its first line: the words after
    /// it, up to the next option, are the program and its arguments (for a command with
    /// arguments that begin with `-`, put it in a script and name the script)
    #[arg(long, value_name = "CMD", num_args = 1..)]
    pub secret_command: Option<Vec<String>>,
}

/// `herald account set`'s arguments.
#[derive(Debug, Args)]
pub struct SetAccount {
    /// The account's name
    pub name: String,
    /// The server's address (as for `account add`)
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The environment variable that holds the password or token
    #[arg(long, value_name = "VAR", conflicts_with = "secret_command")]
    pub secret_env: Option<String>,
    /// A command that prints the password or token on its first line (as for `account
    /// add`)
    #[arg(long, value_name = "CMD", num_args = 1..)]
    pub secret_command: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Miniflux's own API
    Miniflux,
    /// The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, ...); needs
    /// --user
    Greader,
}

#[derive(Serialize)]
struct Listed {
    name: String,
    kind: &'static str,
    url: String,
    user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_env: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_command: Option<Vec<String>>,
    feeds: usize,
    waiting: usize,
    /// RFC 3339, as the other commands' times.
    last_sync: Option<String>,
    last_error: Option<String>,
}

pub fn account_command(store: &Store, action: &AccountCommand) -> Result<ExitCode> {
    match action {
        AccountCommand::Add(add) => {
            let secret = match (&add.secret_env, &add.secret_command) {
                (Some(var), _) => SecretSource::Env(var.clone()),
                (None, Some(args)) => SecretSource::Command(args.clone()),
                (None, None) => anyhow::bail!("give --secret-env VAR or --secret-command CMD..."),
            };
            let account = store.accounts().add_account(&NewAccount {
                name: add.name.clone(),
                kind: match add.kind {
                    Kind::Miniflux => AccountKind::Miniflux,
                    Kind::Greader => AccountKind::GReader,
                },
                url: add.url.clone(),
                user: add.user.clone(),
                secret,
            })?;
            outln!(
                "added account {} ({} at {})",
                account.name,
                account.kind.as_str(),
                printable(&account.url),
            )?;
        }
        AccountCommand::Set(set) => {
            let secret = match (&set.secret_env, &set.secret_command) {
                (Some(var), _) => Some(SecretSource::Env(var.clone())),
                (None, Some(args)) => Some(SecretSource::Command(args.clone())),
                (None, None) => None,
            };
            let account = store
                .accounts()
                .set_account(&set.name, set.url.as_deref(), secret)?;
            let from = match &account.secret {
                SecretSource::Env(var) => format!("${var}"),
                SecretSource::Command(args) => format!("`{}`", args.join(" ")),
            };
            outln!(
                "account {}: {} at {}, secret from {}",
                account.name,
                account.kind.as_str(),
                printable(&account.url),
                printable(&from),
            )?;
        }
        AccountCommand::List { json } => list(store, *json)?,
        AccountCommand::Remove { name } => {
            let removed = store.accounts().remove_account(name)?;
            outln!(
                "removed account {}: {} feeds kept as local ones, {} waiting changes dropped",
                printable(name),
                removed.feeds,
                removed.dropped
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list(store: &Store, json: bool) -> Result<()> {
    let mut rows = Vec::new();
    for account in store.accounts().list()? {
        let (feeds, waiting) = store.accounts().account_counts(account.id)?;
        let (secret_env, secret_command) = match account.secret {
            SecretSource::Env(var) => (Some(var), None),
            SecretSource::Command(args) => (None, Some(args)),
        };
        rows.push(Listed {
            name: account.name,
            kind: account.kind.as_str(),
            url: account.url,
            user: account.user,
            secret_env,
            secret_command,
            feeds,
            waiting,
            last_sync: super::schedule::rfc3339(account.last_sync),
            last_error: account.last_error,
        });
    }
    if json {
        return write_json(&rows);
    }
    if rows.is_empty() {
        outln!("no accounts; `herald account add --help` says how to add one")?;
    }
    for row in rows {
        let secret = match (&row.secret_env, &row.secret_command) {
            (Some(var), _) => format!("secret from ${var}"),
            (None, Some(args)) => format!("secret from `{}`", args.join(" ")),
            (None, None) => "no secret".into(),
        };
        let synced = match &row.last_sync {
            Some(at) => format!("synced {at}"),
            None => "never synced".into(),
        };
        outln!(
            "{}",
            printable(&format!(
                "{}  {} {}{}  {}  {} feeds, {} waiting, {}{}",
                row.name,
                row.kind,
                row.url,
                row.user
                    .as_deref()
                    .map(|u| format!(" as {u}"))
                    .unwrap_or_default(),
                secret,
                row.feeds,
                row.waiting,
                synced,
                row.last_error
                    .as_deref()
                    .map(|e| format!("; last error: {e}"))
                    .unwrap_or_default()
            ))
        )?;
    }
    Ok(())
}
