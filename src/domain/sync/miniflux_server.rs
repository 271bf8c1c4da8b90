//! Miniflux's REST API as a [`Server`]: a category is a folder; new entries are pulled
//! by id after the last one seen, changed ones by `changed_after` below it.

use std::cell::RefCell;
use std::collections::HashSet;

use anyhow::{Context, Result};

use super::entry;
use super::miniflux::{self, Category, Client, PAGE};
use super::server::{Budget, Mark, Server, ServerEntry, ServerFeed, Sink};

/// A Miniflux account's server, with its categories once asked for.
pub struct Miniflux {
    client: Client,
    categories: RefCell<Option<Vec<Category>>>,
}

impl Miniflux {
    pub fn new(client: Client) -> Miniflux {
        Miniflux {
            client,
            categories: RefCell::new(None),
        }
    }

    /// The category titled `title` (made when the server has none), or the first one.
    fn category(&self, title: Option<&str>) -> Result<i64> {
        let mut cache = self.categories.borrow_mut();
        let all = match &mut *cache {
            Some(all) => all,
            None => cache.insert(self.client.categories()?),
        };
        let Some(title) = title else {
            return Ok(all.first().map_or(0, |c| c.id));
        };
        if let Some(found) = all.iter().find(|c| c.title == title) {
            return Ok(found.id);
        }
        let made = self.client.create_category(title)?;
        all.push(made.clone());
        Ok(made.id)
    }

    /// Every page of `(changed_after, after_id, before_id)` while `budget` lasts, or of
    /// feed `feed`'s entries; returns the highest entry id stored and the newest change
    /// time seen, and whether the pages ran to their end.
    fn pages(
        &self,
        query: Query,
        budget: &mut Budget,
        left: &mut Option<i64>,
        sink: &mut Sink<'_>,
    ) -> Result<Paged> {
        let mut after_id = query.after_id;
        let mut paged = Paged::default();
        while budget.go_on() {
            let page = match query.feed {
                Some(feed) => self.client.feed_entries(feed, after_id)?,
                None => self
                    .client
                    .changed_entries(query.since, after_id, query.before)?,
            };
            let count = page.entries.len();
            let mut entries = Vec::with_capacity(count);
            let mut highest = after_id;
            for e in &page.entries {
                highest = highest.max(e.id);
                if let Some(at) = entry::changed_at(e) {
                    paged.changed = Some(paged.changed.unwrap_or(0).max(at));
                }
                paged.ids.insert(e.id.to_string());
                entries.push(ServerEntry {
                    feed_id: e.feed_id.to_string(),
                    article: entry::article(e, ""),
                });
            }
            if count > 0 && highest <= after_id {
                // Every entry at or before the one asked to start after: the server
                // ignores `after_entry_id`, and would send this page for ever.
                budget.stop(format!(
                    "the server answered a page after entry {after_id} with entries at or \
                     before it (it ignores after_entry_id)"
                ));
                return Ok(paged);
            }
            budget.take(count);
            for id in sink(entries)? {
                if let Ok(id) = id.parse::<i64>() {
                    *left = Some(left.map_or(id, |l| l.min(id)));
                }
            }
            after_id = highest;
            paged.last = Some(highest);
            if count < PAGE || highest == i64::MAX {
                paged.complete = true;
                return Ok(paged);
            }
        }
        Ok(paged)
    }
}

/// Which entries a run of pages asks for.
#[derive(Debug, Clone, Copy, Default)]
struct Query {
    since: i64,
    after_id: i64,
    before: Option<i64>,
    feed: Option<i64>,
}

/// What a run of pages brought.
#[derive(Debug, Default)]
struct Paged {
    last: Option<i64>,
    changed: Option<i64>,
    ids: HashSet<String>,
    complete: bool,
}

/// Entry ids as Miniflux's numbers; one that is not a number was never Miniflux's.
fn numbers(ids: &[String]) -> Vec<i64> {
    ids.iter().filter_map(|i| i.parse().ok()).collect()
}

fn feed_number(id: &str) -> Result<i64> {
    id.parse()
        .with_context(|| format!("`{id}` is not a Miniflux feed id"))
}

impl Server for Miniflux {
    fn set_read(&self, ids: &[String], read: bool) -> Result<()> {
        self.client.set_read(&numbers(ids), read)
    }

    fn set_starred(&self, ids: &[String], starred: bool) -> Result<()> {
        self.client.set_starred(&numbers(ids), starred)
    }

    fn subscribe(&self, url: &str, folders: &[String]) -> Result<String> {
        let category = self.category(folders.first().map(String::as_str))?;
        match self.client.create_feed(url, category) {
            Ok(id) => Ok(id.to_string()),
            Err(err) if miniflux::is_status(&err, 400) => {
                // Already there (subscribed on another device): adopt it.
                match self.client.feeds()?.into_iter().find(|f| f.feed_url == url) {
                    Some(found) => Ok(found.id.to_string()),
                    None => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    fn unsubscribe(&self, id: &str) -> Result<()> {
        self.client.delete_feed(feed_number(id)?)
    }

    fn rename(&self, id: &str, title: &str) -> Result<()> {
        self.client.update_feed(feed_number(id)?, Some(title), None)
    }

    fn set_folders(&self, id: &str, folders: &[String]) -> Result<()> {
        let category = self.category(folders.first().map(String::as_str))?;
        self.client
            .update_feed(feed_number(id)?, None, Some(category))
    }

    fn one_folder(&self) -> bool {
        true
    }

    fn feeds(&self) -> Result<Vec<ServerFeed>> {
        Ok(self
            .client
            .feeds()?
            .into_iter()
            .map(|f| ServerFeed {
                id: f.id.to_string(),
                url: f.feed_url,
                title: f.title,
                folders: f
                    .category
                    .map(|c| c.title)
                    .filter(|t| t != "All")
                    .into_iter()
                    .collect(),
            })
            .collect())
    }

    fn pull(
        &self,
        mark: Mark,
        _known: &dyn Fn(&str) -> bool,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Mark> {
        let last = mark.last.unwrap_or(0).max(0);
        let mut next = mark;
        let mut left = None;
        // New entries by id, then (after a first sync) the older ones changed since the
        // last sync. changed_after is strict: an entry changed in the same second as the
        // newest one seen, after this pull read it, has its read and starred state
        // brought by the reconciliation; only a change of its text waits for its next
        // change.
        let new = Query {
            after_id: last,
            ..Query::default()
        };
        let fresh = self.pages(new, budget, &mut left, sink)?;
        if let Some(highest) = fresh.last {
            next.last = Some(highest.max(last));
        }
        let mut changed = fresh.changed;
        let mut complete = fresh.complete;
        if let (Some(since), true) = (mark.since, complete) {
            let older = Query {
                since,
                before: Some(last.saturating_add(1)),
                ..Query::default()
            };
            let old = self.pages(older, budget, &mut left, sink)?;
            changed = changed.max(old.changed);
            complete = old.complete;
        }
        // The change time moves only when both passes ran to their end: an entry
        // changed meanwhile below the last id is found by it next time.
        if complete && let Some(changed) = changed {
            next.since = Some(changed.max(mark.since.unwrap_or(0)));
        }
        // An entry left for want of its feed is asked for again next time.
        if let Some(left) = left {
            next.last = Some(next.last.unwrap_or(0).min(left.saturating_sub(1)));
        }
        Ok(next)
    }

    fn feed_entries(
        &self,
        id: &str,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Option<HashSet<String>>> {
        let query = Query {
            feed: Some(feed_number(id)?),
            ..Query::default()
        };
        let mut left = None;
        let paged = self.pages(query, budget, &mut left, sink)?;
        Ok(paged.complete.then_some(paged.ids))
    }

    fn unread_ids(&self) -> Result<HashSet<String>> {
        let ids = self.client.ids("status=unread")?;
        Ok(ids.into_iter().map(|i| i.to_string()).collect())
    }

    fn starred_ids(&self) -> Result<HashSet<String>> {
        let ids = self.client.ids("starred=true")?;
        Ok(ids.into_iter().map(|i| i.to_string()).collect())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::store::{Account, AccountKind, SecretSource};
    use crate::test_server::{Answer, Request, Script, Server as Loopback};

    fn miniflux(url: String) -> Miniflux {
        let account = Account {
            id: 1,
            name: "home".into(),
            kind: AccountKind::Miniflux,
            url,
            user: None,
            secret: SecretSource::Env("X".into()),
            synced_until: None,
            last_sync: None,
            last_error: None,
            last_entry: None,
        };
        Miniflux::new(Client::new(
            &account,
            "token".into(),
            Duration::from_secs(10),
        ))
    }

    /// A loopback Miniflux answering every request with the closure's status and JSON
    /// body; it stops after 50 requests or thirty seconds.
    fn serve(answer: impl Fn(&Request) -> (u16, String) + Send + Sync + 'static) -> Loopback {
        Script::new()
            .limit(50)
            .lifetime(Duration::from_secs(30))
            .otherwise(move |r| {
                let (status, body) = answer(r);
                Answer::new(status)
                    .header("Content-Type", "application/json")
                    .body(body)
            })
            .start()
    }

    /// A page of entries with these ids, in feed 1.
    fn page(ids: impl Iterator<Item = i64>) -> String {
        let entries: Vec<String> = ids
            .map(|id| {
                format!(
                    r#"{{"id":{id},"feed_id":1,"status":"unread","title":"Entry {id}",
                    "url":"https://x.example/{id}","content":"<p>Text.</p>",
                    "published_at":null,"changed_at":"2026-12-01T00:00:00Z"}}"#
                )
            })
            .collect();
        format!(
            r#"{{"total":{},"entries":[{}]}}"#,
            entries.len(),
            entries.join(",")
        )
    }

    /// Pulls with `mark` and an entry budget; the ids stored, and the new mark.
    fn pull(server: &Miniflux, mark: Mark, entries: usize) -> (Vec<i64>, Mark, Budget) {
        let mut budget = Budget::new(Duration::from_secs(30), entries);
        let mut got = Vec::new();
        let mut sink = |page: Vec<ServerEntry>| -> Result<Vec<String>> {
            got.extend(
                page.iter()
                    .filter_map(|e| e.article.guid.as_ref()?.parse::<i64>().ok()),
            );
            Ok(Vec::new())
        };
        let next = server
            .pull(mark, &|_| false, &mut budget, &mut sink)
            .unwrap();
        (got, next, budget)
    }

    /// A server that ignores `after_entry_id` answers the same full page for ever: the
    /// pull stops at the second one, keeps the first, and says why.
    #[test]
    fn a_server_that_ignores_after_entry_id_is_not_paged_for_ever() {
        let site = serve(|_| (200, page(1..=250)));
        let (got, next, budget) = pull(&miniflux(site.base()), Mark::default(), 1_000_000);
        assert_eq!(got.len(), 250);
        assert_eq!(next.last, Some(250));
        assert_eq!(next.since, None, "an unfinished pull moves no change time");
        assert!(budget.stopped.unwrap().contains("ignores after_entry_id"));
        assert_eq!(site.count(), 2);
    }

    /// New ids on every page: the pull stops at the sync's entry budget, and the mark
    /// is past what was stored, so the next sync goes on from there.
    #[test]
    fn endless_new_entries_stop_at_the_budget_and_the_mark_keeps_the_place() {
        let site = serve(|r| {
            let after: i64 = r.query("after_entry_id").unwrap().parse().unwrap();
            (200, page(after + 1..=after + 250))
        });
        let server = miniflux(site.base());
        let (got, next, budget) = pull(&server, Mark::default(), 1000);
        assert_eq!(got.len(), 1000);
        assert_eq!(next.last, Some(1000));
        assert!(budget.stopped.is_some());
        assert_eq!(site.count(), 4);
        let (got, next, _) = pull(&server, next, 500);
        assert_eq!(got.first(), Some(&1001));
        assert_eq!(next.last, Some(1500));
    }

    /// An entry id at the top of the integer range: the mark does not wrap, and the
    /// entries changed since the last sync are still pulled.
    #[test]
    fn an_entry_id_at_the_top_of_the_range_does_not_pin_the_mark() {
        let site = serve(|r| {
            let changed = r.query("changed_after").is_some();
            let before = r.query("before_entry_id");
            match (changed, before) {
                (true, Some(before)) if before == i64::MAX.to_string() => (200, page(5..=5)),
                (true, _) => (200, page(std::iter::empty())),
                (false, _) => {
                    let after: i64 = r.query("after_entry_id").unwrap().parse().unwrap();
                    if after < i64::MAX {
                        (200, page([i64::MAX].into_iter()))
                    } else {
                        (200, page(std::iter::empty()))
                    }
                }
            }
        });
        let server = miniflux(site.base());
        let (got, next, _) = pull(&server, Mark::default(), 1000);
        assert_eq!(got, [i64::MAX]);
        assert_eq!(next.last, Some(i64::MAX));
        let mark = Mark {
            since: Some(100),
            last: next.last,
        };
        let (got, next, budget) = pull(&server, mark, 1000);
        assert_eq!(got, [5], "the changed entry below the top id");
        assert_eq!(next.last, Some(i64::MAX));
        assert!(budget.stopped.is_none());
    }
}
