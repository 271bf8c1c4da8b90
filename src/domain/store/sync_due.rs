//! When accounts are due for a sync: a refresh after the last one ended, whether it
//! worked or not (so a server that is down is asked again a refresh later, not at once).

use anyhow::Result;
use jiff::Timestamp;

use super::accounts::Account;
use super::handles::Accounts;

impl Accounts<'_> {
    /// The accounts whose sync is due at `now`, with `refresh` between syncs.
    pub fn accounts_due(
        &self,
        now: Timestamp,
        refresh: std::time::Duration,
    ) -> Result<Vec<Account>> {
        let due: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM accounts WHERE coalesce(last_attempt, 0) + ?2 <= ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map(
                [
                    now.as_second(),
                    refresh.as_secs().min(i64::MAX as u64) as i64,
                ],
                |r| r.get(0),
            )?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        Ok(self
            .accounts()
            .list()?
            .into_iter()
            .filter(|a| due.contains(&a.id))
            .collect())
    }

    /// When the next account falls due for a sync; `None` without accounts.
    pub fn next_sync_at(&self, refresh: std::time::Duration) -> Result<Option<Timestamp>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT min(coalesce(last_attempt, 0) + ?1) FROM accounts",
            [refresh.as_secs().min(i64::MAX as u64) as i64],
            |r| r.get(0),
        )?;
        Ok(at.map(|s| Timestamp::from_second(s).unwrap_or(Timestamp::MAX)))
    }

    /// Each account feed's account: (feed id, account id).
    pub fn feed_accounts(&self) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, account_id FROM feeds WHERE account_id IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::Store;
    use crate::domain::store::{AccountKind, NewAccount, SecretSource};
    use std::time::Duration;

    fn account(store: &Store, name: &str) -> Account {
        store
            .accounts()
            .add_account(&NewAccount {
                name: name.into(),
                kind: AccountKind::Miniflux,
                url: "https://rss.example.org".into(),
                user: None,
                secret: SecretSource::Env("TOKEN".into()),
            })
            .unwrap()
    }

    /// A new account is due at once; after a sync, worked or failed, a refresh later;
    /// its feeds never make the local schedule due.
    #[test]
    fn accounts_fall_due_a_refresh_after_their_last_sync() {
        let store = Store::open_in_memory().unwrap();
        let refresh = Duration::from_secs(1800);
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let home = account(&store, "home");
        let work = account(&store, "work");
        assert_eq!(
            store.accounts().accounts_due(now, refresh).unwrap().len(),
            2
        );
        store
            .accounts()
            .record_sync(home.id, now.as_second(), None)
            .unwrap();
        store
            .accounts()
            .record_sync(work.id, now.as_second() - 600, Some("HTTP 503"))
            .unwrap();
        assert!(
            store
                .accounts()
                .accounts_due(now, refresh)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.accounts().next_sync_at(refresh).unwrap(),
            Some(Timestamp::from_second(now.as_second() - 600 + 1800).unwrap())
        );
        let later = Timestamp::from_second(now.as_second() + 1300).unwrap();
        let due = store.accounts().accounts_due(later, refresh).unwrap();
        assert_eq!(
            due.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["work"]
        );

        let feed = store
            .feeds()
            .add_feed("https://rss.example.org/feed", None)
            .unwrap();
        store
            .accounts()
            .set_feed_account(feed.id, Some(home.id), None)
            .unwrap();
        assert!(
            store.feeds().due_feeds(now).unwrap().is_empty(),
            "the server fetches it"
        );
        assert_eq!(store.feeds().next_due_at().unwrap(), None);
        assert_eq!(
            store.accounts().feed_accounts().unwrap(),
            [(feed.id, home.id)]
        );
    }
}
