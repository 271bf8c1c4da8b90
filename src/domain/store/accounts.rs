//! Accounts on sync servers (Miniflux, Google Reader API): where the server is, who to be
//! there, and how to get the password or token when it is needed. The secret itself is
//! never stored: only the name of an environment variable or a command that prints it.
//! Feeds may belong to an account (`feeds.account_id`); the rest are local.

use anyhow::{Context, Result, bail};
use rusqlite::{OptionalExtension, params};

use super::handles::Accounts;

/// The longest account name, in characters.
pub const MAX_ACCOUNT_NAME: usize = 64;

/// The most arguments a secret command has, and the longest one, in bytes.
const MAX_COMMAND_ARGS: usize = 64;
const MAX_ARG_BYTES: usize = 4096;

/// The protocol an account's server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// Miniflux's own REST API (`/v1/...`).
    Miniflux,
    /// The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, ...).
    GReader,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Miniflux => "miniflux",
            AccountKind::GReader => "greader",
        }
    }

    pub fn parse(text: &str) -> Result<AccountKind> {
        match text {
            "miniflux" => Ok(AccountKind::Miniflux),
            "greader" => Ok(AccountKind::GReader),
            other => bail!("unknown account kind `{other}` (miniflux or greader)"),
        }
    }
}

/// Where an account's password or token comes from when it is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// This environment variable's value.
    Env(String),
    /// The first line this program (and its arguments) prints, run without a shell.
    Command(Vec<String>),
}

/// An account on a sync server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub kind: AccountKind,
    /// The server's address, without credentials.
    pub url: String,
    /// The user name; `None` when the secret is an API token.
    pub user: Option<String>,
    pub secret: SecretSource,
    /// Server time (Unix seconds) up to which changes have been pulled.
    pub synced_until: Option<i64>,
    /// The highest entry id pulled.
    pub last_entry: Option<i64>,
    /// When the last sync that worked ended (Unix seconds).
    pub last_sync: Option<i64>,
    pub last_error: Option<String>,
}

/// An account as `herald account add` gives it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub name: String,
    pub kind: AccountKind,
    pub url: String,
    pub user: Option<String>,
    pub secret: SecretSource,
}

/// What removing an account did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AccountRemoved {
    /// Its feeds, now local.
    pub feeds: usize,
    /// Changes that were waiting to be pushed, dropped.
    pub dropped: usize,
}

impl NewAccount {
    /// Refuses what cannot work or would leak: an empty or unprintable name, an address
    /// that is not http(s) or that carries a password, an odd variable name, an empty
    /// or oversized command.
    pub fn check(&self) -> Result<()> {
        let name = &self.name;
        if name.is_empty()
            || name.chars().count() > MAX_ACCOUNT_NAME
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            bail!(
                "an account's name is 1 to {MAX_ACCOUNT_NAME} letters, digits, `-`, `_` or `.` \
                 (not `{}`)",
                crate::domain::text::printable(name)
            );
        }
        // It would read as an option wherever it is given again (herald sync -x).
        if name.starts_with('-') {
            bail!(
                "an account's name cannot start with `-` (not `{}`): it would read as an option",
                crate::domain::text::printable(name)
            );
        }
        let url = url::Url::parse(&self.url)
            .with_context(|| format!("`{}` is not a server address", self.url))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            bail!("the server address must be http:// or https:// with a host (not `{url}`)");
        }
        if !url.username().is_empty() || url.password().is_some() {
            bail!(
                "the server address carries a user or password; give --user, and the secret with \
                 --secret-env or --secret-command, so that it is never written in plain text"
            );
        }
        if self.kind == AccountKind::GReader && self.user.is_none() {
            bail!("a Google Reader API account needs --user: it signs in with a user and password");
        }
        if let Some(user) = &self.user
            && (user.is_empty() || user.len() > 256 || user.chars().any(char::is_control))
        {
            bail!("a user name has 1 to 256 characters and no control characters");
        }
        match &self.secret {
            SecretSource::Env(var) => {
                let mut chars = var.chars();
                let first_ok = chars
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
                if !first_ok
                    || var.len() > 256
                    || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    bail!("`{var}` is not an environment variable's name (letters, digits and _)");
                }
            }
            SecretSource::Command(args) => {
                if args.first().is_none_or(|a| a.is_empty()) {
                    bail!("--secret-command needs a program to run");
                }
                if args.len() > MAX_COMMAND_ARGS || args.iter().any(|a| a.len() > MAX_ARG_BYTES) {
                    bail!(
                        "--secret-command takes at most {MAX_COMMAND_ARGS} arguments of at most \
                         {MAX_ARG_BYTES} bytes"
                    );
                }
                if args.iter().any(|a| a.contains('\0')) {
                    bail!("--secret-command's arguments cannot hold NUL bytes");
                }
            }
        }
        Ok(())
    }
}

const COLUMNS: &str = "id, name, kind, url, user, secret_env, secret_command, synced_until,
     last_sync, last_error, last_entry";

fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Account, String)> {
    let kind: String = row.get(2)?;
    let env: Option<String> = row.get(5)?;
    let command: Option<String> = row.get(6)?;
    let secret = match (env, command) {
        (Some(var), _) => SecretSource::Env(var),
        (None, Some(json)) => {
            SecretSource::Command(serde_json::from_str(&json).unwrap_or_default())
        }
        (None, None) => SecretSource::Command(Vec::new()),
    };
    Ok((
        Account {
            id: row.get(0)?,
            name: row.get(1)?,
            kind: AccountKind::Miniflux,
            url: row.get(3)?,
            user: row.get(4)?,
            secret,
            synced_until: row.get(7)?,
            last_sync: row.get(8)?,
            last_error: row.get(9)?,
            last_entry: row.get(10)?,
        },
        kind,
    ))
}

fn finish((mut account, kind): (Account, String)) -> Result<Account> {
    account.kind = AccountKind::parse(&kind)
        .with_context(|| format!("in the store's account {}", account.name))?;
    Ok(account)
}

impl Accounts<'_> {
    /// Adds an account; one of the same name is an error naming it.
    pub fn add_account(&self, account: &NewAccount) -> Result<Account> {
        account.check()?;
        if self.account(&account.name)?.is_some() {
            bail!(
                "there is already an account {}; `herald account remove {}` first to replace it",
                account.name,
                account.name
            );
        }
        let (env, command) = match &account.secret {
            SecretSource::Env(var) => (Some(var.clone()), None),
            SecretSource::Command(args) => (None, Some(serde_json::to_string(args)?)),
        };
        self.conn
            .execute(
                "INSERT INTO accounts (name, kind, url, user, secret_env, secret_command)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    account.name,
                    account.kind.as_str(),
                    account.url.trim_end_matches('/'),
                    account.user,
                    env,
                    command
                ],
            )
            .context("saving the account")?;
        self.account(&account.name)?
            .context("the account just saved is missing")
    }

    /// Changes account `name`'s address or where its secret comes from (`herald account
    /// set`), checked as `add_account` checks them; the rest is kept.
    pub fn set_account(
        &self,
        name: &str,
        url: Option<&str>,
        secret: Option<SecretSource>,
    ) -> Result<Account> {
        let Some(old) = self.account(name)? else {
            bail!("no account {name}; `herald account list` shows them");
        };
        let new = NewAccount {
            name: old.name.clone(),
            kind: old.kind,
            url: url.map_or_else(|| old.url.clone(), str::to_owned),
            user: old.user.clone(),
            secret: secret.unwrap_or(old.secret),
        };
        new.check()?;
        let (env, command) = match &new.secret {
            SecretSource::Env(var) => (Some(var.clone()), None),
            SecretSource::Command(args) => (None, Some(serde_json::to_string(args)?)),
        };
        self.conn
            .execute(
                "UPDATE accounts SET url = ?2, secret_env = ?3, secret_command = ?4 WHERE id = ?1",
                params![old.id, new.url.trim_end_matches('/'), env, command],
            )
            .context("saving the account")?;
        self.account(name)?
            .context("the account just saved is missing")
    }

    /// The account named `name`, if any.
    pub fn account(&self, name: &str) -> Result<Option<Account>> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE name = ?1"),
                [name],
                account_from_row,
            )
            .optional()?;
        row.map(finish).transpose()
    }

    /// Every account, by name.
    pub fn list(&self) -> Result<Vec<Account>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM accounts ORDER BY name"))?;
        let rows = stmt
            .query_map([], account_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(finish).collect()
    }

    /// Removes the account `name`: its feeds stay, as local ones, and the changes waiting
    /// to be pushed to it are dropped.
    pub fn remove_account(&self, name: &str) -> Result<AccountRemoved> {
        let Some(account) = self.account(name)? else {
            bail!("no account {name}; `herald account list` shows them");
        };
        let tx = self.write()?;
        let dropped = tx.execute("DELETE FROM outbox WHERE account_id = ?1", [account.id])?;
        // A feed whose address is already a local feed's (another account's, made local
        // when that account went) joins it, articles and all: one local feed an address.
        let twins: Vec<(i64, i64)> = tx
            .prepare(
                "SELECT f.id, l.id FROM feeds f JOIN feeds l ON l.url = f.url
                 WHERE f.account_id = ?1 AND l.account_id IS NULL",
            )?
            .query_map([account.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (twin, local) in twins {
            let (total, unread): (i64, i64) = tx.query_row(
                "SELECT count(*), coalesce(sum(read = 0), 0) FROM articles WHERE feed_id = ?1",
                [twin],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let mut tally = super::sources::Tally::default();
            tally.add(Some(twin), "", -total, -unread);
            tally.add(Some(local), "", total, unread);
            tx.execute(
                "UPDATE articles SET feed_id = ?2 WHERE feed_id = ?1",
                params![twin, local],
            )?;
            tally.apply(&tx)?;
            tx.execute("DELETE FROM feeds WHERE id = ?1", [twin])?;
        }
        let feeds = tx.execute(
            "UPDATE feeds SET account_id = NULL, remote_id = NULL WHERE account_id = ?1",
            [account.id],
        )?;
        tx.execute("DELETE FROM accounts WHERE id = ?1", [account.id])?;
        tx.commit().context("removing the account")?;
        Ok(AccountRemoved { feeds, dropped })
    }

    /// How many feeds belong to account `id`, and how many changes wait to be pushed to it.
    pub fn account_counts(&self, id: i64) -> Result<(usize, usize)> {
        let feeds: i64 = self.conn.query_row(
            "SELECT count(*) FROM feeds WHERE account_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let waiting: i64 = self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE account_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        Ok((feeds as usize, waiting as usize))
    }

    /// Puts feed `feed_id` under account `account_id` (or makes it local with `None`),
    /// with its id on the server when known.
    pub fn set_feed_account(
        &self,
        feed_id: i64,
        account_id: Option<i64>,
        remote_id: Option<&str>,
    ) -> Result<()> {
        let n = self
            .conn
            .execute(
                "UPDATE feeds SET account_id = ?2, remote_id = ?3, left_at = NULL WHERE id = ?1",
                params![feed_id, account_id, remote_id],
            )
            .context("saving the feed's account")?;
        if n == 0 {
            bail!("no subscription {feed_id}; `herald feed list` shows them");
        }
        Ok(())
    }

    /// The account feed `feed_id` belongs to and its id there, if it belongs to one.
    pub fn feed_account(&self, feed_id: i64) -> Result<Option<(i64, Option<String>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT account_id, remote_id FROM feeds WHERE id = ?1 AND account_id IS NOT NULL",
                [feed_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Records how a sync of account `id` ended: when, and the error if it failed.
    pub fn record_sync(&self, id: i64, at: i64, error: Option<&str>) -> Result<()> {
        match error {
            Some(error) => self.conn.execute(
                "UPDATE accounts SET last_error = ?2, last_attempt = ?3 WHERE id = ?1",
                params![id, error, at],
            )?,
            None => self.conn.execute(
                "UPDATE accounts SET last_sync = ?2, last_attempt = ?2, last_error = NULL
                 WHERE id = ?1",
                params![id, at],
            )?,
        };
        Ok(())
    }

    /// Saves how far account `id`'s pull went: the server time up to which changes
    /// have been pulled, and the highest entry id.
    pub fn set_synced_until(
        &self,
        id: i64,
        until: Option<i64>,
        last_entry: Option<i64>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE accounts SET synced_until = ?2, last_entry = ?3 WHERE id = ?1",
            params![id, until, last_entry],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::Store;

    pub(crate) fn miniflux(name: &str) -> NewAccount {
        NewAccount {
            name: name.into(),
            kind: AccountKind::Miniflux,
            url: "https://reader.example.org/".into(),
            user: Some("ana".into()),
            secret: SecretSource::Env("MINIFLUX_PASSWORD".into()),
        }
    }

    #[test]
    fn an_account_is_stored_without_its_secret_and_listed() {
        let store = Store::open_in_memory().unwrap();
        let mut second = miniflux("phone");
        second.kind = AccountKind::GReader;
        second.secret = SecretSource::Command(vec!["pass".into(), "show".into(), "rss".into()]);
        let added = store.accounts().add_account(&miniflux("home")).unwrap();
        store.accounts().add_account(&second).unwrap();
        assert_eq!(added.url, "https://reader.example.org", "no trailing slash");
        let all = store.accounts().list().unwrap();
        assert_eq!(
            all.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["home", "phone"]
        );
        assert_eq!(all[1].kind, AccountKind::GReader);
        assert_eq!(
            all[1].secret,
            SecretSource::Command(vec!["pass".into(), "show".into(), "rss".into()])
        );
        let err = store.accounts().add_account(&miniflux("home")).unwrap_err();
        assert!(err.to_string().contains("already an account home"), "{err}");
    }

    #[test]
    fn accounts_that_cannot_work_or_would_leak_are_refused() {
        let store = Store::open_in_memory().unwrap();
        let cases: Vec<(NewAccount, &str)> = vec![
            (
                NewAccount {
                    name: "".into(),
                    ..miniflux("x")
                },
                "name",
            ),
            (
                NewAccount {
                    name: "a b".into(),
                    ..miniflux("x")
                },
                "name",
            ),
            (
                NewAccount {
                    name: "n".repeat(65),
                    ..miniflux("x")
                },
                "name",
            ),
            (
                NewAccount {
                    url: "https://ana:hunter2@reader.example.org/".into(),
                    ..miniflux("x")
                },
                "plain text",
            ),
            (
                NewAccount {
                    url: "file:///etc/passwd".into(),
                    ..miniflux("x")
                },
                "http",
            ),
            (
                NewAccount {
                    kind: AccountKind::GReader,
                    user: None,
                    ..miniflux("x")
                },
                "needs --user",
            ),
            (
                NewAccount {
                    secret: SecretSource::Env("A-B".into()),
                    ..miniflux("x")
                },
                "environment",
            ),
            (
                NewAccount {
                    secret: SecretSource::Command(vec![]),
                    ..miniflux("x")
                },
                "program",
            ),
            (
                NewAccount {
                    secret: SecretSource::Command(vec!["x".repeat(5000)]),
                    ..miniflux("x")
                },
                "at most",
            ),
            (
                NewAccount {
                    secret: SecretSource::Command(vec!["echo".into(); 65]),
                    ..miniflux("x")
                },
                "at most",
            ),
        ];
        for (account, says) in cases {
            let err = store.accounts().add_account(&account).unwrap_err();
            assert!(err.to_string().contains(says), "{account:?}: {err}");
        }
        assert!(store.accounts().list().unwrap().is_empty());
    }

    #[test]
    fn removing_an_account_keeps_its_feeds_as_local_ones() {
        let store = Store::open_in_memory().unwrap();
        let account = store.accounts().add_account(&miniflux("home")).unwrap();
        let feed = store
            .feeds()
            .add_feed("https://example.org/feed", None)
            .unwrap();
        store
            .accounts()
            .set_feed_account(feed.id, Some(account.id), Some("7"))
            .unwrap();
        assert_eq!(
            store.accounts().feed_account(feed.id).unwrap(),
            Some((account.id, Some("7".into())))
        );
        assert_eq!(store.accounts().account_counts(account.id).unwrap(), (1, 0));
        let removed = store.accounts().remove_account("home").unwrap();
        assert_eq!(removed.feeds, 1);
        assert_eq!(store.accounts().feed_account(feed.id).unwrap(), None);
        assert_eq!(store.feeds().list().unwrap().len(), 1);
        let err = store.accounts().remove_account("home").unwrap_err();
        assert!(err.to_string().contains("no account home"), "{err}");
    }
}
