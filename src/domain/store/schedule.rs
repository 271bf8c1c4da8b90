//! When each feed is fetched next. After a fetch that worked: its refresh later (its
//! own, else the config's). After a failure: the refresh doubled for each failure in a
//! row, at most a day (or the refresh, when that is longer). After a 429 or 503 with
//! Retry-After: no request before that time (bounded by the fetcher at 7 days), and
//! the feed is due at the later of that and its backoff.

use std::time::Duration;

use anyhow::{Result, bail};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::feeds::{Feed, feed_from_row};
use super::handles::Feeds;

/// The longest delay failures alone bring.
pub const MAX_BACKOFF: Duration = Duration::from_secs(24 * 60 * 60);

/// How a fetch went, as the schedule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The feed came, or had not changed.
    Succeeded,
    Failed,
    /// The server refused for now and asked to wait this long.
    Refused(Duration),
}

/// A feed's schedule after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub next_due: i64,
    pub failures: u32,
    pub retry_after: Option<i64>,
}

fn seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// The delay after `failures` failures in a row: `refresh × 2^failures`, at most a day,
/// or `refresh` when that is longer than a day.
pub fn backoff(refresh: i64, failures: u32) -> i64 {
    let refresh = refresh.max(1);
    let cap = seconds(MAX_BACKOFF).max(refresh);
    refresh.saturating_mul(1_i64 << failures.min(32)).min(cap)
}

/// The schedule `feed` gets after `attempt` at `now`; `refresh` is the config's.
pub fn plan(feed: &Feed, attempt: Attempt, refresh: Duration, now: Timestamp) -> Plan {
    let refresh = feed
        .refresh
        .filter(|r| *r > 0)
        .unwrap_or(seconds(refresh))
        .max(1);
    let now = now.as_second();
    let failures = feed.failures.saturating_add(1);
    match attempt {
        Attempt::Succeeded => Plan {
            next_due: now.saturating_add(refresh),
            failures: 0,
            retry_after: None,
        },
        Attempt::Failed => Plan {
            next_due: now.saturating_add(backoff(refresh, failures)),
            failures,
            retry_after: None,
        },
        Attempt::Refused(wait) => {
            let until = now.saturating_add(seconds(wait));
            Plan {
                next_due: now.saturating_add(backoff(refresh, failures)).max(until),
                failures,
                retry_after: Some(until),
            }
        }
    }
}

const COLUMNS: &str = super::feeds::FEED_COLUMNS;

impl Feeds<'_> {
    /// Records `feed`'s next fetch after `attempt` (see [`plan`]).
    pub fn schedule(
        &self,
        feed: &Feed,
        attempt: Attempt,
        refresh: Duration,
        now: Timestamp,
    ) -> Result<()> {
        let plan = plan(feed, attempt, refresh, now);
        self.conn.execute(
            "UPDATE feeds SET next_due = ?2, failures = ?3, retry_after = ?4 WHERE id = ?1",
            params![feed.id, plan.next_due, plan.failures, plan.retry_after],
        )?;
        Ok(())
    }

    /// The feeds due at `now`: those whose next fetch has come (never-fetched ones
    /// included) and whose server's Retry-After has passed. An account's feeds are its
    /// server's to fetch: the account is due instead (`Accounts::accounts_due`).
    pub fn due_feeds(&self, now: Timestamp) -> Result<Vec<Feed>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{COLUMNS} WHERE coalesce(next_due, 0) <= ?1 AND coalesce(retry_after, 0) <= ?1
             AND account_id IS NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map([now.as_second()], feed_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// When the next local feed falls due (in the past when one is due already); `None`
    /// without local subscriptions. A reader sleeps until then, or until an account is
    /// due (`Accounts::next_sync_at`).
    pub fn next_due_at(&self) -> Result<Option<Timestamp>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT min(max(coalesce(next_due, 0), coalesce(retry_after, 0))) FROM feeds
             WHERE account_id IS NULL",
            [],
            |r| r.get(0),
        )?;
        // A value past what a timestamp holds (a store edited by hand) is the end of time.
        Ok(at.map(|s| {
            Timestamp::from_second(s).unwrap_or(if s < 0 {
                Timestamp::MIN
            } else {
                Timestamp::MAX
            })
        }))
    }

    /// The subscription `url_or_id` names: its url, or its id from `herald feed list`.
    pub fn find_feed(&self, url_or_id: &str) -> Result<Feed> {
        let url_or_id = url_or_id.trim();
        let found = match url_or_id.parse::<i64>() {
            Ok(id) => self
                .conn
                .query_row(&format!("{COLUMNS} WHERE id = ?1"), [id], feed_from_row)
                .optional()?,
            Err(_) => self.feed_by_url(url_or_id)?,
        };
        match found {
            Some(feed) => Ok(feed),
            None => bail!("no subscription {url_or_id}; `herald feed list` shows them"),
        }
    }

    /// Gives a feed its own refresh, or (`None`) the config's back. A shorter refresh
    /// brings a fetched feed's next fetch forward to its last fetch plus the new refresh.
    pub fn set_refresh(&self, id: i64, refresh: Option<Duration>) -> Result<()> {
        let refresh = refresh.map(seconds);
        self.conn.execute(
            "UPDATE feeds SET refresh = ?2,
                 next_due = CASE WHEN ?2 IS NOT NULL AND failures = 0
                     AND last_fetched IS NOT NULL AND next_due IS NOT NULL
                     THEN min(next_due, last_fetched + ?2) ELSE next_due END
             WHERE id = ?1",
            params![id, refresh],
        )?;
        Ok(())
    }
}

/// A refresh as `herald feed set ID --refresh 2h` and the config write it: a number with a
/// unit (`90s`, `15m`, `2h`, `1d`), from one minute to 30 days.
pub fn parse_refresh(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_seconds = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "`{text}` is not a refresh: write a number and s, m, h or d (15m, 2h, 1d)"
            ));
        }
    };
    let value = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit_seconds))
        .filter(|s| (60..=30 * 86_400).contains(s))
        .ok_or_else(|| format!("a refresh must be from 1m to 30d, not `{text}`"))?;
    Ok(Duration::from_secs(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::Store;

    const HALF_HOUR: Duration = Duration::from_secs(1800);

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    fn store_with(urls: &[&str]) -> (Store, Vec<Feed>) {
        let store = Store::open_in_memory().unwrap();
        let feeds = urls
            .iter()
            .map(|u| store.feeds().add_feed(u, None).unwrap())
            .collect();
        (store, feeds)
    }

    #[test]
    fn failures_double_the_delay_up_to_a_day() {
        let delays: Vec<i64> = (1..=8).map(|f| backoff(1800, f)).collect();
        assert_eq!(
            delays,
            [3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400, 86_400]
        );
        assert_eq!(
            backoff(3 * 86_400, 5),
            3 * 86_400,
            "a long refresh is its own cap"
        );
        assert_eq!(backoff(i64::MAX, u32::MAX), i64::MAX);
    }

    #[test]
    fn a_schedule_follows_success_failure_and_refusal() {
        let (store, feeds) = store_with(&["https://a.example/rss"]);
        let mut feed = feeds[0].clone();
        for (attempt, next_due, failures, retry_after) in [
            (Attempt::Failed, 1000 + 3600, 1, None),
            (Attempt::Failed, 1000 + 7200, 2, None),
            (
                Attempt::Refused(Duration::from_secs(60)),
                1000 + 14_400,
                3,
                Some(1060),
            ),
            (
                Attempt::Refused(Duration::from_secs(7 * 86_400)),
                1000 + 7 * 86_400,
                4,
                Some(1000 + 7 * 86_400),
            ),
            (Attempt::Succeeded, 1000 + 1800, 0, None),
        ] {
            store
                .feeds()
                .schedule(&feed, attempt, HALF_HOUR, at(1000))
                .unwrap();
            feed = store.feeds().find_feed("1").unwrap();
            assert_eq!(
                (feed.next_due, feed.failures, feed.retry_after),
                (Some(next_due), failures, retry_after),
                "{attempt:?}"
            );
        }
    }

    #[test]
    fn due_feeds_are_the_never_fetched_and_the_overdue_outside_retry_after() {
        let (store, feeds) = store_with(&[
            "https://new.example/rss",
            "https://later.example/rss",
            "https://overdue.example/rss",
            "https://refused.example/rss",
        ]);
        assert_eq!(store.feeds().next_due_at().unwrap(), Some(at(0)));
        store
            .feeds()
            .schedule(&feeds[1], Attempt::Succeeded, HALF_HOUR, at(1000))
            .unwrap();
        store
            .feeds()
            .schedule(&feeds[2], Attempt::Succeeded, HALF_HOUR, at(0))
            .unwrap();
        store
            .feeds()
            .schedule(
                &feeds[3],
                Attempt::Refused(Duration::from_secs(5000)),
                HALF_HOUR,
                at(0),
            )
            .unwrap();
        let due: Vec<String> = store
            .feeds()
            .due_feeds(at(2000))
            .unwrap()
            .into_iter()
            .map(|f| f.url)
            .collect();
        assert_eq!(
            due,
            ["https://new.example/rss", "https://overdue.example/rss"]
        );
        store.feeds().remove_feed(1, true).unwrap();
        store.feeds().remove_feed(3, true).unwrap();
        assert_eq!(store.feeds().next_due_at().unwrap(), Some(at(2800)));
        let empty = Store::open_in_memory().unwrap();
        assert_eq!(empty.feeds().next_due_at().unwrap(), None);
    }

    #[test]
    fn a_next_due_past_any_timestamp_is_the_end_of_time() {
        let (store, _) = store_with(&["https://a.example/rss"]);
        store
            .connection()
            .execute("UPDATE feeds SET next_due = ?1", [i64::MAX])
            .unwrap();
        assert_eq!(store.feeds().next_due_at().unwrap(), Some(Timestamp::MAX));
        assert!(store.feeds().due_feeds(Timestamp::MAX).unwrap().is_empty());
    }

    #[test]
    fn a_feed_with_its_own_refresh_keeps_it() {
        let (store, feeds) = store_with(&["https://a.example/rss"]);
        store
            .feeds()
            .record_fetch(1, None, None, None, at(1000))
            .unwrap();
        store
            .feeds()
            .schedule(&feeds[0], Attempt::Succeeded, HALF_HOUR, at(1000))
            .unwrap();
        store
            .feeds()
            .set_refresh(1, Some(Duration::from_secs(900)))
            .unwrap();
        let feed = store.feeds().find_feed("https://a.example/rss").unwrap();
        assert_eq!((feed.refresh, feed.next_due), (Some(900), Some(1900)));
        store
            .feeds()
            .schedule(&feed, Attempt::Succeeded, HALF_HOUR, at(2000))
            .unwrap();
        assert_eq!(store.feeds().find_feed("1").unwrap().next_due, Some(2900));
        store.feeds().set_refresh(1, None).unwrap();
        assert_eq!(store.feeds().find_feed("1").unwrap().refresh, None);
        assert!(
            store
                .feeds()
                .find_feed("7")
                .unwrap_err()
                .to_string()
                .contains("feed list")
        );
    }

    #[test]
    fn refreshes_are_read_with_their_unit_and_bounded() {
        assert_eq!(parse_refresh("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_refresh("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_refresh("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_refresh("90s"), Ok(Duration::from_secs(90)));
        for bad in [
            "",
            "15",
            "m",
            "10s",
            "31d",
            "-5m",
            "1.5h",
            "99999999999999999999999d",
        ] {
            assert!(parse_refresh(bad).is_err(), "{bad:?}");
        }
    }
}
